// Control family: blocks, loops, if/else, branches (br, br_if, br_table with multi-value
// arguments as phis), return, calls (direct, imported, call_indirect with its three checks),
// tail calls (return_call, return_call_indirect), drop, select and unreachable.
//
// Calls use the wasm calling convention (module_context.h). A tail call is a `musttail` call
// followed by `ret`: the callee replaces this function's frame, so a return_call loop runs in
// constant stack; return_call_indirect makes call_indirect's checks first and traps the same way.
//
// Blocks: each frame owns an end block with one phi per result; a loop owns a header with one phi
// per param. A branch adds the top operand values as incoming values of the target's phis. Code
// after an unconditional branch is skipped until the matching else/end (see emit()).
#include <cstddef>

#include "absl/container/flat_hash_map.h"
#include "jit/llvm/function_emitter.h"

namespace wcr::jit::llvm {

using ::llvm::BasicBlock;
using ::llvm::PHINode;
using ::llvm::Value;
using wasm::Opcode;
using Kind = FunctionEmitter::ControlFrame::Kind;  // NOLINT

PHINode* FunctionEmitter::makePhi(BasicBlock* block, wasm::ValType t) {
  ::llvm::IRBuilderBase::InsertPointGuard guard(b_);
  b_.SetInsertPoint(block);
  return b_.CreatePHI(mc_.valType(t), 2);
}

void FunctionEmitter::blockSignature(const wasm::BlockType& bt, std::vector<wasm::ValType>& params,
                                     std::vector<wasm::ValType>& results) const {
  params.clear();
  results.clear();
  if (bt.kind == wasm::BlockType::Kind::Value) {
    results.push_back(bt.value);
  } else if (bt.kind == wasm::BlockType::Kind::TypeIndex) {
    params = mc_.wasm.types[bt.typeIndex].params;
    results = mc_.wasm.types[bt.typeIndex].results;
  }
}

void FunctionEmitter::pushFrame(ControlFrame::Kind kind, const wasm::BlockType& bt) {
  ControlFrame f;
  f.kind = kind;
  blockSignature(bt, f.params, f.results);
  f.height = stack_.size() - f.params.size();
  f.endBlock = BasicBlock::Create(mc_.ctx, kind == Kind::Loop ? "loop.end" : "block.end", fn_);
  for (auto r : f.results) f.endPhis.push_back(makePhi(f.endBlock, r));
  ctrl_.push_back(std::move(f));
}

void FunctionEmitter::addBranchArgs(ControlFrame& target, BasicBlock* from) {
  bool toLoop = target.kind == Kind::Loop;
  auto& phis = toLoop ? target.loopPhis : target.endPhis;
  size_t n = phis.size();
  for (size_t i = 0; i < n; ++i) phis[i]->addIncoming(stack_[stack_.size() - n + i], from);
}

void FunctionEmitter::branchTo(ControlFrame& target) {
  addBranchArgs(target, b_.GetInsertBlock());
  b_.CreateBr(target.kind == Kind::Loop ? target.loopHeader : target.endBlock);
}

void FunctionEmitter::fallThrough(ControlFrame& frame) {
  size_t n = frame.endPhis.size();
  for (size_t i = 0; i < n; ++i) {
    frame.endPhis[i]->addIncoming(stack_[stack_.size() - n + i], b_.GetInsertBlock());
  }
  b_.CreateBr(frame.endBlock);
}

void FunctionEmitter::markUnreachable() {
  stack_.resize(ctrl_.back().height);
  reachable_ = false;
}

void FunctionEmitter::emitReturnFromPhis(ControlFrame& frame) {
  if (resultsPtr_) {
    for (size_t i = 0; i < frame.endPhis.size(); ++i) {
      Value* slot = b_.CreateConstInBoundsGEP1_64(mc_.i8, resultsPtr_, i * kResultSlotBytes);
      b_.CreateAlignedStore(frame.endPhis[i], slot, ::llvm::Align(16));
    }
    b_.CreateRetVoid();
  } else if (frame.endPhis.empty()) {
    b_.CreateRetVoid();
  } else if (frame.endPhis.size() == 1) {
    b_.CreateRet(frame.endPhis[0]);
  } else {
    Value* agg = ::llvm::UndefValue::get(fn_->getReturnType());
    for (size_t i = 0; i < frame.endPhis.size(); ++i) {
      agg = b_.CreateInsertValue(agg, frame.endPhis[i], {static_cast<unsigned>(i)});
    }
    b_.CreateRet(agg);
  }
}

void FunctionEmitter::endFrame() {
  ControlFrame& f = ctrl_.back();
  if (f.kind == Kind::TryTable) {
    if (reachable_) popHandlersFor(0);
    --openTryTables_;
  }
  if (reachable_) fallThrough(f);
  if (f.kind == Kind::If) {
    // No else arm: the params flow to the end unchanged (validation made them the results).
    b_.SetInsertPoint(f.elseBlock);
    stack_.resize(f.height);
    for (Value* v : f.ifParams) push(v);
    fallThrough(f);
  }
  stack_.resize(f.height);
  BasicBlock* end = f.endBlock;
  if (::llvm::pred_empty(end)) {
    // Nothing reaches the end: what follows is dead.
    for (auto* phi : f.endPhis) phi->eraseFromParent();
    end->eraseFromParent();
    bool isFunction = f.kind == Kind::Function;
    ctrl_.pop_back();
    if (!isFunction) markUnreachable();
    return;
  }
  b_.SetInsertPoint(end);
  reachable_ = true;
  if (f.kind == Kind::Function) {
    emitReturnFromPhis(f);
    ctrl_.pop_back();
    return;
  }
  for (auto* phi : f.endPhis) push(phi);
  ctrl_.pop_back();
}

void FunctionEmitter::emitCall(::llvm::FunctionType* type, Value* callee, Value* context,
                               uint32_t typeIndex) {
  const wasm::FuncType& ft = mc_.wasm.types[typeIndex];
  std::vector<Value*> args{context};
  Value* slots = nullptr;
  if (ModuleContext::returnsThroughPointer(ft.results)) {
    // The callee's result slots: a static alloca (in the entry block) per call site.
    slots = entryAlloca(ft.results.size() * kResultSlotBytes);
    args.push_back(slots);
  }
  auto params = popN(ft.params.size());
  args.insert(args.end(), params.begin(), params.end());
  Value* result = mc_.callWasm(b_, type, callee, args);
  if (slots) {
    for (size_t i = 0; i < ft.results.size(); ++i) {
      push(b_.CreateAlignedLoad(mc_.valType(ft.results[i]),
                                b_.CreateConstInBoundsGEP1_64(mc_.i8, slots, i * kResultSlotBytes),
                                ::llvm::Align(16)));
    }
  } else if (ft.results.size() == 1) {
    push(result);
  } else {
    for (unsigned i = 0; i < ft.results.size(); ++i) push(b_.CreateExtractValue(result, {i}));
  }
}

void FunctionEmitter::emitImportCall(::llvm::FunctionType* type, Value* code, Value* context,
                                     uint32_t typeIndex) {
  const wasm::FuncType& ft = mc_.wasm.types[typeIndex];  // at most one result, no result slots
  std::vector<Value*> args{context};
  auto params = popN(ft.params.size());
  args.insert(args.end(), params.begin(), params.end());
  BasicBlock* host = BasicBlock::Create(mc_.ctx, "import.host", fn_);
  BasicBlock* wasm = BasicBlock::Create(mc_.ctx, "import.wasm", fn_);
  BasicBlock* join = BasicBlock::Create(mc_.ctx, "import.join", fn_);
  // Loaded before the branch whatever the context is (a VMContext is larger than a
  // VMHostContext, so the load stays in bounds), and invariant: loops hoist it.
  Value* direct = invariantLoad(
      b_.CreateConstInBoundsGEP1_64(mc_.i8, context, offsetof(vm::VMHostContext, direct)));
  b_.CreateCondBr(b_.CreateICmpEQ(code, mc_.directHostTrampoline(typeIndex)), host, wasm);
  b_.SetInsertPoint(host);
  Value* hostResult = b_.CreateCall(type, direct, args);  // the C convention
  b_.CreateBr(join);
  b_.SetInsertPoint(wasm);
  Value* wasmResult = mc_.callWasm(b_, type, code, args);
  b_.CreateBr(join);
  b_.SetInsertPoint(join);
  if (ft.results.empty()) return;
  ::llvm::PHINode* result = b_.CreatePHI(type->getReturnType(), 2);
  result->addIncoming(hostResult, host);
  result->addIncoming(wasmResult, wasm);
  push(result);
}

void FunctionEmitter::emitTailCall(::llvm::FunctionType* type, Value* callee, Value* context,
                                   uint32_t typeIndex) {
  const wasm::FuncType& ft = mc_.wasm.types[typeIndex];
  std::vector<Value*> args{context};
  // Validation made the callee's results this function's: the same registers, or the caller's
  // own result slots passed on.
  if (resultsPtr_) args.push_back(resultsPtr_);
  auto params = popN(ft.params.size());
  args.insert(args.end(), params.begin(), params.end());
  popHandlersFor(static_cast<uint32_t>(ctrl_.size() - 1));  // the callee runs outside them
  ::llvm::CallInst* call = mc_.callWasm(b_, type, callee, args);
  call->setTailCallKind(::llvm::CallInst::TCK_MustTail);
  if (type->getReturnType()->isVoidTy()) {
    b_.CreateRetVoid();
  } else {
    b_.CreateRet(call);
  }
  markUnreachable();
}

std::pair<Value*, Value*> FunctionEmitter::directCallee(uint32_t funcIndex) {
  if (funcIndex >= mc_.wasm.numImportedFuncs) {
    return {mc_.definedFunctions[funcIndex - mc_.wasm.numImportedFuncs], vmctx_};
  }
  // Import slots never change once the instance is set up: !invariant.load lets a loop of calls
  // to an import load them once (bench_calls' wasm->host loop: 3.2 -> 2.8 ns).
  uint32_t slot = mc_.offsets.importedFunc(funcIndex);
  return {invariantLoad(vmctxAddr(slot)), invariantLoad(vmctxAddr(slot + 8))};
}

std::pair<Value*, Value*> FunctionEmitter::indirectCallee(uint32_t typeIndex,
                                                          uint32_t tableIndex) {
  Value* index = b_.CreateZExt(pop(), mc_.i64);
  Value* table = loadVmctx(mc_.offsets.table(tableIndex), mc_.ptr);
  Value* size = b_.CreateLoad(mc_.i64, b_.CreateConstInBoundsGEP1_64(mc_.i8, table, 8));
  trapIf(b_.CreateICmpUGE(index, size), vm::TrapCode::UndefinedElement);
  Value* elements = b_.CreateLoad(mc_.ptr, table);
  Value* ref = b_.CreateLoad(mc_.ptr, b_.CreateInBoundsGEP(mc_.ptr, elements, index));
  trapIf(b_.CreateIsNull(ref), vm::TrapCode::UninitializedElement);
  Value* actual = b_.CreateLoad(mc_.i32, b_.CreateConstInBoundsGEP1_64(mc_.i8, ref, 16));
  Value* expected = loadVmctx(mc_.offsets.typeId(typeIndex), mc_.i32);
  trapIf(b_.CreateICmpNE(actual, expected), vm::TrapCode::IndirectCallTypeMismatch);
  Value* code = b_.CreateLoad(mc_.ptr, ref);
  Value* context = b_.CreateLoad(mc_.ptr, b_.CreateConstInBoundsGEP1_64(mc_.i8, ref, 8));
  return {code, context};
}

bool FunctionEmitter::emitControl(const wasm::Instr& in) {
  switch (in.op) {
    case Opcode::Nop:
      return true;
    case Opcode::Unreachable:
      trapHere(vm::TrapCode::Unreachable);
      markUnreachable();
      return true;
    case Opcode::Block:
      pushFrame(Kind::Block, in.block);
      return true;
    case Opcode::Loop: {
      pushFrame(Kind::Loop, in.block);
      ControlFrame& f = ctrl_.back();
      f.loopHeader = BasicBlock::Create(mc_.ctx, "loop", fn_, f.endBlock);
      for (auto p : f.params) f.loopPhis.push_back(makePhi(f.loopHeader, p));
      branchTo(f);
      b_.SetInsertPoint(f.loopHeader);
      stack_.resize(f.height);
      for (auto* phi : f.loopPhis) push(phi);
      if (mc_.options.epochInterruption) checkEpoch();
      return true;
    }
    case Opcode::If: {
      Value* cond = b_.CreateICmpNE(pop(), constI32(0));
      pushFrame(Kind::If, in.block);
      ControlFrame& f = ctrl_.back();
      f.ifParams.assign(stack_.begin() + f.height, stack_.end());
      BasicBlock* thenBlock = BasicBlock::Create(mc_.ctx, "then", fn_, f.endBlock);
      f.elseBlock = BasicBlock::Create(mc_.ctx, "else", fn_, f.endBlock);
      b_.CreateCondBr(cond, thenBlock, f.elseBlock);
      b_.SetInsertPoint(thenBlock);
      return true;
    }
    case Opcode::Else: {
      ControlFrame& f = ctrl_.back();
      if (reachable_) fallThrough(f);
      b_.SetInsertPoint(f.elseBlock);
      f.elseBlock = nullptr;
      f.kind = Kind::Else;
      stack_.resize(f.height);
      for (Value* v : f.ifParams) push(v);
      reachable_ = true;
      return true;
    }
    case Opcode::End:
      endFrame();
      return true;
    case Opcode::Br:
      popHandlersFor(in.index);
      branchTo(frameAt(in.index));
      markUnreachable();
      return true;
    case Opcode::BrIf: {
      Value* cond = b_.CreateICmpNE(pop(), constI32(0));
      ControlFrame& target = frameAt(in.index);
      BasicBlock* cont = BasicBlock::Create(mc_.ctx, "br_if.cont", fn_);
      if (outermostHandler(in.index)) {  // the taken edge leaves a try_table: unlink first
        BasicBlock* edge = BasicBlock::Create(mc_.ctx, "br_if.edge", fn_);
        b_.CreateCondBr(cond, edge, cont);
        b_.SetInsertPoint(edge);
        popHandlersFor(in.index);
        branchTo(target);
        b_.SetInsertPoint(cont);
        return true;
      }
      addBranchArgs(target, b_.GetInsertBlock());
      b_.CreateCondBr(cond, target.kind == Kind::Loop ? target.loopHeader : target.endBlock, cont);
      b_.SetInsertPoint(cont);
      return true;
    }
    case Opcode::BrTable: {
      Value* index = pop();
      const auto& targets = *in.brTable;  // default last
      // One edge block per distinct target keeps every phi at one entry per predecessor.
      absl::flat_hash_map<uint32_t, BasicBlock*> edges;
      BasicBlock* from = b_.GetInsertBlock();
      auto edgeFor = [&](uint32_t depth) {
        auto [it, inserted] = edges.try_emplace(depth, nullptr);
        if (inserted) {
          it->second = BasicBlock::Create(mc_.ctx, "br_table.edge", fn_);
          b_.SetInsertPoint(it->second);
          popHandlersFor(depth);
          branchTo(frameAt(depth));
        }
        return it->second;
      };
      BasicBlock* defaultEdge = edgeFor(targets.back());
      std::vector<BasicBlock*> caseEdges;
      for (size_t i = 0; i + 1 < targets.size(); ++i) caseEdges.push_back(edgeFor(targets[i]));
      b_.SetInsertPoint(from);
      auto* sw = b_.CreateSwitch(index, defaultEdge, static_cast<unsigned>(caseEdges.size()));
      for (size_t i = 0; i < caseEdges.size(); ++i) {
        sw->addCase(b_.getInt32(static_cast<uint32_t>(i)), caseEdges[i]);
      }
      markUnreachable();
      return true;
    }
    case Opcode::Return:
      popHandlersFor(static_cast<uint32_t>(ctrl_.size() - 1));
      branchTo(ctrl_.front());
      markUnreachable();
      return true;
    case Opcode::Call:
    case Opcode::ReturnCall: {
      uint32_t typeIndex = mc_.wasm.funcTypeIndex(in.index);
      auto* type = mc_.functionType(mc_.wasm.types[typeIndex]);
      auto [code, context] = directCallee(in.index);
      if (in.op == Opcode::Call && in.index < mc_.wasm.numImportedFuncs &&
          vm::hasDirectHostCall(mc_.wasm.types[typeIndex])) {
        emitImportCall(type, code, context, typeIndex);
      } else if (in.op == Opcode::Call) {
        emitCall(type, code, context, typeIndex);
      } else {
        emitTailCall(type, code, context, typeIndex);
      }
      return true;
    }
    case Opcode::CallIndirect:
    case Opcode::ReturnCallIndirect: {
      uint32_t typeIndex = in.index;
      auto* type = mc_.functionType(mc_.wasm.types[typeIndex]);
      auto [code, context] = indirectCallee(typeIndex, in.index2);
      if (in.op == Opcode::CallIndirect) {
        emitCall(type, code, context, typeIndex);
      } else {
        emitTailCall(type, code, context, typeIndex);
      }
      return true;
    }
    case Opcode::Drop: {
      // A memory load whose value is dropped must still trap when out of bounds: keep it alive.
      Value* v = pop();
      while (auto* cast = ::llvm::dyn_cast<::llvm::CastInst>(v)) v = cast->getOperand(0);
      auto* load = ::llvm::dyn_cast<::llvm::LoadInst>(v);
      if (load && !::llvm::isa<::llvm::AllocaInst>(load->getPointerOperand())) {
        load->setVolatile(true);
      }
      return true;
    }
    case Opcode::Select:
    case Opcode::SelectT: {
      Value* cond = b_.CreateICmpNE(pop(), constI32(0));
      Value* v2 = pop();
      Value* v1 = pop();
      push(b_.CreateSelect(cond, v1, v2));
      return true;
    }
    default:
      return false;
  }
}

}  // namespace wcr::jit::llvm
