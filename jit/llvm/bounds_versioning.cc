// BoundsVersioningPass: loop versioning on "the whole loop stays inside linear memory".
//
// Why: a wasm load must trap when it is out of bounds even if its value is unused, so every
// load feeds an empty `asm sideeffect` keepalive (emit_memory.cc). A call with side effects in
// a loop stops the loop vectorizer, and a vectorized or memcpy-ized loop would not trap where
// the wasm program traps anyway: a 16-byte vector load that crosses the end of memory faults
// before the bytes below the end are copied, and the differential test checks memory after
// traps. So copy, fill and streaming loops (the guest's memcpy/memmove/memset are such loops:
// wasi-libc's are C code) ran scalar, byte by byte or word by word.
//
// What: for an innermost loop whose linear-memory accesses (memory 0) are all affine in the
// loop's induction and whose trip count SCEV computes (or trip_count_solver.cc does, under
// conditions the check adds), the preheader checks, for the first and
// the last iteration of every access, that its 32-bit address arithmetic does not wrap and that
// offset + access size <= the memory's current size (VMContext), and branches to one of two
// copies of the loop:
//   - in bounds: a copy without the keepalives, whose addresses are rewritten as exact 64-bit
//     affine offsets (see liftI32), so the vectorizer sees consecutive and interleaved
//     accesses, and SLP, load combining and dead-load elimination may act as for native code;
//     each group of accesses a constant apart (a "stream") is addressed from its own opaque base
//     pointer, so that runtime alias checks compare streams, not accesses (see StreamBases);
//     with a solved trip count it counts its iterations with a new i64 counter; and a loop
//     that only copies bytes runs as one llvm.memmove when that is exact (see matchCopy);
//   - otherwise: the original loop, which traps at exactly the access where wasm traps, after
//     exactly the stores before it. It, and every loop not versioned that stores to memory, is
//     marked llvm.loop.vectorize.enable=false (see keepScalar).
// The check over-approximates (it assumes every access of the body runs on every iteration),
// which only sends a loop that would not trap to the original copy. Memories never shrink and
// the loop contains no calls (so no memory.grow), so the size read before the loop bounds it.
// Not handled (left scalar): loops whose latch neither SCEV nor the solver can count, loops
// with calls, early exits, or accesses to other memories.
//
// Runs at the start of the vectorizer pipeline (optimizer.cc), after inlining and loop
// canonicalization; only loops of wasm functions (the wasm calling convention) are touched.
#include "jit/llvm/bounds_versioning.h"

#include <llvm/Analysis/AssumptionCache.h>
#include <llvm/Analysis/LoopInfo.h>
#include <llvm/Analysis/ScalarEvolution.h>
#include <llvm/Analysis/ScalarEvolutionExpressions.h>
#include <llvm/Analysis/ValueTracking.h>
#include <llvm/IR/Dominators.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/InlineAsm.h>
#include <llvm/IR/Instructions.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/Transforms/Utils/BasicBlockUtils.h>
#include <llvm/Transforms/Utils/Cloning.h>
#include <llvm/Transforms/Utils/LoopSimplify.h>
#include <llvm/Transforms/Utils/LoopUtils.h>
#include <llvm/Transforms/Utils/ScalarEvolutionExpander.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <vector>

#include "jit/llvm/module_context.h"
#include "jit/llvm/trip_count_solver.h"
#include "jit/vm/vm_offsets.h"

