// jit/llvm on core wasm: integer arithmetic, control flow (blocks, loops, br_table, multi-value),
// memory, calls, call_indirect, traps, floats and conversions, at O0 and O2.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "test/unit/jit/llvm/harness.h"

using namespace wcr::test::llvmjit;

namespace {

const char* kArith = R"(
(module
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "div_u64") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
  (func (export "shl") (param i32 i32) (result i32) (i32.shl (local.get 0) (local.get 1)))
  (func (export "rotl") (param i32 i32) (result i32) (i32.rotl (local.get 0) (local.get 1)))
  (func (export "clz") (param i64) (result i64) (i64.clz (local.get 0)))
  (func (export "ext8") (param i32) (result i32) (i32.extend8_s (local.get 0)))
  (func (export "unreachable") (unreachable))
)
)";

const char* kControl = R"(
(module
  (func (export "fac") (param i64) (result i64)
    (local i64)
    (local.set 1 (i64.const 1))
    (block $done
      (loop $l
        (br_if $done (i64.eqz (local.get 0)))
        (local.set 1 (i64.mul (local.get 1) (local.get 0)))
        (local.set 0 (i64.sub (local.get 0) (i64.const 1)))
        (br $l)))
    (local.get 1))
  (func (export "table") (param i32) (result i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $a $d (local.get 0)))
      (return (i32.const 10)))
      (return (i32.const 11)))
      (return (i32.const 12)))
    (i32.const 13))
  (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
  (func (export "multi") (param i32 i32) (result i32)
    (call $swap (local.get 0) (local.get 1))
    (i32.sub))
  (func (export "blockparams") (param i32) (result i32)
    (i32.const 7)
    (local.get 0)
    (block (param i32 i32) (result i32) (i32.sub))
    (if (param i32) (result i32) (local.get 0) (then (i32.const 100) (i32.add)) (else (i32.const 200) (i32.add))))
  (func (export "ifnoelse") (param i32) (result i32)
    (i32.const 5)
    (if (param i32) (result i32) (local.get 0) (then (i32.const 1) (i32.add))))
  (func (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call 6 (i32.sub (local.get 0) (i32.const 1)))
                     (call 6 (i32.sub (local.get 0) (i32.const 2)))))))
  (func (export "deadcode") (param i32) (result i32)
    (block (result i32)
      (br 0 (i32.const 3))
      (drop (i32.const 1))
      (block (loop (br 0)))
      (i32.const 9)))
  (func (export "select") (param i32) (result i64)
    (select (i64.const 1) (i64.const 2) (local.get 0)))
  (func (export "loopresult") (param i32) (result i32)
    (local i32)
    (loop (result i32)
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (br_if 0 (i32.lt_u (local.get 1) (i32.const 100)))
      (local.get 1)))
  (func (export "recurse") (call 10))
)
)";

const char* kMemory = R"(
(module
  (memory 1)
  (data (i32.const 16) "\01\02\03\04\ff")
  (func (export "load") (param i32) (result i32) (i32.load offset=16 (local.get 0)))
  (func (export "load8s") (param i32) (result i32) (i32.load8_s (local.get 0)))
  (func (export "store") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "load64") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "droppedload") (param i32) (drop (i32.load (local.get 0))))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
)
)";

const char* kCalls = R"(
(module
  (import "env" "twice" (func $twice (param i32) (result i32)))
  (import "env" "fail" (func $fail))
  (type $ii (func (param i32) (result i32)))
  (type $v (func))
  (table 4 funcref)
  (elem (i32.const 0) $inc $dec $twice)
  (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  (func $dec (param i32) (result i32) (i32.sub (local.get 0) (i32.const 1)))
  (func $noparam)
  (func (export "callhost") (param i32) (result i32) (call $twice (local.get 0)))
  (func (export "callfail") (call $fail))
  (func (export "indirect") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0)))
  (func (export "badtype") (call_indirect (type $v) (i32.const 0)))
  (func (export "refnull") (result i32) (ref.is_null (table.get 0 (i32.const 3))))
  (func (export "tableset") (param i32) (result i32)
    (table.set 0 (i32.const 3) (ref.func $dec))
    (call_indirect (type $ii) (local.get 0) (i32.const 3)))
  (func (export "tablesize") (result i32) (table.size 0))
  (func (export "tableoob") (result i32) (ref.is_null (table.get 0 (i32.const 4))))
  (global $g (mut i32) (i32.const 42))
  (func (export "global") (param i32) (result i32)
    (global.get $g) (global.set $g (local.get 0)) (global.get $g) (i32.add))
)
)";

