// The loading interface: what a compiler (jit/llvm) hands to the vm. The vm never names LLVM; it
// sees compiled code only through CompiledCode, and asks for compilation through Compiler.
//
// Calling conventions:
//  - A wasm function (and a host-call trampoline): `R f(void* vmctx, P1, P2, ...)` with i32->i32,
//    i64->i64, f32->float, f64->double, v128-><16 x i8> vector (LLVM <2 x i64> in registers),
//    funcref/externref->void*, in the compiler's own tail-calling convention (LLVM `tailcc`, see
//    jit/llvm/module_context.h), not the host's C convention: host code never calls a function
//    directly, only through an entry trampoline. Two results come back as an LLVM struct in
//    registers; three or more through a pointer to ValRaw slots passed after vmctx
//    (`void f(void* vmctx, ValRaw* results, P1, ...)`).
//  - EntryTrampoline (host->wasm, C convention), one per type index: reads the params from
//    values[0..n), calls `code(ctx, params...)` and writes the results to values[0..m).
//  - GuardedEntryTrampoline: the same with the trap scope inside (x86-64 JIT only; null where a
//    compiler does not provide it, and the host then sets the jump point itself, traps.h). It
//    pushes a VMActivation of its own frame on `thread`'s chain, sets its jump buffer (frame
//    pointer, resume address, stack pointer, as llvm.eh.sjlj.setjmp would; the function saves
//    every callee-saved register in its prologue, so the landing needs nothing else), calls the
//    entry body and pops the record: returns 0, or 1 when a trap unwound to its landing (the
//    raiser popped the record and left the trap in per-thread storage).
//  - Host functions imported by wasm: the import slot's code is the importing module's
//    hostCallTrampoline(typeIndex) and its context a VMHostContext*. The trampoline stores the
//    params into a ValRaw array of max(params, results) slots, calls ctx->callback(ctx, array),
//    and if it returns a trap code other than None calls the trap libcall; else loads results.
//  - A host function that cannot trap and has a direct callback (VMHostContext::direct, C
//    convention `R f(VMHostContext* ctx, P1, P2, ...)`, typed host functions, host_func.h) is
//    imported through directHostCallTrampoline(typeIndex) instead, when the type has one
//    (hasDirectHostCall): it passes the params and the result in registers, `tailcc` -> C. A
//    wasm `call` of an import whose slot holds that trampoline skips it and calls `direct`
//    itself, so the trampoline's address marks such slots; call_indirect and re-exports still
//    go through it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "jit/vm/trap.h"
#include "jit/wasm/module.h"

