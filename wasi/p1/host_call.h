// How the preview1 functions are written and bound (internal to wasi/p1).
//
// Each function is a plain C++ function `p3::Errno name(Call&, uint32_t/uint64_t/int64_t...)`
// whose parameters mirror its core wasm signature (i32 -> uint32_t, i64 -> uint64_t or int64_t).
// define() derives the wasm FuncType from those parameter types and pairs the function with a
// thunk instantiated for its signature: the thunk takes the memory view for the call, reads the
// parameters from the ValRaw slots, calls the function and stores the preview1 errno of the
// result as the one i32 result. wasi_p1.cc binds each import as a vm host function whose
// HostCallback runs the thunk directly (host_func.h: no std::function, no Trap per call); a
// thunk that traps sets the message with setTrapMessage and returns the TrapCode. The families
// live in fd_functions.cc, path_functions.cc and proc_functions.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "jit/vm/code.h"
#include "jit/vm/memory.h"
#include "jit/vm/traps.h"
#include "jit/wasm/types.h"
#include "wasi/p1/abi.h"
#include "wasi/p1/fd_table.h"
#include "wasi/p1/guest_memory.h"
#include "wasi/p3/errno.h"
#include "wasi/p3/host_environment.h"
#include "wasi/p3/host_fs.h"

namespace wcr::wasi::p1 {

// Everything one guest's preview1 functions share. Used by one thread at a time.
struct WasiState {
  p3::Environment environment;
  FdTable fds;
  std::shared_ptr<jit::vm::Memory> memory;  // the instance's "memory" export, once bound
  std::optional<uint32_t> exitCode;         // set by proc_exit
};

// One call of a preview1 function.
struct Call {
  WasiState& state;
  GuestMemory memory;

  // The entry of an open fd (EBADF otherwise).
  p3::ErrnoOr<FdEntry*> entry(uint32_t fd) {
    FdEntry* found = state.fds.get(fd);
    if (found == nullptr) return p3::Errno{EBADF};
    return found;
  }
  // The entry of an open directory fd (EBADF, ENOTDIR otherwise).
  p3::ErrnoOr<FdEntry*> directory(uint32_t fd) {
    WCR_WASI_ASSIGN_OR_RETURN(FdEntry * found, entry(fd));
    if (!found->descriptor->isDirectory()) return p3::Errno{ENOTDIR};
    return found;
  }
};

struct FunctionDef;
// Runs `def` for one call: params in values[0..n), results to values[0..m). Returns
// TrapCode::None, or a trap code after setTrapMessage.
using Thunk = jit::vm::TrapCode (*)(WasiState& state, const FunctionDef& def,
                                    jit::vm::ValRaw* values);

struct FunctionDef {
  std::string name;
  jit::wasm::FuncType type;
  Thunk thunk = nullptr;
  void (*target)() = nullptr;  // the C++ function the thunk casts back and calls, if any
};
using FunctionList = std::vector<FunctionDef>;

void addFdFunctions(FunctionList& out);
void addPathFunctions(FunctionList& out);
void addProcFunctions(FunctionList& out);  // args, environ, clocks, random, poll, proc, sock

// preview1 fstflags and times to the new access and modification timestamps (EINVAL for a time
// both set and "now", or unknown bits).
p3::ErrnoOr<std::pair<p3::NewTimestamp, p3::NewTimestamp>> newTimestamps(uint64_t atim,
                                                                         uint64_t mtim,
                                                                         uint32_t flags);

// Stores a preview1 filestat (64 bytes) at `ptr`.
p3::Errno storeFilestat(const GuestMemory& memory, uint32_t ptr, const p3::FileStat& stat,
                        Filetype type);

// The trap of a call made before bindMemory (a start function calling preview1, or an embedder
// that forgot to bind): sets its message, returns its code.
jit::vm::TrapCode memoryNotBoundTrap(const std::string& name);

namespace detail {

template <typename T>
struct WasmParam;
template <>
struct WasmParam<uint32_t> {
  static constexpr jit::wasm::ValType kType = jit::wasm::kI32;
  static uint32_t get(const jit::vm::ValRaw& v) { return static_cast<uint32_t>(v.i32); }
};
template <>
struct WasmParam<uint64_t> {
  static constexpr jit::wasm::ValType kType = jit::wasm::kI64;
  static uint64_t get(const jit::vm::ValRaw& v) { return static_cast<uint64_t>(v.i64); }
};
template <>
struct WasmParam<int64_t> {
  static constexpr jit::wasm::ValType kType = jit::wasm::kI64;
  static int64_t get(const jit::vm::ValRaw& v) { return v.i64; }
};

template <typename... Args, size_t... I>
p3::Errno invokeWith(p3::Errno (*fn)(Call&, Args...), Call& call, const jit::vm::ValRaw* values,
                     std::index_sequence<I...>) {
  return fn(call, WasmParam<Args>::get(values[I])...);
}

template <typename... Args>
jit::vm::TrapCode thunk(WasiState& state, const FunctionDef& def, jit::vm::ValRaw* values) {
  if (!state.memory) [[unlikely]] {
    return memoryNotBoundTrap(def.name);
  }
  auto fn = reinterpret_cast<p3::Errno (*)(Call&, Args...)>(def.target);
  Call call{state, GuestMemory(state.memory->base(), state.memory->sizeBytes())};
  p3::Errno result = invokeWith(fn, call, values, std::index_sequence_for<Args...>{});
  values[0].i32 = static_cast<int32_t>(toWasiErrno(result));
  return jit::vm::TrapCode::None;
}

}  // namespace detail

// A preview1 function returning an errno, from its C++ implementation.
template <typename... Args>
FunctionDef define(std::string name, p3::Errno (*fn)(Call&, Args...)) {
  jit::wasm::FuncType type{{detail::WasmParam<Args>::kType...}, {jit::wasm::kI32}};
  return FunctionDef{std::move(name), std::move(type), &detail::thunk<Args...>,
                     reinterpret_cast<void (*)()>(fn)};
}

}  // namespace wcr::wasi::p1