const char* kFloat = R"(
(module
  (func (export "fmin") (param f32 f32) (result f32) (f32.min (local.get 0) (local.get 1)))
  (func (export "fmax") (param f64 f64) (result f64) (f64.max (local.get 0) (local.get 1)))
  (func (export "nearest") (param f64) (result f64) (f64.nearest (local.get 0)))
  (func (export "copysign") (param f32 f32) (result f32) (f32.copysign (local.get 0) (local.get 1)))
  (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "truncu") (param f32) (result i64) (i64.trunc_f32_u (local.get 0)))
  (func (export "truncsat") (param f64) (result i32) (i32.trunc_sat_f64_u (local.get 0)))
  (func (export "neg") (param f32) (result f32) (f32.neg (local.get 0)))
  (func (export "ne") (param f64 f64) (result i32) (f64.ne (local.get 0) (local.get 1)))
  (func (export "convert") (param i64) (result f32) (f32.convert_i64_u (local.get 0)))
)
)";

}  // namespace

TEST_CASE("llvm: integer arithmetic and traps", "[llvm]") {
  for (int opt : {0, 2}) {
    TestInstance t(kArith, opt);
    CHECK(t.i32("add", {i32v(2), i32v(40)}) == 42);
    CHECK(t.i32("div_s", {i32v(-7), i32v(2)}) == -3);
    CHECK(t.trap("div_s", {i32v(1), i32v(0)}) == TrapCode::IntegerDivideByZero);
    CHECK(t.trap("div_s", {i32v(INT32_MIN), i32v(-1)}) == TrapCode::IntegerOverflow);
    CHECK(t.i32("rem_s", {i32v(INT32_MIN), i32v(-1)}) == 0);
    CHECK(t.i32("rem_s", {i32v(-7), i32v(2)}) == -1);
    CHECK(t.trap("div_u64", {i64v(1), i64v(0)}) == TrapCode::IntegerDivideByZero);
    CHECK(t.i64("div_u64", {i64v(-1), i64v(2)}) == INT64_MAX);
    CHECK(t.i32("shl", {i32v(1), i32v(33)}) == 2);
    CHECK(t.i32("rotl", {i32v(static_cast<int32_t>(0x80000001u)), i32v(1)}) == 3);
    CHECK(t.i64("clz", {i64v(0)}) == 64);
    CHECK(t.i32("ext8", {i32v(0x80)}) == -128);
    CHECK(t.trap("unreachable") == TrapCode::Unreachable);
  }
}

TEST_CASE("llvm: control flow", "[llvm]") {
  for (int opt : {0, 2}) {
    TestInstance t(kControl, opt);
    CHECK(t.i64("fac", {i64v(10)}) == 3628800);
    CHECK(t.i32("table", {i32v(0)}) == 10);
    CHECK(t.i32("table", {i32v(1)}) == 11);
    CHECK(t.i32("table", {i32v(2)}) == 12);
    CHECK(t.i32("table", {i32v(3)}) == 10);
    CHECK(t.i32("table", {i32v(4)}) == 13);
    CHECK(t.i32("table", {i32v(99)}) == 13);
    CHECK(t.i32("multi", {i32v(1), i32v(10)}) == 9);
    CHECK(t.i32("blockparams", {i32v(2)}) == 105);
    CHECK(t.i32("blockparams", {i32v(0)}) == 207);
    CHECK(t.i32("ifnoelse", {i32v(1)}) == 6);
    CHECK(t.i32("ifnoelse", {i32v(0)}) == 5);
    CHECK(t.i32("fib", {i32v(20)}) == 6765);
    CHECK(t.i32("deadcode", {i32v(0)}) == 3);
    CHECK(t.i64("select", {i32v(1)}) == 1);
    CHECK(t.i64("select", {i32v(0)}) == 2);
    CHECK(t.i32("loopresult", {i32v(7)}) == 105);
    CHECK(t.trap("recurse") == TrapCode::StackOverflow);
  }
}

