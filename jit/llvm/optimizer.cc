// The optimization pipeline: the new PassBuilder's default per-module pipeline at O0..O3, with
// the target's cost model, plus wasm's own loop versioning on memory bounds before the
// vectorizers (bounds_versioning.cc). WCR_NO_BOUNDS_VERSIONING=1 turns the versioning off (A/B checks).
#include "jit/llvm/optimizer.h"

#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/PassManager.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Target/TargetMachine.h>

#include <cstdlib>

#include "jit/llvm/bounds_versioning.h"

namespace wcr::jit::llvm {

void optimizeModule(::llvm::Module& module, ::llvm::TargetMachine& target, int optLevel) {
  ::llvm::LoopAnalysisManager lam;
  ::llvm::FunctionAnalysisManager fam;
  ::llvm::CGSCCAnalysisManager cgam;
  ::llvm::ModuleAnalysisManager mam;
  ::llvm::PassBuilder pb(&target);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  ::llvm::OptimizationLevel level = ::llvm::OptimizationLevel::O2;
  switch (optLevel) {
    case 0:
      level = ::llvm::OptimizationLevel::O0;
      break;
    case 1:
      level = ::llvm::OptimizationLevel::O1;
      break;
    case 3:
      level = ::llvm::OptimizationLevel::O3;
      break;
    default:
      break;
  }
  const char* noVersioning = std::getenv("WCR_NO_BOUNDS_VERSIONING");
  bool versionLoops = !(noVersioning && noVersioning[0] == '1');
  pb.registerVectorizerStartEPCallback(
      [versionLoops](::llvm::FunctionPassManager& fpm, ::llvm::OptimizationLevel) {
        fpm.addPass(BoundsVersioningPass(versionLoops));
      });
  ::llvm::ModulePassManager mpm = level == ::llvm::OptimizationLevel::O0
                                      ? pb.buildO0DefaultPipeline(level)
                                      : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
}

}  // namespace wcr::jit::llvm