namespace wcr::jit::vm {

// One value slot crossing the host/wasm boundary (v128 needs all 16 bytes).
union alignas(16) ValRaw {
  int32_t i32;
  int64_t i64;
  uint32_t f32Bits;
  uint64_t f64Bits;
  uint8_t v128[16];
  void* ref;
};
static_assert(sizeof(ValRaw) == 16);

using EntryTrampoline = void (*)(void* code, void* ctx, ValRaw* values);

// An entry into wasm from the host, on its thread's chain (traps.h). Lives in the frame that set
// its jump point: a GuardedEntryTrampoline's (`jump` is fp, resume address, sp, and the raiser
// restores fp and sp and jumps) or the host's (jump[1] is null and traps.cc's own buffer
// follows the record), so the trampoline stores no kind of its own.
struct VMActivation {
  VMActivation* prev;
  void* jump[3];
};
// A thread's host->wasm state, an initial-exec thread_local (traps.h): the innermost activation,
// the stack limit compiled code checks (0 until the thread's first entry set it up) and the
// innermost try_table handler.
struct VMHandler;
struct VMThreadState {
  VMActivation* activation = nullptr;
  uintptr_t stackLimit = 0;
  VMHandler* handlers = nullptr;  // try_table records, innermost first (exceptions.h)
};
using GuardedEntryTrampoline = uint32_t (*)(void* code, void* ctx, ValRaw* values,
                                            VMThreadState* thread);

struct VMHostContext;
// Returns TrapCode::None on success, else the trap to raise in the calling wasm code.
using HostCallback = TrapCode (*)(VMHostContext* ctx, ValRaw* values);
struct Libcalls;
struct VMHostContext {
  HostCallback callback = nullptr;  // must stay the first field: trampolines load it at offset 0
  void* userData = nullptr;
  // Added by jit/llvm: the host-call trampoline has no VMContext, so it finds the trap libcall
  // here when the callback returns a trap code (it calls trap(nullptr, code)). Must be set.
  const Libcalls* libcalls = nullptr;
  // A host function that cannot trap may also be callable in the C convention with the wasm
  // params and result in registers (see above); null otherwise.
  void* direct = nullptr;
};

// Whether a function type has a directHostCallTrampoline: i32/i64/f32/f64 params and at most
// one such result (what typed host functions, host_func.h, are made of).
inline bool hasDirectHostCall(const wasm::FuncType& type) {
  auto scalar = [](wasm::ValType t) {
    return t == wasm::kI32 || t == wasm::kI64 || t == wasm::kF32 || t == wasm::kF64;
  };
  for (wasm::ValType t : type.params) {
    if (!scalar(t)) return false;
  }
  return type.results.empty() || (type.results.size() == 1 && scalar(type.results[0]));
}

struct CodeRange {
  uintptr_t begin = 0;
  uintptr_t end = 0;
};

// Added for trap backtraces: a wasm frame at a pc of compiled code, the defined function and the
// byte offset in the module binary of the instruction the pc was compiled from.
inline constexpr uint32_t kUnknownWasmOffset = 0xFFFFFFFF;
struct WasmCodeFrame {
  uint32_t definedIndex = 0;
  uint32_t wasmOffset = kUnknownWasmOffset;  // unknown where the code has no line information
};

class CompiledCode {
 public:
  virtual ~CompiledCode() = default;
  // Native entry of the defined function with index `definedIndex` (imports not counted).
  virtual void* functionCode(uint32_t definedIndex) const = 0;
  virtual EntryTrampoline entryTrampoline(uint32_t typeIndex) const = 0;
  virtual void* hostCallTrampoline(uint32_t typeIndex) const = 0;
  virtual GuardedEntryTrampoline guardedEntryTrampoline(uint32_t /*typeIndex*/) const {
    return nullptr;
  }
  // A guarded entry that calls this one exported function directly (its `code` argument is
  // ignored): null for functions the module does not export, or where there is none.
  virtual GuardedEntryTrampoline guardedExportEntry(uint32_t /*definedIndex*/) const {
    return nullptr;
  }
  // Null unless hasDirectHostCall(type) and the compiler provides it.
  virtual void* directHostCallTrampoline(uint32_t /*typeIndex*/) const { return nullptr; }
  // Address ranges of the generated code, for mapping faults to traps.
  virtual absl::Span<const CodeRange> codeRanges() const = 0;
  // True when the code came from the on-disk cache rather than a compilation (for diagnostics).
  virtual bool loadedFromCache() const { return false; }
  // The wasm frames at `pc` (a faulting pc, or a return address minus one), innermost first:
  // several where calls were inlined, none outside wasm functions (trampolines, other code).
  // Not async-signal-safe: called after a trap has unwound to the host.
  virtual std::vector<WasmCodeFrame> wasmFramesAt(uintptr_t /*pc*/) const { return {}; }
};

struct CompileOptions {
  int optLevel = 2;               // 0..3
  bool epochInterruption = false; // check the epoch deadline at function entries and loop headers
  bool fuel = false;              // charge fuel per instruction, check it at entries and loops
  // Added by jit/llvm: directory of the on-disk object cache (keyed by the wasm bytes, these
  // options, the host CPU and the wcr+LLVM versions); empty disables the cache.
  std::string cacheDir;
};

class Compiler {
 public:
  virtual ~Compiler() = default;
  virtual absl::StatusOr<std::shared_ptr<CompiledCode>> compile(const wasm::Module& module,
                                                                const CompileOptions& options) = 0;
};

}  // namespace wcr::jit::vm
