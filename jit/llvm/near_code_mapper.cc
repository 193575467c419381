// NearCodeMapper: an in-process ORC MemoryMapper with reservations near the binary
// (near_code_mapper.h).
#include "jit/llvm/near_code_mapper.h"

#include <llvm/ExecutionEngine/Orc/MemoryMapper.h>
#include <llvm/ExecutionEngine/Orc/Shared/AllocationActions.h>
#include <llvm/Support/Memory.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace wcr::jit::llvm {

namespace {

using ::llvm::Error;
using ::llvm::orc::ExecutorAddr;
using ::llvm::orc::ExecutorAddrRange;

constexpr uintptr_t kSearchBytes = uintptr_t{3} << 29;  // 1.5 GiB below the anchor
constexpr uintptr_t kFirstGap = uintptr_t{64} << 20;    // leave room right below the binary

void anchor() {}

// Where the last search ended: the next one starts there, so a process with many live
// reservations does not probe all of them again (released ones are found on the next pass).
std::atomic<uintptr_t> searchCursor{0};

// A free range of `bytes` below this binary, or null.
void* mapNear(size_t bytes) {
  const uintptr_t page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t step = (bytes + page - 1) & ~(page - 1);
  const auto top = reinterpret_cast<uintptr_t>(&anchor) & ~(page - 1);
  if (top < kFirstGap + kSearchBytes || step >= kSearchBytes) return nullptr;
  const uintptr_t high = top - kFirstGap, low = top - kFirstGap - kSearchBytes;
  uintptr_t start = searchCursor.load(std::memory_order_relaxed);
  if (start <= low || start > high) start = high;
  // Two passes: from the cursor down to the bottom, then from the top.
  for (uintptr_t from : {start, high}) {
    for (uintptr_t at = (from - step) & ~(page - 1); at >= low && at < from; at -= step) {
      void* p = mmap(reinterpret_cast<void*>(at), bytes, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);
      if (p == reinterpret_cast<void*>(at)) {
        searchCursor.store(at, std::memory_order_relaxed);
        return p;
      }
      if (p != MAP_FAILED) munmap(p, bytes);  // a kernel that ignores MAP_FIXED_NOREPLACE
    }
  }
  return nullptr;
}

class NearCodeMapper : public ::llvm::orc::MemoryMapper {
 public:
  ~NearCodeMapper() override {
    std::vector<ExecutorAddr> all;
    for (const auto& [base, reservation] : reservations_) all.push_back(ExecutorAddr(base));
    release(all, [](Error e) { ::llvm::consumeError(std::move(e)); });
  }

  unsigned int getPageSize() override { return static_cast<unsigned>(sysconf(_SC_PAGESIZE)); }

  void reserve(size_t bytes, OnReservedFunction onReserved) override {
    void* p = mapNear(bytes);
    if (!p) {
      p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
               -1, 0);
      if (p == MAP_FAILED) {
        return onReserved(
            ::llvm::errorCodeToError(std::error_code(errno, std::generic_category())));
      }
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      reservations_[reinterpret_cast<uintptr_t>(p)] = Reservation{bytes, {}};
    }
    onReserved(ExecutorAddrRange(ExecutorAddr::fromPtr(p), bytes));
  }

  char* prepare(ExecutorAddr addr, size_t /*contentSize*/) override { return addr.toPtr<char*>(); }

