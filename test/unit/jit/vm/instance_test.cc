// Instances with a fake CompiledCode: "compiled" functions are plain C++ functions with the
// documented calling convention `R f(void* vmctx, params...)`, with hand-written entry and
// host-call trampolines. Covers linking, segment initialization and its traps, start, exports,
// host functions, libcalls, faults and stack exhaustion inside "compiled" code.
#include "jit/vm/instance.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstring>

#include "jit/text/parser.h"
#include "jit/vm/host_func.h"
#include "jit/vm/invoke.h"
#include "jit/vm/libcalls.h"
#include "jit/wasm/decoder.h"

namespace wcr::jit::vm {
namespace {

template <typename T>
T& at(void* vmctx, uint32_t offset) {
  return *reinterpret_cast<T*>(static_cast<uint8_t*>(vmctx) + offset);
}
const Libcalls& libcallsOf(void* vmctx) { return *at<const Libcalls*>(vmctx, kOffsetLibcalls); }

// ---- The "compiled" functions -------------------------------------------------------------
using I32Fn = int32_t (*)(void*, int32_t);
using VoidFn = void (*)(void*);

__attribute__((noinline)) int32_t fCallHost(void* vmctx, int32_t x) {
  const VMImportedFunc& slot =
      at<VMImportedFunc>(vmctx, Instance::fromVMContext(vmctx)->offsets().importedFunc(0));
  return reinterpret_cast<I32Fn>(slot.code)(slot.context, x) + 1;
}
__attribute__((noinline)) void fTrap(void* vmctx) {
  libcallsOf(vmctx).trap(vmctx, TrapCode::Unreachable);
}
__attribute__((noinline)) int32_t fLoad(void* vmctx, int32_t addr) {
  uint8_t* base = at<uint8_t*>(vmctx, kOffsetMemory0Base);
  return *reinterpret_cast<volatile uint8_t*>(base + static_cast<uint32_t>(addr));
}
__attribute__((noinline)) void fStart(void* vmctx) {
  at<uint8_t*>(vmctx, kOffsetMemory0Base)[0] = 0x55;
}
int32_t fRecurse(void* vmctx, int32_t n);
I32Fn volatile gRecurse = fRecurse;  // opaque: keeps the recursion a real call chain
__attribute__((noinline)) int32_t fRecurse(void* vmctx, int32_t n) {
  volatile char frame[64];
  frame[0] = static_cast<char>(n);
  if (reinterpret_cast<uintptr_t>(&frame[0]) < at<uintptr_t>(vmctx, kOffsetStackLimit)) {
    libcallsOf(vmctx).trap(vmctx, TrapCode::StackOverflow);
  }
  return gRecurse(vmctx, n + 1) + frame[0];
}
__attribute__((noinline)) int32_t fBulk(void* vmctx, int32_t dst) {
  libcallsOf(vmctx).memoryInit(vmctx, 0, 1, static_cast<uint32_t>(dst), 0, 4);
  return 0;
}

void entryI32(void* code, void* ctx, ValRaw* values) {
  values[0].i32 = reinterpret_cast<I32Fn>(code)(ctx, values[0].i32);
}
void entryVoid(void* code, void* ctx, ValRaw*) { reinterpret_cast<VoidFn>(code)(ctx); }
int32_t hostCallI32(void* ctx, int32_t x) {
  ValRaw values[1];
  values[0].i32 = x;
  auto* host = static_cast<VMHostContext*>(ctx);
  TrapCode code = host->callback(host, values);
  if (code != TrapCode::None) defaultLibcalls().trap(nullptr, code);
  return values[0].i32;
}
void hostCallVoid(void* ctx) {
  ValRaw values[1];
  auto* host = static_cast<VMHostContext*>(ctx);
  TrapCode code = host->callback(host, values);
  if (code != TrapCode::None) defaultLibcalls().trap(nullptr, code);
}

// Type 0 is (i32) -> i32 and type 1 is () -> () in every test module.
class FakeCode : public CompiledCode {
 public:
  FakeCode() {
    void* fns[] = {reinterpret_cast<void*>(fCallHost), reinterpret_cast<void*>(fTrap),
                   reinterpret_cast<void*>(fLoad),     reinterpret_cast<void*>(fStart),
                   reinterpret_cast<void*>(fRecurse),  reinterpret_cast<void*>(fBulk)};
    uintptr_t lo = ~uintptr_t{0}, hi = 0;
    for (void* f : fns) {
      functions_.push_back(f);
      lo = std::min(lo, reinterpret_cast<uintptr_t>(f));
      hi = std::max(hi, reinterpret_cast<uintptr_t>(f));
    }
    range_ = CodeRange{lo, hi + 512};
  }
  void* functionCode(uint32_t definedIndex) const override { return functions_[definedIndex]; }
  EntryTrampoline entryTrampoline(uint32_t typeIndex) const override {
    return typeIndex == 0 ? entryI32 : entryVoid;
  }
  void* hostCallTrampoline(uint32_t typeIndex) const override {
    return typeIndex == 0 ? reinterpret_cast<void*>(hostCallI32)
                          : reinterpret_cast<void*>(hostCallVoid);
  }
  absl::Span<const CodeRange> codeRanges() const override { return {&range_, 1}; }

