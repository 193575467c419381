// Host clocks shared by WASI 0.3 (wasi:clocks) and preview1: wall clock, monotonic clock and the
// CPU-time clocks of the process and the calling thread, all in nanoseconds. Waiting for a clock
// is host_poll.h's job (a timeout of a poll), so that it can later become an io_uring timeout.
#pragma once

#include <cstdint>

#include "wasi/p3/errno.h"

namespace wcr::wasi::p3 {

enum class ClockId : uint8_t { Realtime, Monotonic, ProcessCputime, ThreadCputime };

// Nanoseconds since the Unix epoch (Realtime), since an arbitrary start (Monotonic), or of CPU
// time used (the cputime clocks).
ErrnoOr<uint64_t> clockNow(ClockId clock);
// The clock's resolution in nanoseconds.
ErrnoOr<uint64_t> clockResolution(ClockId clock);

}  // namespace wcr::wasi::p3
