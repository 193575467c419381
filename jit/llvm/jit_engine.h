// The ORC engine: one LLJIT (JITLink, in-process) per compiled module. It owns the generated code
// and hands out addresses and the executable ranges that JITLink allocated (for fault mapping).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "jit/vm/code.h"

namespace llvm {
class MemoryBuffer;
class Module;
class TargetMachine;
}  // namespace llvm

namespace wcr::jit::llvm {

class JitEngine {
 public:
  ~JitEngine();
  // A target machine for the host, configured for `optLevel`, to optimize against.
  static absl::StatusOr<std::unique_ptr<::llvm::TargetMachine>> hostTargetMachine(int optLevel);
  // Machine code of an optimized module, as an object file (runs on any thread with its own
  // target machine).
  static absl::StatusOr<std::unique_ptr<::llvm::MemoryBuffer>> emitObject(
      ::llvm::Module& module, ::llvm::TargetMachine& target);
  // Links the objects; `names` are looked up and returned in order.
  static absl::StatusOr<std::unique_ptr<JitEngine>> create(
      std::vector<std::unique_ptr<::llvm::MemoryBuffer>> objects, int optLevel,
      const std::vector<std::string>& names, std::vector<void*>& addresses);

  const std::vector<vm::CodeRange>& codeRanges() const;

 private:
  struct Impl;
  JitEngine() = default;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wcr::jit::llvm
