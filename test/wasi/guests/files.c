// Guest: file operations in a preopened directory, through wasi-libc's POSIX layer.
//   files DIR       (DIR: the guest path of the preopen, e.g. /sandbox)
// Creates, writes, reads, seeks, truncates, appends, stats, lists, renames, links, symlinks,
// changes times of and removes files and directories in DIR, printing what it observes (never
// inode numbers or current times, so the output is the same on every host and runtime). Leaves
// DIR/kept.txt with "kept\n" for the test to check from the host side.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char base[256];

static const char* at(const char* name) {
  static char paths[4][512];
  static int next = 0;
  char* out = paths[next++ % 4];
  snprintf(out, 512, "%s/%s", base, name);
  return out;
}

// Prints "what: ok" or "what: error <errno name>".
static void report(const char* what, int failed) {
  if (failed) {
    printf("%s: error %s\n", what, strerror(errno));
  } else {
    printf("%s: ok\n", what);
  }
}

static void writeFile(const char* name, const char* text) {
  FILE* f = fopen(at(name), "w");
  if (!f) {
    printf("fopen %s: error %s\n", name, strerror(errno));
    return;
  }
  fputs(text, f);
  fclose(f);
}

static void printFile(const char* name) {
  char buf[256] = {0};
  int fd = open(at(name), O_RDONLY);
  if (fd < 0) {
    printf("read %s: error %s\n", name, strerror(errno));
    return;
  }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  printf("read %s: %zd bytes \"%s\"\n", name, n, n >= 0 ? buf : "");
}

