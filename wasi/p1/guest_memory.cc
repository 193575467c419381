// Guest memory access: strings and iovec arrays, checked against the memory's size.
#include "wasi/p1/guest_memory.h"

#include <limits.h>

#include <algorithm>

#include "jit/support/utf8.h"

namespace wcr::wasi::p1 {

p3::ErrnoOr<std::string_view> GuestMemory::string(uint32_t ptr, uint32_t length) const {
  WCR_WASI_ASSIGN_OR_RETURN(uint8_t* data, bytes(ptr, length));
  std::string_view text(reinterpret_cast<const char*>(data), length);
  if (!support::isValidUtf8(text)) return p3::Errno{EILSEQ};
  if (text.find('\0') != std::string_view::npos) return p3::Errno{EINVAL};
  return text;
}

p3::ErrnoOr<std::vector<struct iovec>> GuestMemory::iovecs(uint32_t ptr, uint32_t count) const {
  WCR_WASI_ASSIGN_OR_RETURN(const uint8_t* array, bytes(ptr, uint64_t{count} * layout::kIovecSize));
  // The host transfers at most IOV_MAX buffers per call (a short transfer is allowed), so only
  // those are converted; the host vector stays small whatever count the guest passes.
  const uint32_t used = std::min<uint32_t>(count, IOV_MAX);
  std::vector<struct iovec> out(used);
  for (uint32_t i = 0; i < used; ++i) {
    uint32_t buf = 0;
    uint32_t length = 0;
    std::memcpy(&buf, array + i * layout::kIovecSize, 4);
    std::memcpy(&length, array + i * layout::kIovecSize + 4, 4);
    WCR_WASI_ASSIGN_OR_RETURN(uint8_t* data, bytes(buf, length));
    out[i].iov_base = data;
    out[i].iov_len = length;
  }
  return out;
}

}  // namespace wcr::wasi::p1
