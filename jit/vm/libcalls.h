// Host helpers called from compiled code. VMContext holds a pointer to one Libcalls table
// (kOffsetLibcalls), so compiled code calls through it and needs no symbol resolution. Every
// helper takes the caller's VMContext first. Helpers that can fail report it by calling
// `trap`, which never returns (it unwinds to the innermost host->wasm entry).
#pragma once

#include <cstdint>

#include "jit/vm/code.h"
#include "jit/vm/trap.h"
#include "jit/vm/vm_offsets.h"

namespace wcr::jit::vm {

struct Libcalls {
  void (*trap)(void* vmctx, TrapCode code);  // never returns
  // memory.grow: returns the old size in pages, or -1.
  int32_t (*memoryGrow)(void* vmctx, uint32_t memory, uint32_t deltaPages);
  // memory.fill and memory.copy have no entry: compiled code checks their range and calls
  // llvm.memset/memmove itself (jit/llvm/emit_memory.cc).
  void (*memoryInit)(void* vmctx, uint32_t memory, uint32_t data, uint32_t dst, uint32_t src,
                     uint32_t len);
  void (*dataDrop)(void* vmctx, uint32_t data);
  // table.grow: returns the old size, or -1.
  int32_t (*tableGrow)(void* vmctx, uint32_t table, void* init, uint32_t delta);
  void (*tableFill)(void* vmctx, uint32_t table, uint32_t dst, void* value, uint32_t len);
  void (*tableCopy)(void* vmctx, uint32_t dstTable, uint32_t srcTable, uint32_t dst, uint32_t src,
                    uint32_t len);
  void (*tableInit)(void* vmctx, uint32_t table, uint32_t elem, uint32_t dst, uint32_t src,
                    uint32_t len);
  void (*elemDrop)(void* vmctx, uint32_t elem);
  // The trap of an explicit check in compiled code: like `trap`, and `wasmOffset` is the byte
  // offset in the module binary of the instruction that trapped (kUnknownWasmOffset for checks
  // that belong to no instruction, the function prologue's), reported in the trap's backtrace.
  void (*trapAt)(void* vmctx, TrapCode code, uint32_t wasmOffset);  // never returns
  // Exception handling (exceptions.h): handler records, throwing (never returns), catching.
  void (*pushHandler)(void* vmctx, VMHandler* handler);
  void (*throwNew)(void* vmctx, uint32_t tagIndex, const ValRaw* payload);
  void (*throwRef)(void* vmctx, VMException* exn);
  VMException* (*takeException)(void* vmctx);
  void (*releaseException)(void* vmctx, VMException* exn, uint32_t escape);
};

// The vm's implementation (libcalls.cc), the table every VMContext points to. Its address is
// stable for the life of the process, so code that has no VMContext at hand (host-call
// trampolines) may embed it. `trap` ignores its vmctx argument (null is fine): it unwinds to the
// innermost host->wasm entry of the calling thread.
const Libcalls& defaultLibcalls();

}  // namespace wcr::jit::vm
