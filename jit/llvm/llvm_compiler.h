// The LLVM back end's one public entry point: a vm::Compiler that lowers core wasm to native code
// with LLVM (ORC LLJIT + JITLink). No LLVM type appears here; LLVM stays private to jit/llvm.
#pragma once

#include <memory>

#include "jit/vm/code.h"

namespace wcr::jit::llvm {

std::unique_ptr<vm::Compiler> createLlvmCompiler();

}  // namespace wcr::jit::llvm
