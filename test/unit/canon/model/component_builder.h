// A few helpers to write component binaries by hand in unit tests (Binary.md encodings).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace wcr::canon::model::test {

using Bytes = std::vector<uint8_t>;

inline void leb(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

// A type index in a valtype position: a non-negative s33 (Binary.md).
inline void typeIndex(Bytes& out, int64_t v) {
  while (true) {
    uint8_t b = v & 0x7f;
    v >>= 7;
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : (b | 0x80));
    if (done) return;
  }
}

inline void name(Bytes& out, const std::string& s) {
  leb(out, s.size());
  out.insert(out.end(), s.begin(), s.end());
}

inline void append(Bytes& out, const Bytes& more) {
  out.insert(out.end(), more.begin(), more.end());
}

inline Bytes preamble() { return {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}; }

inline Bytes section(uint8_t id, const Bytes& contents) {
  Bytes out{id};
  leb(out, contents.size());
  append(out, contents);
  return out;
}

// A section holding a vec of `items` (each already encoded).
inline Bytes vecSection(uint8_t id, const std::vector<Bytes>& items) {
  Bytes body;
  leb(body, items.size());
  for (const Bytes& i : items) append(body, i);
  return section(id, body);
}

inline Bytes component(const std::vector<Bytes>& sections) {
  Bytes out = preamble();
  for (const Bytes& s : sections) append(out, s);
  return out;
}

// Import of `n` (plain name) with the given externtype bytes.
inline Bytes importItem(const std::string& n, const Bytes& externType) {
  Bytes out{0x00};
  name(out, n);
  append(out, externType);
  return out;
}

}  // namespace wcr::canon::model::test