namespace wcr::jit::llvm {

namespace {

using namespace ::llvm;  // NOLINT: pass code speaks LLVM throughout

// Loops with more linear-memory accesses than this are left alone (check cost, code growth).
constexpr size_t kMaxAccesses = 64;

// The empty `asm sideeffect` that keeps a load alive (emit_memory.cc).
bool isKeepAlive(const Instruction& inst) {
  const auto* call = dyn_cast<CallInst>(&inst);
  if (!call || !call->getType()->isVoidTy() || call->arg_size() != 1) return false;
  const auto* asmCallee = dyn_cast<InlineAsm>(call->getCalledOperand());
  return asmCallee && asmCallee->getAsmString().empty() && asmCallee->hasSideEffects();
}

// A load of memory 0's base: the pointer at VMContext offset kOffsetMemory0Base.
bool isMemory0Base(const Value* value, const Argument* vmctx, const DataLayout& dl) {
  const auto* load = dyn_cast<LoadInst>(value);
  if (!load || !load->getType()->isPointerTy()) return false;
  APInt offset(dl.getIndexTypeSizeInBits(load->getPointerOperandType()), 0);
  const Value* ptr = load->getPointerOperand()->stripAndAccumulateConstantOffsets(
      dl, offset, /*AllowNonInbounds=*/true);
  return ptr == vmctx && offset == vm::kOffsetMemory0Base;
}

// Whether the loop stores anywhere but its own frame: to linear memory, possibly.
bool storesToMemory(const Loop& loop) {
  for (BasicBlock* block : loop.blocks()) {
    for (Instruction& inst : *block) {
      auto* store = dyn_cast<StoreInst>(&inst);
      if (store && !isa<AllocaInst>(getUnderlyingObject(store->getPointerOperand(), 0))) {
        return true;
      }
    }
  }
  return false;
}

// A vectorized store writes its bytes all or none: where a lane would fault, the lanes below it
// that wasm stores before trapping are not written. Loops that store to memory and were not
// proven in bounds are kept scalar (loads already keep them scalar through their keepalives).
void keepScalar(Loop& loop) {
  if (storesToMemory(loop)) addStringMetadataToLoop(&loop, "llvm.loop.vectorize.enable", 0);
}

struct Access {
  Instruction* inst;
  Value* pointer;
  Value* base;  // the load of memory 0's base it is relative to
  uint64_t bytes;
  const SCEV* offset = nullptr;  // i64, affine in the loop: the exact offset from base
};

// What the preheader must prove, as SCEVs over the loop-invariant values (bound(v) = v ule b).
struct Bounds {
  SmallVector<const SCEV*, 8> below4G;  // lifted 32-bit address terms: < 2^32, so no wrap
  SmallVector<const SCEV*, 8> small;    // offsets: <= 2^34, so a negative one cannot pass
  SmallVector<const SCEV*, 8> ends;     // offset + access bytes: <= memory size
  SolvedTripCount solved;               // when SCEV had no trip count: ours, and its conditions
  const SCEV* tripEnd = nullptr;        // the backedge-taken count
};

// A loop that only copies bytes (see matchCopy), as one memmove of the in-bounds copy.
struct CopyLoop {
  bool descending = false;  // walks down through memory
  const SCEV* srcLow;       // i64 offset of the lowest source byte
  const SCEV* delta;        // i64: destination offset - source offset
  const SCEV* bytes;        // i64: bytes copied by the whole loop
  const Value* base;        // memory 0's base
  SmallVector<std::pair<PHINode*, const SCEV*>, 4> exitValues;  // exit-block phi -> its value
};

// Streams: the accesses of the in-bounds copy grouped by "a constant apart" (y[i] and y[i+1]
// are one stream, x[i] another). Every stream gets its own base pointer, loop-invariant and
// opaque to LLVM (an empty asm that returns its operand), and its accesses are addressed from
// it. Why: all accesses are based on the one memory base, so to LoopAccessAnalysis they are
// one underlying object whose distances it must prove; x and y are an unknown distance apart,
// so it gives up on dependence distances altogether and falls back to runtime overlap checks
// between *every* pair of accesses, including y[i] vs y[i+1], which always overlap: matmul's
// vectorized loop was never entered. With distinct (opaque, may-alias) bases LAA analyses y[i]
// and y[i+1] by distance and checks only x against y at run time, as for native code. The asm
// has no side effects and reads no memory, so it costs a register move outside the loop.
class StreamBases {
 public:
  struct Stream {
    const Value* base;
    const SCEV* start;  // loop-invariant: the stream's first offset (relative offsets are affine
                        // with a constant start)
    Value* pointer = nullptr;
  };

  StreamBases(ScalarEvolution& se, const std::vector<Access>& accesses);
  const Stream& of(const Access& access) const { return streams_[index_.at(access.inst)]; }
  void setPointer(const Access& access, Value* pointer) {
    streams_[index_.at(access.inst)].pointer = pointer;
  }

 private:
  std::vector<Stream> streams_;
  DenseMap<const Instruction*, size_t> index_;
};

StreamBases::StreamBases(ScalarEvolution& se, const std::vector<Access>& accesses) {
  std::vector<const SCEV*> representatives;
  for (const Access& access : accesses) {
    size_t found = streams_.size();
    for (size_t i = 0; i < streams_.size(); ++i) {
      if (streams_[i].base == access.base &&
          isa<SCEVConstant>(se.getMinusSCEV(access.offset, representatives[i]))) {
        found = i;
        break;
      }
    }
    if (found == streams_.size()) {
      const SCEV* start = access.offset;
      if (const auto* rec = dyn_cast<SCEVAddRecExpr>(start)) start = rec->getStart();
      streams_.push_back({access.base, start});
      representatives.push_back(access.offset);
    }
    index_[access.inst] = found;
  }
}

// The pointer itself, but no longer traceable to the memory base (see StreamBases).
Value* opaquePointer(IRBuilder<>& b, Value* pointer) {
  auto* type = FunctionType::get(pointer->getType(), {pointer->getType()}, false);
  auto* identity = InlineAsm::get(type, "", "=r,0", /*hasSideEffects=*/false);
  CallInst* call = b.CreateCall(type, identity, {pointer}, "wasm.stream.base");
  call->setDoesNotThrow();
  call->setDoesNotAccessMemory();
  call->addFnAttr(Attribute::WillReturn);
  return call;
}

class LoopVersioner {
 public:
  LoopVersioner(Function& fn, Argument* vmctx, LoopInfo& li, DominatorTree& dt,
                ScalarEvolution& se, AssumptionCache& ac)
      : fn_(fn),
        li_(li),
        dt_(dt),
        se_(se),
        ac_(ac),
        dl_(fn.getDataLayout()),
        vmctx_(vmctx),
        i64_(Type::getInt64Ty(fn.getContext())) {}

  bool tryVersion(Loop& loop);

