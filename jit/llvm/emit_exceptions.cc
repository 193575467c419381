// Exception-handling family: try_table, throw, throw_ref (runtime side: jit/vm/exceptions.h).
//
// A try_table links a vm::VMHandler record (a static alloca) on the thread's handler chain with
// the pushHandler libcall, stores the frame and stack pointers into the record's jump buffer
// and calls llvm.eh.sjlj.setjmp on it, which returns 0 and falls into the body; a throw jumps
// back to it with 1, into the landing. The landing takes the exception, compares its tag with
// each catch clause's, loads the payload and branches to the clause's label; with no match it
// throws the exception on (throw_ref). Every way out of the body unlinks the record: the end,
// branches (popHandlersFor), return and tail calls; the thrower unlinks the record it jumps to.
//
// Why setjmp rather than LLVM's invoke/landingpad: no unwind tables to register and no unwinder
// at run time, and the cost is paid only where try_table is used. The price is that the landing
// is an edge LLVM does not see: it is reached from the setjmp with the registers of any later
// point. The setjmp call is marked returns_twice, so the code generator keeps every value that
// lives across it in a stack slot of its own (no slot sharing); SSA values defined before the
// try_table are therefore intact at the landing. Locals are not: one set inside the body has a
// new SSA value the landing cannot see. Such locals (findVolatileLocals) are accessed with
// volatile loads and stores everywhere in the function, which keeps them in their stack slots,
// always up to date. Memory (linear memory, globals, tables) needs nothing: a throw happens in
// a call, which LLVM already treats as reading and writing all of it.
#include <cstring>

#include "jit/llvm/function_emitter.h"
#include "jit/vm/libcalls.h"
#include "jit/vm/vm_offsets.h"

