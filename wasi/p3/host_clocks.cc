// Host clocks: clock_gettime / clock_getres.
#include "wasi/p3/host_clocks.h"

#include <time.h>

namespace wcr::wasi::p3 {
namespace {

clockid_t hostClock(ClockId clock) {
  switch (clock) {
    case ClockId::Realtime:
      return CLOCK_REALTIME;
    case ClockId::Monotonic:
      return CLOCK_MONOTONIC;
    case ClockId::ProcessCputime:
      return CLOCK_PROCESS_CPUTIME_ID;
    case ClockId::ThreadCputime:
      return CLOCK_THREAD_CPUTIME_ID;
  }
  return CLOCK_MONOTONIC;
}

uint64_t nanoseconds(const struct timespec& ts) {
  if (ts.tv_sec < 0) return 0;
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

ErrnoOr<uint64_t> clockNow(ClockId clock) {
  struct timespec ts{};
  if (::clock_gettime(hostClock(clock), &ts) != 0) return Errno::last();
  return nanoseconds(ts);
}

ErrnoOr<uint64_t> clockResolution(ClockId clock) {
  struct timespec ts{};
  if (::clock_getres(hostClock(clock), &ts) != 0) return Errno::last();
  return nanoseconds(ts);
}

}  // namespace wcr::wasi::p3
