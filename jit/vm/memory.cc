// Linear memory: reservation, growth by mprotect, limits.
#include "jit/vm/memory.h"

#include <sys/mman.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"
#include "jit/vm/traps.h"

namespace wcr::jit::vm {

absl::StatusOr<std::shared_ptr<Memory>> Memory::create(const wasm::MemoryType& type) {
  if (type.limits.is64 || type.limits.shared) {
    return absl::UnimplementedError("memory64 and shared memories are not supported");
  }
  uint64_t maxPages = std::min<uint64_t>(type.limits.max.value_or(wasm::kMaxPages32),
                                         wasm::kMaxPages32);
  if (type.limits.min > maxPages) return absl::InvalidArgumentError("memory size too large");
  void* base = mmap(nullptr, kReservationBytes, PROT_NONE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (base == MAP_FAILED) {
    return absl::ResourceExhaustedError(
        absl::StrFormat("cannot reserve linear memory: %s", std::strerror(errno)));
  }
  std::shared_ptr<Memory> memory(new Memory);
  memory->vm_.base = static_cast<uint8_t*>(base);
  memory->maxPages_ = maxPages;
  memory->declaredMax_ = type.limits.max;
  registerMemoryReservation(reinterpret_cast<uintptr_t>(base),
                            reinterpret_cast<uintptr_t>(base) + kReservationBytes);
  if (type.limits.min > 0 && memory->grow(type.limits.min) < 0) {
    return absl::ResourceExhaustedError("cannot commit the initial pages of a linear memory");
  }
  return memory;
}

Memory::~Memory() {
  if (!vm_.base) return;
  unregisterMemoryReservation(reinterpret_cast<uintptr_t>(vm_.base));
  munmap(vm_.base, kReservationBytes);
}

wasm::MemoryType Memory::type() const {
  wasm::MemoryType type;
  type.limits.min = pages();
  type.limits.max = declaredMax_;
  return type;
}

int64_t Memory::grow(uint64_t deltaPages) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t old = pages();
  if (deltaPages > maxPages_ - old) return -1;
  if (deltaPages == 0) return static_cast<int64_t>(old);
  uint64_t newSize = (old + deltaPages) * kWasmPageSize;
  if (mprotect(vm_.base + vm_.size, newSize - vm_.size, PROT_READ | PROT_WRITE) != 0) return -1;
  vm_.size = newSize;
  for (uint64_t* cached : observers_) *cached = newSize;
  return static_cast<int64_t>(old);
}

void Memory::addSizeObserver(uint64_t* cachedSize) {
  std::lock_guard<std::mutex> lock(mu_);
  observers_.push_back(cachedSize);
  *cachedSize = vm_.size;
}

void Memory::removeSizeObserver(uint64_t* cachedSize) {
  std::lock_guard<std::mutex> lock(mu_);
  observers_.erase(std::remove(observers_.begin(), observers_.end(), cachedSize), observers_.end());
}

}  // namespace wcr::jit::vm