TEST_CASE("llvm: memory", "[llvm]") {
  for (int opt : {0, 2}) {
    TestInstance t(kMemory, opt);
    CHECK(t.i32("load", {i32v(0)}) == 0x04030201);
    CHECK(t.i32("load8s", {i32v(20)}) == -1);
    std::vector<ValRaw> args{i32v(100), i64v(0x1122334455667788)};
    CHECK(!t.call("store", args));
    CHECK(t.i64("load64", {i32v(100)}) == 0x1122334455667788);
    CHECK(t.trap("load", {i32v(65536 - 16 - 2)}) == TrapCode::MemoryOutOfBounds);
    CHECK(t.trap("load64", {i32v(-1)}) == TrapCode::MemoryOutOfBounds);
    CHECK(t.trap("droppedload", {i32v(65536)}) == TrapCode::MemoryOutOfBounds);
    CHECK(t.i32("size") == 1);
    CHECK(t.i32("grow", {i32v(2)}) == 1);
    CHECK(t.i32("size") == 3);
    CHECK(t.i32("load", {i32v(65536 * 2)}) == 0);
    std::vector<ValRaw> fill{i32v(200), i32v(0xAB), i32v(4)};
    CHECK(!t.call("fill", fill));
    CHECK(t.i32("load", {i32v(200 - 16)}) == static_cast<int32_t>(0xABABABABu));
  }
}

namespace {
wcr::jit::vm::TrapCode twice(wcr::jit::vm::VMHostContext*, ValRaw* values) {
  values[0].i32 = values[0].i32 * 2;
  return TrapCode::None;
}
wcr::jit::vm::TrapCode fail(wcr::jit::vm::VMHostContext*, ValRaw*) { return TrapCode::HostTrap; }
}  // namespace

TEST_CASE("llvm: calls, tables, globals", "[llvm]") {
  for (int opt : {0, 2}) {
    TestInstance t(kCalls, opt, {{"env", "twice", twice}, {"env", "fail", fail}});
    CHECK(t.i32("callhost", {i32v(21)}) == 42);
    CHECK(t.trap("callfail") == TrapCode::HostTrap);
    CHECK(t.i32("indirect", {i32v(0), i32v(5)}) == 6);
    CHECK(t.i32("indirect", {i32v(1), i32v(5)}) == 4);
    CHECK(t.i32("indirect", {i32v(2), i32v(5)}) == 10);
    CHECK(t.trap("indirect", {i32v(3), i32v(5)}) == TrapCode::UninitializedElement);
    CHECK(t.trap("indirect", {i32v(4), i32v(5)}) == TrapCode::UndefinedElement);
    CHECK(t.trap("badtype") == TrapCode::IndirectCallTypeMismatch);
    CHECK(t.i32("refnull") == 1);
    CHECK(t.i32("tableset", {i32v(5)}) == 4);
    CHECK(t.i32("tablesize") == 4);
    CHECK(t.trap("tableoob") == TrapCode::TableOutOfBounds);
    CHECK(t.i32("global", {i32v(1)}) == 43);
    CHECK(t.i32("global", {i32v(2)}) == 3);
  }
}

