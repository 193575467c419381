// `wcr`: the command-line entry point. Subcommands live in *_command.cc; this file only wires
// them into CLI11 and turns anything unexpected into an error line instead of a crash.
#include <csignal>
#include <exception>
#include <iostream>

#include "CLI/CLI.hpp"
#include "runtime/cli/commands.h"

#ifndef WCR_VERSION
#define WCR_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  // A guest writing to a closed pipe gets EPIPE from its fd_write instead of killing wcr (as in
  // Wasmtime's CLI).
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"wcr: a WebAssembly runtime (LLVM JIT, validator, WAST runner)", "wcr"};
  app.set_version_flag("--version", std::string("wcr ") + WCR_VERSION);
  app.require_subcommand(1);
  int exitCode = 0;
  wcr::runtime::cli::addValidateCommand(app, exitCode);
  wcr::runtime::cli::addWastCommand(app, exitCode);
  wcr::runtime::cli::addRunCommand(app, exitCode);
  wcr::runtime::cli::addCompileCommand(app, exitCode);
  wcr::runtime::cli::addInspectCommand(app, exitCode);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" that exit 0; real usage errors exit 2.
    return app.exit(e) == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return exitCode;
}
