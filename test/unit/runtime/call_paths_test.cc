// The fast call paths across the host/wasm boundary and their fallbacks (jit/vm/code.h): guarded
// entry trampolines (the trap scope set inside the JIT's entry, x86-64) against the host-set
// scope of enterWasm; the direct host calls of typed host functions from a wasm `call` (the C
// callback called from the wasm code itself), through tables (call_indirect reaches the direct
// host-call trampoline) and re-exports; and an import bound to a wasm function of another
// instance, which takes the other branch of the same call site. Traps must land with the host's
// callee-saved registers intact and with their backtraces.
#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <string>
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
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (import "host" "f64" (func $f64 (param f64 f32) (result f64)))
  (type $ii_i (func (param i32 i32) (result i32)))
  (table 2 funcref)
  (elem (i32.const 0) $add $sub)
  (memory 1)
  (func $sub (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
  (func (export "add") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
  (func (export "f64") (param f64 f32) (result f64) (call $f64 (local.get 0) (local.get 1)))
  (func (export "indirect") (param i32 i32 i32) (result i32)
    (call_indirect (type $ii_i) (local.get 1) (local.get 2) (local.get 0)))
  (func $load (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load_via") (param i32) (result i32) (i32.add (call $load (local.get 0)) (i32.const 1)))
  (export "host_add" (func $add)))
)";

// Imports "add" from another instance's wasm function instead of the host.
constexpr char kImporter[] = R"(
(module
  (import "guest" "add" (func $add (param i32 i32) (result i32)))
  (func (export "twice") (param i32) (result i32) (call $add (local.get 0) (local.get 0))))
)";

std::shared_ptr<const wasm::Module> compileModule(const char* wat,
                                                  std::shared_ptr<vm::CompiledCode>& code) {
  auto bytes = wcr::jit::text::parseWat(wat);
  REQUIRE(bytes.ok());
  auto module = wasm::decodeAndValidate(wasm::Bytes(bytes->data(), bytes->size()));
  INFO(module.status().ToString());
  REQUIRE(module.ok());
  auto shared = std::make_shared<const wasm::Module>(*std::move(module));
  auto compiled = wcr::jit::llvm::createLlvmCompiler()->compile(*shared, vm::CompileOptions{});
  REQUIRE(compiled.ok());
  code = *compiled;
  return shared;
}

vm::Extern funcExtern(std::shared_ptr<const vm::Func> f) {
  vm::Extern ext;
  ext.kind = wasm::ExternKind::Func;
  ext.func = std::move(f);
  return ext;
}

struct Fixture {
  vm::TypeRegistry types;
  std::shared_ptr<vm::CompiledCode> code;
  std::shared_ptr<vm::Instance> instance;
  int addCalls = 0;

  Fixture() {
    auto module = compileModule(kGuest, code);
    std::vector<vm::Extern> imports{
        funcExtern(vm::makeTypedHostFunc(types,
                                         [this](int32_t a, int32_t b) {
                                           ++addCalls;
                                           return a + b;
                                         })),
        funcExtern(vm::makeTypedHostFunc(types, [](double a, float b) { return a * b; }))};
    auto created = vm::Instance::instantiate(module, code, imports, types);
    REQUIRE(created.ok());
    REQUIRE(created->instance);
    instance = created->instance;
  }
  std::shared_ptr<const vm::Func> exported(const char* name) {
    auto ext = instance->exportByName(name);
    REQUIRE(ext.has_value());
    return ext->func;
  }
};

int32_t callI32(const vm::Func& f, std::vector<int32_t> args, vm::TrapCode expect,
                vm::Trap* trap = nullptr) {
  vm::ValRaw values[4] = {};
  for (size_t i = 0; i < args.size(); ++i) values[i].i32 = args[i];
  REQUIRE(vm::call(f, values, trap) == expect);
  return values[0].i32;
}

TEST_CASE("typed host functions are called directly, through tables and re-exports",
          "[vm][host]") {
  vm::reinstallTrapHandlers();
  Fixture fx;
  CHECK(callI32(*fx.exported("add"), {40, 2}, vm::TrapCode::None) == 42);
  vm::ValRaw values[2];
  values[0].f64Bits = std::bit_cast<uint64_t>(1.5);
  values[1].f32Bits = std::bit_cast<uint32_t>(4.0f);
  REQUIRE(vm::call(*fx.exported("f64"), values) == vm::TrapCode::None);
  CHECK(std::bit_cast<double>(values[0].f64Bits) == 6.0);
  // call_indirect through the table: element 0 is the host import, element 1 a wasm function.
  CHECK(callI32(*fx.exported("indirect"), {0, 7, 5}, vm::TrapCode::None) == 12);
  CHECK(callI32(*fx.exported("indirect"), {1, 7, 5}, vm::TrapCode::None) == 2);
  // The import re-exported: the host enters the direct host-call trampoline.
  CHECK(callI32(*fx.exported("host_add"), {100, 23}, vm::TrapCode::None) == 123);
  CHECK(fx.addCalls == 3);
}

TEST_CASE("an import call site also reaches a wasm function of another instance", "[vm][host]") {
  vm::reinstallTrapHandlers();
  Fixture fx;
  std::shared_ptr<vm::CompiledCode> code;
  auto module = compileModule(kImporter, code);
  auto created =
      vm::Instance::instantiate(module, code, {funcExtern(fx.exported("add"))}, fx.types);
  REQUIRE(created.ok());
  REQUIRE(created->instance);
  auto twice = created->instance->exportByName("twice")->func;
  CHECK(callI32(*twice, {21}, vm::TrapCode::None) == 42);
  CHECK(fx.addCalls == 1);  // guest "add" calls the host directly in turn
}

// Many values live across the call, so the compiler keeps some in callee-saved registers: a
// landing that did not restore them would change the sums.
int64_t sumAcrossTraps(const vm::Func& load, int rounds) {
  int64_t a = 1, b = 2, c = 3, d = 5, e = 7, f = 11, total = 0;
  for (int i = 0; i < rounds; ++i) {
    vm::ValRaw values[1];
    values[0].i32 = (i % 2) ? 0 : -4;  // every other call faults out of bounds
    vm::TrapCode code = vm::call(load, values);
    total += (code == vm::TrapCode::MemoryOutOfBounds ? 1000 : 0) + a + b + c + d + e + f;
    a += 1, b += a, c += b, d ^= c, e += d, f -= e;
  }
  return total + a + b + c + d + e + f;
}

TEST_CASE("traps through guarded entries and the host-set fallback land alike", "[vm][traps]") {
  vm::reinstallTrapHandlers();
  Fixture fx;
  std::shared_ptr<const vm::Func> load = fx.exported("load");
#if defined(__x86_64__)
  CHECK(load->guardedEntry != nullptr);
#endif
  // The same function without its guarded entry: enterWasm sets the scope in the host.
  auto fallback = std::make_shared<vm::Func>(*load);
  fallback->guardedEntry = nullptr;
  CHECK(sumAcrossTraps(*load, 200) == sumAcrossTraps(*fallback, 200));
  CHECK_FALSE(vm::inTrapHandlingScope());

  for (const vm::Func* f : {load.get(), static_cast<const vm::Func*>(fallback.get())}) {
    vm::Trap trap;
    callI32(*f, {-1}, vm::TrapCode::MemoryOutOfBounds, &trap);
    CHECK(trap.message == "out of bounds memory access");
    REQUIRE(trap.backtrace.size() == 1);
    CHECK(trap.backtrace[0].funcIndex == 6);  // $load
  }
  vm::Trap trap;
  callI32(*fx.exported("load_via"), {70000}, vm::TrapCode::MemoryOutOfBounds, &trap);
  REQUIRE(trap.backtrace.size() == 2);
  CHECK(trap.backtrace[0].funcIndex == 6);  // $load, then its caller
  CHECK(trap.backtrace[1].funcIndex == 7);
  CHECK(callI32(*fx.exported("load_via"), {0}, vm::TrapCode::None) == 1);
}

}  // namespace
