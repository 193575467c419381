// Sandboxed path resolution: every guest path is resolved relative to a directory descriptor (a
// preopen, or a directory opened below one) and can never name anything outside that
// directory's tree. This is the only place that turns guest paths into host files.
//
// Decision: resolution is the kernel's, `openat2(2)` with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS
// (Linux 5.6+): `..` above the start, absolute paths and symlinks whose target (absolute, or
// relative and climbing out, directly or through a chain) leaves the tree all fail with EXDEV,
// which is reported as EPERM (the code Wasmtime, through cap-std, gives for an escape: preview1
// PERM = 63, not NOTCAPABLE). Only when the kernel lacks openat2 (ENOSYS, or EPERM from a seccomp
// filter) does a careful walk take over: one component at a time with O_PATH | O_NOFOLLOW,
// symlinks read with readlinkat and expanded by hand (40 at most, ELOOP after), `..` popping a
// stack of the directories walked through and refusing to pop the start. Both report the same
// errno for the same tree; the unit tests run every case through both (setResolveModeForTesting).
//
// Operations on a final component (mkdir, unlink, rename, symlink, readlink, link, stat without
// following) resolve its parent directory with the same rules and then act on a name that is a
// single component, so the *at system call follows nothing. A final `.` or `..` is resolved as a
// whole and acted on as `.`, so `rmdir("..")` cannot reach the preopen's parent either.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "wasi/p3/errno.h"
#include "wasi/p3/unique_fd.h"

namespace wcr::wasi::p3 {

// Opens `path` below the directory `dirFd` with open(2) `flags` (O_CLOEXEC is added; O_NOFOLLOW
// applies to the last component as in open(2)) and `mode` for O_CREAT. Errors: the kernel's, or
// EPERM when the path leaves the tree, ENOENT for an empty path, EINVAL for a NUL byte.
ErrnoOr<UniqueFd> openBeneath(int dirFd, std::string_view path, int flags, mode_t mode = 0);

// The directory that holds the last component of a path, and that component.
struct PathParent {
  UniqueFd dir;                // opened O_PATH | O_DIRECTORY below the start directory
  std::string name;            // one component, never "..": "." when the path ended in "." or ".."
  bool trailingSlash = false;  // the path ended in '/': the last component must be a directory
};
ErrnoOr<PathParent> openParentBeneath(int dirFd, std::string_view path);

// Test hook: Auto uses openat2 when the kernel has it; Walk forces the fallback walk.
enum class ResolveMode { Auto, Walk };
void setResolveModeForTesting(ResolveMode mode);
// Whether openat2 is used (false after the kernel answered ENOSYS, or in ResolveMode::Walk).
bool usingOpenat2();

}  // namespace wcr::wasi::p3
