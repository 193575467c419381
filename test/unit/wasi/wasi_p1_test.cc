// wasi_snapshot_preview1 (wasi/p1): the functions called directly as the vm calls host functions,
// on a 64 KiB memory, checking the exact struct layouts written into guest memory, errno codes,
// bounds checks (FAULT, never a host crash) and the sandbox (PERM); the import binding; and two
// JIT-compiled modules that call preview1 from wasm, unwinding with proc_exit from deep frames.
#include "wasi/p1/wasi_p1.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "jit/llvm/llvm_compiler.h"
#include "jit/text/parser.h"
#include "jit/vm/host_func.h"
#include "jit/vm/invoke.h"
#include "jit/vm/memory.h"
#include "jit/wasm/decoder.h"
#include "jit/wasm/validator.h"
#include "test/unit/wasi/temp_tree.h"

namespace wcr::wasi::p1 {
namespace {

using jit::vm::ValRaw;
using test::wasi::TempTree;

constexpr int32_t kSuccess = 0, kBadF = 8, kExist = 20, kFault = 21, kInval = 28, kIsDir = 31,
                  kLoop = 32, kNoEnt = 44, kNoSys = 52, kNotDir = 54, kNotSock = 57, kNotSup = 58,
                  kPerm = 63, kSPipe = 70, kNameTooLong = 37;
constexpr uint32_t kPreopenFd = 3;
constexpr uint64_t kMemorySize = 65536;

// A WasiP1 over ROOT/sandbox (as "/sandbox"), every function bound, a one-page memory, and
// stdout captured in ROOT/stdout.
struct Harness {
  TempTree tree;
  int stdoutFd = -1;
  std::unique_ptr<WasiP1> wasi;
  jit::vm::TypeRegistry types;
  std::shared_ptr<jit::vm::Memory> memory;
  std::map<std::string, std::shared_ptr<const jit::vm::Func>> funcs;

