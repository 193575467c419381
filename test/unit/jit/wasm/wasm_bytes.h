// Test helpers: build wasm binaries byte by byte (independent of the encoder under test), and
// run decode + validate on them.
#pragma once

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "jit/wasm/decoder.h"
#include "jit/wasm/validator.h"

namespace wcr::test {

using ByteVec = std::vector<uint8_t>;

// (resize + memcpy rather than insert: g++ 12 reports a false -Warray-bounds on the latter.)
inline void append(ByteVec& out, const ByteVec& more) {
  size_t n = out.size();
  out.resize(n + more.size());
  if (!more.empty()) std::memcpy(out.data() + n, more.data(), more.size());
}

inline ByteVec u32(uint32_t v) {
  ByteVec out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    if (v) b |= 0x80;
    out.push_back(b);
  } while (v);
  return out;
}

inline ByteVec cat(std::initializer_list<ByteVec> parts) {
  ByteVec out;
  for (const ByteVec& p : parts) append(out, p);
  return out;
}

inline ByteVec str(std::string_view s) {
  ByteVec out = u32(static_cast<uint32_t>(s.size()));
  append(out, ByteVec(s.begin(), s.end()));
  return out;
}

// A vector: count, then the concatenated items.
inline ByteVec vec(std::initializer_list<ByteVec> items) {
  ByteVec out = u32(static_cast<uint32_t>(items.size()));
  for (const ByteVec& i : items) append(out, i);
  return out;
}

inline ByteVec section(uint8_t id, const ByteVec& payload) {
  ByteVec out{id};
  append(out, u32(static_cast<uint32_t>(payload.size())));
  append(out, payload);
  return out;
}

inline ByteVec header() { return {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00}; }

inline ByteVec module(std::initializer_list<ByteVec> sections) {
  ByteVec out = header();
  for (const ByteVec& s : sections) append(out, s);
  return out;
}

// A function type (params) -> (results), value types as bytes (0x7F i32, ...).
inline ByteVec funcType(ByteVec params, ByteVec results) {
  ByteVec out{0x60};
  append(out, u32(static_cast<uint32_t>(params.size())));
  append(out, params);
  append(out, u32(static_cast<uint32_t>(results.size())));
  append(out, results);
  return out;
}

// A code entry: locals (as raw bytes, e.g. {0x00} for none) and instruction bytes.
inline ByteVec body(ByteVec locals, ByteVec code) {
  ByteVec entry = cat({locals, code});
  return cat({u32(static_cast<uint32_t>(entry.size())), entry});
}

// A module of one function of type `type` with body `code` (no locals), plus extra sections
// placed before the code section in the order given (callers keep the binary order valid).
inline ByteVec oneFunc(ByteVec type, ByteVec code, std::initializer_list<ByteVec> before = {},
                       std::initializer_list<ByteVec> after = {}) {
  ByteVec out = header();
  append(out, section(1, vec({type})));
  append(out, section(3, vec({u32(0)})));
  for (const ByteVec& s : before) append(out, s);
  append(out, section(10, vec({body({0x00}, code)})));
  for (const ByteVec& s : after) append(out, s);
  return out;
}

inline std::string check(const ByteVec& bytes, const jit::wasm::Features& features = {}) {
  auto m = jit::wasm::decodeAndValidate(jit::wasm::Bytes(bytes.data(), bytes.size()), features);
  return m.ok() ? std::string("ok") : std::string(m.status().message());
}

}  // namespace wcr::test