 private:
  bool collectAccesses(Loop& loop, std::vector<Access>& accesses) const;
  const SCEV* liftI32(const SCEV* value, Loop& loop) const;
  const SCEV* withoutConstant(const SCEV* value) const;
  const SCEV* liftOffset(const SCEV* offset, Loop& loop, SmallVectorImpl<const SCEV*>& terms) const;
  bool isLinear(const SCEV* value, Loop& loop) const;
  void addEndpoints(const SCEV* value, const SCEV* tripEnd, SmallVectorImpl<const SCEV*>& out,
                    uint64_t plus = 0) const;
  bool computeBounds(Loop& loop, const SCEV* tripEnd, std::vector<Access>& accesses,
                     Bounds& bounds) const;
  void version(Loop& loop, const Bounds& bounds, std::vector<Access>& accesses);
  void countIterations(Loop& loop, BasicBlock* preheader, const SolvedTripCount& solved,
                       SCEVExpander& expander);
  std::optional<CopyLoop> matchCopy(Loop& loop, const std::vector<Access>& accesses,
                                    const SCEV* tripEnd, BasicBlock* exitBlock) const;
  void emitMemmove(Loop& loop, BasicBlock* preheader, BasicBlock* exitBlock, const CopyLoop& copy,
                   SCEVExpander& expander);

