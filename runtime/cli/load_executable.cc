// Loading modules for execution (see commands.h): precompiled artifacts, or modules compiled on
// the spot through the on-disk object cache.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "jit/llvm/artifact.h"
#include "jit/llvm/llvm_compiler.h"
#include "runtime/cli/commands.h"

namespace wcr::runtime::cli {

std::string defaultCacheDir() {
  if (const char* dir = std::getenv("WCR_CACHE_DIR")) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return (std::filesystem::path(xdg) / "wcr").string();
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return (std::filesystem::path(home) / ".cache" / "wcr").string();
  }
  return "";
}

absl::StatusOr<ExecutableModule> loadExecutable(const std::string& path,
                                                const jit::vm::CompileOptions& options,
                                                const jit::wasm::Features& features) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::vector<uint8_t>> bytes = readFile(path);
  if (!bytes.ok()) return bytes.status();
  ExecutableModule loaded;
  if (jit::llvm::isArtifact(*bytes)) {
    absl::StatusOr<jit::llvm::LoadedArtifact> artifact = jit::llvm::loadArtifact(*bytes);
    if (!artifact.ok()) {
      return absl::Status(artifact.status().code(),
                          absl::StrCat(path, ": ", artifact.status().message()));
    }
    auto describe = [](bool epoch, bool fuel) {
      return absl::StrFormat("epoch checks %s, fuel checks %s", epoch ? "on" : "off",
                             fuel ? "on" : "off");
    };
    if (artifact->options.epochInterruption != options.epochInterruption ||
        artifact->options.fuel != options.fuel) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "%s: compiled with %s, but this run needs %s: recompile it with `wcr compile` and the "
          "same flags",
          path, describe(artifact->options.epochInterruption, artifact->options.fuel),
          describe(options.epochInterruption, options.fuel)));
    }
    loaded.source = ExecutableModule::Source::Artifact;
    loaded.module = std::move(artifact->module);
    loaded.code = std::move(artifact->code);
    loaded.options = artifact->options;
  } else {
    absl::StatusOr<jit::wasm::Module> module = decodeModuleFile(path, *std::move(bytes), features);
    if (!module.ok()) return module.status();
    loaded.module = std::make_shared<const jit::wasm::Module>(*std::move(module));
    std::unique_ptr<jit::vm::Compiler> compiler = jit::llvm::createLlvmCompiler();
    auto code = compiler->compile(*loaded.module, options);
    if (!code.ok()) {
      return absl::Status(code.status().code(), absl::StrCat(path, ": ", code.status().message()));
    }
    loaded.code = *std::move(code);
    loaded.options = options;
    loaded.source = loaded.code->loadedFromCache() ? ExecutableModule::Source::Cache
                                                   : ExecutableModule::Source::Compiled;
  }
  loaded.milliseconds =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return loaded;
}

}  // namespace wcr::runtime::cli
