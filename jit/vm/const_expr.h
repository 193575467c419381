// Constant expressions (global initializers, segment offsets, element expressions), evaluated at
// instantiation: i32/i64/f32/f64/v128 constants, global.get, ref.null, ref.func, and the integer
// add/sub/mul of the extended-constant proposal.
#pragma once

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "jit/vm/code.h"
#include "jit/wasm/module.h"

namespace wcr::jit::vm {

struct ConstExprEnv {
  absl::FunctionRef<ValRaw(uint32_t globalIndex)> global;  // the global's current value
  absl::FunctionRef<void*(uint32_t funcIndex)> funcRef;    // the VMFuncRef* of `ref.func i`
};

// The expression was validated; an error here means an unsupported instruction.
absl::StatusOr<ValRaw> evalConstExpr(const wasm::ConstExpr& expr, const ConstExprEnv& env);

}  // namespace wcr::jit::vm
