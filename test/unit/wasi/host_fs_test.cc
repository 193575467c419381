// The shared host filesystem (wasi/p3/host_fs.h): descriptor I/O and metadata, and the path
// operations on a final component, which must not reach outside their directory either (rmdir
// "..", unlink or rename through "..", symlinks with absolute targets).
#include "wasi/p3/host_fs.h"

#include <sys/stat.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "test/unit/wasi/temp_tree.h"
#include "wasi/p3/sandbox_path.h"

namespace wcr::wasi::p3 {
namespace {

using test::wasi::TempTree;

// The errno of an outcome (0: success), for comparisons that print readably.
int err(Errno e) { return e.value; }
template <typename T>
int err(const ErrnoOr<T>& outcome) {
  return outcome.error().value;
}

std::shared_ptr<Descriptor> openSandbox(const TempTree& tree) {
  ErrnoOr<std::shared_ptr<Descriptor>> dir = Descriptor::openDirectory(tree.sandbox());
  REQUIRE(dir.ok());
  return *dir;
}

OpenOptions readWriteCreate() {
  OpenOptions options;
  options.create = true;
  options.read = options.write = true;
  return options;
}

TEST_CASE("host_fs: write, seek, read, positional I/O, stat, truncate", "[wasi]") {
  TempTree tree;
  auto dir = openSandbox(tree);
  ErrnoOr<std::shared_ptr<Descriptor>> file = dir->openAt("f.txt", readWriteCreate());
  REQUIRE(file.ok());
  Descriptor& f = **file;
  CHECK(f.kind() == Descriptor::Kind::File);
  CHECK(f.type() == DescriptorType::RegularFile);
  char hello[] = "hello world";
  struct iovec out[2] = {{hello, 6}, {hello + 6, 5}};
  ErrnoOr<size_t> written = f.writev(out);
  REQUIRE(written.ok());
  CHECK(*written == 11);
  CHECK(*f.seek(0, Whence::Current) == 11);
  CHECK(*f.seek(-5, Whence::End) == 6);
  char buf[16] = {};
  struct iovec in[1] = {{buf, sizeof buf}};
  CHECK(*f.readv(in) == 5);
  CHECK(std::string(buf, 5) == "world");
  char upper[] = "HELLO";
  struct iovec patch[1] = {{upper, 5}};
  CHECK(*f.pwritev(patch, 0) == 5);
  CHECK(*f.seek(0, Whence::Current) == 11);  // positional I/O leaves the position alone
  CHECK(*f.preadv(in, 0) == 11);
  CHECK(std::string(buf, 11) == "HELLO world");
  CHECK(err(f.seek(-1, Whence::Set)) == EINVAL);
  REQUIRE(f.setSize(3).ok());
  ErrnoOr<FileStat> stat = f.stat();
  REQUIRE(stat.ok());
  CHECK(stat->size == 3);
  CHECK(stat->type == DescriptorType::RegularFile);
  CHECK(stat->linkCount == 1);
  CHECK(tree.read("sandbox/f.txt") == "HEL");
}

TEST_CASE("host_fs: directories and streams refuse what they cannot do", "[wasi]") {
  TempTree tree;
  auto dir = openSandbox(tree);
  char buf[4];
  struct iovec in[1] = {{buf, sizeof buf}};
  CHECK(err(dir->readv(in)) == EBADF);
  CHECK(err(dir->seek(0, Whence::Set)) == EBADF);
  auto stream = Descriptor::stream(1, /*owned=*/false);
  CHECK(stream->kind() == Descriptor::Kind::Stream);
  CHECK(err(stream->seek(0, Whence::Set)) == ESPIPE);
  CHECK(err(stream->preadv(in, 0)) == ESPIPE);
  ErrnoOr<std::shared_ptr<Descriptor>> file = dir->openAt("f", readWriteCreate());
  REQUIRE(file.ok());
  CHECK(err((*file)->openAt("x", OpenOptions{})) == ENOTDIR);
  CHECK(err((*file)->readDirectory()) == ENOTDIR);
}

TEST_CASE("host_fs: path operations inside the directory", "[wasi]") {
  TempTree tree;
  auto dir = openSandbox(tree);
  REQUIRE(dir->createDirectoryAt("d").ok());
  CHECK(err(dir->createDirectoryAt("d")) == EEXIST);
  tree.write("sandbox/d/a", "a");
  REQUIRE(dir->renameAt("d/a", *dir, "b").ok());
  CHECK(tree.read("sandbox/b") == "a");
  REQUIRE(dir->linkAt("b", *dir, "d/hard").ok());
  CHECK(dir->statAt("b", true)->linkCount == 2);
  REQUIRE(dir->symlinkAt("../b", "d/link").ok());
  CHECK(*dir->readlinkAt("d/link") == "../b");
  CHECK(dir->statAt("d/link", false)->type == DescriptorType::SymbolicLink);
  CHECK(dir->statAt("d/link", true)->type == DescriptorType::RegularFile);
  CHECK(err(dir->readlinkAt("b")) == EINVAL);
  NewTimestamp atime{NewTimestamp::Kind::Time, 1000000000ull * 1000000000ull};
  NewTimestamp mtime{NewTimestamp::Kind::Time, 1234567890ull * 1000000000ull + 5};
  REQUIRE(dir->setTimesAt("d/link", true, atime, mtime).ok());  // follows: sets b's times
  ErrnoOr<FileStat> stat = dir->statAt("b", false);
  CHECK(stat->accessTime == atime.nanoseconds);
  CHECK(stat->modifyTime == mtime.nanoseconds);

  ErrnoOr<std::vector<DirectoryEntry>> entries = dir->readDirectory();
  REQUIRE(entries.ok());
  std::vector<std::string> names;
  for (const DirectoryEntry& e : *entries) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  CHECK(names == std::vector<std::string>{"b", "d"});

  CHECK(err(dir->removeDirectoryAt("d")) == ENOTEMPTY);
  CHECK(err(dir->unlinkFileAt("d")) == EISDIR);
  CHECK(err(dir->unlinkFileAt("b/")) == ENOTDIR);
  CHECK(err(dir->removeDirectoryAt("b")) == ENOTDIR);
  REQUIRE(dir->unlinkFileAt("d/hard").ok());
  REQUIRE(dir->unlinkFileAt("d/link").ok());
  CHECK(tree.exists("sandbox/b"));  // unlinking the link left its target
  REQUIRE(dir->removeDirectoryAt("d/").ok());
  CHECK_FALSE(tree.exists("sandbox/d"));
}

TEST_CASE("host_fs: path operations cannot reach outside the directory", "[wasi]") {
  setResolveModeForTesting(GENERATE(ResolveMode::Auto, ResolveMode::Walk));
  TempTree tree;
  tree.mkdir("sandbox/sub");
  tree.symlink("/etc", "sandbox/abs");
  tree.symlink("..", "sandbox/up");
  auto dir = openSandbox(tree);
  CHECK(err(dir->removeDirectoryAt("..")) == EPERM);
  CHECK(err(dir->removeDirectoryAt("sub/../..")) == EPERM);
  CHECK(err(dir->unlinkFileAt("../outside.txt")) == EPERM);
  CHECK(err(dir->unlinkFileAt("up/outside.txt")) == EPERM);
  CHECK(err(dir->createDirectoryAt("../made")) == EPERM);
  CHECK(err(dir->createDirectoryAt("abs/made")) == EPERM);
  CHECK(err(dir->renameAt("../outside.txt", *dir, "stolen")) == EPERM);
  CHECK(err(dir->renameAt("sub", *dir, "../moved")) == EPERM);
  CHECK(err(dir->linkAt("../outside.txt", *dir, "hard")) == EPERM);
  CHECK(err(dir->symlinkAt("/etc/passwd", "pw")) == EPERM);
  CHECK(err(dir->symlinkAt("x", "../new-link")) == EPERM);
  CHECK(err(dir->statAt("..", false)) == EPERM);
  CHECK(err(dir->statAt("abs", true)) == EPERM);
  CHECK(err(dir->statAt("abs/", false)) == EPERM);  // a trailing slash follows
  CHECK(err(dir->readlinkAt("up/x")) == EPERM);
  CHECK(err(dir->setTimesAt("abs", true, NewTimestamp{}, NewTimestamp{})) == EPERM);
  CHECK(err(dir->openAt("up/outside.txt", OpenOptions{})) == EPERM);
  // The link itself is inside: stat without following, unlink.
  CHECK(dir->statAt("abs", false)->type == DescriptorType::SymbolicLink);
  CHECK(err(dir->removeDirectoryAt("sub/..")) == EINVAL);  // acted on as "."
  REQUIRE(dir->unlinkFileAt("abs").ok());
  CHECK(tree.read("outside.txt") == "outside\n");
  CHECK_FALSE(tree.exists("made"));
  CHECK_FALSE(tree.exists("moved"));
  CHECK_FALSE(tree.exists("new-link"));
  setResolveModeForTesting(ResolveMode::Auto);
}

}  // namespace
}  // namespace wcr::wasi::p3
