// Host functions: C++ functions imported by wasm. The import slot holds the importing module's
// hostCallTrampoline for the function's type and a HostFunc (a VMHostContext) as context.
//
// Decision: the trampoline calls the function's own HostCallback,
// `TrapCode f(VMHostContext* ctx, ValRaw* values)`, a plain function pointer with the function's
// data in ctx->userData: no std::function, no allocation and no Trap object per call. A function
// that fails returns its TrapCode (after setTrapMessage, traps.h, for a text of its own) and the
// trampoline raises it, once the function's C++ objects are gone. Three ways to make one:
//  - makeHostFunc(types, type, callback, userData, owner): the raw form, for adapters that
//    marshal themselves (wasi/p1/host_call.h);
//  - makeTypedHostFunc(types, f): a C++ callable over i32/i64/f32/f64 (int32_t, uint32_t,
//    int64_t, uint64_t, float, double) returning void or one of them; the wasm type is derived
//    from its signature and TypedHostCallback reads and writes the ValRaw slots inline. It
//    cannot trap, so it also gets a direct callback (VMHostContext::direct, TypedHostDirect):
//    `R f(VMHostContext*, Args...)` in the C convention, which a wasm `call` of the import
//    calls itself, with the params and the result in registers (through tables and re-exports:
//    the importing module's direct host-call trampoline, code.h): no ValRaw array, no trap
//    check and no trampoline on the way (wasm -> host nop: 8 instructions and one call, was 20
//    and two calls);
//  - makeHostFunc(types, type, HostFunction): a std::function returning a Trap, for closures
//    that build their trap's message (one more indirect call and a Trap per call).
#pragma once

#include <bit>
#include <functional>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>

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
  HostFunc(wasm::FuncType type, HostCallback callback, void* data,
           std::shared_ptr<const void> owner, void* direct = nullptr);
  const wasm::FuncType& type() const { return type_; }

 private:
  wasm::FuncType type_;
  std::shared_ptr<const void> owner_;  // keeps userData alive
};

// A host function as an external, with its type interned in `types`: `callback` is called with
// this function's VMHostContext, whose userData is `data`; `owner` keeps what `data` points to.
std::shared_ptr<const Func> makeHostFunc(TypeRegistry& types, wasm::FuncType type,
                                         HostCallback callback, void* data,
                                         std::shared_ptr<const void> owner = nullptr);
std::shared_ptr<const Func> makeHostFunc(TypeRegistry& types, wasm::FuncType type, HostFunction fn);
// makeHostFunc with a direct callback too (VMHostContext::direct, code.h): the same function in
// the C convention, `R f(VMHostContext* ctx, P1, ...)`; it must not trap.
std::shared_ptr<const Func> makeDirectHostFunc(TypeRegistry& types, wasm::FuncType type,
                                               HostCallback callback, void* direct, void* data,
                                               std::shared_ptr<const void> owner);

// ---- Typed host functions ----------------------------------------------------------------
// How a C++ scalar crosses the boundary in a ValRaw slot.
template <typename T>
struct HostValue;
template <>
struct HostValue<int32_t> {
  static constexpr wasm::ValType kType = wasm::kI32;
  static int32_t get(const ValRaw& v) { return v.i32; }
  static void set(ValRaw& v, int32_t x) { v.i32 = x; }
};
template <>
struct HostValue<uint32_t> {
  static constexpr wasm::ValType kType = wasm::kI32;
  static uint32_t get(const ValRaw& v) { return static_cast<uint32_t>(v.i32); }
  static void set(ValRaw& v, uint32_t x) { v.i32 = static_cast<int32_t>(x); }
};
template <>
struct HostValue<int64_t> {
  static constexpr wasm::ValType kType = wasm::kI64;
  static int64_t get(const ValRaw& v) { return v.i64; }
  static void set(ValRaw& v, int64_t x) { v.i64 = x; }
};
template <>
struct HostValue<uint64_t> {
  static constexpr wasm::ValType kType = wasm::kI64;
  static uint64_t get(const ValRaw& v) { return static_cast<uint64_t>(v.i64); }
  static void set(ValRaw& v, uint64_t x) { v.i64 = static_cast<int64_t>(x); }
};
template <>
struct HostValue<float> {
  static constexpr wasm::ValType kType = wasm::kF32;
  static float get(const ValRaw& v) { return std::bit_cast<float>(v.f32Bits); }
  static void set(ValRaw& v, float x) { v.f32Bits = std::bit_cast<uint32_t>(x); }
};
template <>
struct HostValue<double> {
  static constexpr wasm::ValType kType = wasm::kF64;
  static double get(const ValRaw& v) { return std::bit_cast<double>(v.f64Bits); }
  static void set(ValRaw& v, double x) { v.f64Bits = std::bit_cast<uint64_t>(x); }
};

