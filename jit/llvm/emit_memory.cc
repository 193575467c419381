// Memory family: loads and stores (base + zext(address) + offset, no bounds check: a 32-bit
// memory reserves 8 GiB so every access that leaves the memory faults in the guard region),
// memory.size from VMContext, memory.copy/fill inline (one range check, then llvm.memmove/memset),
// memory.grow and the other bulk operations through libcalls, each on the memory its immediate
// names (multi-memory).
//
// Memory 0 keeps the fast path: its base sits in the VMContext header and is loaded once in the
// prologue. Another memory's base is read through VMContext::memories[i] (its VMMemory) once per
// function, in the entry block, on first use: 32-bit memories never move, growth only changes
// their size.
//
// Accesses claim alignment 1: wasm's alignment is a hint and a wrong hint must not fault.
//
// Decision (dead loads): an out-of-bounds load must trap even when its value is never used, but
// to LLVM a plain load has no side effect, so `(drop (i32.load ...))` (directly or after
// inlining) would be deleted and the fault with it. Marking loads volatile (WasmEdge, Wasmer)
// keeps them but also stops GVN, LICM and load combining. Instead every load's value feeds an
// empty `asm sideeffect` declared to touch only inaccessible memory: as a writer it is never
// dead (also not to -O0 instruction selection, which drops memory(none) calls), so neither is
// the load, and as it cannot alias linear memory or the VMContext, loads stay free to be
// merged, forwarded and hoisted. The cost is a register for the value (a load can no longer
// fold into an ALU operand), and loops that hold one are not auto-vectorized. Found by the
// differential test against Wasmtime (test/scripts/differential_exec.py).
#include <llvm/IR/InlineAsm.h>

#include <cstddef>

#include "jit/llvm/function_emitter.h"
#include "jit/vm/libcalls.h"

