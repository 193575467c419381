// InstrReader: immediates of every shape, inline fast path vs slow path, and malformed input.
#include "jit/wasm/instr_reader.h"

#include <catch2/catch.hpp>
#include <vector>

using namespace wcr::jit::wasm;
using wcr::support::ByteReader;

namespace {

std::vector<Instr> readAll(const std::vector<uint8_t>& bytes) {
  InstrReader r(ByteReader(absl::Span<const uint8_t>(bytes.data(), bytes.size())));
  std::vector<Instr> out;
  while (!r.atEnd()) {
    Instr in;
    absl::Status st = r.next(in);
    REQUIRE(st.ok());
    out.push_back(in);
  }
  return out;
}

std::string errorOf(const std::vector<uint8_t>& bytes) {
  InstrReader r(ByteReader(absl::Span<const uint8_t>(bytes.data(), bytes.size())));
  Instr in;
  while (!r.atEnd()) {
    absl::Status st = r.next(in);
    if (!st.ok()) return std::string(st.message());
  }
  return "ok";
}

}  // namespace

TEST_CASE("instr_reader: index and constant immediates, short and long encodings",
          "[instr_reader]") {
  auto instrs = readAll({
      0x20, 0x05,                    // local.get 5 (fast path)
      0x20, 0x80, 0x01,              // local.get 128
      0x10, 0xFF, 0xFF, 0x03,        // call 65535
      0x41, 0x7F,                    // i32.const -1
      0x41, 0x80, 0x80, 0x80, 0x80, 0x78,  // i32.const INT32_MIN
      0x42, 0x80, 0x01,              // i64.const 128
      0x28, 0x02, 0x10,              // i32.load align=4 offset=16
      0x28, 0x02, 0x80, 0x02,        // i32.load offset=256
      0x0B,                          // end (last: no fast path, fewer than 2 bytes left)
  });
  REQUIRE(instrs.size() == 9);
  CHECK(instrs[0].op == Opcode::LocalGet);
  CHECK(instrs[0].index == 5);
  CHECK(instrs[1].index == 128);
  CHECK(instrs[2].op == Opcode::Call);
  CHECK(instrs[2].index == 65535);
  CHECK(instrs[3].i32 == -1);
  CHECK(instrs[4].i32 == INT32_MIN);
  CHECK(instrs[5].i64 == 128);
  CHECK(instrs[6].mem.alignLog2 == 2);
  CHECK(instrs[6].mem.offset == 16);
  CHECK(instrs[7].mem.offset == 256);
  CHECK(instrs[8].op == Opcode::End);
  CHECK(instrs[1].offset == 2);
}

TEST_CASE("instr_reader: structured immediates", "[instr_reader]") {
  std::vector<uint8_t> bytes{
      0x02, 0x40,                    // block
      0x03, 0x7F,                    // loop (result i32)
      0x04, 0x05,                    // if (type 5)
      0x0E, 0x02, 0x00, 0x01, 0x02,  // br_table 0 1 default 2
      0x11, 0x03, 0x01,              // call_indirect type 3 table 1
      0x1C, 0x01, 0x70,              // select (result funcref)
      0xD0, 0x6F,                    // ref.null extern
      0xFC, 0x08, 0x04, 0x00,        // memory.init data 4
      0xFC, 0x0E, 0x01, 0x02,        // table.copy 1 2
      0xFC, 0x0C, 0x03, 0x01,        // table.init elem 3 table 1
      0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F,  // f64.const 1
      0xFD, 0x1B, 0x03,              // i32x4.extract_lane 3
      0xFD, 0x54, 0x00, 0x00, 0x07,  // v128.load8_lane offset 0 lane 7
      0x0B};
  auto instrs = readAll(bytes);
  REQUIRE(instrs.size() == 14);
  CHECK(instrs[0].block.kind == BlockType::Kind::Empty);
  CHECK(instrs[1].block.kind == BlockType::Kind::Value);
  CHECK(instrs[1].block.value == kI32);
  CHECK(instrs[2].block.kind == BlockType::Kind::TypeIndex);
  CHECK(instrs[2].block.typeIndex == 5);
  REQUIRE(instrs[3].brTable != nullptr);
  CHECK(*instrs[3].brTable == std::vector<uint32_t>{0, 1, 2});
  CHECK(instrs[4].index == 3);
  CHECK(instrs[4].index2 == 1);
  CHECK(instrs[5].selectArity == 1);
  CHECK(instrs[5].refType == kFuncRef);
  CHECK(instrs[6].refType == kExternRef);
  CHECK(instrs[7].op == Opcode::MemoryInit);
  CHECK(instrs[7].index == 4);
  CHECK(instrs[8].index == 1);
  CHECK(instrs[8].index2 == 2);
  CHECK(instrs[9].index == 3);
  CHECK(instrs[9].index2 == 1);
  CHECK(instrs[10].f64Bits == 0x3FF0000000000000ull);
  CHECK(instrs[11].lane == 3);
  CHECK(instrs[12].op == Opcode::V128Load8Lane);
  CHECK(instrs[12].lane == 7);
}

