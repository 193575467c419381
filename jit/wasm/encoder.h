// The binary encoder: Module -> bytes, and CodeWriter for emitting instruction bytes. The text
// parser builds function bodies with CodeWriter and whole modules with encodeModule, so a module
// written in text reaches the rest of wcr through decodeModule like any binary.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "jit/wasm/instr_reader.h"
#include "jit/wasm/module.h"

namespace wcr::jit::wasm {

class CodeWriter {
 public:
  void opcode(Opcode op);  // prefix byte and LEB code as needed
  void u8(uint8_t v) { out_.push_back(v); }
  void u32(uint32_t v);    // unsigned LEB128
  void u64(uint64_t v);
  void s32(int32_t v);     // signed LEB128
  void s33(int64_t v);
  void s64(int64_t v);
  void fixed32(uint32_t v);  // little endian
  void fixed64(uint64_t v);
  void bytes(const void* data, size_t n);
  void name(std::string_view s);  // vec(byte)
  void valType(ValType t);
  void blockType(const BlockType& bt);
  void memArg(const MemArg& m);  // sets bit 6 and writes the memory index when memory != 0

  // Encodes a whole instruction (opcode and immediates per info(op).imm).
  void instr(const Instr& in);

  std::vector<uint8_t>& out() { return out_; }
  const std::vector<uint8_t>& out() const { return out_; }

 private:
  std::vector<uint8_t> out_;
};

// Encodes every section of `module` in the canonical order (data count included when
// `module.dataCount` is set). Spans in `module` may point anywhere.
std::vector<uint8_t> encodeModule(const Module& module);

}  // namespace wcr::jit::wasm
