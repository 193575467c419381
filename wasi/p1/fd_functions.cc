// preview1 fd_* functions: I/O, seeking, metadata, flags, preopens and directory listing on
// descriptors of the fd table. Behaviour follows Wasmtime's preview1 where the spec leaves room
// (stdio reported as CHARACTER_DEVICE only when a terminal, else UNKNOWN, with a zeroed
// filestat; BADF for byte I/O and seeking on directories; SPIPE for seeking and positional I/O
// on stdio; fd_fdstat_set_rights is NOTSUP). fd_allocate is implemented (posix_fallocate) where
// Wasmtime answers NOTSUP.
#include <sys/uio.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "wasi/p1/host_call.h"

namespace wcr::wasi::p1 {

using p3::Errno;
using p3::ErrnoOr;

ErrnoOr<std::pair<p3::NewTimestamp, p3::NewTimestamp>> newTimestamps(uint64_t atim, uint64_t mtim,
                                                                     uint32_t flags) {
  if ((flags & ~fstflags::kAll) || ((flags & fstflags::kAtim) && (flags & fstflags::kAtimNow)) ||
      ((flags & fstflags::kMtim) && (flags & fstflags::kMtimNow))) {
    return Errno{EINVAL};
  }
  auto pick = [](bool set, bool now, uint64_t time) {
    p3::NewTimestamp t;
    if (now) t.kind = p3::NewTimestamp::Kind::Now;
    if (set) t = p3::NewTimestamp{p3::NewTimestamp::Kind::Time, time};
    return t;
  };
  return std::make_pair(pick(flags & fstflags::kAtim, flags & fstflags::kAtimNow, atim),
                        pick(flags & fstflags::kMtim, flags & fstflags::kMtimNow, mtim));
}

Errno storeFilestat(const GuestMemory& memory, uint32_t ptr, const p3::FileStat& stat,
                    Filetype type) {
  GuestRecord<layout::kFilestatSize> record;
  record.put<uint64_t>(layout::kFilestatDev, stat.device);
  record.put<uint64_t>(layout::kFilestatIno, stat.inode);
  record.put<uint8_t>(layout::kFilestatFiletype, static_cast<uint8_t>(type));
  record.put<uint64_t>(layout::kFilestatNlink, stat.linkCount);
  record.put<uint64_t>(layout::kFilestatFileSize, stat.size);
  record.put<uint64_t>(layout::kFilestatAtim, stat.accessTime);
  record.put<uint64_t>(layout::kFilestatMtim, stat.modifyTime);
  record.put<uint64_t>(layout::kFilestatCtim, stat.changeTime);
  return memory.store(ptr, record);
}

namespace {

// What fdstat and filestat report as a descriptor's type.
Filetype filetypeOf(const p3::Descriptor& descriptor) {
  if (descriptor.kind() == p3::Descriptor::Kind::Stream) {
    return descriptor.isTerminal() ? Filetype::CharacterDevice : Filetype::Unknown;
  }
  return toFiletype(descriptor.type());
}

// The I/O functions check the result pointer before the I/O, so a bad one never loses data.
Errno storeCount(Call& call, uint32_t resultPtr, size_t count) {
  return call.memory.store<uint32_t>(resultPtr, static_cast<uint32_t>(count));
}

Errno fdAdvise(Call& call, uint32_t fd, uint64_t offset, uint64_t length, uint32_t advice) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  if (advice > kAdviceMax) return Errno{EINVAL};
  if (entry->descriptor->isDirectory()) return Errno{EBADF};
  return entry->descriptor->advise(offset, length, static_cast<p3::Advice>(advice));
}

Errno fdAllocate(Call& call, uint32_t fd, uint64_t offset, uint64_t length) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  return entry->descriptor->allocate(offset, length);
}

Errno fdClose(Call& call, uint32_t fd) { return call.state.fds.close(fd); }

Errno fdDatasync(Call& call, uint32_t fd) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  return entry->descriptor->syncData();
}

Errno fdSync(Call& call, uint32_t fd) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  return entry->descriptor->sync();
}

Errno fdFdstatGet(Call& call, uint32_t fd, uint32_t statPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  WCR_WASI_TRY(call.memory.check(statPtr, layout::kFdstatSize));
  const p3::Descriptor& descriptor = *entry->descriptor;
  uint16_t flags = 0;
  if (descriptor.kind() != p3::Descriptor::Kind::Stream) {
    WCR_WASI_ASSIGN_OR_RETURN(p3::StatusFlags status, descriptor.statusFlags());
    if (status.append) flags |= fdflags::kAppend;
    if (status.nonblocking) flags |= fdflags::kNonblock;
    if (status.dataSync) flags |= fdflags::kDsync;
    if (status.fileSync) flags |= fdflags::kSync;
  }
  GuestRecord<layout::kFdstatSize> record;
  record.put<uint8_t>(layout::kFdstatFiletype, static_cast<uint8_t>(filetypeOf(descriptor)));
  record.put<uint16_t>(layout::kFdstatFlags, flags);
  record.put<uint64_t>(layout::kFdstatRightsBase, entry->rightsBase);
  record.put<uint64_t>(layout::kFdstatRightsInheriting, entry->rightsInheriting);
  return call.memory.store(statPtr, record);
}

