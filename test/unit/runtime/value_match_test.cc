// Result matching of assert_return patterns.
#include <algorithm>
#include <catch2/catch.hpp>
#include <iterator>

#include "runtime/wast/value_match.h"

namespace {

using wcr::jit::text::ResultPattern;
using wcr::jit::text::Value;
using wcr::runtime::wast::formatValue;
using wcr::runtime::wast::matches;

Value scalar(Value::Type type, uint64_t bits) {
  Value v;
  v.type = type;
  v.bits = bits;
  return v;
}

ResultPattern pattern(ResultPattern::Kind kind, Value::Type type, uint64_t bits = 0) {
  ResultPattern p;
  p.kind = kind;
  p.value = scalar(type, bits);
  return p;
}

}  // namespace

TEST_CASE("exact values compare bits of their width", "[match]") {
  const auto exact = pattern(ResultPattern::Kind::Exact, Value::Type::I32, 0xffffffff);
  CHECK(matches(exact, scalar(Value::Type::I32, 0xffffffff)));
  CHECK(matches(exact, scalar(Value::Type::I32, 0xffffffffffffffff)));  // sign-extended
  CHECK_FALSE(matches(exact, scalar(Value::Type::I64, 0xffffffff)));
  // -0.0 and +0.0 differ bit for bit.
  CHECK_FALSE(matches(pattern(ResultPattern::Kind::Exact, Value::Type::F32, 0x80000000),
                      scalar(Value::Type::F32, 0)));
}

TEST_CASE("NaN patterns", "[match]") {
  const auto canon32 = pattern(ResultPattern::Kind::NanCanonical, Value::Type::F32);
  const auto arith32 = pattern(ResultPattern::Kind::NanArithmetic, Value::Type::F32);
  CHECK(matches(canon32, scalar(Value::Type::F32, 0x7fc00000)));
  CHECK(matches(canon32, scalar(Value::Type::F32, 0xffc00000)));
  CHECK_FALSE(matches(canon32, scalar(Value::Type::F32, 0x7fc00001)));
  CHECK(matches(arith32, scalar(Value::Type::F32, 0x7fc00001)));
  CHECK_FALSE(matches(arith32, scalar(Value::Type::F32, 0x7f800001)));  // signalling
  CHECK_FALSE(matches(canon32, scalar(Value::Type::F64, 0x7ff8000000000000)));
  const auto canon64 = pattern(ResultPattern::Kind::NanCanonical, Value::Type::F64);
  CHECK(matches(canon64, scalar(Value::Type::F64, 0xfff8000000000000)));
  CHECK_FALSE(matches(canon64, scalar(Value::Type::F64, 0x7ff0000000000001)));
}

TEST_CASE("v128 lanes", "[match]") {
  Value v;
  v.type = Value::Type::V128;
  // f32x4: lane 0 canonical NaN, lane 1 = 1.0f, lanes 2-3 zero.
  const uint8_t bytes[16] = {0x00, 0x00, 0xc0, 0x7f, 0x00, 0x00, 0x80, 0x3f};
  std::copy(std::begin(bytes), std::end(bytes), v.v128.begin());
  ResultPattern p;
  p.kind = ResultPattern::Kind::V128Lanes;
  p.laneType = Value::Type::F32;
  p.lanes = {pattern(ResultPattern::Kind::NanCanonical, Value::Type::F32),
             pattern(ResultPattern::Kind::Exact, Value::Type::F32, 0x3f800000),
             pattern(ResultPattern::Kind::Exact, Value::Type::F32, 0),
             pattern(ResultPattern::Kind::Exact, Value::Type::F32, 0)};
  CHECK(matches(p, v));
  p.lanes[3].value.bits = 1;
  CHECK_FALSE(matches(p, v));
  // i8x16 lanes compare 8 bits.
  ResultPattern bytesPattern;
  bytesPattern.kind = ResultPattern::Kind::V128Lanes;
  for (uint8_t b : bytes) {
    bytesPattern.lanes.push_back(pattern(ResultPattern::Kind::Exact, Value::Type::I32, b));
  }
  CHECK(matches(bytesPattern, v));
  CHECK(formatValue(v) == "v128:0x00000000000000003f8000007fc00000");
}

TEST_CASE("references", "[match]") {
  Value null;
  null.type = Value::Type::ExternRef;
  null.isNull = true;
  const Value ext = scalar(Value::Type::ExternRef, 7);
  Value func = scalar(Value::Type::FuncRef, 0);
  CHECK(matches(pattern(ResultPattern::Kind::RefNull, Value::Type::ExternRef), null));
  CHECK_FALSE(matches(pattern(ResultPattern::Kind::RefNull, Value::Type::FuncRef), null));
  CHECK(matches(pattern(ResultPattern::Kind::RefExtern, Value::Type::ExternRef, 7), ext));
  CHECK_FALSE(matches(pattern(ResultPattern::Kind::RefExtern, Value::Type::ExternRef, 8), ext));
  CHECK(matches(pattern(ResultPattern::Kind::RefFunc, Value::Type::FuncRef), func));
  func.isNull = true;
  CHECK_FALSE(matches(pattern(ResultPattern::Kind::RefFunc, Value::Type::FuncRef), func));
}

TEST_CASE("either matches any alternative", "[match]") {
  ResultPattern either;
  either.kind = ResultPattern::Kind::Either;
  either.alternatives = {pattern(ResultPattern::Kind::Exact, Value::Type::I32, 1),
                         pattern(ResultPattern::Kind::Exact, Value::Type::I32, 2)};
  CHECK(matches(either, scalar(Value::Type::I32, 2)));
  CHECK_FALSE(matches(either, scalar(Value::Type::I32, 3)));
}
