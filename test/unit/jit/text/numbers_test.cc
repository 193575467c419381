// Numeric literals: grammar, integer ranges, float rounding and boundaries, NaN payloads.
#include <catch2/catch.hpp>
#include <cstdint>

#include "jit/text/numbers.h"

namespace {

using namespace wcr::jit::text;

uint64_t intOk(std::string_view s, unsigned bits) {
  uint64_t v = 0;
  REQUIRE(parseInt(s, bits, v) == NumStatus::Ok);
  return v;
}

NumStatus intStatus(std::string_view s, unsigned bits) {
  uint64_t v = 0;
  return parseInt(s, bits, v);
}

uint32_t f32(std::string_view s) {
  uint32_t b = 0;
  INFO(s);
  REQUIRE(parseF32(s, b) == NumStatus::Ok);
  return b;
}

uint64_t f64(std::string_view s) {
  uint64_t b = 0;
  INFO(s);
  REQUIRE(parseF64(s, b) == NumStatus::Ok);
  return b;
}

NumStatus f32Status(std::string_view s) {
  uint32_t b = 0;
  return parseF32(s, b);
}

NumStatus f64Status(std::string_view s) {
  uint64_t b = 0;
  return parseF64(s, b);
}

}  // namespace

TEST_CASE("number shapes", "[text][numbers]") {
  CHECK(numberShape("0") == NumShape::Nat);
  CHECK(numberShape("0x1_f") == NumShape::Nat);
  CHECK(numberShape("+1") == NumShape::Int);
  CHECK(numberShape("-0x8") == NumShape::Int);
  for (auto s : {"1.", "1.5", "1e3", "1E+3", "1.e-3", "0x1p4", "0x1.P-4", "0xA.bp1"}) {
    INFO(s);
    CHECK(numberShape(s) == NumShape::Float);
  }
  for (auto s : {"inf", "-inf", "nan", "+nan", "nan:0x1", "-nan:0xf_f"}) {
    INFO(s);
    CHECK(numberShape(s) == NumShape::Float);
  }
  for (auto s : {"", "-", "0x", "1x", "_1", "1_", "1__0", "0x_1", "1._0", "1_.0", "1e", "1e+",
                 "1e_1", ".5", "0x.", "0x0p", "0x0pA", "nan:1", "nan:0x", "infinity", "0_x1"}) {
    INFO(s);
    CHECK(numberShape(s) == NumShape::Invalid);
  }
}

TEST_CASE("integer ranges", "[text][numbers]") {
  CHECK(intOk("4294967295", 32) == 0xFFFFFFFF);
  CHECK(intOk("-2147483648", 32) == 0x80000000);
  CHECK(intOk("-0x8000_0000", 32) == 0x80000000);
  CHECK(intOk("-1", 32) == 0xFFFFFFFF);
  CHECK(intOk("+0x7f", 8) == 0x7F);
  CHECK(intOk("-128", 8) == 0x80);
  CHECK(intOk("255", 8) == 0xFF);
  CHECK(intOk("18446744073709551615", 64) == UINT64_MAX);
  CHECK(intOk("-9223372036854775808", 64) == 0x8000000000000000);
  CHECK(intStatus("4294967296", 32) == NumStatus::OutOfRange);
  CHECK(intStatus("-2147483649", 32) == NumStatus::OutOfRange);
  CHECK(intStatus("-0x80000001", 32) == NumStatus::OutOfRange);
  CHECK(intStatus("256", 8) == NumStatus::OutOfRange);
  CHECK(intStatus("-129", 8) == NumStatus::OutOfRange);
  CHECK(intStatus("18446744073709551616", 64) == NumStatus::OutOfRange);
  CHECK(intStatus("0x1_0000_0000_0000_0000", 64) == NumStatus::OutOfRange);
  CHECK(intStatus("1.0", 32) == NumStatus::Malformed);
  uint64_t n = 0;
  CHECK(parseNat("0xFFFF_FFFF_FFFF_FFFF", n) == NumStatus::Ok);
  CHECK(n == UINT64_MAX);
  CHECK(parseNat("-1", n) == NumStatus::Malformed);
}

TEST_CASE("f32 literals round to nearest even", "[text][numbers]") {
  CHECK(f32("0") == 0);
  CHECK(f32("-0") == 0x80000000);
  CHECK(f32("1") == 0x3F800000);
  CHECK(f32("-1.5") == 0xBFC00000);
  CHECK(f32("0x1p-149") == 1);                    // smallest subnormal
  CHECK(f32("0x1p-150") == 0);                    // ties to even: 0
  CHECK(f32("0x1.8p-149") == 2);                  // ties to even: 2
  CHECK(f32("1e-50") == 0);                       // underflow is not an error
  CHECK(f32("0x1.fffffep127") == 0x7F7FFFFF);     // largest finite
  CHECK(f32("0x1.fffffefffffffffffp127") == 0x7F7FFFFF);
  CHECK(f32("340282356779733661637539395458142568447") == 0x7F7FFFFF);
  CHECK(f32("0x1.000001p0") == 0x3F800000);       // ties to even: down
  CHECK(f32("0x1.000003p0") == 0x3F800002);       // ties to even: up
  CHECK(f32("0x1.00000100000000000001p0") == 0x3F800001);
  CHECK(f32("1_000.000_1") == f32("1000.0001"));
  CHECK(f32Status("0x1p128") == NumStatus::OutOfRange);
  CHECK(f32Status("-0x1.ffffffp127") == NumStatus::OutOfRange);
  CHECK(f32Status("1e39") == NumStatus::OutOfRange);
  CHECK(f32Status("340282356779733661637539395458142568448") == NumStatus::OutOfRange);
}

TEST_CASE("f64 literals", "[text][numbers]") {
  CHECK(f64("1") == 0x3FF0000000000000);
  CHECK(f64("0x1p-1074") == 1);
  CHECK(f64("0x1.fffffffffffffp1023") == 0x7FEFFFFFFFFFFFFF);
  CHECK(f64("0x1.00000000000008p0") == 0x3FF0000000000000);
  CHECK(f64("0x1.00000000000018p0") == 0x3FF0000000000002);
  CHECK(f64("4.9406564584124654e-324") == 1);
  CHECK(f64Status("0x1p1024") == NumStatus::OutOfRange);
  CHECK(f64Status("0x1.fffffffffffff8p1023") == NumStatus::OutOfRange);
  CHECK(f64Status("1e309") == NumStatus::OutOfRange);
}

TEST_CASE("inf and nan", "[text][numbers]") {
  CHECK(f32("inf") == 0x7F800000);
  CHECK(f32("-inf") == 0xFF800000);
  CHECK(f32("nan") == 0x7FC00000);
  CHECK(f32("-nan") == 0xFFC00000);
  CHECK(f32("nan:0x1") == 0x7F800001);
  CHECK(f32("-nan:0x7f_ffff") == 0xFFFFFFFF);
  CHECK(f32Status("nan:0x0") == NumStatus::OutOfRange);
  CHECK(f32Status("nan:0x80_0000") == NumStatus::OutOfRange);
  CHECK(f64("nan") == 0x7FF8000000000000);
  CHECK(f64("nan:0x4000000000000") == 0x7FF4000000000000);
  CHECK(f64("-inf") == 0xFFF0000000000000);
  CHECK(f64Status("nan:0x10_0000_0000_0000") == NumStatus::OutOfRange);
  CHECK(f64Status("nan:0xffffffffffffffffffff") == NumStatus::OutOfRange);
}
