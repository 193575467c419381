// Compile and load times of real modules: LLVM compile at -O0 and -O2 (the latter into an empty
// cache directory, so it includes storing the objects), and loading
// the same module from the on-disk object cache and from a precompiled artifact (which run only
// the JIT linker). Prints one JSON object per module on stdout; bench/jit/run.py runs it beside
// `wasmtime compile` and writes bench/results/jit.md.
//
//   build/bench/bench_compile FILE.wasm...
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "jit/llvm/artifact.h"
#include "jit/llvm/llvm_compiler.h"
#include "jit/wasm/validator.h"

namespace {

using namespace wcr::jit;
using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

[[noreturn]] void die(const std::string& file, const std::string& why) {
  std::fprintf(stderr, "bench_compile: %s: %s\n", file.c_str(), why.c_str());
  std::exit(1);
}

double timeCompile(const std::string& file, const wasm::Module& module,
                   const vm::CompileOptions& options, bool expectCacheHit) {
  auto compiler = llvm::createLlvmCompiler();
  auto start = Clock::now();
  auto code = compiler->compile(module, options);
  double seconds = secondsSince(start);
  if (!code.ok()) die(file, code.status().ToString());
  if ((*code)->loadedFromCache() != expectCacheHit) die(file, "unexpected cache outcome");
  return seconds;
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string file = argv[i];
    std::ifstream in(file, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    auto start = Clock::now();
    auto decoded = wasm::decodeAndValidate(bytes);
    const double validate = secondsSince(start);
    if (!decoded.ok()) die(file, decoded.status().ToString());
    const wasm::Module& module = *decoded;
    size_t codeBytes = 0;
    for (const auto& f : module.functions) codeBytes += f.body.size();

    vm::CompileOptions o0, o2;
    o0.optLevel = 0;
    o2.optLevel = 2;
    const double compileO0 = timeCompile(file, module, o0, false);

    const std::filesystem::path cache =
        std::filesystem::temp_directory_path() / ("wcr-bench-cache-" + std::to_string(getpid()));
    vm::CompileOptions cached = o2;
    cached.cacheDir = cache.string();
    // The -O2 compile is the first compile into the cache (storing the objects is part of it).
    const double compileO2 = timeCompile(file, module, cached, false);
    const double cacheLoad = timeCompile(file, module, cached, true);
    std::filesystem::remove_all(cache);

    auto artifact = llvm::compileArtifact(module, o2);
    if (!artifact.ok()) die(file, artifact.status().ToString());
    start = Clock::now();
    auto loaded = llvm::loadArtifact(*artifact);
    const double artifactLoad = secondsSince(start);
    if (!loaded.ok()) die(file, loaded.status().ToString());

    std::printf(
        "{\"file\": \"%s\", \"bytes\": %zu, \"code_bytes\": %zu, \"functions\": %zu, "
        "\"validate_s\": %.6f, \"compile_o0_s\": %.6f, \"compile_o2_s\": %.6f, "
        "\"cache_load_s\": %.6f, \"artifact_load_s\": %.6f}\n",
        file.c_str(), bytes.size(), codeBytes, module.functions.size(), validate, compileO0,
        compileO2, cacheLoad, artifactLoad);
    std::fflush(stdout);
  }
  return 0;
}
