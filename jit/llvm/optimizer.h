// The optimization pipeline: the new PassBuilder's default per-module pipeline at O0..O3.
#pragma once

namespace llvm {
class Module;
class TargetMachine;
}  // namespace llvm

namespace wcr::jit::llvm {

void optimizeModule(::llvm::Module& module, ::llvm::TargetMachine& target, int optLevel);

}  // namespace wcr::jit::llvm
