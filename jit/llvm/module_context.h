// ModuleContext: what every function emitter of one wasm module shares — the LLVM module being
// built, the LLVM types of wasm values and signatures, the VMContext offsets and the declared
// functions. Also the names under which the engine looks compiled entities up, and the calling
// convention of compiled wasm code.
//
// Decision — calling convention: every wasm function, every call to one (call, call_indirect,
// return_call*, the calls of entry trampolines) and every host-call trampoline uses LLVM's
// `tailcc` (kWasmCallingConv). return_call and return_call_indirect must be real tail calls (a
// return_call loop runs in constant stack), which `musttail` guarantees; with the C convention it
// requires caller and callee to have the same prototype, with `tailcc` any prototypes may tail
// call each other (the callee pops its stack arguments), as Wasmtime does with its tail-calling
// convention for all wasm code. Mixing conventions is undefined, so the convention lives here and
// every place that declares a wasm function type or builds a call to one goes through
// wasmFunctionType()/callWasm(). Ordinary calls carry no `tail` marker and functions keep
// "disable-tail-calls" (llvm_compiler.cc), so plain recursion still exhausts the stack (the
// prologue's stack-limit check) instead of becoming a loop; `musttail` is exempt from that
// attribute. Cost: on x86-64 a `tailcc` callee pops an argument area of at least 8 bytes
// (`ret $8`, and the caller re-adjusts rsp after each call). Measured on a recursive fib(37),
// which does nothing but call, A/B on the same IR: +6.5% with the small code model (used since
// then, jit_engine.cc), +22% with the JIT's former large one (movabs + indirect calls).
//
// Decision — results: a function returns up to two results in registers (void, the value, or a
// struct); with three or more it returns void and takes, after the vmctx, a pointer to one 16-byte
// ValRaw slot per result (vm/code.h), which it fills. LLVM would otherwise demote big struct
// returns to a hidden sret pointer into the caller's frame, which `musttail` cannot forward;
// an explicit pointer can be: a tail call passes on the caller's own result pointer (tail calls
// require equal result types). Entry trampolines pass their ValRaw array directly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "jit/llvm/llvm_includes.h"
#include "jit/vm/code.h"
#include "jit/vm/vm_offsets.h"
#include "jit/wasm/module.h"

namespace wcr::jit::llvm {

struct ModuleContext {
  ModuleContext(const wasm::Module& wasm, ::llvm::LLVMContext& ctx, ::llvm::Module& module,
                const vm::CompileOptions& options);

  const wasm::Module& wasm;
  ::llvm::LLVMContext& ctx;
  ::llvm::Module& module;
  vm::CompileOptions options;
  vm::VMOffsets offsets;

  ::llvm::Type* voidTy;
  ::llvm::IntegerType* i1;
  ::llvm::IntegerType* i8;
  ::llvm::IntegerType* i16;
  ::llvm::IntegerType* i32;
  ::llvm::IntegerType* i64;
  ::llvm::Type* f32;
  ::llvm::Type* f64;
  ::llvm::PointerType* ptr;
  // v128 travels as <2 x i64>; SIMD emitters bitcast to the lane shape they need.
  ::llvm::FixedVectorType* v128;
  ::llvm::FixedVectorType* i8x16;
  ::llvm::FixedVectorType* i16x8;
  ::llvm::FixedVectorType* i32x4;
  ::llvm::FixedVectorType* f32x4;
  ::llvm::FixedVectorType* f64x2;

  std::vector<::llvm::Function*> definedFunctions;  // by defined index

  ::llvm::Type* valType(wasm::ValType t) const;
  // Results returned in registers: void, the single type, or a struct of both; void when they
  // are returned through a pointer.
  ::llvm::Type* resultType(const std::vector<wasm::ValType>& results) const;
  // `R (ptr vmctx, params...)`, or `void (ptr vmctx, ptr results, params...)` when
  // returnsThroughPointer(type). Functions of this type use kWasmCallingConv.
  ::llvm::FunctionType* functionType(const wasm::FuncType& type) const;

  // Three or more results are returned through a pointer to ValRaw slots (see the header).
  static bool returnsThroughPointer(const std::vector<wasm::ValType>& results) {
    return results.size() > 2;
  }
  // Index of the first wasm parameter among the LLVM arguments of a function of `type`.
  static unsigned firstParamArg(const wasm::FuncType& type) {
    return returnsThroughPointer(type.results) ? 2 : 1;
  }

  // A call to a wasm function (or a host-call trampoline) with the wasm calling convention.
  // `args` are the LLVM arguments (vmctx, the result pointer if any, params).
  ::llvm::CallInst* callWasm(::llvm::IRBuilderBase& b, ::llvm::FunctionType* type,
                             ::llvm::Value* callee, ::llvm::ArrayRef<::llvm::Value*> args) const;

  // The direct host-call trampoline of type `typeIndex` (trampolines.cc): its definition in the
  // batch that holds the trampolines (emitted first there), else a declaration linked by name.
  ::llvm::Constant* directHostTrampoline(uint32_t typeIndex);
};

// The calling convention of compiled wasm functions and host-call trampolines (see the header).
inline constexpr ::llvm::CallingConv::ID kWasmCallingConv = ::llvm::CallingConv::Tail;

// Bytes per result slot when results are returned through a pointer (sizeof(vm::ValRaw)).
inline constexpr uint64_t kResultSlotBytes = 16;

std::string definedFunctionName(uint32_t definedIndex);
std::string entryTrampolineName(uint32_t typeIndex);
std::string hostTrampolineName(uint32_t typeIndex);
// Trampolines that exist for some targets or types only (trampolines.cc).
std::string guardedEntryTrampolineName(uint32_t typeIndex);
std::string directHostTrampolineName(uint32_t typeIndex);
// The guarded entry of one exported defined function (trampolines.cc, emitExportEntries), and
// the function attribute that marks one (wasm code is inlined there: bounds_versioning.cc).
std::string guardedExportEntryName(uint32_t definedIndex);
inline constexpr const char* kExportEntryAttribute = "wcr-export-entry";
// The attributes of every function that holds wasm code: the wasm functions and the guarded
// export entries they may be inlined into (LLVM inlines only between equal attributes).
void addWasmCodeAttributes(::llvm::Function& fn);
// Defined indices of the functions the module exports, ascending, each once.
std::vector<uint32_t> exportedDefinedFunctions(const wasm::Module& module);
// Whether entries set their own jump point (vm::GuardedEntryTrampoline): x86-64, where the
// raiser in jit/vm/traps.cc knows how to jump to an llvm.eh.sjlj.setjmp buffer.
#if defined(__x86_64__)
inline constexpr bool kGuardedEntries = true;
#else
inline constexpr bool kGuardedEntries = false;
#endif

// Emits entry and host-call trampolines for every type index (trampolines.cc).
void emitTrampolines(ModuleContext& mc);
// Emits a guarded entry per exported function among the defined functions [begin, end), each
// calling its function directly (kGuardedEntries targets only; trampolines.cc).
std::vector<::llvm::Function*> emitExportEntries(ModuleContext& mc, uint32_t begin, uint32_t end);

}  // namespace wcr::jit::llvm
