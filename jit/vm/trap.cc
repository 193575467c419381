// The spec's message for each trap code (the text assert_trap expects).
#include "jit/vm/trap.h"

namespace wcr::jit::vm {

const char* trapMessage(TrapCode code) {
  switch (code) {
    case TrapCode::None: return "no trap";
    case TrapCode::Unreachable: return "unreachable";
    case TrapCode::MemoryOutOfBounds: return "out of bounds memory access";
    case TrapCode::TableOutOfBounds: return "out of bounds table access";
    case TrapCode::UndefinedElement: return "undefined element";
    case TrapCode::UninitializedElement: return "uninitialized element";
    case TrapCode::IndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapCode::IntegerOverflow: return "integer overflow";
    case TrapCode::IntegerDivideByZero: return "integer divide by zero";
    case TrapCode::InvalidConversion: return "invalid conversion to integer";
    case TrapCode::StackOverflow: return "call stack exhausted";
    case TrapCode::Interrupted: return "interrupt";
    case TrapCode::OutOfFuel: return "all fuel consumed";
    case TrapCode::HostTrap: return "host function trapped";
    case TrapCode::NullExceptionReference: return "null exception reference";
    case TrapCode::UncaughtException: return "uncaught exception";
  }
  return "unknown trap";
}

}  // namespace wcr::jit::vm