namespace wcr::jit::llvm {

using ::llvm::BasicBlock;
using ::llvm::Value;
using wasm::Opcode;
using Kind = FunctionEmitter::ControlFrame::Kind;  // NOLINT

absl::Status FunctionEmitter::findVolatileLocals(const wasm::Function& func, size_t codeStart) {
  wasm::Bytes code = func.body.subspan(codeStart);
  // Cheap filter: no 0x1F byte, no try_table.
  if (std::memchr(code.data(), static_cast<int>(wasm::info(Opcode::TryTable).code),
                  code.size()) == nullptr) {
    return absl::OkStatus();
  }
  wasm::InstrReader reader(support::ByteReader(code, func.bodyOffset + codeStart));
  std::vector<bool> isTry;  // per open block
  uint32_t tryDepth = 0;
  wasm::Instr in;
  while (!reader.atEnd()) {
    if (auto st = reader.next(in); !st.ok()) return st;
    switch (in.op) {
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::If:
        isTry.push_back(false);
        break;
      case Opcode::TryTable:
        isTry.push_back(true);
        ++tryDepth;
        break;
      case Opcode::End:
        if (isTry.empty()) return absl::OkStatus();  // the function's end
        if (isTry.back()) --tryDepth;
        isTry.pop_back();
        break;
      case Opcode::LocalSet:
      case Opcode::LocalTee:
        if (tryDepth > 0) {
          if (volatileLocals_.size() <= in.index) volatileLocals_.resize(in.index + 1);
          volatileLocals_[in.index] = true;
        }
        break;
      default:
        break;
    }
  }
  return absl::OkStatus();
}

::llvm::AllocaInst* FunctionEmitter::outermostHandler(uint32_t depth) {
  ::llvm::AllocaInst* outermost = nullptr;
  for (uint32_t d = 0; openTryTables_ > 0 && d <= depth && d < ctrl_.size(); ++d) {
    if (frameAt(d).kind == Kind::TryTable) outermost = frameAt(d).handler;
  }
  return outermost;
}

void FunctionEmitter::popHandlersFor(uint32_t depth) {
  ::llvm::AllocaInst* outermost = outermostHandler(depth);
  if (!outermost) return;
  Value* prev = b_.CreateLoad(
      mc_.ptr, b_.CreateConstInBoundsGEP1_64(mc_.i8, outermost, vm::kHandlerPrevOffset));
  Value* head = b_.CreateLoad(
      mc_.ptr, b_.CreateConstInBoundsGEP1_64(mc_.i8, outermost, vm::kHandlerHeadOffset));
  b_.CreateStore(prev, head);
}

void FunctionEmitter::branchWithValues(ControlFrame& target, const std::vector<Value*>& values) {
  for (Value* v : values) push(v);
  branchTo(target);
  stack_.resize(stack_.size() - values.size());
}

void FunctionEmitter::emitCatchDispatch(const std::vector<wasm::Catch>& catches) {
  Value* exn = libcall(offsetof(vm::Libcalls, takeException), mc_.ptr, {}, {});
  for (const wasm::Catch& c : catches) {
    BasicBlock* next = nullptr;
    std::vector<Value*> values;
    if (c.hasTag()) {
      Value* expected = loadVmctx(mc_.offsets.tag(c.tag), mc_.ptr);
      Value* actual = b_.CreateLoad(mc_.ptr, exn);  // VMException::tag
      BasicBlock* match = BasicBlock::Create(mc_.ctx, "catch", fn_);
      next = BasicBlock::Create(mc_.ctx, "catch.next", fn_);
      b_.CreateCondBr(b_.CreateICmpEQ(actual, expected), match, next);
      b_.SetInsertPoint(match);
      const wasm::FuncType& type = mc_.wasm.tagType(c.tag);
      for (size_t i = 0; i < type.params.size(); ++i) {
        Value* slot = b_.CreateConstInBoundsGEP1_64(
            mc_.i8, exn, vm::kExceptionPayloadOffset + i * sizeof(vm::ValRaw));
        values.push_back(b_.CreateAlignedLoad(mc_.valType(type.params[i]), slot,
                                              ::llvm::Align(16)));
      }
    }
    if (c.ref()) values.push_back(exn);
    libcall(offsetof(vm::Libcalls, releaseException), mc_.voidTy, {mc_.ptr, mc_.i32},
            {exn, constI32(c.ref() ? 1 : 0)});
    popHandlersFor(c.label);
    branchWithValues(frameAt(c.label), values);
    if (!next) return;  // catch_all: the clauses after it never match
    b_.SetInsertPoint(next);
  }
  auto* rethrow = ::llvm::cast<::llvm::CallInst>(
      libcall(offsetof(vm::Libcalls, throwRef), mc_.voidTy, {mc_.ptr}, {exn}));
  rethrow->setDoesNotReturn();
  b_.CreateUnreachable();
}

void FunctionEmitter::emitTryTable(const wasm::Instr& in) {
  ::llvm::AllocaInst* record = entryAlloca(sizeof(vm::VMHandler), "try.handler");
  libcall(offsetof(vm::Libcalls, pushHandler), mc_.voidTy, {mc_.ptr}, {record});
  Value* jump = b_.CreateConstInBoundsGEP1_64(mc_.i8, record, vm::kHandlerJumpOffset);
  b_.CreateStore(b_.CreateIntrinsic(::llvm::Intrinsic::frameaddress, {mc_.ptr}, {constI32(0)}),
                 jump);
  b_.CreateStore(b_.CreateStackSave(), b_.CreateConstInBoundsGEP1_64(mc_.i8, jump, 16));
  auto* setjmp = b_.CreateIntrinsic(::llvm::Intrinsic::eh_sjlj_setjmp, {}, {jump});
  setjmp->addFnAttr(::llvm::Attribute::ReturnsTwice);
  BasicBlock* body = BasicBlock::Create(mc_.ctx, "try.body", fn_);
  BasicBlock* landing = BasicBlock::Create(mc_.ctx, "try.landing", fn_);
  b_.CreateCondBr(b_.CreateICmpNE(setjmp, constI32(0)), landing, body);

  // The landing first: catch labels resolve outside the try_table.
  b_.SetInsertPoint(landing);
  emitCatchDispatch(*in.catches);

  b_.SetInsertPoint(body);
  pushFrame(Kind::TryTable, in.block);
  ctrl_.back().handler = record;
  ++openTryTables_;
}

bool FunctionEmitter::emitExceptions(const wasm::Instr& in) {
  switch (in.op) {
    case Opcode::TryTable:
      emitTryTable(in);
      return true;
    case Opcode::Throw: {
      const wasm::FuncType& type = mc_.wasm.tagType(in.index);
      std::vector<Value*> payload = popN(type.params.size());
      Value* slots = ::llvm::ConstantPointerNull::get(mc_.ptr);
      if (!payload.empty()) {
        ::llvm::AllocaInst* alloca = entryAlloca(payload.size() * sizeof(vm::ValRaw));
        for (size_t i = 0; i < payload.size(); ++i) {
          b_.CreateAlignedStore(
              payload[i],
              b_.CreateConstInBoundsGEP1_64(mc_.i8, alloca, i * sizeof(vm::ValRaw)),
              ::llvm::Align(16));
        }
        slots = alloca;
      }
      auto* call = ::llvm::cast<::llvm::CallInst>(
          libcall(offsetof(vm::Libcalls, throwNew), mc_.voidTy, {mc_.i32, mc_.ptr},
                  {constI32(in.index), slots}));
      call->setDoesNotReturn();
      b_.CreateUnreachable();
      markUnreachable();
      return true;
    }
    case Opcode::ThrowRef: {
      auto* call = ::llvm::cast<::llvm::CallInst>(
          libcall(offsetof(vm::Libcalls, throwRef), mc_.voidTy, {mc_.ptr}, {pop()}));
      call->setDoesNotReturn();
      b_.CreateUnreachable();
      markUnreachable();
      return true;
    }
    default:
      return false;
  }
}

}  // namespace wcr::jit::llvm
