// wcr::Store, wcr::Instance, wcr::Func, wcr::TypedFunc and wcr::Memory: instantiated modules and
// calls into them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

#include "wcr/engine.h"
#include "wcr/module.h"
#include "wcr/result.h"
#include "wcr/val.h"

namespace wcr {

// The instances of one embedding context (they live until the Store and every handle to them
// are gone). Not thread-safe: use a Store from one thread at a time.
class Store {
 public:
  explicit Store(const Engine& engine);

  struct Impl;
  const std::shared_ptr<Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

template <typename Signature>
class TypedFunc;

class Func {
 public:
  const FuncType& type() const;
  // Calls the function; the arguments must match its parameter types. A trap is an Error of
  // kind Trap whose message is the trap's text followed by the wasm backtrace.
  Result<std::vector<Val>> call(const std::vector<Val>& args) const;
  // A view with a C++ signature, checked against the wasm type once: R(Args...) with i32 ->
  // int32_t, i64 -> int64_t, f32 -> float, f64 -> double; R is void, one of those, or a
  // std::tuple of them.
  template <typename Signature>
  Result<TypedFunc<Signature>> typed() const;

  struct Impl;
  explicit Func(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<const Impl> impl_;
};

namespace detail {
template <typename T>
constexpr ValKind valKindOf() {
  if constexpr (std::is_same_v<T, int32_t>) return ValKind::I32;
  else if constexpr (std::is_same_v<T, int64_t>) return ValKind::I64;
  else if constexpr (std::is_same_v<T, float>) return ValKind::F32;
  else {
    static_assert(std::is_same_v<T, double>, "wasm values are int32_t, int64_t, float, double");
    return ValKind::F64;
  }
}
template <typename T>
T fromVal(const Val& v) {
  if constexpr (std::is_same_v<T, int32_t>) return v.i32();
  else if constexpr (std::is_same_v<T, int64_t>) return v.i64();
  else if constexpr (std::is_same_v<T, float>) return v.f32();
  else return v.f64();
}
template <typename R>
struct ResultKinds {
  static std::vector<ValKind> get() { return {valKindOf<R>()}; }
  static R from(const std::vector<Val>& v) { return fromVal<R>(v[0]); }
};
template <>
struct ResultKinds<void> {
  static std::vector<ValKind> get() { return {}; }
};
template <typename... T>
struct ResultKinds<std::tuple<T...>> {
  static std::vector<ValKind> get() { return {valKindOf<T>()...}; }
  static std::tuple<T...> from(const std::vector<Val>& v) {
    return from(v, std::index_sequence_for<T...>{});
  }
  template <size_t... I>
  static std::tuple<T...> from(const std::vector<Val>& v, std::index_sequence<I...>) {
    return std::tuple<T...>{fromVal<T>(v[I])...};
  }
};
Error typeMismatch(const FuncType& expected, const FuncType& actual);
}  // namespace detail

template <typename R, typename... Args>
class TypedFunc<R(Args...)> {
 public:
  Result<R> call(Args... args) const {
    Result<std::vector<Val>> results = func_.call({Val(args)...});
    if (!results.ok()) return results.error();
    if constexpr (std::is_void_v<R>) {
      return {};
    } else {
      return detail::ResultKinds<R>::from(*results);
    }
  }
  const Func& func() const { return func_; }

 private:
  friend class Func;
  explicit TypedFunc(Func func) : func_(std::move(func)) {}
  Func func_;
};

namespace detail {
template <typename Signature>
struct SignatureOf;
template <typename R, typename... Args>
struct SignatureOf<R(Args...)> {
  static FuncType type() { return FuncType{{valKindOf<Args>()...}, ResultKinds<R>::get()}; }
};
}  // namespace detail

template <typename Signature>
Result<TypedFunc<Signature>> Func::typed() const {
  FuncType wanted = detail::SignatureOf<Signature>::type();
  if (!(wanted == type())) return detail::typeMismatch(wanted, type());
  return TypedFunc<Signature>(*this);
}

// Linear memory of an instance.
class Memory {
 public:
  uint8_t* data() const;
  uint64_t size() const;  // bytes
  // Grows by `pages` 64 KiB pages; returns the old size in pages.
  Result<uint64_t> grow(uint64_t pages) const;

  struct Impl;
  explicit Memory(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<Impl> impl_;
};

class Instance {
 public:
  std::optional<Func> func(std::string_view name) const;
  std::optional<Memory> memory(std::string_view name) const;
  std::vector<ExportType> exports() const;

  struct Impl;
  explicit Instance(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  const std::shared_ptr<Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace wcr
