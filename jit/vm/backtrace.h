// Trap backtraces: the wasm frames a trap unwound through, innermost first, with the byte offset
// of each frame's instruction in the module binary and names from the name section, printed the
// way Wasmtime prints them.
//
// Decisions:
//  - Frame pointers, not unwind tables. Every function jit/llvm emits (wasm functions and
//    trampolines) keeps a frame pointer ("frame-pointer"="all"; wasm functions had one already
//    because the stack-limit check takes the frame address, so the cost is two instructions per
//    trampoline). [fp] holds the caller's fp and [fp + 8] the return address (x86-64 rbp,
//    AArch64 x29), so a trap is unwound by following that chain: from the faulting context of
//    the signal handler, or from raiseTrap's own frame through the libcall that called it
//    (traps.cc and libcalls.cc are compiled with frame pointers too).
//  - Capture is async-signal-safe: the walk only reads stack words between the trapping frame
//    and the host entry's activation record, asks the lock-free code-range registry whether a
//    return address is compiled code, and copies raw pcs into a fixed buffer of the activation
//    record. Symbolizing (allocation, locks, DWARF) waits until the trap has unwound to the host.
//  - pc -> wasm function and offset is the compiler's business (CompiledCode::wasmFramesAt:
//    jit/llvm emits DWARF line tables whose line numbers are wasm offsets, with inline frames,
//    and reads them back lazily, so objects from the on-disk cache work the same).
//  - Explicit checks share one trap block per function and trap code, so their pc does not say
//    which check failed: they pass the instruction's offset to Libcalls::trapAt, and it replaces
//    the innermost frame's offset. Checks of the function prologue (stack limit, epoch and fuel
//    at entry) belong to no instruction and show no offset, as in Wasmtime.
//  - At most RawBacktrace::kMaxFrames frames are kept (deep recursion would print thousands);
//    the rest are counted and reported as omitted.
//  - Limits: the walk's upper bound is the activation record, so wasm code must run on the
//    stack of the thread that entered it (fibers will have to pass their stack's bounds); a
//    fault on a function's very first instruction (before it pushed its frame pointer, e.g. a
//    stack-guard hit) loses that function's caller frame.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "jit/vm/code.h"

namespace wcr::jit::vm {

// What the trap handler captures, without allocating. Constant-initialized (traps.cc keeps one
// per thread, which the signal handler writes: no TLS initializer may run there).
struct RawBacktrace {
  static constexpr uint32_t kMaxFrames = 64;
  uintptr_t pcs[kMaxFrames] = {};
  uint32_t count = 0;           // pcs stored
  uint64_t total = 0;           // code frames found (can exceed kMaxFrames)
  bool firstIsFaultPc = false;  // pcs[0] is the faulting instruction, not a return address
  bool hasTrapOffset = false;   // raised through Libcalls::trapAt with `trapOffset`
  uint32_t trapOffset = kUnknownWasmOffset;

  void clear() {
    count = 0;
    total = 0;
    firstIsFaultPc = false;
    hasTrapOffset = false;
    trapOffset = kUnknownWasmOffset;
  }
  void add(uintptr_t pc) {
    if (count < kMaxFrames) pcs[count++] = pc;
    ++total;
  }
};

// Async-signal-safe. Follows the frame-pointer chain that starts at `fp`, adding every return
// address that isCode() accepts. Frames must lie in [low, high) and move towards `high`. Up to
// `maxLeadingHostFrames` return addresses outside compiled code are skipped before the first
// code frame (raiseTrap and the libcall that called it); after it, the first one ends the walk
// (the entry trampoline returning to the host).
void walkFramePointers(uintptr_t fp, uintptr_t low, uintptr_t high, bool (*isCode)(uintptr_t),
                       uint32_t maxLeadingHostFrames, RawBacktrace& out);

// One wasm frame of a trap.
struct WasmFrame {
  uint32_t funcIndex = 0;          // in the module's function index space (imports first)
  std::optional<uint32_t> offset;  // byte offset of the instruction in the module binary
  std::string funcName;            // from the name section, else "wasm-function[N]"
  std::string moduleName;          // from the name section, else empty
};

// Names a frame of `module`'s function `funcIndex`.
WasmFrame makeWasmFrame(const wasm::Module& module, uint32_t funcIndex,
                        std::optional<uint32_t> offset);

// "wasm backtrace:" and one line per frame, as Wasmtime prints them
// (`  {i:>3}: {offset:#8x} - {module}!{func}`, `<unknown>` for a module without a name), then
// how many frames were omitted, if any. Empty when there are no frames.
std::string formatBacktrace(const std::vector<WasmFrame>& frames, uint64_t omittedFrames);

}  // namespace wcr::jit::vm
