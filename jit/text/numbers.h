// Numeric literals of the text format: the token grammar (nat, int, float, hex float, inf, nan,
// nan:0x payloads, `_` separators) and conversion to integer values and float bit patterns with
// correct rounding. Internal to jit/text.
#pragma once

#include <cstdint>
#include <string_view>

namespace wcr::jit::text {

// What a number token looks like: an unsigned integer (`12`, `0x1_F`), a signed integer
// (`-3`, `+0x2`), or only a float (`1.5`, `1e3`, `0x1p-2`, `inf`, `-nan:0x7f`).
enum class NumShape : uint8_t { Invalid, Nat, Int, Float };
NumShape numberShape(std::string_view s);

enum class NumStatus : uint8_t { Ok, Malformed, OutOfRange };

// A nat (no sign) as u64.
NumStatus parseNat(std::string_view s, uint64_t& out);

// An iN literal (bits = 8, 16, 32 or 64): unsigned up to 2^N-1 or signed down to -2^(N-1).
// `out` receives the two's complement bit pattern, zero-extended to 64 bits.
NumStatus parseInt(std::string_view s, unsigned bits, uint64_t& out);

// fN literals (any number shape), rounded to nearest-even; overflow to infinity is OutOfRange,
// as is a NaN payload outside [1, 2^(mantissa bits)).
NumStatus parseF32(std::string_view s, uint32_t& bits);
NumStatus parseF64(std::string_view s, uint64_t& bits);

}  // namespace wcr::jit::text
