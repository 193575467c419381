// UTF-8 and UTF-16 validation and transcoding helpers (names in wasm, strings in the component model).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wcr::support {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool isValidUtf8(std::string_view s);

// Where a byte string stops being UTF-8, as Rust's Utf8Error reports it (Wasmtime's string
// traps quote it): bytes [0, validUpTo) are valid; then either `errorLength` bytes form an
// invalid sequence, or (errorLength == 0) the input ends inside a sequence.
struct Utf8Error {
  size_t validUpTo = 0;
  uint8_t errorLength = 0;
};
// Returns nothing when `s` is valid UTF-8.
std::optional<Utf8Error> findUtf8Error(std::string_view s);

// Appends the UTF-8 encoding of scalar value `cp` (caller guarantees a valid scalar value).
void appendUtf8(std::string& out, uint32_t cp);

}  // namespace wcr::support
