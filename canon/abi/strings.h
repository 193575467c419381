// Strings of the canonical ABI: load_string_from_range and store_string_into_range of
// CanonicalABI.md, for the three string encodings (utf8, utf16, latin1+utf16) and any pair of
// them, with every trap the spec defines.
//
// Decisions:
// - A lifted string is kept as UTF-8 (what the host and the public API use) together with the
//   spec's hint, the encoding it came from and its tagged number of code units, because the hint
//   decides the sizes passed to the destination's realloc, which guests observe. Storing follows
//   the spec's algorithm step by step (same realloc calls with the same arguments, in the same
//   order), converting from the UTF-8 copy as it goes.
// - The destination memory is re-read after every realloc: realloc runs guest code, which may
//   grow its memory.
// - Trap messages are Wasmtime's where the component-model suite asserts them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"

namespace wcr::canon::abi {

enum class StringEncoding : uint8_t { Utf8, Utf16, Latin1Utf16 };

const char* stringEncodingName(StringEncoding encoding);  // "utf8", "utf16", "latin1+utf16"

// CanonicalABI.md's limits.
inline constexpr uint64_t kMaxStringByteLength = (uint64_t{1} << 28) - 1;
inline constexpr uint64_t kReallocI32Max = 0xFFFFFFFFu;

// The tag bit of latin1+utf16's code-unit count: the top bit of a pointer-sized value.
inline uint64_t utf16Tag(uint32_t ptrSize) { return uint64_t{1} << (ptrSize * 8 - 1); }

// Linear memory as the ABI sees it: where it starts and how many bytes are accessible now.
struct MemoryView {
  uint8_t* base = nullptr;
  uint64_t size = 0;
};

// A string value: UTF-8 text plus the hint of where it came from.
struct String {
  std::string utf8;
  StringEncoding encoding = StringEncoding::Utf8;
  uint64_t taggedCodeUnits = 0;

  // A string made by the host: UTF-8, one code unit per byte.
  static String fromUtf8(std::string text) {
    uint64_t units = text.size();
    return String{std::move(text), StringEncoding::Utf8, units};
  }
};

// Wasmtime words some traps differently when a host lifts a value (its host bindings) and when
// a component calls another (its fused adapters); the suite asserts both.
enum class TrapWording : uint8_t { Host, Adapter };

// The memory and realloc of a canon definition's options, as lifting and lowering use them.
class GuestMemory {
 public:
  virtual ~GuestMemory() = default;
  // The destination memory as it is now (call again after realloc).
  virtual MemoryView memory() = 0;
  // Calls the destination's realloc(old, oldSize, alignment, newSize); a trap inside it comes
  // back as the status.
  virtual absl::StatusOr<uint64_t> realloc(uint64_t old, uint64_t oldSize, uint32_t alignment,
                                           uint64_t newSize) = 0;
  // 4 for 32-bit memories, 8 for memory64.
  virtual uint32_t ptrSize() const { return 4; }
  // How traps about allocations in this memory are worded.
  TrapWording trapWording = TrapWording::Host;
};

// load_string_from_range: validates and decodes `taggedCodeUnits` code units at `ptr`.
// The trap lifting `text` as UTF-8 raises, or OK when it is valid. Wasmtime's wording: the host
// path names the bad sequence, calls between components only say "invalid utf8 encoding".
absl::Status checkUtf8(std::string_view text, TrapWording wording);

absl::StatusOr<String> loadStringFromRange(MemoryView memory, StringEncoding encoding,
                                           uint32_t ptrSize, uint64_t ptr, uint64_t taggedCodeUnits,
                                           TrapWording wording = TrapWording::Host);

// store_string_into_range: allocates with the destination's realloc, writes `value` in
// `encoding`, and returns (pointer, tagged code units).
absl::StatusOr<std::pair<uint64_t, uint64_t>> storeStringIntoRange(GuestMemory& dst,
                                                                   StringEncoding encoding,
                                                                   const String& value);

}  // namespace wcr::canon::abi
