// Calls across the host/wasm boundary through the real stack (LLVM compiler, vm instances, trap
// handling): vm::call's TrapCode fast path and the Trap it fills on demand, typed host functions
// (makeTypedHostFunc) over every scalar type, raw HostCallbacks that trap with a message of their
// own, std::function host functions, nesting (host -> wasm -> host -> wasm) with traps at the
// inner level, stack exhaustion, and entries from other threads.
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "jit/llvm/llvm_compiler.h"
#include "jit/text/parser.h"
#include "jit/vm/host_func.h"
#include "jit/vm/instance.h"
#include "jit/vm/invoke.h"
#include "jit/wasm/validator.h"

namespace {

namespace vm = wcr::jit::vm;
namespace wasm = wcr::jit::wasm;

constexpr char kGuest[] = R"(
(module
  (import "host" "mix" (func $mix (param i32 i64 f32 f64) (result f64)))
  (import "host" "negate" (func $negate (param i32) (result i32)))
  (import "host" "wide" (func $wide (param i64) (result i64)))
  (import "host" "fails" (func $fails (param i32) (result i32)))
  (import "host" "reenter" (func $reenter (param i32) (result i32)))
  (import "host" "legacy" (func $legacy (param i32) (result i32)))
  (func (export "mix") (param i32 i64 f32 f64) (result f64)
    (call $mix (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  (func (export "negate") (param i32) (result i32) (call $negate (local.get 0)))
  (func (export "wide") (param i64) (result i64) (call $wide (local.get 0)))
  (func (export "fails") (param i32) (result i32)
    (i32.add (call $fails (local.get 0)) (i32.const 1)))
  (func (export "reenter") (param i32) (result i32)
    (i32.add (call $reenter (local.get 0)) (i32.const 1000)))
  (func (export "legacy") (param i32) (result i32) (call $legacy (local.get 0)))
  (func (export "inner") (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then unreachable))
    (i32.mul (local.get 0) (i32.const 2)))
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (local.get 0)) (i32.const 1)))
  (func (export "unreachable") unreachable))
)";

// The raw form: a HostCallback that traps with its own message for negative inputs.
vm::TrapCode failsCallback(vm::VMHostContext* ctx, vm::ValRaw* values) {
  int32_t* calls = static_cast<int32_t*>(ctx->userData);
  ++*calls;
  if (values[0].i32 < 0) {
    vm::setTrapMessage("fails: negative " + std::to_string(values[0].i32));
    return vm::TrapCode::HostTrap;
  }
  values[0].i32 *= 10;
  return vm::TrapCode::None;
}

struct Fixture {
  vm::TypeRegistry types;
  std::shared_ptr<vm::Instance> instance;
  int32_t failsCalls = 0;
  vm::TrapCode innerTrap = vm::TrapCode::None;

  Fixture() {
    auto bytes = wcr::jit::text::parseWat(kGuest);
    REQUIRE(bytes.ok());
    auto module = wasm::decodeAndValidate(wasm::Bytes(bytes->data(), bytes->size()));
    REQUIRE(module.ok());
    auto shared = std::make_shared<const wasm::Module>(*std::move(module));
    auto code = wcr::jit::llvm::createLlvmCompiler()->compile(*shared, vm::CompileOptions{});
    REQUIRE(code.ok());

    auto func = [](std::shared_ptr<const vm::Func> f) {
      vm::Extern ext;
      ext.kind = wasm::ExternKind::Func;
      ext.func = std::move(f);
      return ext;
    };
    std::vector<vm::Extern> imports;
    imports.push_back(func(vm::makeTypedHostFunc(
        types, [](int32_t a, int64_t b, float c, double d) { return double(a + b) + c + d; })));
    imports.push_back(func(vm::makeTypedHostFunc(types, [](uint32_t x) { return 0u - x; })));
    imports.push_back(func(vm::makeTypedHostFunc(types, [](uint64_t x) { return x << 40; })));
    imports.push_back(func(vm::makeHostFunc(types, wasm::FuncType{{wasm::kI32}, {wasm::kI32}},
                                            &failsCallback, &failsCalls)));
    // Calls back into the guest's "inner" and reports whether it trapped (-1) or its result.
    imports.push_back(func(vm::makeTypedHostFunc(types, [this](int32_t x) {
      const vm::Func& inner = *instance->exportByName("inner")->func;
      vm::ValRaw values[1];
      values[0].i32 = x;
      innerTrap = vm::call(inner, values);
      return innerTrap == vm::TrapCode::None ? values[0].i32 : -1;
    })));
    imports.push_back(func(vm::makeHostFunc(
        types, wasm::FuncType{{wasm::kI32}, {wasm::kI32}}, [](vm::ValRaw* values) -> vm::Trap {
          if (values[0].i32 == 0) return vm::Trap{vm::TrapCode::HostTrap, "legacy: zero"};
          values[0].i32 += 1;
          return vm::Trap{};
        })));
    auto created = vm::Instance::instantiate(shared, *code, imports, types);
    REQUIRE(created.ok());
    REQUIRE(created->failure == vm::InstantiationResult::Failure::None);
    instance = created->instance;
  }

  const vm::Func& exported(const char* name) {
    auto ext = instance->exportByName(name);
    REQUIRE(ext.has_value());
    return *ext->func;
  }
  // Calls an export with one i32; returns its code, the result in `result`.
  vm::TrapCode callI32(const char* name, int32_t arg, int32_t& result, vm::Trap* trap = nullptr) {
    vm::ValRaw values[1];
    values[0].i32 = arg;
    vm::TrapCode code = vm::call(exported(name), values, trap);
    result = values[0].i32;
    return code;
  }
};

