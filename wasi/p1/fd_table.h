// The preview1 file descriptor table: guest fd numbers to host descriptors (wasi/p3/host_fs.h),
// with what preview1 attaches to each (preopen name, reported rights, fd_readdir's listing).
// Numbers are allocated lowest-free, as POSIX and Wasmtime do: stdio is 0..2 and the preopens
// follow from 3 in order, which is how wasi-libc finds them (fd_prestat_get until BADF).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasi/p3/errno.h"
#include "wasi/p3/host_fs.h"

namespace wcr::wasi::p1 {

struct FdEntry {
  std::shared_ptr<p3::Descriptor> descriptor;
  std::optional<std::string> preopenName;  // the guest path of a preopened directory
  uint64_t rightsBase = 0;
  uint64_t rightsInheriting = 0;
  // fd_readdir's listing of a directory, taken when a read starts at cookie 0 and reused for
  // the later cookies of the same pass, so entries neither repeat nor vanish between calls.
  std::shared_ptr<const std::vector<p3::DirectoryEntry>> listing;
};

class FdTable {
 public:
  // A generous cap on guest fds; the host's RLIMIT_NOFILE usually ends things first (EMFILE).
  static constexpr uint32_t kMaxFds = 1u << 16;

  // The lowest free number.
  p3::ErrnoOr<uint32_t> insert(FdEntry entry);
  // The entry of an open fd, or nullptr.
  FdEntry* get(uint32_t fd);
  // EBADF when fd is not open.
  p3::Errno close(uint32_t fd);
  // Moves `from` to `to`, closing what `to` held; both must be open (EBADF), as in Wasmtime.
  p3::Errno renumber(uint32_t from, uint32_t to);

 private:
  std::vector<std::optional<FdEntry>> entries_;
};

}  // namespace wcr::wasi::p1
