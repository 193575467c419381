// Bounds-checked access to the guest's linear memory for the preview1 functions. Every pointer
// and length a guest passes is checked against the memory's current size before the host touches
// it; a range that does not fit is EFAULT (preview1 FAULT = 21), never a host fault. (Wasmtime
// traps instead; preview1 defines FAULT for this, and a guest can handle it.)
//
// A view is taken at the start of each host call: the base never moves (jit/vm/memory.h) and the
// size cannot change during a call (memory.grow runs only in guest code, and a store is used by
// one thread). Pointers need no alignment: fields are copied with memcpy.
#pragma once

#include <sys/uio.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <vector>

#include "wasi/p1/abi.h"
#include "wasi/p3/errno.h"

namespace wcr::wasi::p1 {

// A struct being assembled for one store into guest memory (fdstat, filestat, event, ...).
template <size_t N>
struct GuestRecord {
  std::array<uint8_t, N> bytes{};
  template <typename T>
  void put(uint32_t offset, T value) {
    static_assert(std::is_integral_v<T>);
    std::memcpy(bytes.data() + offset, &value, sizeof value);
  }
};

class GuestMemory {
 public:
  GuestMemory() = default;
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

  uint64_t size() const { return size_; }
  bool inBounds(uint32_t ptr, uint64_t length) const {
    return ptr <= size_ && length <= size_ - ptr;
  }

  // The host address of guest bytes [ptr, ptr + length).
  p3::ErrnoOr<uint8_t*> bytes(uint32_t ptr, uint64_t length) const {
    if (!inBounds(ptr, length)) return p3::Errno{EFAULT};
    return base_ + ptr;
  }
  p3::Errno check(uint32_t ptr, uint64_t length) const {
    return inBounds(ptr, length) ? p3::kOk : p3::Errno{EFAULT};
  }

  template <typename T>
  p3::ErrnoOr<T> load(uint32_t ptr) const {
    static_assert(std::is_integral_v<T>);
    if (!inBounds(ptr, sizeof(T))) return p3::Errno{EFAULT};
    T value;
    std::memcpy(&value, base_ + ptr, sizeof value);
    return value;
  }
  template <typename T>
  p3::Errno store(uint32_t ptr, T value) const {
    static_assert(std::is_integral_v<T>);
    if (!inBounds(ptr, sizeof(T))) return p3::Errno{EFAULT};
    std::memcpy(base_ + ptr, &value, sizeof value);
    return p3::kOk;
  }
  template <size_t N>
  p3::Errno store(uint32_t ptr, const GuestRecord<N>& record) const {
    if (!inBounds(ptr, N)) return p3::Errno{EFAULT};
    std::memcpy(base_ + ptr, record.bytes.data(), N);
    return p3::kOk;
  }
  p3::Errno storeBytes(uint32_t ptr, const void* data, uint64_t length) const {
    if (!inBounds(ptr, length)) return p3::Errno{EFAULT};
    if (length != 0) std::memcpy(base_ + ptr, data, length);
    return p3::kOk;
  }

  // Guest bytes as a string view (valid during the call). Paths and other strings must be UTF-8
  // (EILSEQ otherwise, as in Wasmtime) and hold no NUL (EINVAL: the host could not pass them on).
  p3::ErrnoOr<std::string_view> string(uint32_t ptr, uint32_t length) const;

  // The guest's array of `count` iovecs (ciovecs) at `ptr` as host iovecs pointing into guest
  // memory: the whole array is checked, its first IOV_MAX buffers converted and checked (the host
  // moves no more in one call). Converted first, so buffers may overlap the array.
  p3::ErrnoOr<std::vector<struct iovec>> iovecs(uint32_t ptr, uint32_t count) const;

 private:
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace wcr::wasi::p1
