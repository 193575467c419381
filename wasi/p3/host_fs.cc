// The sandboxed host filesystem: descriptors over host fds, path operations through
// sandbox_path.h. See host_fs.h.
#include "wasi/p3/host_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "wasi/p3/sandbox_path.h"

namespace wcr::wasi::p3 {
namespace {

constexpr mode_t kNewFileMode = 0666;       // before the umask, as open(2) callers usually pass
constexpr mode_t kNewDirectoryMode = 0777;  // before the umask

uint64_t nanosecondsOf(const struct timespec& ts) {
  if (ts.tv_sec < 0) return 0;
  const auto seconds = static_cast<uint64_t>(ts.tv_sec);
  if (seconds > UINT64_MAX / 1000000000u - 1) return UINT64_MAX;
  return seconds * 1000000000u + static_cast<uint64_t>(ts.tv_nsec);
}

FileStat fileStatOf(const struct stat& st) {
  FileStat out;
  out.type = descriptorTypeOfMode(st.st_mode);
  out.device = st.st_dev;
  out.inode = st.st_ino;
  out.linkCount = st.st_nlink;
  out.size = st.st_size < 0 ? 0 : static_cast<uint64_t>(st.st_size);
  out.accessTime = nanosecondsOf(st.st_atim);
  out.modifyTime = nanosecondsOf(st.st_mtim);
  out.changeTime = nanosecondsOf(st.st_ctim);
  return out;
}

struct timespec timespecOf(NewTimestamp t) {
  struct timespec ts{};
  switch (t.kind) {
    case NewTimestamp::Kind::NoChange:
      ts.tv_nsec = UTIME_OMIT;
      break;
    case NewTimestamp::Kind::Now:
      ts.tv_nsec = UTIME_NOW;
      break;
    case NewTimestamp::Kind::Time:
      ts.tv_sec = static_cast<time_t>(t.nanoseconds / 1000000000u);
      ts.tv_nsec = static_cast<long>(t.nanoseconds % 1000000000u);
      break;
  }
  return ts;
}

// iovec counts above IOV_MAX make the kernel fail with EINVAL; a short transfer is allowed.
absl::Span<const struct iovec> clampIovecs(absl::Span<const struct iovec> buffers) {
  return buffers.subspan(0, std::min<size_t>(buffers.size(), IOV_MAX));
}

bool fitsOffset(uint64_t value) { return value <= static_cast<uint64_t>(INT64_MAX); }

template <typename Fn>
ErrnoOr<size_t> retryOnInterrupt(Fn fn) {
  for (;;) {
    ssize_t n = fn();
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) return Errno::last();
  }
}

Errno errnoOf(int result) { return result == 0 ? kOk : Errno::last(); }

DescriptorType direntType(unsigned char type) {
  switch (type) {
    case DT_BLK:
      return DescriptorType::BlockDevice;
    case DT_CHR:
      return DescriptorType::CharacterDevice;
    case DT_DIR:
      return DescriptorType::Directory;
    case DT_FIFO:
      return DescriptorType::Fifo;
    case DT_LNK:
      return DescriptorType::SymbolicLink;
    case DT_REG:
      return DescriptorType::RegularFile;
    case DT_SOCK:
      return DescriptorType::Socket;
    default:
      return DescriptorType::Unknown;
  }
}

}  // namespace

DescriptorType descriptorTypeOfMode(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFBLK:
      return DescriptorType::BlockDevice;
    case S_IFCHR:
      return DescriptorType::CharacterDevice;
    case S_IFDIR:
      return DescriptorType::Directory;
    case S_IFIFO:
      return DescriptorType::Fifo;
    case S_IFLNK:
      return DescriptorType::SymbolicLink;
    case S_IFREG:
      return DescriptorType::RegularFile;
    case S_IFSOCK:
      return DescriptorType::Socket;
    default:
      return DescriptorType::Unknown;
  }
}