  void initialize(AllocInfo& info, OnInitializedFunction onInitialized) override {
    const size_t page = getPageSize();
    size_t span = 0;  // from MappingBase to the end of the last segment
    for (const AllocInfo::SegInfo& segment : info.Segments) {
      ExecutorAddr base = info.MappingBase + segment.Offset;
      std::memset((base + segment.ContentSize).toPtr<void*>(), 0, segment.ZeroFillSize);
      size_t size = (segment.ContentSize + segment.ZeroFillSize + page - 1) & ~(page - 1);
      span = std::max<size_t>(span, segment.Offset + size);
      ::llvm::sys::MemoryBlock block(base.toPtr<void*>(), size);
      auto flags = ::llvm::orc::toSysMemoryProtectionFlags(segment.AG.getMemProt());
      if (auto ec = ::llvm::sys::Memory::protectMappedMemory(block, flags)) {
        return onInitialized(::llvm::errorCodeToError(ec));
      }
      if (flags & ::llvm::sys::Memory::MF_EXEC) {
        ::llvm::sys::Memory::InvalidateInstructionCache(base.toPtr<void*>(), size);
      }
    }
    auto deallocActions = ::llvm::orc::shared::runFinalizeActions(info.Actions);
    if (!deallocActions) return onInitialized(deallocActions.takeError());
    {
      std::lock_guard<std::mutex> lock(mu_);
      allocations_[info.MappingBase.getValue()] = Allocation{span, std::move(*deallocActions)};
      if (Reservation* r = reservationOf(info.MappingBase.getValue())) {
        r->allocations.push_back(info.MappingBase.getValue());
      }
    }
    onInitialized(info.MappingBase);
  }

  void deinitialize(::llvm::ArrayRef<ExecutorAddr> bases,
                    OnDeinitializedFunction onDeinitialized) override {
    Error errors = Error::success();
    for (ExecutorAddr base : bases) {
      Allocation allocation;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (!take(allocations_, base.getValue(), allocation)) continue;
        if (Reservation* r = reservationOf(base.getValue())) {
          std::erase(r->allocations, base.getValue());
        }
      }
      errors = ::llvm::joinErrors(std::move(errors),
                                  ::llvm::orc::shared::runDeallocActions(allocation.actions));
      // Writable again: the memory manager may hand the range out for new code, which JITLink
      // writes before initialize() protects it.
      ::llvm::sys::MemoryBlock block(base.toPtr<void*>(), allocation.bytes);
      if (auto ec = ::llvm::sys::Memory::protectMappedMemory(
              block, ::llvm::sys::Memory::MF_READ | ::llvm::sys::Memory::MF_WRITE)) {
        errors = ::llvm::joinErrors(std::move(errors), ::llvm::errorCodeToError(ec));
      }
    }
    onDeinitialized(std::move(errors));
  }

  void release(::llvm::ArrayRef<ExecutorAddr> bases, OnReleasedFunction onReleased) override {
    Error errors = Error::success();
    for (ExecutorAddr base : bases) {
      Reservation reservation;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (!take(reservations_, base.getValue(), reservation)) continue;
      }
      std::vector<ExecutorAddr> inside;
      for (uintptr_t a : reservation.allocations) inside.push_back(ExecutorAddr(a));
      deinitialize(inside,
                   [&](Error e) { errors = ::llvm::joinErrors(std::move(errors), std::move(e)); });
      munmap(base.toPtr<void*>(), reservation.bytes);
    }
    onReleased(std::move(errors));
  }

 private:
  struct Allocation {
    size_t bytes = 0;  // pages its segments cover, from the allocation's base
    std::vector<::llvm::orc::shared::WrapperFunctionCall> actions;  // to run at deinitialize
  };
  struct Reservation {
    size_t bytes = 0;
    std::vector<uintptr_t> allocations;
  };
  // Moves the entry at `key` out of `entries` into `out` and erases it; false if there is none.
  // mu_ held.
  template <typename Entry>
  static bool take(std::map<uintptr_t, Entry>& entries, uintptr_t key, Entry& out) {
    auto it = entries.find(key);
    if (it == entries.end()) return false;
    out = std::move(it->second);
    entries.erase(it);
    return true;
  }
  // The reservation holding `address`; mu_ held.
  Reservation* reservationOf(uintptr_t address) {
    auto it = reservations_.upper_bound(address);
    if (it == reservations_.begin()) return nullptr;
    --it;
    return address < it->first + it->second.bytes ? &it->second : nullptr;
  }

  std::mutex mu_;
  std::map<uintptr_t, Reservation> reservations_;
  std::map<uintptr_t, Allocation> allocations_;
};

}  // namespace

std::unique_ptr<::llvm::orc::MemoryMapper> createNearCodeMapper() {
  return std::make_unique<NearCodeMapper>();
}

}  // namespace wcr::jit::llvm
