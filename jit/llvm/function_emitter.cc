// FunctionEmitter: prologue (locals, stack-overflow check, epoch check), the instruction loop that
// dispatches each opcode to its family's emitter, and the helpers every family shares (operand
// stack, VMContext loads, libcalls, traps).
#include "jit/llvm/function_emitter.h"

#include <cstddef>

#include "absl/strings/str_cat.h"
#include "jit/support/byte_reader.h"
#include "jit/vm/libcalls.h"
#include "jit/wasm/decoder.h"

namespace wcr::jit::llvm {

using ::llvm::BasicBlock;
using ::llvm::Value;

FunctionEmitter::FunctionEmitter(ModuleContext& mc, uint32_t definedIndex)
    : mc_(mc),
      definedIndex_(definedIndex),
      func_(mc.wasm.functions[definedIndex]),
      type_(mc.wasm.types[func_.typeIndex]),
      fn_(mc.definedFunctions[definedIndex]),
      b_(mc.ctx) {}

absl::Status FunctionEmitter::emit() {
  auto locals = wasm::decodeLocals(func_);
  if (!locals.ok()) return locals.status();

  BasicBlock* entry = BasicBlock::Create(mc_.ctx, "entry", fn_);
  b_.SetInsertPoint(entry);
  vmctx_ = fn_->getArg(0);

  // Locals live in allocas; mem2reg turns them into SSA values.
  localTypes_ = type_.params;
  for (auto& [count, t] : locals->runs) localTypes_.insert(localTypes_.end(), count, t);
  for (size_t i = 0; i < localTypes_.size(); ++i) {
    Type* t = mc_.valType(localTypes_[i]);
    auto* slot = b_.CreateAlloca(t);
    locals_.push_back(slot);
    b_.CreateStore(i < type_.params.size() ? static_cast<Value*>(fn_->getArg(i + 1))
                                           : ::llvm::Constant::getNullValue(t),
                   slot);
  }
  if (mc_.wasm.numMemories() > 0) memBase_ = loadVmctx(vm::kOffsetMemory0Base, mc_.ptr);

  // Stack overflow: the frame address against VMContext::stackLimit (works on fiber stacks too).
  Value* frame = b_.CreateIntrinsic(::llvm::Intrinsic::frameaddress, {mc_.ptr}, {b_.getInt32(0)});
  Value* sp = b_.CreatePtrToInt(frame, mc_.i64);
  trapIf(b_.CreateICmpULT(sp, loadVmctx(vm::kOffsetStackLimit, mc_.i64)),
         vm::TrapCode::StackOverflow);
  if (mc_.options.epochInterruption) checkEpoch();

  ControlFrame body;
  body.kind = ControlFrame::Kind::Function;
  body.results = type_.results;
  body.endBlock = BasicBlock::Create(mc_.ctx, "return", fn_);
  for (auto r : body.results) body.endPhis.push_back(makePhi(body.endBlock, r));
  ctrl_.push_back(std::move(body));

  support::ByteReader bytes(func_.body.subspan(locals->codeStart),
                            func_.bodyOffset + locals->codeStart);
  wasm::InstrReader reader(bytes);
  wasm::Instr in;
  while (!ctrl_.empty()) {
    if (auto st = reader.next(in); !st.ok()) return st;
    if (!reachable_) {
      // Skip dead code, tracking nesting so that the matching else/end is found.
      switch (in.op) {
        case wasm::Opcode::Block:
        case wasm::Opcode::Loop:
        case wasm::Opcode::If:
          ++deadDepth_;
          continue;
        case wasm::Opcode::Else:
          if (deadDepth_ > 0) continue;
          break;
        case wasm::Opcode::End:
          if (deadDepth_ > 0) {
            --deadDepth_;
            continue;
          }
          break;
        default:
          continue;
      }
    }
    if (mc_.options.fuel) chargeFuel(in.op);
    bool handled = wasm::info(in.op).prefix == 0xFD
                       ? emitSimdMemory(in) || emitSimd(in)
                       : emitControl(in) || emitVariable(in) || emitMemory(in) || emitTable(in) ||
                             emitNumeric(in) || emitConversion(in);
    if (!handled) {
      return absl::UnimplementedError(
          absl::StrCat("func ", mc_.wasm.numImportedFuncs + definedIndex_,
                       ": no LLVM lowering for ", std::string(wasm::info(in.op).name)));
    }
  }
  return absl::OkStatus();
}

std::vector<Value*> FunctionEmitter::popN(size_t n) {
  std::vector<Value*> out(stack_.end() - n, stack_.end());
  stack_.resize(stack_.size() - n);
  return out;
}

Value* FunctionEmitter::vmctxAddr(uint32_t offset) {
  return b_.CreateConstInBoundsGEP1_64(mc_.i8, vmctx_, offset);
}

Value* FunctionEmitter::loadVmctx(uint32_t offset, Type* type) {
  return b_.CreateLoad(type, vmctxAddr(offset));
}

Value* FunctionEmitter::libcall(size_t offset, Type* result, std::vector<Type*> params,
                                std::vector<Value*> args) {
  params.insert(params.begin(), mc_.ptr);
  args.insert(args.begin(), vmctx_);
  Value* table = loadVmctx(vm::kOffsetLibcalls, mc_.ptr);
  Value* fnPtr = b_.CreateLoad(mc_.ptr, b_.CreateConstInBoundsGEP1_64(mc_.i8, table, offset));
  auto* type = ::llvm::FunctionType::get(result, params, false);
  return b_.CreateCall(type, fnPtr, args);
}

BasicBlock* FunctionEmitter::trapBlock(vm::TrapCode code) {
  auto& slot = trapBlocks_[static_cast<size_t>(code)];
  if (slot) return slot;
  slot = BasicBlock::Create(mc_.ctx, "trap", fn_);
  ::llvm::IRBuilderBase::InsertPointGuard guard(b_);
  b_.SetInsertPoint(slot);
  auto* call =
      ::llvm::cast<::llvm::CallInst>(libcall(offsetof(vm::Libcalls, trap), mc_.voidTy, {mc_.i32},
                                             {constI32(static_cast<uint32_t>(code))}));
  call->setDoesNotReturn();
  b_.CreateUnreachable();
  return slot;
}

void FunctionEmitter::trapIf(Value* cond, vm::TrapCode code) {
  BasicBlock* cont = BasicBlock::Create(mc_.ctx, "cont", fn_);
  auto* br = b_.CreateCondBr(cond, trapBlock(code), cont);
  // Traps are cold.
  br->setMetadata(::llvm::LLVMContext::MD_prof,
                  ::llvm::MDBuilder(mc_.ctx).createBranchWeights(1, 1u << 20));
  b_.SetInsertPoint(cont);
}

void FunctionEmitter::trapHere(vm::TrapCode code) { b_.CreateBr(trapBlock(code)); }

// Fuel: every instruction costs 1. Costs accumulate over straight-line code and are subtracted
// from VMContext::fuel before each control instruction (so a loop pays for its body on every
// iteration); running out traps with OutOfFuel.
void FunctionEmitter::chargeFuel(wasm::Opcode op) {
  ++pendingFuel_;
  switch (op) {
    case wasm::Opcode::Block:
    case wasm::Opcode::Loop:
    case wasm::Opcode::If:
    case wasm::Opcode::Else:
    case wasm::Opcode::End:
    case wasm::Opcode::Br:
    case wasm::Opcode::BrIf:
    case wasm::Opcode::BrTable:
    case wasm::Opcode::Return:
    case wasm::Opcode::Call:
    case wasm::Opcode::CallIndirect:
      break;
    default:
      return;
  }
  Value* slot = vmctxAddr(vm::kOffsetFuel);
  Value* fuel = b_.CreateSub(b_.CreateLoad(mc_.i64, slot), constI64(pendingFuel_));
  b_.CreateStore(fuel, slot);
  pendingFuel_ = 0;
  trapIf(b_.CreateICmpSLT(fuel, constI64(0)), vm::TrapCode::OutOfFuel);
}

void FunctionEmitter::checkEpoch() {
  Value* epochPtr = loadVmctx(vm::kOffsetEpochPtr, mc_.ptr);
  Value* epoch = b_.CreateLoad(mc_.i64, epochPtr);
  ::llvm::cast<::llvm::LoadInst>(epoch)->setVolatile(true);
  Value* deadline = loadVmctx(vm::kOffsetEpochDeadline, mc_.i64);
  ::llvm::cast<::llvm::LoadInst>(deadline)->setVolatile(true);
  trapIf(b_.CreateICmpUGE(epoch, deadline), vm::TrapCode::Interrupted);
}

}  // namespace wcr::jit::llvm
