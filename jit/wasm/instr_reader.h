// InstrReader: the one decoder of instruction bytes. It turns a function body (after its locals)
// or a constant expression into a stream of Instr, checking only the binary format (opcodes,
// immediates, LEB128 ranges); typing is the validator's job.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "jit/support/byte_reader.h"
#include "jit/wasm/opcodes.h"
#include "jit/wasm/types.h"

namespace wcr::jit::wasm {

namespace detail {
// How InstrReader's inline path decodes each single-byte opcode's immediates.
enum class FastShape : uint8_t { None, Index, I32, Mem, Block, Slow };
// Per first byte: the opcode (low 16 bits) and its FastShape (bits 16..23); Slow for prefixes,
// unassigned bytes and immediates left to nextSlow(). Generated from opcodes.def.
extern const std::array<uint32_t, 256> kFastDecode;
}  // namespace detail

// A block type: no value, one value type, or a type index (multi-value).
struct BlockType {
  enum class Kind : uint8_t { Empty, Value, TypeIndex } kind = Kind::Empty;
  ValType value;
  uint32_t typeIndex = 0;
};

// One handler clause of try_table.
struct Catch {
  enum class Kind : uint8_t { Catch = 0, CatchRef = 1, CatchAll = 2, CatchAllRef = 3 } kind;
  uint32_t tag = 0;  // Catch, CatchRef
  uint32_t label = 0;
  bool hasTag() const { return kind == Kind::Catch || kind == Kind::CatchRef; }
  bool ref() const { return kind == Kind::CatchRef || kind == Kind::CatchAllRef; }
};

struct MemArg {
  uint32_t alignLog2 = 0;
  uint32_t memory = 0;
  uint64_t offset = 0;
  bool explicitMemory = false;  // decoded: the flags had bit 6 (a memory index followed)
};

// One decoded instruction. Only the immediates named by info(op).imm are meaningful.
struct Instr {
  Opcode op = Opcode::Nop;
  size_t offset = 0;  // absolute offset of the opcode byte

  BlockType block;          // BlockType
  uint32_t index = 0;       // Label, Func, Local, Global, Table, MemIndex, Data, Elem, Tag,
                            // CallIndirect (type), MemoryInit (data), TableInit (elem),
                            // MemoryCopy / TableCopy (destination)
  uint32_t index2 = 0;      // CallIndirect (table), MemoryInit (memory), TableInit (table),
                            // MemoryCopy / TableCopy (source)
  MemArg mem;               // Mem, MemLane
  uint8_t lane = 0;         // Lane, MemLane
  ValType refType;          // HeapType, and SelectT's single type
  uint32_t selectArity = 0; // SelectT: number of types (must be 1 in wasm 2.0)
  int32_t i32 = 0;
  int64_t i64 = 0;
  uint32_t f32Bits = 0;
  uint64_t f64Bits = 0;
  std::array<uint8_t, 16> v128{};  // V128 bytes, or Shuffle lane indices
  // BrTable: the label targets, default last. Points into the reader's scratch vector and stays
  // valid until the next call to next().
  const std::vector<uint32_t>* brTable = nullptr;
  // TryTable: its catch clauses, in order (the same lifetime as brTable).
  const std::vector<Catch>* catches = nullptr;
  // MemIndex, MemoryInit, MemoryCopy: every memory index was written as the single 0x00 byte
  // that wasm 2.0 requires ("zero byte expected"); multi-memory allows any u32 LEB128.
  bool memIndexZeroBytes = true;
};

class InstrReader {
 public:
  explicit InstrReader(support::ByteReader reader) : r_(reader) {}

  // Restarts on other bytes, keeping the br_table scratch storage (one reader per validation).
  void reset(support::ByteReader reader) { r_ = reader; }

  bool atEnd() const { return r_.atEnd(); }
  size_t offset() const { return r_.offset(); }

  // Decodes the next instruction. Errors: "illegal opcode", "unexpected end",
  // "integer too large", "zero byte expected", "malformed reference type", ...
  // Inline: single-byte opcodes with no immediate, an index, an i32 constant, a memarg without
  // memory index or a numeric block type decode here; everything else, errors included, in
  // nextSlow().
  absl::Status next(Instr& out) {
    out.offset = r_.offset();
    if (r_.remaining() >= 2) [[likely]] {
      size_t start = r_.pos();
      uint32_t fast = detail::kFastDecode[*r_.cursor()];
      out.op = static_cast<Opcode>(fast & 0xFFFF);
      r_.trySkip(1);
      if (readCommonImmediate(static_cast<detail::FastShape>(fast >> 16), out)) {
        return absl::OkStatus();
      }
      r_.rewind(start);
    }
    return nextSlow(out);
  }

  const support::ByteReader& reader() const { return r_; }

 private:
  // The immediates of the common single-byte operators, without error reporting: false sends
  // the instruction to nextSlow().
  bool readCommonImmediate(detail::FastShape shape, Instr& out) {
    using detail::FastShape;
    if (shape == FastShape::None) return true;
    if (shape == FastShape::Index) return r_.tryReadVarU32(out.index);
    if (shape == FastShape::I32) return r_.tryReadVarS<int32_t, 32>(out.i32);
    if (shape == FastShape::Mem) {
      uint8_t flags;
      uint32_t offset;
      if (!r_.tryReadByte(flags) || flags >= 0x40 || !r_.tryReadVarU32(offset)) return false;
      out.mem.alignLog2 = flags;
      out.mem.memory = 0;
      out.mem.offset = offset;
      out.mem.explicitMemory = false;
      return true;
    }
    if (shape == FastShape::Block) {
      uint8_t b;
      if (!r_.tryReadByte(b)) return false;
      if (b == 0x40) {
        out.block.kind = BlockType::Kind::Empty;
        return true;
      }
      if (b < 0x7C || b > 0x7F) return false;  // type index, v128 or reference result, malformed
      out.block.kind = BlockType::Kind::Value;
      out.block.value = static_cast<ValKind>(0x7F - b);  // 0x7F i32 .. 0x7C f64
      return true;
    }
    return false;
  }
  absl::Status nextSlow(Instr& out);
  absl::Status nextPrefixed(uint8_t prefix, Instr& out);
  absl::Status readImmediates(ImmKind imm, Instr& out);

  support::ByteReader r_;
  std::vector<uint32_t> brTargets_;
  std::vector<Catch> catches_;
};

}  // namespace wcr::jit::wasm
