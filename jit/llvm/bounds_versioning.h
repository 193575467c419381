// BoundsVersioningPass: versions inner loops of wasm functions on "every linear-memory access of
// the whole loop is in bounds", so that the in-bounds copy can be optimized as if loads could not
// fault (bounds_versioning.cc explains the why and the check).
#pragma once

#include <llvm/IR/PassManager.h>

namespace wcr::jit::llvm {

// With versionLoops false it only keeps loops that store to memory scalar (A/B measurements).
class BoundsVersioningPass : public ::llvm::PassInfoMixin<BoundsVersioningPass> {
 public:
  explicit BoundsVersioningPass(bool versionLoops = true) : versionLoops_(versionLoops) {}
  ::llvm::PreservedAnalyses run(::llvm::Function& fn, ::llvm::FunctionAnalysisManager& fam);
  // Also runs where optnone would skip it: keeping stores scalar is a matter of semantics.
  static bool isRequired() { return true; }

 private:
  bool versionLoops_;
};

}  // namespace wcr::jit::llvm
