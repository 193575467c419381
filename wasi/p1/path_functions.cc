// preview1 path_* functions: operations on paths relative to a directory fd. Resolution is
// wasi/p3's (sandbox_path.h): nothing outside the directory's tree can be named, and an attempt
// is PERM (63), what Wasmtime answers. Paths are UTF-8 without NUL (ILSEQ / INVAL otherwise).
//
// Choices where preview1 leaves room, all as in Wasmtime: path_open derives the access mode from
// the requested rights (FD_READ: read, FD_WRITE: write, neither: read) and reports fixed rights
// sets for the new fd (abi.h); DIRECTORY with CREAT, EXCL or TRUNC is INVAL; path_link with
// SYMLINK_FOLLOW is INVAL; path_symlink refuses absolute targets (PERM); path_readlink truncates
// to the buffer. Differences: path_readlink returns absolute targets (Wasmtime refuses them).
#include <algorithm>
#include <string>
#include <string_view>

#include "wasi/p1/host_call.h"

namespace wcr::wasi::p1 {
namespace {

using p3::Errno;
using p3::ErrnoOr;

Errno pathCreateDirectory(Call& call, uint32_t fd, uint32_t path, uint32_t pathLen) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * dir, call.directory(fd));
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view name, call.memory.string(path, pathLen));
  return dir->descriptor->createDirectoryAt(name);
}

Errno pathFilestatGet(Call& call, uint32_t fd, uint32_t lookupFlags, uint32_t path,
                      uint32_t pathLen, uint32_t statPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * dir, call.directory(fd));
  if (lookupFlags & ~kLookupSymlinkFollow) return Errno{EINVAL};
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view name, call.memory.string(path, pathLen));
  WCR_WASI_TRY(call.memory.check(statPtr, layout::kFilestatSize));
  WCR_WASI_ASSIGN_OR_RETURN(p3::FileStat stat,
                            dir->descriptor->statAt(name, lookupFlags & kLookupSymlinkFollow));
  return storeFilestat(call.memory, statPtr, stat, toFiletype(stat.type));
}

Errno pathFilestatSetTimes(Call& call, uint32_t fd, uint32_t lookupFlags, uint32_t path,
                           uint32_t pathLen, uint64_t atim, uint64_t mtim, uint32_t flags) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * dir, call.directory(fd));
  if (lookupFlags & ~kLookupSymlinkFollow) return Errno{EINVAL};
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view name, call.memory.string(path, pathLen));
  WCR_WASI_ASSIGN_OR_RETURN(auto times, newTimestamps(atim, mtim, flags));
  return dir->descriptor->setTimesAt(name, lookupFlags & kLookupSymlinkFollow, times.first,
                                     times.second);
}

Errno pathLink(Call& call, uint32_t oldFd, uint32_t oldFlags, uint32_t oldPath, uint32_t oldLen,
               uint32_t newFd, uint32_t newPath, uint32_t newLen) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * from, call.directory(oldFd));
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * to, call.directory(newFd));
  if (oldFlags != 0) return Errno{EINVAL};  // SYMLINK_FOLLOW, as in Wasmtime
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view source, call.memory.string(oldPath, oldLen));
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view target, call.memory.string(newPath, newLen));
  return from->descriptor->linkAt(source, *to->descriptor, target);
}

