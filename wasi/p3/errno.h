// Results of host operations: a value or a POSIX errno. The host code of wasi/p3 reports every
// failure as the errno the host kernel gave (or the one POSIX prescribes for a check done here);
// each guest ABI maps them to its own codes once, at its boundary (wasi/p1/abi.h for preview1,
// the `error-code` enums of WASI 0.3 later). A path that would leave its sandbox is EPERM, the
// code Wasmtime reports for it (sandbox_path.h).
#pragma once

#include <cerrno>
#include <optional>
#include <utility>

namespace wcr::wasi::p3 {

// 0 means success.
struct [[nodiscard]] Errno {
  int value = 0;
  constexpr bool ok() const { return value == 0; }
  // The calling thread's errno (after a failed system call).
  static Errno last() { return Errno{errno != 0 ? errno : EIO}; }
  constexpr bool operator==(const Errno&) const = default;
};
inline constexpr Errno kOk{0};

template <typename T>
class [[nodiscard]] ErrnoOr {
 public:
  ErrnoOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit, like StatusOr
  // A failure; kOk is not one, so it becomes EIO rather than an empty success.
  ErrnoOr(Errno error) : error_(error.ok() ? EIO : error.value) {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  Errno error() const { return Errno{ok() ? 0 : error_}; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  std::optional<T> value_;
  int error_ = 0;
};

}  // namespace wcr::wasi::p3

#define WCR_WASI_CONCAT_INNER(a, b) a##b
#define WCR_WASI_CONCAT(a, b) WCR_WASI_CONCAT_INNER(a, b)

// Returns the Errno of `expr` from the enclosing function when it is a failure.
#define WCR_WASI_TRY(expr)                             \
  do {                                                 \
    ::wcr::wasi::p3::Errno wcr_wasi_errno_ = (expr);   \
    if (!wcr_wasi_errno_.ok()) return wcr_wasi_errno_; \
  } while (0)

// `lhs = value of expr` (an ErrnoOr<T>); returns its Errno on failure.
#define WCR_WASI_ASSIGN_OR_RETURN(lhs, expr) \
  WCR_WASI_ASSIGN_OR_RETURN_IMPL(WCR_WASI_CONCAT(wcr_wasi_or_, __LINE__), lhs, expr)
#define WCR_WASI_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                   \
  if (!tmp.ok()) return tmp.error();                   \
  lhs = *std::move(tmp)
