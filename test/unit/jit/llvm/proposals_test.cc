// jit/llvm on the proposals beyond wasm 2.0: tail calls (constant stack over millions of
// return_calls, prototypes that differ, results through the result pointer, host functions,
// call_indirect's traps, plain recursion still exhausting the stack, fuel and epochs) and
// multiple memories (loads, stores, SIMD, size, grow, bulk operations and data segments on a
// memory other than 0, next to memory 0's fast path), at O0 and O2.
#include <catch2/catch.hpp>
#include <cstring>

#include "test/unit/jit/llvm/harness.h"

using namespace wcr::test::llvmjit;

namespace {

const char* kTailCalls = R"(
(module
  (import "env" "twice" (func $twice (param i64) (result i64)))
  (import "env" "three" (func $hostThree (param i64) (result i64 i64 i64)))
  (type $i64 (func (param i64) (result i64)))
  (table 4 funcref)
  (elem (i32.const 0) $countIndirect $wrongType)

  (func $count (export "count") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 0))
      (else (return_call $count (i64.sub (local.get 0) (i64.const 1))))))

  (func $even (export "even") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))

  ;; Prototypes that differ: ten parameters (some passed on the stack) and back to one.
  (func $few (export "few") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 99))
      (else (return_call $many (local.get 0) (i64.const 1) (i64.const 2) (i64.const 3)
                               (i64.const 4) (i64.const 5) (i64.const 6) (i64.const 7)
                               (f64.const 8.5) (i32.const 9)))))
  (func $many (param i64 i64 i64 i64 i64 i64 i64 i64 f64 i32) (result i64)
    (if (i64.ne (i64.add (local.get 6) (local.get 7)) (i64.const 13)) (then (unreachable)))
    (if (f64.ne (local.get 8) (f64.const 8.5)) (then (unreachable)))
    (if (i32.ne (local.get 9) (i32.const 9)) (then (unreachable)))
    (return_call $few (i64.sub (local.get 0) (i64.const 1))))

  ;; Three results: returned through the caller's result slots, passed on by the tail call.
  (func $triple (export "triple") (param i64) (result i64 i64 i64)
    (if (result i64 i64 i64) (i64.eqz (local.get 0))
      (then (i64.const 1) (i64.const 2) (i64.const 3))
      (else (return_call $triple (i64.sub (local.get 0) (i64.const 1))))))
  (func (export "tripleMix") (param i64) (result i64) (local i64 i64 i64)
    (call $triple (local.get 0))
    (local.set 3) (local.set 2) (local.set 1)
    (i64.add (local.get 1)
             (i64.add (i64.mul (local.get 2) (i64.const 10))
                      (i64.mul (local.get 3) (i64.const 100)))))

  (func $countIndirect (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 7))
      (else (return_call_indirect (type $i64) (i64.sub (local.get 0) (i64.const 1))
                                  (i32.const 0)))))
  (func (export "countIndirect") (param i64) (result i64)
    (return_call $countIndirect (local.get 0)))
  (func $wrongType (param i32) (result i32) (local.get 0))
  (func (export "indirect") (param i32) (result i64)
    (return_call_indirect (type $i64) (i64.const 0) (local.get 0)))

  (func (export "tailHost") (param i64) (result i64) (return_call $twice (local.get 0)))
  (func (export "tailHostThree") (param i64) (result i64 i64 i64)
    (return_call $hostThree (local.get 0)))
  ;; Plain calls of three-result functions: a host function and one through the table.
  (type $three (func (param i64) (result i64 i64 i64)))
  (elem (i32.const 2) $triple)
  (func (export "callHostThree") (param i64) (result i64) (local i64 i64 i64)
    (call $hostThree (local.get 0))
    (local.set 3) (local.set 2) (local.set 1)
    (i64.sub (i64.add (local.get 3) (local.get 2)) (local.get 1)))
  (func (export "indirectThree") (param i64) (result i64) (local i64 i64 i64)
    (call_indirect (type $three) (local.get 0) (i32.const 2))
    (local.set 3) (local.set 2) (local.set 1)
    (i64.add (local.get 1) (i64.add (i64.mul (local.get 2) (i64.const 10))
                                    (i64.mul (local.get 3) (i64.const 100)))))

  ;; The same loop with a plain call: not a tail call, so it must exhaust the stack.
  (func $plain (export "plain") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 0))
      (else (call $plain (i64.sub (local.get 0) (i64.const 1))))))
)
)";

TrapCode twice(wcr::jit::vm::VMHostContext*, ValRaw* values) {
  values[0].i64 *= 2;
  return TrapCode::None;
}