TEST_CASE("instr_reader: block types on the fast and slow paths", "[instr_reader]") {
  auto instrs = readAll({0x02, 0x7C,         // block (result f64): fast path
                         0x02, 0x7B,         // block (result v128)
                         0x02, 0x70,         // block (result funcref)
                         0x02, 0x80, 0x01,   // block (type 128): multi-byte s33
                         0x02, 0x40, 0x0B});
  REQUIRE(instrs.size() == 6);
  CHECK(instrs[0].block.value == kF64);
  CHECK(instrs[1].block.value == kV128);
  CHECK(instrs[2].block.value == kFuncRef);
  CHECK(instrs[3].block.kind == BlockType::Kind::TypeIndex);
  CHECK(instrs[3].block.typeIndex == 128);
  CHECK(instrs[4].block.kind == BlockType::Kind::Empty);
}

TEST_CASE("instr_reader: malformed instructions", "[instr_reader]") {
  CHECK_THAT(errorOf({0x06}), Catch::Contains("illegal opcode"));
  CHECK_THAT(errorOf({0xFC, 0x12}), Catch::Contains("illegal opcode"));
  CHECK_THAT(errorOf({0xFD, 0x9A, 0x01}), Catch::Contains("illegal opcode"));
  CHECK_THAT(errorOf({0x3F, 0x80, 0x80, 0x80, 0x80, 0x10}), Catch::Contains("integer too large"));
  CHECK_THAT(errorOf({0xD0, 0x7F}), Catch::Contains("malformed reference type"));
  CHECK_THAT(errorOf({0x41, 0x80, 0x80, 0x80, 0x80, 0x10}), Catch::Contains("integer too large"));
  CHECK_THAT(errorOf({0x20, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}),
             Catch::Contains("integer representation too long"));
  CHECK_THAT(errorOf({0x41}), Catch::Contains("unexpected end"));
  CHECK_THAT(errorOf({0x43, 0x00, 0x00}), Catch::Contains("unexpected end"));
  CHECK_THAT(errorOf({0x02, 0x7A}), Catch::Contains("malformed"));
}

TEST_CASE("instr_reader: memory indices in the multi-memory encoding", "[instr_reader]") {
  // The reader reads every memory index as a u32 and notes whether it was the single 0x00 byte
  // of wasm 2.0; the validator rejects the other forms unless multi-memory is enabled.
  auto instrs = readAll({0x3F, 0x00,               // memory.size 0, wasm 2.0 form
                         0x3F, 0x01,               // memory.size 1
                         0x40, 0x80, 0x00,         // memory.grow 0, a long zero
                         0xFC, 0x0A, 0x02, 0x01,   // memory.copy 2 1
                         0xFC, 0x08, 0x05, 0x03,   // memory.init data 5, memory 3
                         0xFC, 0x0B, 0x00,         // memory.fill 0
                         0x28, 0x42, 0x07, 0x10,   // i32.load memory 7 align=4 offset=16
                         0x28, 0x02, 0x10});       // i32.load align=4 offset=16 (fast path)
  REQUIRE(instrs.size() == 8);
  CHECK(instrs[0].index == 0);
  CHECK(instrs[0].memIndexZeroBytes);
  CHECK(instrs[1].index == 1);
  CHECK_FALSE(instrs[1].memIndexZeroBytes);
  CHECK(instrs[2].index == 0);
  CHECK_FALSE(instrs[2].memIndexZeroBytes);
  CHECK(instrs[3].index == 2);
  CHECK(instrs[3].index2 == 1);
  CHECK_FALSE(instrs[3].memIndexZeroBytes);
  CHECK(instrs[4].index == 5);
  CHECK(instrs[4].index2 == 3);
  CHECK_FALSE(instrs[4].memIndexZeroBytes);
  CHECK(instrs[5].memIndexZeroBytes);
  CHECK(instrs[6].mem.explicitMemory);
  CHECK(instrs[6].mem.memory == 7);
  CHECK(instrs[6].mem.alignLog2 == 2);
  CHECK(instrs[6].mem.offset == 16);
  CHECK_FALSE(instrs[7].mem.explicitMemory);
  CHECK(instrs[7].mem.memory == 0);
}

TEST_CASE("instr_reader: tail calls", "[instr_reader]") {
  auto instrs = readAll({0x12, 0x03,          // return_call 3
                         0x13, 0x02, 0x01});  // return_call_indirect type 2, table 1
  REQUIRE(instrs.size() == 2);
  CHECK(instrs[0].op == Opcode::ReturnCall);
  CHECK(instrs[0].index == 3);
  CHECK(instrs[1].op == Opcode::ReturnCallIndirect);
  CHECK(instrs[1].index == 2);
  CHECK(instrs[1].index2 == 1);
}
