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
// loop's induction and whose trip count SCEV computes, the preheader checks, for the first and
// the last iteration of every access, that its 32-bit address arithmetic does not wrap and that
// offset + access size <= the memory's current size (VMContext), and branches to one of two
// copies of the loop:
//   - in bounds: a copy without the keepalives, whose addresses are rewritten as exact 64-bit
//     affine offsets (see liftI32), so the vectorizer sees consecutive and interleaved
//     accesses, and SLP, load combining and dead-load elimination may act as for native code;
//     each group of accesses a constant apart (a "stream") is addressed from its own opaque base
//     pointer, so that runtime alias checks compare streams, not accesses (see StreamBases);
//   - otherwise: the original loop, which traps at exactly the access where wasm traps, after
//     exactly the stores before it. It, and every loop not versioned that stores to memory, is
//     marked llvm.loop.vectorize.enable=false (see keepScalar).
// The check over-approximates (it assumes every access of the body runs on every iteration),
// which only sends a loop that would not trap to the original copy. Memories never shrink and
// the loop contains no calls (so no memory.grow), so the size read before the loop bounds it.
// Not handled (left scalar): loops whose trip count SCEV cannot compute, e.g. the unrolled
// `n -= 4; br_if n != 0` loops of wasi-libc's memcpy/memmove, which would need a divisibility
// predicate; loops with calls, early exits, or accesses to other memories.
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

#include <cstdlib>
#include <vector>

#include "jit/llvm/module_context.h"
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
  SmallVector<const SCEV*, 8> below4G;   // lifted 32-bit address terms: < 2^32, so no wrap
  SmallVector<const SCEV*, 8> small;     // offsets: <= 2^34, so a negative one cannot pass
  SmallVector<const SCEV*, 8> ends;      // offset + access bytes: <= memory size
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
  LoopVersioner(Function& fn, LoopInfo& li, DominatorTree& dt, ScalarEvolution& se,
                AssumptionCache& ac)
      : fn_(fn),
        li_(li),
        dt_(dt),
        se_(se),
        ac_(ac),
        dl_(fn.getDataLayout()),
        vmctx_(fn.getArg(0)),
        i64_(Type::getInt64Ty(fn.getContext())) {}

  bool tryVersion(Loop& loop);

 private:
  bool collectAccesses(Loop& loop, std::vector<Access>& accesses) const;
  const SCEV* liftI32(const SCEV* value, Loop& loop) const;
  const SCEV* liftOffset(const SCEV* offset, Loop& loop, SmallVectorImpl<const SCEV*>& terms) const;
  bool isLinear(const SCEV* value, Loop& loop) const;
  void addEndpoints(const SCEV* value, const SCEV* tripEnd, SmallVectorImpl<const SCEV*>& out,
                    uint64_t plus = 0) const;
  bool computeBounds(Loop& loop, const SCEV* tripEnd, std::vector<Access>& accesses,
                     Bounds& bounds) const;
  void version(Loop& loop, const Bounds& bounds, std::vector<Access>& accesses);

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
    if (lifted) terms.push_back(lifted);
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

  // The check: any bound violated -> the original loop.
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
  Value* checked = b.CreateOr(
      b.CreateOr(b.CreateICmpUGT(wraps, b.getInt64(0xffffffffu)),
                 b.CreateICmpUGT(small, b.getInt64(uint64_t{1} << 34))),
      b.CreateICmpUGT(end, size), "wasm.out.of.bounds");

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
    Value* offset = expander.expandCodeFor(se_.getMinusSCEV(access.offset, stream.start), i64_,
                                           access.inst);
    IRBuilder<> at(access.inst);
    Value* pointer = at.CreateGEP(at.getInt8Ty(), streams.of(access).pointer, offset, "wasm.addr");
    if (auto* load = dyn_cast<LoadInst>(access.inst)) {
      load->setOperand(load->getPointerOperandIndex(), pointer);
    } else {
      auto* store = cast<StoreInst>(access.inst);
      store->setOperand(store->getPointerOperandIndex(), pointer);
    }
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

bool LoopVersioner::tryVersion(Loop& loop) {
  auto skip = [&](const char* why) {
    if (debug_) errs() << "bounds-versioning: " << fn_.getName() << " " << loop.getName() << ": " << why << "\n";
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
  if (isa<SCEVCouldNotCompute>(tripEnd)) {
    if (debug_) exiting->getTerminator()->getOperand(0)->print(errs());
    return skip(" <- trip count unknown");
  }
  Bounds bounds;
  if (!computeBounds(loop, tripEnd, accesses, bounds)) return skip("an access is not affine");
  SCEVExpander probe(se_, dl_, "wasm.bounds");
  Instruction* at = loop.getLoopPreheader()->getTerminator();
  for (const auto* list : {&bounds.below4G, &bounds.small, &bounds.ends}) {
    for (const SCEV* value : *list) {
      if (!probe.isSafeToExpandAt(value, at)) return skip("bound not expandable");
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

PreservedAnalyses BoundsVersioningPass::run(Function& fn, FunctionAnalysisManager& fam) {
  if (fn.getCallingConv() != kWasmCallingConv || fn.arg_empty() ||
      !fn.getArg(0)->getType()->isPointerTy()) {
    return PreservedAnalyses::all();
  }
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
  LoopVersioner versioner(fn, li, dt, se, ac);
  for (Loop* loop : innermost) {
    if (!versionLoops_ || !versioner.tryVersion(*loop)) keepScalar(*loop);
  }
  // Even a loop left alone may have gained a preheader or dedicated exits (simplifyLoop).
  return innermost.empty() ? PreservedAnalyses::all() : PreservedAnalyses::none();
}

}  // namespace wcr::jit::llvm
