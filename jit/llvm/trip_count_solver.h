// Trip counts of wasm loops that ScalarEvolution declines, under conditions checked at run time.
//
// Why: SCEV computes no backedge-taken count for latches such as wasi-libc's
// `n -= 4; br_if n != 0` (it cannot know that 4 divides n) or `n -= 32; br_if n > 15` and
// `i += 2; br_if i < n` (the i32 induction might wrap: wasm arithmetic carries no nsw/nuw). The
// loop versioning (bounds_versioning.cc) needs a trip count to bound the addresses, and the
// vectorizer needs one to vectorize. Both hold under simple conditions on the loop-invariant
// start, step and bound, which the versioning's preheader check can test along with the
// bounds: when they fail, the original loop runs, so the count only has to be right when they
// hold.
//
// What: for a latch `br (icmp pred L, B)` with L = {a,+,s} an i32 induction of the loop
// (constant step, |s| < 2^20) and B loop-invariant, with K = the backedge-taken count:
//   - continue while L != B, |s| a power of two: D = (B - a) mod 2^32 for s > 0, (a - B) for
//     s < 0; condition D % |s| == 0; K = D / |s| (modular arithmetic is exact: no wrap cases).
//   - continue while L > B or L >= B (unsigned or signed), s < 0: K = the first k with
//     a - |s| k <= B (resp. < B) in exact arithmetic; condition: a - |s| K does not go below
//     the range (0, or -2^31 when signed), so no value before the exit wrapped.
//   - continue while L < B or L <= B, s > 0: symmetric, a + s K stays below 2^32 (2^31).
// Signed comparisons are solved as unsigned ones on values biased by 2^31. Everything is i64
// SCEV arithmetic on zero-extended i32 values, so nothing overflows (values < 2^33, |s| < 2^20).
#pragma once

#include <llvm/ADT/SmallVector.h>

#include <utility>

namespace llvm {
class Loop;
class ScalarEvolution;
class SCEV;
}  // namespace llvm

namespace wcr::jit::llvm {

struct SolvedTripCount {
  const ::llvm::SCEV* backedgeTaken = nullptr;  // i64; nullptr: not solved
  // Pairs (x, y) of i64 values: the count is right only if x <= y (unsigned) for each.
  ::llvm::SmallVector<std::pair<const ::llvm::SCEV*, const ::llvm::SCEV*>, 2> conditions;
  bool continueOnTrue = true;  // the latch branch's true successor is the header
};

// `loop` must have a single exit, at its latch (a conditional branch on an icmp).
SolvedTripCount solveTripCount(::llvm::Loop& loop, ::llvm::ScalarEvolution& se);

}  // namespace wcr::jit::llvm
