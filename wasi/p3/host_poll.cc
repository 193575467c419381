// Waiting for readiness with ppoll(2) (nanosecond timeouts, no signal mask change).
#include "wasi/p3/host_poll.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <time.h>

#include <vector>

#include "wasi/p3/host_clocks.h"

namespace wcr::wasi::p3 {

Errno pollReady(absl::Span<PollRequest> requests, std::optional<uint64_t> timeoutNanoseconds) {
  std::vector<struct pollfd> fds(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    fds[i].fd = requests[i].hostFd;
    fds[i].events = requests[i].write ? POLLOUT : POLLIN;
  }
  std::optional<uint64_t> deadline;
  if (timeoutNanoseconds) {
    WCR_WASI_ASSIGN_OR_RETURN(uint64_t now, clockNow(ClockId::Monotonic));
    deadline = now + *timeoutNanoseconds;
  }
  for (;;) {
    struct timespec timeout{};
    struct timespec* timeoutPtr = nullptr;
    if (deadline) {
      WCR_WASI_ASSIGN_OR_RETURN(uint64_t now, clockNow(ClockId::Monotonic));
      const uint64_t left = *deadline > now ? *deadline - now : 0;
      timeout.tv_sec = static_cast<time_t>(left / 1000000000u);
      timeout.tv_nsec = static_cast<long>(left % 1000000000u);
      timeoutPtr = &timeout;
    }
    int n = ::ppoll(fds.data(), fds.size(), timeoutPtr, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno::last();
    }
    break;
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    PollRequest& request = requests[i];
    const short revents = fds[i].revents;
    request.ready = revents != 0;
    request.hangup = revents & POLLHUP;
    if (revents & POLLNVAL)
      request.error = Errno{EBADF};
    else if (revents & POLLERR)
      request.error = Errno{EIO};
    if (!request.write && (revents & POLLIN)) {
      int available = 0;
      if (::ioctl(request.hostFd, FIONREAD, &available) == 0 && available > 0) {
        request.bytesAvailable = static_cast<uint64_t>(available);
      }
    }
  }
  return kOk;
}

}  // namespace wcr::wasi::p3