  Function& fn_;
  LoopInfo& li_;
  DominatorTree& dt_;
  ScalarEvolution& se_;
  AssumptionCache& ac_;
  const DataLayout& dl_;
  Argument* vmctx_;
  Type* i64_;
  bool debug_ = std::getenv("WCR_DEBUG_BOUNDS_VERSIONING") != nullptr;
};

bool LoopVersioner::collectAccesses(Loop& loop, std::vector<Access>& accesses) const {
  for (BasicBlock* block : loop.blocks()) {
    for (Instruction& inst : *block) {
      if (isKeepAlive(inst)) continue;
      if (auto* call = dyn_cast<CallBase>(&inst)) {
        // Pure intrinsics (rotates, min/max, ...) are fine; any real call may grow memory,
        // trap or not return.
        if (isa<IntrinsicInst>(call) && call->doesNotAccessMemory() && call->willReturn()) {
          continue;
        }
        return false;
      }
      Value* pointer = nullptr;
      Type* type = nullptr;
      if (auto* load = dyn_cast<LoadInst>(&inst)) {
        if (!load->isSimple()) return false;
        pointer = load->getPointerOperand();
        type = load->getType();
      } else if (auto* store = dyn_cast<StoreInst>(&inst)) {
        if (!store->isSimple()) return false;
        pointer = store->getPointerOperand();
        type = store->getValueOperand()->getType();
      } else if (inst.mayReadOrWriteMemory()) {
        return false;  // atomics, fences
      } else {
        continue;
      }
      Value* object = getUnderlyingObject(pointer, /*MaxLookup=*/0);
      if (isMemory0Base(object, vmctx_, dl_)) {
        accesses.push_back({&inst, pointer, object, dl_.getTypeStoreSize(type).getFixedValue()});
      } else if (object != vmctx_ && !isa<AllocaInst>(object)) {
        return false;  // another memory, a table, an imported global: not ours to reason about
      }
    }
  }
  return !accesses.empty() && accesses.size() <= kMaxAccesses;
}

// Lifting: a wasm address is zext(x) for an i32 expression x computed modulo 2^32. lift(x) is
// an i64 expression congruent to x modulo 2^32 (constants sign-extended, sums term by term,
// other leaves zero-extended), affine in the loop when x is. Where lift(x) lies in [0, 2^32),
// zext(x) equals it: checking that at the first and the last iteration (a line between them)
// makes the address exact i64 arithmetic, whose accesses differ by constants (zext(s + 8) and
// zext(s) are 8 apart), which is what the vectorizer needs to see consecutive accesses.
// A zero-extended leaf can put lift(x) a multiple of 2^32 off (x = row + select(c, 0, -4096):
// zext of the select is 2^32 - 4096), so the lifted term is first moved into the window of its
// first value: lift(x) - (first udiv 2^32) * 2^32, still congruent, still affine; the check
// that its first and last values lie below 2^32 then says the whole line is in one window.
// `first` leaves out the constant of the start, so that y[i] and y[i + 1] (lifted s and s + 8)
// move by the same multiple of 2^32 and stay one stream (see StreamBases).
const SCEV* LoopVersioner::liftI32(const SCEV* value, Loop& loop) const {
  if (const auto* constant = dyn_cast<SCEVConstant>(value)) {
    return se_.getConstant(i64_, constant->getAPInt().getSExtValue(), /*isSigned=*/true);
  }
  if (const auto* add = dyn_cast<SCEVAddExpr>(value)) {
    SmallVector<const SCEV*, 4> ops;
    for (const SCEV* op : add->operands()) {
      const SCEV* lifted = liftI32(op, loop);
      if (!lifted) return nullptr;
      ops.push_back(lifted);
    }
    return se_.getAddExpr(ops);
  }
  if (const auto* rec = dyn_cast<SCEVAddRecExpr>(value); rec && rec->isAffine()) {
    // In this loop: a constant step (see isLinear). In an enclosing loop: any invariant step;
    // lifted too, so that {s + 8,+,c} and {s,+,c} stay 8 apart. (Overflow of the 64-bit
    // arithmetic there is harmless: congruence modulo 2^32 is all a lift needs.)
    if (rec->getLoop() == &loop && !isa<SCEVConstant>(rec->getStepRecurrence(se_))) {
      return nullptr;
    }
    const SCEV* start = liftI32(rec->getStart(), loop);
    const SCEV* step = liftI32(rec->getStepRecurrence(se_), loop);
    if (!start || !step) return nullptr;
    return se_.getAddRecExpr(start, step, rec->getLoop(), SCEV::FlagAnyWrap);
  }
  if (!se_.isLoopInvariant(value, &loop)) return nullptr;
  return se_.getZeroExtendExpr(value, i64_);
}

// The value less its constant term, also inside the start of an (outer-loop) recurrence:
// {s + 8,+,n}<outer> -> {s,+,n}<outer>.
const SCEV* LoopVersioner::withoutConstant(const SCEV* value) const {
  if (const auto* add = dyn_cast<SCEVAddExpr>(value);
      add && isa<SCEVConstant>(add->getOperand(0))) {
    return se_.getMinusSCEV(value, add->getOperand(0));
  }
  if (const auto* rec = dyn_cast<SCEVAddRecExpr>(value); rec && rec->isAffine()) {
    return se_.getAddRecExpr(withoutConstant(rec->getStart()), rec->getStepRecurrence(se_),
                             rec->getLoop(), SCEV::FlagAnyWrap);
  }
  return value;
}

// The i64 offset with every zext of a 32-bit address term replaced by its lift (recorded in
// `terms`, which must then stay below 2^32).
const SCEV* LoopVersioner::liftOffset(const SCEV* offset, Loop& loop,
                                      SmallVectorImpl<const SCEV*>& terms) const {
  if (const auto* add = dyn_cast<SCEVAddExpr>(offset)) {
    SmallVector<const SCEV*, 4> ops;
    for (const SCEV* op : add->operands()) {
      const SCEV* lifted = liftOffset(op, loop, terms);
      if (!lifted) return nullptr;
      ops.push_back(lifted);
    }
    return se_.getAddExpr(ops);
  }
  if (const auto* zext = dyn_cast<SCEVZeroExtendExpr>(offset);
      zext && zext->getOperand()->getType()->getIntegerBitWidth() == 32 &&
      !se_.isLoopInvariant(zext, &loop)) {
    const SCEV* lifted = liftI32(zext->getOperand(), loop);
    if (!lifted) return nullptr;
    // Into the 2^32 window of its first value's variable part (see the comment on liftI32).
    const SCEV* first = lifted;
    if (const auto* rec = dyn_cast<SCEVAddRecExpr>(lifted); rec && rec->getLoop() == &loop) {
      first = rec->getStart();
    }
    first = withoutConstant(first);
    const SCEV* window = se_.getConstant(i64_, uint64_t{1} << 32);
    lifted = se_.getMinusSCEV(lifted, se_.getMulExpr(se_.getUDivExpr(first, window), window));
    terms.push_back(lifted);
    return lifted;
  }
  return offset;  // i64 arithmetic already: exact
}

// Invariant, or affine in `loop` with a small constant step (so that start + step * count,
// count < 2^32, cannot overflow 64 bits).
bool LoopVersioner::isLinear(const SCEV* value, Loop& loop) const {
  if (se_.isLoopInvariant(value, &loop)) return true;
  const auto* rec = dyn_cast<SCEVAddRecExpr>(value);
  if (!rec || rec->getLoop() != &loop || !rec->isAffine()) return false;
  const auto* step = dyn_cast<SCEVConstant>(rec->getStepRecurrence(se_));
  return step && step->getAPInt().getSExtValue() > -(int64_t{1} << 20) &&
         step->getAPInt().getSExtValue() < (int64_t{1} << 20);
}

void LoopVersioner::addEndpoints(const SCEV* value, const SCEV* tripEnd,
                                 SmallVectorImpl<const SCEV*>& out, uint64_t plus) const {
  const SCEV* first = value;
  const SCEV* last = value;
  if (const auto* rec = dyn_cast<SCEVAddRecExpr>(value)) {
    first = rec->getStart();
    last = rec->evaluateAtIteration(tripEnd, se_);
  }
  const SCEV* extra = se_.getConstant(i64_, plus);
  out.push_back(se_.getAddExpr(first, extra));
  if (last != first) out.push_back(se_.getAddExpr(last, extra));
}

bool LoopVersioner::computeBounds(Loop& loop, const SCEV* tripEnd, std::vector<Access>& accesses,
                                  Bounds& bounds) const {
  // The trip count itself must fit 32 bits (it does for i32 loops; widened ones are checked).
  bounds.below4G.push_back(se_.getNoopOrZeroExtend(tripEnd, i64_));
  for (Access& access : accesses) {
    const SCEV* offset = se_.getMinusSCEV(se_.getSCEV(access.pointer), se_.getSCEV(access.base));
    if (isa<SCEVCouldNotCompute>(offset) || offset->getType() != i64_) return false;
    SmallVector<const SCEV*, 2> terms;
    const SCEV* lifted = liftOffset(offset, loop, terms);
    if (!lifted || !isLinear(lifted, loop)) return false;
    for (const SCEV* term : terms) {
      if (!isLinear(term, loop)) return false;
      addEndpoints(term, tripEnd, bounds.below4G);
    }
    addEndpoints(lifted, tripEnd, bounds.small);
    addEndpoints(lifted, tripEnd, bounds.ends, access.bytes);
    access.offset = lifted;
  }
  return true;
}

void LoopVersioner::version(Loop& loop, const Bounds& bounds, std::vector<Access>& accesses) {
  if (!loop.isLCSSAForm(dt_)) formLCSSARecursively(loop, dt_, &li_, &se_);
  BasicBlock* checkBlock = loop.getLoopPreheader();
  BasicBlock* exitBlock = loop.getExitBlock();
  BasicBlock* exiting = loop.getExitingBlock();
  Instruction* term = checkBlock->getTerminator();
  std::optional<CopyLoop> copy = matchCopy(loop, accesses, bounds.tripEnd, exitBlock);

  // The check: any bound violated, or a condition of a solved trip count -> the original loop.
  SCEVExpander expander(se_, dl_, "wasm.bounds");
  auto expandMax = [&](const SmallVectorImpl<const SCEV*>& values) {
    SmallVector<const SCEV*, 8> copy(values.begin(), values.end());
    return expander.expandCodeFor(se_.getUMaxExpr(copy), i64_, term);
  };
  Value* wraps = expandMax(bounds.below4G);
  Value* small = expandMax(bounds.small);
  Value* end = expandMax(bounds.ends);
  IRBuilder<> b(term);
  Value* sizeAddr = b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), vmctx_, vm::kOffsetMemory0Size);
  Value* size = b.CreateLoad(i64_, sizeAddr, "wasm.memory.size");
  Value* checked = b.CreateOr(b.CreateOr(b.CreateICmpUGT(wraps, b.getInt64(0xffffffffu)),
                                         b.CreateICmpUGT(small, b.getInt64(uint64_t{1} << 34))),
                              b.CreateICmpUGT(end, size), "wasm.out.of.bounds");
  for (const auto& [value, limit] : bounds.solved.conditions) {
    checked = b.CreateOr(checked, b.CreateICmpUGT(expander.expandCodeFor(value, i64_, term),
                                                  expander.expandCodeFor(limit, i64_, term)));
  }

