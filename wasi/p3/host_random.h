// Host randomness shared by WASI 0.3 (wasi:random) and preview1: cryptographically secure bytes
// from the kernel (getrandom(2)), which blocks only until the pool is first initialized.
#pragma once

#include <cstdint>

#include "absl/types/span.h"
#include "wasi/p3/errno.h"

namespace wcr::wasi::p3 {

// Fills all of `out`.
Errno fillRandom(absl::Span<uint8_t> out);

}  // namespace wcr::wasi::p3
