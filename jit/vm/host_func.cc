// Host functions: the callback that compiled host-call trampolines invoke.
#include "jit/vm/host_func.h"

#include "jit/vm/libcalls.h"

namespace wcr::jit::vm {

HostFunc::HostFunc(wasm::FuncType type, HostFunction fn)
    : type_(std::move(type)), fn_(std::move(fn)) {
  callback = &HostFunc::dispatch;
  libcalls = &defaultLibcalls();
}

__attribute__((noinline)) TrapCode HostFunc::run(const HostFunc* self, ValRaw* values) {
  Trap trap = self->fn_(values);
  if (trap.ok()) return TrapCode::None;
  TrapCode code = trap.code;
  if (!trap.message.empty()) setTrapMessage(trap.message);
  return code;
}

TrapCode HostFunc::dispatch(VMHostContext* ctx, ValRaw* values) {
  TrapCode code = run(static_cast<const HostFunc*>(ctx), values);
  if (code != TrapCode::None) raiseTrap(code);
  return TrapCode::None;
}

std::shared_ptr<const Func> makeHostFunc(TypeRegistry& types, wasm::FuncType type,
                                         HostFunction fn) {
  auto host = std::make_shared<HostFunc>(type, std::move(fn));
  auto func = std::make_shared<Func>();
  func->ref.code = nullptr;
  func->ref.context = static_cast<VMHostContext*>(host.get());
  func->ref.typeId = types.intern(type);
  func->type = std::move(type);
  func->owner = std::move(host);
  return func;
}

}  // namespace wcr::jit::vm