TEST_CASE("llvm: floats and conversions", "[llvm]") {
  for (int opt : {0, 2}) {
    TestInstance t(kFloat, opt);
    auto isNan32 = [](uint32_t b) { return (b & 0x7F800000u) == 0x7F800000u && (b & 0x7FFFFF); };
    CHECK(t.f32Bits("fmin", {f32v(-0.0f), f32v(0.0f)}) == 0x80000000u);
    CHECK(t.f32Bits("fmin", {f32v(1.0f), f32v(2.0f)}) == 0x3F800000u);
    uint32_t nan = t.f32Bits("fmin", {f32b(0x7FA00000u), f32v(1.0f)});  // signalling NaN in
    CHECK(isNan32(nan));
    CHECK((nan & 0x00400000u) != 0);  // arithmetic NaN out
    CHECK(isNan32(t.f32Bits("fmin", {f32v(1.0f), f32b(0x7FC00000u)})));
    double maxZ;
    uint64_t bits = t.f64Bits("fmax", {f64v(-0.0), f64v(0.0)});
    std::memcpy(&maxZ, &bits, 8);
    CHECK(bits == 0);
    bits = t.f64Bits("nearest", {f64v(2.5)});
    double r;
    std::memcpy(&r, &bits, 8);
    CHECK(r == 2.0);
    bits = t.f64Bits("nearest", {f64v(-3.5)});
    std::memcpy(&r, &bits, 8);
    CHECK(r == -4.0);
    CHECK(t.f32Bits("copysign", {f32v(1.0f), f32b(0xFFC00000u)}) == 0xBF800000u);
    CHECK(t.f32Bits("neg", {f32b(0x7FA00001u)}) == 0xFFA00001u);  // neg is a bit flip, NaN kept
    CHECK(t.i32("trunc", {f64v(-2147483648.9)}) == INT32_MIN);
    CHECK(t.trap("trunc", {f64v(-2147483649.0)}) == TrapCode::IntegerOverflow);
    CHECK(t.trap("trunc", {f64v(2147483648.0)}) == TrapCode::IntegerOverflow);
    CHECK(t.trap("trunc", {f64v(std::nan(""))}) == TrapCode::InvalidConversion);
    CHECK(t.i64("truncu", {f32v(-0.9f)}) == 0);
    CHECK(t.trap("truncu", {f32v(-1.0f)}) == TrapCode::IntegerOverflow);
    CHECK(static_cast<uint64_t>(t.i64("truncu", {f32v(1.8446743e19f)})) == 18446742974197923840ull);
    CHECK(t.i32("truncsat", {f64v(1e10)}) == -1);
    CHECK(t.i32("truncsat", {f64v(-5)}) == 0);
    CHECK(t.i32("truncsat", {f64v(std::nan(""))}) == 0);
    CHECK(t.i32("ne", {f64v(std::nan("")), f64v(1)}) == 1);
    CHECK(t.f32Bits("convert", {i64v(-1)}) == 0x5F800000u);
  }
}

TEST_CASE("llvm: epoch interruption and code ranges", "[llvm]") {
  const char* wat = R"(
    (module
      (func (export "spin") (loop (br 0)))
      (func (export "one") (result i32) (i32.const 1)))
  )";
  for (int opt : {0, 2}) {
    TestInstance t(wat, opt, {}, true);
    CHECK(t.i32("one") == 1);
    t.setEpochDeadline(0);  // the epoch (0) has reached the deadline
    CHECK(t.trap("spin") == TrapCode::Interrupted);
    CHECK(t.trap("one") == TrapCode::Interrupted);
    CHECK(t.codeInRanges("spin"));
    CHECK(t.codeInRanges("one"));
  }
}

TEST_CASE("llvm: fuel", "[llvm]") {
  const char* wat = R"(
    (module
      (func (export "count") (param i32) (result i32)
        (loop $l
          (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
          (br_if $l (local.get 0)))
        (local.get 0)))
  )";
  for (int opt : {0, 2}) {
    TestInstance t(wat, opt, {}, false, true);
    t.setFuel(1000);
    CHECK(t.i32("count", {i32v(10)}) == 0);
    CHECK(t.fuel() < 1000);
    CHECK(t.fuel() > 900);
    t.setFuel(1000);
    CHECK(t.trap("count", {i32v(1000)}) == TrapCode::OutOfFuel);
  }
}
