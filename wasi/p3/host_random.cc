// Host randomness: getrandom(2), looping over short reads and interruptions.
#include "wasi/p3/host_random.h"

#include <sys/random.h>

namespace wcr::wasi::p3 {

Errno fillRandom(absl::Span<uint8_t> out) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Errno::last();
    }
    done += static_cast<size_t>(n);
  }
  return kOk;
}

}  // namespace wcr::wasi::p3
