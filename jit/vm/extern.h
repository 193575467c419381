// Externals: what instances export and import (functions, memories, tables, globals, tags), and the
// global storage object. Every external keeps alive what its pointers point into.
#pragma once

#include <cstdint>
#include <memory>

#include "jit/vm/code.h"
#include "jit/vm/memory.h"
#include "jit/vm/table.h"
#include "jit/vm/vm_offsets.h"
#include "jit/wasm/types.h"

namespace wcr::jit::vm {

// A global's storage and type. Imports point at the exporter's Global: mutation is shared.
struct Global {
  wasm::GlobalType type;
  VMGlobal storage;
};

// A function as an external. A wasm function (or a function re-exported by an instance) has an
// entry trampoline and `ref` holds its native code and context; a host function has no entry,
// ref.code is null and ref.context is its VMHostContext.
struct Func {
  VMFuncRef ref;
  wasm::FuncType type;
  EntryTrampoline entry = nullptr;
  // The same entry with the trap scope inside, where the compiler provides one (code.h).
  GuardedEntryTrampoline guardedEntry = nullptr;
  uint8_t* callerVmctx = nullptr;  // the exporting instance's VMContext (its stack limit is set)
  std::shared_ptr<const void> owner;  // the instance or host function behind ref
  bool isHost() const { return entry == nullptr; }
};

// An exception tag. Its identity is its address: every instance that imports it sees the same
// Tag, and two instantiations of one module define two distinct tags.
struct Tag {
  wasm::FuncType type;  // the payload's types (no results)
};

struct Extern {
  wasm::ExternKind kind = wasm::ExternKind::Func;
  std::shared_ptr<const Func> func;
  std::shared_ptr<Table> table;
  std::shared_ptr<Memory> memory;
  std::shared_ptr<Global> global;
  std::shared_ptr<const Tag> tag;
};

}  // namespace wcr::jit::vm
