// Sandboxed path resolution: openat2(RESOLVE_BENEATH) and the component walk used without it.
#include "wasi/p3/sandbox_path.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <vector>

namespace wcr::wasi::p3 {
namespace {

// Linux's own limit on symlinks followed in one resolution (MAXSYMLINKS).
constexpr int kMaxSymlinks = 40;
// openat2 answers EAGAIN when a concurrent rename may have let `..` escape; it asks for a retry.
constexpr int kMaxOpenat2Retries = 8;

std::atomic<ResolveMode> gMode{ResolveMode::Auto};
std::atomic<bool> gOpenat2Missing{false};

// The components of `path` (empty ones dropped), last one first, so the next one is at back().
void pushComponentsReversed(std::string_view path, std::vector<std::string>& pending) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  std::reverse(parts.begin(), parts.end());
  pending.insert(pending.end(), parts.begin(), parts.end());
}

// The target of `name` in `dir` when it is a symlink; an empty optional when it exists and is
// not one, or does not exist (the open that follows reports that).
ErrnoOr<std::optional<std::string>> symlinkTarget(int dir, const std::string& name) {
  char buf[PATH_MAX];
  ssize_t n = ::readlinkat(dir, name.c_str(), buf, sizeof buf);
  if (n >= 0) {
    if (static_cast<size_t>(n) == sizeof buf) return Errno{ENAMETOOLONG};
    return std::optional<std::string>(std::string(buf, static_cast<size_t>(n)));
  }
  if (errno == EINVAL || errno == ENOENT) return std::optional<std::string>();
  return Errno::last();
}

// The fallback: one component at a time, never letting the kernel follow a symlink or `..`.
ErrnoOr<UniqueFd> walkBeneath(int startDir, std::string_view path, int flags, mode_t mode) {
  if (path.front() == '/') return Errno{EPERM};
  std::vector<std::string> pending;
  pushComponentsReversed(path, pending);
  bool mustBeDirectory = path.back() == '/';
  // O_CREAT | O_EXCL never follows a final symlink (POSIX), like O_NOFOLLOW.
  const bool followLast = !(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL));
  std::vector<UniqueFd> entered;  // directories walked into below startDir, innermost last
  auto current = [&] { return entered.empty() ? startDir : entered.back().get(); };
  int symlinksFollowed = 0;
  while (!pending.empty()) {
    std::string component = std::move(pending.back());
    pending.pop_back();
    const bool last = pending.empty();
    // "." and ".." (after climbing) both name the current directory.
    bool currentDirectory = component == ".";
    if (component == "..") {
      if (entered.empty()) return Errno{EPERM};  // would climb above the start directory
      entered.pop_back();
      currentDirectory = true;
    }
    if (currentDirectory) {
      if (!last) continue;
    } else if (!last || followLast || mustBeDirectory) {
      WCR_WASI_ASSIGN_OR_RETURN(std::optional<std::string> target,
                                symlinkTarget(current(), component));
      if (target) {
        if (++symlinksFollowed > kMaxSymlinks) return Errno{ELOOP};
        if (target->empty()) return Errno{ENOENT};
        if (target->front() == '/') return Errno{EPERM};  // absolute: outside by definition
        if (last && target->back() == '/') mustBeDirectory = true;
        pushComponentsReversed(*target, pending);
        continue;
      }
    }
    if (!last) {
      int fd =
          ::openat(current(), component.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) return Errno::last();
      entered.emplace_back(fd);
      continue;
    }
    // Any symlink to follow was expanded above: the kernel must not follow one now.
    int finalFlags = flags | O_CLOEXEC | O_NOFOLLOW | (mustBeDirectory ? O_DIRECTORY : 0);
    int fd = ::openat(current(), currentDirectory ? "." : component.c_str(), finalFlags, mode);
    if (fd < 0) return Errno::last();
    return UniqueFd(fd);
  }
  // Only reached when a symlink expanded to nothing but separators, which is handled above.
  return Errno{ENOENT};
}

}  // namespace

void setResolveModeForTesting(ResolveMode mode) { gMode = mode; }

bool usingOpenat2() { return gMode.load() == ResolveMode::Auto && !gOpenat2Missing.load(); }

ErrnoOr<UniqueFd> openBeneath(int dirFd, std::string_view path, int flags, mode_t mode) {
  if (path.empty()) return Errno{ENOENT};
  if (path.find('\0') != std::string_view::npos) return Errno{EINVAL};
  const std::string pathString(path);
  if (usingOpenat2()) {
    struct open_how how{};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.mode = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    for (int retries = 0;;) {
      long fd = ::syscall(SYS_openat2, dirFd, pathString.c_str(), &how, sizeof how);
      if (fd >= 0) return UniqueFd(static_cast<int>(fd));
      const int error = errno;
      if (error == EINTR) continue;
      if (error == EAGAIN && ++retries < kMaxOpenat2Retries) continue;
      if (error == EXDEV) return Errno{EPERM};  // resolution left the tree
      if (error == ENOSYS) {
        gOpenat2Missing = true;
        break;
      }
      // Some seccomp sandboxes refuse openat2 with EPERM; the walk gives the real answer.
      if (error == EPERM) break;
      return Errno{error};
    }
  }
  return walkBeneath(dirFd, pathString, flags, mode);
}

ErrnoOr<PathParent> openParentBeneath(int dirFd, std::string_view path) {
  if (path.empty()) return Errno{ENOENT};
  if (path.find('\0') != std::string_view::npos) return Errno{EINVAL};
  size_t end = path.size();
  while (end > 0 && path[end - 1] == '/') --end;
  if (end == 0) return Errno{EPERM};  // "/": absolute
  const size_t slash = path.rfind('/', end - 1);
  const size_t nameStart = slash == std::string_view::npos ? 0 : slash + 1;
  std::string_view name = path.substr(nameStart, end - nameStart);
  // The parent keeps its trailing '/', so "/x" has parent "/" (refused as absolute).
  std::string_view parent = slash == std::string_view::npos ? "." : path.substr(0, slash + 1);
  if (name == "." || name == "..") {
    parent = path.substr(0, end);
    name = ".";
  }
  WCR_WASI_ASSIGN_OR_RETURN(UniqueFd dir, openBeneath(dirFd, parent, O_PATH | O_DIRECTORY));
  return PathParent{std::move(dir), std::string(name), end < path.size()};
}

}  // namespace wcr::wasi::p3
