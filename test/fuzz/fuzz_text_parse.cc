// libFuzzer target: arbitrary text through the WAT parser and the WAST script parser; a module the
// parser accepts is also decoded and validated, which exercises the encoder on odd inputs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "jit/text/parser.h"
#include "jit/wasm/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto binary = wcr::jit::text::parseWat(text);
  if (binary.ok()) {
    auto module = wcr::jit::wasm::decodeAndValidate(wcr::jit::wasm::Bytes(*binary));
    (void)module;
  }
  auto script = wcr::jit::text::parseScript(text);
  (void)script;
  return 0;
}
