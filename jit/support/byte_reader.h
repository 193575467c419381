// ByteReader: a bounds-checked cursor over a byte buffer with LEB128 decoding, as the wasm binary
// format and the component binary format need. Every read reports malformed input as a Status
// whose message uses the spec test suite's wording ("unexpected end", "integer representation too
// long", "integer too large") and the absolute byte offset.
#pragma once

#include <cstdint>
#include <string_view>

#include "absl/types/span.h"
#include "jit/support/status.h"

namespace wcr::support {

class ByteReader {
 public:
  // `base` is the absolute offset of data[0] in the enclosing file, used in error messages.
  explicit ByteReader(absl::Span<const uint8_t> data, size_t base = 0)
      : data_(data), base_(base), inputEnd_(base + data.size()) {}

  size_t offset() const { return base_ + pos_; }  // absolute offset of the next byte
  size_t pos() const { return pos_; }             // offset relative to this reader's buffer
  size_t remaining() const { return data_.size() - pos_; }
  bool atEnd() const { return pos_ == data_.size(); }
  absl::Span<const uint8_t> data() const { return data_; }

  absl::StatusOr<uint8_t> readByte();
  absl::StatusOr<uint8_t> peekByte() const;
  absl::StatusOr<absl::Span<const uint8_t>> readBytes(size_t n);
  absl::StatusOr<uint32_t> readFixedU32();  // little-endian
  absl::StatusOr<uint64_t> readFixedU64();

  absl::StatusOr<uint32_t> readVarU32();
  absl::StatusOr<uint64_t> readVarU64();
  absl::StatusOr<int32_t> readVarS32();
  absl::StatusOr<int64_t> readVarS64();
  absl::StatusOr<int64_t> readVarS33();  // block types

  // A vec(byte) holding UTF-8: "malformed UTF-8 encoding" when invalid.
  absl::StatusOr<std::string_view> readName();

  // A sub-reader over the next n bytes (e.g. one section); advances this reader past them.
  absl::StatusOr<ByteReader> subReader(size_t n);

  // Error at the current offset (or at `at`, an absolute offset) with the given message.
  absl::Status error(std::string_view message) const;
  absl::Status errorAt(size_t at, std::string_view message) const;

  // A u32 length (vec count, name or payload size) that must not exceed the bytes left in the
  // whole input, counted from the start of the LEB ("length out of bounds", as the spec's
  // reference decoder checks it). The bytes themselves may still overrun a sub-reader's end.
  absl::StatusOr<uint32_t> readLength();

  // The message for reading past the end; sub-readers inherit it. wasm uses "unexpected end of
  // section or function"; the default is "unexpected end".
  void setEndMessage(const char* message) { endMessage_ = message; }
  absl::Status endError() const { return error(endMessage_); }

  // Absolute offset of the end of the whole input this reader (or its parent) was made from.
  size_t inputEnd() const { return inputEnd_; }

  // Inline fast paths for hot loops (instruction decoding). They return false without consuming
  // anything when the fast path does not apply (malformed input, or too few bytes left to decode
  // without bounds checks); the caller then uses the Status-returning reader, which also
  // produces the error message.
  bool tryReadByte(uint8_t& out) {
    if (pos_ >= data_.size()) return false;
    out = data_[pos_++];
    return true;
  }
  bool tryReadVarU32(uint32_t& out) {
    size_t left = data_.size() - pos_;
    const uint8_t* p = data_.data() + pos_;
    if (left == 0) return false;
    if (p[0] < 0x80) {
      out = p[0];
      ++pos_;
      return true;
    }
    if (left < 5) return false;
    uint32_t v = p[0] & 0x7F;
    for (int i = 1; i < 4; ++i) {
      v |= static_cast<uint32_t>(p[i] & 0x7F) << (7 * i);
      if (p[i] < 0x80) {
        pos_ += i + 1;
        out = v;
        return true;
      }
    }
    if (p[4] >= 0x10) return false;  // too large or too long: the slow path words it
    out = v | static_cast<uint32_t>(p[4]) << 28;
    pos_ += 5;
    return true;
  }
  // Signed LEB128 of kBits (32 or 64) bits.
  template <typename T, int kBits>
  bool tryReadVarS(T& out) {
    constexpr int kMaxBytes = (kBits + 6) / 7;
    size_t left = data_.size() - pos_;
    const uint8_t* p = data_.data() + pos_;
    if (left && p[0] < 0x80) {
      out = static_cast<T>(static_cast<int8_t>(static_cast<uint8_t>(p[0] << 1)) >> 1);
      ++pos_;
      return true;
    }
    if (left < static_cast<size_t>(kMaxBytes)) return false;
    uint64_t v = 0;
    for (int i = 0; i < kMaxBytes - 1; ++i) {
      v |= static_cast<uint64_t>(p[i] & 0x7F) << (7 * i);
      if (p[i] < 0x80) {
        int shift = 7 * (i + 1);
        if (p[i] & 0x40) v |= ~uint64_t{0} << shift;
        pos_ += i + 1;
        out = static_cast<T>(v);
        return true;
      }
    }
    // Last byte: no continuation, and the bits beyond kBits must repeat the sign bit.
    uint8_t last = p[kMaxBytes - 1];
    int used = kBits - 7 * (kMaxBytes - 1);  // value bits in the last byte
    uint8_t mask = static_cast<uint8_t>((0xFFu << (used - 1)) & 0x7Fu);
    if ((last & 0x80) || ((last & mask) != 0 && (last & mask) != mask)) return false;
    v |= static_cast<uint64_t>(last & 0x7F) << (7 * (kMaxBytes - 1));
    if constexpr (7 * kMaxBytes < 64) {
      if (last & 0x40) v |= ~uint64_t{0} << (7 * kMaxBytes);
    }
    pos_ += kMaxBytes;
    out = static_cast<T>(v);
    return true;
  }
  bool trySkip(size_t n) {
    if (n > data_.size() - pos_) return false;
    pos_ += n;
    return true;
  }
  // Moves back to an earlier position (pos() value) of this reader.
  void rewind(size_t pos) { pos_ = pos; }
  const uint8_t* cursor() const { return data_.data() + pos_; }

 private:
  ByteReader(absl::Span<const uint8_t> data, size_t base, size_t inputEnd, const char* endMessage)
      : data_(data), base_(base), inputEnd_(inputEnd), endMessage_(endMessage) {}

  template <typename T, bool kSigned, int kBits>
  absl::StatusOr<T> readLeb();

  absl::Span<const uint8_t> data_;
  size_t base_ = 0;
  size_t pos_ = 0;
  size_t inputEnd_ = 0;
  const char* endMessage_ = "unexpected end";
};

}  // namespace wcr::support
