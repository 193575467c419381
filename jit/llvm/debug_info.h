// Where compiled code came from, for trap backtraces (jit/vm/backtrace.h): DWARF whose line
// numbers are wasm offsets, written with the IR and read back from the object files.
//
// Decisions:
//  - DWARF line tables rather than a table of our own: only the code generator knows which
//    machine instruction came from which wasm instruction, after inlining and scheduling, and
//    DWARF is how it says so. The objects carry it, so code from the object cache or an artifact
//    is symbolized exactly like freshly compiled code.
//  - Line tables only (DICompileUnit::LineTablesOnly): the line program plus subprograms and
//    inlined-subroutine entries (so a pc inside an inlined callee yields the callee's frame and
//    the caller's call offset), no types or variables, no name tables. FunctionEmitter gives the
//    instructions whose code can appear in a backtrace (memory accesses, calls, libcalls) the
//    location line = their byte offset in the module binary (column 0; line 0 marks code of no
//    instruction, such as the prologue); pure instructions get none, which makes the debug
//    sections 2.6x smaller for the same compile time (a generated 100 KB module: objects +9%
//    instead of +25%; wasm-tools, 2.4 MB of real code: +19%).
//  - Read lazily: WasmSymbolizer keeps the objects (the JIT links views of them) and parses an
//    object's DWARF on the first lookup of a pc in it, so compiling pays only for emitting the
//    debug sections; a trap pays for parsing, once per object. The price is memory: the objects
//    (code, relocations, debug sections) stay alive as long as the code.
//  - Every function of a batch module keeps a frame pointer ("frame-pointer"="all"): the trap
//    handler walks the frame-pointer chain.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "jit/vm/code.h"

namespace llvm {
class DIBuilder;
class DIFile;
class DISubroutineType;
class DWARFContext;
class Function;
class MemoryBuffer;
class Module;
namespace object {
class ObjectFile;
}  // namespace object
}  // namespace llvm

namespace wcr::jit::llvm {

// Debug info of one batch module.
class WasmDebugInfo {
 public:
  explicit WasmDebugInfo(::llvm::Module& module);
  ~WasmDebugInfo();
  // Gives the wasm function `fn` (a definition, named like its symbol) its DISubprogram, which
  // FunctionEmitter scopes the instruction locations in.
  void attach(::llvm::Function& fn);
  // The same for a guarded export entry (trampolines.cc), after its code is emitted: every
  // instruction gets line 0 of it, so the callee LLVM inlines there keeps its own locations.
  void attachEntry(::llvm::Function& fn);
  // Completes the debug info, and gives every function defined in the module (trampolines
  // included) a frame pointer. Call once, after all code is emitted.
  void finalize();

 private:
  ::llvm::Module& module_;
  std::unique_ptr<::llvm::DIBuilder> builder_;
  ::llvm::DIFile* file_ = nullptr;
  ::llvm::DISubroutineType* type_ = nullptr;
};

// pc -> wasm frames for one linked module.
class WasmSymbolizer {
 public:
  explicit WasmSymbolizer(std::vector<std::unique_ptr<::llvm::MemoryBuffer>> objects);
  ~WasmSymbolizer();
  // Non-owning buffers of the objects, for the JIT to link (they stay valid while this lives).
  std::vector<std::unique_ptr<::llvm::MemoryBuffer>> objectViews() const;
  // After linking: the address of each defined function, by defined index.
  void setFunctionAddresses(std::vector<void*> functions) { functions_ = std::move(functions); }
  // After linking: the guarded export entries' addresses, by the defined index they call.
  void setExportEntryAddresses(absl::flat_hash_map<uint32_t, void*> entries) {
    exportEntries_ = std::move(entries);
  }
  // CompiledCode::wasmFramesAt. Thread-safe.
  std::vector<vm::WasmCodeFrame> framesAt(uintptr_t pc) const;

 private:
  struct Object;
  struct FunctionRange {
    uintptr_t begin = 0, end = 0;
    uint32_t definedIndex = 0;
    uint32_t object = 0;        // index into objects_
    uint64_t section = 0;       // the section holding the function's code, and the function's
    uint64_t sectionStart = 0;  // offset in it (what the object's DWARF addresses are)
    bool exportEntry = false;   // a guarded export entry calling definedIndex
  };
  void indexFunctions() const;

  std::vector<void*> functions_;
  absl::flat_hash_map<uint32_t, void*> exportEntries_;
  mutable std::mutex mu_;
  mutable std::vector<Object> objects_;
  mutable std::vector<FunctionRange> ranges_;  // sorted by begin; built at the first lookup
  mutable bool indexed_ = false;
};

}  // namespace wcr::jit::llvm
