// libFuzzer target: arbitrary bytes through the binary decoder and validator. Any input must end
// in a Module or an error Status; sanitizers catch everything else.
#include <cstddef>
#include <cstdint>

#include "jit/wasm/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // WebAssembly 2.0, then with every proposal (their rules are separate code paths).
  for (const auto& features : {wcr::jit::wasm::Features{}, wcr::jit::wasm::Features::all()}) {
    auto module = wcr::jit::wasm::decodeAndValidate(wcr::jit::wasm::Bytes(data, size), features);
    if (!module.ok() && module.status().message().empty()) __builtin_trap();  // errors must explain
  }
  return 0;
}
