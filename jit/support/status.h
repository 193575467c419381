// Status helpers shared by every floor: early-return macros over absl::Status / absl::StatusOr.
// Decision: errors inside wcr are absl::Status with a human message that names what is wrong and
// where; the public API (runtime/include) converts them at its boundary.
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"

#define WCR_STATUS_CONCAT_INNER(a, b) a##b
#define WCR_STATUS_CONCAT(a, b) WCR_STATUS_CONCAT_INNER(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define WCR_RETURN_IF_ERROR(expr)                 \
  do {                                            \
    ::absl::Status wcr_status_ = (expr);          \
    if (!wcr_status_.ok()) return wcr_status_;    \
  } while (0)

// `lhs = value of expr` where expr is an absl::StatusOr<T>; returns its status on error.
#define WCR_ASSIGN_OR_RETURN(lhs, expr) \
  WCR_ASSIGN_OR_RETURN_IMPL(WCR_STATUS_CONCAT(wcr_statusor_, __LINE__), lhs, expr)
#define WCR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return std::move(tmp).status();  \
  lhs = std::move(tmp).value()

namespace wcr {

// absl::InvalidArgumentError with printf-style formatting; the usual way to report bad input.
template <typename... Args>
absl::Status invalidError(const absl::FormatSpec<Args...>& fmt, const Args&... args) {
  return absl::InvalidArgumentError(absl::StrFormat(fmt, args...));
}

}  // namespace wcr
