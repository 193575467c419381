// The sandboxed host filesystem shared by WASI 0.3 (wasi:filesystem) and preview1 (wasi/p1):
// descriptors for files, directories and byte streams (stdio), and the operations on them and on
// paths below a directory descriptor. The vocabulary follows wasi:filesystem@0.3 (descriptor
// types, new-timestamp, advice); preview1 maps it to its own structs.
//
// Sandbox: a guest reaches host files only through paths relative to a directory Descriptor,
// resolved by sandbox_path.h so that nothing outside that directory's tree can be named (`..`,
// absolute paths and symlinks leading out fail with EPERM). Symlinks may be created with relative
// targets only (an absolute target is EPERM, as in Wasmtime): what a symlink names is resolved by
// the same rules when followed, and absolute targets would point host programs outside the tree.
//
// Errors are POSIX errno values (errno.h). Every operation is synchronous for now. Decision:
// keep each one a single request with its buffers passed in (iovecs into guest memory, offsets
// explicit), so that with WASI 0.3 each becomes an io_uring submission (readv/writev/openat2/
// statx/... all have io_uring opcodes) whose completion resolves a future; nothing here keeps
// state between calls except the descriptor's host fd, its file position and its cached type.
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "wasi/p3/errno.h"
#include "wasi/p3/unique_fd.h"

namespace wcr::wasi::p3 {

// wasi:filesystem descriptor-type.
enum class DescriptorType : uint8_t {
  Unknown,
  BlockDevice,
  CharacterDevice,
  Directory,
  Fifo,
  SymbolicLink,
  RegularFile,
  Socket,
};

// Times are nanoseconds since the Unix epoch (before it: 0).
struct FileStat {
  DescriptorType type = DescriptorType::Unknown;
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t linkCount = 0;
  uint64_t size = 0;
  uint64_t accessTime = 0;
  uint64_t modifyTime = 0;
  uint64_t changeTime = 0;
};

// wasi:filesystem new-timestamp.
struct NewTimestamp {
  enum class Kind : uint8_t { NoChange, Now, Time } kind = Kind::NoChange;
  uint64_t nanoseconds = 0;  // Kind::Time
};

struct DirectoryEntry {
  std::string name;
  DescriptorType type = DescriptorType::Unknown;
  uint64_t inode = 0;
};

enum class Advice : uint8_t { Normal, Sequential, Random, WillNeed, DontNeed, NoReuse };
enum class Whence : uint8_t { Set, Current, End };

// How to open a path (wasi:filesystem path-flags, open-flags and descriptor-flags together).
struct OpenOptions {
  bool followSymlinks = true;
  bool create = false;
  bool exclusive = false;
  bool truncate = false;
  bool directory = false;  // fail with ENOTDIR unless the path names a directory
  bool read = true;
  bool write = false;
  bool append = false;
  bool nonblocking = false;
  bool dataSync = false;  // O_DSYNC
  bool fileSync = false;  // O_SYNC
  bool readSync = false;  // O_RSYNC
};

// File status flags that preview1 reports (fdstat) and may change.
struct StatusFlags {
  bool append = false;
  bool nonblocking = false;
  bool dataSync = false;
  bool fileSync = false;
};

class Descriptor {
 public:
  // File: a regular file or anything else opened by path that is not a directory (seekable when
  // the host says so). Directory: the only kind path operations run on. Stream: a byte stream
  // handed in by the embedder (stdio): read/write only, no seeking, no positional I/O.
  enum class Kind : uint8_t { File, Directory, Stream };

  // Opens the host directory `hostPath` (a preopen; the embedder chose it, so it is not
  // sandboxed itself).
  static ErrnoOr<std::shared_ptr<Descriptor>> openDirectory(const std::string& hostPath);
  // A stream over the host fd `hostFd`, closed with the descriptor only when `owned`.
  static std::shared_ptr<Descriptor> stream(int hostFd, bool owned);

  ~Descriptor();
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;

  Kind kind() const { return kind_; }
  bool isDirectory() const { return kind_ == Kind::Directory; }
  DescriptorType type() const { return type_; }
  int hostFd() const { return fd_; }
  bool isTerminal() const { return terminal_; }

  // ---- I/O (files and streams; directories: EISDIR) ----
  // Short counts are normal; 0 from a read is end of file.
  ErrnoOr<size_t> readv(absl::Span<const struct iovec> buffers);
  ErrnoOr<size_t> writev(absl::Span<const struct iovec> buffers);
  // Positional I/O, leaving the position alone (streams: ESPIPE).
  ErrnoOr<size_t> preadv(absl::Span<const struct iovec> buffers, uint64_t offset);
  ErrnoOr<size_t> pwritev(absl::Span<const struct iovec> buffers, uint64_t offset);
  // The new position (streams: ESPIPE).
  ErrnoOr<uint64_t> seek(int64_t offset, Whence whence);

  // ---- Metadata ----
  ErrnoOr<FileStat> stat() const;
  Errno setSize(uint64_t size);
  Errno setTimes(NewTimestamp accessTime, NewTimestamp modifyTime);
  Errno syncData();
  Errno sync();
  Errno advise(uint64_t offset, uint64_t length, Advice advice);
  Errno allocate(uint64_t offset, uint64_t length);
  ErrnoOr<StatusFlags> statusFlags() const;
  // Only append and nonblocking can change after open (as in fcntl(F_SETFL)).
  Errno setStatusFlags(bool append, bool nonblocking);

  // ---- Directories (others: ENOTDIR) ----
  // Every entry but "." and "..", in the host's order.
  ErrnoOr<std::vector<DirectoryEntry>> readDirectory() const;

  // Path operations: `path` is resolved below this directory (sandbox_path.h).
  ErrnoOr<std::shared_ptr<Descriptor>> openAt(std::string_view path,
                                              const OpenOptions& options) const;
  ErrnoOr<FileStat> statAt(std::string_view path, bool followSymlinks) const;
  Errno setTimesAt(std::string_view path, bool followSymlinks, NewTimestamp accessTime,
                   NewTimestamp modifyTime) const;
  Errno createDirectoryAt(std::string_view path) const;
  Errno removeDirectoryAt(std::string_view path) const;
  Errno unlinkFileAt(std::string_view path) const;
  Errno renameAt(std::string_view oldPath, const Descriptor& newDirectory,
                 std::string_view newPath) const;
  // A hard link; a symlink at oldPath is linked itself, not followed.
  Errno linkAt(std::string_view oldPath, const Descriptor& newDirectory,
               std::string_view newPath) const;
  Errno symlinkAt(std::string_view target, std::string_view linkPath) const;
  ErrnoOr<std::string> readlinkAt(std::string_view path) const;

 private:
  Descriptor(Kind kind, int fd, bool owned, DescriptorType type);
  Errno requireDirectory() const;

  Kind kind_;
  int fd_;
  bool owned_;
  DescriptorType type_;
  bool terminal_ = false;
};

// The descriptor type of a host st_mode.
DescriptorType descriptorTypeOfMode(mode_t mode);

}  // namespace wcr::wasi::p3
