// Calling a function from the host: through the exporting module's entry trampoline, under trap
// handling, with the callee instance's stack limit set for this thread.
//
// Decision: call() is the fast path and returns a TrapCode (one register); the whole Trap, with
// its message and symbolized backtrace, is built only when the call trapped and the caller asked
// for it. invoke() is the convenience form returning a Trap. Both are inline here: with a guarded
// entry trampoline (x86-64, code.h) a call from the host is the trampoline call and a few
// instructions around it (enterWasmGuarded, traps.h); without one it is one out-of-line function
// (enterWasm) plus the trampoline.
#pragma once

#include "jit/vm/code.h"
#include "jit/vm/extern.h"
#include "jit/vm/traps.h"

namespace wcr::jit::vm {

// A host function called from the host (no trap scope of its own: raising needs an entry).
TrapCode callHostFunc(const Func& func, ValRaw* values, Trap* trap);

// `values` holds max(params, results) slots: the params on entry, the results on return.
// Returns TrapCode::None, or the trap's code and, when `trap` is not null, the whole trap in it.
inline TrapCode call(const Func& func, ValRaw* values, Trap* trap = nullptr) {
  if (func.guardedEntry) [[likely]] {
    return enterWasmGuarded(func.guardedEntry, func.ref.code, func.ref.context, values,
                            func.callerVmctx, trap);
  }
  if (func.isHost()) [[unlikely]] {
    return callHostFunc(func, values, trap);
  }
  return enterWasm(func.entry, func.ref.code, func.ref.context, values, func.callerVmctx, trap);
}

inline Trap invoke(const Func& func, ValRaw* values) {
  Trap trap;
  call(func, values, &trap);
  return trap;
}

}  // namespace wcr::jit::vm
