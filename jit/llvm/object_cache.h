// The on-disk object cache: the object files of one compiled module, stored under a SHA-256 key
// of the wasm bytes, the compile options, the host CPU and features, and the wcr and LLVM
// versions. A miss or an unreadable entry just means compiling again.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "jit/vm/code.h"
#include "jit/wasm/module.h"

namespace llvm {
class MemoryBuffer;
}  // namespace llvm

namespace wcr::jit::llvm {

// What compiled code depends on besides the wasm bytes: the compile options, the host CPU, its
// features and triple, and the wcr and LLVM versions ("key=value;..."). nullopt when the host
// target cannot be detected. Cache keys and precompiled artifacts both carry it.
std::optional<std::string> compatibilityFacts(const vm::CompileOptions& options);

// nullopt when the module keeps no bytes to hash or the host target cannot be detected.
std::optional<std::string> objectCacheKey(const wasm::Module& module,
                                          const vm::CompileOptions& options);

std::optional<std::vector<std::unique_ptr<::llvm::MemoryBuffer>>> loadCachedObjects(
    const std::string& dir, const std::string& key);

// Best effort: written to a temporary file and renamed, so readers never see half an entry.
void storeCachedObjects(const std::string& dir, const std::string& key,
                        const std::vector<std::unique_ptr<::llvm::MemoryBuffer>>& objects);

}  // namespace wcr::jit::llvm
