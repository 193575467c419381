// Guest: attempts to leave the preopened directory, each of which must fail cleanly.
//   escape DIR      (DIR: the guest path of the preopen, e.g. /sandbox)
// The test lays out, on the host: ROOT/outside.txt, ROOT/sandbox (preopened as DIR) holding
// etc-link -> /etc, up-link -> ../outside.txt, chain -> up-link, sub/file ("inside\n") and
// inner -> sub/file. Paths go through wasi-libc (which refuses what no preopen covers with
// ENOTCAPABLE itself) and straight to the host with __wasi_path_open and friends on the preopen's
// fd 3, printing the preview1 errno (63 PERM is what the runtime answers for an escape).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static char base[256];

static const char* at(const char* name) {
  static char paths[4][512];
  static int next = 0;
  char* out = paths[next++ % 4];
  snprintf(out, 512, "%s/%s", base, name);
  return out;
}

static void libcOpen(const char* path) {
  errno = 0;
  FILE* f = fopen(path, "r");
  if (f) {
    char line[64] = {0};
    fgets(line, sizeof line, f);
    fclose(f);
    printf("fopen %s: opened, reads \"%.*s\"\n", path, (int)strcspn(line, "\n"), line);
  } else {
    printf("fopen %s: refused, errno %d (%s)\n", path, errno, strerror(errno));
  }
}

static void rawOpen(const char* path, __wasi_lookupflags_t lookup, __wasi_oflags_t oflags) {
  __wasi_fd_t fd = 0;
  __wasi_errno_t error =
      __wasi_path_open(3, lookup, path, oflags, __WASI_RIGHTS_FD_READ, 0, 0, &fd);
  printf("path_open %s (follow %d, oflags %d): errno %d\n", path, lookup, oflags, error);
  if (error == 0) (void)!__wasi_fd_close(fd);
}

static void expectFailure(const char* what, int result) {
  if (result == 0) {
    printf("%s: SUCCEEDED (escape!)\n", what);
  } else {
    printf("%s: refused, errno %d\n", what, errno);
  }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: escape DIR\n");
    return 2;
  }
  snprintf(base, sizeof base, "%s", argv[1]);

  // Through wasi-libc.
  libcOpen("../outside.txt");
  libcOpen("/etc/passwd");
  libcOpen(at("../outside.txt"));
  libcOpen(at("etc-link/passwd"));
  libcOpen(at("etc-link/../outside.txt"));
  libcOpen(at("up-link"));
  libcOpen(at("chain"));
  libcOpen(at("sub/../../outside.txt"));
  libcOpen(at("inner"));  // a symlink chain that stays inside: allowed
  libcOpen(at("sub/../sub/file"));

  errno = 0;
  DIR* dir = opendir("..");
  printf("opendir ..: %s, errno %d\n", dir ? "opened" : "refused", errno);
  if (dir) closedir(dir);
  errno = 0;
  dir = opendir(at(".."));
  printf("opendir %s: %s, errno %d\n", at(".."), dir ? "opened" : "refused", errno);
  if (dir) closedir(dir);
  errno = 0;
  dir = opendir(at("etc-link"));
  printf("opendir %s: %s, errno %d\n", at("etc-link"), dir ? "opened" : "refused", errno);
  if (dir) closedir(dir);

  struct stat st;
  expectFailure("stat etc-link (follows)", stat(at("etc-link"), &st));
  printf("lstat etc-link: %d, symlink %d\n", lstat(at("etc-link"), &st), S_ISLNK(st.st_mode));
  expectFailure("stat ..", stat(at(".."), &st));
  expectFailure("mkdir ../made-outside", mkdir(at("../made-outside"), 0755));
  expectFailure("mkdir etc-link/made", mkdir(at("etc-link/made"), 0755));
  expectFailure("creat ../created-outside",
                open(at("../created-outside"), O_WRONLY | O_CREAT, 0644) < 0 ? -1 : 0);
  expectFailure("creat up-link/x", open(at("up-link/x"), O_WRONLY | O_CREAT, 0644) < 0 ? -1 : 0);
  expectFailure("rename sub/file -> ../stolen", rename(at("sub/file"), at("../stolen")));
  expectFailure("rename ../outside.txt -> taken", rename(at("../outside.txt"), at("taken")));
  expectFailure("link ../outside.txt -> hard", link(at("../outside.txt"), at("hard")));
  expectFailure("unlink ../outside.txt", unlink(at("../outside.txt")));
  expectFailure("rmdir ..", rmdir(at("..")));
  expectFailure("symlink /etc <- abs-link", symlink("/etc", at("abs-link")));
  // A relative symlink may point anywhere; following it is what is refused.
  printf("symlink ../.. <- rel-escape: %d\n", symlink("../..", at("rel-escape")));
  libcOpen(at("rel-escape/outside.txt"));
  char target[64] = {0};
  ssize_t n = readlink(at("up-link"), target, sizeof target - 1);
  printf("readlink up-link: %zd \"%s\"\n", n, n > 0 ? target : "");

  // Straight to the host, relative to the preopen.
  rawOpen("..", 1, 0);
  rawOpen("../outside.txt", 1, 0);
  rawOpen("/etc/passwd", 1, 0);
  rawOpen("/", 1, __WASI_OFLAGS_DIRECTORY);
  rawOpen("etc-link", 1, __WASI_OFLAGS_DIRECTORY);
  rawOpen("etc-link", 0, 0);
  rawOpen("etc-link/passwd", 1, 0);
  rawOpen("up-link", 1, 0);
  rawOpen("up-link", 0, 0);
  rawOpen("chain", 1, 0);
  rawOpen("sub/../..", 1, __WASI_OFLAGS_DIRECTORY);
  rawOpen("sub/..", 1, __WASI_OFLAGS_DIRECTORY);
  rawOpen("sub/./file", 1, 0);
  rawOpen("inner", 1, 0);
  rawOpen("", 1, 0);
  __wasi_filestat_t stat;
  printf("path_filestat_get .. : errno %d\n", __wasi_path_filestat_get(3, 0, "..", &stat));
  printf("path_filestat_get etc-link follow: errno %d\n",
         __wasi_path_filestat_get(3, 1, "etc-link", &stat));
  printf("path_create_directory ../x: errno %d\n", __wasi_path_create_directory(3, "../x"));
  printf("path_remove_directory ..: errno %d\n", __wasi_path_remove_directory(3, ".."));
  printf("path_unlink_file ../outside.txt: errno %d\n",
         __wasi_path_unlink_file(3, "../outside.txt"));
  printf("path_symlink /etc/passwd: errno %d\n", __wasi_path_symlink("/etc/passwd", 3, "pw"));
  printf("path_rename sub/file -> ../stolen: errno %d\n",
         __wasi_path_rename(3, "sub/file", 3, "../stolen"));
  printf("path_link ../outside.txt -> hard: errno %d\n",
         __wasi_path_link(3, 0, "../outside.txt", 3, "hard"));
  return 0;
}