  // checkBlock -> (fast preheader | cloned preheader); both loops exit to exitBlock.
  BasicBlock* fastPreheader =
      SplitBlock(checkBlock, term, &dt_, &li_, nullptr, loop.getHeader()->getName() + ".inbounds");
  ValueToValueMapTy map;
  SmallVector<BasicBlock*, 8> clonedBlocks;
  Loop* original = cloneLoopWithPreheader(fastPreheader, checkBlock, &loop, map, ".checked", &li_,
                                          &dt_, clonedBlocks);
  remapInstructionsInBlocks(clonedBlocks, map);
  Instruction* oldBranch = checkBlock->getTerminator();
  auto* branch = BranchInst::Create(original->getLoopPreheader(), fastPreheader, checked);
  branch->insertBefore(oldBranch);
  // In-bounds loops are the common case (a trap ends the program).
  branch->setMetadata(LLVMContext::MD_prof,
                      MDBuilder(fn_.getContext()).createBranchWeights(1, 1u << 20));
  oldBranch->eraseFromParent();
  dt_.changeImmediateDominator(exitBlock, checkBlock);

  // LCSSA: every value leaving the loop goes through a phi of the exit block.
  auto* clonedExiting = cast<BasicBlock>(map[exiting]);
  for (PHINode& phi : exitBlock->phis()) {
    Value* incoming = phi.getIncomingValueForBlock(exiting);
    auto mapped = map.find(incoming);
    phi.addIncoming(mapped != map.end() ? static_cast<Value*>(mapped->second) : incoming,
                    clonedExiting);
  }
  keepScalar(*original);
  formDedicatedExitBlocks(original, &dt_, &li_, nullptr, /*PreserveLCSSA=*/true);
  formDedicatedExitBlocks(&loop, &dt_, &li_, nullptr, /*PreserveLCSSA=*/true);

  // In the in-bounds copy the addresses are the exact i64 offsets (see liftI32), each relative
  // to the opaque base of its stream (see StreamBases).
  StreamBases streams(se_, accesses);
  Instruction* fastTerm = fastPreheader->getTerminator();
  for (Access& access : accesses) {
    const StreamBases::Stream& stream = streams.of(access);
    if (!stream.pointer) {
      IRBuilder<> pre(fastTerm);
      Value* start = expander.expandCodeFor(stream.start, i64_, fastTerm);
      Value* address = pre.CreateGEP(pre.getInt8Ty(), access.base, start, "wasm.stream");
      streams.setPointer(access, opaquePointer(pre, address));
    }
    Value* offset =
        expander.expandCodeFor(se_.getMinusSCEV(access.offset, stream.start), i64_, access.inst);
    IRBuilder<> at(access.inst);
    Value* pointer = at.CreateGEP(at.getInt8Ty(), streams.of(access).pointer, offset, "wasm.addr");
    if (auto* load = dyn_cast<LoadInst>(access.inst)) {
      load->setOperand(load->getPointerOperandIndex(), pointer);
    } else {
      auto* store = cast<StoreInst>(access.inst);
      store->setOperand(store->getPointerOperandIndex(), pointer);
    }
  }

