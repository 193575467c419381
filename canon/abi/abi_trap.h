// How the canonical ABI reports a trap: lifting or lowering found the guest's data invalid
// (bad UTF-8, an out-of-bounds string, a misaligned pointer, a bad discriminant, ...).
//
// Decision: an ABI trap is an absl::Status with code kAborted carrying the user-visible message
// (Wasmtime's wording, which the component-model suite asserts). Every other status code is an
// error of the embedder or the runtime, never a guest's fault. The caller that entered the
// component turns a trap into the instance-poisoning trap CanonicalABI.md prescribes.
#pragma once

#include <string_view>

#include "absl/status/status.h"

namespace wcr::canon::abi {

inline absl::Status abiTrap(std::string_view message) {
  return absl::AbortedError(absl::string_view(message.data(), message.size()));
}

inline bool isAbiTrap(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAborted;
}

}  // namespace wcr::canon::abi
