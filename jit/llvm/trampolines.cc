// Trampolines, one per distinct signature (shared by type indices with equal types):
//  - entry (host -> wasm, C calling convention): `void(ptr code, ptr ctx, ptr values)` loads the
//    params from the ValRaw array, calls `code(ctx, params...)` with the wasm calling convention
//    and stores the results back into the array (a function that returns through a pointer gets
//    the array itself as its result pointer);
//  - guarded entry (x86-64 only, kGuardedEntries): `i32(ptr code, ptr ctx, ptr values,
//    ptr thread)`, the entry with the trap scope inside (code.h). It links a VMActivation in its
//    own frame onto thread->activation, stores fp, sp and the landing's address into the
//    record's buffer (one asm goto), runs the entry's body and unlinks the record. The landing
//    returns 1; traps.cc jumps to it by restoring fp and sp from the buffer. Why: the host makes
//    one call instead of two (enterWasm, then the entry), and the scope costs a few stores in a
//    frame that is set up anyway. Not llvm.eh.sjlj.setjmp: its lowering makes every register
//    dead at the setjmp, so the arguments and the chain's previous head are spilled and
//    reloaded, which puts a second store-to-load forwarding on the chain head's loop-carried
//    path (head -> record.prev -> head) and costs more than the instructions suggest. Elsewhere
//    the host sets the jump point (traps.h, enterWasm).
//  - guarded export entry (x86-64): a guarded entry per exported function, in the batch of the
//    function it calls directly (emitExportEntries); the host's calls of exports use it
//    (vm::Instance::func). Why: no indirect call, and LLVM inlines a small callee into it, so a
//    host->wasm call of a small export is one call, not two.
//  - host call (wasm -> host import, the wasm calling convention, module_context.h): a wasm
//    function type that spills the params into a ValRaw array, calls
//    hostCtx->callback(hostCtx, array) (C convention) and, on a trap code, calls the trap libcall
//    found through hostCtx->libcalls; otherwise loads the results from the array (or copies them
//    to the caller's result pointer).
//  - direct host call (types with vm::hasDirectHostCall): calls hostCtx->direct(hostCtx,
//    params...) in the C convention and returns its result: no array, no trap check (such a
//    host function cannot trap). Why: a wasm -> host call of a typed host function through a
//    table or a re-export is then the convention change only (5 instructions instead of 13). A
//    plain `call` of such an import does not even enter it: the call site compares the import's
//    code with this trampoline's address and calls hostCtx->direct itself (emit_control.cc,
//    emitImportCall), so the host function is one call away from wasm (one call and return
//    fewer; they, not the instruction count, are most of a nop call's time).
#include <cstddef>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "jit/llvm/module_context.h"
#include "jit/vm/libcalls.h"