  Harness() {
    stdoutFd = ::open(tree.path("stdout").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    WasiConfig config;
    config.args = {"prog", "first arg", ""};
    config.env = {{"A", "1"}, {"LONGER", "x=y"}};
    config.preopens = {{tree.sandbox(), "/sandbox"}};
    config.stdinFd = -1;
    config.stdoutFd = stdoutFd;
    absl::StatusOr<std::unique_ptr<WasiP1>> created = WasiP1::create(config);
    REQUIRE(created.ok());
    wasi = *std::move(created);
    jit::wasm::Module module;
    for (const std::string& name : WasiP1::functionNames()) {
      module.types.push_back(*WasiP1::functionType(name));
      jit::wasm::Import import;
      import.module = "wasi_snapshot_preview1";
      import.name = name;
      import.funcType = static_cast<uint32_t>(module.types.size() - 1);
      module.imports.push_back(import);
    }
    absl::StatusOr<std::vector<jit::vm::Extern>> externs = wasi->importsFor(module, types);
    REQUIRE(externs.ok());
    for (size_t i = 0; i < externs->size(); ++i) funcs[module.imports[i].name] = (*externs)[i].func;
    jit::wasm::MemoryType type;
    type.limits.min = 1;
    type.limits.max = 1;
    absl::StatusOr<std::shared_ptr<jit::vm::Memory>> mem = jit::vm::Memory::create(type);
    REQUIRE(mem.ok());
    memory = *mem;
    wasi->bindMemory(memory);
  }
  ~Harness() { ::close(stdoutFd); }

  jit::vm::Trap invoke(const std::string& name, std::vector<int64_t> args, ValRaw* result) {
    const auto& func = funcs.at(name);
    std::vector<ValRaw> values(std::max<size_t>(func->type.params.size(), 1));
    REQUIRE(args.size() == func->type.params.size());
    for (size_t i = 0; i < args.size(); ++i) {
      if (func->type.params[i] == jit::wasm::kI64) {
        values[i].i64 = args[i];
      } else {
        values[i].i32 = static_cast<int32_t>(args[i]);
      }
    }
    jit::vm::Trap trap = jit::vm::invoke(*func, values.data());
    *result = values[0];
    return trap;
  }
  // Calls a function that returns an errno.
  int32_t call(const std::string& name, std::vector<int64_t> args) {
    ValRaw result{};
    jit::vm::Trap trap = invoke(name, std::move(args), &result);
    REQUIRE(trap.ok());
    return result.i32;
  }

  uint8_t* mem() { return memory->base(); }
  void put32(uint32_t at, uint32_t v) { std::memcpy(mem() + at, &v, 4); }
  uint32_t get32(uint32_t at) {
    uint32_t v;
    std::memcpy(&v, mem() + at, 4);
    return v;
  }
  uint64_t get64(uint32_t at) {
    uint64_t v;
    std::memcpy(&v, mem() + at, 8);
    return v;
  }
  uint16_t get16(uint32_t at) {
    uint16_t v;
    std::memcpy(&v, mem() + at, 2);
    return v;
  }
  // Stores `text` at `at` and returns {at, length} for a (ptr, len) argument pair.
  std::vector<int64_t> str(uint32_t at, const std::string& text) {
    std::memcpy(mem() + at, text.data(), text.size());
    return {at, static_cast<int64_t>(text.size())};
  }
  // path_open of `path` below the preopen; returns the errno, and the fd in *fd.
  int32_t open(const std::string& path, uint32_t oflags, uint64_t rights, uint32_t* fd,
               uint32_t lookup = 1) {
    std::vector<int64_t> name = str(1000, path);
    int32_t error = call("path_open", {kPreopenFd, lookup, name[0], name[1], oflags,
                                       static_cast<int64_t>(rights), 0, 0, 2000});
    *fd = get32(2000);
    return error;
  }
  // fd_write of `text` through one iovec at 3000.
  int32_t write(uint32_t fd, const std::string& text, uint32_t* written) {
    std::memcpy(mem() + 3100, text.data(), text.size());
    put32(3000, 3100);
    put32(3004, static_cast<uint32_t>(text.size()));
    int32_t error = call("fd_write", {fd, 3000, 1, 3008});
    *written = get32(3008);
    return error;
  }
  std::string capturedStdout() { return tree.read("stdout"); }
};

constexpr uint64_t kRead = 1ull << 1, kWrite = 1ull << 6;

TEST_CASE("p1: every function wasi-libc imports is provided with its type", "[wasi]") {
  const std::vector<std::string> names = WasiP1::functionNames();
  CHECK(names.size() == 46);
  using jit::wasm::FuncType;
  using jit::wasm::kI32;
  using jit::wasm::kI64;
  CHECK(*WasiP1::functionType("fd_write") == FuncType{{kI32, kI32, kI32, kI32}, {kI32}});
  CHECK(*WasiP1::functionType("path_open") ==
        FuncType{{kI32, kI32, kI32, kI32, kI32, kI64, kI64, kI32, kI32}, {kI32}});
  CHECK(*WasiP1::functionType("fd_seek") == FuncType{{kI32, kI64, kI32, kI32}, {kI32}});
  CHECK(*WasiP1::functionType("proc_exit") == FuncType{{kI32}, {}});
  CHECK(*WasiP1::functionType("sched_yield") == FuncType{{}, {kI32}});
  CHECK(*WasiP1::functionType("path_filestat_set_times") ==
        FuncType{{kI32, kI32, kI32, kI32, kI64, kI64, kI32}, {kI32}});
  CHECK_FALSE(WasiP1::functionType("fd_nope").has_value());
}

TEST_CASE("p1: fdstat, prestat and filestat layouts", "[wasi]") {
  Harness h;
  std::memset(h.mem() + 100, 0xEE, 64);
  REQUIRE(h.call("fd_fdstat_get", {kPreopenFd, 100}) == kSuccess);
  CHECK(h.mem()[100] == 3);  // filetype directory
  CHECK(h.get16(102) == 0);  // flags
  CHECK(h.get64(108) == 0x7b7fe00);
  CHECK(h.get64(116) == 0xff7ffff);
  CHECK(h.mem()[124] == 0xEE);  // 24 bytes, not one more

  REQUIRE(h.call("fd_fdstat_get", {1, 100}) == kSuccess);
  CHECK(h.mem()[100] == 0);  // stdout is a file here: UNKNOWN, as Wasmtime reports non-ttys
  CHECK(h.get64(108) == kWrite);

  std::memset(h.mem() + 200, 0xEE, 16);
  REQUIRE(h.call("fd_prestat_get", {kPreopenFd, 200}) == kSuccess);
  CHECK(h.mem()[200] == 0);                            // tag: dir
  CHECK(h.get32(204) == 8);                            // strlen("/sandbox")
  CHECK(h.mem()[208] == 0xEE);                         // 8 bytes
  CHECK(h.call("fd_prestat_get", {4, 200}) == kBadF);  // where wasi-libc stops looking
  CHECK(h.call("fd_prestat_get", {1, 200}) == kBadF);
  REQUIRE(h.call("fd_prestat_dir_name", {kPreopenFd, 300, 8}) == kSuccess);
  CHECK(std::string(reinterpret_cast<char*>(h.mem() + 300), 8) == "/sandbox");
  CHECK(h.call("fd_prestat_dir_name", {kPreopenFd, 300, 7}) == kNameTooLong);

  h.tree.write("sandbox/f.txt", "12345");
  uint32_t fd = 0;
  REQUIRE(h.open("f.txt", 0, kRead, &fd) == kSuccess);
  CHECK(fd == 4);
  std::memset(h.mem() + 400, 0xEE, 80);
  REQUIRE(h.call("fd_filestat_get", {fd, 400}) == kSuccess);
  CHECK(h.get64(400) != 0);                             // dev
  CHECK(h.get64(408) != 0);                             // ino
  CHECK(h.mem()[416] == 4);                             // regular file
  CHECK(h.get64(424) == 1);                             // nlink
  CHECK(h.get64(432) == 5);                             // size
  CHECK(h.get64(448) > 1500000000ull * 1000000000ull);  // mtim, ns
  CHECK(h.mem()[464] == 0xEE);                          // 64 bytes
  REQUIRE(h.call("fd_fdstat_get", {fd, 100}) == kSuccess);
  CHECK(h.mem()[100] == 4);
  CHECK(h.get64(108) == 0x3fffffbf);  // every right but FD_WRITE: opened read-only
  REQUIRE(h.call("path_filestat_get", {kPreopenFd, 0, h.str(500, "f.txt")[0], 5, 400}) == kSuccess);
  CHECK(h.get64(432) == 5);
}

TEST_CASE("p1: file I/O through path_open, fd_write, fd_seek, fd_read", "[wasi]") {
  Harness h;
  uint32_t fd = 0;
  REQUIRE(h.open("new.txt", /*creat*/ 1, kRead | kWrite, &fd) == kSuccess);
  uint32_t written = 0;
  REQUIRE(h.write(fd, "hello, file", &written) == kSuccess);
  CHECK(written == 11);
  CHECK(h.tree.read("sandbox/new.txt") == "hello, file");
  REQUIRE(h.call("fd_seek", {fd, -4, /*end*/ 2, 600}) == kSuccess);
  CHECK(h.get64(600) == 7);
  REQUIRE(h.call("fd_tell", {fd, 608}) == kSuccess);
  CHECK(h.get64(608) == 7);
  // Two iovecs: 2 bytes at 700, the rest at 800.
  h.put32(650, 700);
  h.put32(654, 2);
  h.put32(658, 800);
  h.put32(662, 10);
  REQUIRE(h.call("fd_read", {fd, 650, 2, 670}) == kSuccess);
  CHECK(h.get32(670) == 4);
  CHECK(std::string(reinterpret_cast<char*>(h.mem() + 700), 2) == "fi");
  CHECK(std::string(reinterpret_cast<char*>(h.mem() + 800), 2) == "le");
  REQUIRE(h.call("fd_pread", {fd, 650, 1, 0, 670}) == kSuccess);
  CHECK(h.get32(670) == 2);
  CHECK(h.call("fd_seek", {fd, 0, 3, 600}) == kInval);  // no such whence
  CHECK(h.call("fd_seek", {1, 0, 0, 600}) == kSPipe);   // stdio does not seek
  CHECK(h.call("fd_seek", {kPreopenFd, 0, 0, 600}) == kBadF);
  REQUIRE(h.call("fd_filestat_set_size", {fd, 5}) == kSuccess);
  CHECK(h.tree.read("sandbox/new.txt") == "hello");
  REQUIRE(h.call("fd_close", {fd}) == kSuccess);
  CHECK(h.call("fd_close", {fd}) == kBadF);

  REQUIRE(h.write(1, "to stdout\n", &written) == kSuccess);
  CHECK(h.capturedStdout() == "to stdout\n");
  CHECK(h.call("fd_read", {0, 650, 1, 670}) == kSuccess);  // stdin is /dev/null: EOF
  CHECK(h.get32(670) == 0);
}

TEST_CASE("p1: path_open flags, rights and errors", "[wasi]") {
  Harness h;
  h.tree.mkdir("sandbox/d");
  h.tree.write("sandbox/f", "x");
  uint32_t fd = 0;
  CHECK(h.open("f", /*creat|excl*/ 5, kWrite, &fd) == kExist);
  CHECK(h.open("missing", 0, kRead, &fd) == kNoEnt);
  CHECK(h.open("f", /*directory*/ 2, kRead, &fd) == kNotDir);
  CHECK(h.open("d", /*directory|creat*/ 3, kRead, &fd) == kInval);
  CHECK(h.open("d", 0, kRead | kWrite, &fd) == kIsDir);
  CHECK(h.open("f", 16, kRead, &fd) == kInval);      // unknown oflags bit
  CHECK(h.open("f", 0, 1ull << 30, &fd) == kInval);  // unknown right
  REQUIRE(h.open("d", 2, kRead, &fd) == kSuccess);
  REQUIRE(h.call("fd_fdstat_get", {fd, 100}) == kSuccess);
  CHECK(h.mem()[100] == 3);
  CHECK(h.get64(108) == 0x3fb7ffbb);
  // A directory fd is a capability of its own: relative paths resolve below it.
  std::vector<int64_t> path = h.str(1000, "../f");
  CHECK(h.call("path_open", {fd, 1, path[0], path[1], 0, kRead, 0, 0, 2000}) == kPerm);
  CHECK(h.call("path_open", {1, 1, path[0], path[1], 0, kRead, 0, 0, 2000}) == kNotDir);
  CHECK(h.call("path_open", {99, 1, path[0], path[1], 0, kRead, 0, 0, 2000}) == kBadF);
  // Write-only: reading is the host's EBADF.
  REQUIRE(h.open("f", 0, kWrite, &fd) == kSuccess);
  REQUIRE(h.call("fd_fdstat_get", {fd, 100}) == kSuccess);
  CHECK(h.get64(108) == 0x3fffbffd);
  h.put32(650, 700);
  h.put32(654, 4);
  CHECK(h.call("fd_read", {fd, 650, 1, 670}) == kBadF);
}

TEST_CASE("p1: escapes from the preopen are PERM", "[wasi]") {
  Harness h;
  h.tree.symlink("/etc", "sandbox/etc-link");
  h.tree.symlink("../outside.txt", "sandbox/up-link");
  h.tree.symlink("up-link", "sandbox/chain");
  uint32_t fd = 0;
  CHECK(h.open("..", 0, kRead, &fd) == kPerm);
  CHECK(h.open("../outside.txt", 0, kRead, &fd) == kPerm);
  CHECK(h.open("/etc/passwd", 0, kRead, &fd) == kPerm);
  CHECK(h.open("etc-link/passwd", 0, kRead, &fd) == kPerm);
  CHECK(h.open("up-link", 0, kRead, &fd) == kPerm);
  CHECK(h.open("chain", 0, kRead, &fd) == kPerm);
  CHECK(h.open("chain", 0, kRead, &fd, /*no follow*/ 0) == kLoop);
  std::vector<int64_t> dots = h.str(1000, "..");
  CHECK(h.call("path_remove_directory", {kPreopenFd, dots[0], dots[1]}) == kPerm);
  CHECK(h.call("path_filestat_get", {kPreopenFd, 0, dots[0], dots[1], 400}) == kPerm);
  std::vector<int64_t> outside = h.str(1100, "../outside.txt");
  CHECK(h.call("path_unlink_file", {kPreopenFd, outside[0], outside[1]}) == kPerm);
  std::vector<int64_t> target = h.str(1200, "/etc");
  std::vector<int64_t> link = h.str(1300, "abs");
  CHECK(h.call("path_symlink", {target[0], target[1], kPreopenFd, link[0], link[1]}) == kPerm);
  CHECK(h.tree.read("outside.txt") == "outside\n");
}

TEST_CASE("p1: guest pointers out of bounds are FAULT", "[wasi]") {
  Harness h;
  const int64_t end = kMemorySize;
  uint32_t fd = 0;
  REQUIRE(h.open("f", 1, kRead | kWrite, &fd) == kSuccess);
  h.put32(0, 16);
  h.put32(4, 3);
  // The iovec array, a buffer it names, the result pointer: each out of range.
  CHECK(h.call("fd_write", {fd, end - 4, 1, 8}) == kFault);
  CHECK(h.call("fd_write", {fd, 0xFFFFFFF8, 1, 8}) == kFault);
  CHECK(h.call("fd_write", {fd, 0, 0x10000000, 8}) == kFault);
  h.put32(0, static_cast<uint32_t>(end - 2));
  CHECK(h.call("fd_write", {fd, 0, 1, 8}) == kFault);  // buf + len past the end
  h.put32(0, 16);
  CHECK(h.call("fd_write", {fd, 0, 1, end - 2}) == kFault);
  CHECK(h.tree.read("sandbox/f").empty());  // a bad result pointer is caught before the write
  CHECK(h.call("fd_read", {fd, 0, 1, 0xFFFFFFFF}) == kFault);
  CHECK(h.call("fd_fdstat_get", {fd, end - 23}) == kFault);
  CHECK(h.call("fd_filestat_get", {fd, end - 63}) == kFault);
  CHECK(h.call("fd_prestat_get", {kPreopenFd, end - 7}) == kFault);
  CHECK(h.call("fd_prestat_dir_name", {kPreopenFd, end - 4, 8}) == kFault);
  CHECK(h.call("path_open", {kPreopenFd, 1, end - 2, 4, 0, kRead, 0, 0, 2000}) == kFault);
  CHECK(h.call("path_open", {kPreopenFd, 1, 0xFFFFFFFF, 2, 0, kRead, 0, 0, 2000}) == kFault);
  CHECK(h.call("path_create_directory", {kPreopenFd, 100, 0xFFFFFFFF}) == kFault);
  CHECK(h.call("fd_readdir", {kPreopenFd, end - 10, 100, 0, 8}) == kFault);
  CHECK(h.call("args_get", {end - 4, 100}) == kFault);
  CHECK(h.call("args_get", {100, end - 2}) == kFault);
  CHECK(h.call("environ_sizes_get", {end, 4}) == kFault);
  CHECK(h.call("clock_time_get", {1, 0, end - 7}) == kFault);
  CHECK(h.call("random_get", {end - 100, 101}) == kFault);
  CHECK(h.call("poll_oneoff", {0, 100, 0x40000000, 8}) == kFault);
  CHECK(h.call("poll_oneoff", {0, end - 31, 1, 8}) == kFault);
  // In bounds up to the last byte is fine.
  CHECK(h.call("random_get", {end - 100, 100}) == kSuccess);
  CHECK(h.call("clock_time_get", {1, 0, end - 8}) == kSuccess);
}

TEST_CASE("p1: paths must be UTF-8 without NUL", "[wasi]") {
  Harness h;
  uint32_t fd = 0;
  CHECK(h.open(std::string("a\0b", 3), 1, kWrite, &fd) == kInval);
  CHECK(h.open("\xff\xfe", 1, kWrite, &fd) == 25);  // ILSEQ
}

TEST_CASE("p1: fd_readdir dirents, cookies and a short buffer", "[wasi]") {
  Harness h;
  h.tree.write("sandbox/only-entry", "");
  // 24-byte dirent + name: ".", "..", "only-entry".
  REQUIRE(h.call("fd_readdir", {kPreopenFd, 1000, 4000, 0, 8}) == kSuccess);
  const uint32_t used = h.get32(8);
  CHECK(used == 3 * 24 + 1 + 2 + 10);
  CHECK(h.get64(1000) == 1);  // d_next of "."
  CHECK(h.get32(1016) == 1);  // d_namlen
  CHECK(h.mem()[1020] == 3);  // d_type directory
  CHECK(h.mem()[1024] == '.');
  const uint32_t third = 1000 + 24 + 1 + 24 + 2;
  CHECK(h.get64(third) == 3);
  CHECK(h.get32(third + 16) == 10);
  CHECK(h.mem()[third + 20] == 4);  // regular file
  CHECK(std::string(reinterpret_cast<char*>(h.mem() + third + 24), 10) == "only-entry");
  // A buffer that ends inside an entry is filled completely: the caller reads on from a cookie.
  REQUIRE(h.call("fd_readdir", {kPreopenFd, 1000, 30, 0, 8}) == kSuccess);
  CHECK(h.get32(8) == 30);
  REQUIRE(h.call("fd_readdir", {kPreopenFd, 1000, 4000, 2, 8}) == kSuccess);
  CHECK(h.get32(8) == 24 + 10);
  REQUIRE(h.call("fd_readdir", {kPreopenFd, 1000, 4000, 3, 8}) == kSuccess);
  CHECK(h.get32(8) == 0);  // the end
  CHECK(h.call("fd_readdir", {1, 1000, 4000, 0, 8}) == kNotDir);
}

TEST_CASE("p1: args, environ, clocks, random, poll, sockets, renumber", "[wasi]") {
  Harness h;
  REQUIRE(h.call("args_sizes_get", {0, 4}) == kSuccess);
  CHECK(h.get32(0) == 3);
  CHECK(h.get32(4) == 5 + 10 + 1);
  REQUIRE(h.call("args_get", {100, 200}) == kSuccess);
  CHECK(h.get32(100) == 200);
  CHECK(h.get32(104) == 205);
  CHECK(h.get32(108) == 215);
  CHECK(std::memcmp(h.mem() + 200, "prog\0first arg\0\0", 16) == 0);
  REQUIRE(h.call("environ_sizes_get", {0, 4}) == kSuccess);
  CHECK(h.get32(0) == 2);
  CHECK(h.get32(4) == 4 + 11);
  REQUIRE(h.call("environ_get", {100, 200}) == kSuccess);
  CHECK(std::memcmp(h.mem() + 200, "A=1\0LONGER=x=y\0", 15) == 0);

  REQUIRE(h.call("clock_time_get", {0, 1, 16}) == kSuccess);
  CHECK(h.get64(16) > 1577836800ull * 1000000000ull);
  REQUIRE(h.call("clock_res_get", {1, 16}) == kSuccess);
  CHECK(h.get64(16) > 0);
  REQUIRE(h.call("clock_time_get", {2, 1, 16}) == kSuccess);  // process CPU time
  CHECK(h.call("clock_time_get", {4, 1, 16}) == kInval);

  REQUIRE(h.call("random_get", {1000, 32}) == kSuccess);
  REQUIRE(h.call("random_get", {1100, 32}) == kSuccess);
  CHECK(std::memcmp(h.mem() + 1000, h.mem() + 1100, 32) != 0);

  // poll_oneoff: a 10 ms relative clock and a 10 s one; the first fires.
  std::memset(h.mem() + 2000, 0, 96);
  uint64_t userdata = 0xABCDEF;
  std::memcpy(h.mem() + 2000, &userdata, 8);
  h.mem()[2008] = 0;  // clock
  h.put32(2016, 1);   // monotonic
  uint64_t timeout = 10 * 1000 * 1000;
  std::memcpy(h.mem() + 2024, &timeout, 8);
  userdata = 2;
  std::memcpy(h.mem() + 2048, &userdata, 8);
  h.put32(2064, 1);
  timeout = 10ull * 1000 * 1000 * 1000;
  std::memcpy(h.mem() + 2072, &timeout, 8);
  std::memset(h.mem() + 3000, 0xEE, 64);
  REQUIRE(h.call("poll_oneoff", {2000, 3000, 2, 8}) == kSuccess);
  CHECK(h.get32(8) == 1);
  CHECK(h.get64(3000) == 0xABCDEF);
  CHECK(h.get16(3008) == 0);     // error
  CHECK(h.mem()[3010] == 0);     // type clock
  CHECK(h.mem()[3032] == 0xEE);  // one 32-byte event
  // An fd_write subscription on a file is ready at once; one on a bad fd reports BADF.
  h.mem()[2008] = 2;
  h.put32(2016, 1);
  h.mem()[2056] = 1;
  h.put32(2064, 77);
  REQUIRE(h.call("poll_oneoff", {2000, 3000, 2, 8}) == kSuccess);
  REQUIRE(h.get32(8) == 2);
  for (uint32_t event = 3000; event < 3064; event += 32) {
    if (h.get64(event) == 2) {  // the bad fd
      CHECK(h.get16(event + 8) == kBadF);
      CHECK(h.mem()[event + 10] == 1);  // fd_read
    } else {
      CHECK(h.get64(event) == 0xABCDEF);
      CHECK(h.get16(event + 8) == 0);
      CHECK(h.mem()[event + 10] == 2);  // fd_write
    }
  }
  CHECK(h.call("poll_oneoff", {2000, 3000, 0, 8}) == kInval);

  CHECK(h.call("sched_yield", {}) == kSuccess);
  CHECK(h.call("proc_raise", {6}) == kNoSys);
  CHECK(h.call("sock_accept", {kPreopenFd, 0, 16}) == kNotSock);
  CHECK(h.call("sock_shutdown", {42, 0}) == kBadF);
  CHECK(h.call("fd_fdstat_set_rights", {kPreopenFd, 0, 0}) == kNotSup);

  uint32_t fd = 0;
  REQUIRE(h.open("r", 1, kWrite, &fd) == kSuccess);
  CHECK(h.call("fd_renumber", {fd, 77}) == kBadF);      // the target must be open
  REQUIRE(h.call("fd_renumber", {fd, 1}) == kSuccess);  // stdout is now the file
  uint32_t written = 0;
  REQUIRE(h.write(1, "into r", &written) == kSuccess);
  CHECK(h.tree.read("sandbox/r") == "into r");
  CHECK(h.call("fd_close", {fd}) == kBadF);
}

TEST_CASE("p1: proc_exit traps with the code recorded", "[wasi]") {
  Harness h;
  ValRaw result{};
  jit::vm::Trap trap = h.invoke("proc_exit", {42}, &result);
  CHECK(trap.code == jit::vm::TrapCode::HostTrap);
  CHECK(trap.message == "wasi: proc_exit(42)");
  CHECK(h.wasi->exitCode() == 42u);
}

TEST_CASE("p1: a call before the memory is bound traps with a message", "[wasi]") {
  absl::StatusOr<std::unique_ptr<WasiP1>> wasi = WasiP1::create(WasiConfig{});
  REQUIRE(wasi.ok());
  jit::wasm::Module module;
  module.types.push_back(*WasiP1::functionType("sched_yield"));
  jit::wasm::Import import;
  import.module = "wasi_snapshot_preview1";
  import.name = "sched_yield";
  module.imports.push_back(import);
  jit::vm::TypeRegistry types;
  auto externs = (*wasi)->importsFor(module, types);
  REQUIRE(externs.ok());
  ValRaw values[1] = {};
  jit::vm::Trap trap = jit::vm::invoke(*(*externs)[0].func, values);
  CHECK(trap.code == jit::vm::TrapCode::HostTrap);
  CHECK_THAT(trap.message, Catch::Contains("before the instance's memory was bound"));
}

TEST_CASE("p1: importsFor checks names and types and asks about other modules", "[wasi]") {
  absl::StatusOr<std::unique_ptr<WasiP1>> wasi = WasiP1::create(WasiConfig{});
  REQUIRE(wasi.ok());
  jit::vm::TypeRegistry types;
  auto importsOf = [&](const std::string& moduleName, const std::string& name,
                       jit::wasm::FuncType type) {
    jit::wasm::Module module;
    module.types.push_back(std::move(type));
    jit::wasm::Import import;
    import.module = moduleName;
    import.name = name;
    module.imports.push_back(import);
    return (*wasi)->importsFor(module, types);
  };
  using jit::wasm::kI32;
  auto unknown = importsOf("wasi_snapshot_preview1", "fd_frobnicate", {{kI32}, {kI32}});
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(std::string(unknown.status().message()),
             Catch::Contains("\"wasi_snapshot_preview1\" \"fd_frobnicate\""));
  auto mistyped = importsOf("wasi_snapshot_preview1", "fd_close", {{kI32, kI32}, {kI32}});
  REQUIRE_FALSE(mistyped.ok());
  CHECK_THAT(std::string(mistyped.status().message()),
             Catch::Contains("has type (i32, i32) -> (i32), but wasi_snapshot_preview1.fd_close "
                             "has type (i32) -> (i32)"));
  auto other = importsOf("env", "f", {{}, {}});
  REQUIRE_FALSE(other.ok());
  CHECK_THAT(std::string(other.status().message()),
             Catch::Contains("unknown import \"env\" \"f\""));

  jit::wasm::Module module;
  module.types.push_back({{}, {}});
  jit::wasm::Import import;
  import.module = "env";
  import.name = "f";
  module.imports.push_back(import);
  int asked = 0;
  auto resolved = (*wasi)->importsFor(
      module, types, [&](const jit::wasm::Import& imp) -> std::optional<jit::vm::Extern> {
        ++asked;
        jit::vm::Extern ext;
        ext.func = jit::vm::makeHostFunc(types, {{}, {}}, [](ValRaw*) { return jit::vm::Trap{}; });
        return ext;
      });
  CHECK(resolved.ok());
  CHECK(asked == 1);
}

TEST_CASE("p1: bad configuration is refused", "[wasi]") {
  WasiConfig config;
  config.env = {{"A=B", "x"}};
  CHECK(WasiP1::create(config).status().code() == absl::StatusCode::kInvalidArgument);
  config.env.clear();
  config.preopens = {{"/definitely/not/a/directory", "/x"}};
  CHECK(WasiP1::create(config).status().code() == absl::StatusCode::kFailedPrecondition);
}

// ---- Through the JIT ---------------------------------------------------------------------------

struct Compiled {
  std::shared_ptr<const jit::wasm::Module> module;
  std::shared_ptr<jit::vm::CompiledCode> code;
};

Compiled compileWat(const std::string& wat) {
  absl::StatusOr<std::vector<uint8_t>> binary = jit::text::parseWat(wat);
  REQUIRE(binary.ok());
  auto bytes = std::make_shared<const std::vector<uint8_t>>(*std::move(binary));
  absl::StatusOr<jit::wasm::Module> module = jit::wasm::decodeModule(bytes);
  REQUIRE(module.ok());
  REQUIRE(jit::wasm::validateModule(*module).ok());
  Compiled out;
  out.module = std::make_shared<const jit::wasm::Module>(*std::move(module));
  auto code = jit::llvm::createLlvmCompiler()->compile(*out.module, jit::vm::CompileOptions{});
  REQUIRE(code.ok());
  out.code = *code;
  return out;
}

TEST_CASE("p1: a JIT-compiled command writes, gets FAULT, and exits from deep frames", "[wasi]") {
  TempTree tree;
  int out = ::open(tree.path("stdout").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  WasiConfig config;
  config.stdoutFd = out;
  auto wasi = WasiP1::create(config);
  REQUIRE(wasi.ok());
  Compiled c = compileWat(R"((module
    (import "wasi_snapshot_preview1" "fd_write"
      (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "hi\n")
    (func $deep (param i32)
      (if (local.get 0)
        (then (call $deep (i32.sub (local.get 0) (i32.const 1))))
        (else
          (i32.store (i32.const 0) (i32.const 16))
          (i32.store (i32.const 4) (i32.const 3))
          (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
          ;; the errno of a write from an iovec array past the end of memory is the exit code
          (call $proc_exit
            (call $fd_write (i32.const 1) (i32.const 0xFFFFFFF0) (i32.const 1) (i32.const 8)))))
      (unreachable))
    (func (export "_start") (call $deep (i32.const 200)))))");
  jit::vm::TypeRegistry types;
  auto imports = (*wasi)->importsFor(*c.module, types);
  REQUIRE(imports.ok());
  auto created = jit::vm::Instance::instantiate(c.module, c.code, *imports, types);
  REQUIRE(created.ok());
  REQUIRE(created->failure == jit::vm::InstantiationResult::Failure::None);
  auto result = (*wasi)->runCommand(*created->instance);
  REQUIRE(result.ok());
  CHECK_FALSE(result->trap.has_value());
  CHECK(result->exitCode == static_cast<uint32_t>(kFault));
  CHECK(tree.read("stdout") == "hi\n");
  ::close(out);
}

TEST_CASE("p1: a start function calling preview1 traps; no memory export is an error", "[wasi]") {
  auto wasi = WasiP1::create(WasiConfig{});
  REQUIRE(wasi.ok());
  Compiled c = compileWat(R"((module
    (import "wasi_snapshot_preview1" "sched_yield" (func $yield (result i32)))
    (func $start (drop (call $yield)))
    (start $start)))");
  jit::vm::TypeRegistry types;
  auto imports = (*wasi)->importsFor(*c.module, types);
  REQUIRE(imports.ok());
  auto created = jit::vm::Instance::instantiate(c.module, c.code, *imports, types);
  REQUIRE(created.ok());
  CHECK(created->failure == jit::vm::InstantiationResult::Failure::Trap);
  CHECK_THAT(created->message, Catch::Contains("sched_yield called before"));

  Compiled noMemory = compileWat(R"((module (func (export "_start"))))");
  auto plain = jit::vm::Instance::instantiate(noMemory.module, noMemory.code, {}, types);
  REQUIRE(plain.ok());
  CHECK_FALSE((*wasi)->bindMemory(*plain->instance).ok());
}

}  // namespace
}  // namespace wcr::wasi::p1
