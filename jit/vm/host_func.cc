// Host functions: their VMHostContext and the std::function adapter.
#include "jit/vm/host_func.h"

#include "jit/vm/libcalls.h"

namespace wcr::jit::vm {
namespace {

// The HostCallback of a HostFunction: the Trap (and its message) is gone before the trampoline
// raises the code.
TrapCode callStdFunction(VMHostContext* ctx, ValRaw* values) {
  Trap trap = (*static_cast<const HostFunction*>(ctx->userData))(values);
  if (trap.ok()) return TrapCode::None;
  if (!trap.message.empty()) setTrapMessage(std::move(trap.message));
  return trap.code;
}

}  // namespace

HostFunc::HostFunc(wasm::FuncType type, HostCallback callback, void* data,
                   std::shared_ptr<const void> owner, void* direct)
    : type_(std::move(type)), owner_(std::move(owner)) {
  this->callback = callback;
  this->direct = direct;
  userData = data;
  libcalls = &defaultLibcalls();
}

std::shared_ptr<const Func> makeHostFunc(TypeRegistry& types, wasm::FuncType type,
                                         HostCallback callback, void* data,
                                         std::shared_ptr<const void> owner) {
  return makeDirectHostFunc(types, std::move(type), callback, nullptr, data, std::move(owner));
}

std::shared_ptr<const Func> makeDirectHostFunc(TypeRegistry& types, wasm::FuncType type,
                                               HostCallback callback, void* direct, void* data,
                                               std::shared_ptr<const void> owner) {
  auto host = std::make_shared<HostFunc>(type, callback, data, std::move(owner), direct);
  auto func = std::make_shared<Func>();
  func->ref.code = nullptr;
  func->ref.context = static_cast<VMHostContext*>(host.get());
  func->ref.typeId = types.intern(type);
  func->type = std::move(type);
  func->owner = std::move(host);
  return func;
}

std::shared_ptr<const Func> makeHostFunc(TypeRegistry& types, wasm::FuncType type,
                                         HostFunction fn) {
  auto held = std::make_shared<HostFunction>(std::move(fn));
  HostFunction* data = held.get();
  return makeHostFunc(types, std::move(type), &callStdFunction, data, std::move(held));
}

}  // namespace wcr::jit::vm
