// Component calls (issue 5's benchmark), with Google Benchmark: a host-to-component call and a
// component-to-component call, each passing a record of four fields and a 16-byte string
// (bench/component/compose.wat). The component-to-component loop runs inside the guest
// (`run(n)` calls the other component n times), as bench/component/run.py does in Wasmtime, so
// both runtimes measure the same calls; the figure is ns per inner call.
//
// Usage: bench_component [COMPOSE.wat] [google-benchmark flags]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "canon/link/instantiate.h"
#include "canon/model/validator.h"
#include "canon/text/component_parser.h"
#include "jit/llvm/llvm_compiler.h"

namespace {

using wcr::canon::abi::Value;
namespace link = wcr::canon::link;

std::string gComposePath = "bench/component/compose.wat";

struct Composition {
  explicit Composition(bool fused) {
    if (fused) adapters = std::make_unique<link::AdapterCompiler>(*compiler, options);
  }
  std::unique_ptr<wcr::jit::vm::Compiler> compiler = wcr::jit::llvm::createLlvmCompiler();
  wcr::jit::vm::CompileOptions options;
  std::unique_ptr<link::AdapterCompiler> adapters;  // null: the reference (Value) path
  wcr::jit::vm::TypeRegistry registry;
  link::InstantiateResult instance;
  link::Func* f = nullptr;
  link::Func* run = nullptr;

  bool load() {
    std::ifstream in(gComposePath);
    std::stringstream text;
    text << in.rdbuf();
    auto bytes = wcr::canon::text::parseComponentWat(text.str());
    if (!bytes.ok()) return fail(bytes.status());
    auto component = wcr::canon::model::decodeAndValidate(*bytes);
    if (!component.ok()) return fail(component.status());
    auto compiled = link::compileComponent(
        std::make_shared<const wcr::canon::model::Component>(*std::move(component)), *compiler,
        options);
    if (!compiled.ok()) return fail(compiled.status());
    auto result = link::instantiate(*compiled, link::InstanceItem{}, registry, adapters.get());
    if (!result.ok()) return fail(result.status());
    instance = *std::move(result);
    f = instance.exports->find("f")->func.get();
    run = instance.exports->find("run")->func.get();
    return true;
  }
  bool fail(const absl::Status& s) {
    std::fprintf(stderr, "bench_component: %s: %s\n", gComposePath.c_str(),
                 std::string(s.message()).c_str());
    return false;
  }
};

Composition& composition(bool fused = true) {
  static Composition* compositions[2] = {};
  Composition*& c = compositions[fused];
  if (!c) {
    c = new Composition(fused);
    if (!c->load()) std::exit(1);
  }
  return *c;
}

void HostToComponent(benchmark::State& state) {
  Composition& c = composition();
  std::vector<Value> args = {
      Value::record({Value::scalar(Value::Kind::U32, 5), Value::scalar(Value::Kind::U32, 2),
                     Value::scalar(Value::Kind::U64, 3), Value::scalar(Value::Kind::F64, 0)}),
      Value::str("0123456789abcdef")};
  uint64_t sum = 0;
  for (auto _ : state) {
    absl::Status s = c.f->call(nullptr, args, [&](std::vector<Value>& r) {
      sum += r[0].bits;
      return absl::OkStatus();
    });
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
  }
  benchmark::DoNotOptimize(sum);
}
BENCHMARK(HostToComponent)->UseRealTime();

// Component-to-component calls through fused adapters (state.range(0) = 1) or through the
// reference lift-then-lower path with abi::Values (0).
void ComponentToComponent(benchmark::State& state) {
  Composition& c = composition(state.range(0) != 0);
  const uint64_t inner = 10000;
  std::vector<Value> args = {Value::scalar(Value::Kind::U32, inner)};
  for (auto _ : state) {
    absl::Status s = c.run->call(nullptr, args, [&](std::vector<Value>& r) {
      if (r[0].bits != inner * (1 + 16 + '0')) return absl::InternalError("wrong result");
      return absl::OkStatus();
    });
    if (!s.ok()) state.SkipWithError(std::string(s.message()).c_str());
  }
  state.counters["ns_per_call"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * inner,
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(ComponentToComponent)
    ->ArgName("fused")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && argv[1][0] != '-') {
    gComposePath = argv[1];
    --argc;
    ++argv;
  }
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
