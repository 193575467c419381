// Trip counts under runtime conditions for latches SCEV declines (see trip_count_solver.h).
#include "jit/llvm/trip_count_solver.h"

#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/Analysis/ScalarEvolutionExpressions.h>
#include <llvm/IR/Instructions.h>
#include <llvm/Support/MathExtras.h>

#include <cstdint>

namespace wcr::jit::llvm {

using namespace ::llvm;  // NOLINT: analysis code speaks LLVM throughout

SolvedTripCount solveTripCount(Loop& loop, ScalarEvolution& se) {
  SolvedTripCount out;
  BasicBlock* latch = loop.getLoopLatch();
  auto* branch = latch ? dyn_cast<BranchInst>(latch->getTerminator()) : nullptr;
  if (!branch || !branch->isConditional()) return out;
  auto* compare = dyn_cast<ICmpInst>(branch->getCondition());
  if (!compare) return out;
  bool continueOnTrue = branch->getSuccessor(0) == loop.getHeader();
  if (!continueOnTrue && branch->getSuccessor(1) != loop.getHeader()) return out;
  // The predicate under which the loop continues, with the induction on the left.
  CmpInst::Predicate pred =
      continueOnTrue ? compare->getPredicate() : compare->getInversePredicate();
  const SCEV* induction = se.getSCEV(compare->getOperand(0));
  const SCEV* bound = se.getSCEV(compare->getOperand(1));
  if (!isa<SCEVAddRecExpr>(induction)) {
    std::swap(induction, bound);
    pred = CmpInst::getSwappedPredicate(pred);
  }
  const auto* rec = dyn_cast<SCEVAddRecExpr>(induction);
  if (!rec || rec->getLoop() != &loop || !rec->isAffine() || !rec->getType()->isIntegerTy(32) ||
      !se.isLoopInvariant(bound, &loop)) {
    return out;
  }
  const auto* stepConstant = dyn_cast<SCEVConstant>(rec->getStepRecurrence(se));
  if (!stepConstant) return out;
  int64_t step = stepConstant->getAPInt().getSExtValue();
  if (step == 0 || step <= -(int64_t{1} << 20) || step >= (int64_t{1} << 20)) return out;
  uint64_t stride = step > 0 ? step : -step;

  Type* i32 = rec->getType();
  Type* i64 = Type::getInt64Ty(i32->getContext());
  auto constant = [&](uint64_t value) { return se.getConstant(i64, value); };
  const SCEV* start = rec->getStart();
  // Signed order on i32 is unsigned order on values biased by 2^31.
  bool isSigned = ICmpInst::isSigned(pred);
  auto widen = [&](const SCEV* value) {
    if (isSigned) value = se.getAddExpr(value, se.getConstant(i32, 0x80000000u));
    return se.getZeroExtendExpr(value, i64);
  };
  const SCEV* first = widen(start);
  const SCEV* limit = widen(bound);
  const SCEV* strideMinus1 = constant(stride - 1);
  switch (pred) {
    case CmpInst::ICMP_NE: {
      if (!isPowerOf2_64(stride)) return out;
      const SCEV* distance = se.getZeroExtendExpr(
          step > 0 ? se.getMinusSCEV(bound, start) : se.getMinusSCEV(start, bound), i64);
      out.backedgeTaken = se.getUDivExpr(distance, constant(stride));
      out.conditions.push_back({se.getURemExpr(distance, constant(stride)), constant(0)});
      break;
    }
    case CmpInst::ICMP_UGT:
    case CmpInst::ICMP_SGT:
    case CmpInst::ICMP_UGE:
    case CmpInst::ICMP_SGE: {
      if (step > 0) return out;
      // x >= B is x + 1 > B. K = ceil(max(first' - B, 0) / stride).
      bool inclusive = pred == CmpInst::ICMP_UGE || pred == CmpInst::ICMP_SGE;
      const SCEV* from = inclusive ? se.getAddExpr(first, constant(1)) : first;
      const SCEV* excess = se.getMinusSCEV(se.getUMaxExpr(from, limit), limit);
      out.backedgeTaken = se.getUDivExpr(se.getAddExpr(excess, strideMinus1), constant(stride));
      // The last value, first - stride K, is >= 0: nothing before the exit wrapped.
      out.conditions.push_back({se.getMulExpr(out.backedgeTaken, constant(stride)), first});
      break;
    }
    case CmpInst::ICMP_ULT:
    case CmpInst::ICMP_SLT:
    case CmpInst::ICMP_ULE:
    case CmpInst::ICMP_SLE: {
      if (step < 0) return out;
      bool inclusive = pred == CmpInst::ICMP_ULE || pred == CmpInst::ICMP_SLE;
      const SCEV* to = inclusive ? se.getAddExpr(limit, constant(1)) : limit;
      const SCEV* shortfall = se.getMinusSCEV(se.getUMaxExpr(to, first), first);
      out.backedgeTaken = se.getUDivExpr(se.getAddExpr(shortfall, strideMinus1), constant(stride));
      // The last value, first + stride K, is < 2^32.
      out.conditions.push_back(
          {se.getAddExpr(first, se.getMulExpr(out.backedgeTaken, constant(stride))),
           constant(0xffffffffu)});
      break;
    }
    default:
      return out;
  }
  out.continueOnTrue = continueOnTrue;
  return out;
}

}  // namespace wcr::jit::llvm
