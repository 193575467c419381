// wcr::Component, wcr::ComponentLinker, wcr::ComponentInstance and wcr::ComponentFunc: the
// embedding API for WebAssembly components, in the style of the core-module API (cheap handles
// to shared state, Result<T> for everything fallible).
//
// Decision: host functions are untyped when they are defined (a callback over ComponentVals);
// instantiation binds each one to the func type the importing component declares, converting
// and checking values against that type on every call. A name the linker defines can thus serve
// components that import it at different (compatible) types, as Wasmtime's func_new does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "wcr/component_val.h"
#include "wcr/engine.h"
#include "wcr/instance.h"
#include "wcr/result.h"

namespace wcr {

// An import or export of a component: its name, kind and type text ("func(x: u32) -> string"
// for a func; an instance lists its members).
struct ComponentItem {
  enum class Kind : uint8_t { Module, Func, Value, Type, Component, Instance };
  std::string name;
  Kind kind = Kind::Func;
  std::string type;
  std::vector<ComponentItem> members;  // Instance: its exports
};
const char* toString(ComponentItem::Kind kind);  // "func", "instance", ...

class Component {
 public:
  // Text (`(component ...)`) or binary, told apart by the content. Decodes, validates and
  // compiles the core modules inside (or loads their code from the engine's cache).
  static Result<Component> fromBytes(const Engine& engine, const uint8_t* data, size_t size);
  static Result<Component> fromFile(const Engine& engine, const std::string& path);

  std::vector<ComponentItem> imports() const;
  std::vector<ComponentItem> exports() const;

  struct Impl;
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

