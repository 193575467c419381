// Result matching for assert_return (see value_match.h). NaN rules follow the spec's script
// semantics: nan:canonical is a NaN with only the quiet bit set in the payload (either sign);
// nan:arithmetic is any NaN with the quiet bit set.
#include "runtime/wast/value_match.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace wcr::runtime::wast {
namespace {

using jit::text::ResultPattern;
using jit::text::Value;

constexpr uint32_t kF32Abs = 0x7fffffffu;
constexpr uint32_t kF32CanonicalNan = 0x7fc00000u;
constexpr uint64_t kF64Abs = 0x7fffffffffffffffull;
constexpr uint64_t kF64CanonicalNan = 0x7ff8000000000000ull;

bool isCanonicalNan(uint64_t bits, unsigned width) {
  if (width == 4) return (static_cast<uint32_t>(bits) & kF32Abs) == kF32CanonicalNan;
  return (bits & kF64Abs) == kF64CanonicalNan;
}

bool isArithmeticNan(uint64_t bits, unsigned width) {
  if (width == 4) return (static_cast<uint32_t>(bits) & kF32CanonicalNan) == kF32CanonicalNan;
  return (bits & kF64CanonicalNan) == kF64CanonicalNan;
}

uint64_t widthMask(unsigned width) { return width >= 8 ? ~0ull : (1ull << (8 * width)) - 1; }

unsigned scalarWidth(Value::Type type) {
  return type == Value::Type::I32 || type == Value::Type::F32 ? 4 : 8;
}

uint64_t laneBits(const Value& v128, unsigned lane, unsigned width) {
  uint64_t bits = 0;
  std::memcpy(&bits, v128.v128.data() + lane * width, width);  // little-endian host
  return bits;
}

// One v128 lane against its pattern; `width` is the lane size in bytes.
bool laneMatches(const ResultPattern& pattern, uint64_t bits, unsigned width) {
  switch (pattern.kind) {
    case ResultPattern::Kind::NanCanonical:
      return width >= 4 && isCanonicalNan(bits, width);
    case ResultPattern::Kind::NanArithmetic:
      return width >= 4 && isArithmeticNan(bits, width);
    case ResultPattern::Kind::Either:
      for (const ResultPattern& alt : pattern.alternatives) {
        if (laneMatches(alt, bits, width)) return true;
      }
      return false;
    default:
      return (pattern.value.bits & widthMask(width)) == (bits & widthMask(width));
  }
}

bool isRefType(Value::Type type) {
  return type == Value::Type::FuncRef || type == Value::Type::ExternRef ||
         type == Value::Type::ExnRef;
}

const char* typeName(Value::Type type) {
  switch (type) {
    case Value::Type::I32: return "i32";
    case Value::Type::I64: return "i64";
    case Value::Type::F32: return "f32";
    case Value::Type::F64: return "f64";
    case Value::Type::V128: return "v128";
    case Value::Type::FuncRef: return "funcref";
    case Value::Type::ExternRef: return "externref";
    case Value::Type::ExnRef: return "exnref";
  }
  return "?";
}

}  // namespace

bool matches(const ResultPattern& pattern, const Value& actual) {
  switch (pattern.kind) {
    case ResultPattern::Kind::Exact: {
      const Value& want = pattern.value;
      if (want.type != actual.type) return false;
      if (want.type == Value::Type::V128) return want.v128 == actual.v128;
      if (isRefType(want.type)) {
        return want.isNull == actual.isNull && (want.isNull || want.bits == actual.bits);
      }
      const uint64_t mask = widthMask(scalarWidth(want.type));
      return (want.bits & mask) == (actual.bits & mask);
    }
    case ResultPattern::Kind::NanCanonical:
    case ResultPattern::Kind::NanArithmetic: {
      if (actual.type != Value::Type::F32 && actual.type != Value::Type::F64) return false;
      if (pattern.value.type != actual.type &&
          (pattern.value.type == Value::Type::F32 || pattern.value.type == Value::Type::F64)) {
        return false;
      }
      const unsigned width = scalarWidth(actual.type);
      return pattern.kind == ResultPattern::Kind::NanCanonical
                 ? isCanonicalNan(actual.bits, width)
                 : isArithmeticNan(actual.bits, width);
    }
    case ResultPattern::Kind::V128Lanes: {
      if (actual.type != Value::Type::V128 || pattern.lanes.empty() ||
          16 % pattern.lanes.size() != 0) {
        return false;
      }
      const unsigned width = 16 / static_cast<unsigned>(pattern.lanes.size());
      for (unsigned lane = 0; lane < pattern.lanes.size(); ++lane) {
        if (!laneMatches(pattern.lanes[lane], laneBits(actual, lane, width), width)) return false;
      }
      return true;
    }
    case ResultPattern::Kind::RefNull:
      return actual.type == pattern.value.type && actual.isNull;
    case ResultPattern::Kind::RefExtern:
      return actual.type == Value::Type::ExternRef && !actual.isNull &&
             actual.bits == pattern.value.bits;
    case ResultPattern::Kind::RefFunc:
      return actual.type == Value::Type::FuncRef && !actual.isNull;
    case ResultPattern::Kind::Either:
      for (const ResultPattern& alt : pattern.alternatives) {
        if (matches(alt, actual)) return true;
      }
      return false;
  }
  return false;
}