  if (copy) emitMemmove(loop, fastPreheader, exitBlock, *copy, expander);
  if (bounds.solved.backedgeTaken) {
    countIterations(loop, loop.getLoopPreheader(), bounds.solved, expander);
  }

  // No access of the in-bounds copy can fault: its loads may die.
  SmallVector<Instruction*, 16> keepAlives;
  for (BasicBlock* block : loop.blocks()) {
    for (Instruction& inst : *block) {
      if (isKeepAlive(inst)) keepAlives.push_back(&inst);
    }
  }
  for (Instruction* inst : keepAlives) inst->eraseFromParent();
  se_.forgetAllLoops();
}

// The in-bounds copy of a loop whose trip count we solved runs exactly that many iterations
// (the check proved the solver's conditions): its latch tests a new i64 counter against the
// count instead, which SCEV and so the vectorizer understand. The old condition goes dead.
void LoopVersioner::countIterations(Loop& loop, BasicBlock* preheader,
                                    const SolvedTripCount& solved, SCEVExpander& expander) {
  Value* backedgeTaken =
      expander.expandCodeFor(solved.backedgeTaken, i64_, preheader->getTerminator());
  BasicBlock* header = loop.getHeader();
  BasicBlock* latch = loop.getLoopLatch();
  PHINode* counter = PHINode::Create(i64_, 2, "wasm.iteration");
  counter->insertBefore(header->getFirstNonPHI());
  auto* branch = cast<BranchInst>(latch->getTerminator());
  IRBuilder<> b(branch);
  Value* next = b.CreateNUWAdd(counter, b.getInt64(1), "wasm.iteration.next");
  counter->addIncoming(b.getInt64(0), preheader);
  counter->addIncoming(next, latch);
  branch->setCondition(solved.continueOnTrue ? b.CreateICmpNE(counter, backedgeTaken)
                                             : b.CreateICmpEQ(counter, backedgeTaken));
}