Errno fdFdstatSetFlags(Call& call, uint32_t fd, uint32_t flags) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  if (flags & ~fdflags::kAll) return Errno{EINVAL};
  // Linux cannot change the sync flags of an open file.
  if (flags & (fdflags::kDsync | fdflags::kRsync | fdflags::kSync)) return Errno{EINVAL};
  // The embedder's stdio fds are shared with the host process: their flags stay as they are.
  if (entry->descriptor->kind() == p3::Descriptor::Kind::Stream) {
    return flags == 0 ? p3::kOk : Errno{ENOTSUP};
  }
  return entry->descriptor->setStatusFlags(flags & fdflags::kAppend, flags & fdflags::kNonblock);
}

Errno fdFdstatSetRights(Call& call, uint32_t fd, uint64_t base, uint64_t inheriting) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  (void)entry;
  return Errno{ENOTSUP};  // rights are reported, not enforced (abi.h)
}

Errno fdFilestatGet(Call& call, uint32_t fd, uint32_t statPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  WCR_WASI_TRY(call.memory.check(statPtr, layout::kFilestatSize));
  const p3::Descriptor& descriptor = *entry->descriptor;
  if (descriptor.kind() == p3::Descriptor::Kind::Stream) {
    return storeFilestat(call.memory, statPtr, p3::FileStat{}, filetypeOf(descriptor));
  }
  WCR_WASI_ASSIGN_OR_RETURN(p3::FileStat stat, descriptor.stat());
  return storeFilestat(call.memory, statPtr, stat, toFiletype(stat.type));
}

Errno fdFilestatSetSize(Call& call, uint32_t fd, uint64_t size) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  return entry->descriptor->setSize(size);
}

Errno fdRead(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovsLen, uint32_t nreadPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  WCR_WASI_ASSIGN_OR_RETURN(std::vector<struct iovec> buffers, call.memory.iovecs(iovs, iovsLen));
  WCR_WASI_TRY(call.memory.check(nreadPtr, 4));
  WCR_WASI_ASSIGN_OR_RETURN(size_t count, entry->descriptor->readv(buffers));
  return storeCount(call, nreadPtr, count);
}

Errno fdPread(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovsLen, uint64_t offset,
              uint32_t nreadPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  WCR_WASI_ASSIGN_OR_RETURN(std::vector<struct iovec> buffers, call.memory.iovecs(iovs, iovsLen));
  WCR_WASI_TRY(call.memory.check(nreadPtr, 4));
  WCR_WASI_ASSIGN_OR_RETURN(size_t count, entry->descriptor->preadv(buffers, offset));
  return storeCount(call, nreadPtr, count);
}

Errno fdWrite(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovsLen, uint32_t nwrittenPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  WCR_WASI_ASSIGN_OR_RETURN(std::vector<struct iovec> buffers, call.memory.iovecs(iovs, iovsLen));
  WCR_WASI_TRY(call.memory.check(nwrittenPtr, 4));
  WCR_WASI_ASSIGN_OR_RETURN(size_t count, entry->descriptor->writev(buffers));
  return storeCount(call, nwrittenPtr, count);
}

Errno fdPwrite(Call& call, uint32_t fd, uint32_t iovs, uint32_t iovsLen, uint64_t offset,
               uint32_t nwrittenPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  WCR_WASI_ASSIGN_OR_RETURN(std::vector<struct iovec> buffers, call.memory.iovecs(iovs, iovsLen));
  WCR_WASI_TRY(call.memory.check(nwrittenPtr, 4));
  WCR_WASI_ASSIGN_OR_RETURN(size_t count, entry->descriptor->pwritev(buffers, offset));
  return storeCount(call, nwrittenPtr, count);
}

Errno fdPrestatGet(Call& call, uint32_t fd, uint32_t prestatPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  if (!entry->preopenName) return Errno{EBADF};
  GuestRecord<layout::kPrestatSize> record;
  record.put<uint8_t>(layout::kPrestatTag, kPreopenTypeDir);
  record.put<uint32_t>(layout::kPrestatNameLen, static_cast<uint32_t>(entry->preopenName->size()));
  return call.memory.store(prestatPtr, record);
}

Errno fdPrestatDirName(Call& call, uint32_t fd, uint32_t pathPtr, uint32_t pathLen) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  if (!entry->preopenName) return Errno{EBADF};
  const std::string& name = *entry->preopenName;
  if (pathLen < name.size()) return Errno{ENAMETOOLONG};
  return call.memory.storeBytes(pathPtr, name.data(), name.size());
}

