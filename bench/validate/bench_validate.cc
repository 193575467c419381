// Decode+validate throughput of wcr on real modules, in process: reads each file once, then runs
// decodeAndValidate repeatedly for at least --min-seconds and reports the best and median MB/s.
// Output is one JSON object per file on stdout, consumed by bench/validate/run.sh.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "jit/wasm/validator.h"

namespace {

std::vector<uint8_t> readFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

int main(int argc, char** argv) {
  double minSeconds = 2.0;
  std::vector<const char*> files;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--min-seconds") == 0 && i + 1 < argc) {
      minSeconds = std::atof(argv[++i]);
    } else {
      files.push_back(argv[i]);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: bench_validate [--min-seconds S] FILE.wasm...\n");
    return 2;
  }
  using Clock = std::chrono::steady_clock;
  for (const char* path : files) {
    std::vector<uint8_t> bytes = readFile(path);
    if (bytes.empty()) {
      std::fprintf(stderr, "error: cannot read %s\n", path);
      return 1;
    }
    std::vector<double> seconds;
    auto start = Clock::now();
    do {
      auto t0 = Clock::now();
      auto module = wcr::jit::wasm::decodeAndValidate(wcr::jit::wasm::Bytes(bytes));
      auto t1 = Clock::now();
      if (!module.ok()) {
        std::fprintf(stderr, "error: %s: %s\n", path, std::string(module.status().message()).c_str());
        return 1;
      }
      seconds.push_back(std::chrono::duration<double>(t1 - t0).count());
    } while (std::chrono::duration<double>(Clock::now() - start).count() < minSeconds ||
             seconds.size() < 3);
    std::sort(seconds.begin(), seconds.end());
    double mb = static_cast<double>(bytes.size()) / 1e6;
    std::printf("{\"file\": \"%s\", \"bytes\": %zu, \"runs\": %zu, \"best_s\": %.6f, \"median_s\": %.6f, "
                "\"best_mb_s\": %.1f, \"median_mb_s\": %.1f}\n",
                path, bytes.size(), seconds.size(), seconds.front(), seconds[seconds.size() / 2],
                mb / seconds.front(), mb / seconds[seconds.size() / 2]);
  }
  return 0;
}
