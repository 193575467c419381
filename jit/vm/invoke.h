// Calling a function from the host: through the exporting module's entry trampoline, under trap
// handling, with the callee instance's stack limit set for this thread.
#pragma once

#include "jit/vm/code.h"
#include "jit/vm/extern.h"
#include "jit/vm/traps.h"

namespace wcr::jit::vm {

// `values` holds max(params, results) slots: the params on entry, the results on return.
Trap invoke(const Func& func, ValRaw* values);

}  // namespace wcr::jit::vm
