// Waiting for readiness, shared by preview1's poll_oneoff and (until the io_uring event loop of
// canon/async takes over) WASI 0.3's pollables: wait until some host fds are readable or
// writable, or a timeout passes. With io_uring this becomes IORING_OP_POLL_ADD and
// IORING_OP_TIMEOUT submissions; callers already treat it as "wait for any of these".
#pragma once

#include <cstdint>
#include <optional>

#include "absl/types/span.h"
#include "wasi/p3/errno.h"

namespace wcr::wasi::p3 {

struct PollRequest {
  int hostFd = -1;
  bool write = false;  // wait for writability instead of readability
  // Results.
  bool ready = false;
  bool hangup = false;          // the peer closed: reads return end of file, writes fail
  Errno error;                  // the fd is invalid or in an error state
  uint64_t bytesAvailable = 0;  // readable bytes, when the host can tell (FIONREAD)
};

// Waits until at least one request is ready or `timeoutNanoseconds` passed (none: no timeout;
// 0: only checks). Fills the results of every request; EINTR is retried with the time left.
Errno pollReady(absl::Span<PollRequest> requests, std::optional<uint64_t> timeoutNanoseconds);

}  // namespace wcr::wasi::p3
