// Calling a function from the host.
#include "jit/vm/invoke.h"

#include "jit/vm/host_func.h"

namespace wcr::jit::vm {

Trap invoke(const Func& func, ValRaw* values) {
  if (func.isHost()) {
    auto* host = static_cast<const HostFunc*>(static_cast<VMHostContext*>(func.ref.context));
    return host->call(values);
  }
  return callWithTrapHandling([&] {
    if (func.callerVmctx) {
      *reinterpret_cast<uintptr_t*>(func.callerVmctx + kOffsetStackLimit) = threadStackLimit();
    }
    func.entry(func.ref.code, func.ref.context, values);
  });
}

}  // namespace wcr::jit::vm
