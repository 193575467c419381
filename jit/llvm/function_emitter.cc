// FunctionEmitter: prologue (locals, stack-overflow check, epoch and fuel checks), the instruction
// loop that gives each instruction its debug location (its wasm offset, for backtraces) and
// dispatches it to its family's emitter, and the helpers every family shares (operand stack,
// VMContext loads, libcalls, traps).
#include "jit/llvm/function_emitter.h"

#include <llvm/IR/DebugInfoMetadata.h>

#include <cstddef>

#include "absl/strings/str_cat.h"
#include "jit/support/byte_reader.h"
#include "jit/vm/libcalls.h"
#include "jit/wasm/decoder.h"

namespace wcr::jit::llvm {

using ::llvm::BasicBlock;
using ::llvm::Value;

namespace {

// Whether an instruction's machine code can show up in a trap backtrace, so that it needs its
// debug location (line = wasm offset, debug_info.h): a memory access (a fault's pc), a call or
// a libcall (a return address), and anything not known to be pure. Numeric, variable and
// structured-control instructions cannot (their traps are explicit checks, which pass their
// offset to Libcalls::trapAt), and leaving them without a location keeps the line table less
// than half as big. Decided by immediate kind, so that new instruction kinds get a location.
bool appearsInBacktraces(wasm::Opcode op) {
  switch (wasm::info(op).imm) {
    case wasm::ImmKind::None:
    case wasm::ImmKind::BlockType:
    case wasm::ImmKind::Label:
    case wasm::ImmKind::BrTable:
    case wasm::ImmKind::Local:
    case wasm::ImmKind::Global:
    case wasm::ImmKind::I32:
    case wasm::ImmKind::I64:
    case wasm::ImmKind::F32:
    case wasm::ImmKind::F64:
    case wasm::ImmKind::V128:
    case wasm::ImmKind::Lane:
    case wasm::ImmKind::Shuffle:
    case wasm::ImmKind::HeapType:
    case wasm::ImmKind::SelectT:
      return false;
    default:
      return true;
  }
}

}  // namespace

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
  if (auto st = findVolatileLocals(func_, locals->codeStart); !st.ok()) return st;

  BasicBlock* entry = BasicBlock::Create(mc_.ctx, "entry", fn_);
  b_.SetInsertPoint(entry);
  vmctx_ = fn_->getArg(0);
  // Backtraces (debug_info.h): an instruction's debug location is its wasm offset (see
  // appearsInBacktraces); prologue code belongs to no instruction (line 0). trapOffset_: see
  // trapBlock().
  ::llvm::DISubprogram* debugScope = fn_->getSubprogram();
  if (debugScope) b_.SetCurrentDebugLocation(::llvm::DILocation::get(mc_.ctx, 0, 0, debugScope));
  trapOffset_ = b_.CreateAlloca(mc_.i32, nullptr, "trap.offset");
  b_.CreateStore(constI32(vm::kUnknownWasmOffset), trapOffset_);

