// FunctionEmitter: the one function-emission context (WAVM style). It streams a validated body
// with InstrReader and hands each instruction to the emitter of its opcode family
// (emit_control.cc, emit_variable.cc, emit_memory.cc, emit_table.cc, emit_numeric.cc,
// emit_conversion.cc, emit_simd.cc); each family's emit* returns false for an opcode that is not
// its own. The module is validated, so operand types are trusted and never rechecked.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "jit/llvm/module_context.h"
#include "jit/vm/trap.h"
#include "jit/wasm/instr_reader.h"

namespace wcr::jit::llvm {

class FunctionEmitter {
 public:
  FunctionEmitter(ModuleContext& mc, uint32_t definedIndex);
  absl::Status emit();

 public:
  struct ControlFrame {
    enum class Kind : uint8_t { Function, Block, Loop, If, Else, TryTable } kind = Kind::Block;
    ::llvm::BasicBlock* endBlock = nullptr;
    ::llvm::BasicBlock* loopHeader = nullptr;  // Loop: where branches go
    ::llvm::BasicBlock* elseBlock = nullptr;   // If: the else arm, until `else` is seen
    std::vector<::llvm::PHINode*> endPhis;     // the block's results
    std::vector<::llvm::PHINode*> loopPhis;    // Loop: its params
    std::vector<::llvm::Value*> ifParams;      // If: params to start the else arm with
    ::llvm::AllocaInst* handler = nullptr;     // TryTable: its vm::VMHandler record
    std::vector<wasm::ValType> params;
    std::vector<wasm::ValType> results;
    size_t height = 0;  // operand stack height below the params
  };

 private:
  using Value = ::llvm::Value;
  using Type = ::llvm::Type;

  // Families.
  bool emitControl(const wasm::Instr& in);
  bool emitVariable(const wasm::Instr& in);
  bool emitMemory(const wasm::Instr& in);
  bool emitTable(const wasm::Instr& in);
  bool emitNumeric(const wasm::Instr& in);
  bool emitConversion(const wasm::Instr& in);
  bool emitSimd(const wasm::Instr& in);
  bool emitSimdMemory(const wasm::Instr& in);
  bool emitExceptions(const wasm::Instr& in);

  // Exception helpers (emit_exceptions.cc).
  // Locals set inside a try_table body: they must be in memory when a throw jumps to the
  // landing (see emit_exceptions.cc). Empty when the body has no try_table.
  absl::Status findVolatileLocals(const wasm::Function& func, size_t codeStart);
  bool isVolatileLocal(uint32_t index) const {
    return index < volatileLocals_.size() && volatileLocals_[index];
  }
  // Unlinks the handlers of the try_tables that a branch to the frame at `depth` leaves (the
  // frames at depths 0..depth), if any: one store restoring the chain to the outermost one's
  // predecessor.
  void popHandlersFor(uint32_t depth);
  // The record of the outermost try_table among the frames at depths 0..depth, or null.
  ::llvm::AllocaInst* outermostHandler(uint32_t depth);
  // Branches to `target` carrying `values` (a catch clause's payload).
  void branchWithValues(ControlFrame& target, const std::vector<Value*>& values);
  void emitTryTable(const wasm::Instr& in);
  void emitCatchDispatch(const std::vector<wasm::Catch>& catches);

  // Control helpers (emit_control.cc).
  void pushFrame(ControlFrame::Kind kind, const wasm::BlockType& bt);
  void blockSignature(const wasm::BlockType& bt, std::vector<wasm::ValType>& params,
                      std::vector<wasm::ValType>& results) const;
  void branchTo(ControlFrame& target);  // branches with the top values, leaves the stack alone
  void addBranchArgs(ControlFrame& target, ::llvm::BasicBlock* from);
  void fallThrough(ControlFrame& frame);  // to the frame's end with its results
  void endFrame();
  void markUnreachable();
  void emitReturnFromPhis(ControlFrame& frame);
  void emitCall(::llvm::FunctionType* type, Value* callee, Value* context, uint32_t typeIndex);
  // return_call*: a `musttail` call that returns the callee's results as this function's.
  void emitTailCall(::llvm::FunctionType* type, Value* callee, Value* context,
                    uint32_t typeIndex);
  // `call` of an imported function whose type has a direct host call (vm::hasDirectHostCall):
  // when the import slot holds this module's direct host-call trampoline, calls the host
  // function's direct callback itself in the C convention (one call instead of two); else a
  // wasm call as emitCall does.
  void emitImportCall(::llvm::FunctionType* type, Value* code, Value* context,
                      uint32_t typeIndex);
  // The callee of a wasm call to function `funcIndex`: code and the context to pass.
  std::pair<Value*, Value*> directCallee(uint32_t funcIndex);
  // call_indirect's checks (undefined element, null, signature), then the element's code and
  // context. Pops the element index.
  std::pair<Value*, Value*> indirectCallee(uint32_t typeIndex, uint32_t tableIndex);
  ::llvm::PHINode* makePhi(::llvm::BasicBlock* block, wasm::ValType t);
  // A 16-byte aligned static alloca of `bytes` in the entry block (a fixed slot of the frame).
  ::llvm::AllocaInst* entryAlloca(uint64_t bytes, const char* name = "");
  ControlFrame& frameAt(uint32_t depth) { return ctrl_[ctrl_.size() - 1 - depth]; }