TrapCode three(wcr::jit::vm::VMHostContext*, ValRaw* values) {
  int64_t x = values[0].i64;
  values[0].i64 = x;
  values[1].i64 = x + 1;
  values[2].i64 = x + 2;
  return TrapCode::None;
}

std::vector<HostFunc> hosts() { return {{"env", "twice", twice}, {"env", "three", three}}; }

}  // namespace

TEST_CASE("llvm: return_call runs in constant stack", "[llvm][tail-call]") {
  // The harness allows 4 MiB of stack: ten million frames of any size would not fit.
  for (int opt : {0, 2}) {
    TestInstance t(kTailCalls, opt, hosts());
    CHECK(t.i64("count", {i64v(0)}) == 0);
    CHECK(t.i64("count", {i64v(10'000'000)}) == 0);
    CHECK(t.i32("even", {i64v(10'000'000)}) == 1);
    CHECK(t.i32("even", {i64v(9'999'999)}) == 0);
    CHECK(t.i64("few", {i64v(1'000'000)}) == 99);
    CHECK(t.i64("countIndirect", {i64v(1'000'000)}) == 7);
  }
}

TEST_CASE("llvm: plain recursion still exhausts the stack", "[llvm][tail-call]") {
  for (int opt : {0, 2}) {
    TestInstance t(kTailCalls, opt, hosts());
    CHECK(t.i64("plain", {i64v(100)}) == 0);
    CHECK(t.trap("plain", {i64v(10'000'000)}) == TrapCode::StackOverflow);
  }
}

TEST_CASE("llvm: tail calls with results through the result pointer", "[llvm][tail-call]") {
  for (int opt : {0, 2}) {
    TestInstance t(kTailCalls, opt, hosts());
    std::vector<ValRaw> values{i64v(1'000'000)};
    REQUIRE_FALSE(t.call("triple", values).has_value());
    CHECK(values[0].i64 == 1);
    CHECK(values[1].i64 == 2);
    CHECK(values[2].i64 == 3);
    CHECK(t.i64("tripleMix", {i64v(5)}) == 321);
    CHECK(t.i64("indirectThree", {i64v(7)}) == 321);
    CHECK(t.i64("callHostThree", {i64v(10)}) == 13);  // (12 + 11) - 10
  }
}

TEST_CASE("llvm: tail calls to host functions", "[llvm][tail-call]") {
  for (int opt : {0, 2}) {
    TestInstance t(kTailCalls, opt, hosts());
    CHECK(t.i64("tailHost", {i64v(21)}) == 42);
    std::vector<ValRaw> values{i64v(40)};
    REQUIRE_FALSE(t.call("tailHostThree", values).has_value());
    CHECK(values[0].i64 == 40);
    CHECK(values[1].i64 == 41);
    CHECK(values[2].i64 == 42);
  }
}

TEST_CASE("llvm: return_call_indirect checks like call_indirect", "[llvm][tail-call]") {
  for (int opt : {0, 2}) {
    TestInstance t(kTailCalls, opt, hosts());
    CHECK(t.i64("indirect", {i32v(0)}) == 7);
    CHECK(t.trap("indirect", {i32v(1)}) == TrapCode::IndirectCallTypeMismatch);
    CHECK(t.trap("indirect", {i32v(2)}) == TrapCode::IndirectCallTypeMismatch);  // $triple
    CHECK(t.trap("indirect", {i32v(3)}) == TrapCode::UninitializedElement);
    CHECK(t.trap("indirect", {i32v(4)}) == TrapCode::UndefinedElement);
    CHECK(t.trap("indirect", {i32v(-1)}) == TrapCode::UndefinedElement);
  }
}

