// Throwing, catching and the handler chain (exceptions.h). Compiled with frame pointers like
// traps.cc: an uncaught exception raises a trap from here, whose backtrace walks the frames.
#include "jit/vm/exceptions.h"

#include <cstdlib>
#include <cstring>

#include "jit/vm/extern.h"
#include "jit/vm/instance.h"
#include "jit/vm/traps.h"

namespace wcr::jit::vm {
namespace {

// The exception on its way from a throw to the landing it jumps to.
thread_local VMException* tlsInFlight = nullptr;

[[noreturn]] void jumpTo(VMHandler* handler) {
#if defined(__x86_64__)
  // The buffer llvm.eh.sjlj.setjmp filled: fp, resume address, sp (what its longjmp restores).
  asm volatile(
      "movq 0(%%rdi), %%rbp\n\t"
      "movq 16(%%rdi), %%rsp\n\t"
      "jmpq *8(%%rdi)"
      :
      : "D"(handler->jump)
      : "memory");
  __builtin_unreachable();
#else
  __builtin_longjmp(handler->jump, 1);
#endif
}

// Frames between here and the landing hold no C++ objects with destructors (as for traps).
[[noreturn]] void throwException(VMException* exn) {
  VMHandler* handler = tlsVMThread.handlers;
  if (handler == nullptr || handler->activation != tlsVMThread.activation) {
    if (!exn->escaped) std::free(exn);
    raiseTrap(TrapCode::UncaughtException);
  }
  tlsVMThread.handlers = handler->prev;
  tlsInFlight = exn;
  jumpTo(handler);
}

}  // namespace

void pushHandler(void* /*vmctx*/, VMHandler* handler) {
  VMThreadState& thread = tlsVMThread;
  handler->prev = thread.handlers;
  handler->activation = thread.activation;
  handler->head = &thread.handlers;
  thread.handlers = handler;
}

void throwNew(void* vmctx, uint32_t tagIndex, const ValRaw* payload) {
  const Tag* tag = Instance::fromVMContext(vmctx)->tag(tagIndex);
  auto n = static_cast<uint32_t>(tag->type.params.size());
  void* memory = std::malloc(kExceptionPayloadOffset + sizeof(ValRaw) * n);
  if (memory == nullptr) raiseTrap(TrapCode::HostTrap);
  auto* exn = static_cast<VMException*>(memory);
  exn->tag = tag;
  exn->numValues = n;
  exn->escaped = 0;
  if (n) std::memcpy(static_cast<uint8_t*>(memory) + kExceptionPayloadOffset, payload, sizeof(ValRaw) * n);
  throwException(exn);
}

void throwRef(void* /*vmctx*/, VMException* exn) {
  if (exn == nullptr) raiseTrap(TrapCode::NullExceptionReference);
  throwException(exn);
}

VMException* takeException(void* /*vmctx*/) {
  VMException* exn = tlsInFlight;
  tlsInFlight = nullptr;
  return exn;
}

void releaseException(void* vmctx, VMException* exn, uint32_t escape) {
  if (exn->escaped) return;
  if (escape) {
    exn->escaped = 1;
    Instance::fromVMContext(vmctx)->keepException(exn);
  } else {
    std::free(exn);
  }
}

void dropHandlersOf(const void* act) {
  VMHandler* handler = tlsVMThread.handlers;
  while (handler != nullptr && handler->activation == act) handler = handler->prev;
  tlsVMThread.handlers = handler;
}

}  // namespace wcr::jit::vm
