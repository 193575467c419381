// The opcode enumeration and per-opcode facts, generated from opcodes.def (the one operator table).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace wcr::jit::wasm {

enum class Opcode : uint16_t {
#define WCR_OP(name, prefix, code, text, imm, sig, width, feature) name,
#include "jit/wasm/opcodes.def"
#undef WCR_OP
  kCount
};
inline constexpr size_t kOpcodeCount = static_cast<size_t>(Opcode::kCount);

// What follows the opcode in the binary format.
enum class ImmKind : uint8_t {
  None,
  BlockType,     // blocktype: 0x40, a value type, or an s33 type index
  Label,         // labelidx
  BrTable,       // vec(labelidx) labelidx
  Func,          // funcidx
  CallIndirect,  // typeidx tableidx
  Local,         // localidx
  Global,        // globalidx
  Table,         // tableidx
  Mem,           // memarg: align (with bit 6 = explicit memidx for multi-memory) offset
  MemIndex,      // memidx (a single 0x00 byte in wasm 2.0, a u32 with multi-memory)
  I32,           // i32 (signed LEB)
  I64,           // i64 (signed LEB)
  F32,           // 4 bytes
  F64,           // 8 bytes
  V128,          // 16 bytes
  Lane,          // laneidx byte
  MemLane,       // memarg laneidx
  Shuffle,       // 16 laneidx bytes
  HeapType,      // reftype byte (0x70 func / 0x6F extern)
  SelectT,       // vec(valtype)
  MemoryInit,    // dataidx memidx
  Data,          // dataidx
  MemoryCopy,    // memidx memidx
  TableInit,     // elemidx tableidx
  Elem,          // elemidx
  TableCopy,     // tableidx tableidx
  Tag,           // tagidx
  TryTable,      // blocktype vec(catch)
};

// Operand typing of the regular operators: PARAMS__RESULTS, V = nothing, A = the address type of
// the accessed memory (i32 for 32-bit memories). `Special` operators are typed by the validator.
enum class Sig : uint8_t {
  Special,
  V__V,
  V__I32, V__I64, V__F32, V__F64, V__V128,
  I32__I32, I64__I64, F32__F32, F64__F64,
  I64__I32, F32__I32, F64__I32, I32__I64, F32__I64, F64__I64,
  I32__F32, I64__F32, F64__F32, I32__F64, I64__F64, F32__F64,
  I32_I32__I32, I64_I64__I64, F32_F32__F32, F64_F64__F64,
  I64_I64__I32, F32_F32__I32, F64_F64__I32,
  A__I32, A__I64, A__F32, A__F64, A__V128,
  A_I32__V, A_I64__V, A_F32__V, A_F64__V, A_V128__V,
  A_V128__V128,
  I32__V128, I64__V128, F32__V128, F64__V128,
  V128__V128, V128_V128__V128, V128_V128_V128__V128,
  V128__I32, V128__I64, V128__F32, V128__F64,
  V128_I32__V128, V128_I64__V128, V128_F32__V128, V128_F64__V128,
};

enum class Feature : uint8_t {
  Mvp, SignExt, SatConv, MultiValue, BulkMemory, RefTypes, Simd,
  TailCall,    // off unless Features::tailCall (features.h)
  Exceptions,  // off unless Features::exceptions
};

struct OpcodeInfo {
  std::string_view name;  // text format name
  uint8_t prefix;         // 0, 0xFC or 0xFD
  uint32_t code;
  ImmKind imm;
  Sig sig;
  uint8_t width;  // log2 natural alignment (memory ops) or lane size (lane ops)
  Feature feature;
};

namespace detail {
// Generated in opcodes.cc; exposed so the lookups below inline into the hot decode loop.
extern const OpcodeInfo kOpcodeInfo[kOpcodeCount];
inline constexpr uint16_t kNoOpcode = 0xFFFF;
extern const std::array<uint16_t, 256> kOpcodeBySingleByte;  // kNoOpcode where unassigned
extern const std::array<uint16_t, 256> kOpcodeByFC;
extern const std::array<uint16_t, 256> kOpcodeByFD;
}  // namespace detail

inline const OpcodeInfo& info(Opcode op) { return detail::kOpcodeInfo[static_cast<size_t>(op)]; }

// Decoding lookup: nullopt for an unknown opcode.
inline std::optional<Opcode> opcodeFromByte(uint8_t byte) {  // prefix 0
  uint16_t v = detail::kOpcodeBySingleByte[byte];
  if (v == detail::kNoOpcode) return std::nullopt;
  return static_cast<Opcode>(v);
}
std::optional<Opcode> opcodeFromPrefixed(uint8_t prefix, uint32_t code);  // 0xFC / 0xFD

// Text lookup by name; `select` maps to Opcode::Select. nullopt for an unknown name.
std::optional<Opcode> opcodeFromName(std::string_view name);

}  // namespace wcr::jit::wasm
