// Traps with backtraces and interruption, through the real stack (text parser, validator, LLVM
// compiler, vm instances and trap handling): one process runs, in order, a guest that recurses
// forever, one that loops forever under an epoch deadline, one that loops forever with fuel, one
// that reads out of bounds, then a correct module, and must come out of each trap intact. Each
// trap must name the right functions and wasm offsets; the expected offsets are read from the
// binary with the decoder, not from the compiler.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "jit/llvm/llvm_compiler.h"
#include "jit/support/byte_reader.h"
#include "jit/text/parser.h"
#include "jit/vm/host_func.h"
#include "jit/vm/instance.h"
#include "jit/vm/interrupt.h"
#include "jit/vm/invoke.h"
#include "jit/wasm/decoder.h"
#include "jit/wasm/instr_reader.h"
#include "jit/wasm/validator.h"

namespace {

namespace vm = wcr::jit::vm;
namespace wasm = wcr::jit::wasm;

constexpr char kGuest[] = R"(
(module $guest
  (memory 1)
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (local.get 0)) (i32.const 1)))
  (func $spin (export "spin") (loop $forever (br $forever)))
  (func $load (param i32) (result i32) (i32.load (local.get 0)))
  (func $oob (export "oob") (result i32) (call $load (i32.const 65536)))
  (func $div (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $divide (export "divide") (param i32) (result i32) (call $div (i32.const 7) (local.get 0)))
  (func $count (export "count") (param i32) (result i32)
    (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    (local.get 0)))
)";

constexpr char kCorrect[] = R"(
(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))
)";

// Function indices in kGuest.
constexpr uint32_t kRecurse = 0, kSpin = 1, kLoad = 2, kOob = 3, kDiv = 4, kDivide = 5, kCount = 6;

// An offset as a backtrace line shows it.
std::string paddedHex(uint32_t offset) { return absl::StrFormat("%#8x", offset); }

std::shared_ptr<const wasm::Module> parse(const char* wat) {
  auto bytes = wcr::jit::text::parseWat(wat);
  REQUIRE(bytes.ok());
  auto module = wasm::decodeAndValidate(wasm::Bytes(bytes->data(), bytes->size()));
  REQUIRE(module.ok());
  return std::make_shared<const wasm::Module>(*std::move(module));
}

// The offset in the binary of the first `op` in function `funcIndex`'s body.
uint32_t offsetOf(const wasm::Module& m, uint32_t funcIndex, wasm::Opcode op) {
  const wasm::Function& f = m.functions[funcIndex - m.numImportedFuncs];
  auto locals = wasm::decodeLocals(f);
  REQUIRE(locals.ok());
  size_t start = locals->codeStart;
  wasm::InstrReader reader(wcr::support::ByteReader(f.body.subspan(start), f.bodyOffset + start));
  wasm::Instr in;
  while (!reader.atEnd()) {
    REQUIRE(reader.next(in).ok());
    if (in.op == op) return static_cast<uint32_t>(in.offset);
  }
  FAIL("opcode not found");
  return 0;
}

struct Guest {
  std::shared_ptr<const wasm::Module> module;
  std::shared_ptr<vm::Instance> instance;
};

Guest instantiate(std::shared_ptr<const wasm::Module> module, vm::TypeRegistry& types,
                  const vm::CompileOptions& options, const vm::InterruptConfig& interrupts = {}) {
  auto code = wcr::jit::llvm::createLlvmCompiler()->compile(*module, options);
  REQUIRE(code.ok());
  auto created = vm::Instance::instantiate(module, *code, {}, types, interrupts);
  REQUIRE(created.ok());
  REQUIRE(created->failure == vm::InstantiationResult::Failure::None);
  return {std::move(module), created->instance};
}

vm::Trap call(Guest& guest, const std::string& name, std::vector<vm::ValRaw>& values) {
  vm::reinstallTrapHandlers();  // over Catch's, which it installs for every test case
  auto ext = guest.instance->exportByName(name);
  REQUIRE(ext.has_value());
  values.resize(std::max<size_t>(values.size(), 1));
  return vm::invoke(*ext->func, values.data());
}

