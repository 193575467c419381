// ByteReader: LEB128 edge cases with the spec suite's error wording, lengths, names, sub-readers
// and the inline fast paths (which must agree with the Status-returning readers).
#include "jit/support/byte_reader.h"

#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

using wcr::support::ByteReader;

namespace {

absl::Span<const uint8_t> span(const std::vector<uint8_t>& v) { return {v.data(), v.size()}; }

std::string messageOf(const absl::Status& s) { return std::string(s.message()); }

template <typename T>
std::string errorOf(const absl::StatusOr<T>& r) {
  REQUIRE_FALSE(r.ok());
  return messageOf(r.status());
}

std::vector<uint8_t> encodeU(uint64_t v) {
  std::vector<uint8_t> out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
  return out;
}

std::vector<uint8_t> encodeS(int64_t v) {
  std::vector<uint8_t> out;
  for (;;) {
    uint8_t b = v & 0x7F;
    v >>= 7;
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    if (!done) b |= 0x80;
    out.push_back(b);
    if (done) return out;
  }
}

}  // namespace

TEST_CASE("byte_reader: u32 LEB128 values", "[byte_reader][leb]") {
  struct Case {
    std::vector<uint8_t> bytes;
    uint32_t value;
  };
  for (const Case& c : std::vector<Case>{
           {{0x00}, 0},
           {{0x7F}, 127},
           {{0x80, 0x01}, 128},
           {{0xE5, 0x8E, 0x26}, 624485},
           {{0x80, 0x80, 0x80, 0x80, 0x00}, 0},  // padded to five bytes is allowed
           {{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 0xFFFFFFFF},
       }) {
    ByteReader r(span(c.bytes));
    auto v = r.readVarU32();
    REQUIRE(v.ok());
    CHECK(*v == c.value);
    CHECK(r.atEnd());
  }
}

TEST_CASE("byte_reader: u32 LEB128 errors use the suite's wording", "[byte_reader][leb]") {
  std::vector<uint8_t> tooLarge{0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
  CHECK_THAT(errorOf(ByteReader(span(tooLarge)).readVarU32()),
             Catch::Contains("integer too large") && Catch::Contains("at offset 0x4"));

  std::vector<uint8_t> tooLong{0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  CHECK_THAT(errorOf(ByteReader(span(tooLong)).readVarU32()),
             Catch::Contains("integer representation too long") &&
                 Catch::Contains("at offset 0x5"));

  // The fifth byte is checked for size before its continuation bit.
  std::vector<uint8_t> both{0x80, 0x80, 0x80, 0x80, 0xF0, 0x00};
  CHECK_THAT(errorOf(ByteReader(span(both)).readVarU32()), Catch::Contains("integer too large"));

  std::vector<uint8_t> truncated{0x80, 0x80};
  CHECK_THAT(errorOf(ByteReader(span(truncated)).readVarU32()),
             Catch::Contains("unexpected end"));
}

TEST_CASE("byte_reader: signed LEB128 bounds", "[byte_reader][leb]") {
  SECTION("s32") {
    std::vector<uint8_t> minusOne{0x7F};
    CHECK(*ByteReader(span(minusOne)).readVarS32() == -1);
    std::vector<uint8_t> min{0x80, 0x80, 0x80, 0x80, 0x78};
    CHECK(*ByteReader(span(min)).readVarS32() == INT32_MIN);
    std::vector<uint8_t> max{0xFF, 0xFF, 0xFF, 0xFF, 0x07};
    CHECK(*ByteReader(span(max)).readVarS32() == INT32_MAX);
    // Unused bits of the last byte must all equal the sign bit.
    std::vector<uint8_t> bad1{0x80, 0x80, 0x80, 0x80, 0x08};
    CHECK_THAT(errorOf(ByteReader(span(bad1)).readVarS32()), Catch::Contains("integer too large"));
    std::vector<uint8_t> bad2{0xFF, 0xFF, 0xFF, 0xFF, 0x77};
    CHECK_THAT(errorOf(ByteReader(span(bad2)).readVarS32()), Catch::Contains("integer too large"));
    std::vector<uint8_t> tooLong{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
    CHECK_THAT(errorOf(ByteReader(span(tooLong)).readVarS32()),
               Catch::Contains("integer representation too long"));
  }
  SECTION("s33 block type indices") {
    std::vector<uint8_t> max{0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
    CHECK(*ByteReader(span(max)).readVarS33() == 0xFFFFFFFFll);
    std::vector<uint8_t> bad{0xFF, 0xFF, 0xFF, 0xFF, 0x1F};
    CHECK_THAT(errorOf(ByteReader(span(bad)).readVarS33()), Catch::Contains("integer too large"));
    std::vector<uint8_t> negative{0x40};
    CHECK(*ByteReader(span(negative)).readVarS33() == -64);
  }
  SECTION("s64") {
    std::vector<uint8_t> min{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F};
    CHECK(*ByteReader(span(min)).readVarS64() == INT64_MIN);
    std::vector<uint8_t> bad{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    CHECK_THAT(errorOf(ByteReader(span(bad)).readVarS64()), Catch::Contains("integer too large"));
  }
  SECTION("u64") {
    std::vector<uint8_t> max{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
    CHECK(*ByteReader(span(max)).readVarU64() == UINT64_MAX);
    std::vector<uint8_t> bad{0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02};
    CHECK_THAT(errorOf(ByteReader(span(bad)).readVarU64()), Catch::Contains("integer too large"));
  }
}

TEST_CASE("byte_reader: inline LEB128 fast paths agree with the full readers",
          "[byte_reader][leb]") {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 20000; ++i) {
    int bits = 1 + static_cast<int>(rng() % 64);
    uint64_t raw = rng() >> (64 - bits);
    // Unsigned 32-bit.
    std::vector<uint8_t> u = encodeU(raw & 0xFFFFFFFF);
    u.resize(u.size() + 4, 0);  // padding so the fast path may apply
    ByteReader fast(span(u)), slow(span(u));
    uint32_t f = 0;
    REQUIRE(fast.tryReadVarU32(f));
    CHECK(f == *slow.readVarU32());
    CHECK(fast.pos() == slow.pos());
    // Signed 32 and 64-bit.
    auto s32 = static_cast<int32_t>(raw);
    std::vector<uint8_t> a = encodeS(s32);
    a.resize(a.size() + 5, 0);
    ByteReader fa(span(a)), sa(span(a));
    int32_t v32 = 0;
    REQUIRE(fa.tryReadVarS<int32_t, 32>(v32));
    CHECK(v32 == *sa.readVarS32());
    CHECK(fa.pos() == sa.pos());
    auto s64 = static_cast<int64_t>(raw << (64 - bits)) >> (64 - bits);
    std::vector<uint8_t> b = encodeS(s64);
    b.resize(b.size() + 10, 0);
    ByteReader fb(span(b)), sb(span(b));
    int64_t v64 = 0;
    REQUIRE(fb.tryReadVarS<int64_t, 64>(v64));
    CHECK(v64 == *sb.readVarS64());
    CHECK(v64 == s64);
  }
  // Malformed input: the fast path declines and consumes nothing.
  std::vector<uint8_t> tooLarge{0xFF, 0xFF, 0xFF, 0xFF, 0x1F, 0, 0};
  ByteReader r(span(tooLarge));
  uint32_t v = 0;
  CHECK_FALSE(r.tryReadVarU32(v));
  CHECK(r.pos() == 0);
}

TEST_CASE("byte_reader: lengths, names and sub-readers", "[byte_reader]") {
  SECTION("a length beyond the input is out of bounds") {
    std::vector<uint8_t> bytes{0x05, 'a', 'b'};
    CHECK_THAT(errorOf(ByteReader(span(bytes)).readLength()),
               Catch::Contains("length out of bounds"));
  }
  SECTION("a length is measured against the whole input, not the sub-reader") {
    std::vector<uint8_t> bytes{0x00, 0x03, 'a', 'b', 'c'};
    ByteReader outer(span(bytes));
    auto sub = outer.subReader(2);
    REQUIRE(sub.ok());
    CHECK(*sub->readByte() == 0x00);
    auto n = sub->readLength();
    REQUIRE(n.ok());
    CHECK(*n == 3);
    CHECK_THAT(errorOf(sub->readBytes(3)), Catch::Contains("unexpected end"));
  }
  SECTION("names must be UTF-8") {
    std::vector<uint8_t> good{0x03, 'f', 'o', 'o'};
    ByteReader r(span(good));
    CHECK(*r.readName() == "foo");
    std::vector<uint8_t> bad{0x02, 0xC0, 0x80};
    CHECK_THAT(errorOf(ByteReader(span(bad)).readName()),
               Catch::Contains("malformed UTF-8 encoding"));
  }
  SECTION("offsets in messages are absolute") {
    std::vector<uint8_t> bytes{0x80};
    ByteReader r(span(bytes), 0x100);
    CHECK_THAT(errorOf(r.readVarU32()), Catch::Contains("at offset 0x101"));
  }
  SECTION("the end message is configurable and inherited") {
    std::vector<uint8_t> bytes{0x01, 0x02};
    ByteReader r(span(bytes));
    r.setEndMessage("unexpected end of section or function");
    auto sub = r.subReader(1);
    REQUIRE(sub.ok());
    CHECK(*sub->readByte() == 0x01);
    CHECK_THAT(errorOf(sub->readByte()), Catch::Contains("unexpected end of section or function"));
  }
  SECTION("fixed-width little endian") {
    std::vector<uint8_t> bytes{0x78, 0x56, 0x34, 0x12, 1, 2, 3, 4, 5, 6, 7, 8};
    ByteReader r(span(bytes));
    CHECK(*r.readFixedU32() == 0x12345678u);
    CHECK(*r.readFixedU64() == 0x0807060504030201ull);
    CHECK_THAT(errorOf(r.readFixedU32()), Catch::Contains("unexpected end"));
  }
}
