// The two halves of compilation inside jit/llvm, shared by the Compiler (llvm_compiler.cc), the
// object cache and precompiled artifacts (artifact.cc): wasm -> relocatable objects (LLVM), and
// objects -> linked, runnable code (JITLink). Loading cached or precompiled code runs only link().
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "jit/vm/code.h"
#include "jit/wasm/module.h"

namespace llvm {
class MemoryBuffer;
}  // namespace llvm

namespace wcr::jit::llvm {

// Emits, optimizes and compiles every defined function (in parallel batches) to object files.
absl::StatusOr<std::vector<std::unique_ptr<::llvm::MemoryBuffer>>> compileObjects(
    const wasm::Module& wasm, const vm::CompileOptions& options);

// Links the objects of `wasm` (from compileObjects, the cache or an artifact) into memory.
absl::StatusOr<std::shared_ptr<vm::CompiledCode>> link(
    const wasm::Module& wasm, const vm::CompileOptions& options,
    std::vector<std::unique_ptr<::llvm::MemoryBuffer>> buffers);

}  // namespace wcr::jit::llvm