Errno pathOpen(Call& call, uint32_t fd, uint32_t lookupFlags, uint32_t path, uint32_t pathLen,
               uint32_t openFlags, uint64_t rightsBase, uint64_t rightsInheriting, uint32_t fdFlags,
               uint32_t fdPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * dir, call.directory(fd));
  if ((lookupFlags & ~kLookupSymlinkFollow) || (openFlags & ~oflags::kAll) ||
      (fdFlags & ~fdflags::kAll) || (rightsBase & ~rights::kAll) ||
      (rightsInheriting & ~rights::kAll)) {
    return Errno{EINVAL};
  }
  if ((openFlags & oflags::kDirectory) &&
      (openFlags & (oflags::kCreat | oflags::kExcl | oflags::kTrunc))) {
    return Errno{EINVAL};
  }
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view name, call.memory.string(path, pathLen));
  WCR_WASI_TRY(call.memory.check(fdPtr, 4));
  p3::OpenOptions options;
  options.followSymlinks = lookupFlags & kLookupSymlinkFollow;
  options.create = openFlags & oflags::kCreat;
  options.exclusive = openFlags & oflags::kExcl;
  options.truncate = openFlags & oflags::kTrunc;
  options.directory = openFlags & oflags::kDirectory;
  options.write = rightsBase & rights::kFdWrite;
  options.read = (rightsBase & rights::kFdRead) || !options.write;
  options.append = fdFlags & fdflags::kAppend;
  options.nonblocking = fdFlags & fdflags::kNonblock;
  options.dataSync = fdFlags & fdflags::kDsync;
  options.fileSync = fdFlags & fdflags::kSync;
  options.readSync = fdFlags & fdflags::kRsync;
  WCR_WASI_ASSIGN_OR_RETURN(std::shared_ptr<p3::Descriptor> opened,
                            dir->descriptor->openAt(name, options));
  FdEntry entry;
  if (opened->isDirectory()) {
    entry.rightsBase = entry.rightsInheriting = rights::kDirectory;
  } else {
    uint64_t granted = rights::kAll;
    if (!options.read) granted &= ~rights::kFileNotReadable;
    if (!options.write) granted &= ~rights::kFileNotWritable;
    entry.rightsBase = entry.rightsInheriting = granted;
  }
  entry.descriptor = std::move(opened);
  WCR_WASI_ASSIGN_OR_RETURN(uint32_t newFd, call.state.fds.insert(std::move(entry)));
  return call.memory.store<uint32_t>(fdPtr, newFd);
}

Errno pathReadlink(Call& call, uint32_t fd, uint32_t path, uint32_t pathLen, uint32_t buf,
                   uint32_t bufLen, uint32_t bufusedPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * dir, call.directory(fd));
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view name, call.memory.string(path, pathLen));
  WCR_WASI_TRY(call.memory.check(buf, bufLen));
  WCR_WASI_TRY(call.memory.check(bufusedPtr, 4));
  WCR_WASI_ASSIGN_OR_RETURN(std::string target, dir->descriptor->readlinkAt(name));
  const uint32_t used = static_cast<uint32_t>(std::min<size_t>(target.size(), bufLen));
  WCR_WASI_TRY(call.memory.storeBytes(buf, target.data(), used));
  return call.memory.store<uint32_t>(bufusedPtr, used);
}

Errno pathRemoveDirectory(Call& call, uint32_t fd, uint32_t path, uint32_t pathLen) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * dir, call.directory(fd));
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view name, call.memory.string(path, pathLen));
  return dir->descriptor->removeDirectoryAt(name);
}

Errno pathRename(Call& call, uint32_t fd, uint32_t oldPath, uint32_t oldLen, uint32_t newFd,
                 uint32_t newPath, uint32_t newLen) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * from, call.directory(fd));
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * to, call.directory(newFd));
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view source, call.memory.string(oldPath, oldLen));
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view target, call.memory.string(newPath, newLen));
  return from->descriptor->renameAt(source, *to->descriptor, target);
}

Errno pathSymlink(Call& call, uint32_t oldPath, uint32_t oldLen, uint32_t fd, uint32_t newPath,
                  uint32_t newLen) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * dir, call.directory(fd));
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view target, call.memory.string(oldPath, oldLen));
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view link, call.memory.string(newPath, newLen));
  return dir->descriptor->symlinkAt(target, link);
}

Errno pathUnlinkFile(Call& call, uint32_t fd, uint32_t path, uint32_t pathLen) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * dir, call.directory(fd));
  WCR_WASI_ASSIGN_OR_RETURN(std::string_view name, call.memory.string(path, pathLen));
  return dir->descriptor->unlinkFileAt(name);
}

}  // namespace

void addPathFunctions(FunctionList& out) {
  out.push_back(define("path_create_directory", &pathCreateDirectory));
  out.push_back(define("path_filestat_get", &pathFilestatGet));
  out.push_back(define("path_filestat_set_times", &pathFilestatSetTimes));
  out.push_back(define("path_link", &pathLink));
  out.push_back(define("path_open", &pathOpen));
  out.push_back(define("path_readlink", &pathReadlink));
  out.push_back(define("path_remove_directory", &pathRemoveDirectory));
  out.push_back(define("path_rename", &pathRename));
  out.push_back(define("path_symlink", &pathSymlink));
  out.push_back(define("path_unlink_file", &pathUnlinkFile));
}

}  // namespace wcr::wasi::p1
