// The preview1 file descriptor table.
#include "wasi/p1/fd_table.h"

namespace wcr::wasi::p1 {

p3::ErrnoOr<uint32_t> FdTable::insert(FdEntry entry) {
  for (uint32_t fd = 0; fd < entries_.size(); ++fd) {
    if (!entries_[fd]) {
      entries_[fd] = std::move(entry);
      return fd;
    }
  }
  if (entries_.size() >= kMaxFds) return p3::Errno{EMFILE};
  entries_.emplace_back(std::move(entry));
  return static_cast<uint32_t>(entries_.size() - 1);
}

FdEntry* FdTable::get(uint32_t fd) {
  if (fd >= entries_.size() || !entries_[fd]) return nullptr;
  return &*entries_[fd];
}

p3::Errno FdTable::close(uint32_t fd) {
  if (get(fd) == nullptr) return p3::Errno{EBADF};
  entries_[fd].reset();
  while (!entries_.empty() && !entries_.back()) entries_.pop_back();
  return p3::kOk;
}

p3::Errno FdTable::renumber(uint32_t from, uint32_t to) {
  if (get(from) == nullptr || get(to) == nullptr) return p3::Errno{EBADF};
  if (from == to) return p3::kOk;
  entries_[to] = std::move(entries_[from]);
  entries_[from].reset();
  while (!entries_.empty() && !entries_.back()) entries_.pop_back();
  return p3::kOk;
}

}  // namespace wcr::wasi::p1