static int compareStrings(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

static const char* typeName(unsigned char type) {
  switch (type) {
    case DT_REG: return "file";
    case DT_DIR: return "dir";
    case DT_LNK: return "symlink";
    default: return "other";
  }
}

static void listDirectory(const char* name) {
  DIR* dir = opendir(at(name));
  if (!dir) {
    printf("opendir %s: error %s\n", name, strerror(errno));
    return;
  }
  char* entries[1024];
  int count = 0;
  struct dirent* entry;
  while ((entry = readdir(dir)) != NULL && count < 1024) {
    char line[300];
    snprintf(line, sizeof line, "%s (%s)", entry->d_name, typeName(entry->d_type));
    entries[count++] = strdup(line);
  }
  closedir(dir);
  qsort(entries, count, sizeof(char*), compareStrings);
  printf("list %s: %d entries\n", name, count);
  for (int i = 0; i < count; ++i) {
    if (count <= 12) printf("  %s\n", entries[i]);
    free(entries[i]);
  }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: files DIR\n");
    return 2;
  }
  snprintf(base, sizeof base, "%s", argv[1]);

  // Create, read back, stat.
  writeFile("a.txt", "hello world\n");
  printFile("a.txt");
  struct stat st;
  report("stat a.txt", stat(at("a.txt"), &st) != 0);
  printf("a.txt: size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));

  // Seek, positional I/O, truncate.
  int fd = open(at("a.txt"), O_RDWR);
  report("open a.txt O_RDWR", fd < 0);
  char buf[64] = {0};
  printf("lseek SET 6 -> %lld\n", (long long)lseek(fd, 6, SEEK_SET));
  printf("read 5 -> %zd \"%.5s\"\n", read(fd, buf, 5), buf);
  printf("lseek CUR 0 -> %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  printf("lseek END 0 -> %lld\n", (long long)lseek(fd, 0, SEEK_END));
  printf("pwrite 0 -> %zd\n", pwrite(fd, "HELLO", 5, 0));
  memset(buf, 0, sizeof buf);
  printf("pread 0 -> %zd \"%s\"\n", pread(fd, buf, sizeof buf - 1, 0), buf);
  printf("lseek CUR after pread/pwrite -> %lld\n", (long long)lseek(fd, 0, SEEK_CUR));
  report("ftruncate 5", ftruncate(fd, 5) != 0);
  fstat(fd, &st);
  printf("fstat size %lld\n", (long long)st.st_size);
  printf("lseek SET -1 -> %lld (%s)\n", (long long)lseek(fd, -1, SEEK_SET), strerror(errno));
  close(fd);

  // Append mode.
  fd = open(at("a.txt"), O_WRONLY | O_APPEND);
  report("open a.txt O_APPEND", fd < 0);
  printf("write 2 -> %zd\n", write(fd, "!!", 2));
  close(fd);
  printFile("a.txt");

  // A write-only fd cannot read.
  fd = open(at("a.txt"), O_WRONLY);
  printf("read on O_WRONLY -> %zd (%s)\n", read(fd, buf, 1), strerror(errno));
  close(fd);

  // Directories and listing.
  report("mkdir dir", mkdir(at("dir"), 0755) != 0);
  report("mkdir dir again", mkdir(at("dir"), 0755) != 0);
  writeFile("dir/b.txt", "bee\n");
  writeFile("dir/c.txt", "sea\n");
  listDirectory("dir");

  // Rename.
  report("rename a.txt -> dir/renamed.txt", rename(at("a.txt"), at("dir/renamed.txt")) != 0);
  report("stat a.txt after rename", stat(at("a.txt"), &st) != 0);
  printFile("dir/renamed.txt");

  // Symlinks and hard links.
  report("symlink renamed.txt <- dir/link", symlink("renamed.txt", at("dir/link")) != 0);
  char target[64] = {0};
  ssize_t n = readlink(at("dir/link"), target, sizeof target - 1);
  printf("readlink dir/link -> %zd \"%s\"\n", n, n >= 0 ? target : "");
  report("lstat dir/link", lstat(at("dir/link"), &st) != 0);
  printf("dir/link: symlink %d\n", S_ISLNK(st.st_mode));
  report("stat dir/link", stat(at("dir/link"), &st) != 0);
  printf("dir/link -> size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
  printFile("dir/link");
  report("link dir/b.txt -> dir/hard", link(at("dir/b.txt"), at("dir/hard")) != 0);
  stat(at("dir/b.txt"), &st);
  printf("dir/b.txt nlink %lld\n", (long long)st.st_nlink);
  listDirectory("dir");

  // Times.
  struct timespec times[2] = {{1000000000, 0}, {1500000000, 123456789}};
  report("utimensat dir/c.txt", utimensat(AT_FDCWD, at("dir/c.txt"), times, 0) != 0);
  stat(at("dir/c.txt"), &st);
  printf("dir/c.txt atime %lld mtime %lld.%09ld\n", (long long)st.st_atim.tv_sec,
         (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

  // Errors a program must see as POSIX errors.
  report("open missing.txt", open(at("missing.txt"), O_RDONLY) < 0);
  report("open dir/b.txt O_CREAT|O_EXCL",
         open(at("dir/b.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644) < 0);
  report("unlink dir", unlink(at("dir")) != 0);
  report("rmdir dir (not empty)", rmdir(at("dir")) != 0);
  report("rmdir dir/b.txt", rmdir(at("dir/b.txt")) != 0);
  report("open dir/b.txt/x", open(at("dir/b.txt/x"), O_RDONLY) < 0);
  report("opendir dir/b.txt", opendir(at("dir/b.txt")) == NULL);

  // Many entries: fd_readdir continues from cookies across calls.
  report("mkdir many", mkdir(at("many"), 0755) != 0);
  for (int i = 0; i < 300; ++i) {
    char name[64];
    snprintf(name, sizeof name, "many/entry-with-a-longish-name-%03d", i);
    int f = open(at(name), O_WRONLY | O_CREAT, 0644);
    if (f < 0) printf("create %s: error %s\n", name, strerror(errno));
    close(f);
  }
  listDirectory("many");

  // A large transfer through several iovecs and short I/O.
  enum { kBig = 300000 };
  unsigned char* big = malloc(kBig);
  for (int i = 0; i < kBig; ++i) big[i] = (unsigned char)(i * 7 + 3);
  fd = open(at("big.bin"), O_RDWR | O_CREAT | O_TRUNC, 0644);
  size_t written = 0;
  while (written < kBig) {
    ssize_t w = write(fd, big + written, kBig - written);
    if (w <= 0) break;
    written += (size_t)w;
  }
  printf("big: wrote %zu\n", written);
  lseek(fd, 0, SEEK_SET);
  unsigned char* back = calloc(kBig, 1);
  size_t got = 0;
  while (got < kBig) {
    ssize_t r = read(fd, back + got, kBig - got);
    if (r <= 0) break;
    got += (size_t)r;
  }
  printf("big: read %zu, equal %d\n", got, memcmp(big, back, kBig) == 0);
  close(fd);

  // Clean up, leaving kept.txt.
  const char* removals[] = {"dir/b.txt", "dir/c.txt", "dir/hard", "dir/link", "dir/renamed.txt",
                            "big.bin"};
  for (size_t i = 0; i < sizeof removals / sizeof removals[0]; ++i) {
    if (unlink(at(removals[i])) != 0) printf("unlink %s: error %s\n", removals[i], strerror(errno));
  }
  for (int i = 0; i < 300; ++i) {
    char name[64];
    snprintf(name, sizeof name, "many/entry-with-a-longish-name-%03d", i);
    unlink(at(name));
  }
  report("rmdir many", rmdir(at("many")) != 0);
  report("rmdir dir", rmdir(at("dir")) != 0);
  writeFile("kept.txt", "kept\n");
  listDirectory(".");
  return 0;
}
