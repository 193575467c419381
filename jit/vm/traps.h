// Trap handling: running host->wasm calls so that a trap (an explicit trap libcall, or a fault in
// compiled code mapped by the signal handler) unwinds back to the host, which keeps running.
//
// Decisions:
//  - Each host->wasm entry pushes an activation record on a per-thread chain; raiseTrap() and the
//    signal handler jump to the innermost one. The record's jump buffer is GCC/Clang's
//    __builtin_setjmp (frame pointer, stack pointer, resume address: three stores, no libc call,
//    no signal mask), as Wasmtime's entry does; the function that sets it saves the callee-saved
//    registers in its prologue, so the jump restores nothing else (Clang builds for targets
//    other than x86-64, which lack the builtin, use _setjmp/_longjmp). Handlers run with
//    SA_NODEFER and an empty sa_mask on a per-thread alternate stack, so the signal mask is the
//    same inside them as outside and jumping out of one needs no mask restore (no syscall on
//    any path). The raiser pops the record before it jumps.
//  - On x86-64 the JIT's guarded entry trampoline (code.h) links the record in its own frame
//    and sets its jump buffer (fp, resume address, sp); the raiser restores fp and sp and jumps
//    (a record whose resume address is null is one set here, with a __builtin_setjmp buffer
//    after it; the trampoline stores nothing to say it is not). The host
//    side (enterWasmGuarded, inline in invoke.h's call()) is then ~12 instructions and one call:
//    it reads the thread's stack limit, stores it into the callee instance's VMContext and
//    passes the thread's state to the trampoline. Without a guarded entry (other targets, test
//    doubles of CompiledCode) enterWasm sets the record itself (~35 instructions around the
//    trampoline). Both touch only trivially destructible, initial-exec thread_locals
//    (tlsVMThread: the activation chain and the stack limit, which is also the "this thread is
//    set up" flag, 0 until the first entry installs the handlers and the alternate stack).
//    The stack limit is stored on every entry (an instance may run on several threads); a
//    TrapCode comes back, and the full Trap, with its message and symbolized backtrace, is
//    built on the trap path only.
//  - What a raise hands to its landing (code, raw backtrace, the activation it was for) waits in
//    per-thread storage, not in the activation record: one trap is in flight per thread at a
//    time, and the record stays three words and a link. A host function's message
//    (setTrapMessage) waits there too, tagged with the activation it was set under.
//  - Frames between a raise and its entry must hold no C++ objects with destructors: JIT frames
//    have none, and libcalls and host-call trampolines raise only after their own objects are
//    gone (a host function returns its trap code; the trampoline raises).
//  - A fault is turned into a trap only when the faulting pc is in a registered code range and
//    the address is in a registered linear memory reservation (or the thread's stack guard);
//    anything else is a real crash and goes to the previous handler.
//  - Before jumping, the handler (or raiseTrap) records the wasm frames' return addresses; they
//    become the trap's backtrace once back in the host (backtrace.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "jit/vm/backtrace.h"
#include "jit/vm/code.h"
#include "jit/vm/trap.h"
#include "jit/vm/vm_offsets.h"

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

// This thread's activation chain and stack limit (code.h). Initial-exec and constant-initialized:
// an inline access is an %fs-relative load, no TLS wrapper call and no __tls_get_addr.
extern constinit thread_local VMThreadState tlsVMThread __attribute__((tls_model("initial-exec")));
// The first entry of a thread: installs the signal handlers and the alternate signal stack and
// sets tlsVMThread.stackLimit (never 0 afterwards). Returns that limit.
uintptr_t setUpThread();
// The landing of a trap that unwound to an entry: its code, and the whole trap in *trap when not
// null. Only right after the entry returned from its landing.
TrapCode landTrap(Trap* trap);

// The host->wasm fast path with a guarded entry trampoline (code.h): as enterWasm below, with
// the jump point set inside the trampoline, so the host makes one call and sets nothing itself.
// `vmctx` must not be null (a guarded entry always belongs to an instance).
inline TrapCode enterWasmGuarded(GuardedEntryTrampoline entry, void* code, void* ctx,
                                 ValRaw* values, uint8_t* vmctx, Trap* trap) {
  VMThreadState& thread = tlsVMThread;
  uintptr_t limit = thread.stackLimit;
  if (limit == 0) [[unlikely]] {
    limit = setUpThread();
  }
  *reinterpret_cast<uintptr_t*>(vmctx + kOffsetStackLimit) = limit;
  if (entry(code, ctx, values, &thread) == 0) [[likely]] {
    return TrapCode::None;
  }
  return landTrap(trap);
}

// The host->wasm fast path: as a host->wasm entry, stores this thread's stack limit into
// `vmctx` (the callee instance's VMContext; may be null) and calls entry(code, ctx, values).
// Returns TrapCode::None when it returned, else the trap's code and, when `trap` is not null,
// the whole trap (message, backtrace) in *trap.
TrapCode enterWasm(EntryTrampoline entry, void* code, void* ctx, ValRaw* values, uint8_t* vmctx,
                   Trap* trap);

// Unwinds to the innermost entry of this thread with `code`. Aborts when there is none.
[[noreturn]] void raiseTrap(TrapCode code);
// raiseTrap for an explicit check of compiled code (Libcalls::trapAt): `wasmOffset` is the
// offset of the trapping instruction, which the innermost backtrace frame reports.
[[noreturn]] void raiseTrapAt(TrapCode code, uint32_t wasmOffset);
// Records `message` as the text of the next trap raised to the innermost entry (a host function
// that fails calls it and then returns its trap code, or raises).
void setTrapMessage(std::string message);
// True while this thread runs inside a host->wasm entry.
bool inTrapHandlingScope();

// Installs the process-wide signal handlers (once; later calls are free). The first entry of
// each thread calls it. reinstallTrapHandlers() installs them again over handlers someone else set
// since (test frameworks do); handlers that are not ours are chained to.
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