 private:
  explicit Component(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

template <typename Signature>
class TypedComponentFunc;

struct ComponentParam {
  std::string name;
  std::string type;  // "u32", "list<string>", ...
};

class ComponentFunc {
 public:
  // Calls the function. The arguments are checked against its parameter types; a trap is an
  // Error of kind Trap with the trap's message.
  Result<std::vector<ComponentVal>> call(const std::vector<ComponentVal>& args) const;
  std::vector<ComponentParam> params() const;
  std::vector<std::string> results() const;  // zero or one type
  std::string typeText() const;              // "func(a: u32, b: u32) -> u32"

  // A view with a C++ signature R(Args...), checked against the func type once: bool, the
  // fixed-width integers, float, double and std::string; R may also be void.
  template <typename Signature>
  Result<TypedComponentFunc<Signature>> typed() const;

  struct Impl;
  explicit ComponentFunc(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

 private:
  template <typename R, typename... Args>
  Result<TypedComponentFunc<R(Args...)>> typedImpl(R (*)(Args...)) const;
  std::shared_ptr<const Impl> impl_;
};

class ComponentInstance {
 public:
  // A func exported at the top level, or inside the exported instance `interfaceName`.
  std::optional<ComponentFunc> func(std::string_view name) const;
  std::optional<ComponentFunc> func(std::string_view interfaceName, std::string_view name) const;
  // The exports of the instance (funcs and instances of funcs are callable).
  std::vector<std::string> exportNames() const;

  struct Impl;
  explicit ComponentInstance(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<Impl> impl_;
};

// A host function: `args` follow the import's parameter types; write the result (if the type
// has one) to `results`. Returning an Error traps the calling guest with the error's message.
using ComponentHostCallback = std::function<Result<void>(const std::vector<ComponentVal>& args,
                                                         std::vector<ComponentVal>& results)>;

namespace detail {
// C++ types of the typed views and their ComponentVal counterparts.
template <typename T>
constexpr ComponentValKind componentKindOf() {
  if constexpr (std::is_same_v<T, bool>)
    return ComponentValKind::Bool;
  else if constexpr (std::is_same_v<T, int8_t>)
    return ComponentValKind::S8;
  else if constexpr (std::is_same_v<T, uint8_t>)
    return ComponentValKind::U8;
  else if constexpr (std::is_same_v<T, int16_t>)
    return ComponentValKind::S16;
  else if constexpr (std::is_same_v<T, uint16_t>)
    return ComponentValKind::U16;
  else if constexpr (std::is_same_v<T, int32_t>)
    return ComponentValKind::S32;
  else if constexpr (std::is_same_v<T, uint32_t>)
    return ComponentValKind::U32;
  else if constexpr (std::is_same_v<T, int64_t>)
    return ComponentValKind::S64;
  else if constexpr (std::is_same_v<T, uint64_t>)
    return ComponentValKind::U64;
  else if constexpr (std::is_same_v<T, float>)
    return ComponentValKind::F32;
  else if constexpr (std::is_same_v<T, double>)
    return ComponentValKind::F64;
  else {
    static_assert(std::is_same_v<T, std::string>,
                  "typed component values are bool, fixed-width integers, float, double and "
                  "std::string");
    return ComponentValKind::String;
  }
}
template <typename T>
ComponentVal toComponentVal(const T& v) {
  constexpr ComponentValKind k = componentKindOf<T>();
  if constexpr (k == ComponentValKind::Bool)
    return ComponentVal::boolean(v);
  else if constexpr (k == ComponentValKind::S8)
    return ComponentVal::s8(v);
  else if constexpr (k == ComponentValKind::U8)
    return ComponentVal::u8(v);
  else if constexpr (k == ComponentValKind::S16)
    return ComponentVal::s16(v);
  else if constexpr (k == ComponentValKind::U16)
    return ComponentVal::u16(v);
  else if constexpr (k == ComponentValKind::S32)
    return ComponentVal::s32(v);
  else if constexpr (k == ComponentValKind::U32)
    return ComponentVal::u32(v);
  else if constexpr (k == ComponentValKind::S64)
    return ComponentVal::s64(v);
  else if constexpr (k == ComponentValKind::U64)
    return ComponentVal::u64(v);
  else if constexpr (k == ComponentValKind::F32)
    return ComponentVal::f32(v);
  else if constexpr (k == ComponentValKind::F64)
    return ComponentVal::f64(v);
  else
    return ComponentVal::string(v);
}
// The value as T; the kind must be T's (checked by the caller).
template <typename T>
T fromComponentVal(const ComponentVal& v) {
  constexpr ComponentValKind k = componentKindOf<T>();
  if constexpr (k == ComponentValKind::Bool)
    return v.asBool();
  else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    return static_cast<T>(v.asSigned());
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(v.asUnsigned());
  } else if constexpr (k == ComponentValKind::F32)
    return v.asF32();
  else if constexpr (k == ComponentValKind::F64)
    return v.asF64();
  else
    return v.asString();
}
// Error unless `func` takes exactly `params` and returns `result` (nullopt: nothing).
Result<void> checkComponentSignature(const ComponentFunc& func,
                                     const std::vector<ComponentValKind>& params,
                                     std::optional<ComponentValKind> result);
// Error unless the values have the kinds (arguments of a typed host function).
Result<void> checkComponentKinds(const std::vector<ComponentVal>& values,
                                 const std::vector<ComponentValKind>& kinds);

template <typename F>
struct ComponentHostSignature : ComponentHostSignature<decltype(&F::operator())> {};
template <typename C, typename R, typename... A>
struct ComponentHostSignature<R (C::*)(A...) const> {
  using Return = R;
  using Args = std::tuple<std::decay_t<A>...>;
};
template <typename C, typename R, typename... A>
struct ComponentHostSignature<R (C::*)(A...)> : ComponentHostSignature<R (C::*)(A...) const> {};
template <typename R, typename... A>
struct ComponentHostSignature<R (*)(A...)> {
  using Return = R;
  using Args = std::tuple<std::decay_t<A>...>;
};

template <typename R>
struct ComponentUnwrap {
  using Type = R;
  static constexpr bool kIsResult = false;
};
template <typename T>
struct ComponentUnwrap<Result<T>> {
  using Type = T;
  static constexpr bool kIsResult = true;
};

template <typename F, typename... A, size_t... I>
ComponentHostCallback wrapComponentHost(F f, std::tuple<A...>*, std::index_sequence<I...>) {
  return [f = std::move(f)](const std::vector<ComponentVal>& args,
                            std::vector<ComponentVal>& results) -> Result<void> {
    Result<void> kinds = checkComponentKinds(args, {componentKindOf<A>()...});
    if (!kinds.ok()) return kinds;
    using R = decltype(f(fromComponentVal<A>(args[I])...));
    using U = ComponentUnwrap<R>;
    if constexpr (std::is_void_v<R>) {
      f(fromComponentVal<A>(args[I])...);
    } else if constexpr (U::kIsResult) {
      R r = f(fromComponentVal<A>(args[I])...);
      if (!r.ok()) return r.error();
      if constexpr (!std::is_void_v<typename U::Type>) results.push_back(toComponentVal(*r));
    } else {
      results.push_back(toComponentVal(f(fromComponentVal<A>(args[I])...)));
    }
    return {};
  };
}
}  // namespace detail

template <typename R, typename... Args>
class TypedComponentFunc<R(Args...)> {
 public:
  Result<R> call(const Args&... args) const {
    Result<std::vector<ComponentVal>> results = func_.call({detail::toComponentVal(args)...});
    if (!results.ok()) return results.error();
    if constexpr (std::is_void_v<R>) {
      return {};
    } else {
      return detail::fromComponentVal<R>((*results)[0]);
    }
  }
  const ComponentFunc& func() const { return func_; }

 private:
  friend class ComponentFunc;
  explicit TypedComponentFunc(ComponentFunc func) : func_(std::move(func)) {}
  ComponentFunc func_;
};

template <typename Signature>
Result<TypedComponentFunc<Signature>> ComponentFunc::typed() const {
  return typedImpl(static_cast<Signature*>(nullptr));
}

template <typename R, typename... Args>
Result<TypedComponentFunc<R(Args...)>> ComponentFunc::typedImpl(R (*)(Args...)) const {
  std::optional<ComponentValKind> result;
  if constexpr (!std::is_void_v<R>) result = detail::componentKindOf<R>();
  Result<void> ok =
      detail::checkComponentSignature(*this, {detail::componentKindOf<Args>()...}, result);
  if (!ok.ok()) return ok.error();
  return TypedComponentFunc<R(Args...)>(*this);
}

class ComponentLinker {
 public:
  explicit ComponentLinker(const Engine& engine);

  // A top-level func import `name`.
  Result<void> defineFunc(const std::string& name, ComponentHostCallback callback);
  // The func `funcName` of the imported instance `interfaceName` ("wasi:cli/stdout@0.3.0").
  Result<void> defineFunc(const std::string& interfaceName, const std::string& funcName,
                          ComponentHostCallback callback);
  // A host-defined resource type exported as `resourceName` by the imported instance
  // `interfaceName` (`(export "file" (type (sub resource)))`). Its handles carry a rep the host
  // chooses (ComponentVal::own(type, rep)); `onDrop` (optional) is called with the rep when a
  // guest drops an own handle. Constructors and methods are funcs of the same instance
  // ("[constructor]file", "[method]file.read") defined with defineFunc.
  Result<ResourceType> defineResource(const std::string& interfaceName,
                                      const std::string& resourceName,
                                      std::function<void(uint32_t rep)> onDrop = {});

  // A C++ callable over bool, fixed-width integers, float, double and std::string (it may
  // return Result<T> to trap). Its arguments are checked against the import's values per call.
  template <typename F>
  Result<void> func(const std::string& name, F f) {
    return defineFunc(name, wrap(std::move(f)));
  }
  template <typename F>
  Result<void> func(const std::string& interfaceName, const std::string& funcName, F f) {
    return defineFunc(interfaceName, funcName, wrap(std::move(f)));
  }

  // Binds every import of `component` to a definition of the linker (a missing one, or one of
  // the wrong kind, is an Error of kind Link naming it) and instantiates the component.
  Result<ComponentInstance> instantiate(Store& store, const Component& component) const;

  struct Impl;

 private:
  template <typename F>
  static ComponentHostCallback wrap(F f) {
    using Sig = detail::ComponentHostSignature<std::decay_t<F>>;
    using Args = typename Sig::Args;
    return detail::wrapComponentHost(std::move(f), static_cast<Args*>(nullptr),
                                     std::make_index_sequence<std::tuple_size_v<Args>>{});
  }
  std::shared_ptr<Impl> impl_;
};

}  // namespace wcr
