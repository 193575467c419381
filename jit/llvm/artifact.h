// Precompiled artifacts (`wcr compile FILE -o OUT`, then `wcr run OUT`): a module's wasm bytes and
// the object files LLVM made of them, so loading runs only the JIT linker, never LLVM's optimizer
// or code generator. No LLVM type appears here.
//
// Decisions: the artifact keeps the wasm bytes, and loading decodes and validates them again
// (cheap next to compiling, and the instance needs the module's imports, exports and segments);
// the objects are trusted only when the artifact's compatibility facts (wcr and LLVM versions,
// target triple, CPU and features, compile options) equal this host's and its SHA-256 checksum
// holds, so a stale, foreign, truncated or tampered-by-accident file is refused with the reason.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "jit/vm/code.h"
#include "jit/wasm/module.h"

namespace wcr::jit::llvm {

// True when `bytes` start like an artifact (rather than a wasm binary or text).
bool isArtifact(absl::Span<const uint8_t> bytes);

// Compiles `module` (which must keep its bytes: Module::storage) into an artifact.
absl::StatusOr<std::vector<uint8_t>> compileArtifact(const wasm::Module& module,
                                                     const vm::CompileOptions& options);

struct LoadedArtifact {
  std::shared_ptr<const wasm::Module> module;
  vm::CompileOptions options;  // the options it was compiled with
  std::shared_ptr<vm::CompiledCode> code;
};

// Checks and links an artifact. Errors say why it cannot be used (not an artifact, another
// format version, compiled for another wcr/LLVM/CPU/options, damaged).
absl::StatusOr<LoadedArtifact> loadArtifact(absl::Span<const uint8_t> bytes);

}  // namespace wcr::jit::llvm