TEST_CASE("typed host functions read and write every scalar type", "[vm][host]") {
  vm::reinstallTrapHandlers();
  Fixture fx;
  vm::ValRaw values[4];
  values[0].i32 = -3;
  values[1].i64 = int64_t{1} << 40;
  values[2].f32Bits = std::bit_cast<uint32_t>(0.5f);
  values[3].f64Bits = std::bit_cast<uint64_t>(0.25);
  REQUIRE(vm::call(fx.exported("mix"), values) == vm::TrapCode::None);
  CHECK(std::bit_cast<double>(values[0].f64Bits) == std::ldexp(1.0, 40) - 3 + 0.75);

  int32_t result = 0;
  CHECK(fx.callI32("negate", 5, result) == vm::TrapCode::None);
  CHECK(result == -5);

  values[0].i64 = 3;
  REQUIRE(vm::call(fx.exported("wide"), values) == vm::TrapCode::None);
  CHECK(values[0].i64 == int64_t{3} << 40);

  auto typed = vm::makeTypedHostFunc(fx.types, [](int64_t a, double b) -> float {
    return static_cast<float>(static_cast<double>(a) * b);
  });
  CHECK(typed->type == wasm::FuncType{{wasm::kI64, wasm::kF64}, {wasm::kF32}});
}

TEST_CASE("a host function's trap carries its message; the next trap does not", "[vm][host]") {
  vm::reinstallTrapHandlers();
  Fixture fx;
  int32_t result = 0;
  CHECK(fx.callI32("fails", 4, result) == vm::TrapCode::None);
  CHECK(result == 41);

  vm::Trap trap;
  CHECK(fx.callI32("fails", -2, result, &trap) == vm::TrapCode::HostTrap);
  CHECK(trap.code == vm::TrapCode::HostTrap);
  CHECK(trap.message == "fails: negative -2");
  REQUIRE_FALSE(trap.backtrace.empty());  // the exported wasm function that called it
  CHECK(fx.failsCalls == 2);

  // Without a Trap to fill, only the code comes back; the message is not left behind.
  CHECK(fx.callI32("fails", -3, result) == vm::TrapCode::HostTrap);
  vm::Trap next;
  vm::ValRaw none[1];
  CHECK(vm::call(fx.exported("unreachable"), none, &next) == vm::TrapCode::Unreachable);
  CHECK(next.message == "unreachable");

  // The std::function form, through the same path.
  CHECK(fx.callI32("legacy", 1, result) == vm::TrapCode::None);
  CHECK(result == 2);
  vm::Trap legacy = [&] {
    vm::ValRaw values[1];
    values[0].i32 = 0;
    return vm::invoke(fx.exported("legacy"), values);
  }();
  CHECK(legacy.code == vm::TrapCode::HostTrap);
  CHECK(legacy.message == "legacy: zero");
}

TEST_CASE("host functions called from the host trap like wasm does", "[vm][host]") {
  vm::reinstallTrapHandlers();
  Fixture fx;
  auto host = vm::makeHostFunc(fx.types, wasm::FuncType{{wasm::kI32}, {wasm::kI32}}, &failsCallback,
                               &fx.failsCalls);
  const vm::Func& fails = *host;
  vm::ValRaw values[1];
  values[0].i32 = 7;
  CHECK(vm::call(fails, values) == vm::TrapCode::None);
  CHECK(values[0].i32 == 70);
  values[0].i32 = -1;
  vm::Trap trap;
  CHECK(vm::call(fails, values, &trap) == vm::TrapCode::HostTrap);
  CHECK(trap.message == "fails: negative -1");
  CHECK_FALSE(vm::inTrapHandlingScope());
}

TEST_CASE("nested entries: an inner trap unwinds to the inner entry only", "[vm][host]") {
  vm::reinstallTrapHandlers();
  Fixture fx;
  int32_t result = 0;
  CHECK(fx.callI32("reenter", 21, result) == vm::TrapCode::None);
  CHECK(result == 1042);
  CHECK(fx.innerTrap == vm::TrapCode::None);

  CHECK(fx.callI32("reenter", 0, result) == vm::TrapCode::None);  // inner trapped, outer fine
  CHECK(fx.innerTrap == vm::TrapCode::Unreachable);
  CHECK(result == 999);
  CHECK_FALSE(vm::inTrapHandlingScope());
}

TEST_CASE("stack exhaustion is a trap, on this thread and on others", "[vm][host]") {
  vm::reinstallTrapHandlers();
  Fixture fx;
  int32_t result = 0;
  vm::Trap trap;
  CHECK(fx.callI32("recurse", 0, result, &trap) == vm::TrapCode::StackOverflow);
  CHECK(trap.message == "call stack exhausted");

  // A thread's first entry sets it up (handlers, alternate stack, its own stack limit).
  vm::TrapCode seen[2] = {vm::TrapCode::None, vm::TrapCode::None};
  int32_t doubled = 0;
  std::thread other([&] {
    int32_t r = 0;
    seen[0] = fx.callI32("recurse", 0, r);
    seen[1] = fx.callI32("reenter", 4, doubled);
  });
  other.join();
  CHECK(seen[0] == vm::TrapCode::StackOverflow);
  CHECK(seen[1] == vm::TrapCode::None);
  CHECK(doubled == 1008);
  // Back on this thread, the instance's stack limit is this thread's again.
  CHECK(fx.callI32("reenter", 1, result) == vm::TrapCode::None);
  CHECK(result == 1002);
  CHECK(fx.callI32("recurse", 0, result) == vm::TrapCode::StackOverflow);
}

}  // namespace