  // Operand stack.
  void push(Value* v) { stack_.push_back(v); }
  Value* pop() {
    Value* v = stack_.back();
    stack_.pop_back();
    return v;
  }
  std::vector<Value*> popN(size_t n);

  // VMContext access.
  Value* vmctxAddr(uint32_t offset);
  Value* loadVmctx(uint32_t offset, Type* type);
  // A pointer-sized load marked !invariant.load (what it reads never changes after
  // instantiation). Used for import slots only: hoisting global cells and libcall pointers too
  // made textscan 10% slower (register pressure), see emit_control.cc.
  Value* invariantLoad(Value* addr);
  Value* libcall(size_t offset, Type* result, std::vector<Type*> params,
                 std::vector<Value*> args);  // prepends vmctx
  // Traps: a shared block per trap code that calls Libcalls::trap.
  void trapIf(Value* cond, vm::TrapCode code);
  void trapHere(vm::TrapCode code);
  ::llvm::BasicBlock* trapBlock(vm::TrapCode code);
  void checkEpoch();
  void chargeFuel(wasm::Opcode op);
  void checkFuel();

  // Memory helpers (emit_memory.cc).
  Value* memoryAddress(const wasm::MemArg& mem, Value* index);
  // A load from linear memory that LLVM may optimize but never delete (emit_memory.cc).
  Value* loadMemory(Type* type, Value* addr);
  Value* memoryBase(uint32_t memory);
  Value* memoryAddress(uint32_t memory, Value* index);  // base + zext(index), no offset
  Value* memoryBytes(uint32_t memory);                   // current size in bytes (i64)
  void trapUnlessInBounds(uint32_t memory, Value* index, Value* len64);

  // Float helpers (emit_numeric.cc).
  Value* canonicalizeNaN(Value* v);
  Value* opaque(Value* v);               // a value the optimizer cannot fold through
  Value* hideIdentityOperand(Value* v);  // opaque() for 0, -0, 1, -1 float constants
  Value* constI32(uint32_t v) { return b_.getInt32(v); }
  Value* constI64(uint64_t v) { return b_.getInt64(v); }
  Value* boolToI32(Value* v) { return b_.CreateZExt(v, mc_.i32); }

  // SIMD helpers (emit_simd.cc).
  Value* asVec(Value* v, ::llvm::FixedVectorType* t) { return b_.CreateBitCast(v, t); }
  Value* toV128(Value* v) { return b_.CreateBitCast(v, mc_.v128); }

  ModuleContext& mc_;
  uint32_t definedIndex_;
  const wasm::Function& func_;
  const wasm::FuncType& type_;
  ::llvm::Function* fn_;
  ::llvm::IRBuilder<> b_;
  Value* vmctx_ = nullptr;
  Value* memBase_ = nullptr;  // memory 0's base, loaded once: 32-bit memories never move
  std::vector<Value*> otherMemBases_;  // memories 1.., loaded in the entry block on first use
  Value* resultsPtr_ = nullptr;        // where results go when returned through a pointer
  std::vector<::llvm::AllocaInst*> locals_;
  std::vector<wasm::ValType> localTypes_;
  std::vector<Value*> stack_;
  std::vector<ControlFrame> ctrl_;
  bool reachable_ = true;
  uint32_t deadDepth_ = 0;    // blocks opened inside unreachable code
  uint64_t pendingFuel_ = 0;  // instructions not yet charged
  uint32_t instrOffset_ = vm::kUnknownWasmOffset;  // the instruction being emitted (its offset)
  ::llvm::AllocaInst* trapOffset_ = nullptr;        // the offset passed to Libcalls::trapAt
  std::array<::llvm::BasicBlock*, 16> trapBlocks_{};
  std::vector<bool> volatileLocals_;  // findVolatileLocals
  uint32_t openTryTables_ = 0;        // TryTable frames on ctrl_
};

}  // namespace wcr::jit::llvm
