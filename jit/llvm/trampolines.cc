// Trampolines, one per distinct signature (shared by type indices with equal types):
//  - entry (host -> wasm, C calling convention): `void(ptr code, ptr ctx, ptr values)` loads the
//    params from the ValRaw array, calls `code(ctx, params...)` with the wasm calling convention
//    and stores the results back into the array (a function that returns through a pointer gets
//    the array itself as its result pointer);
//  - host call (wasm -> host import, the wasm calling convention, module_context.h): a wasm
//    function type that spills the params into a ValRaw array, calls
//    hostCtx->callback(hostCtx, array) (C convention) and, on a trap code, calls the trap libcall
//    found through hostCtx->libcalls; otherwise loads the results from the array (or copies them
//    to the caller's result pointer).
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

Function* emitEntry(ModuleContext& mc, const wasm::FuncType& type, const std::string& name) {
  auto* fnType = ::llvm::FunctionType::get(mc.voidTy, {mc.ptr, mc.ptr, mc.ptr}, false);
  auto* fn = Function::Create(fnType, Function::ExternalLinkage, name, mc.module);
  ::llvm::IRBuilder<> b(BasicBlock::Create(mc.ctx, "entry", fn));
  Value* values = fn->getArg(2);
  std::vector<Value*> args{fn->getArg(1)};
  const bool throughPointer = ModuleContext::returnsThroughPointer(type.results);
  if (throughPointer) args.push_back(values);  // params are loaded before the callee writes
  for (size_t i = 0; i < type.params.size(); ++i) {
    args.push_back(b.CreateAlignedLoad(mc.valType(type.params[i]), slotAddr(b, mc, values, i),
                                       ::llvm::Align(16)));
  }
  Value* result = mc.callWasm(b, mc.functionType(type), fn->getArg(0), args);
  if (!throughPointer && type.results.size() == 1) {
    b.CreateAlignedStore(result, values, ::llvm::Align(16));
  } else if (!throughPointer) {
    for (unsigned i = 0; i < type.results.size(); ++i) {
      b.CreateAlignedStore(b.CreateExtractValue(result, {i}), slotAddr(b, mc, values, i),
                           ::llvm::Align(16));
    }
  }
  b.CreateRetVoid();
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
    b.CreateAlignedStore(fn->getArg(firstParam + i), slotAddr(b, mc, array, i),
                         ::llvm::Align(16));
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
  // Equal signatures share one trampoline; the others are aliases of it.
  absl::flat_hash_map<std::string, std::pair<Function*, Function*>> bySignature;
  for (uint32_t t = 0; t < mc.wasm.types.size(); ++t) {
    const auto& type = mc.wasm.types[t];
    auto [it, inserted] = bySignature.try_emplace(wasm::toString(type));
    if (inserted) {
      it->second = {emitEntry(mc, type, entryTrampolineName(t)),
                    emitHostCall(mc, type, hostTrampolineName(t))};
      continue;
    }
    ::llvm::GlobalAlias::create(Function::ExternalLinkage, entryTrampolineName(t),
                                it->second.first);
    ::llvm::GlobalAlias::create(Function::ExternalLinkage, hostTrampolineName(t),
                                it->second.second);
  }
}

}  // namespace wcr::jit::llvm