namespace detail {
template <typename Sig>
struct HostSignature;
template <typename R, typename... Args>
struct HostSignature<R(Args...)> {
  using Result = R;
  using Params = std::tuple<Args...>;
  static wasm::FuncType type() {
    if constexpr (std::is_void_v<R>) {
      return wasm::FuncType{{HostValue<Args>::kType...}, {}};
    } else {
      return wasm::FuncType{{HostValue<Args>::kType...}, {HostValue<R>::kType}};
    }
  }
};
template <typename F>
struct CallableSignature : CallableSignature<decltype(&F::operator())> {};
template <typename R, typename... Args>
struct CallableSignature<R (*)(Args...)> : HostSignature<R(Args...)> {};
template <typename C, typename R, typename... Args>
struct CallableSignature<R (C::*)(Args...) const> : HostSignature<R(Args...)> {};
template <typename C, typename R, typename... Args>
struct CallableSignature<R (C::*)(Args...)> : HostSignature<R(Args...)> {};

template <typename F, typename R, typename... Args, size_t... I>
void callTyped(F& f, ValRaw* values, std::index_sequence<I...>) {
  if constexpr (std::is_void_v<R>) {
    f(HostValue<Args>::get(values[I])...);
  } else {
    R result = f(HostValue<Args>::get(values[I])...);
    HostValue<R>::set(values[0], result);
  }
}
template <typename F, typename R, typename Params>
struct TypedCall;
template <typename F, typename R, typename... Args>
struct TypedCall<F, R, std::tuple<Args...>> {
  static TrapCode callback(VMHostContext* ctx, ValRaw* values) {
    callTyped<F, R, Args...>(*static_cast<F*>(ctx->userData), values,
                             std::index_sequence_for<Args...>{});
    return TrapCode::None;
  }
  static R direct(VMHostContext* ctx, Args... args) {
    return (*static_cast<F*>(ctx->userData))(args...);
  }
};
}  // namespace detail

// The HostCallback of a callable `F` stored at ctx->userData (it cannot trap).
template <typename F>
inline constexpr HostCallback TypedHostCallback =
    &detail::TypedCall<F, typename detail::CallableSignature<F>::Result,
                       typename detail::CallableSignature<F>::Params>::callback;

// Its direct callback (VMHostContext::direct).
template <typename F>
inline void* const TypedHostDirect = reinterpret_cast<void*>(
    &detail::TypedCall<F, typename detail::CallableSignature<F>::Result,
                       typename detail::CallableSignature<F>::Params>::direct);

// A host function from a C++ callable over wasm scalars (see above), e.g.
// makeTypedHostFunc(types, [](int32_t x) { return x + 1; }).
template <typename F>
std::shared_ptr<const Func> makeTypedHostFunc(TypeRegistry& types, F f) {
  auto held = std::make_shared<F>(std::move(f));
  F* data = held.get();
  return makeDirectHostFunc(types, detail::CallableSignature<F>::type(), TypedHostCallback<F>,
                            TypedHostDirect<F>, data, std::move(held));
}

}  // namespace wcr::jit::vm
