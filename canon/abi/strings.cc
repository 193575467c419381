// load_string_from_range / store_string_into_range of CanonicalABI.md (see strings.h).
#include "canon/abi/strings.h"

#include <cstring>
#include <string_view>
#include <vector>

#include "absl/strings/str_format.h"
#include "canon/abi/abi_trap.h"
#include "jit/support/status.h"
#include "jit/support/utf8.h"

namespace wcr::canon::abi {
namespace {

// Iterates the scalar values of well-formed UTF-8.
class CodePoints {
 public:
  explicit CodePoints(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}
  bool next(uint32_t& cp) {
    if (p_ >= end_) return false;
    auto c = static_cast<unsigned char>(*p_);
    int extra = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    cp = extra == 0 ? c : extra == 1 ? (c & 0x1F) : extra == 2 ? (c & 0x0F) : (c & 0x07);
    for (int i = 1; i <= extra && p_ + i < end_; ++i) {
      cp = (cp << 6) | (static_cast<unsigned char>(p_[i]) & 0x3F);
    }
    p_ += 1 + extra;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
};

std::vector<uint8_t> encodeUtf16Le(std::string_view utf8) {
  std::vector<uint8_t> out;
  out.reserve(utf8.size() * 2);
  auto unit = [&](uint32_t u) {
    out.push_back(static_cast<uint8_t>(u));
    out.push_back(static_cast<uint8_t>(u >> 8));
  };
  CodePoints cps(utf8);
  for (uint32_t cp; cps.next(cp);) {
    if (cp < 0x10000) {
      unit(cp);
    } else {
      cp -= 0x10000;
      unit(0xD800 | (cp >> 10));
      unit(0xDC00 | (cp & 0x3FF));
    }
  }
  return out;
}

// Latin-1 bytes of `utf8`; false when a code point is above U+00FF.
bool encodeLatin1(std::string_view utf8, std::vector<uint8_t>& out) {
  out.clear();
  out.reserve(utf8.size());
  CodePoints cps(utf8);
  for (uint32_t cp; cps.next(cp);) {
    if (cp > 0xFF) return false;
    out.push_back(static_cast<uint8_t>(cp));
  }
  return true;
}

absl::StatusOr<std::string> decodeUtf16Le(const uint8_t* bytes, uint64_t units) {
  std::string out;
  out.reserve(units);
  for (uint64_t i = 0; i < units; ++i) {
    uint32_t u = bytes[2 * i] | (uint32_t{bytes[2 * i + 1]} << 8);
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
      uint32_t lo = bytes[2 * i + 2] | (uint32_t{bytes[2 * i + 3]} << 8);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        support::appendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        ++i;
        continue;
      }
    }
    if (u >= 0xD800 && u <= 0xDFFF) return abiTrap("invalid utf-16: lone surrogate found");
    support::appendUtf8(out, u);
  }
  return out;
}

uint64_t alignTo(uint64_t ptr, uint64_t alignment) {
  return (ptr + alignment - 1) / alignment * alignment;
}

// The checks after every realloc of a string store.
absl::Status checkAllocation(GuestMemory& dst, uint64_t ptr, uint32_t alignment, uint64_t size) {
  bool host = dst.trapWording == TrapWording::Host;
  if (ptr != alignTo(ptr, alignment)) {
    return abiTrap(host ? "realloc return: result not aligned" : "unaligned pointer");
  }
  MemoryView mem = dst.memory();
  if (ptr > mem.size || size > mem.size - ptr) {
    return abiTrap(host ? "realloc return: beyond end of memory" : "string content out-of-bounds");
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> reallocChecked(GuestMemory& dst, uint64_t old, uint64_t oldSize,
                                        uint32_t alignment, uint64_t newSize) {
  WCR_ASSIGN_OR_RETURN(uint64_t ptr, dst.realloc(old, oldSize, alignment, newSize));
  WCR_RETURN_IF_ERROR(checkAllocation(dst, ptr, alignment, newSize));
  return ptr;
}

void write(GuestMemory& dst, uint64_t at, const uint8_t* bytes, size_t n) {
  if (n) std::memcpy(dst.memory().base + at, bytes, n);
}

using Stored = std::pair<uint64_t, uint64_t>;

// The host built the hint; a wrong one must not make us write out of bounds.
absl::Status hintMismatch() {
  return absl::InvalidArgumentError("string value's code-unit count does not match its text");
}

absl::StatusOr<Stored> storeCopy(GuestMemory& dst, const std::vector<uint8_t>& encoded,
                                 uint64_t srcCodeUnits, uint32_t unitSize, uint32_t alignment) {
  uint64_t byteLength = uint64_t{unitSize} * srcCodeUnits;
  if (byteLength != encoded.size()) return hintMismatch();
  WCR_ASSIGN_OR_RETURN(uint64_t ptr, reallocChecked(dst, 0, 0, alignment, byteLength));
  write(dst, ptr, encoded.data(), encoded.size());
  return Stored{ptr, srcCodeUnits};
}

absl::StatusOr<Stored> storeToUtf8(GuestMemory& dst, const String& v, uint64_t units,
                                   uint64_t worstCaseSize) {
  WCR_ASSIGN_OR_RETURN(uint64_t ptr, reallocChecked(dst, 0, 0, 1, units));
  CodePoints cps(v.utf8);
  uint64_t i = 0;
  for (uint32_t cp; cps.next(cp); ++i) {
    if (i >= units) return hintMismatch();
    if (cp < 0x80) {
      dst.memory().base[ptr + i] = static_cast<uint8_t>(cp);
      continue;
    }
    const std::string& encoded = v.utf8;
    if (encoded.size() > worstCaseSize) return hintMismatch();
    WCR_ASSIGN_OR_RETURN(ptr, reallocChecked(dst, ptr, units, 1, worstCaseSize));
    // Every code point before i was ASCII, so i is also the byte index into the UTF-8 text.
    write(dst, ptr + i, reinterpret_cast<const uint8_t*>(encoded.data()) + i, encoded.size() - i);
    if (worstCaseSize > encoded.size()) {
      WCR_ASSIGN_OR_RETURN(ptr, reallocChecked(dst, ptr, worstCaseSize, 1, encoded.size()));
    }
    return Stored{ptr, encoded.size()};
  }
  if (i != units) return hintMismatch();
  return Stored{ptr, units};
}

absl::StatusOr<Stored> storeUtf8ToUtf16(GuestMemory& dst, const String& v, uint64_t units) {
  uint64_t worstCaseSize = 2 * units;
  std::vector<uint8_t> encoded = encodeUtf16Le(v.utf8);
  if (encoded.size() > worstCaseSize) return hintMismatch();
  WCR_ASSIGN_OR_RETURN(uint64_t ptr, reallocChecked(dst, 0, 0, 2, worstCaseSize));
  write(dst, ptr, encoded.data(), encoded.size());
  if (encoded.size() < worstCaseSize) {
    WCR_ASSIGN_OR_RETURN(ptr, reallocChecked(dst, ptr, worstCaseSize, 2, encoded.size()));
  }
  return Stored{ptr, encoded.size() / 2};
}

absl::StatusOr<Stored> storeToLatin1OrUtf16(GuestMemory& dst, const String& v, uint64_t units) {
  uint64_t tag = utf16Tag(dst.ptrSize());
  WCR_ASSIGN_OR_RETURN(uint64_t ptr, reallocChecked(dst, 0, 0, 2, units));
  uint64_t dstByteLength = 0;
  CodePoints cps(v.utf8);
  for (uint32_t cp; cps.next(cp);) {
    if (cp < 0x100) {
      if (dstByteLength >= units) return hintMismatch();
      dst.memory().base[ptr + dstByteLength++] = static_cast<uint8_t>(cp);
      continue;
    }
    uint64_t worstCaseSize = 2 * units;
    std::vector<uint8_t> encoded = encodeUtf16Le(v.utf8);
    if (encoded.size() > worstCaseSize) return hintMismatch();
    WCR_ASSIGN_OR_RETURN(ptr, reallocChecked(dst, ptr, units, 2, worstCaseSize));
    uint8_t* mem = dst.memory().base + ptr;
    for (uint64_t j = dstByteLength; j-- > 0;) {  // inflate in place, back to front
      mem[2 * j] = mem[j];
      mem[2 * j + 1] = 0;
    }
    write(dst, ptr + 2 * dstByteLength, encoded.data() + 2 * dstByteLength,
          encoded.size() - 2 * dstByteLength);
    if (worstCaseSize > encoded.size()) {
      WCR_ASSIGN_OR_RETURN(ptr, reallocChecked(dst, ptr, worstCaseSize, 2, encoded.size()));
    }
    return Stored{ptr, (encoded.size() / 2) | tag};
  }
  if (dstByteLength < units) {
    WCR_ASSIGN_OR_RETURN(ptr, reallocChecked(dst, ptr, units, 2, dstByteLength));
  }
  return Stored{ptr, dstByteLength};
}

absl::StatusOr<Stored> storeProbablyUtf16ToLatin1OrUtf16(GuestMemory& dst, const String& v,
                                                         uint64_t units) {
  uint64_t srcByteLength = 2 * units;
  std::vector<uint8_t> encoded = encodeUtf16Le(v.utf8);
  if (encoded.size() != srcByteLength) return hintMismatch();
  WCR_ASSIGN_OR_RETURN(uint64_t ptr, reallocChecked(dst, 0, 0, 2, srcByteLength));
  write(dst, ptr, encoded.data(), encoded.size());
  std::vector<uint8_t> latin1;
  if (!encodeLatin1(v.utf8, latin1)) {
    return Stored{ptr, (encoded.size() / 2) | utf16Tag(dst.ptrSize())};
  }
  uint8_t* mem = dst.memory().base + ptr;
  for (uint64_t i = 0; i < latin1.size(); ++i) mem[i] = mem[2 * i];
  WCR_ASSIGN_OR_RETURN(ptr, reallocChecked(dst, ptr, srcByteLength, 1, latin1.size()));
  return Stored{ptr, latin1.size()};
}

}  // namespace

const char* stringEncodingName(StringEncoding encoding) {
  switch (encoding) {
    case StringEncoding::Utf8:
      return "utf8";
    case StringEncoding::Utf16:
      return "utf16";
    case StringEncoding::Latin1Utf16:
      return "latin1+utf16";
  }
  return "?";
}

absl::Status checkUtf8(std::string_view text, TrapWording wording) {
  if (auto error = support::findUtf8Error(text)) {
    if (wording == TrapWording::Adapter) return abiTrap("invalid utf8 encoding");
    if (error->errorLength == 0) {
      return abiTrap(
          absl::StrFormat("incomplete utf-8 byte sequence from index %d", error->validUpTo));
    }
    return abiTrap(absl::StrFormat("invalid utf-8 sequence of %d bytes from index %d",
                                   error->errorLength, error->validUpTo));
  }
  return absl::OkStatus();
}

absl::StatusOr<String> loadStringFromRange(MemoryView memory, StringEncoding encoding,
                                           uint32_t ptrSize, uint64_t ptr, uint64_t taggedCodeUnits,
                                           TrapWording wording) {
  uint64_t tag = utf16Tag(ptrSize);
  uint32_t alignment = 1;
  uint64_t byteLength = taggedCodeUnits;
  bool utf16 = false;
  switch (encoding) {
    case StringEncoding::Utf8:
      break;
    case StringEncoding::Utf16:
      alignment = 2;
      utf16 = true;
      break;
    case StringEncoding::Latin1Utf16:
      alignment = 2;
      if (taggedCodeUnits & tag) {
        utf16 = true;
        byteLength = taggedCodeUnits ^ tag;
      }
      break;
  }
  // Too long for any memory: reported as the bounds check of the same path would report it.
  const char* outOfBounds = wording == TrapWording::Host
                                ? "string pointer/length out of bounds of memory"
                                : "string content out-of-bounds";
  if (utf16) {
    if (byteLength > kMaxStringByteLength) return abiTrap(outOfBounds);
    byteLength *= 2;
  }
  if (byteLength > kMaxStringByteLength) return abiTrap(outOfBounds);
  if (ptr != alignTo(ptr, alignment)) return abiTrap("unaligned pointer");
  if (ptr > memory.size || byteLength > memory.size - ptr) {
    return abiTrap(wording == TrapWording::Host ? "string pointer/length out of bounds of memory"
                                                : "string content out-of-bounds");
  }
  const uint8_t* bytes = memory.base + ptr;
  String out;
  out.encoding = encoding;
  out.taggedCodeUnits = taggedCodeUnits;
  if (utf16) {
    WCR_ASSIGN_OR_RETURN(out.utf8, decodeUtf16Le(bytes, byteLength / 2));
  } else if (encoding == StringEncoding::Utf8) {
    std::string_view text(reinterpret_cast<const char*>(bytes), byteLength);
    WCR_RETURN_IF_ERROR(checkUtf8(text, wording));
    out.utf8.assign(text);
  } else {  // Latin-1: every byte is the code point
    out.utf8.reserve(byteLength);
    for (uint64_t i = 0; i < byteLength; ++i) support::appendUtf8(out.utf8, bytes[i]);
  }
  return out;
}

absl::StatusOr<std::pair<uint64_t, uint64_t>> storeStringIntoRange(GuestMemory& dst,
                                                                   StringEncoding encoding,
                                                                   const String& v) {
  uint64_t tag = utf16Tag(dst.ptrSize());
  // The source's simple encoding: latin1+utf16 splits by the tag bit.
  enum class Simple { Utf8, Utf16, Latin1 } src = Simple::Utf8;
  uint64_t units = v.taggedCodeUnits;
  switch (v.encoding) {
    case StringEncoding::Utf8:
      src = Simple::Utf8;
      break;
    case StringEncoding::Utf16:
      src = Simple::Utf16;
      break;
    case StringEncoding::Latin1Utf16:
      if (units & tag) {
        src = Simple::Utf16;
        units ^= tag;
      } else {
        src = Simple::Latin1;
      }
      break;
  }
  if (units > kReallocI32Max / 4) return hintMismatch();  // loads cap strings far below this

  std::vector<uint8_t> bytes;
  switch (encoding) {
    case StringEncoding::Utf8:
      switch (src) {
        case Simple::Utf8:
          bytes.assign(v.utf8.begin(), v.utf8.end());
          return storeCopy(dst, bytes, units, 1, 1);
        case Simple::Utf16:
          return storeToUtf8(dst, v, units, units * 3);
        case Simple::Latin1:
          return storeToUtf8(dst, v, units, units * 2);
      }
      break;
    case StringEncoding::Utf16:
      if (src == Simple::Utf8) return storeUtf8ToUtf16(dst, v, units);
      return storeCopy(dst, encodeUtf16Le(v.utf8), units, 2, 2);
    case StringEncoding::Latin1Utf16:
      if (v.encoding != StringEncoding::Latin1Utf16) return storeToLatin1OrUtf16(dst, v, units);
      if (src == Simple::Latin1) {
        if (!encodeLatin1(v.utf8, bytes)) return hintMismatch();
        return storeCopy(dst, bytes, units, 1, 2);
      }
      return storeProbablyUtf16ToLatin1OrUtf16(dst, v, units);
  }
  return absl::InternalError("unknown string encoding");
}

}  // namespace wcr::canon::abi