 private:
  std::vector<void*> functions_;
  CodeRange range_;
};

std::shared_ptr<const wasm::Module> parse(const char* wat) {
  auto bytes = text::parseWat(wat);
  REQUIRE(bytes.ok());
  auto module = wasm::decodeModule(std::make_shared<std::vector<uint8_t>>(std::move(*bytes)));
  REQUIRE(module.ok());
  return std::make_shared<wasm::Module>(std::move(*module));
}

constexpr char kMainModule[] = R"(
(module
  (type $i_i (func (param i32) (result i32)))
  (type $v_v (func))
  (import "host" "add100" (func $h (type $i_i)))
  (memory (export "mem") 1 2)
  (table (export "tab") 3 funcref)
  (global (export "g") i32 (i32.const 7))
  (global (export "gm") (mut i64) (i64.const 5))
  (global (export "gf") funcref (ref.func $callHost))
  (func $callHost (export "callHost") (type $i_i) (local.get 0))
  (func $trap (export "trap") (type $v_v))
  (func $load (export "load") (type $i_i) (local.get 0))
  (func $start (type $v_v))
  (func $recurse (export "recurse") (type $i_i) (local.get 0))
  (func $bulk (export "bulk") (type $i_i) (local.get 0))
  (elem (i32.const 1) func $callHost $trap)
  (elem declare func $load)
  (data (i32.const 10) "hi")
  (data "wxyz")
  (export "h" (func $h))
  (start $start))
)";

struct Fixture {
  TypeRegistry types;
  std::shared_ptr<const CompiledCode> code = std::make_shared<FakeCode>();
  std::shared_ptr<const Func> add100 = makeHostFunc(
      types, wasm::FuncType{{wasm::kI32}, {wasm::kI32}}, [](ValRaw* values) -> Trap {
        if (values[0].i32 < 0) return Trap{TrapCode::HostTrap, "boom"};
        values[0].i32 += 100;
        return Trap{};
      });

  std::shared_ptr<Instance> instantiateMain() {
    Extern host{wasm::ExternKind::Func, add100, nullptr, nullptr, nullptr, nullptr};
    auto result = Instance::instantiate(parse(kMainModule), code, {&host, 1}, types);
    REQUIRE(result.ok());
    REQUIRE(result->failure == InstantiationResult::Failure::None);
    return result->instance;
  }

