// Trap handling: running host->wasm calls so that a trap (an explicit trap libcall, or a fault in
// compiled code mapped by the signal handler) unwinds back to the host, which keeps running.
//
// Decision: each host->wasm entry pushes an activation record (a sigjmp_buf) on a per-thread
// chain; raiseTrap() and the signal handler siglongjmp to the innermost one. Handlers run with
// SA_NODEFER on a per-thread alternate stack, so jumping out of them needs no signal mask restore
// (sigsetjmp(.., 0) costs no syscall). Frames between a raise and its entry must hold no C++
// objects with destructors: JIT frames have none, and libcalls and host thunks raise only after
// their own objects are gone. A fault is turned into a trap only when the faulting pc is in a
// registered code range and the address is in a registered linear memory reservation (or the
// thread's stack guard); anything else is a real crash and goes to the previous handler.
// Before jumping, the handler (or raiseTrap) records the wasm frames' return addresses in the
// activation record; they become the trap's backtrace once back in the host (backtrace.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "jit/vm/backtrace.h"
#include "jit/vm/trap.h"

namespace wcr::jit::vm {

struct Trap {
  Trap() = default;
  Trap(TrapCode code, std::string message) : code(code), message(std::move(message)) {}

  TrapCode code = TrapCode::None;
  std::string message;  // the spec's text, or a host function's message
  // The wasm frames the trap unwound through, innermost first (empty for a trap raised outside
  // wasm code), and how many more there were beyond RawBacktrace::kMaxFrames.
  std::vector<WasmFrame> backtrace;
  uint64_t omittedFrames = 0;
  bool ok() const { return code == TrapCode::None; }
};

// Runs `fn` as a host->wasm entry. Returns an ok Trap when fn returned, else the trap raised.
Trap callWithTrapHandling(absl::FunctionRef<void()> fn);

// Unwinds to the innermost entry of this thread with `code`. Aborts when there is none.
[[noreturn]] void raiseTrap(TrapCode code);
// raiseTrap for an explicit check of compiled code (Libcalls::trapAt): `wasmOffset` is the
// offset of the trapping instruction, which the innermost backtrace frame reports.
[[noreturn]] void raiseTrapAt(TrapCode code, uint32_t wasmOffset);
// Records `message` as the text of the trap about to be raised (host function failures).
void setTrapMessage(const std::string& message);
// True while this thread runs inside callWithTrapHandling.
bool inTrapHandlingScope();

// Installs the process-wide signal handlers (once; later calls are free). callWithTrapHandling
// calls it. reinstallTrapHandlers() installs them again over handlers someone else set since
// (test frameworks do); handlers that are not ours are chained to.
void installTrapHandlers();
void reinstallTrapHandlers();

// Address ranges of compiled code: a fault with pc in one of them may become a trap. Lookups
// from the signal handler take no lock.
void registerCodeRange(uintptr_t begin, uintptr_t end);
void unregisterCodeRange(uintptr_t begin);
// Linear memory reservations: a fault address in one of them is an out-of-bounds access.
void registerMemoryReservation(uintptr_t begin, uintptr_t end);
void unregisterMemoryReservation(uintptr_t begin);

// Lowest stack pointer compiled code may use on this thread (VMContext::stackLimit): the
// thread's stack bottom plus kStackSafetyMargin, left for libcalls, host functions and the
// largest frame a function may allocate after its prologue check.
inline constexpr uintptr_t kStackSafetyMargin = 256 * 1024;
uintptr_t threadStackLimit();

}  // namespace wcr::jit::vm

namespace wcr::jit::vm {

class CompiledCode;
// Keeps the code ranges of `code` registered while at least one retain is outstanding (every
// instance of a module retains its code). `module` names the frames of backtraces through it.
void retainCodeRanges(const CompiledCode& code, std::shared_ptr<const wasm::Module> module);
void releaseCodeRanges(const CompiledCode& code);

}  // namespace wcr::jit::vm
