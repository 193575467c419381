// The on-disk object cache: a second compile of the same module with the same options loads the
// objects written by the first, and the loaded code runs.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "jit/llvm/llvm_compiler.h"
#include "jit/text/parser.h"
#include "jit/vm/vm_offsets.h"
#include "jit/wasm/validator.h"

namespace fs = std::filesystem;
using namespace wcr::jit;

namespace {

int32_t runF(const vm::CompiledCode& code) {
  alignas(16) uint8_t vmctx[256] = {};  // stack limit 0: the prologue check passes
  vm::ValRaw values[1] = {};
  code.entryTrampoline(0)(code.functionCode(0), vmctx, values);
  return values[0].i32;
}

}  // namespace

TEST_CASE("llvm: object cache", "[llvm][cache]") {
  fs::path dir = fs::temp_directory_path() / ("wcr-llvm-cache-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto bytes = text::parseWat("(module (func (export \"f\") (result i32) (i32.const 7)))");
  REQUIRE(bytes.ok());
  auto module = wasm::decodeAndValidate(wasm::Bytes(bytes->data(), bytes->size()));
  REQUIRE(module.ok());
  vm::CompileOptions options;
  options.cacheDir = dir.string();
  auto compiler = llvm::createLlvmCompiler();

  auto first = compiler->compile(*module, options);
  REQUIRE(first.ok());
  CHECK(runF(**first) == 7);
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) entries += e.path().extension() == ".wcrobj";
  CHECK(entries == 1);

  auto second = compiler->compile(*module, options);  // from the cache
  REQUIRE(second.ok());
  CHECK(runF(**second) == 7);

  // A damaged entry is recompiled and rewritten.
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ofstream(e.path(), std::ios::binary | std::ios::trunc) << "WCROBJ1\n"
                                                                << std::string(4, '\0');
  }
  auto again = compiler->compile(*module, options);
  REQUIRE(again.ok());
  CHECK(runF(**again) == 7);
  for (const auto& e : fs::directory_iterator(dir)) CHECK(fs::file_size(e.path()) > 100);

  options.optLevel = 0;  // other options: another entry
  auto third = compiler->compile(*module, options);
  REQUIRE(third.ok());
  entries = 0;
  for (const auto& e : fs::directory_iterator(dir)) entries += e.path().extension() == ".wcrobj";
  CHECK(entries == 2);
  fs::remove_all(dir);
}
