// wcr::Linker: names for a module's imports (host functions and other instances' exports),
// and instantiation.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "wcr/engine.h"
#include "wcr/instance.h"
#include "wcr/module.h"
#include "wcr/result.h"
#include "wcr/val.h"

namespace wcr {

// A host function: reads type().params.size() arguments, writes type().results.size() results.
// Returning an Error traps the calling guest with the error's message.
using HostCallback = std::function<Result<void>(const Val* args, Val* results)>;

namespace detail {
template <typename F>
struct HostSignature : HostSignature<decltype(&F::operator())> {};
template <typename C, typename R, typename... A>
struct HostSignature<R (C::*)(A...) const> {
  using Return = R;
  using Args = std::tuple<A...>;
};
template <typename C, typename R, typename... A>
struct HostSignature<R (C::*)(A...)> : HostSignature<R (C::*)(A...) const> {};
template <typename R, typename... A>
struct HostSignature<R (*)(A...)> : HostSignature<R (std::function<R(A...)>::*)(A...) const> {};

// R may be Result<T>: an Error traps.
template <typename R>
struct Unwrap {
  using Type = R;
  static constexpr bool kIsResult = false;
};
template <typename T>
struct Unwrap<Result<T>> {
  using Type = T;
  static constexpr bool kIsResult = true;
};

template <typename T>
void storeResults(const T& value, Val* results) {
  if constexpr (std::is_void_v<T>) {
  } else if constexpr (requires { std::tuple_size<T>::value; }) {
    std::apply([&](const auto&... v) {
      size_t i = 0;
      ((results[i++] = Val(v)), ...);
    }, value);
  } else {
    results[0] = Val(value);
  }
}

template <typename F, typename... A, size_t... I>
HostCallback wrapHost(F f, std::tuple<A...>*, std::index_sequence<I...>) {
  return [f = std::move(f)](const Val* args, Val* results) -> Result<void> {
    using R = decltype(f(fromVal<A>(args[I])...));
    using U = Unwrap<R>;
    if constexpr (std::is_void_v<R>) {
      f(fromVal<A>(args[I])...);
      return {};
    } else if constexpr (U::kIsResult) {
      R r = f(fromVal<A>(args[I])...);
      if (!r.ok()) return r.error();
      if constexpr (!std::is_void_v<typename U::Type>) storeResults(*r, results);
      return {};
    } else {
      storeResults(f(fromVal<A>(args[I])...), results);
      return {};
    }
  };
}
}  // namespace detail

class Linker {
 public:
  explicit Linker(const Engine& engine);

  Result<void> defineFunc(const std::string& module, const std::string& name, FuncType type,
                          HostCallback callback);
  // A C++ callable as a host function; its signature gives the wasm type (see Func::typed),
  // and it may return Result<T> to trap.
  template <typename F>
  Result<void> func(const std::string& module, const std::string& name, F f) {
    using Sig = detail::HostSignature<std::decay_t<F>>;
    using Ret = typename detail::Unwrap<typename Sig::Return>::Type;
    FuncType type = paramKinds(static_cast<typename Sig::Args*>(nullptr));
    type.results = detail::ResultKinds<Ret>::get();
    using Args = typename Sig::Args;
    return defineFunc(module, name, std::move(type),
                      detail::wrapHost(std::move(f), static_cast<Args*>(nullptr),
                                       std::make_index_sequence<std::tuple_size_v<Args>>{}));
  }
  // Every export of `instance` under the module name `module`.
  Result<void> defineInstance(const std::string& module, const Instance& instance);

  // Resolves the module's imports by name and instantiates it (running its start function).
  Result<Instance> instantiate(Store& store, const Module& module) const;

  struct Impl;

 private:
  template <typename... A>
  static FuncType paramKinds(std::tuple<A...>*) {
    return FuncType{{detail::valKindOf<A>()...}, {}};
  }
  std::shared_ptr<Impl> impl_;
};

}  // namespace wcr
