// UTF-8 validation (overlongs, surrogates, range, truncation) and encoding.
#include "jit/support/utf8.h"

#include <catch2/catch.hpp>
#include <string>

using wcr::support::appendUtf8;
using wcr::support::isValidUtf8;

namespace {
std::string bytes(std::initializer_list<int> list) {
  std::string s;
  for (int b : list) s.push_back(static_cast<char>(b));
  return s;
}
}  // namespace

TEST_CASE("utf8: well-formed UTF-8 is accepted", "[utf8]") {
  CHECK(isValidUtf8(""));
  CHECK(isValidUtf8("plain ascii, long enough for the eight-byte fast path"));
  CHECK(isValidUtf8(bytes({0xC2, 0x80})));              // U+0080
  CHECK(isValidUtf8(bytes({0xDF, 0xBF})));              // U+07FF
  CHECK(isValidUtf8(bytes({0xE0, 0xA0, 0x80})));        // U+0800
  CHECK(isValidUtf8(bytes({0xED, 0x9F, 0xBF})));        // U+D7FF
  CHECK(isValidUtf8(bytes({0xEE, 0x80, 0x80})));        // U+E000
  CHECK(isValidUtf8(bytes({0xF0, 0x90, 0x80, 0x80})));  // U+10000
  CHECK(isValidUtf8(bytes({0xF4, 0x8F, 0xBF, 0xBF})));  // U+10FFFF
}

TEST_CASE("utf8: ill-formed UTF-8 is rejected", "[utf8]") {
  CHECK_FALSE(isValidUtf8(bytes({0x80})));                    // lone continuation
  CHECK_FALSE(isValidUtf8(bytes({0xC0, 0x80})));              // overlong NUL
  CHECK_FALSE(isValidUtf8(bytes({0xC1, 0xBF})));              // overlong
  CHECK_FALSE(isValidUtf8(bytes({0xE0, 0x9F, 0xBF})));        // overlong 3-byte
  CHECK_FALSE(isValidUtf8(bytes({0xED, 0xA0, 0x80})));        // surrogate U+D800
  CHECK_FALSE(isValidUtf8(bytes({0xF0, 0x8F, 0xBF, 0xBF})));  // overlong 4-byte
  CHECK_FALSE(isValidUtf8(bytes({0xF4, 0x90, 0x80, 0x80})));  // above U+10FFFF
  CHECK_FALSE(isValidUtf8(bytes({0xF5, 0x80, 0x80, 0x80})));  // invalid lead
  CHECK_FALSE(isValidUtf8(bytes({0xFF})));
  CHECK_FALSE(isValidUtf8(bytes({0xE2, 0x82})));              // truncated
  CHECK_FALSE(isValidUtf8(bytes({0xC2, 0x41})));              // bad continuation
  CHECK_FALSE(isValidUtf8("ascii prefix of eight+ bytes " + bytes({0xE2, 0x28, 0xA1})));
}

TEST_CASE("utf8: appendUtf8 produces valid UTF-8 of the right length", "[utf8]") {
  struct Case {
    uint32_t cp;
    size_t length;
  };
  for (Case c : {Case{0x24, 1}, Case{0xA2, 2}, Case{0x7FF, 2}, Case{0x20AC, 3}, Case{0xFFFF, 3},
                 Case{0x10348, 4}, Case{0x10FFFF, 4}}) {
    std::string s;
    appendUtf8(s, c.cp);
    CHECK(s.size() == c.length);
    CHECK(isValidUtf8(s));
  }
  std::string euro;
  appendUtf8(euro, 0x20AC);
  CHECK(euro == bytes({0xE2, 0x82, 0xAC}));
}
