// Linear memory: a 32-bit memory reserves kReservationBytes of address space up front (PROT_NONE)
// so that compiled code needs no bounds checks: any u32 address + u32 offset + access size lands
// in the reservation, and accesses past the current size fault in its inaccessible part. Growth
// makes more pages accessible with mprotect; the base never moves.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "jit/vm/vm_offsets.h"
#include "jit/wasm/types.h"

namespace wcr::jit::vm {

inline constexpr uint64_t kWasmPageSize = 65536;
// 8 GiB covers u32 address + u32 offset; one more page covers the access size of the last byte.
inline constexpr uint64_t kReservationBytes = (uint64_t{8} << 30) + kWasmPageSize;

class Memory {
 public:
  static absl::StatusOr<std::shared_ptr<Memory>> create(const wasm::MemoryType& type);
  ~Memory();
  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;

  VMMemory* vm() { return &vm_; }
  uint8_t* base() const { return vm_.base; }
  uint64_t sizeBytes() const { return vm_.size; }
  uint64_t pages() const { return vm_.size / kWasmPageSize; }
  // The declared maximum (or the 32-bit limit), in pages.
  uint64_t maxPages() const { return maxPages_; }
  // The memory's type as an import sees it: the current size as minimum.
  wasm::MemoryType type() const;

  // memory.grow: returns the old size in pages, or -1 when the result would exceed the maximum
  // or the pages cannot be committed.
  int64_t grow(uint64_t deltaPages);

  // VMContexts cache memory 0's size in their header; grow() keeps every registered copy current.
  void addSizeObserver(uint64_t* cachedSize);
  void removeSizeObserver(uint64_t* cachedSize);

  // Bounds-checked copy into the memory (data segments, host writes).
  bool inBounds(uint64_t offset, uint64_t length) const {
    return offset <= vm_.size && length <= vm_.size - offset;
  }

 private:
  Memory() = default;

  VMMemory vm_;
  uint64_t maxPages_ = 0;
  std::optional<uint64_t> declaredMax_;
  std::mutex mu_;
  std::vector<uint64_t*> observers_;
};

}  // namespace wcr::jit::vm