  // Locals live in allocas; mem2reg turns them into SSA values.
  const unsigned firstParam = ModuleContext::firstParamArg(type_);
  if (firstParam == 2) resultsPtr_ = fn_->getArg(1);
  localTypes_ = type_.params;
  for (auto& [count, t] : locals->runs) localTypes_.insert(localTypes_.end(), count, t);
  for (size_t i = 0; i < localTypes_.size(); ++i) {
    Type* t = mc_.valType(localTypes_[i]);
    auto* slot = b_.CreateAlloca(t);
    locals_.push_back(slot);
    b_.CreateStore(i < type_.params.size() ? static_cast<Value*>(fn_->getArg(firstParam + i))
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
  if (mc_.options.fuel) checkFuel();

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
        case wasm::Opcode::TryTable:
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
    instrOffset_ = static_cast<uint32_t>(in.offset);
    if (debugScope) {
      b_.SetCurrentDebugLocation(
          appearsInBacktraces(in.op)
              ? ::llvm::DebugLoc(::llvm::DILocation::get(mc_.ctx, instrOffset_, 0, debugScope))
              : ::llvm::DebugLoc());
    }
    if (mc_.options.fuel) {
      // An else/end reached from dead code starts a new path: nothing before it ran.
      if (reachable_) {
        chargeFuel(in.op);
      } else {
        pendingFuel_ = 0;
      }
    }
    bool handled = wasm::info(in.op).prefix == 0xFD
                       ? emitSimdMemory(in) || emitSimd(in)
                       : emitControl(in) || emitVariable(in) || emitMemory(in) || emitTable(in) ||
                             emitNumeric(in) || emitConversion(in) || emitExceptions(in);
    if (!handled) {
      return absl::UnimplementedError(
          absl::StrCat("func ", mc_.wasm.numImportedFuncs + definedIndex_,
                       ": no LLVM lowering for ", std::string(wasm::info(in.op).name)));
    }
    if (in.op == wasm::Opcode::Loop && mc_.options.fuel) checkFuel();  // in the loop header
  }
  return absl::OkStatus();
}

::llvm::AllocaInst* FunctionEmitter::entryAlloca(uint64_t bytes, const char* name) {
  ::llvm::IRBuilderBase::InsertPointGuard guard(b_);
  BasicBlock& entry = fn_->getEntryBlock();
  b_.SetInsertPoint(&entry, entry.getFirstInsertionPt());
  auto* alloca = b_.CreateAlloca(::llvm::ArrayType::get(mc_.i8, bytes), nullptr, name);
  alloca->setAlignment(::llvm::Align(16));
  return alloca;
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

Value* FunctionEmitter::invariantLoad(Value* addr) {
  auto* load = b_.CreateLoad(mc_.ptr, addr);
  load->setMetadata(::llvm::LLVMContext::MD_invariant_load, ::llvm::MDNode::get(mc_.ctx, {}));
  return load;
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

// One trap block per trap code serves all of a function's checks; the offset of the instruction
// that branches to it travels in trapOffset_, stored before each branch (mem2reg turns the slot
// into a phi of constants, so the checks' fast paths do not change) and passed to
// Libcalls::trapAt. `nomerge` keeps the code generator from folding trap calls of different
// functions (after inlining) into one, which would blur the pc's inline frames.
static_assert(static_cast<size_t>(vm::TrapCode::UncaughtException) < 16, "trapBlocks_ size");

BasicBlock* FunctionEmitter::trapBlock(vm::TrapCode code) {
  auto& slot = trapBlocks_[static_cast<size_t>(code)];
  if (slot) return slot;
  slot = BasicBlock::Create(mc_.ctx, "trap", fn_);
  ::llvm::IRBuilderBase::InsertPointGuard guard(b_);
  b_.SetInsertPoint(slot);
  Value* offset = b_.CreateLoad(mc_.i32, trapOffset_);
  auto* call = ::llvm::cast<::llvm::CallInst>(
      libcall(offsetof(vm::Libcalls, trapAt), mc_.voidTy, {mc_.i32, mc_.i32},
              {constI32(static_cast<uint32_t>(code)), offset}));
  call->setDoesNotReturn();
  call->addFnAttr(::llvm::Attribute::NoMerge);
  // Whatever instruction made the block, the call needs a location in this function's scope:
  // its return address must resolve to this function's inline frame once it is inlined.
  if (::llvm::DISubprogram* scope = fn_->getSubprogram()) {
    call->setDebugLoc(::llvm::DILocation::get(mc_.ctx, 0, 0, scope));
  }
  b_.CreateUnreachable();
  return slot;
}

void FunctionEmitter::trapIf(Value* cond, vm::TrapCode code) {
  BasicBlock* cont = BasicBlock::Create(mc_.ctx, "cont", fn_);
  b_.CreateStore(constI32(instrOffset_), trapOffset_);
  auto* br = b_.CreateCondBr(cond, trapBlock(code), cont);
  // Traps are cold.
  br->setMetadata(::llvm::LLVMContext::MD_prof,
                  ::llvm::MDBuilder(mc_.ctx).createBranchWeights(1, 1u << 20));
  b_.SetInsertPoint(cont);
}

void FunctionEmitter::trapHere(vm::TrapCode code) {
  b_.CreateStore(constI32(instrOffset_), trapOffset_);
  b_.CreateBr(trapBlock(code));
}

// Fuel (jit/vm/interrupt.h): every instruction costs 1 except those that generate no code or
// only structure (nop, drop, block, loop, else, end, return, unreachable cost 0, as in
// Wasmtime). Costs accumulate over straight-line code and are subtracted from VMContext::fuel
// before each control instruction, so every path pays for what it ran (a loop for its body on
// every iteration). checkFuel(), at function entries and loop headers, traps once the fuel went
// below zero: every unbounded run passes one of them again and again, and the code between two
// of them is straight-line or acyclic, so the overshoot is bounded.
void FunctionEmitter::chargeFuel(wasm::Opcode op) {
  switch (op) {
    case wasm::Opcode::Nop:
    case wasm::Opcode::Drop:
    case wasm::Opcode::Block:
    case wasm::Opcode::Loop:
    case wasm::Opcode::Else:
    case wasm::Opcode::End:
    case wasm::Opcode::Return:
    case wasm::Opcode::Unreachable:
      break;
    default:
      ++pendingFuel_;
  }
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
    case wasm::Opcode::ReturnCall:
    case wasm::Opcode::ReturnCallIndirect:
      break;
    default:
      return;
  }
  if (pendingFuel_ == 0) return;
  Value* slot = vmctxAddr(vm::kOffsetFuel);
  b_.CreateStore(b_.CreateSub(b_.CreateLoad(mc_.i64, slot), constI64(pendingFuel_)), slot);
  pendingFuel_ = 0;
}

void FunctionEmitter::checkFuel() {
  trapIf(b_.CreateICmpSLT(loadVmctx(vm::kOffsetFuel, mc_.i64), constI64(0)),
         vm::TrapCode::OutOfFuel);
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
