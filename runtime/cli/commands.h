// The subcommands of `wcr`, each in its own file, and what they share (reading input files).
// Exit codes: 0 success, 1 the input is bad or a check failed, 2 bad command line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "canon/model/component.h"
#include "jit/vm/code.h"
#include "jit/wasm/features.h"
#include "jit/wasm/module.h"

namespace wcr::runtime::cli {

// Each adds its subcommand to `app`; the subcommand's callback stores its exit code in `exitCode`.
void addValidateCommand(CLI::App& app, int& exitCode);
void addWastCommand(CLI::App& app, int& exitCode);
void addRunCommand(CLI::App& app, int& exitCode);
void addCompileCommand(CLI::App& app, int& exitCode);
void addInspectCommand(CLI::App& app, int& exitCode);

// The whole file; errors name the file and the reason ("No such file or directory").
absl::StatusOr<std::vector<uint8_t>> readFile(const std::string& path);

// Reads a module file (binary or text, see isBinaryModule), decodes and validates it (WebAssembly
// 2.0 plus `features`). Errors are prefixed with the path.
absl::StatusOr<jit::wasm::Module> loadModule(const std::string& path,
                                             const jit::wasm::Features& features = {});
// The same for a file's contents already read (`path` names it in errors).
absl::StatusOr<jit::wasm::Module> decodeModuleFile(const std::string& path,
                                                   std::vector<uint8_t> contents,
                                                   const jit::wasm::Features& features = {});

// True when `bytes` hold a component rather than a core module: the binary preamble's layer
// (Binary.md), or text whose first form (after comments) is `(component`.
bool isComponentFile(const std::vector<uint8_t>& bytes);

// Parses (text) or decodes (binary) a component and validates it. Errors are prefixed with the
// path.
absl::StatusOr<canon::model::Component> decodeComponentFile(const std::string& path,
                                                            const std::vector<uint8_t>& contents);

// Adds `--enable PROPOSAL` (repeatable or comma-separated: tail-call, extended-const,
// multi-memory, all) to `cmd`; each use enables the proposal in `features`.
void addFeatureOption(CLI::App& cmd, jit::wasm::Features& features);

// Whether a module file is binary or text is decided by its content, not its name: it is binary
// when it starts with a NUL byte (the `\0asm` magic, or a truncated or damaged header), text
// otherwise. An empty file is the one ambiguous case (an empty text file is a valid empty
// module, an empty binary is malformed): it is text only when named *.wat.
bool isBinaryModule(const std::vector<uint8_t>& bytes, const std::string& path);

// A module ready to instantiate: decoded, validated and compiled (or loaded).
struct ExecutableModule {
  enum class Source { Compiled, Cache, Artifact } source = Source::Compiled;
  std::shared_ptr<const jit::wasm::Module> module;
  std::shared_ptr<jit::vm::CompiledCode> code;
  jit::vm::CompileOptions options;  // those the code was compiled with
  double milliseconds = 0;          // time spent decoding, compiling or loading
};

// Where compiled code is cached by default: $WCR_CACHE_DIR, else $XDG_CACHE_HOME/wcr, else
// $HOME/.cache/wcr; empty (no cache) when none is set.
std::string defaultCacheDir();

// Loads `path` for execution. A precompiled artifact (`wcr compile`) is checked and linked; its
// epoch and fuel checks must be those `options` asks for (the error says how to recompile). A
// .wasm or .wat module is compiled with `options` (options.cacheDir enables the object cache).
absl::StatusOr<ExecutableModule> loadExecutable(const std::string& path,
                                                const jit::vm::CompileOptions& options,
                                                const jit::wasm::Features& features = {});

}  // namespace wcr::runtime::cli