TEST_CASE("llvm: return_call loops pay fuel and stop at the epoch deadline", "[llvm][tail-call]") {
  for (int opt : {0, 2}) {
    TestInstance fueled(kTailCalls, opt, hosts(), false, true);
    fueled.setFuel(1000);
    CHECK(fueled.i64("count", {i64v(10)}) == 0);
    CHECK(fueled.fuel() < 1000);
    fueled.setFuel(1000);
    CHECK(fueled.trap("count", {i64v(10'000)}) == TrapCode::OutOfFuel);

    TestInstance interrupted(kTailCalls, opt, hosts(), true);
    CHECK(interrupted.i64("count", {i64v(1000)}) == 0);
    interrupted.setEpochDeadline(0);
    CHECK(interrupted.trap("count", {i64v(1000)}) == TrapCode::Interrupted);
  }
}

namespace {

const char* kMemories = R"(
(module
  (memory $a 1)
  (memory $b 2 3)
  (data (memory $b) (i32.const 8) "\2a\00\00\00")
  (data $passive "\01\02\03\04")
  (func (export "loadA") (param i32) (result i32) (i32.load $a (local.get 0)))
  (func (export "loadB") (param i32) (result i32) (i32.load $b (local.get 0)))
  (func (export "load8B") (param i32) (result i32) (i32.load8_u $b offset=1 (local.get 0)))
  (func (export "storeA") (param i32 i32) (i32.store $a (local.get 0) (local.get 1)))
  (func (export "storeB") (param i32 i64) (i64.store $b (local.get 0) (local.get 1)))
  (func (export "both") (param i32) (result i32)
    (i32.store $a (local.get 0) (i32.const 5))
    (i32.store $b (local.get 0) (i32.const 7))
    (i32.add (i32.load $a (local.get 0)) (i32.load $b (local.get 0))))
  (func (export "sizeA") (result i32) (memory.size $a))
  (func (export "sizeB") (result i32) (memory.size $b))
  (func (export "growB") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "fillB") (param i32 i32 i32)
    (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copyBtoA") (param i32 i32 i32)
    (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "initB") (param i32)
    (memory.init $b $passive (local.get 0) (i32.const 0) (i32.const 4)))
  (func (export "laneB") (param i32) (result i64)
    (i64x2.extract_lane 1 (v128.load $b (local.get 0))))
  (func (export "storeLaneB") (param i32)
    (v128.store32_lane $b 3 (local.get 0) (v128.const i32x4 1 2 3 4)))
)
)";

}  // namespace

TEST_CASE("llvm: multiple memories", "[llvm][multi-memory]") {
  for (int opt : {0, 2}) {
    TestInstance t(kMemories, opt);
    // The data segment went to memory 1 only.
    CHECK(t.i32("loadB", {i32v(8)}) == 42);
    CHECK(t.i32("loadA", {i32v(8)}) == 0);
    CHECK(t.i32("load8B", {i32v(7)}) == 42);
    // Stores land in their own memory.
    REQUIRE_FALSE(t.trap("storeB", {i32v(100), i64v(0x1122334455667788)}).has_value());
    CHECK(t.i32("loadB", {i32v(100)}) == 0x55667788);
    CHECK(t.i32("loadA", {i32v(100)}) == 0);
    CHECK(t.memory(1)[100] == 0x88);
    CHECK(t.memory(0)[100] == 0);
    REQUIRE_FALSE(t.trap("storeA", {i32v(200), i32v(-1)}).has_value());
    CHECK(t.i32("loadB", {i32v(200)}) == 0);
    CHECK(t.i32("both", {i32v(300)}) == 12);
    // Each memory has its own bounds.
    CHECK(t.i32("loadB", {i32v(2 * 65536 - 4)}) == 0);
    CHECK(t.trap("loadB", {i32v(2 * 65536 - 2)}) == TrapCode::MemoryOutOfBounds);
    CHECK(t.trap("loadA", {i32v(65536)}) == TrapCode::MemoryOutOfBounds);
    // Size and growth of memory 1 (max 3 pages); memory 0 stays as it was.
    CHECK(t.i32("sizeA") == 1);
    CHECK(t.i32("sizeB") == 2);
    CHECK(t.i32("growB", {i32v(1)}) == 2);
    CHECK(t.i32("sizeB") == 3);
    CHECK(t.i32("sizeA") == 1);
    CHECK(t.i32("growB", {i32v(1)}) == -1);
    CHECK(t.i32("loadB", {i32v(2 * 65536 + 8)}) == 0);
    // Bulk operations name their memories.
    REQUIRE_FALSE(t.trap("fillB", {i32v(1000), i32v(0xAB), i32v(4)}).has_value());
    CHECK(static_cast<uint32_t>(t.i32("loadB", {i32v(1000)})) == 0xABABABABu);
    CHECK(t.i32("loadA", {i32v(1000)}) == 0);
    REQUIRE_FALSE(t.trap("copyBtoA", {i32v(2000), i32v(1000), i32v(4)}).has_value());
    CHECK(static_cast<uint32_t>(t.i32("loadA", {i32v(2000)})) == 0xABABABABu);
    CHECK(t.trap("copyBtoA", {i32v(65535), i32v(0), i32v(2)}) == TrapCode::MemoryOutOfBounds);
    REQUIRE_FALSE(t.trap("initB", {i32v(3000)}).has_value());
    CHECK(t.i32("loadB", {i32v(3000)}) == 0x04030201);
    CHECK(t.i32("loadA", {i32v(3000)}) == 0);
    // SIMD accesses.
    CHECK(t.i64("laneB", {i32v(992)}) == static_cast<int64_t>(0xABABABABull));
    REQUIRE_FALSE(t.trap("storeLaneB", {i32v(4000)}).has_value());
    CHECK(t.i32("loadB", {i32v(4000)}) == 4);
    CHECK(t.i32("loadA", {i32v(4000)}) == 0);
  }
}
