// Where JIT code lives: an in-process ORC MemoryMapper whose reservations are placed within
// ~1.5 GiB below the wcr binary (or the library that holds this file), for
// MapperJITLinkMemoryManager.
//
// Why: host functions and libcalls live in the binary, and on the machines we measure, calls and
// returns between code that is far apart (JITLink's default anonymous mappings land terabytes
// away) cost more: an indirect call of an empty C function through a struct field took 2.2-2.7
// ns from an anonymous mapping and 1.4-1.6 ns from a mapping 256 MiB below the binary (the same
// bytes; bench/results/jit.md). V8 keeps its code range near its embedded builtins for the same
// reason.
//
// Decisions:
//  - Reservations are tried at fixed candidate addresses below the anchor with
//    MAP_FIXED_NOREPLACE (never over an existing mapping); when no candidate is free the
//    reservation goes wherever the kernel puts it, so nothing fails for want of near space.
//  - The rest is what an in-process mapper does: working memory is the target memory, segments
//    are zero-filled and protected at initialization, finalize actions (eh-frame registration)
//    run then and their dealloc actions at deinitialization, release unmaps.
#pragma once

#include <memory>

namespace llvm::orc {
class MemoryMapper;
}

namespace wcr::jit::llvm {

std::unique_ptr<::llvm::orc::MemoryMapper> createNearCodeMapper();

}  // namespace wcr::jit::llvm