Descriptor::Descriptor(Kind kind, int fd, bool owned, DescriptorType type)
    : kind_(kind), fd_(fd), owned_(owned), type_(type) {
  if (kind == Kind::Stream) terminal_ = ::isatty(fd) == 1;
}

Descriptor::~Descriptor() {
  if (owned_ && fd_ >= 0) ::close(fd_);
}

ErrnoOr<std::shared_ptr<Descriptor>> Descriptor::openDirectory(const std::string& hostPath) {
  int fd = ::open(hostPath.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno::last();
  return std::shared_ptr<Descriptor>(
      new Descriptor(Kind::Directory, fd, /*owned=*/true, DescriptorType::Directory));
}

std::shared_ptr<Descriptor> Descriptor::stream(int hostFd, bool owned) {
  struct stat st{};
  DescriptorType type =
      ::fstat(hostFd, &st) == 0 ? descriptorTypeOfMode(st.st_mode) : DescriptorType::Unknown;
  return std::shared_ptr<Descriptor>(new Descriptor(Kind::Stream, hostFd, owned, type));
}

Errno Descriptor::requireDirectory() const { return isDirectory() ? kOk : Errno{ENOTDIR}; }

// ---- I/O ----------------------------------------------------------------------------------------

ErrnoOr<size_t> Descriptor::readv(absl::Span<const struct iovec> buffers) {
  if (isDirectory()) return Errno{EBADF};
  buffers = clampIovecs(buffers);
  return retryOnInterrupt([&] { return ::readv(fd_, buffers.data(), buffers.size()); });
}

ErrnoOr<size_t> Descriptor::writev(absl::Span<const struct iovec> buffers) {
  if (isDirectory()) return Errno{EBADF};
  buffers = clampIovecs(buffers);
  return retryOnInterrupt([&] { return ::writev(fd_, buffers.data(), buffers.size()); });
}

ErrnoOr<size_t> Descriptor::preadv(absl::Span<const struct iovec> buffers, uint64_t offset) {
  if (isDirectory()) return Errno{EBADF};
  if (kind_ == Kind::Stream) return Errno{ESPIPE};
  if (!fitsOffset(offset)) return Errno{EINVAL};
  buffers = clampIovecs(buffers);
  return retryOnInterrupt(
      [&] { return ::preadv(fd_, buffers.data(), buffers.size(), static_cast<off_t>(offset)); });
}

ErrnoOr<size_t> Descriptor::pwritev(absl::Span<const struct iovec> buffers, uint64_t offset) {
  if (isDirectory()) return Errno{EBADF};
  if (kind_ == Kind::Stream) return Errno{ESPIPE};
  if (!fitsOffset(offset)) return Errno{EINVAL};
  buffers = clampIovecs(buffers);
  return retryOnInterrupt(
      [&] { return ::pwritev(fd_, buffers.data(), buffers.size(), static_cast<off_t>(offset)); });
}

ErrnoOr<uint64_t> Descriptor::seek(int64_t offset, Whence whence) {
  if (isDirectory()) return Errno{EBADF};
  if (kind_ == Kind::Stream) return Errno{ESPIPE};
  int how = whence == Whence::Set ? SEEK_SET : whence == Whence::Current ? SEEK_CUR : SEEK_END;
  off_t result = ::lseek(fd_, static_cast<off_t>(offset), how);
  if (result < 0) return Errno::last();
  return static_cast<uint64_t>(result);
}

// ---- Metadata -----------------------------------------------------------------------------------

ErrnoOr<FileStat> Descriptor::stat() const {
  struct stat st{};
  if (::fstat(fd_, &st) != 0) return Errno::last();
  return fileStatOf(st);
}

Errno Descriptor::setSize(uint64_t size) {
  if (isDirectory()) return Errno{EISDIR};
  if (!fitsOffset(size)) return Errno{EFBIG};
  return errnoOf(::ftruncate(fd_, static_cast<off_t>(size)));
}

Errno Descriptor::setTimes(NewTimestamp accessTime, NewTimestamp modifyTime) {
  const struct timespec times[2] = {timespecOf(accessTime), timespecOf(modifyTime)};
  return errnoOf(::futimens(fd_, times));
}

Errno Descriptor::syncData() { return errnoOf(::fdatasync(fd_)); }
Errno Descriptor::sync() { return errnoOf(::fsync(fd_)); }

Errno Descriptor::advise(uint64_t offset, uint64_t length, Advice advice) {
  if (!fitsOffset(offset) || !fitsOffset(length)) return Errno{EINVAL};
  static constexpr int kHostAdvice[] = {POSIX_FADV_NORMAL,   POSIX_FADV_SEQUENTIAL,
                                        POSIX_FADV_RANDOM,   POSIX_FADV_WILLNEED,
                                        POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  int error = ::posix_fadvise(fd_, static_cast<off_t>(offset), static_cast<off_t>(length),
                              kHostAdvice[static_cast<int>(advice)]);
  return Errno{error};
}

Errno Descriptor::allocate(uint64_t offset, uint64_t length) {
  if (isDirectory()) return Errno{EBADF};
  if (!fitsOffset(offset) || !fitsOffset(length)) return Errno{EINVAL};
  int error = ::posix_fallocate(fd_, static_cast<off_t>(offset), static_cast<off_t>(length));
  return Errno{error};
}

ErrnoOr<StatusFlags> Descriptor::statusFlags() const {
  int flags = ::fcntl(fd_, F_GETFL);
  if (flags < 0) return Errno::last();
  StatusFlags out;
  out.append = flags & O_APPEND;
  out.nonblocking = flags & O_NONBLOCK;
  out.dataSync = flags & O_DSYNC;
  out.fileSync = (flags & O_SYNC) == O_SYNC;  // O_SYNC includes the O_DSYNC bit
  if (out.fileSync) out.dataSync = false;
  return out;
}

Errno Descriptor::setStatusFlags(bool append, bool nonblocking) {
  int flags = ::fcntl(fd_, F_GETFL);
  if (flags < 0) return Errno::last();
  flags =
      (flags & ~(O_APPEND | O_NONBLOCK)) | (append ? O_APPEND : 0) | (nonblocking ? O_NONBLOCK : 0);
  return errnoOf(::fcntl(fd_, F_SETFL, flags));
}

// ---- Directories --------------------------------------------------------------------------------

ErrnoOr<std::vector<DirectoryEntry>> Descriptor::readDirectory() const {
  WCR_WASI_TRY(requireDirectory());
  // A fresh open description: its own position, so listings never disturb one another.
  int fd = ::openat(fd_, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Errno::last();
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    Errno error = Errno::last();
    ::close(fd);
    return error;
  }
  std::vector<DirectoryEntry> entries;
  for (;;) {
    errno = 0;
    struct dirent* entry = ::readdir(dir);
    if (entry == nullptr) {
      if (errno != 0) {
        Errno error = Errno::last();
        ::closedir(dir);
        return error;
      }
      break;
    }
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    DescriptorType type = direntType(entry->d_type);
    if (entry->d_type == DT_UNKNOWN) {
      struct stat st{};
      if (::fstatat(::dirfd(dir), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        type = descriptorTypeOfMode(st.st_mode);
      }
    }
    entries.push_back(DirectoryEntry{std::move(name), type, entry->d_ino});
  }
  ::closedir(dir);
  return entries;
}

ErrnoOr<std::shared_ptr<Descriptor>> Descriptor::openAt(std::string_view path,
                                                        const OpenOptions& options) const {
  WCR_WASI_TRY(requireDirectory());
  int flags = options.read && options.write ? O_RDWR : options.write ? O_WRONLY : O_RDONLY;
  if (!options.followSymlinks) flags |= O_NOFOLLOW;
  if (options.create) flags |= O_CREAT;
  if (options.exclusive) flags |= O_EXCL;
  if (options.truncate) flags |= O_TRUNC;
  if (options.directory) flags |= O_DIRECTORY;
  if (options.append) flags |= O_APPEND;
  if (options.nonblocking) flags |= O_NONBLOCK;
  if (options.dataSync) flags |= O_DSYNC;
  if (options.fileSync) flags |= O_SYNC;
  if (options.readSync) flags |= O_RSYNC;
  WCR_WASI_ASSIGN_OR_RETURN(UniqueFd fd, openBeneath(fd_, path, flags, kNewFileMode));
  struct stat st{};
  if (::fstat(fd.get(), &st) != 0) return Errno::last();
  const DescriptorType type = descriptorTypeOfMode(st.st_mode);
  const Kind kind = type == DescriptorType::Directory ? Kind::Directory : Kind::File;
  return std::shared_ptr<Descriptor>(new Descriptor(kind, fd.release(), /*owned=*/true, type));
}

ErrnoOr<FileStat> Descriptor::statAt(std::string_view path, bool followSymlinks) const {
  WCR_WASI_TRY(requireDirectory());
  struct stat st{};
  // A trailing slash follows a final symlink, as in POSIX.
  if (followSymlinks || (!path.empty() && path.back() == '/')) {
    WCR_WASI_ASSIGN_OR_RETURN(UniqueFd fd, openBeneath(fd_, path, O_PATH));
    if (::fstat(fd.get(), &st) != 0) return Errno::last();
    return fileStatOf(st);
  }
  WCR_WASI_ASSIGN_OR_RETURN(PathParent parent, openParentBeneath(fd_, path));
  if (::fstatat(parent.dir.get(), parent.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return Errno::last();
  }
  return fileStatOf(st);
}

Errno Descriptor::setTimesAt(std::string_view path, bool followSymlinks, NewTimestamp accessTime,
                             NewTimestamp modifyTime) const {
  WCR_WASI_TRY(requireDirectory());
  const struct timespec times[2] = {timespecOf(accessTime), timespecOf(modifyTime)};
  if (followSymlinks || (!path.empty() && path.back() == '/')) {
    WCR_WASI_ASSIGN_OR_RETURN(UniqueFd fd, openBeneath(fd_, path, O_PATH));
    if (::utimensat(fd.get(), "", times, AT_EMPTY_PATH) == 0) return kOk;
    if (errno != EINVAL && errno != ENOENT && errno != EBADF) return Errno::last();
    // Kernels before AT_EMPTY_PATH support in utimensat: through the fd's /proc link, which
    // names the file already resolved (below the directory) and is read by the host only.
    std::string procPath = "/proc/self/fd/" + std::to_string(fd.get());
    return errnoOf(::utimensat(AT_FDCWD, procPath.c_str(), times, 0));
  }
  WCR_WASI_ASSIGN_OR_RETURN(PathParent parent, openParentBeneath(fd_, path));
  return errnoOf(::utimensat(parent.dir.get(), parent.name.c_str(), times, AT_SYMLINK_NOFOLLOW));
}

Errno Descriptor::createDirectoryAt(std::string_view path) const {
  WCR_WASI_TRY(requireDirectory());
  WCR_WASI_ASSIGN_OR_RETURN(PathParent parent, openParentBeneath(fd_, path));
  return errnoOf(::mkdirat(parent.dir.get(), parent.name.c_str(), kNewDirectoryMode));
}

Errno Descriptor::removeDirectoryAt(std::string_view path) const {
  WCR_WASI_TRY(requireDirectory());
  WCR_WASI_ASSIGN_OR_RETURN(PathParent parent, openParentBeneath(fd_, path));
  return errnoOf(::unlinkat(parent.dir.get(), parent.name.c_str(), AT_REMOVEDIR));
}

Errno Descriptor::unlinkFileAt(std::string_view path) const {
  WCR_WASI_TRY(requireDirectory());
  WCR_WASI_ASSIGN_OR_RETURN(PathParent parent, openParentBeneath(fd_, path));
  if (parent.trailingSlash) {
    // "name/" names a directory: unlinking one is EISDIR, anything else is not a directory.
    struct stat st{};
    if (::fstatat(parent.dir.get(), parent.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return Errno::last();
    }
    return Errno{S_ISDIR(st.st_mode) ? EISDIR : ENOTDIR};
  }
  return errnoOf(::unlinkat(parent.dir.get(), parent.name.c_str(), 0));
}

Errno Descriptor::renameAt(std::string_view oldPath, const Descriptor& newDirectory,
                           std::string_view newPath) const {
  WCR_WASI_TRY(requireDirectory());
  WCR_WASI_TRY(newDirectory.requireDirectory());
  WCR_WASI_ASSIGN_OR_RETURN(PathParent from, openParentBeneath(fd_, oldPath));
  WCR_WASI_ASSIGN_OR_RETURN(PathParent to, openParentBeneath(newDirectory.fd_, newPath));
  if (from.trailingSlash || to.trailingSlash) {
    // A trailing slash on either side requires the source to be a directory.
    struct stat st{};
    if (::fstatat(from.dir.get(), from.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return Errno::last();
    }
    if (!S_ISDIR(st.st_mode)) return Errno{ENOTDIR};
  }
  return errnoOf(::renameat(from.dir.get(), from.name.c_str(), to.dir.get(), to.name.c_str()));
}

Errno Descriptor::linkAt(std::string_view oldPath, const Descriptor& newDirectory,
                         std::string_view newPath) const {
  WCR_WASI_TRY(requireDirectory());
  WCR_WASI_TRY(newDirectory.requireDirectory());
  WCR_WASI_ASSIGN_OR_RETURN(PathParent from, openParentBeneath(fd_, oldPath));
  WCR_WASI_ASSIGN_OR_RETURN(PathParent to, openParentBeneath(newDirectory.fd_, newPath));
  if (from.trailingSlash || to.trailingSlash) {
    struct stat st{};
    if (::fstatat(from.dir.get(), from.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return Errno::last();
    }
    return Errno{S_ISDIR(st.st_mode) ? EPERM : ENOTDIR};  // no hard links to directories
  }
  return errnoOf(::linkat(from.dir.get(), from.name.c_str(), to.dir.get(), to.name.c_str(), 0));
}

Errno Descriptor::symlinkAt(std::string_view target, std::string_view linkPath) const {
  WCR_WASI_TRY(requireDirectory());
  if (target.empty()) return Errno{ENOENT};
  if (target.find('\0') != std::string_view::npos) return Errno{EINVAL};
  if (target.front() == '/') return Errno{EPERM};
  WCR_WASI_ASSIGN_OR_RETURN(PathParent parent, openParentBeneath(fd_, linkPath));
  if (parent.trailingSlash) return Errno{ENOENT};
  const std::string targetString(target);
  return errnoOf(::symlinkat(targetString.c_str(), parent.dir.get(), parent.name.c_str()));
}

ErrnoOr<std::string> Descriptor::readlinkAt(std::string_view path) const {
  WCR_WASI_TRY(requireDirectory());
  WCR_WASI_ASSIGN_OR_RETURN(PathParent parent, openParentBeneath(fd_, path));
  if (parent.trailingSlash) {
    // "name/" resolves through a final symlink to a directory, which is never a symlink.
    WCR_WASI_ASSIGN_OR_RETURN(UniqueFd fd, openBeneath(fd_, path, O_PATH));
    return Errno{EINVAL};
  }
  std::string buffer(256, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(parent.dir.get(), parent.name.c_str(), buffer.data(), buffer.size());
    if (n < 0) return Errno::last();
    if (static_cast<size_t>(n) < buffer.size()) {
      buffer.resize(static_cast<size_t>(n));
      return buffer;
    }
    if (buffer.size() >= (1u << 20)) return Errno{ENAMETOOLONG};
    buffer.resize(buffer.size() * 2);
  }
}

}  // namespace wcr::wasi::p3