// Copy loops: a single-block loop whose every store writes, at a fixed distance `delta` from
// its source, exactly what one load of the loop read (wasi-libc's memcpy/memmove byte and word
// loops, unrolled or not). The pairs of one iteration must tile one block of |step| bytes. The
// loop then copies [srcLow, srcLow + bytes) to srcLow + delta, and does what memmove does as
// long as no load reads a byte the loop already overwrote, which holds when
//   - the ranges are disjoint (|delta| >= bytes), or
//   - the loop walks away from its destination (down with delta >= 0, up with delta <= 0) and
//     within an iteration each store comes after the loads of the bytes it may overwrite: a
//     store at block offset c writes source bytes at c + delta, so walking down every load at
//     an offset >= c must precede it (walking up, every load at an offset <= c).
// Byte-by-byte backward copies with a small distance (memmove of overlapping ranges) are what
// the vectorizer cannot handle (its runtime check wants disjoint ranges); glibc's memmove can.
std::optional<CopyLoop> LoopVersioner::matchCopy(Loop& loop, const std::vector<Access>& accesses,
                                                 const SCEV* tripEnd, BasicBlock* exitBlock) const {
  if (loop.getNumBlocks() != 1 || accesses.size() % 2 != 0) return std::nullopt;
  BasicBlock* body = loop.getHeader();
  size_t memoryOps = 0;
  for (Instruction& inst : *body) {
    if (isa<LoadInst>(inst) || isa<StoreInst>(inst)) ++memoryOps;
  }
  if (memoryOps != accesses.size()) return std::nullopt;  // frame slots
  struct Pair {
    const Access* load;
    const Access* store;
    int64_t at;  // block offset, relative to the first pair's load
  };
  DenseMap<const Instruction*, const Access*> byInst;
  for (const Access& access : accesses) byInst[access.inst] = &access;
  SmallVector<Pair, 8> pairs;
  const SCEV* delta = nullptr;
  const SCEV* step = nullptr;
  for (const Access& access : accesses) {
    auto* store = dyn_cast<StoreInst>(access.inst);
    if (!store) continue;
    auto* load = dyn_cast<LoadInst>(store->getValueOperand());
    auto found = load ? byInst.find(load) : byInst.end();
    if (found == byInst.end() || found->second->bytes != access.bytes) return std::nullopt;
    for (const User* user : load->users()) {
      if (user != store && !isKeepAlive(*cast<Instruction>(user))) return std::nullopt;
    }
    const Access* source = found->second;
    const auto* loadRec = dyn_cast<SCEVAddRecExpr>(source->offset);
    const auto* storeRec = dyn_cast<SCEVAddRecExpr>(access.offset);
    if (!loadRec || !storeRec || loadRec->getLoop() != &loop || storeRec->getLoop() != &loop) {
      return std::nullopt;
    }
    const SCEV* pairDelta = se_.getMinusSCEV(access.offset, source->offset);
    if (!step) step = loadRec->getStepRecurrence(se_);
    if (!delta) delta = pairDelta;
    if (pairDelta != delta || loadRec->getStepRecurrence(se_) != step ||
        storeRec->getStepRecurrence(se_) != step) {
      return std::nullopt;
    }
    pairs.push_back({source, &access, 0});
  }
  if (pairs.size() * 2 != accesses.size() || !se_.isLoopInvariant(delta, &loop)) {
    return std::nullopt;
  }
  const auto* stepConstant = dyn_cast<SCEVConstant>(step);
  if (!stepConstant) return std::nullopt;
  int64_t stride = stepConstant->getAPInt().getSExtValue();
  for (Pair& pair : pairs) {
    const auto* at =
        dyn_cast<SCEVConstant>(se_.getMinusSCEV(pair.load->offset, pairs.front().load->offset));
    if (!at) return std::nullopt;
    pair.at = at->getAPInt().getSExtValue();
  }
  // The pairs tile one block of |stride| bytes (a store never writes what another one writes).
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.at < b.at; });
  int64_t next = pairs.front().at;
  for (const Pair& pair : pairs) {
    if (pair.at != next) return std::nullopt;
    next += static_cast<int64_t>(pair.load->bytes);
  }
  if (next - pairs.front().at != (stride < 0 ? -stride : stride)) return std::nullopt;
  CopyLoop copy;
  copy.descending = stride < 0;
  for (const Pair& store : pairs) {
    for (const Pair& load : pairs) {
      bool mayOverwrite = copy.descending ? load.at >= store.at : load.at <= store.at;
      if (mayOverwrite && !load.load->inst->comesBefore(store.store->inst)) return std::nullopt;
    }
  }
  const auto* lowest = cast<SCEVAddRecExpr>(pairs.front().load->offset);
  copy.srcLow = copy.descending ? lowest->evaluateAtIteration(tripEnd, se_) : lowest->getStart();
  copy.delta = delta;
  copy.bytes = se_.getMulExpr(se_.getAddExpr(tripEnd, se_.getConstant(i64_, 1)),
                              se_.getConstant(i64_, next - pairs.front().at));
  copy.base = pairs.front().load->base;
  for (const Pair& pair : pairs) {
    if (pair.load->base != copy.base || pair.store->base != copy.base) return std::nullopt;
  }
  // Without the loop, its live-out values are computed from the trip count.
  BasicBlock* exiting = loop.getExitingBlock();
  for (PHINode& phi : exitBlock->phis()) {
    Value* value = phi.getIncomingValueForBlock(exiting);
    if (!se_.isSCEVable(value->getType())) return std::nullopt;
    const SCEV* scev = se_.getSCEV(value);
    if (const auto* rec = dyn_cast<SCEVAddRecExpr>(scev);
        rec && rec->getLoop() == &loop && rec->isAffine()) {
      scev = rec->evaluateAtIteration(se_.getTruncateOrZeroExtend(tripEnd, rec->getType()), se_);
    } else if (!se_.isLoopInvariant(scev, &loop)) {
      return std::nullopt;
    }
    copy.exitValues.push_back({&phi, scev});
  }
  SCEVExpander probe(se_, dl_, "wasm.copy");
  Instruction* at = loop.getLoopPreheader()->getTerminator();
  for (const SCEV* value : {copy.srcLow, copy.delta, copy.bytes}) {
    if (!probe.isSafeToExpandAt(value, at)) return std::nullopt;
  }
  for (const auto& [phi, value] : copy.exitValues) {
    if (!probe.isSafeToExpandAt(value, at)) return std::nullopt;
  }
  if (debug_)
    errs() << "bounds-versioning: " << fn_.getName() << " " << loop.getName() << ": copy loop\n";
  return copy;
}

// preheader -> (memmove -> exitBlock | the in-bounds loop), see matchCopy. Small copies stay in
// the loop (cheaper than the call).
void LoopVersioner::emitMemmove(Loop& loop, BasicBlock* preheader, BasicBlock* exitBlock,
                                const CopyLoop& copy, SCEVExpander& expander) {
  constexpr uint64_t kMinMemmoveBytes = 32;
  BasicBlock* loopPreheader = SplitBlock(preheader, preheader->getTerminator(), &dt_, &li_, nullptr,
                                         loop.getHeader()->getName() + ".loop");
  Instruction* term = preheader->getTerminator();
  Value* delta = expander.expandCodeFor(copy.delta, i64_, term);
  Value* bytes = expander.expandCodeFor(copy.bytes, i64_, term);
  Value* srcLow = expander.expandCodeFor(copy.srcLow, i64_, term);
  IRBuilder<> b(term);
  Value* awayFromDestination = copy.descending ? b.CreateICmpSGE(delta, b.getInt64(0))
                                               : b.CreateICmpSLE(delta, b.getInt64(0));
  Value* distance =
      b.CreateSelect(b.CreateICmpSLT(delta, b.getInt64(0)), b.CreateNeg(delta), delta);
  Value* disjoint = b.CreateICmpUGE(distance, bytes);
  Value* useMemmove = b.CreateAnd(b.CreateICmpUGE(bytes, b.getInt64(kMinMemmoveBytes)),
                                  b.CreateOr(awayFromDestination, disjoint), "wasm.memmove.ok");

  BasicBlock* block = BasicBlock::Create(fn_.getContext(), "wasm.memmove", &fn_, loopPreheader);
  auto* branch = BranchInst::Create(block, loopPreheader, useMemmove);
  branch->insertBefore(term);
  term->eraseFromParent();
  auto* jump = BranchInst::Create(exitBlock, block);
  IRBuilder<> m(jump);
  auto* base = const_cast<Value*>(copy.base);
  Value* src = m.CreateGEP(m.getInt8Ty(), base, srcLow);
  Value* dst = m.CreateGEP(m.getInt8Ty(), base, m.CreateAdd(srcLow, delta));
  m.CreateMemMove(dst, Align(1), src, Align(1), bytes);
  for (const auto& [phi, value] : copy.exitValues) {
    phi->addIncoming(expander.expandCodeFor(value, phi->getType(), jump), block);
  }
  dt_.addNewBlock(block, preheader);
  if (Loop* parent = loop.getParentLoop()) parent->addBasicBlockToLoop(block, li_);
}

