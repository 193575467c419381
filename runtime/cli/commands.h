// The subcommands of `wcr`, each in its own file, and what they share (reading input files).
// Exit codes: 0 success, 1 the input is bad or a check failed, 2 bad command line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "jit/wasm/module.h"

namespace wcr::runtime::cli {

// Each adds its subcommand to `app`; the subcommand's callback stores its exit code in `exitCode`.
void addValidateCommand(CLI::App& app, int& exitCode);
void addWastCommand(CLI::App& app, int& exitCode);
void addRunCommand(CLI::App& app, int& exitCode);

// The whole file; errors name the file and the reason ("No such file or directory").
absl::StatusOr<std::vector<uint8_t>> readFile(const std::string& path);

// Reads a module file (binary or text, see isBinaryModule), decodes and validates it. Errors are
// prefixed with the path.
absl::StatusOr<jit::wasm::Module> loadModule(const std::string& path);

// Whether a module file is binary or text is decided by its content, not its name: it is binary
// when it starts with a NUL byte (the `\0asm` magic, or a truncated or damaged header), text
// otherwise. An empty file is the one ambiguous case (an empty text file is a valid empty
// module, an empty binary is malformed): it is text only when named *.wat.
bool isBinaryModule(const std::vector<uint8_t>& bytes, const std::string& path);

}  // namespace wcr::runtime::cli
