// Compiles every module of the wasm-2.0 suite that validates (IR verification on): a smoke test
// that every operator lowers. Hidden ([.]) because it takes minutes; run with
// `unit_jit_llvm "[suite]"`. The suite is found through WCR_WASM2_DIR or next to the repository.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "jit/llvm/llvm_compiler.h"
#include "jit/text/parser.h"
#include "jit/wasm/validator.h"

namespace fs = std::filesystem;

TEST_CASE("llvm: every valid module of the wasm-2.0 suite compiles", "[.][suite]") {
  const char* env = std::getenv("WCR_WASM2_DIR");
  fs::path dir =
      env ? fs::path(env)
          : fs::path(__FILE__).parent_path() / "../../../../../shared/testsuite/wasm-2.0";
  if (!fs::exists(dir)) {
    WARN("wasm-2.0 suite not found at " << dir);
    return;
  }
  auto compiler = wcr::jit::llvm::createLlvmCompiler();
  wcr::jit::vm::CompileOptions options;
  if (const char* opt = std::getenv("WCR_OPT_LEVEL")) options.optLevel = std::atoi(opt);
  const char* only = std::getenv("WCR_WAST");
  size_t compiled = 0, failed = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".wast") continue;
    if (only && entry.path().stem() != only) continue;
    std::ifstream file(entry.path());
    std::stringstream text;
    text << file.rdbuf();
    auto script = wcr::jit::text::parseScript(text.str());
    if (!script.ok()) continue;
    for (const auto& cmd : script->commands) {
      if (cmd.kind != wcr::jit::text::Command::Kind::Module || !cmd.module) continue;
      if (cmd.module->kind != wcr::jit::text::ScriptModule::Kind::Binary) continue;
      const auto& bytes = cmd.module->binary;
      auto module =
          wcr::jit::wasm::decodeAndValidate(wcr::jit::wasm::Bytes(bytes.data(), bytes.size()));
      if (!module.ok()) continue;
      auto code = compiler->compile(*module, options);
      if (code.ok()) {
        ++compiled;
      } else {
        ++failed;
        UNSCOPED_INFO(entry.path().filename().string()
                      << ":" << cmd.line << ": " << code.status().message().substr(0, 300));
        CHECK(code.ok());
      }
    }
  }
  WARN("compiled " << compiled << " modules, " << failed << " failed");
}
