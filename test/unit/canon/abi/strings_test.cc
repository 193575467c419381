// canon/abi strings: loading with every trap, and storing in every encoding pair with exactly
// the realloc calls CanonicalABI.md's store_string prescribes.
#include "canon/abi/strings.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "canon/abi/abi_trap.h"

namespace wcr::canon::abi {
namespace {

using Call = std::tuple<uint64_t, uint64_t, uint32_t, uint64_t>;  // old, oldSize, align, newSize

// A 64 KiB memory with a bump realloc that behaves like a real one (shrinks in place, copies on
// growth) and records its calls.
class FakeDestination : public GuestMemory {
 public:
  FakeDestination() : bytes(65536, 0xEE) {}
  MemoryView memory() override { return {bytes.data(), bytes.size()}; }
  absl::StatusOr<uint64_t> realloc(uint64_t old, uint64_t oldSize, uint32_t alignment,
                                   uint64_t newSize) override {
    calls.emplace_back(old, oldSize, alignment, newSize);
    if (forced) return *forced;
    if (old != 0 && newSize <= oldSize) return old;
    uint64_t ptr = (next + alignment - 1) / alignment * alignment;
    next = ptr + newSize;
    if (old != 0) std::memmove(bytes.data() + ptr, bytes.data() + old, oldSize);
    return ptr;
  }
  uint32_t ptrSize() const override { return 4; }

  std::string read(uint64_t ptr, uint64_t n) const {
    return std::string(reinterpret_cast<const char*>(bytes.data()) + ptr, n);
  }

