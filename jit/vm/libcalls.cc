// The Libcalls table: bulk memory and table operations with the spec's bounds checks, growth,
// segment drops, and the trap entry points. A failing check raises its trap with no C++ object
// alive in the frame (raising unwinds with siglongjmp). This file is compiled with frame pointers
// (CMakeLists.txt): raiseTrap walks the frame-pointer chain from its own frame, through these
// helpers, into the calling wasm code to take the trap's backtrace.
#include "jit/vm/libcalls.h"

#include <cstring>

#include "jit/vm/exceptions.h"
#include "jit/vm/instance.h"
#include "jit/vm/traps.h"

namespace wcr::jit::vm {
namespace {

Instance& instanceOf(void* vmctx) { return *Instance::fromVMContext(vmctx); }

[[noreturn]] void trapLibcall(void* /*vmctx*/, TrapCode code) { raiseTrap(code); }
[[noreturn]] void trapAtLibcall(void* /*vmctx*/, TrapCode code, uint32_t wasmOffset) {
  raiseTrapAt(code, wasmOffset);
}

int32_t memoryGrow(void* vmctx, uint32_t memory, uint32_t deltaPages) {
  return static_cast<int32_t>(instanceOf(vmctx).memory(memory)->grow(deltaPages));
}

void memoryInit(void* vmctx, uint32_t memory, uint32_t data, uint32_t dst, uint32_t src,
                uint32_t len) {
  Instance& instance = instanceOf(vmctx);
  Memory& mem = *instance.memory(memory);
  wasm::Bytes bytes = instance.data(data);
  if (!mem.inBounds(dst, len) || src > bytes.size() || len > bytes.size() - src) {
    raiseTrap(TrapCode::MemoryOutOfBounds);
  }
  if (len > 0) std::memcpy(mem.base() + dst, bytes.data() + src, len);
}

void dataDrop(void* vmctx, uint32_t data) { instanceOf(vmctx).dropData(data); }

int32_t tableGrow(void* vmctx, uint32_t table, void* init, uint32_t delta) {
  return static_cast<int32_t>(instanceOf(vmctx).table(table)->grow(delta, init));
}

void tableFill(void* vmctx, uint32_t table, uint32_t dst, void* value, uint32_t len) {
  Table& t = *instanceOf(vmctx).table(table);
  if (!t.inBounds(dst, len)) raiseTrap(TrapCode::TableOutOfBounds);
  for (uint64_t i = 0; i < len; ++i) t.set(dst + i, value);
}

void tableCopy(void* vmctx, uint32_t dstTable, uint32_t srcTable, uint32_t dst, uint32_t src,
               uint32_t len) {
  Instance& instance = instanceOf(vmctx);
  Table& to = *instance.table(dstTable);
  Table& from = *instance.table(srcTable);
  if (!to.inBounds(dst, len) || !from.inBounds(src, len)) raiseTrap(TrapCode::TableOutOfBounds);
  void** base = to.vm()->elements;
  std::memmove(base + dst, from.vm()->elements + src, sizeof(void*) * len);
}

void tableInit(void* vmctx, uint32_t table, uint32_t elem, uint32_t dst, uint32_t src,
               uint32_t len) {
  Instance& instance = instanceOf(vmctx);
  Table& t = *instance.table(table);
  absl::Span<void* const> refs = instance.elem(elem);
  if (!t.inBounds(dst, len) || src > refs.size() || len > refs.size() - src) {
    raiseTrap(TrapCode::TableOutOfBounds);
  }
  for (uint64_t i = 0; i < len; ++i) t.set(dst + i, refs[src + i]);
}

void elemDrop(void* vmctx, uint32_t elem) { instanceOf(vmctx).dropElem(elem); }

const Libcalls kLibcalls = {
    trapLibcall, memoryGrow, memoryInit, dataDrop,      tableGrow,
    tableFill,   tableCopy,  tableInit,  elemDrop,      trapAtLibcall,
    pushHandler, throwNew,   throwRef,   takeException, releaseException,
};

}  // namespace

const Libcalls& defaultLibcalls() { return kLibcalls; }

}  // namespace wcr::jit::vm
