// ByteReader: bounds-checked reads and LEB128 decoding with the spec test suite's error wording.
#include "jit/support/byte_reader.h"

#include <cstring>
#include <type_traits>

#include "jit/support/utf8.h"

namespace wcr::support {

absl::Status ByteReader::error(std::string_view message) const {
  return errorAt(offset(), message);
}

absl::Status ByteReader::errorAt(size_t at, std::string_view message) const {
  return absl::InvalidArgumentError(absl::StrFormat("at offset 0x%x: %s", at, message));
}

absl::StatusOr<uint8_t> ByteReader::readByte() {
  if (pos_ >= data_.size()) return endError();
  return data_[pos_++];
}

absl::StatusOr<uint8_t> ByteReader::peekByte() const {
  if (pos_ >= data_.size()) return endError();
  return data_[pos_];
}

absl::StatusOr<absl::Span<const uint8_t>> ByteReader::readBytes(size_t n) {
  if (n > data_.size() - pos_) {
    // Like the reference decoder, report the end of the input rather than the start of the read.
    return errorAt(base_ + data_.size(), endMessage_);
  }
  absl::Span<const uint8_t> out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

absl::StatusOr<uint32_t> ByteReader::readFixedU32() {
  if (data_.size() - pos_ < 4) return errorAt(base_ + data_.size(), endMessage_);
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | data_[pos_ + i];
  pos_ += 4;
  return v;
}

absl::StatusOr<uint64_t> ByteReader::readFixedU64() {
  if (data_.size() - pos_ < 8) return errorAt(base_ + data_.size(), endMessage_);
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | data_[pos_ + i];
  pos_ += 8;
  return v;
}

// LEB128 with the reference decoder's rules: a byte that would carry bits beyond kBits is
// "integer too large" (for signed values the unused bits must all equal the sign bit); a
// continuation after the last permitted byte is "integer representation too long".
template <typename T, bool kSigned, int kBits>
absl::StatusOr<T> ByteReader::readLeb() {
  if (pos_ < data_.size() && data_[pos_] < 0x80) {  // single-byte fast path
    uint8_t b = data_[pos_++];
    if constexpr (kSigned) {
      return static_cast<T>(static_cast<int8_t>(static_cast<uint8_t>(b << 1)) >> 1);
    } else {
      return static_cast<T>(b);
    }
  }
  uint64_t result = 0;
  int shift = 0;
  for (int left = kBits;; left -= 7) {
    if (left <= 0) return error("integer representation too long");
    if (pos_ >= data_.size()) return endError();
    uint8_t b = data_[pos_];
    if (left < 7) {
      if constexpr (kSigned) {
        uint8_t mask = static_cast<uint8_t>((0xFFu << (left - 1)) & 0x7Fu);
        if ((b & mask) != 0 && (b & mask) != mask) return error("integer too large");
      } else {
        if ((b & 0x7Fu) >= (1u << left)) return error("integer too large");
      }
    }
    ++pos_;
    result |= static_cast<uint64_t>(b & 0x7F) << shift;
    shift += 7;
    if ((b & 0x80) == 0) {
      if constexpr (kSigned) {
        if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
      }
      return static_cast<T>(result);
    }
  }
}

absl::StatusOr<uint32_t> ByteReader::readVarU32() { return readLeb<uint32_t, false, 32>(); }
absl::StatusOr<uint64_t> ByteReader::readVarU64() { return readLeb<uint64_t, false, 64>(); }
absl::StatusOr<int32_t> ByteReader::readVarS32() { return readLeb<int32_t, true, 32>(); }
absl::StatusOr<int64_t> ByteReader::readVarS64() { return readLeb<int64_t, true, 64>(); }
absl::StatusOr<int64_t> ByteReader::readVarS33() { return readLeb<int64_t, true, 33>(); }

absl::StatusOr<uint32_t> ByteReader::readLength() {
  size_t start = offset();
  WCR_ASSIGN_OR_RETURN(uint32_t n, readVarU32());
  if (n > inputEnd_ - start) return errorAt(start, "length out of bounds");
  return n;
}

absl::StatusOr<std::string_view> ByteReader::readName() {
  size_t start = offset();
  WCR_ASSIGN_OR_RETURN(uint32_t n, readLength());
  WCR_ASSIGN_OR_RETURN(absl::Span<const uint8_t> bytes, readBytes(n));
  std::string_view s(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  if (!isValidUtf8(s)) return errorAt(start, "malformed UTF-8 encoding");
  return s;
}

absl::StatusOr<ByteReader> ByteReader::subReader(size_t n) {
  if (n > data_.size() - pos_) return errorAt(base_ + data_.size(), endMessage_);
  ByteReader sub(data_.subspan(pos_, n), base_ + pos_, inputEnd_, endMessage_);
  pos_ += n;
  return sub;
}

}  // namespace wcr::support
