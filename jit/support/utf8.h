// UTF-8 and UTF-16 validation and transcoding helpers (names in wasm, strings in the component model).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace wcr::support {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view s);

// Appends the UTF-8 encoding of scalar value `cp` (caller guarantees a valid scalar value).
void appendUtf8(std::string& out, uint32_t cp);

}  // namespace wcr::support
