// Calling a function from the host: the rare case of a host function (the wasm case is inline in
// invoke.h and enterWasm in traps.cc).
#include "jit/vm/invoke.h"

namespace wcr::jit::vm {

// Runs the callback as an entry of its own, so that its message (setTrapMessage) reaches the
// Trap as it would from wasm.
TrapCode callHostFunc(const Func& func, ValRaw* values, Trap* trap) {
  auto* host = static_cast<VMHostContext*>(func.ref.context);
  Trap result = callWithTrapHandling([&] {
    TrapCode code = host->callback(host, values);
    if (code != TrapCode::None) raiseTrap(code);
  });
  TrapCode code = result.code;
  if (trap) *trap = std::move(result);
  return code;
}

}  // namespace wcr::jit::vm
