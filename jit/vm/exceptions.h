// Wasm exceptions (the exception-handling proposal): tags, exception objects and the handler
// chain that try_table pushes. The compiled-code side is jit/llvm/emit_exceptions.cc.
//
// Decisions:
//  - A try_table links a VMHandler (vm_offsets.h), a record in its own frame, on the thread's
//    handler chain (VMThreadState::handlers) and sets the record's jump buffer with
//    llvm.eh.sjlj.setjmp; its body unlinks it on every way out (end, branches, return, tail
//    calls). A throw takes the innermost record and, when it belongs to the current activation,
//    unlinks it, leaves the exception in per-thread storage and jumps there (restores fp and sp,
//    as a trap unwinds to an entry): no unwind tables, no C++ exceptions through JIT frames, and
//    no cost where nothing is thrown but a libcall and three stores per try_table entry.
//  - The landing compares the exception's tag with each catch clause's and, on no match, throws
//    it on to the next record. A record of an outer activation is beyond a host frame: the
//    exception does not cross it and becomes the trap "uncaught exception" of its activation
//    (which a host function that called wasm then reports as its own trap). A trap skips every
//    handler: unwindTo (traps.cc) drops the records of the activation it unwinds.
//  - Exceptions live on the heap: the catch that takes one frees it, unless an exnref to it was
//    made (catch_ref, catch_all_ref); such an "escaped" exception belongs to the instance that
//    caught it and is freed with it. Not a GC: a guest that keeps making exnrefs grows its
//    instance until the instance is dropped; one that throws and catches by value allocates and
//    frees one block per throw.
#pragma once

#include <cstdint>

#include "jit/vm/code.h"
#include "jit/vm/vm_offsets.h"

namespace wcr::jit::vm {

// Libcalls (libcalls.h). The throwing ones never return.
void pushHandler(void* vmctx, VMHandler* handler);
[[noreturn]] void throwNew(void* vmctx, uint32_t tagIndex, const ValRaw* payload);
[[noreturn]] void throwRef(void* vmctx, VMException* exn);
// At a landing: the exception that jumped there.
VMException* takeException(void* vmctx);
// A catch is done with `exn`: makes it outlive the catch when `escape` (an exnref now points
// to it), else frees it unless it escaped earlier.
void releaseException(void* vmctx, VMException* exn, uint32_t escape);

// Unlinks the handlers of activation `act` (a trap is unwinding it). Async-signal-safe.
void dropHandlersOf(const void* act);

}  // namespace wcr::jit::vm
