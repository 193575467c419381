// The VMContext layout: the one place that says where each field of an instance's context lives.
// The LLVM emitters (jit/llvm) and the vm (jit/vm) both compute offsets here and nowhere else.
//
// Every compiled function takes the VMContext pointer of its instance as its first argument.
// Layout (all offsets in bytes, 8-byte aligned):
//   [fixed header]            see the kOffset* constants below
//   typeIds[numTypes]         uint32 canonical signature id of each type index (call_indirect)
//   importedFuncs[numImportedFuncs]  VMImportedFunc: callee code and the context to pass it
//   memories[numMemories]     VMMemory*  (memory 0 is also cached in the header)
//   tables[numTables]         VMTable*
//   globals[numGlobals]       VMGlobal*  (defined globals point into the instance, imported ones
//                             into the exporting instance: one indirection for both)
//   funcRefs[numFuncs]        VMFuncRef, the value of `ref.func i` and of table elements
//   tags[numTags]             const Tag* (extern.h): a tag's identity, shared with importers
#pragma once

#include <cstddef>
#include <cstdint>

namespace wcr::jit::vm {

// A function reference: what funcref values point to. Null funcref is a null pointer.
struct VMFuncRef {
  void* code = nullptr;     // native entry: ret fn(void* calleeCtx, params...)
  void* context = nullptr;  // the VMContext (or host context) to pass as first argument
  uint32_t typeId = 0;      // engine-wide canonical signature id
  uint32_t pad_ = 0;
};
static_assert(sizeof(VMFuncRef) == 24);

struct VMImportedFunc {
  void* code = nullptr;
  void* context = nullptr;
};
static_assert(sizeof(VMImportedFunc) == 16);

// A linear memory. `base` is followed by a reservation large enough that no 32-bit access
// (u32 address + u32 offset + 16) leaves it, so compiled code needs no bounds checks.
struct VMMemory {
  uint8_t* base = nullptr;
  uint64_t size = 0;  // current size in bytes
};

// A table: elements are VMFuncRef* (funcref) or opaque host pointers (externref); 0 is null.
struct VMTable {
  void** elements = nullptr;
  uint64_t size = 0;  // current number of elements
};

// A global's storage: 16 bytes so that v128 fits; numbers are stored little-endian at offset 0,
// references as a pointer.
struct alignas(16) VMGlobal {
  uint8_t bytes[16] = {};
};

// A wasm exception (exception-handling proposal): what an exnref points to. The payload follows
// the header, one 16-byte slot per value of the tag's parameters (ValRaw layout).
struct VMException {
  const void* tag = nullptr;  // the Tag (extern.h) it was thrown with: compared by address
  uint32_t numValues = 0;
  // An exnref to it exists (catch_ref, catch_all_ref): it then lives until its instance dies
  // (exceptions.h); else the catch that takes it frees it.
  uint32_t escaped = 0;
};
static_assert(sizeof(VMException) == 16);
inline constexpr uint32_t kExceptionPayloadOffset = 16;

// A try_table's handler record, in the frame of the function that runs the try_table. It is
// linked on the thread's handler chain (code.h, VMThreadState) while the try_table's body runs;
// `jump` is what llvm.eh.sjlj.setjmp fills: frame pointer, resume address, stack pointer.
struct VMHandler {
  VMHandler* prev = nullptr;
  const void* activation = nullptr;  // the VMActivation it was pushed under
  VMHandler** head = nullptr;        // the chain's head: popping is `*head = prev`
  void* pad_ = nullptr;
  void* jump[5] = {};
};
static_assert(sizeof(VMHandler) == 72);
inline constexpr uint32_t kHandlerPrevOffset = 0;
inline constexpr uint32_t kHandlerHeadOffset = 16;
inline constexpr uint32_t kHandlerJumpOffset = 32;

// Fixed header of VMContext.
inline constexpr uint32_t kOffsetMemory0Base = 0;   // uint8_t*  base of memory 0 (or null)
inline constexpr uint32_t kOffsetMemory0Size = 8;   // uint64_t  bytes of memory 0
inline constexpr uint32_t kOffsetStackLimit = 16;   // uintptr_t lowest allowed stack pointer
inline constexpr uint32_t kOffsetEpochPtr = 24;     // const uint64_t* engine epoch counter
inline constexpr uint32_t kOffsetEpochDeadline = 32;// uint64_t  trap when *epochPtr >= this
inline constexpr uint32_t kOffsetFuel = 40;         // int64_t   remaining fuel (if enabled)
inline constexpr uint32_t kOffsetInstance = 48;     // Instance* for libcalls
inline constexpr uint32_t kOffsetLibcalls = 56;     // const Libcalls* table of host helpers
inline constexpr uint32_t kHeaderSize = 64;

class VMOffsets {
 public:
  VMOffsets(uint32_t numTypes, uint32_t numImportedFuncs, uint32_t numMemories,
            uint32_t numTables, uint32_t numGlobals, uint32_t numFuncs, uint32_t numTags) {
    typeIds_ = kHeaderSize;
    importedFuncs_ = align8(typeIds_ + 4 * numTypes);
    memories_ = importedFuncs_ + sizeof(VMImportedFunc) * numImportedFuncs;
    tables_ = memories_ + 8 * numMemories;
    globals_ = tables_ + 8 * numTables;
    funcRefs_ = globals_ + 8 * numGlobals;
    tags_ = funcRefs_ + sizeof(VMFuncRef) * numFuncs;
    size_ = tags_ + 8 * numTags;
  }

  uint32_t typeId(uint32_t typeIndex) const { return typeIds_ + 4 * typeIndex; }
  uint32_t importedFunc(uint32_t i) const { return importedFuncs_ + sizeof(VMImportedFunc) * i; }
  uint32_t memory(uint32_t i) const { return memories_ + 8 * i; }   // holds VMMemory*
  uint32_t table(uint32_t i) const { return tables_ + 8 * i; }      // holds VMTable*
  uint32_t global(uint32_t i) const { return globals_ + 8 * i; }    // holds VMGlobal*
  uint32_t funcRef(uint32_t i) const { return funcRefs_ + sizeof(VMFuncRef) * i; }
  uint32_t tag(uint32_t i) const { return tags_ + 8 * i; }          // holds const Tag*
  uint32_t size() const { return size_; }

 private:
  static constexpr uint32_t align8(uint32_t v) { return (v + 7) & ~7u; }
  uint32_t typeIds_ = 0, importedFuncs_ = 0, memories_ = 0, tables_ = 0, globals_ = 0;
  uint32_t funcRefs_ = 0, tags_ = 0, size_ = 0;
};

}  // namespace wcr::jit::vm