bool matchesAll(absl::Span<const ResultPattern> patterns, absl::Span<const Value> actual) {
  if (patterns.size() != actual.size()) return false;
  for (size_t i = 0; i < patterns.size(); ++i) {
    if (!matches(patterns[i], actual[i])) return false;
  }
  return true;
}

std::string formatValue(const Value& value) {
  switch (value.type) {
    case Value::Type::I32:
    case Value::Type::F32:
      return absl::StrFormat("%s:0x%08x", typeName(value.type), static_cast<uint32_t>(value.bits));
    case Value::Type::I64:
    case Value::Type::F64:
      return absl::StrFormat("%s:0x%016x", typeName(value.type), value.bits);
    case Value::Type::V128: {
      std::string hex;
      for (int i = 15; i >= 0; --i) absl::StrAppendFormat(&hex, "%02x", value.v128[i]);
      return absl::StrCat("v128:0x", hex);
    }
    case Value::Type::FuncRef:
    case Value::Type::ExternRef:
    case Value::Type::ExnRef:
      return value.isNull ? absl::StrCat(typeName(value.type), ":null")
                          : absl::StrCat(typeName(value.type), ":", value.bits);
  }
  return "?";
}

std::string formatPattern(const ResultPattern& pattern) {
  switch (pattern.kind) {
    case ResultPattern::Kind::Exact:
      return formatValue(pattern.value);
    case ResultPattern::Kind::NanCanonical:
      return absl::StrCat(typeName(pattern.value.type), ":nan:canonical");
    case ResultPattern::Kind::NanArithmetic:
      return absl::StrCat(typeName(pattern.value.type), ":nan:arithmetic");
    case ResultPattern::Kind::V128Lanes: {
      std::vector<std::string> lanes;
      for (const ResultPattern& lane : pattern.lanes) {
        lanes.push_back(lane.kind == ResultPattern::Kind::Exact
                            ? absl::StrFormat("0x%x", lane.value.bits)
                            : formatPattern(lane));
      }
      return absl::StrCat("v128:[", absl::StrJoin(lanes, " "), "]");
    }
    case ResultPattern::Kind::RefNull:
      return absl::StrCat(typeName(pattern.value.type), ":null");
    case ResultPattern::Kind::RefExtern:
      return absl::StrCat("externref:", pattern.value.bits);
    case ResultPattern::Kind::RefFunc:
      return "funcref:non-null";
    case ResultPattern::Kind::Either: {
      std::vector<std::string> alts;
      for (const ResultPattern& alt : pattern.alternatives) alts.push_back(formatPattern(alt));
      return absl::StrCat("(either ", absl::StrJoin(alts, " "), ")");
    }
  }
  return "?";
}

std::string formatValues(absl::Span<const Value> values) {
  std::vector<std::string> parts;
  for (const Value& v : values) parts.push_back(formatValue(v));
  return absl::StrCat("(", absl::StrJoin(parts, " "), ")");
}

std::string formatPatterns(absl::Span<const ResultPattern> patterns) {
  std::vector<std::string> parts;
  for (const ResultPattern& p : patterns) parts.push_back(formatPattern(p));
  return absl::StrCat("(", absl::StrJoin(parts, " "), ")");
}

}  // namespace wcr::runtime::wast
