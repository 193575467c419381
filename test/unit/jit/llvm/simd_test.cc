// jit/llvm SIMD lowering: a sample of each kind of operator (lane-wise, saturating, narrowing,
// widening, shuffles, lane access, loads, float min/max and conversions) checked lane by lane.
#include <catch2/catch.hpp>
#include <cstring>

#include "test/unit/jit/llvm/harness.h"

using namespace wcr::test::llvmjit;

namespace {

const char* kSimd = R"(
(module
  (memory 1)
  (data (i32.const 0) "\00\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\80\ff")
  (func (export "add_sat") (result i32)
    (i8x16.extract_lane_s 0 (i8x16.add_sat_s (v128.const i8x16 100 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
                                             (v128.const i8x16 100 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))))
  (func (export "shuffle") (result i32)
    (i8x16.extract_lane_u 3 (i8x16.shuffle 16 17 18 31 0 0 0 0 0 0 0 0 0 0 0 0
                            (v128.load (i32.const 0)) (v128.load (i32.const 2)))))
  (func (export "swizzle") (param i32) (result i32)
    (i8x16.extract_lane_u 0 (i8x16.swizzle (v128.load (i32.const 0)) (i8x16.splat (local.get 0)))))
  (func (export "narrow") (result i32)
    (i8x16.extract_lane_u 1 (i8x16.narrow_i16x8_u (v128.const i16x8 -5 300 0 0 0 0 0 0)
                                                  (v128.const i16x8 0 0 0 0 0 0 0 0))))
  (func (export "extend") (result i64)
    (i64x2.extract_lane 1 (i64x2.extend_high_i32x4_s (v128.const i32x4 0 0 0 -9))))
  (func (export "dot") (result i32)
    (i32x4.extract_lane 0 (i32x4.dot_i16x8_s (v128.const i16x8 2 3 0 0 0 0 0 0)
                                              (v128.const i16x8 10 100 0 0 0 0 0 0))))
  (func (export "bitmask") (result i32) (i8x16.bitmask (v128.load (i32.const 10))))
  (func (export "all_true") (result i32) (i32x4.all_true (v128.const i32x4 1 2 3 0)))
  (func (export "any_true") (result i32) (v128.any_true (v128.const i64x2 0 4)))
  (func (export "load_splat") (result i32) (i16x8.extract_lane_u 7 (v128.load16_splat (i32.const 16))))
  (func (export "load_ext") (result i32) (i16x8.extract_lane_s 1 (v128.load8x8_s (i32.const 16))))
  (func (export "fmin") (result f32)
    (f32x4.extract_lane 0 (f32x4.min (v128.const f32x4 -0 1 2 3) (v128.const f32x4 0 1 2 3))))
  (func (export "fmin_nan") (result f32)
    (f32x4.extract_lane 1 (f32x4.min (v128.const f32x4 0 nan:0x200000 2 3) (v128.const f32x4 0 1 2 3))))
  (func (export "pmax") (result f64)
    (f64x2.extract_lane 0 (f64x2.pmax (v128.const f64x2 nan 0) (v128.const f64x2 5 0))))
  (func (export "trunc_sat") (result i32)
    (i32x4.extract_lane 2 (i32x4.trunc_sat_f64x2_s_zero (v128.const f64x2 1e20 -3.7))))
  (func (export "trunc_sat1") (result i32)
    (i32x4.extract_lane 1 (i32x4.trunc_sat_f64x2_s_zero (v128.const f64x2 1e20 -3.7))))
  (func (export "shr") (param i32) (result i32)
    (i16x8.extract_lane_s 0 (i16x8.shr_s (v128.const i16x8 -256 0 0 0 0 0 0 0) (local.get 0))))
  (func (export "q15") (result i32)
    (i16x8.extract_lane_s 0 (i16x8.q15mulr_sat_s (v128.const i16x8 -32768 0 0 0 0 0 0 0)
                                                 (v128.const i16x8 -32768 0 0 0 0 0 0 0))))
  (func (export "store_lane") (result i32)
    (v128.store32_lane 2 (i32.const 100) (v128.const i32x4 1 2 77 4))
    (i32.load (i32.const 100)))
  (func (export "avgr") (result i32)
    (i8x16.extract_lane_u 0 (i8x16.avgr_u (v128.const i8x16 255 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)
                                          (v128.const i8x16 254 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))))
  (func (export "param") (param v128) (result v128) (i32x4.add (local.get 0) (local.get 0)))
)
)";

}  // namespace

TEST_CASE("llvm: simd", "[llvm][simd]") {
  for (int opt : {0, 2}) {
    TestInstance t(kSimd, opt);
    CHECK(t.i32("add_sat") == 127);
    CHECK(t.i32("shuffle") == 0xFF);  // lane 31 = second operand lane 15 = byte 17
    CHECK(t.i32("swizzle", {i32v(5)}) == 5);
    CHECK(t.i32("swizzle", {i32v(16)}) == 0);
    CHECK(t.i32("swizzle", {i32v(200)}) == 0);
    CHECK(t.i32("narrow") == 255);
    CHECK(t.i64("extend") == -9);
    CHECK(t.i32("dot") == 320);
    CHECK(t.i32("bitmask") == 0b11000000);
    CHECK(t.i32("all_true") == 0);
    CHECK(t.i32("any_true") == 1);
    CHECK(t.i32("load_splat") == 0xFF80);
    CHECK(t.i32("load_ext") == -1);
    CHECK(t.f32Bits("fmin") == 0x80000000u);
    uint32_t nan = t.f32Bits("fmin_nan");
    CHECK((nan & 0x7FC00000u) == 0x7FC00000u);
    uint64_t pmax = t.f64Bits("pmax");
    CHECK((pmax & 0x7FF0000000000000ull) == 0x7FF0000000000000ull);  // pmax(NaN, 5) = NaN (a)
    CHECK(t.i32("trunc_sat") == 0);
    CHECK(t.i32("trunc_sat1") == -3);
    CHECK(t.i32("shr", {i32v(17)}) == -128);
    CHECK(t.i32("q15") == 32767);
    CHECK(t.i32("store_lane") == 77);
    CHECK(t.i32("avgr") == 255);
    std::vector<ValRaw> v(1);
    uint32_t lanes[4] = {1, 2, 3, 0x80000000u};
    std::memcpy(v[0].v128, lanes, 16);
    CHECK(!t.call("param", v));
    std::memcpy(lanes, v[0].v128, 16);
    CHECK(lanes[0] == 2);
    CHECK(lanes[2] == 6);
    CHECK(lanes[3] == 0);
  }
}
