// wcr::Error and wcr::Result<T>: how every fallible call of the public API reports failure.
// An Error has a kind (what went wrong, for programs to branch on) and a message (for people).
// Result<T> holds a T or an Error; Result<void> only the error, if any.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace wcr {

class Error {
 public:
  enum class Kind {
    Invalid,   // malformed or invalid wasm, a bad argument or configuration
    Link,      // an import is missing or has the wrong type
    Trap,      // the guest trapped (message is the trap's text)
    Io,        // a file could not be read or written
    Internal,  // a failure of the runtime itself
  };
  Error(Kind kind, std::string message) : kind_(kind), message_(std::move(message)) {}
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }

 private:
  Kind kind_;
  std::string message_;
};

template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit, as std::expected
  Result(Error error) : v_(std::move(error)) {}  // NOLINT
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_{Error::Kind::Internal, ""};
  bool ok_ = true;
};

}  // namespace wcr
