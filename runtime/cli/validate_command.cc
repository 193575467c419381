// `wcr validate [--enable PROPOSAL] FILE`: decodes and validates one module or component, binary
// or text (told apart by the content, see isBinaryModule and isComponentFile) as WebAssembly 2.0
// plus the proposals given with
// --enable. Prints nothing on success; otherwise one `error:` line.
#include <iostream>
#include <memory>
#include <string>

#include "runtime/cli/commands.h"

namespace wcr::runtime::cli {
namespace {

// The first error, or "" when the module is valid. No "malformed"/"invalid" label: function
// bodies are decoded while validating (jit/wasm/module.h), so the stage that rejects a module
// does not tell the spec's two classes apart; the message says what is wrong and where.
std::string check(const std::string& path, const jit::wasm::Features& features) {
  absl::StatusOr<std::vector<uint8_t>> bytes = readFile(path);
  if (!bytes.ok()) return std::string(bytes.status().message());
  if (isComponentFile(*bytes)) {
    absl::StatusOr<canon::model::Component> component = decodeComponentFile(path, *bytes);
    return component.ok() ? std::string() : std::string(component.status().message());
  }
  absl::StatusOr<jit::wasm::Module> module = decodeModuleFile(path, *std::move(bytes), features);
  return module.ok() ? std::string() : std::string(module.status().message());
}

}  // namespace

void addValidateCommand(CLI::App& app, int& exitCode) {
  auto path = std::make_shared<std::string>();
  auto features = std::make_shared<jit::wasm::Features>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check that a module or component (.wasm binary or .wat text) is well-formed and valid");
  cmd->add_option("FILE", *path, "module file")->required()->type_name("FILE");
  addFeatureOption(*cmd, *features);
  cmd->callback([path, features, &exitCode] {
    std::string error = check(*path, *features);
    if (error.empty()) {
      exitCode = 0;
      return;
    }
    for (char& c : error) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    std::cerr << "error: " << error << "\n";
    exitCode = 1;
  });
}

}  // namespace wcr::runtime::cli
