// Trap codes and their spec messages. A trap raised in compiled code (explicit check -> the trap
// libcall, or a fault mapped by the signal handler) unwinds to the innermost host->wasm entry.
#pragma once

#include <cstdint>

namespace wcr::jit::vm {

enum class TrapCode : uint32_t {
  None = 0,
  Unreachable,              // "unreachable"
  MemoryOutOfBounds,        // "out of bounds memory access"
  TableOutOfBounds,         // "out of bounds table access"
  UndefinedElement,         // "undefined element" (call_indirect index past the table)
  UninitializedElement,     // "uninitialized element" (call_indirect through null)
  IndirectCallTypeMismatch, // "indirect call type mismatch"
  IntegerOverflow,          // "integer overflow"
  IntegerDivideByZero,      // "integer divide by zero"
  InvalidConversion,        // "invalid conversion to integer"
  StackOverflow,            // "call stack exhausted"
  Interrupted,              // "interrupt" (epoch deadline reached)
  OutOfFuel,                // "all fuel consumed"
  HostTrap,                 // a host function failed; its message is kept by the vm
  NullExceptionReference,   // "null exception reference" (throw_ref of a null exnref)
  UncaughtException,        // "uncaught exception": a wasm exception left its activation
};

const char* trapMessage(TrapCode code);

}  // namespace wcr::jit::vm
