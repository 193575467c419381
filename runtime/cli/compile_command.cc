// `wcr compile FILE [-o OUT] [-O N] [--epoch-interruption] [--consume-fuel] [--enable P]`:
// compiles a core module ahead of time into a precompiled artifact (jit/llvm/artifact.h) that
// `wcr run OUT` loads without running LLVM. OUT defaults to FILE with the extension `.cwasm`, as
// Wasmtime names its precompiled files. The artifact only runs on a host with the same CPU,
// wcr and LLVM.
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "jit/llvm/artifact.h"
#include "runtime/cli/commands.h"

namespace wcr::runtime::cli {
namespace {

struct CompileArgs {
  std::string file;
  std::string output;
  int optLevel = 2;
  bool epochInterruption = false;
  bool fuel = false;
  jit::wasm::Features features;
};

int compile(const CompileArgs& args) {
  absl::StatusOr<jit::wasm::Module> module = loadModule(args.file, args.features);
  if (!module.ok()) {
    std::cerr << "error: " << module.status().message() << "\n";
    return 1;
  }
  jit::vm::CompileOptions options;
  options.optLevel = args.optLevel;
  options.epochInterruption = args.epochInterruption;
  options.fuel = args.fuel;
  absl::StatusOr<std::vector<uint8_t>> artifact = jit::llvm::compileArtifact(*module, options);
  if (!artifact.ok()) {
    std::cerr << "error: " << args.file << ": " << artifact.status().message() << "\n";
    return 1;
  }
  std::string output = args.output;
  if (output.empty())
    output = std::filesystem::path(args.file).replace_extension(".cwasm").string();
  // Written beside the target and renamed, so a failed write never leaves half an artifact.
  const std::string tmp = output + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(artifact->data()),
              static_cast<std::streamsize>(artifact->size()));
    if (!out) {
      std::cerr << absl::StrFormat("error: cannot write %s\n", output);
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return 1;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, output, ec);
  if (ec) {
    std::cerr << absl::StrFormat("error: cannot write %s: %s\n", output, ec.message());
    std::filesystem::remove(tmp, ec);
    return 1;
  }
  return 0;
}

}  // namespace

void addCompileCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<CompileArgs>();
  CLI::App* cmd =
      app.add_subcommand("compile", "Compile a core module ahead of time into a .cwasm artifact");
  cmd->add_option("FILE", args->file, "module (.wasm or .wat)")->required()->type_name("FILE");
  cmd->add_option("-o,--output", args->output, "artifact to write (default: FILE.cwasm)")
      ->type_name("OUT");
  cmd->add_option("-O,--opt-level", args->optLevel, "LLVM optimization level, 0 to 3 (default 2)")
      ->check(CLI::Range(0, 3));
  cmd->add_flag("--epoch-interruption", args->epochInterruption,
                "emit epoch deadline checks (needed by `wcr run --timeout`)");
  cmd->add_flag("--consume-fuel", args->fuel, "emit fuel accounting (needed by `wcr run --fuel`)");
  addFeatureOption(*cmd, args->features);
  cmd->callback([args, &exitCode] { exitCode = compile(*args); });
}

}  // namespace wcr::runtime::cli