bool LoopVersioner::tryVersion(Loop& loop) {
  auto skip = [&](const char* why) {
    if (debug_)
      errs() << "bounds-versioning: " << fn_.getName() << " " << loop.getName() << ": " << why
             << "\n";
    return false;
  };
  if (!loop.isInnermost()) return skip("not innermost");
  // Dedicated exits and a preheader (the loop vectorizer would form them too).
  simplifyLoop(&loop, &dt_, &li_, &se_, &ac_, nullptr, /*PreserveLCSSA=*/false);
  if (!loop.isLoopSimplifyForm()) return skip("not in simplified form");
  BasicBlock* exiting = loop.getExitingBlock();
  if (!exiting || exiting != loop.getLoopLatch() || !loop.getExitBlock()) {
    return skip("not a single exit at the latch");
  }
  std::vector<Access> accesses;
  if (!collectAccesses(loop, accesses)) return skip("calls, other memories or no accesses");
  const SCEV* tripEnd = se_.getBackedgeTakenCount(&loop);
  Bounds bounds;
  if (isa<SCEVCouldNotCompute>(tripEnd)) {
    bounds.solved = solveTripCount(loop, se_);
    if (!bounds.solved.backedgeTaken) {
      if (debug_) exiting->getTerminator()->getOperand(0)->print(errs());
      return skip(" <- trip count unknown");
    }
    tripEnd = bounds.solved.backedgeTaken;
  }
  bounds.tripEnd = tripEnd;
  if (!computeBounds(loop, tripEnd, accesses, bounds)) return skip("an access is not affine");
  SCEVExpander probe(se_, dl_, "wasm.bounds");
  Instruction* at = loop.getLoopPreheader()->getTerminator();
  for (const auto* list : {&bounds.below4G, &bounds.small, &bounds.ends}) {
    for (const SCEV* value : *list) {
      if (!probe.isSafeToExpandAt(value, at)) return skip("bound not expandable");
    }
  }
  for (const auto& [value, limit] : bounds.solved.conditions) {
    if (!probe.isSafeToExpandAt(value, at) || !probe.isSafeToExpandAt(limit, at)) {
      return skip("trip count condition not expandable");
    }
  }
  for (const Access& access : accesses) {
    if (!probe.isSafeToExpandAt(access.offset, access.inst)) return skip("offset not expandable");
  }
  version(loop, bounds, accesses);
  skip("versioned");
  return true;
}

}  // namespace

// The VMContext argument of a function that holds wasm code: a wasm function's first, a guarded
// export entry's second (LLVM inlines wasm functions into those, trampolines.cc); null for other
// functions.
static Argument* vmctxArgument(Function& fn) {
  if (fn.hasFnAttribute(kExportEntryAttribute)) return fn.getArg(1);
  if (fn.getCallingConv() != kWasmCallingConv || fn.arg_empty() ||
      !fn.getArg(0)->getType()->isPointerTy()) {
    return nullptr;
  }
  return fn.getArg(0);
}

PreservedAnalyses BoundsVersioningPass::run(Function& fn, FunctionAnalysisManager& fam) {
  Argument* vmctx = vmctxArgument(fn);
  if (!vmctx) return PreservedAnalyses::all();
  auto& li = fam.getResult<LoopAnalysis>(fn);
  auto& dt = fam.getResult<DominatorTreeAnalysis>(fn);
  auto& se = fam.getResult<ScalarEvolutionAnalysis>(fn);
  // Versioning adds loops: collect the candidates first.
  SmallVector<Loop*, 8> innermost;
  for (Loop* top : li) {
    for (Loop* loop : depth_first(top)) {
      if (loop->isInnermost()) innermost.push_back(loop);
    }
  }
  auto& ac = fam.getResult<AssumptionAnalysis>(fn);
  LoopVersioner versioner(fn, vmctx, li, dt, se, ac);
  for (Loop* loop : innermost) {
    if (!versionLoops_ || !versioner.tryVersion(*loop)) keepScalar(*loop);
  }
  // Even a loop left alone may have gained a preheader or dedicated exits (simplifyLoop).
  return innermost.empty() ? PreservedAnalyses::all() : PreservedAnalyses::none();
}

}  // namespace wcr::jit::llvm