  std::vector<uint8_t> bytes;
  std::vector<Call> calls;
  uint64_t next = 16;
  std::optional<uint64_t> forced;
};

MemoryView viewOf(std::vector<uint8_t>& bytes) { return {bytes.data(), bytes.size()}; }

constexpr uint64_t kTag = uint64_t{1} << 31;

std::string trapMessage(const absl::Status& s) {
  REQUIRE(isAbiTrap(s));
  return std::string(s.message());
}

TEST_CASE("load utf8: valid text, empty strings, and the suite's trap messages") {
  std::vector<uint8_t> mem(65536, 0);
  std::memcpy(mem.data() + 8, "a\xE2\x98\x83", 4);  // "a☃"
  auto s = loadStringFromRange(viewOf(mem), StringEncoding::Utf8, 4, 8, 4);
  REQUIRE(s.ok());
  CHECK(s->utf8 == "a\xE2\x98\x83");
  CHECK(s->taggedCodeUnits == 4);

  CHECK(loadStringFromRange(viewOf(mem), StringEncoding::Utf8, 4, 100, 0).ok());
  CHECK(loadStringFromRange(viewOf(mem), StringEncoding::Utf8, 4, 65536, 0).ok());
  CHECK(trapMessage(
            loadStringFromRange(viewOf(mem), StringEncoding::Utf8, 4, 0xdeadbeef, 0).status()) ==
        "string pointer/length out of bounds of memory");
  CHECK(trapMessage(loadStringFromRange(viewOf(mem), StringEncoding::Utf8, 4, 65535, 2).status()) ==
        "string pointer/length out of bounds of memory");

  mem[8] = 0xFF;
  CHECK(trapMessage(loadStringFromRange(viewOf(mem), StringEncoding::Utf8, 4, 8, 1).status()) ==
        "invalid utf-8 sequence of 1 bytes from index 0");
  mem[8] = 'x';
  mem[9] = 0xC3;
  CHECK(trapMessage(loadStringFromRange(viewOf(mem), StringEncoding::Utf8, 4, 8, 2).status()) ==
        "incomplete utf-8 byte sequence from index 1");
  mem[10] = 'y';  // C3 followed by a non-continuation byte
  CHECK(trapMessage(loadStringFromRange(viewOf(mem), StringEncoding::Utf8, 4, 8, 3).status()) ==
        "invalid utf-8 sequence of 1 bytes from index 1");
  // Surrogates encoded in UTF-8 (ED A0 80) are not UTF-8.
  std::memcpy(mem.data() + 8, "\xED\xA0\x80", 3);
  CHECK(!loadStringFromRange(viewOf(mem), StringEncoding::Utf8, 4, 8, 3).ok());
  CHECK(trapMessage(
            loadStringFromRange(viewOf(mem), StringEncoding::Utf8, 4, 0, 1u << 28).status()) ==
        "string pointer/length out of bounds of memory");
  CHECK(trapMessage(loadStringFromRange(viewOf(mem), StringEncoding::Utf8, 4, 0, 1u << 28,
                                        TrapWording::Adapter)
                        .status()) == "string content out-of-bounds");
}

TEST_CASE("load utf16 and latin1+utf16") {
  std::vector<uint8_t> mem(65536, 0);
  // "h" U+1F600 as UTF-16LE: 68 00, 3D D8 00 DE
  const uint8_t utf16[] = {0x68, 0x00, 0x3D, 0xD8, 0x00, 0xDE};
  std::memcpy(mem.data() + 16, utf16, sizeof utf16);
  auto s = loadStringFromRange(viewOf(mem), StringEncoding::Utf16, 4, 16, 3);
  REQUIRE(s.ok());
  CHECK(s->utf8 == "h\xF0\x9F\x98\x80");
  CHECK(trapMessage(loadStringFromRange(viewOf(mem), StringEncoding::Utf16, 4, 17, 1).status()) ==
        "unaligned pointer");
  // A lone high surrogate at the end.
  CHECK(!loadStringFromRange(viewOf(mem), StringEncoding::Utf16, 4, 16, 2).ok());

  const uint8_t latin1[] = {'c', 0xE9};  // "cé"
  std::memcpy(mem.data() + 32, latin1, 2);
  auto l = loadStringFromRange(viewOf(mem), StringEncoding::Latin1Utf16, 4, 32, 2);
  REQUIRE(l.ok());
  CHECK(l->utf8 == "c\xC3\xA9");
  auto t = loadStringFromRange(viewOf(mem), StringEncoding::Latin1Utf16, 4, 16, 3 | kTag);
  REQUIRE(t.ok());
  CHECK(t->utf8 == "h\xF0\x9F\x98\x80");
  CHECK(t->taggedCodeUnits == (3 | kTag));
  CHECK(
      trapMessage(loadStringFromRange(viewOf(mem), StringEncoding::Latin1Utf16, 4, 65534, 2 | kTag)
                      .status()) == "string pointer/length out of bounds of memory");
}

TEST_CASE("store utf8 -> utf8 copies with one allocation") {
  FakeDestination dst;
  auto r = storeStringIntoRange(dst, StringEncoding::Utf8, String::fromUtf8("hello"));
  REQUIRE(r.ok());
  CHECK(dst.calls == std::vector<Call>{{0, 0, 1, 5}});
  CHECK(r->second == 5);
  CHECK(dst.read(r->first, 5) == "hello");
}

TEST_CASE("store latin1 -> utf8 grows to the worst case and shrinks") {
  std::vector<uint8_t> mem(64, 0);
  mem[0] = 'a';
  mem[1] = 0xE9;  // é
  auto src = loadStringFromRange(viewOf(mem), StringEncoding::Latin1Utf16, 4, 0, 2);
  REQUIRE(src.ok());
  FakeDestination dst;
  auto r = storeStringIntoRange(dst, StringEncoding::Utf8, *src);
  REQUIRE(r.ok());
  REQUIRE(dst.calls.size() == 3);
  CHECK(dst.calls[0] == Call{0, 0, 1, 2});
  CHECK(std::get<1>(dst.calls[1]) == 2);
  CHECK(std::get<3>(dst.calls[1]) == 4);
  CHECK(std::get<1>(dst.calls[2]) == 4);
  CHECK(std::get<3>(dst.calls[2]) == 3);
  CHECK(r->second == 3);
  CHECK(dst.read(r->first, 3) == "a\xC3\xA9");
}

TEST_CASE("store utf16 -> utf8 keeps an all-ASCII string in one allocation") {
  std::vector<uint8_t> mem(64, 0);
  const uint8_t hi[] = {'h', 0, 'i', 0};
  std::memcpy(mem.data(), hi, 4);
  auto src = loadStringFromRange(viewOf(mem), StringEncoding::Utf16, 4, 0, 2);
  REQUIRE(src.ok());
  FakeDestination dst;
  auto r = storeStringIntoRange(dst, StringEncoding::Utf8, *src);
  REQUIRE(r.ok());
  CHECK(dst.calls == std::vector<Call>{{0, 0, 1, 2}});
  CHECK(dst.read(r->first, 2) == "hi");
}

TEST_CASE("store utf8 -> utf16 allocates 2x and shrinks") {
  FakeDestination dst;
  auto r = storeStringIntoRange(dst, StringEncoding::Utf16, String::fromUtf8("\xE2\x98\x83!"));
  REQUIRE(r.ok());
  REQUIRE(dst.calls.size() == 2);
  CHECK(dst.calls[0] == Call{0, 0, 2, 8});
  CHECK(std::get<1>(dst.calls[1]) == 8);
  CHECK(std::get<3>(dst.calls[1]) == 4);
  CHECK(r->second == 2);
  CHECK(dst.read(r->first, 4) == std::string("\x03\x26!\0", 4));
}

TEST_CASE("store utf8 -> latin1+utf16: Latin-1 when it fits, else inflated UTF-16") {
  FakeDestination dst;
  auto r = storeStringIntoRange(dst, StringEncoding::Latin1Utf16, String::fromUtf8("h\xC3\xA9"));
  REQUIRE(r.ok());
  REQUIRE(dst.calls.size() == 2);
  CHECK(dst.calls[0] == Call{0, 0, 2, 3});
  CHECK(std::get<3>(dst.calls[1]) == 2);
  CHECK(r->second == 2);  // untagged: Latin-1
  CHECK(dst.read(r->first, 2) == "h\xE9");

  FakeDestination dst2;
  auto u = storeStringIntoRange(dst2, StringEncoding::Latin1Utf16,
                                String::fromUtf8("a\xE2\x98\x83"));  // 4 bytes, 2 code points
  REQUIRE(u.ok());
  REQUIRE(dst2.calls.size() == 3);
  CHECK(dst2.calls[0] == Call{0, 0, 2, 4});
  CHECK(std::get<1>(dst2.calls[1]) == 4);
  CHECK(std::get<3>(dst2.calls[1]) == 8);
  CHECK(std::get<3>(dst2.calls[2]) == 4);
  CHECK(u->second == (2 | kTag));
  CHECK(dst2.read(u->first, 4) == std::string("a\0\x03\x26", 4));
}

TEST_CASE("store latin1+utf16 (utf16) -> latin1+utf16 deflates when it can") {
  std::vector<uint8_t> mem(64, 0);
  const uint8_t ok[] = {'o', 0, 'k', 0};
  std::memcpy(mem.data(), ok, 4);
  auto src = loadStringFromRange(viewOf(mem), StringEncoding::Latin1Utf16, 4, 0, 2 | kTag);
  REQUIRE(src.ok());
  FakeDestination dst;
  auto r = storeStringIntoRange(dst, StringEncoding::Latin1Utf16, *src);
  REQUIRE(r.ok());
  REQUIRE(dst.calls.size() == 2);
  CHECK(dst.calls[0] == Call{0, 0, 2, 4});
  CHECK(std::get<1>(dst.calls[1]) == 4);
  CHECK(std::get<2>(dst.calls[1]) == 1);
  CHECK(std::get<3>(dst.calls[1]) == 2);
  CHECK(r->second == 2);
  CHECK(dst.read(r->first, 2) == "ok");
}

TEST_CASE("store traps on a misaligned or out-of-bounds realloc result") {
  FakeDestination dst;
  dst.forced = 3;
  CHECK(trapMessage(
            storeStringIntoRange(dst, StringEncoding::Utf16, String::fromUtf8("ab")).status()) ==
        "realloc return: result not aligned");
  dst.forced = 65535;
  CHECK(trapMessage(
            storeStringIntoRange(dst, StringEncoding::Utf8, String::fromUtf8("ab")).status()) ==
        "realloc return: beyond end of memory");
}

TEST_CASE("a host string whose hint lies is refused, not written out of bounds") {
  FakeDestination dst;
  String lie{"hello", StringEncoding::Utf8, 2};
  auto r = storeStringIntoRange(dst, StringEncoding::Utf8, lie);
  CHECK(!r.ok());
  CHECK(!isAbiTrap(r.status()));
}

}  // namespace
}  // namespace wcr::canon::abi
