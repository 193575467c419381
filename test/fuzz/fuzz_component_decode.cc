// libFuzzer target: arbitrary bytes through the component decoder and validator (canon/model),
// and, for valid components, the canonical ABI facts of every function type they define. Any
// input must end in a Component or an error Status; sanitizers catch everything else.
#include <cstddef>
#include <cstdint>

#include "canon/model/abi_info.h"
#include "canon/model/validator.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto component = wcr::canon::model::decodeAndValidate(absl::MakeConstSpan(data, size));
  if (!component.ok()) {
    if (component.status().message().empty()) __builtin_trap();  // errors must explain
    return 0;
  }
  const wcr::canon::model::ComponentInfo& info = *component->info;
  wcr::canon::model::AbiCalculator abi(*info.types);
  for (wcr::canon::model::FuncTypeId f : info.funcs) {
    abi.flattenFuncType(f, wcr::canon::model::AbiContext::Lift);
    abi.flattenFuncType(f, wcr::canon::model::AbiContext::Lower);
  }
  return 0;
}
