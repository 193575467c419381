// ModuleContext: what every function emitter of one wasm module shares — the LLVM module being
// built, the LLVM types of wasm values and signatures, the VMContext offsets and the declared
// functions. Also the names under which the engine looks compiled entities up.
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
  // Results: void, the single type, or a struct of all of them.
  ::llvm::Type* resultType(const std::vector<wasm::ValType>& results) const;
  // `R (ptr vmctx, params...)`.
  ::llvm::FunctionType* functionType(const wasm::FuncType& type) const;
};

std::string definedFunctionName(uint32_t definedIndex);
std::string entryTrampolineName(uint32_t typeIndex);
std::string hostTrampolineName(uint32_t typeIndex);

// Emits entry and host-call trampolines for every type index (trampolines.cc).
void emitTrampolines(ModuleContext& mc);

}  // namespace wcr::jit::llvm