namespace wcr::jit::llvm {

using ::llvm::BasicBlock;
using ::llvm::Function;
using ::llvm::Value;

namespace {

constexpr uint64_t kSlot = kResultSlotBytes;

Value* slotAddr(::llvm::IRBuilder<>& b, ModuleContext& mc, Value* base, size_t i) {
  return b.CreateConstInBoundsGEP1_64(mc.i8, base, i * kSlot);
}

// The body of an entry trampoline: params from `values`, the call, results back into `values`.
void emitEntryCall(::llvm::IRBuilder<>& b, ModuleContext& mc, const wasm::FuncType& type,
                   Value* code, Value* ctx, Value* values) {
  std::vector<Value*> args{ctx};
  const bool throughPointer = ModuleContext::returnsThroughPointer(type.results);
  if (throughPointer) args.push_back(values);  // params are loaded before the callee writes
  for (size_t i = 0; i < type.params.size(); ++i) {
    args.push_back(b.CreateAlignedLoad(mc.valType(type.params[i]), slotAddr(b, mc, values, i),
                                       ::llvm::Align(16)));
  }
  Value* result = mc.callWasm(b, mc.functionType(type), code, args);
  if (!throughPointer && type.results.size() == 1) {
    b.CreateAlignedStore(result, values, ::llvm::Align(16));
  } else if (!throughPointer) {
    for (unsigned i = 0; i < type.results.size(); ++i) {
      b.CreateAlignedStore(b.CreateExtractValue(result, {i}), slotAddr(b, mc, values, i),
                           ::llvm::Align(16));
    }
  }
}

Function* emitEntry(ModuleContext& mc, const wasm::FuncType& type, const std::string& name) {
  auto* fnType = ::llvm::FunctionType::get(mc.voidTy, {mc.ptr, mc.ptr, mc.ptr}, false);
  auto* fn = Function::Create(fnType, Function::ExternalLinkage, name, mc.module);
  ::llvm::IRBuilder<> b(BasicBlock::Create(mc.ctx, "entry", fn));
  emitEntryCall(b, mc, type, fn->getArg(0), fn->getArg(1), fn->getArg(2));
  b.CreateRetVoid();
  return fn;
}

// `callee`: the wasm function a per-export entry calls directly (LLVM may inline a small one);
// null for the per-type entry, which calls its `code` argument.
Function* emitGuardedEntry(ModuleContext& mc, const wasm::FuncType& type, const std::string& name,
                           Function* callee = nullptr) {
  auto* fnType = ::llvm::FunctionType::get(mc.i32, {mc.ptr, mc.ptr, mc.ptr, mc.ptr}, false);
  auto* fn = Function::Create(fnType, Function::ExternalLinkage, name, mc.module);
  fn->addFnAttr("frame-pointer", "all");  // the buffer's fp is the frame's own
  fn->addFnAttr(::llvm::Attribute::NoInline);
  ::llvm::IRBuilder<> b(BasicBlock::Create(mc.ctx, "entry", fn));
  Value* thread = fn->getArg(3);
  auto* recordType = ::llvm::ArrayType::get(mc.i8, sizeof(vm::VMActivation));
  auto* record = b.CreateAlloca(recordType);
  record->setAlignment(::llvm::Align(16));
  auto at = [&](size_t offset) { return b.CreateConstInBoundsGEP1_64(mc.i8, record, offset); };
  static_assert(offsetof(vm::VMThreadState, activation) == 0);
  static_assert(offsetof(vm::VMActivation, jump) == 8);
  Value* prev = b.CreateLoad(mc.ptr, thread);
  b.CreateStore(prev, at(offsetof(vm::VMActivation, prev)));
  b.CreateStore(record, thread);

  // The jump point: fp, sp and the landing's address into the buffer. An asm goto (callbr)
  // rather than llvm.eh.sjlj.setjmp, whose lowering clobbers every register at the setjmp and so
  // spills the arguments: this one clobbers only the callee-saved registers (so the prologue
  // saves them all and the epilogue on the landing path restores the host's values) and rax.
  // LLVM sees the landing as reached from the asm with fp and sp as they are there; it holds
  // nothing but `ret 1`, which needs fp, sp and the frame's save slots only: exactly what the
  // raiser restores (traps.cc, unwindTo).
  BasicBlock* body = BasicBlock::Create(mc.ctx, "body", fn);
  BasicBlock* landing = BasicBlock::Create(mc.ctx, "landing", fn);
  auto* asmType = ::llvm::FunctionType::get(mc.voidTy, {mc.ptr}, false);
  auto* setJump = ::llvm::InlineAsm::get(asmType,
                                         "movq %rbp, 8($0)\n\t"
                                         "movq %rsp, 24($0)\n\t"
                                         "leaq ${1:l}(%rip), %rax\n\t"
                                         "movq %rax, 16($0)",
                                         "r,!i,~{rax},~{memory},~{dirflag},~{fpsr},~{flags}",
                                         /*hasSideEffects=*/true);
  b.CreateCallBr(setJump, body, {landing}, {record});

  b.SetInsertPoint(body);
  emitEntryCall(b, mc, type, callee ? static_cast<Value*>(callee) : fn->getArg(0), fn->getArg(1),
                fn->getArg(2));
  b.CreateStore(prev, thread);
  b.CreateRet(b.getInt32(0));
  // The raiser popped the record. The 1 comes from an asm of the landing's own: a constant
  // would be materialized in a register before the jump point, which the landing does not have.
  b.SetInsertPoint(landing);
  auto* one = ::llvm::InlineAsm::get(
      ::llvm::FunctionType::get(mc.i32, false), "movl $$1, $0",
      "=r,~{rbx},~{r12},~{r13},~{r14},~{r15},~{memory},~{dirflag},~{fpsr},~{flags}",
      /*hasSideEffects=*/true);
  b.CreateRet(b.CreateCall(one));
  return fn;
}

Function* emitDirectHostCall(ModuleContext& mc, const wasm::FuncType& type,
                             const std::string& name) {
  ::llvm::FunctionType* wasmType = mc.functionType(type);
  auto* fn = Function::Create(wasmType, Function::ExternalLinkage, name, mc.module);
  fn->setCallingConv(kWasmCallingConv);
  ::llvm::IRBuilder<> b(BasicBlock::Create(mc.ctx, "entry", fn));
  Value* hostCtx = fn->getArg(0);
  std::vector<Value*> args;  // ctx, then the params
  for (::llvm::Argument& arg : fn->args()) args.push_back(&arg);
  Value* direct = b.CreateLoad(
      mc.ptr, b.CreateConstInBoundsGEP1_64(mc.i8, hostCtx, offsetof(vm::VMHostContext, direct)));
  // The same signature in the C convention (no result pointer: at most one result).
  Value* result = b.CreateCall(wasmType, direct, args);
  if (type.results.empty()) {
    b.CreateRetVoid();
  } else {
    b.CreateRet(result);
  }
  return fn;
}

Function* emitHostCall(ModuleContext& mc, const wasm::FuncType& type, const std::string& name) {
  auto* fn = Function::Create(mc.functionType(type), Function::ExternalLinkage, name, mc.module);
  fn->setCallingConv(kWasmCallingConv);
  ::llvm::IRBuilder<> b(BasicBlock::Create(mc.ctx, "entry", fn));
  Value* hostCtx = fn->getArg(0);
  const unsigned firstParam = ModuleContext::firstParamArg(type);
  size_t slots = std::max<size_t>({type.params.size(), type.results.size(), 1});
  auto* array = b.CreateAlloca(::llvm::ArrayType::get(mc.i8, slots * kSlot));
  array->setAlignment(::llvm::Align(16));
  for (size_t i = 0; i < type.params.size(); ++i) {
    b.CreateAlignedStore(fn->getArg(firstParam + i), slotAddr(b, mc, array, i), ::llvm::Align(16));
  }
  Value* callback = b.CreateLoad(mc.ptr, hostCtx);  // VMHostContext::callback is first
  auto* cbType = ::llvm::FunctionType::get(mc.i32, {mc.ptr, mc.ptr}, false);
  Value* code = b.CreateCall(cbType, callback, {hostCtx, array});

  BasicBlock* trap = BasicBlock::Create(mc.ctx, "trap", fn);
  BasicBlock* ok = BasicBlock::Create(mc.ctx, "ok", fn);
  b.CreateCondBr(b.CreateICmpNE(code, b.getInt32(0)), trap, ok);
  b.SetInsertPoint(trap);
  Value* libcalls = b.CreateLoad(
      mc.ptr, b.CreateConstInBoundsGEP1_64(mc.i8, hostCtx, offsetof(vm::VMHostContext, libcalls)));
  Value* trapFn = b.CreateLoad(
      mc.ptr, b.CreateConstInBoundsGEP1_64(mc.i8, libcalls, offsetof(vm::Libcalls, trap)));
  auto* trapType = ::llvm::FunctionType::get(mc.voidTy, {mc.ptr, mc.i32}, false);
  auto* call = b.CreateCall(trapType, trapFn, {::llvm::ConstantPointerNull::get(mc.ptr), code});
  call->setDoesNotReturn();
  b.CreateUnreachable();

  b.SetInsertPoint(ok);
  if (ModuleContext::returnsThroughPointer(type.results)) {
    // Whole 16-byte slots, inline (no libc call from generated code).
    for (size_t i = 0; i < type.results.size(); ++i) {
      Value* slot = b.CreateAlignedLoad(mc.v128, slotAddr(b, mc, array, i), ::llvm::Align(16));
      b.CreateAlignedStore(slot, slotAddr(b, mc, fn->getArg(1), i), ::llvm::Align(16));
    }
    b.CreateRetVoid();
    return fn;
  }
  std::vector<Value*> results;
  for (size_t i = 0; i < type.results.size(); ++i) {
    results.push_back(b.CreateAlignedLoad(mc.valType(type.results[i]), slotAddr(b, mc, array, i),
                                          ::llvm::Align(16)));
  }
  if (results.empty()) {
    b.CreateRetVoid();
  } else if (results.size() == 1) {
    b.CreateRet(results[0]);
  } else {
    Value* agg = ::llvm::UndefValue::get(fn->getReturnType());
    for (unsigned i = 0; i < results.size(); ++i) agg = b.CreateInsertValue(agg, results[i], {i});
    b.CreateRet(agg);
  }
  return fn;
}

}  // namespace

void emitTrampolines(ModuleContext& mc) {
  // Equal signatures share one set of trampolines; the others are aliases of them.
  struct Set {
    Function* entry;
    Function* hostCall;
    Function* guardedEntry;    // null without kGuardedEntries
    Function* directHostCall;  // null unless vm::hasDirectHostCall
  };
  absl::flat_hash_map<std::string, Set> bySignature;
  for (uint32_t t = 0; t < mc.wasm.types.size(); ++t) {
    const auto& type = mc.wasm.types[t];
    auto [it, inserted] = bySignature.try_emplace(wasm::toString(type));
    if (inserted) {
      it->second = {
          emitEntry(mc, type, entryTrampolineName(t)),
          emitHostCall(mc, type, hostTrampolineName(t)),
          kGuardedEntries ? emitGuardedEntry(mc, type, guardedEntryTrampolineName(t)) : nullptr,
          vm::hasDirectHostCall(type) ? emitDirectHostCall(mc, type, directHostTrampolineName(t))
                                      : nullptr};
      continue;
    }
    const Set& set = it->second;
    auto alias = [&](const std::string& name, Function* target) {
      if (target) ::llvm::GlobalAlias::create(Function::ExternalLinkage, name, target);
    };
    alias(entryTrampolineName(t), set.entry);
    alias(hostTrampolineName(t), set.hostCall);
    alias(guardedEntryTrampolineName(t), set.guardedEntry);
    alias(directHostTrampolineName(t), set.directHostCall);
  }
}

std::vector<Function*> emitExportEntries(ModuleContext& mc, uint32_t begin, uint32_t end) {
  std::vector<Function*> entries;
  if (!kGuardedEntries) return entries;
  for (uint32_t i : exportedDefinedFunctions(mc.wasm)) {
    if (i < begin || i >= end) continue;
    const wasm::FuncType& type = mc.wasm.types[mc.wasm.functions[i].typeIndex];
    Function* entry = emitGuardedEntry(mc, type, guardedExportEntryName(i), mc.definedFunctions[i]);
    entry->addFnAttr(kExportEntryAttribute);
    addWasmCodeAttributes(*entry);
    entries.push_back(entry);
  }
  return entries;
}

}  // namespace wcr::jit::llvm