vm::Trap callTrapping(Guest& guest, const std::string& name, std::vector<vm::ValRaw> args = {}) {
  return call(guest, name, args);
}

vm::ValRaw i32(int32_t v) {
  vm::ValRaw raw{};
  raw.i32 = v;
  return raw;
}

// Frame `i` of `trap` is function `funcIndex` (named from the name section) at `offset`.
void checkFrame(const vm::Trap& trap, size_t i, uint32_t funcIndex, std::optional<uint32_t> offset,
                const std::string& name) {
  INFO("frame " << i << " of " << vm::formatBacktrace(trap.backtrace, trap.omittedFrames));
  REQUIRE(trap.backtrace.size() > i);
  const vm::WasmFrame& frame = trap.backtrace[i];
  CHECK(frame.funcIndex == funcIndex);
  CHECK(frame.funcName == name);
  CHECK(frame.moduleName == "guest");
  CHECK(frame.offset == offset);
}

TEST_CASE("one process: traps with backtraces, interrupts, fuel, then a correct module",
          "[runtime][traps]") {
  for (int optLevel : {0, 2}) {
    INFO("-O" << optLevel);
    auto module = parse(kGuest);
    vm::TypeRegistry types;
    vm::CompileOptions plain;
    plain.optLevel = optLevel;

    // 1. Infinite recursion: the prologue's stack check (no instruction: no offset), then the
    //    recursive calls; the deep stack is cut at kMaxFrames.
    Guest guest = instantiate(module, types, plain);
    vm::Trap trap = callTrapping(guest, "recurse", {i32(1)});
    CHECK(trap.code == vm::TrapCode::StackOverflow);
    CHECK(trap.message == "call stack exhausted");
    checkFrame(trap, 0, kRecurse, std::nullopt, "recurse");
    uint32_t recursiveCall = offsetOf(*module, kRecurse, wasm::Opcode::Call);
    for (size_t i = 1; i < trap.backtrace.size(); ++i) {
      checkFrame(trap, i, kRecurse, recursiveCall, "recurse");
    }
    CHECK(trap.backtrace.size() == vm::RawBacktrace::kMaxFrames);
    CHECK(trap.omittedFrames > 1000);
    std::string text = vm::formatBacktrace(trap.backtrace, trap.omittedFrames);
    CHECK_THAT(text, Catch::StartsWith("wasm backtrace:\n    0: guest!recurse\n"));
    CHECK_THAT(text,
               Catch::Contains("\n    1: " + paddedHex(recursiveCall) + " - guest!recurse\n"));

    // 2. A loop under an epoch deadline: a timer thread advances the engine's epoch.
    vm::EpochCounter epoch;
    vm::CompileOptions withEpoch = plain;
    withEpoch.epochInterruption = true;
    vm::InterruptConfig deadline;
    deadline.epoch = &epoch;
    deadline.epochDeadlineTicks = 1;
    Guest interrupted = instantiate(module, types, withEpoch, deadline);
    auto start = std::chrono::steady_clock::now();
    {
      vm::EpochTimer timer(epoch, std::chrono::milliseconds(50));
      trap = callTrapping(interrupted, "spin");
      CHECK(timer.fired());
    }
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
    CHECK(trap.code == vm::TrapCode::Interrupted);
    CHECK(trap.message == "interrupt");
    REQUIRE(trap.backtrace.size() == 1);
    checkFrame(trap, 0, kSpin, offsetOf(*module, kSpin, wasm::Opcode::Loop), "spin");
    // A deadline already reached interrupts at the next check (here: the function entry).
    interrupted.instance->setEpochDeadline(epoch, 0);
    trap = callTrapping(interrupted, "count", {i32(5)});
    CHECK(trap.code == vm::TrapCode::Interrupted);
    checkFrame(trap, 0, kCount, std::nullopt, "count");
    interrupted.instance->setEpochDeadline(epoch, 1);
    std::vector<vm::ValRaw> values{i32(5)};
    REQUIRE(call(interrupted, "count", values).ok());
    CHECK(values[0].i32 == 0);

    // 3. A loop with fuel: each iteration of `count` costs 5 (local.get, i32.const, i32.sub,
    //    local.tee, br_if; loop and end are free), plus 1 for the final local.get.
    vm::CompileOptions withFuel = plain;
    withFuel.fuel = true;
    vm::InterruptConfig fuel;
    fuel.fuel = 1000;
    Guest fueled = instantiate(module, types, withFuel, fuel);
    values = {i32(10)};
    REQUIRE(call(fueled, "count", values).ok());
    CHECK(fueled.instance->fuel() == 1000 - (5 * 10 + 1));
    trap = callTrapping(fueled, "spin");
    CHECK(trap.code == vm::TrapCode::OutOfFuel);
    CHECK(trap.message == "all fuel consumed");
    REQUIRE(trap.backtrace.size() == 1);
    checkFrame(trap, 0, kSpin, offsetOf(*module, kSpin, wasm::Opcode::Loop), "spin");
    CHECK(fueled.instance->fuel() == 0);
    fueled.instance->setFuel(100);
    values = {i32(10)};
    REQUIRE(call(fueled, "count", values).ok());
    CHECK(fueled.instance->fuel() == 100 - 51);

    // 4. Out of bounds, through a call that -O2 inlines: the fault's pc still gives both frames.
    trap = callTrapping(guest, "oob");
    CHECK(trap.code == vm::TrapCode::MemoryOutOfBounds);
    CHECK(trap.message == "out of bounds memory access");
    REQUIRE(trap.backtrace.size() == 2);
    checkFrame(trap, 0, kLoad, offsetOf(*module, kLoad, wasm::Opcode::I32Load), "load");
    checkFrame(trap, 1, kOob, offsetOf(*module, kOob, wasm::Opcode::Call), "oob");
    //    An explicit check (its offset comes through the trap libcall), inlined too.
    trap = callTrapping(guest, "divide", {i32(0)});
    CHECK(trap.code == vm::TrapCode::IntegerDivideByZero);
    REQUIRE(trap.backtrace.size() == 2);
    checkFrame(trap, 0, kDiv, offsetOf(*module, kDiv, wasm::Opcode::I32DivS), "div");
    checkFrame(trap, 1, kDivide, offsetOf(*module, kDivide, wasm::Opcode::Call), "divide");

    // 5. After all that, a correct module runs and returns the right result.
    Guest correct = instantiate(parse(kCorrect), types, plain);
    values = {vm::ValRaw{}};
    values[0].i64 = 20;
    REQUIRE(call(correct, "fac", values).ok());
    CHECK(values[0].i64 == 2432902008176640000);
    values = {i32(7)};
    REQUIRE(call(guest, "divide", values).ok());
    CHECK(values[0].i32 == 1);
  }
}