// fd_readdir: "." and ".." first (cookies 0 and 1, both with the directory's own inode, as
// Wasmtime does), then the host's entries. Each entry is a 24-byte dirent and its name; the last
// one is cut at the buffer's end, and a full buffer tells the caller to read on from the cookie.
Errno fdReaddir(Call& call, uint32_t fd, uint32_t buf, uint32_t bufLen, uint64_t cookie,
                uint32_t bufusedPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.directory(fd));
  WCR_WASI_ASSIGN_OR_RETURN(uint8_t* out, call.memory.bytes(buf, bufLen));
  WCR_WASI_TRY(call.memory.check(bufusedPtr, 4));
  if (cookie == 0 || !entry->listing) {
    WCR_WASI_ASSIGN_OR_RETURN(std::vector<p3::DirectoryEntry> listing,
                              entry->descriptor->readDirectory());
    entry->listing = std::make_shared<const std::vector<p3::DirectoryEntry>>(std::move(listing));
  }
  WCR_WASI_ASSIGN_OR_RETURN(p3::FileStat self, entry->descriptor->stat());
  const std::vector<p3::DirectoryEntry>& listing = *entry->listing;
  const uint64_t total = listing.size() + 2;
  uint32_t used = 0;
  for (uint64_t index = cookie; index < total && used < bufLen; ++index) {
    std::string_view name;
    uint64_t inode = self.inode;
    Filetype type = Filetype::Directory;
    if (index < 2) {
      name = index == 0 ? "." : "..";
    } else {
      const p3::DirectoryEntry& dirent = listing[index - 2];
      name = dirent.name;
      inode = dirent.inode;
      type = toFiletype(dirent.type);
    }
    GuestRecord<layout::kDirentSize> header;
    header.put<uint64_t>(layout::kDirentNext, index + 1);
    header.put<uint64_t>(layout::kDirentIno, inode);
    header.put<uint32_t>(layout::kDirentNamlen, static_cast<uint32_t>(name.size()));
    header.put<uint8_t>(layout::kDirentType, static_cast<uint8_t>(type));
    const uint32_t headerBytes = std::min<uint32_t>(layout::kDirentSize, bufLen - used);
    std::memcpy(out + used, header.bytes.data(), headerBytes);
    used += headerBytes;
    const uint32_t nameBytes =
        static_cast<uint32_t>(std::min<uint64_t>(name.size(), bufLen - used));
    std::memcpy(out + used, name.data(), nameBytes);
    used += nameBytes;
  }
  return call.memory.store<uint32_t>(bufusedPtr, used);
}

Errno fdRenumber(Call& call, uint32_t from, uint32_t to) {
  return call.state.fds.renumber(from, to);
}

Errno fdSeek(Call& call, uint32_t fd, int64_t offset, uint32_t whence, uint32_t newOffsetPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  if (whence > kWhenceEnd) return Errno{EINVAL};
  WCR_WASI_TRY(call.memory.check(newOffsetPtr, 8));
  WCR_WASI_ASSIGN_OR_RETURN(uint64_t position,
                            entry->descriptor->seek(offset, static_cast<p3::Whence>(whence)));
  return call.memory.store<uint64_t>(newOffsetPtr, position);
}

Errno fdTell(Call& call, uint32_t fd, uint32_t offsetPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  WCR_WASI_TRY(call.memory.check(offsetPtr, 8));
  WCR_WASI_ASSIGN_OR_RETURN(uint64_t position, entry->descriptor->seek(0, p3::Whence::Current));
  return call.memory.store<uint64_t>(offsetPtr, position);
}

Errno fdFilestatSetTimes(Call& call, uint32_t fd, uint64_t atim, uint64_t mtim, uint32_t flags) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  WCR_WASI_ASSIGN_OR_RETURN(auto times, newTimestamps(atim, mtim, flags));
  return entry->descriptor->setTimes(times.first, times.second);
}

}  // namespace

void addFdFunctions(FunctionList& out) {
  out.push_back(define("fd_advise", &fdAdvise));
  out.push_back(define("fd_allocate", &fdAllocate));
  out.push_back(define("fd_close", &fdClose));
  out.push_back(define("fd_datasync", &fdDatasync));
  out.push_back(define("fd_fdstat_get", &fdFdstatGet));
  out.push_back(define("fd_fdstat_set_flags", &fdFdstatSetFlags));
  out.push_back(define("fd_fdstat_set_rights", &fdFdstatSetRights));
  out.push_back(define("fd_filestat_get", &fdFilestatGet));
  out.push_back(define("fd_filestat_set_size", &fdFilestatSetSize));
  out.push_back(define("fd_filestat_set_times", &fdFilestatSetTimes));
  out.push_back(define("fd_pread", &fdPread));
  out.push_back(define("fd_prestat_get", &fdPrestatGet));
  out.push_back(define("fd_prestat_dir_name", &fdPrestatDirName));
  out.push_back(define("fd_pwrite", &fdPwrite));
  out.push_back(define("fd_read", &fdRead));
  out.push_back(define("fd_readdir", &fdReaddir));
  out.push_back(define("fd_renumber", &fdRenumber));
  out.push_back(define("fd_seek", &fdSeek));
  out.push_back(define("fd_sync", &fdSync));
  out.push_back(define("fd_tell", &fdTell));
  out.push_back(define("fd_write", &fdWrite));
}

}  // namespace wcr::wasi::p1
