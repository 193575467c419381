// ModuleContext: LLVM types of wasm values and signatures, calls with the wasm calling convention.
#include "jit/llvm/module_context.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace wcr::jit::llvm {

using ::llvm::FixedVectorType;
using ::llvm::Type;

ModuleContext::ModuleContext(const wasm::Module& wasm, ::llvm::LLVMContext& ctx,
                             ::llvm::Module& module, const vm::CompileOptions& options)
    : wasm(wasm),
      ctx(ctx),
      module(module),
      options(options),
      offsets(static_cast<uint32_t>(wasm.types.size()), wasm.numImportedFuncs, wasm.numMemories(),
              wasm.numTables(), wasm.numGlobals(), wasm.numFuncs(), wasm.numTags()) {
  voidTy = Type::getVoidTy(ctx);
  i1 = Type::getInt1Ty(ctx);
  i8 = Type::getInt8Ty(ctx);
  i16 = Type::getInt16Ty(ctx);
  i32 = Type::getInt32Ty(ctx);
  i64 = Type::getInt64Ty(ctx);
  f32 = Type::getFloatTy(ctx);
  f64 = Type::getDoubleTy(ctx);
  ptr = ::llvm::PointerType::get(ctx, 0);
  v128 = FixedVectorType::get(i64, 2);
  i8x16 = FixedVectorType::get(i8, 16);
  i16x8 = FixedVectorType::get(i16, 8);
  i32x4 = FixedVectorType::get(i32, 4);
  f32x4 = FixedVectorType::get(f32, 4);
  f64x2 = FixedVectorType::get(f64, 2);
}

Type* ModuleContext::valType(wasm::ValType t) const {
  switch (t.kind()) {
    case wasm::ValKind::I32:
      return i32;
    case wasm::ValKind::I64:
      return i64;
    case wasm::ValKind::F32:
      return f32;
    case wasm::ValKind::F64:
      return f64;
    case wasm::ValKind::V128:
      return v128;
    case wasm::ValKind::FuncRef:
    case wasm::ValKind::ExternRef:
    case wasm::ValKind::ExnRef:
      return ptr;
  }
  return i32;
}

Type* ModuleContext::resultType(const std::vector<wasm::ValType>& results) const {
  if (results.empty() || returnsThroughPointer(results)) return voidTy;
  if (results.size() == 1) return valType(results[0]);
  std::vector<Type*> fields;
  for (auto r : results) fields.push_back(valType(r));
  return ::llvm::StructType::get(ctx, fields);
}

::llvm::FunctionType* ModuleContext::functionType(const wasm::FuncType& type) const {
  std::vector<Type*> params{ptr};
  if (returnsThroughPointer(type.results)) params.push_back(ptr);
  for (auto p : type.params) params.push_back(valType(p));
  return ::llvm::FunctionType::get(resultType(type.results), params, false);
}

::llvm::CallInst* ModuleContext::callWasm(::llvm::IRBuilderBase& b, ::llvm::FunctionType* type,
                                          ::llvm::Value* callee,
                                          ::llvm::ArrayRef<::llvm::Value*> args) const {
  ::llvm::CallInst* call = b.CreateCall(type, callee, args);
  call->setCallingConv(kWasmCallingConv);
  return call;
}

static_assert(kResultSlotBytes == sizeof(vm::ValRaw));

::llvm::Constant* ModuleContext::directHostTrampoline(uint32_t typeIndex) {
  std::string name = directHostTrampolineName(typeIndex);
  if (::llvm::GlobalValue* defined = module.getNamedValue(name)) return defined;
  auto* fn = ::llvm::Function::Create(functionType(wasm.types[typeIndex]),
                                      ::llvm::Function::ExternalLinkage, name, module);
  fn->setCallingConv(kWasmCallingConv);
  return fn;
}

std::string definedFunctionName(uint32_t definedIndex) {
  return absl::StrCat("wasm_func_", definedIndex);
}
std::string entryTrampolineName(uint32_t typeIndex) {
  return absl::StrCat("wasm_entry_", typeIndex);
}
std::string hostTrampolineName(uint32_t typeIndex) { return absl::StrCat("wasm_host_", typeIndex); }
std::string guardedEntryTrampolineName(uint32_t typeIndex) {
  return absl::StrCat("wasm_guarded_entry_", typeIndex);
}
std::string directHostTrampolineName(uint32_t typeIndex) {
  return absl::StrCat("wasm_direct_host_", typeIndex);
}
std::string guardedExportEntryName(uint32_t definedIndex) {
  return absl::StrCat("wasm_guarded_export_", definedIndex);
}

void addWasmCodeAttributes(::llvm::Function& fn) {
  // No C++ exception crosses wasm frames; traps unwind with longjmp.
  fn.setDoesNotThrow();
  // Keep LLVM from turning loops into libc calls, whose faults would not map to wasm traps.
  fn.addFnAttr("no-builtins");
  // A frame larger than a page is touched page by page from the top as it is allocated, so a
  // huge frame (many try_table records or result slots) faults in the stack's guard area, a
  // "call stack exhausted" trap, instead of writing past the guard into another mapping. The
  // prologue check compares the frame's top only. Frames under 4 KiB get no probe code.
  fn.addFnAttr("probe-stack", "inline-asm");
  // No 512-bit vectors (what clang does for Intel's AVX-512 server parts): wasm SIMD is 128-bit,
  // so zmm code only comes from LLVM's own memset/memcpy expansion and loop vectorization, and
  // a function that dirties the zmm state runs slower after it. The bench interp kernel (its
  // `int64_t locals[] = {...}` is a memory.fill expanded to zmm stores in the function that
  // holds the dispatch loop) took 0.92 s with 512-bit, 0.71 s with 256; the other twelve
  // kernels moved within noise (A/B 2026-12-03, 3 runs each).
  fn.addFnAttr("prefer-vector-width", "256");
}

std::vector<uint32_t> exportedDefinedFunctions(const wasm::Module& module) {
  std::vector<uint32_t> defined;
  for (const wasm::Export& e : module.exports) {
    if (e.kind == wasm::ExternKind::Func && e.index >= module.numImportedFuncs) {
      defined.push_back(e.index - module.numImportedFuncs);
    }
  }
  std::sort(defined.begin(), defined.end());
  defined.erase(std::unique(defined.begin(), defined.end()), defined.end());
  return defined;
}

}  // namespace wcr::jit::llvm