TEST_CASE("traps raised by host code name the wasm frames that called it", "[runtime][traps]") {
  // A host function's trap comes back through the host-call trampoline and the trap libcall;
  // memory.fill's from its inline range check, through the trap libcall too. Both unwind from
  // raiseTrap's frame.
  auto module = parse(R"(
    (module $guest
      (import "host" "fail" (func $fail (param i32) (result i32)))
      (memory 1)
      (func $callsHost (export "callsHost") (param i32) (result i32) (call $fail (local.get 0)))
      (func $fill (export "fill") (memory.fill (i32.const 65000) (i32.const 0) (i32.const 1000))))
  )");
  for (int optLevel : {0, 2}) {
    INFO("-O" << optLevel);
    vm::TypeRegistry types;
    auto fail = vm::makeHostFunc(
        types, wasm::FuncType{{wasm::kI32}, {wasm::kI32}},
        [](vm::ValRaw*) { return vm::Trap{vm::TrapCode::HostTrap, "boom"}; });
    vm::Extern host{wasm::ExternKind::Func, fail, nullptr, nullptr, nullptr, nullptr};
    vm::CompileOptions options;
    options.optLevel = optLevel;
    auto code = wcr::jit::llvm::createLlvmCompiler()->compile(*module, options);
    REQUIRE(code.ok());
    auto created = vm::Instance::instantiate(module, *code, {&host, 1}, types);
    REQUIRE(created.ok());
    REQUIRE(created->failure == vm::InstantiationResult::Failure::None);
    Guest guest{module, created->instance};

    vm::Trap trap = callTrapping(guest, "callsHost", {i32(1)});
    CHECK(trap.code == vm::TrapCode::HostTrap);
    CHECK(trap.message == "boom");
    REQUIRE(trap.backtrace.size() == 1);
    checkFrame(trap, 0, 1, offsetOf(*module, 1, wasm::Opcode::Call), "callsHost");

    trap = callTrapping(guest, "fill");
    CHECK(trap.code == vm::TrapCode::MemoryOutOfBounds);
    REQUIRE(trap.backtrace.size() == 1);
    checkFrame(trap, 0, 2, offsetOf(*module, 2, wasm::Opcode::MemoryFill), "fill");
  }
}

