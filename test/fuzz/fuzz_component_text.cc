// libFuzzer target: arbitrary text through the component text parser (canon/text) as a `.wat`
// and as a WAST script, and what it encodes through the component decoder and validator.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "canon/model/validator.h"
#include "canon/text/component_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto bytes = wcr::canon::text::parseComponentWat(text);
  if (bytes.ok()) {
    auto component = wcr::canon::model::decodeAndValidate(*bytes);
    if (!component.ok() && component.status().message().empty()) __builtin_trap();
  } else if (bytes.status().message().empty()) {
    __builtin_trap();
  }
  auto script = wcr::canon::text::parseComponentScript(text);
  if (!script.ok() && script.status().message().empty()) __builtin_trap();
  return 0;
}
