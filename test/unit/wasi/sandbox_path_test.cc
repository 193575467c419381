// Path resolution below a preopen (wasi/p3/sandbox_path.h): every way out of the tree (`..`,
// absolute paths, symlinks pointing out absolutely or relatively, directly or through a chain,
// dangling symlinks with O_CREAT) is EPERM, what Wasmtime reports (preview1 PERM = 63); paths
// that stay inside, however winding, work. Every case runs with openat2 and with the fallback walk,
// and a child process with openat2 made to fail with ENOSYS (seccomp) checks the switch to the walk.
#include "wasi/p3/sandbox_path.h"

#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <string>

#include "test/unit/wasi/temp_tree.h"
#include "wasi/p3/unique_fd.h"

namespace wcr::wasi::p3 {
namespace {

using test::wasi::TempTree;

// Sets the resolution mode for one test and restores the default after it.
class ModeScope {
 public:
  explicit ModeScope(ResolveMode mode) { setResolveModeForTesting(mode); }
  ~ModeScope() { setResolveModeForTesting(ResolveMode::Auto); }
};

// The tree every case resolves in (relative to ROOT/sandbox):
//   sub/file ("inside"), sub/up -> .. , sub/up2 -> ../.. , abs -> /etc, rel -> ../outside.txt,
//   chain1 -> chain2 -> rel, in1 -> in2 -> sub/file, loop1 <-> loop2, dangle -> ../created,
//   subdir-link -> sub
struct Fixture {
  TempTree tree;
  UniqueFd dir;
  Fixture() {
    tree.mkdir("sandbox/sub");
    tree.write("sandbox/sub/file", "inside");
    tree.symlink("..", "sandbox/sub/up");
    tree.symlink("../..", "sandbox/sub/up2");
    tree.symlink("/etc", "sandbox/abs");
    tree.symlink("../outside.txt", "sandbox/rel");
    tree.symlink("chain2", "sandbox/chain1");
    tree.symlink("rel", "sandbox/chain2");
    tree.symlink("in2", "sandbox/in1");
    tree.symlink("sub/file", "sandbox/in2");
    tree.symlink("loop2", "sandbox/loop1");
    tree.symlink("loop1", "sandbox/loop2");
    tree.symlink("../created", "sandbox/dangle");
    tree.symlink("sub", "sandbox/subdir-link");
    dir = UniqueFd(::open(tree.sandbox().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  }
  int open(const std::string& path, int flags = O_RDONLY, mode_t mode = 0644) {
    ErrnoOr<UniqueFd> fd = openBeneath(dir.get(), path, flags, mode);
    if (!fd.ok()) return -fd.error().value;
    return 0;
  }
  std::string read(const std::string& path) {
    ErrnoOr<UniqueFd> fd = openBeneath(dir.get(), path, O_RDONLY);
    if (!fd.ok()) return "<error>";
    char buf[64] = {};
    ssize_t n = ::read(fd->get(), buf, sizeof buf);
    return std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
  }
};

ResolveMode anyMode() { return GENERATE(ResolveMode::Auto, ResolveMode::Walk); }

TEST_CASE("sandbox: the kernel has openat2", "[wasi]") {
  // Not a requirement (the walk covers its absence), but the Auto cases below only test
  // openat2 when this holds.
  if (!usingOpenat2()) WARN("openat2 is unavailable here: only the fallback walk is tested");
}

TEST_CASE("sandbox: .. and absolute paths are refused", "[wasi]") {
  ModeScope scope(anyMode());
  Fixture f;
  CHECK(f.open("..") == -EPERM);
  CHECK(f.open("../outside.txt") == -EPERM);
  CHECK(f.open("sub/../..") == -EPERM);
  CHECK(f.open("sub/../../outside.txt") == -EPERM);
  CHECK(f.open("./../sandbox/sub/file") == -EPERM);
  CHECK(f.open("/etc/passwd") == -EPERM);
  CHECK(f.open("/") == -EPERM);
  CHECK(f.open(f.tree.sandbox() + "/sub/file") == -EPERM);  // absolute, even when inside
}

TEST_CASE("sandbox: symlinks leading out are refused", "[wasi]") {
  ModeScope scope(anyMode());
  Fixture f;
  CHECK(f.open("abs") == -EPERM);         // absolute target
  CHECK(f.open("abs/passwd") == -EPERM);  // through it
  CHECK(f.open("abs", O_RDONLY | O_DIRECTORY) == -EPERM);
  CHECK(f.open("rel") == -EPERM);                  // relative target above the root
  CHECK(f.open("chain1") == -EPERM);               // chain1 -> chain2 -> rel -> ../outside.txt
  CHECK(f.open("sub/up2/outside.txt") == -EPERM);  // sub/up2 -> ../..
  CHECK(f.open("sub/up2", O_RDONLY | O_DIRECTORY) == -EPERM);
  CHECK(f.open("subdir-link/up2/outside.txt") == -EPERM);
  // Not following the last component: the link itself, never its target.
  CHECK(f.open("abs", O_RDONLY | O_NOFOLLOW) == -ELOOP);
  CHECK(f.open("abs", O_PATH | O_NOFOLLOW) == 0);
  CHECK(f.open("rel", O_RDONLY | O_NOFOLLOW) == -ELOOP);
}

TEST_CASE("sandbox: creating through a dangling symlink that leads out is refused", "[wasi]") {
  ModeScope scope(anyMode());
  Fixture f;
  CHECK(f.open("dangle", O_WRONLY | O_CREAT, 0644) == -EPERM);
  CHECK_FALSE(f.tree.exists("created"));
  CHECK(f.open("../created", O_WRONLY | O_CREAT, 0644) == -EPERM);
  CHECK_FALSE(f.tree.exists("created"));
  // O_EXCL never follows: the link exists, so EEXIST.
  CHECK(f.open("dangle", O_WRONLY | O_CREAT | O_EXCL, 0644) == -EEXIST);
}

TEST_CASE("sandbox: paths that stay inside resolve", "[wasi]") {
  ModeScope scope(anyMode());
  Fixture f;
  CHECK(f.read("sub/file") == "inside");
  CHECK(f.read("./sub//./file") == "inside");
  CHECK(f.read("sub/../sub/file") == "inside");
  CHECK(f.read("in1") == "inside");              // in1 -> in2 -> sub/file
  CHECK(f.read("sub/up/sub/file") == "inside");  // sub/up -> .. (the root itself)
  CHECK(f.read("subdir-link/up/in1") == "inside");
  CHECK(f.open(".", O_RDONLY | O_DIRECTORY) == 0);
  CHECK(f.open("sub/..", O_RDONLY | O_DIRECTORY) == 0);
  CHECK(f.open("sub/", O_RDONLY) == 0);
  CHECK(f.open("sub/file/", O_RDONLY) == -ENOTDIR);
  CHECK(f.open("new.txt", O_WRONLY | O_CREAT | O_EXCL, 0644) == 0);
  CHECK(f.tree.exists("sandbox/new.txt"));
}

TEST_CASE("sandbox: errors of ordinary resolution", "[wasi]") {
  ModeScope scope(anyMode());
  Fixture f;
  CHECK(f.open("") == -ENOENT);
  CHECK(f.open("missing") == -ENOENT);
  CHECK(f.open("missing/x") == -ENOENT);
  CHECK(f.open("sub/file/x") == -ENOTDIR);
  CHECK(f.open("loop1") == -ELOOP);
  CHECK(f.open(std::string("sub\0file", 8)) == -EINVAL);
}

TEST_CASE("sandbox: the parent of a last component", "[wasi]") {
  ModeScope scope(anyMode());
  Fixture f;
  auto parentOf = [&](const std::string& path) -> std::string {
    ErrnoOr<PathParent> parent = openParentBeneath(f.dir.get(), path);
    if (!parent.ok()) return "errno " + std::to_string(parent.error().value);
    return parent->name + (parent->trailingSlash ? " /" : "");
  };
  CHECK(parentOf("file") == "file");
  CHECK(parentOf("sub/file") == "file");
  CHECK(parentOf("sub/new/") == "new /");
  CHECK(parentOf("sub//x//") == "x /");
  // A final "." or ".." is resolved as a whole and acted on as ".".
  CHECK(parentOf("sub/..") == ".");
  CHECK(parentOf(".") == ".");
  CHECK(parentOf("..") == "errno " + std::to_string(EPERM));
  CHECK(parentOf("sub/../..") == "errno " + std::to_string(EPERM));
  CHECK(parentOf("../x") == "errno " + std::to_string(EPERM));
  CHECK(parentOf("/x") == "errno " + std::to_string(EPERM));
  CHECK(parentOf("/") == "errno " + std::to_string(EPERM));
  CHECK(parentOf("abs/x") == "errno " + std::to_string(EPERM));
  CHECK(parentOf("") == "errno " + std::to_string(ENOENT));
  // The last component is not resolved: a symlink leading out can be named (to unlink it).
  CHECK(parentOf("abs") == "abs");
}

// Makes openat2 fail with ENOSYS in this process, as on kernels before 5.6. False when seccomp
// filters cannot be installed here.
bool denyOpenat2() {
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat2, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  struct sock_fprog program = {static_cast<unsigned short>(sizeof filter / sizeof filter[0]),
                               filter};
  return ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
         ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == 0;
}

TEST_CASE("sandbox: without openat2 (ENOSYS) the walk takes over", "[wasi]") {
  Fixture f;
  // In a child process: the seccomp filter cannot be removed once installed.
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    if (!denyOpenat2()) ::_exit(77);
    int failures = 0;
    failures += f.open("../outside.txt") != -EPERM;  // the first call finds openat2 missing
    failures += usingOpenat2();
    failures += f.open("rel") != -EPERM;
    failures += f.open("chain1") != -EPERM;
    failures += f.open("abs/passwd") != -EPERM;
    failures += f.read("in1") != "inside";
    failures += f.read("sub/up/sub/file") != "inside";
    ::_exit(failures == 0 ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77) {
    WARN("seccomp filters cannot be installed here: the ENOSYS fallback is not tested");
    return;
  }
  CHECK(WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace wcr::wasi::p3
