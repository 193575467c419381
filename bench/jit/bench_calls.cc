// Call overhead across the host/wasm boundary (Google Benchmark), the numbers behind the JIT
// issue's goals: host->wasm call of a nop (goal <= 5 ns) and wasm->host call of a nop
// (goal <= 3 ns), and a wasm->wasm call_indirect (a direct call would be inlined by LLVM). The
// loops run inside the guest (1,000 calls per host entry) so the entry cost is not in them.
// host->wasm goes through vm::call (a TrapCode back, invoke.h; on x86-64 one call of the JIT's
// guarded entry trampoline, which sets the trap scope itself); HostToWasmNopTrap shows the
// convenience form vm::invoke, which returns a whole Trap, and HostToWasmNopNoTrapScope the
// floor: the plain entry trampoline called bare, without the trap scope (unsafe for code that
// may trap; here only to show what the scope costs). The imported nop is a typed host function
// (makeTypedHostFunc), which the wasm call site calls directly (its C callback, no trampoline);
// raw HostCallbacks (wasi/p1) go through the host-call trampoline.
//
//   build/bench/bench_calls [--benchmark_repetitions=5]   (adds the min of the repetitions)
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "jit/llvm/llvm_compiler.h"
#include "jit/text/parser.h"
#include "jit/vm/host_func.h"
#include "jit/vm/instance.h"
#include "jit/vm/invoke.h"
#include "jit/wasm/validator.h"

namespace {

using namespace wcr::jit;

constexpr int kInnerCalls = 1000;

// With --benchmark_repetitions: the fastest repetition next to mean and median. This VM's
// run-to-run noise is +-20%, and a nop call has no reason to be slower than its fastest run.
double minimum(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }

constexpr char kGuest[] = R"((module
  (import "host" "nop" (func $hostNop))
  (func $nop (export "nop"))
  (type $t (func (param i32) (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $inner)
  (func $inner (param i32) (result i32) (local.get 0))
  (func (export "call_host") (param $n i32)
    (loop $l (call $hostNop)
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func (export "call_indirect") (param $n i32) (local $acc i32)
    (loop $l (local.set $acc (call_indirect (type $t) (local.get $acc) (i32.const 0)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))))
)";

struct Guest {
  vm::TypeRegistry types;
  std::shared_ptr<vm::Instance> instance;
  std::shared_ptr<const vm::Func> nop, callHost, callIndirect;

  Guest() {
    auto bytes = text::parseWat(kGuest);
    auto module = wasm::decodeAndValidate(*bytes);
    if (!module.ok()) die(module.status().ToString());
    auto shared = std::make_shared<const wasm::Module>(*std::move(module));
    auto code = llvm::createLlvmCompiler()->compile(*shared, vm::CompileOptions{});
    if (!code.ok()) die(code.status().ToString());
    vm::Extern host;
    host.kind = wasm::ExternKind::Func;
    host.func = vm::makeTypedHostFunc(types, [] {});
    auto created = vm::Instance::instantiate(shared, *code, {host}, types);
    if (!created.ok() || !created->instance) die("instantiation failed");
    instance = created->instance;
    nop = instance->exportByName("nop")->func;
    callHost = instance->exportByName("call_host")->func;
    callIndirect = instance->exportByName("call_indirect")->func;
  }
  [[noreturn]] static void die(const std::string& why) {
    std::fprintf(stderr, "bench_calls: %s\n", why.c_str());
    std::exit(1);
  }
};

Guest& guest() {
  static Guest g;
  return g;
}

void HostToWasmNop(benchmark::State& state) {
  const vm::Func& f = *guest().nop;
  vm::ValRaw values[1];
  for (auto _ : state) {
    vm::TrapCode code = vm::call(f, values);
    benchmark::DoNotOptimize(code);
  }
}
BENCHMARK(HostToWasmNop)->ComputeStatistics("min", minimum);

void HostToWasmNopTrap(benchmark::State& state) {
  const vm::Func& f = *guest().nop;
  vm::ValRaw values[1];
  for (auto _ : state) {
    vm::Trap trap = vm::invoke(f, values);
    benchmark::DoNotOptimize(trap.code);
  }
}
BENCHMARK(HostToWasmNopTrap)->ComputeStatistics("min", minimum);

void HostToWasmNopNoTrapScope(benchmark::State& state) {
  const vm::Func& f = *guest().nop;
  vm::ValRaw values[1];
  for (auto _ : state) {
    f.entry(f.ref.code, f.ref.context, values);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(HostToWasmNopNoTrapScope)->ComputeStatistics("min", minimum);

void loopInGuest(benchmark::State& state, const vm::Func& f) {
  vm::ValRaw values[1];
  for (auto _ : state) {
    values[0].i32 = kInnerCalls;
    vm::TrapCode code = vm::call(f, values);
    benchmark::DoNotOptimize(code);
  }
  // Reported per inner call (seconds, shown as e.g. 2.1n): one loop iteration with its call.
  state.counters["time/call"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * kInnerCalls,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void WasmToHostNop(benchmark::State& state) { loopInGuest(state, *guest().callHost); }
BENCHMARK(WasmToHostNop)->ComputeStatistics("min", minimum);

void WasmCallIndirect(benchmark::State& state) { loopInGuest(state, *guest().callIndirect); }
BENCHMARK(WasmCallIndirect)->ComputeStatistics("min", minimum);

}  // namespace

BENCHMARK_MAIN();