namespace wcr::jit::llvm {

using ::llvm::Type;
using ::llvm::Value;
using wasm::Opcode;

Value* FunctionEmitter::memoryBase(uint32_t memory) {
  if (memory == 0) return memBase_;
  if (otherMemBases_.size() < memory) otherMemBases_.resize(memory, nullptr);
  Value*& base = otherMemBases_[memory - 1];
  if (!base) {
    ::llvm::IRBuilderBase::InsertPointGuard guard(b_);
    ::llvm::BasicBlock& entry = fn_->getEntryBlock();
    b_.SetInsertPoint(&entry, entry.getFirstInsertionPt());
    Value* vmMemory = loadVmctx(mc_.offsets.memory(memory), mc_.ptr);
    static_assert(offsetof(vm::VMMemory, base) == 0);
    base = b_.CreateLoad(mc_.ptr, vmMemory);
  }
  return base;
}

Value* FunctionEmitter::memoryAddress(const wasm::MemArg& mem, Value* index) {
  Value* offset = b_.CreateZExt(index, mc_.i64);
  if (mem.offset != 0) offset = b_.CreateAdd(offset, constI64(mem.offset));
  return b_.CreateGEP(mc_.i8, memoryBase(mem.memory), offset);
}

Value* FunctionEmitter::memoryAddress(uint32_t memory, Value* index) {
  return b_.CreateGEP(mc_.i8, memoryBase(memory), b_.CreateZExt(index, mc_.i64));
}

// Reloaded at each use: another instance sharing the memory may have grown it.
Value* FunctionEmitter::memoryBytes(uint32_t memory) {
  if (memory == 0) return loadVmctx(vm::kOffsetMemory0Size, mc_.i64);
  Value* vmMemory = loadVmctx(mc_.offsets.memory(memory), mc_.ptr);
  return b_.CreateLoad(
      mc_.i64, b_.CreateConstInBoundsGEP1_64(mc_.i8, vmMemory, offsetof(vm::VMMemory, size)));
}

// Bulk operations check their whole range before touching a byte (no partial writes), so
// they are exact as one bounds test and one llvm.memmove/memset, which LLVM expands inline for
// small constant lengths and otherwise calls libc's vectorized routine with.
void FunctionEmitter::trapUnlessInBounds(uint32_t memory, Value* index, Value* len64) {
  Value* end = b_.CreateAdd(b_.CreateZExt(index, mc_.i64), len64);  // < 2^33: no overflow
  trapIf(b_.CreateICmpUGT(end, memoryBytes(memory)), vm::TrapCode::MemoryOutOfBounds);
}

Value* FunctionEmitter::loadMemory(Type* type, Value* addr) {
  Value* v = b_.CreateAlignedLoad(type, addr, ::llvm::Align(1));
  // "r" for integers, "x" (an SSE register) for floats and vectors: no move between the two.
  // 64-bit vectors (the narrow loads of v128.load8x8_s etc.) are no legal asm operand type;
  // they pass as a double.
  Value* operand = v;
  if (type->isVectorTy() && type->getPrimitiveSizeInBits() == 64) {
    operand = b_.CreateBitCast(v, mc_.f64);
  }
  const char* constraint = operand->getType()->isIntegerTy() ? "r" : "x";
  auto* asmType = ::llvm::FunctionType::get(mc_.voidTy, {operand->getType()}, false);
  auto* keep = ::llvm::InlineAsm::get(asmType, "", constraint, /*hasSideEffects=*/true);
  ::llvm::CallInst* use = b_.CreateCall(asmType, keep, {operand});
  use->setDoesNotThrow();
  use->setMemoryEffects(::llvm::MemoryEffects::inaccessibleMemOnly());
  return v;
}

bool FunctionEmitter::emitMemory(const wasm::Instr& in) {
  auto load = [&](Type* memType, Type* result, bool signExtend) {
    Value* addr = memoryAddress(in.mem, pop());
    Value* v = loadMemory(memType, addr);
    if (memType != result) v = signExtend ? b_.CreateSExt(v, result) : b_.CreateZExt(v, result);
    push(v);
  };
  auto store = [&](Type* memType) {
    Value* v = pop();
    Value* addr = memoryAddress(in.mem, pop());
    if (v->getType() != memType) v = b_.CreateTrunc(v, memType);
    b_.CreateAlignedStore(v, addr, ::llvm::Align(1));
  };
  switch (in.op) {
    case Opcode::I32Load:
      load(mc_.i32, mc_.i32, false);
      return true;
    case Opcode::I64Load:
      load(mc_.i64, mc_.i64, false);
      return true;
    case Opcode::F32Load:
      load(mc_.f32, mc_.f32, false);
      return true;
    case Opcode::F64Load:
      load(mc_.f64, mc_.f64, false);
      return true;
    case Opcode::I32Load8S:
      load(mc_.i8, mc_.i32, true);
      return true;
    case Opcode::I32Load8U:
      load(mc_.i8, mc_.i32, false);
      return true;
    case Opcode::I32Load16S:
      load(mc_.i16, mc_.i32, true);
      return true;
    case Opcode::I32Load16U:
      load(mc_.i16, mc_.i32, false);
      return true;
    case Opcode::I64Load8S:
      load(mc_.i8, mc_.i64, true);
      return true;
    case Opcode::I64Load8U:
      load(mc_.i8, mc_.i64, false);
      return true;
    case Opcode::I64Load16S:
      load(mc_.i16, mc_.i64, true);
      return true;
    case Opcode::I64Load16U:
      load(mc_.i16, mc_.i64, false);
      return true;
    case Opcode::I64Load32S:
      load(mc_.i32, mc_.i64, true);
      return true;
    case Opcode::I64Load32U:
      load(mc_.i32, mc_.i64, false);
      return true;
    case Opcode::I32Store:
      store(mc_.i32);
      return true;
    case Opcode::I64Store:
      store(mc_.i64);
      return true;
    case Opcode::F32Store:
      store(mc_.f32);
      return true;
    case Opcode::F64Store:
      store(mc_.f64);
      return true;
    case Opcode::I32Store8:
    case Opcode::I64Store8:
      store(mc_.i8);
      return true;
    case Opcode::I32Store16:
    case Opcode::I64Store16:
      store(mc_.i16);
      return true;
    case Opcode::I64Store32:
      store(mc_.i32);
      return true;
    case Opcode::MemorySize:
      push(b_.CreateTrunc(b_.CreateLShr(memoryBytes(in.index), 16), mc_.i32));
      return true;
    case Opcode::MemoryGrow:
      push(libcall(offsetof(vm::Libcalls, memoryGrow), mc_.i32, {mc_.i32, mc_.i32},
                   {constI32(in.index), pop()}));
      return true;
    case Opcode::MemoryFill: {
      auto args = popN(3);  // dst, value, len
      Value* len = b_.CreateZExt(args[2], mc_.i64);
      trapUnlessInBounds(in.index, args[0], len);
      b_.CreateMemSet(memoryAddress(in.index, args[0]), b_.CreateTrunc(args[1], mc_.i8), len,
                      ::llvm::MaybeAlign(1));
      return true;
    }
    case Opcode::MemoryCopy: {
      auto args = popN(3);  // dst, src, len
      Value* len = b_.CreateZExt(args[2], mc_.i64);
      trapUnlessInBounds(in.index, args[0], len);
      trapUnlessInBounds(in.index2, args[1], len);
      b_.CreateMemMove(memoryAddress(in.index, args[0]), ::llvm::MaybeAlign(1),
                       memoryAddress(in.index2, args[1]), ::llvm::MaybeAlign(1), len);
      return true;
    }
    case Opcode::MemoryInit: {
      auto args = popN(3);  // dst, src, len
      libcall(offsetof(vm::Libcalls, memoryInit), mc_.voidTy,
              {mc_.i32, mc_.i32, mc_.i32, mc_.i32, mc_.i32},
              {constI32(in.index2), constI32(in.index), args[0], args[1], args[2]});
      return true;
    }
    case Opcode::DataDrop:
      libcall(offsetof(vm::Libcalls, dataDrop), mc_.voidTy, {mc_.i32}, {constI32(in.index)});
      return true;
    default:
      return false;
  }
}

}  // namespace wcr::jit::llvm
