// Table and reference family: table.get/set/size inline through VMTable (bounds checked),
// table.grow/fill/copy/init and elem.drop through libcalls; ref.null, ref.is_null and ref.func
// (a pointer to the function's VMFuncRef slot in VMContext).
#include <cstddef>

#include "jit/llvm/function_emitter.h"
#include "jit/vm/libcalls.h"

namespace wcr::jit::llvm {

using ::llvm::Value;
using wasm::Opcode;

bool FunctionEmitter::emitTable(const wasm::Instr& in) {
  auto tableSlot = [&](Value* index32, Value*& table) {
    table = loadVmctx(mc_.offsets.table(in.index), mc_.ptr);
    Value* index = b_.CreateZExt(index32, mc_.i64);
    Value* size = b_.CreateLoad(mc_.i64, b_.CreateConstInBoundsGEP1_64(mc_.i8, table, 8));
    trapIf(b_.CreateICmpUGE(index, size), vm::TrapCode::TableOutOfBounds);
    Value* elements = b_.CreateLoad(mc_.ptr, table);
    return b_.CreateInBoundsGEP(mc_.ptr, elements, index);
  };
  switch (in.op) {
    case Opcode::TableGet: {
      Value* table;
      Value* slot = tableSlot(pop(), table);
      push(b_.CreateLoad(mc_.ptr, slot));
      return true;
    }
    case Opcode::TableSet: {
      Value* value = pop();
      Value* table;
      Value* slot = tableSlot(pop(), table);
      b_.CreateStore(value, slot);
      return true;
    }
    case Opcode::TableSize: {
      Value* table = loadVmctx(mc_.offsets.table(in.index), mc_.ptr);
      Value* size = b_.CreateLoad(mc_.i64, b_.CreateConstInBoundsGEP1_64(mc_.i8, table, 8));
      push(b_.CreateTrunc(size, mc_.i32));
      return true;
    }
    case Opcode::TableGrow: {
      Value* delta = pop();
      Value* init = pop();
      push(libcall(offsetof(vm::Libcalls, tableGrow), mc_.i32, {mc_.i32, mc_.ptr, mc_.i32},
                   {constI32(in.index), init, delta}));
      return true;
    }
    case Opcode::TableFill: {
      auto args = popN(3);  // dst, value, len
      libcall(offsetof(vm::Libcalls, tableFill), mc_.voidTy, {mc_.i32, mc_.i32, mc_.ptr, mc_.i32},
              {constI32(in.index), args[0], args[1], args[2]});
      return true;
    }
    case Opcode::TableCopy: {
      auto args = popN(3);  // dst, src, len
      libcall(offsetof(vm::Libcalls, tableCopy), mc_.voidTy,
              {mc_.i32, mc_.i32, mc_.i32, mc_.i32, mc_.i32},
              {constI32(in.index), constI32(in.index2), args[0], args[1], args[2]});
      return true;
    }
    case Opcode::TableInit: {
      auto args = popN(3);  // dst, src, len
      libcall(offsetof(vm::Libcalls, tableInit), mc_.voidTy,
              {mc_.i32, mc_.i32, mc_.i32, mc_.i32, mc_.i32},
              {constI32(in.index2), constI32(in.index), args[0], args[1], args[2]});
      return true;
    }
    case Opcode::ElemDrop:
      libcall(offsetof(vm::Libcalls, elemDrop), mc_.voidTy, {mc_.i32}, {constI32(in.index)});
      return true;
    case Opcode::RefNull:
      push(::llvm::ConstantPointerNull::get(mc_.ptr));
      return true;
    case Opcode::RefIsNull:
      push(boolToI32(b_.CreateIsNull(pop())));
      return true;
    case Opcode::RefFunc:
      push(vmctxAddr(mc_.offsets.funcRef(in.index)));
      return true;
    default:
      return false;
  }
}

}  // namespace wcr::jit::llvm
