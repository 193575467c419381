// Variable family: locals (allocas promoted by mem2reg) and globals (through the VMGlobal*
// pointer in VMContext, one indirection for defined and imported globals alike).
#include "jit/llvm/function_emitter.h"

namespace wcr::jit::llvm {

using ::llvm::Value;
using wasm::Opcode;

bool FunctionEmitter::emitVariable(const wasm::Instr& in) {
  switch (in.op) {
    // Locals set inside a try_table body stay in memory (emit_exceptions.cc).
    case Opcode::LocalGet:
      push(b_.CreateLoad(mc_.valType(localTypes_[in.index]), locals_[in.index],
                         isVolatileLocal(in.index)));
      return true;
    case Opcode::LocalSet:
      b_.CreateStore(pop(), locals_[in.index], isVolatileLocal(in.index));
      return true;
    case Opcode::LocalTee:
      b_.CreateStore(stack_.back(), locals_[in.index], isVolatileLocal(in.index));
      return true;
    case Opcode::GlobalGet: {
      Value* cell = loadVmctx(mc_.offsets.global(in.index), mc_.ptr);
      push(b_.CreateAlignedLoad(mc_.valType(mc_.wasm.globalType(in.index).type), cell,
                                ::llvm::Align(8)));
      return true;
    }
    case Opcode::GlobalSet: {
      Value* cell = loadVmctx(mc_.offsets.global(in.index), mc_.ptr);
      b_.CreateAlignedStore(pop(), cell, ::llvm::Align(8));
      return true;
    }
    default:
      return false;
  }
}

}  // namespace wcr::jit::llvm
