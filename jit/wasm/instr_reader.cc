// InstrReader: opcode lookup through the tables generated from opcodes.def, then the immediates
// named by the opcode's ImmKind. Single-byte opcodes and one-byte LEB immediates take inline fast
// paths; everything else goes through ByteReader, which also words the errors.
#include "jit/wasm/instr_reader.h"

#include <algorithm>
#include <cstring>

#include "jit/wasm/binary_util.h"

namespace wcr::jit::wasm {
namespace detail {
namespace {

constexpr FastShape fastShape(ImmKind imm) {
  switch (imm) {
    case ImmKind::None: return FastShape::None;
    case ImmKind::Local:
    case ImmKind::Global:
    case ImmKind::Label:
    case ImmKind::Tag:
    case ImmKind::Func: return FastShape::Index;
    case ImmKind::I32: return FastShape::I32;
    case ImmKind::Mem: return FastShape::Mem;
    case ImmKind::BlockType: return FastShape::Block;
    default: return FastShape::Slow;
  }
}

constexpr std::array<uint32_t, 256> buildFastDecode() {
  std::array<uint32_t, 256> t{};
  for (auto& v : t) v = static_cast<uint32_t>(FastShape::Slow) << 16;
#define WCR_OP(name, prefix, code, text, imm, sig, width, feature)               \
  if (prefix == 0) {                                                              \
    t[code] = static_cast<uint32_t>(Opcode::name) |                               \
              static_cast<uint32_t>(fastShape(ImmKind::imm)) << 16;               \
  }
#include "jit/wasm/opcodes.def"
#undef WCR_OP
  return t;
}

}  // namespace

const std::array<uint32_t, 256> kFastDecode = buildFastDecode();

}  // namespace detail

namespace {

// Reads a u32 LEB: the one-byte case inline, the rest through ByteReader.
inline absl::Status readU32(support::ByteReader& r, uint32_t& out) {
  if (r.tryReadVarU32(out)) return absl::OkStatus();
  WCR_ASSIGN_OR_RETURN(out, r.readVarU32());
  return absl::OkStatus();
}

// The memory index of memory.size/grow/fill/copy/init: a u32 LEB128 (multi-memory), noting
// whether it was the single 0x00 byte that wasm 2.0 requires (the validator decides).
inline absl::Status readMemIndex(support::ByteReader& r, uint32_t& out, bool& zeroBytes) {
  size_t at = r.offset();
  WCR_RETURN_IF_ERROR(readU32(r, out));
  if (out != 0 || r.offset() - at != 1) zeroBytes = false;
  return absl::OkStatus();
}

absl::Status readMemArg(support::ByteReader& r, MemArg& m) {
  uint32_t flags;
  WCR_RETURN_IF_ERROR(readU32(r, flags));
  m.memory = 0;
  // Bit 6 announces an explicit memory index (multi-memory); the validator decides whether the
  // enabled features allow it.
  m.explicitMemory = flags & 0x40;
  if (flags & 0x40) {
    flags &= ~0x40u;
    WCR_RETURN_IF_ERROR(readU32(r, m.memory));
  }
  m.alignLog2 = flags;
  uint32_t offset;
  WCR_RETURN_IF_ERROR(readU32(r, offset));
  m.offset = offset;
  return absl::OkStatus();
}

absl::Status readFixed(support::ByteReader& r, void* out, size_t n) {
  const uint8_t* p = r.cursor();
  if (!r.trySkip(n)) {
    WCR_ASSIGN_OR_RETURN(auto bytes, r.readBytes(n));  // produces the error
    p = bytes.data();
  }
  std::memcpy(out, p, n);
  return absl::OkStatus();
}

}  // namespace

absl::Status InstrReader::nextSlow(Instr& out) {
  uint8_t b;
  if (!r_.tryReadByte(b)) return r_.endError();
  uint16_t code = detail::kOpcodeBySingleByte[b];
  if (code == detail::kNoOpcode) {
    if (b == 0xFC || b == 0xFD) return nextPrefixed(b, out);
    return r_.errorAt(out.offset, absl::StrFormat("illegal opcode %02x", b));
  }
  out.op = static_cast<Opcode>(code);
  return readImmediates(info(out.op).imm, out);
}

absl::Status InstrReader::nextPrefixed(uint8_t prefix, Instr& out) {
  uint32_t sub;
  WCR_RETURN_IF_ERROR(readU32(r_, sub));
  std::optional<Opcode> op = opcodeFromPrefixed(prefix, sub);
  if (!op) return r_.errorAt(out.offset, absl::StrFormat("illegal opcode %02x %02x", prefix, sub));
  out.op = *op;
  return readImmediates(info(*op).imm, out);
}

absl::Status InstrReader::readImmediates(ImmKind imm, Instr& out) {
  switch (imm) {
    case ImmKind::None:
      return absl::OkStatus();

    case ImmKind::TryTable: {
      WCR_RETURN_IF_ERROR(readImmediates(ImmKind::BlockType, out));
      WCR_ASSIGN_OR_RETURN(uint32_t count, r_.readLength());
      catches_.clear();
      catches_.reserve(std::min<size_t>(count, r_.remaining()));
      for (uint32_t i = 0; i < count; ++i) {
        size_t at = r_.offset();
        WCR_ASSIGN_OR_RETURN(uint8_t kind, r_.readByte());
        if (kind > 3) return r_.errorAt(at, "malformed catch clause");
        Catch c{static_cast<Catch::Kind>(kind)};
        if (c.hasTag()) WCR_RETURN_IF_ERROR(readU32(r_, c.tag));
        WCR_RETURN_IF_ERROR(readU32(r_, c.label));
        catches_.push_back(c);
      }
      out.catches = &catches_;
      return absl::OkStatus();
    }

    case ImmKind::BlockType: {
      size_t at = r_.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t b, r_.peekByte());
      if (b == 0x40) {
        r_.trySkip(1);
        out.block.kind = BlockType::Kind::Empty;
      } else if ((b & 0xC0) == 0x40) {
        r_.trySkip(1);
        std::optional<ValType> t = ValType::fromByte(b);
        if (!t) return r_.errorAt(at, malformedValTypeMessage(b));
        out.block.kind = BlockType::Kind::Value;
        out.block.value = *t;
      } else {
        WCR_ASSIGN_OR_RETURN(int64_t index, r_.readVarS33());
        out.block.kind = BlockType::Kind::TypeIndex;
        // A negative index wraps to a huge one, which validation reports as an unknown type.
        out.block.typeIndex = static_cast<uint32_t>(index);
      }
      return absl::OkStatus();
    }

    case ImmKind::Label:
    case ImmKind::Func:
    case ImmKind::Tag:
    case ImmKind::Local:
    case ImmKind::Global:
    case ImmKind::Table:
    case ImmKind::Data:
    case ImmKind::Elem:
      return readU32(r_, out.index);

    case ImmKind::BrTable: {
      WCR_ASSIGN_OR_RETURN(uint32_t count, r_.readLength());
      brTargets_.clear();
      brTargets_.reserve(std::min<size_t>(count, r_.remaining()) + 1);
      for (uint32_t i = 0; i <= count; ++i) {  // the targets, then the default
        uint32_t label;
        WCR_RETURN_IF_ERROR(readU32(r_, label));
        brTargets_.push_back(label);
      }
      out.brTable = &brTargets_;
      return absl::OkStatus();
    }

    case ImmKind::CallIndirect:
      WCR_RETURN_IF_ERROR(readU32(r_, out.index));
      return readU32(r_, out.index2);

    case ImmKind::Mem:
      return readMemArg(r_, out.mem);

    case ImmKind::MemIndex:
      out.memIndexZeroBytes = true;
      return readMemIndex(r_, out.index, out.memIndexZeroBytes);

    case ImmKind::I32: {
      if (r_.tryReadVarS<int32_t, 32>(out.i32)) return absl::OkStatus();
      WCR_ASSIGN_OR_RETURN(out.i32, r_.readVarS32());
      return absl::OkStatus();
    }
    case ImmKind::I64: {
      if (r_.tryReadVarS<int64_t, 64>(out.i64)) return absl::OkStatus();
      WCR_ASSIGN_OR_RETURN(out.i64, r_.readVarS64());
      return absl::OkStatus();
    }
    case ImmKind::F32: {
      uint8_t bytes[4];
      WCR_RETURN_IF_ERROR(readFixed(r_, bytes, 4));
      out.f32Bits = uint32_t{bytes[0]} | uint32_t{bytes[1]} << 8 | uint32_t{bytes[2]} << 16 |
                    uint32_t{bytes[3]} << 24;
      return absl::OkStatus();
    }
    case ImmKind::F64: {
      uint8_t bytes[8];
      WCR_RETURN_IF_ERROR(readFixed(r_, bytes, 8));
      uint64_t v = 0;
      for (int i = 7; i >= 0; --i) v = (v << 8) | bytes[i];
      out.f64Bits = v;
      return absl::OkStatus();
    }
    case ImmKind::V128:
    case ImmKind::Shuffle:
      return readFixed(r_, out.v128.data(), 16);

    case ImmKind::Lane: {
      WCR_ASSIGN_OR_RETURN(out.lane, r_.readByte());
      return absl::OkStatus();
    }
    case ImmKind::MemLane: {
      WCR_RETURN_IF_ERROR(readMemArg(r_, out.mem));
      WCR_ASSIGN_OR_RETURN(out.lane, r_.readByte());
      return absl::OkStatus();
    }

    case ImmKind::HeapType: {
      WCR_ASSIGN_OR_RETURN(out.refType, readRefType(r_));
      return absl::OkStatus();
    }

    case ImmKind::SelectT: {
      WCR_ASSIGN_OR_RETURN(uint32_t count, r_.readLength());
      out.selectArity = count;
      for (uint32_t i = 0; i < count; ++i) {
        WCR_ASSIGN_OR_RETURN(ValType t, readValType(r_));
        if (i == 0) out.refType = t;
      }
      return absl::OkStatus();
    }

    case ImmKind::MemoryInit:
      out.memIndexZeroBytes = true;
      WCR_RETURN_IF_ERROR(readU32(r_, out.index));
      return readMemIndex(r_, out.index2, out.memIndexZeroBytes);

    case ImmKind::MemoryCopy:
      out.memIndexZeroBytes = true;
      WCR_RETURN_IF_ERROR(readMemIndex(r_, out.index, out.memIndexZeroBytes));
      return readMemIndex(r_, out.index2, out.memIndexZeroBytes);

    case ImmKind::TableInit:
    case ImmKind::TableCopy:
      WCR_RETURN_IF_ERROR(readU32(r_, out.index));
      return readU32(r_, out.index2);
  }
  return absl::OkStatus();
}

}  // namespace wcr::jit::wasm
