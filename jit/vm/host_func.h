// Host functions: C++ callables imported by wasm. The import slot holds the importing module's
// hostCallTrampoline for the function's type and a HostFunc (a VMHostContext) as context.
#pragma once

#include <functional>
#include <memory>

#include "jit/vm/code.h"
#include "jit/vm/extern.h"
#include "jit/vm/traps.h"
#include "jit/vm/type_registry.h"

namespace wcr::jit::vm {

// Reads the params from values[0..n) and writes the results to values[0..m). A non-ok Trap is
// raised in the calling wasm code (its message is kept).
using HostFunction = std::function<Trap(ValRaw* values)>;

class HostFunc : public VMHostContext {
 public:
  HostFunc(wasm::FuncType type, HostFunction fn);
  const wasm::FuncType& type() const { return type_; }
  // Calls the function directly (from the host).
  Trap call(ValRaw* values) const { return fn_(values); }

 private:
  // The VMHostContext callback: runs the function and raises its trap, if any, after every C++
  // object of the call is gone (raising unwinds with siglongjmp).
  static TrapCode dispatch(VMHostContext* ctx, ValRaw* values);
  static TrapCode run(const HostFunc* self, ValRaw* values);

  wasm::FuncType type_;
  HostFunction fn_;
};

// A host function as an external, with its type interned in `types`.
std::shared_ptr<const Func> makeHostFunc(TypeRegistry& types, wasm::FuncType type,
                                         HostFunction fn);

}  // namespace wcr::jit::vm
