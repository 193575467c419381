// Runtime micro-benchmarks (Google Benchmark): instantiating a compiled module (a fresh instance:
// VMContext, a 1-page memory with its 8 GiB reservation, a table, globals, data and element
// segments), loading the same module's code from the on-disk object cache and instantiating it
// (what a second `wcr run` does, without the process), and `memory.grow` by one page.
//
//   build/bench/bench_runtime [--benchmark_repetitions=5]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "jit/llvm/llvm_compiler.h"
#include "jit/text/parser.h"
#include "jit/vm/instance.h"
#include "jit/vm/invoke.h"
#include "jit/wasm/validator.h"

namespace {

using namespace wcr::jit;

constexpr char kGuest[] = R"((module
  (memory (export "memory") 1 65536)
  (table 4 funcref)
  (global $g (mut i32) (i32.const 0))
  (func $a (result i32) (i32.const 1))
  (func $b (result i32) (i32.const 2))
  (elem (i32.const 0) $a $b)
  (data (i32.const 16) "hello, instance")
  (func (export "grow") (result i32) (memory.grow (i32.const 1)))
  (func (export "get") (result i32) (global.get $g)))
)";

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "bench_runtime: %s\n", why.c_str());
  std::exit(1);
}

std::shared_ptr<const wasm::Module> guestModule() {
  static std::shared_ptr<const wasm::Module> module = [] {
    auto bytes = text::parseWat(kGuest);
    if (!bytes.ok()) die(bytes.status().ToString());
    auto decoded = wasm::decodeAndValidate(*bytes);
    if (!decoded.ok()) die(decoded.status().ToString());
    return std::make_shared<const wasm::Module>(*std::move(decoded));
  }();
  return module;
}

std::shared_ptr<vm::CompiledCode> compile(const vm::CompileOptions& options) {
  auto code = llvm::createLlvmCompiler()->compile(*guestModule(), options);
  if (!code.ok()) die(code.status().ToString());
  return *code;
}

std::shared_ptr<vm::Instance> instantiate(const std::shared_ptr<vm::CompiledCode>& code,
                                          vm::TypeRegistry& types) {
  auto created = vm::Instance::instantiate(guestModule(), code, {}, types);
  if (!created.ok() || !created->instance) die("instantiation failed");
  return created->instance;
}

void InstantiateCompiled(benchmark::State& state) {
  auto code = compile(vm::CompileOptions{});
  vm::TypeRegistry types;
  for (auto _ : state) benchmark::DoNotOptimize(instantiate(code, types));
}
BENCHMARK(InstantiateCompiled);

void LoadFromCacheAndInstantiate(benchmark::State& state) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("wcr-bench-runtime-" + std::to_string(getpid()));
  vm::CompileOptions options;
  options.cacheDir = dir.string();
  compile(options);  // fills the cache
  vm::TypeRegistry types;
  for (auto _ : state) {
    auto code = compile(options);
    if (!code->loadedFromCache()) die("expected a cache hit");
    benchmark::DoNotOptimize(instantiate(code, types));
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(LoadFromCacheAndInstantiate)->Unit(benchmark::kMicrosecond);

void MemoryGrowOnePage(benchmark::State& state) {
  auto code = compile(vm::CompileOptions{});
  vm::TypeRegistry types;
  auto instance = instantiate(code, types);
  const vm::Func* grow = instance->exportByName("grow")->func.get();
  vm::ValRaw values[1];
  int32_t pages = 1;
  for (auto _ : state) {
    if (pages >= 16384) {  // 1 GiB: start again with a fresh 1-page instance
      state.PauseTiming();
      instance = instantiate(code, types);
      grow = instance->exportByName("grow")->func.get();
      pages = 1;
      state.ResumeTiming();
    }
    vm::invoke(*grow, values);
    if (values[0].i32 != pages) die("memory.grow failed");
    ++pages;
  }
}
BENCHMARK(MemoryGrowOnePage);

}  // namespace

BENCHMARK_MAIN();
