// Small readers shared by the module decoder and InstrReader: value types and reference types
// with the reference decoder's wording for malformed encodings. Internal to jit/wasm.
#pragma once

#include "jit/support/byte_reader.h"
#include "jit/wasm/types.h"

namespace wcr::jit::wasm {

// The message for a byte that is not a value type, chosen by range like the reference decoder
// (0x7C.. numbers, 0x71.. vectors, below that references).
inline const char* malformedValTypeMessage(uint8_t b) {
  if (b >= 0x7C) return "malformed number type";
  if (b >= 0x71) return "malformed vector type";
  return "malformed reference type";
}

inline absl::StatusOr<ValType> readValType(support::ByteReader& r) {
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
  std::optional<ValType> t = ValType::fromByte(b);
  if (!t) {
    // Types are s7 LEB128s for the reference decoder: a continuation bit makes them too long.
    if (b & 0x80) return r.error("integer representation too long");
    return r.errorAt(at, malformedValTypeMessage(b));
  }
  return *t;
}

inline absl::StatusOr<ValType> readRefType(support::ByteReader& r) {
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
  if (b == 0x70) return kFuncRef;
  if (b == 0x6F) return kExternRef;
  if (b == 0x69) return kExnRef;
  if (b & 0x80) return r.error("integer representation too long");
  return r.errorAt(at, "malformed reference type");
}

}  // namespace wcr::jit::wasm
