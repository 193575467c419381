// Numeric literals of the text format: grammar checks and conversions (see numbers.h).
//
// Decision: decimal and hexadecimal floats are converted by the C library's strtof/strtod in the
// "C" locale (glibc rounds correctly, to nearest-even, for any number of digits) after removing
// `_` separators; inf and nan forms are built bit by bit here.
#include "jit/text/numbers.h"

#include <locale.h>
#include <stdlib.h>

#include <cmath>
#include <cstring>
#include <string>

namespace wcr::jit::text {
namespace {

bool isDigit(char c, bool hex) {
  if (c >= '0' && c <= '9') return true;
  return hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'));
}

// digit ('_'? digit)*: advances `i` past it; false when there is no digit or a misplaced `_`.
bool scanDigits(std::string_view s, size_t& i, bool hex) {
  if (i >= s.size() || !isDigit(s[i], hex)) return false;
  ++i;
  while (i < s.size()) {
    if (s[i] == '_') {
      if (i + 1 >= s.size() || !isDigit(s[i + 1], hex)) return false;
      i += 2;
    } else if (isDigit(s[i], hex)) {
      ++i;
    } else {
      break;
    }
  }
  return true;
}

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Unsigned magnitude of `s` (digits with `_`, hex when `hex`); false on overflow of u64.
bool magnitude(std::string_view s, bool hex, uint64_t& out) {
  uint64_t v = 0;
  uint64_t base = hex ? 16 : 10;
  for (char c : s) {
    if (c == '_') continue;
    uint64_t d = (c >= '0' && c <= '9') ? c - '0' : (c | 0x20) - 'a' + 10;
    if (v > (UINT64_MAX - d) / base) return false;
    v = v * base + d;
  }
  out = v;
  return true;
}

locale_t cLocale() {
  static locale_t loc = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return loc;
}

std::string withoutUnderscores(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c != '_') out.push_back(c);
  }
  return out;
}

struct FloatForm {
  bool negative = false;
  enum Kind { Finite, Inf, Nan, NanPayload } kind = Finite;
  uint64_t payload = 0;
  bool payloadOverflow = false;
  std::string_view body;  // without sign, for Finite
};

FloatForm floatForm(std::string_view s) {
  FloatForm f;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    f.negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "inf") {
    f.kind = FloatForm::Inf;
  } else if (s == "nan") {
    f.kind = FloatForm::Nan;
  } else if (startsWith(s, "nan:0x")) {
    f.kind = FloatForm::NanPayload;
    f.payloadOverflow = !magnitude(s.substr(6), true, f.payload);
  } else {
    f.body = s;
  }
  return f;
}

template <typename Bits, int kMantBits, int kExpBits>
NumStatus parseFloat(std::string_view s, Bits& bits) {
  if (numberShape(s) == NumShape::Invalid) return NumStatus::Malformed;
  FloatForm f = floatForm(s);
  constexpr Bits kSign = Bits{1} << (kMantBits + kExpBits);
  constexpr Bits kExpMask = ((Bits{1} << kExpBits) - 1) << kMantBits;
  constexpr Bits kQuiet = Bits{1} << (kMantBits - 1);
  Bits sign = f.negative ? kSign : 0;
  switch (f.kind) {
    case FloatForm::Inf:
      bits = sign | kExpMask;
      return NumStatus::Ok;
    case FloatForm::Nan:
      bits = sign | kExpMask | kQuiet;
      return NumStatus::Ok;
    case FloatForm::NanPayload:
      if (f.payloadOverflow || f.payload == 0 || f.payload >= (uint64_t{1} << kMantBits)) {
        return NumStatus::OutOfRange;
      }
      bits = sign | kExpMask | static_cast<Bits>(f.payload);
      return NumStatus::Ok;
    case FloatForm::Finite:
      break;
  }
  std::string clean = withoutUnderscores(f.body);
  Bits mag;
  if constexpr (sizeof(Bits) == 4) {
    float v = strtof_l(clean.c_str(), nullptr, cLocale());
    if (std::isinf(v)) return NumStatus::OutOfRange;
    std::memcpy(&mag, &v, sizeof mag);
  } else {
    double v = strtod_l(clean.c_str(), nullptr, cLocale());
    if (std::isinf(v)) return NumStatus::OutOfRange;
    std::memcpy(&mag, &v, sizeof mag);
  }
  bits = sign | (mag & ~kSign);
  return NumStatus::Ok;
}

}  // namespace

NumShape numberShape(std::string_view s) {
  size_t i = 0;
  bool sign = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    sign = true;
    ++i;
  }
  std::string_view rest = s.substr(i);
  if (rest == "inf" || rest == "nan") return NumShape::Float;
  if (startsWith(rest, "nan:0x")) {
    size_t j = i + 6;
    return scanDigits(s, j, true) && j == s.size() ? NumShape::Float : NumShape::Invalid;
  }
  bool hex = startsWith(rest, "0x");
  if (hex) i += 2;
  if (!scanDigits(s, i, hex)) return NumShape::Invalid;
  if (i == s.size()) return sign ? NumShape::Int : NumShape::Nat;
  if (s[i] == '.') {
    ++i;
    if (i < s.size() && isDigit(s[i], hex) && !scanDigits(s, i, hex)) return NumShape::Invalid;
  }
  if (i < s.size() && (hex ? (s[i] == 'p' || s[i] == 'P') : (s[i] == 'e' || s[i] == 'E'))) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!scanDigits(s, i, false)) return NumShape::Invalid;
  }
  return i == s.size() ? NumShape::Float : NumShape::Invalid;
}

NumStatus parseNat(std::string_view s, uint64_t& out) {
  if (numberShape(s) != NumShape::Nat) return NumStatus::Malformed;
  bool hex = startsWith(s, "0x");
  return magnitude(hex ? s.substr(2) : s, hex, out) ? NumStatus::Ok : NumStatus::OutOfRange;
}

NumStatus parseInt(std::string_view s, unsigned bits, uint64_t& out) {
  NumShape shape = numberShape(s);
  if (shape != NumShape::Nat && shape != NumShape::Int) return NumStatus::Malformed;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  bool hex = startsWith(s, "0x");
  uint64_t m;
  if (!magnitude(hex ? s.substr(2) : s, hex, m)) return NumStatus::OutOfRange;
  uint64_t mask = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  if (negative) {
    uint64_t limit = uint64_t{1} << (bits - 1);  // magnitude of the most negative value
    if (m > limit) return NumStatus::OutOfRange;
    out = (0 - m) & mask;
  } else {
    if (m > mask) return NumStatus::OutOfRange;
    out = m;
  }
  return NumStatus::Ok;
}

NumStatus parseF32(std::string_view s, uint32_t& bits) {
  return parseFloat<uint32_t, 23, 8>(s, bits);
}

NumStatus parseF64(std::string_view s, uint64_t& bits) {
  return parseFloat<uint64_t, 52, 11>(s, bits);
}

}  // namespace wcr::jit::text
