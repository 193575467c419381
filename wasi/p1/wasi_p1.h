// wasi_snapshot_preview1 for core modules: the host side of every preview1 function that
// wasi-libc imports (and the rest of the snapshot), on the shared host code of wasi/p3.
//
// Use (one WasiP1 per guest instance, used from one thread at a time):
//   WasiConfig config;  config.args = {"prog.wasm", "x"};  config.preopens = {{"/tmp/d", "/d"}};
//   WCR_ASSIGN_OR_RETURN(std::unique_ptr<WasiP1> wasi, WasiP1::create(config));
//   WCR_ASSIGN_OR_RETURN(std::vector<vm::Extern> imports, wasi->importsFor(*module, types));
//   ... Instance::instantiate(module, code, imports, types) ...
//   WCR_RETURN_IF_ERROR(wasi->bindMemory(*instance));   // the instance's "memory" export
//   WCR_ASSIGN_OR_RETURN(CommandResult result, wasi->runCommand(*instance));  // calls _start
//
// The host functions get no caller: like Wasmtime's preview1, they use the instance's exported
// "memory", bound after instantiation. A preview1 call made before that (from a start function)
// traps with a message saying so. proc_exit unwinds the guest with a HostTrap and records the
// code: exitCode() tells an exit from a failure. Wasmtime's CLI exits with that code when it is
// below 126 and fails (exit 1) otherwise; runCommand reports the raw code and leaves that policy
// to the embedder.
//
// Guest fds: 0, 1, 2 are the configured host fds as streams (borrowed, never closed by wcr), then
// one directory per preopen from 3 in order. Errors of the host (wasi/p3, POSIX errno values) are
// mapped to preview1 errno codes (abi.h); pointers are bounds-checked (FAULT, guest_memory.h);
// escapes from a preopen are PERM (wasi/p3/sandbox_path.h). Embedders should ignore SIGPIPE (as
// Wasmtime's CLI does) so that a guest writing to a closed pipe gets PIPE instead of killing the
// host process; the library leaves process-wide signal dispositions alone.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "jit/vm/extern.h"
#include "jit/vm/instance.h"
#include "jit/vm/traps.h"
#include "jit/vm/type_registry.h"
#include "jit/wasm/module.h"

namespace wcr::wasi::p1 {

struct WasiState;

struct Preopen {
  std::string hostPath;   // a host directory, opened when the WasiP1 is created
  std::string guestPath;  // the name the guest sees (fd_prestat_dir_name), e.g. "/data" or "."
};

struct WasiConfig {
  std::vector<std::string> args;  // argv; args[0] is the program name
  std::vector<std::pair<std::string, std::string>> env;
  bool inheritEnv = false;  // add the host process's environment after `env`
  std::vector<Preopen> preopens;
  // Host fds behind guest fds 0, 1 and 2; borrowed. -1 gives an empty stdin / discarded output
  // (/dev/null).
  int stdinFd = 0;
  int stdoutFd = 1;
  int stderrFd = 2;
};

// What running a command (its `_start`) ended with.
struct CommandResult {
  // proc_exit's code, or 0 when _start returned; unset when the guest trapped.
  std::optional<uint32_t> exitCode;
  // The trap, when the guest trapped (not by proc_exit).
  std::optional<jit::vm::Trap> trap;
};

class WasiP1 {
 public:
  static constexpr std::string_view kModuleName = "wasi_snapshot_preview1";

  // Opens the preopens and stdio. InvalidArgument for a bad argument or variable, NotFound /
  // FailedPrecondition for a preopen that cannot be opened as a directory.
  static absl::StatusOr<std::unique_ptr<WasiP1>> create(WasiConfig config);
  ~WasiP1();
  WasiP1(const WasiP1&) = delete;
  WasiP1& operator=(const WasiP1&) = delete;

  // One Extern per import of `module`, in order, for Instance::instantiate. Imports from
  // "wasi_snapshot_preview1" are this WasiP1's functions (an unknown name or a type that differs
  // from the snapshot's is an error naming the import); any other import is asked of `other`
  // (no answer: an "unknown import" error).
  using ImportResolver =
      absl::FunctionRef<std::optional<jit::vm::Extern>(const jit::wasm::Import&)>;
  absl::StatusOr<std::vector<jit::vm::Extern>> importsFor(const jit::wasm::Module& module,
                                                          jit::vm::TypeRegistry& types);
  absl::StatusOr<std::vector<jit::vm::Extern>> importsFor(const jit::wasm::Module& module,
                                                          jit::vm::TypeRegistry& types,
                                                          ImportResolver other);

  // Binds the memory the functions read and write: the instance's "memory" export (an error
  // when it has none), or a memory given directly.
  absl::Status bindMemory(jit::vm::Instance& instance);
  void bindMemory(std::shared_ptr<jit::vm::Memory> memory);

  // Calls the instance's `_start` (a `() -> ()` export; an error otherwise), binding the memory
  // first if that was not done.
  absl::StatusOr<CommandResult> runCommand(jit::vm::Instance& instance);

  // The code proc_exit was called with, if it was.
  std::optional<uint32_t> exitCode() const;

  // The names of every function provided, sorted, and the core wasm type of one of them.
  static std::vector<std::string> functionNames();
  static std::optional<jit::wasm::FuncType> functionType(std::string_view name);

 private:
  explicit WasiP1(std::shared_ptr<WasiState> state);
  std::shared_ptr<WasiState> state_;
};

}  // namespace wcr::wasi::p1