  Trap call(Instance& instance, const char* name, int32_t& inout) {
    std::optional<Extern> ext = instance.exportByName(name);
    REQUIRE(ext);
    REQUIRE(ext->kind == wasm::ExternKind::Func);
    ValRaw values[1];
    values[0].i32 = inout;
    Trap trap = invoke(*ext->func, values);
    inout = values[0].i32;
    return trap;
  }
};

TEST_CASE("an instance is initialized in spec order", "[vm][instance]") {
  Fixture fx;
  std::shared_ptr<Instance> instance = fx.instantiateMain();
  Memory& mem = *instance->exportByName("mem")->memory;
  CHECK(mem.base()[0] == 0x55);  // start ran after the data segments
  CHECK(std::memcmp(mem.base() + 10, "hi", 2) == 0);
  CHECK(at<uint64_t>(instance->vmctx(), kOffsetMemory0Size) == kWasmPageSize);

  Table& tab = *instance->exportByName("tab")->table;
  CHECK(tab.get(0) == nullptr);
  CHECK(tab.get(1) == instance->funcRef(1));
  CHECK(tab.get(2) == instance->funcRef(2));
  const wasm::FuncType i32ToI32{{wasm::kI32}, {wasm::kI32}};
  CHECK(instance->funcRef(1)->typeId == fx.types.intern(i32ToI32));
  CHECK(instance->funcRef(0)->code == reinterpret_cast<void*>(hostCallI32));

  int32_t g;
  std::memcpy(&g, instance->exportByName("g")->global->storage.bytes, 4);
  CHECK(g == 7);
  void* gf;
  std::memcpy(&gf, instance->exportByName("gf")->global->storage.bytes, sizeof gf);
  CHECK(gf == instance->funcRef(1));
  CHECK_FALSE(instance->exportByName("missing"));

  CHECK(instance->data(0).empty());      // active: dropped
  CHECK(instance->data(1).size() == 4);  // passive: kept
  CHECK(instance->elem(0).empty());
  CHECK(instance->elem(1).empty());      // declarative: dropped

  // Memory growth through the libcall updates the cached size in the header.
  CHECK(defaultLibcalls().memoryGrow(instance->vmctx(), 0, 1) == 1);
  CHECK(at<uint64_t>(instance->vmctx(), kOffsetMemory0Size) == 2 * kWasmPageSize);
  CHECK(defaultLibcalls().memoryGrow(instance->vmctx(), 0, 1) == -1);
}

TEST_CASE("exports run, trap and return to the host", "[vm][instance]") {
  reinstallTrapHandlers();
  Fixture fx;
  std::shared_ptr<Instance> instance = fx.instantiateMain();

  int32_t v = 1;
  CHECK(fx.call(*instance, "callHost", v).ok());
  CHECK(v == 102);
  v = 5;
  CHECK(fx.call(*instance, "h", v).ok());  // a re-exported host function
  CHECK(v == 105);

  v = -1;
  Trap host = fx.call(*instance, "callHost", v);
  CHECK(host.code == TrapCode::HostTrap);
  CHECK(host.message == "boom");

  v = 0;
  Trap unreachable = fx.call(*instance, "trap", v);
  CHECK(unreachable.code == TrapCode::Unreachable);
  CHECK(unreachable.message == "unreachable");

  v = 11;
  CHECK(fx.call(*instance, "load", v).ok());
  CHECK(v == 'i');
  v = 65536;
  Trap oob = fx.call(*instance, "load", v);
  CHECK(oob.code == TrapCode::MemoryOutOfBounds);
  CHECK(oob.message == "out of bounds memory access");
  v = -1;
  CHECK(fx.call(*instance, "load", v).code == TrapCode::MemoryOutOfBounds);

  v = 0;
  Trap exhausted = fx.call(*instance, "recurse", v);
  CHECK(exhausted.code == TrapCode::StackOverflow);
  CHECK(exhausted.message == "call stack exhausted");

  v = 100;
  CHECK(fx.call(*instance, "bulk", v).ok());
  CHECK(std::memcmp(instance->memory(0)->base() + 100, "wxyz", 4) == 0);
  v = 65533;
  CHECK(fx.call(*instance, "bulk", v).code == TrapCode::MemoryOutOfBounds);

  // Still usable after all of that.
  v = 2;
  CHECK(fx.call(*instance, "callHost", v).ok());
  CHECK(v == 103);
}

TEST_CASE("libcalls check bounds", "[vm][instance]") {
  Fixture fx;
  std::shared_ptr<Instance> instance = fx.instantiateMain();
  const Libcalls& lc = defaultLibcalls();
  void* vmctx = instance->vmctx();
  auto trapOf = [](auto fn) { return callWithTrapHandling(fn).code; };

  CHECK(trapOf([&] { lc.memoryInit(vmctx, 0, 1, 0, 2, 3); }) == TrapCode::MemoryOutOfBounds);
  lc.dataDrop(vmctx, 1);
  CHECK(trapOf([&] { lc.memoryInit(vmctx, 0, 1, 0, 0, 0); }) == TrapCode::None);
  CHECK(trapOf([&] { lc.memoryInit(vmctx, 0, 1, 0, 0, 1); }) == TrapCode::MemoryOutOfBounds);

  Table& tab = *instance->table(0);
  CHECK(lc.tableGrow(vmctx, 0, nullptr, 2) == 3);
  CHECK(tab.size() == 5);
  CHECK(trapOf([&] { lc.tableCopy(vmctx, 0, 0, 3, 1, 2); }) == TrapCode::None);
  CHECK(tab.get(3) == instance->funcRef(1));
  CHECK(trapOf([&] { lc.tableCopy(vmctx, 0, 0, 4, 1, 2); }) == TrapCode::TableOutOfBounds);
  CHECK(trapOf([&] { lc.tableFill(vmctx, 0, 0, instance->funcRef(2), 5); }) == TrapCode::None);
  CHECK(tab.get(4) == instance->funcRef(2));
  CHECK(trapOf([&] { lc.tableFill(vmctx, 0, 5, nullptr, 1); }) == TrapCode::TableOutOfBounds);
  CHECK(trapOf([&] { lc.tableInit(vmctx, 0, 0, 0, 0, 0); }) == TrapCode::None);
  CHECK(trapOf([&] { lc.tableInit(vmctx, 0, 0, 0, 0, 1); }) == TrapCode::TableOutOfBounds);
}

TEST_CASE("imports must match their declared types", "[vm][instance]") {
  Fixture fx;
  auto wrongType = makeHostFunc(fx.types, wasm::FuncType{}, [](ValRaw*) { return Trap{}; });
  Extern host{wasm::ExternKind::Func, wrongType, nullptr, nullptr, nullptr, nullptr};
  auto result = Instance::instantiate(parse(kMainModule), fx.code, {&host, 1}, fx.types);
  REQUIRE(result.ok());
  CHECK(result->failure == InstantiationResult::Failure::Link);
  CHECK_THAT(result->message, Catch::Contains("incompatible import type"));

  std::shared_ptr<Instance> main = fx.instantiateMain();
  Extern mem = *main->exportByName("mem");
  auto tooBig = Instance::instantiate(parse(R"((module (import "m" "mem" (memory 2))))"),
                                      fx.code, {&mem, 1}, fx.types);
  REQUIRE(tooBig.ok());
  CHECK(tooBig->failure == InstantiationResult::Failure::Link);
  auto fits = Instance::instantiate(parse(R"((module (import "m" "mem" (memory 1 2))))"),
                                    fx.code, {&mem, 1}, fx.types);
  REQUIRE(fits.ok());
  CHECK(fits->failure == InstantiationResult::Failure::None);
  auto noMax = Instance::instantiate(parse(R"((module (import "m" "mem" (memory 1 1))))"),
                                     fx.code, {&mem, 1}, fx.types);
  REQUIRE(noMax.ok());
  CHECK(noMax->failure == InstantiationResult::Failure::Link);
  Extern g = *main->exportByName("g");
  auto mutGlobal = Instance::instantiate(
      parse(R"((module (import "m" "g" (global (mut i32)))))"), fx.code, {&g, 1}, fx.types);
  REQUIRE(mutGlobal.ok());
  CHECK(mutGlobal->failure == InstantiationResult::Failure::Link);
}

TEST_CASE("segment traps keep earlier segments' writes", "[vm][instance]") {
  Fixture fx;
  std::shared_ptr<Instance> main = fx.instantiateMain();
  Extern mem = *main->exportByName("mem");
  auto result = Instance::instantiate(parse(R"((module
      (import "m" "mem" (memory 1))
      (data (i32.const 0) "AB")
      (data (i32.const 65535) "CD")))"),
                                      fx.code, {&mem, 1}, fx.types);
  REQUIRE(result.ok());
  CHECK(result->failure == InstantiationResult::Failure::Trap);
  CHECK(result->message == "out of bounds memory access");
  CHECK(std::memcmp(mem.memory->base(), "AB", 2) == 0);

  Extern tab = *main->exportByName("tab");
  Extern h = *main->exportByName("h");
  Extern imports[] = {tab, h};
  auto elems = Instance::instantiate(parse(R"((module
      (type (func (param i32) (result i32)))
      (import "m" "tab" (table 3 funcref))
      (import "m" "h" (func $h (type 0)))
      (elem (i32.const 0) func $h)
      (elem (i32.const 2) func $h $h)))"),
                                     fx.code, imports, fx.types);
  REQUIRE(elems.ok());
  CHECK(elems->failure == InstantiationResult::Failure::Trap);
  CHECK(elems->message == "out of bounds table access");
  CHECK(tab.table->get(0) == elems->instance->funcRef(0));
  CHECK(tab.table->get(2) == main->funcRef(2));  // untouched
}

}  // namespace
}  // namespace wcr::jit::vm