TEST_CASE("code from the object cache has the same backtraces", "[runtime][traps]") {
  auto module = parse(kGuest);
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("wcr-trap-cache-" + std::to_string(getpid()));
  vm::CompileOptions options;
  options.cacheDir = dir.string();
  auto compiler = wcr::jit::llvm::createLlvmCompiler();
  REQUIRE(compiler->compile(*module, options).ok());  // fills the cache
  auto cached = compiler->compile(*module, options);
  REQUIRE(cached.ok());
  CHECK((*cached)->loadedFromCache());
  vm::TypeRegistry types;
  auto created = vm::Instance::instantiate(module, *cached, {}, types);
  REQUIRE(created.ok());
  Guest guest{module, created->instance};
  vm::Trap trap = callTrapping(guest, "oob");
  CHECK(trap.code == vm::TrapCode::MemoryOutOfBounds);
  REQUIRE(trap.backtrace.size() == 2);
  checkFrame(trap, 0, kLoad, offsetOf(*module, kLoad, wasm::Opcode::I32Load), "load");
  checkFrame(trap, 1, kOob, offsetOf(*module, kOob, wasm::Opcode::Call), "oob");
  std::filesystem::remove_all(dir);
}

TEST_CASE("without the options, code has no epoch or fuel checks", "[runtime][traps]") {
  auto module = parse(kGuest);
  vm::TypeRegistry types;
  vm::EpochCounter epoch;
  vm::InterruptConfig exhausted;
  exhausted.epoch = &epoch;
  exhausted.epochDeadlineTicks = 0;  // already reached: any epoch check would trap
  exhausted.fuel = 0;                // any fuel check would trap
  Guest guest = instantiate(module, types, vm::CompileOptions{}, exhausted);
  std::vector<vm::ValRaw> values{i32(1000)};
  REQUIRE(call(guest, "count", values).ok());
  CHECK(values[0].i32 == 0);
  CHECK(guest.instance->fuel() == 0);  // nothing was charged either
}

TEST_CASE("backtrace format follows Wasmtime", "[runtime][traps]") {
  std::vector<vm::WasmFrame> frames(2);
  frames[0] = {4, 0x2a, "div", ""};
  frames[1] = {7, std::nullopt, "wasm-function[7]", "m"};
  CHECK(vm::formatBacktrace(frames, 0) ==
        "wasm backtrace:\n"
        "    0:     0x2a - <unknown>!div\n"
        "    1: m!wasm-function[7]\n");
  CHECK(vm::formatBacktrace(frames, 3) ==
        "wasm backtrace:\n"
        "    0:     0x2a - <unknown>!div\n"
        "    1: m!wasm-function[7]\n"
        "  ... 3 more frames\n");
  CHECK(vm::formatBacktrace({}, 0).empty());
  // Unnamed functions fall back to their index.
  auto module = parse("(module (func) (func $named))");
  CHECK(vm::makeWasmFrame(*module, 0, std::nullopt).funcName == "wasm-function[0]");
  CHECK(vm::makeWasmFrame(*module, 1, 5).funcName == "named");
}

}  // namespace
