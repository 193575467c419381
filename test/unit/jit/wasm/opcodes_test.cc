// The operator table: lookups by byte, prefixed code and name agree with info() for every opcode.
#include "jit/wasm/opcodes.h"

#include <catch2/catch.hpp>
#include <set>

using namespace wcr::jit::wasm;

TEST_CASE("opcodes: every opcode round-trips through its encoding and its name", "[opcodes]") {
  std::set<std::pair<uint8_t, uint32_t>> encodings;
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    auto op = static_cast<Opcode>(i);
    const OpcodeInfo& in = info(op);
    CAPTURE(in.name);
    CHECK(encodings.insert({in.prefix, in.code}).second);  // no duplicate encodings
    std::optional<Opcode> decoded =
        in.prefix == 0 ? opcodeFromByte(static_cast<uint8_t>(in.code))
                       : opcodeFromPrefixed(in.prefix, in.code);
    REQUIRE(decoded.has_value());
    CHECK(*decoded == op);
    std::optional<Opcode> named = opcodeFromName(in.name);
    REQUIRE(named.has_value());
    if (op != Opcode::SelectT) CHECK(*named == op);
  }
}

TEST_CASE("opcodes: lookups of unknown opcodes and names", "[opcodes]") {
  CHECK_FALSE(opcodeFromByte(0x06).has_value());
  CHECK_FALSE(opcodeFromByte(0xFC).has_value());  // a prefix, not an opcode
  CHECK_FALSE(opcodeFromPrefixed(0xFC, 18).has_value());
  CHECK_FALSE(opcodeFromPrefixed(0xFD, 0x9A).has_value());
  CHECK_FALSE(opcodeFromPrefixed(0xFD, 0x1000).has_value());
  CHECK_FALSE(opcodeFromName("i32.bogus").has_value());
  CHECK(opcodeFromName("select") == Opcode::Select);
  CHECK(opcodeFromName("i32.add") == Opcode::I32Add);
  CHECK(opcodeFromName("v128.load64_lane") == Opcode::V128Load64Lane);
}

TEST_CASE("opcodes: table facts used by the validator", "[opcodes]") {
  CHECK(info(Opcode::I64Load).width == 3);
  CHECK(info(Opcode::I64Load).imm == ImmKind::Mem);
  CHECK(info(Opcode::I32Add).sig == Sig::I32_I32__I32);
  CHECK(info(Opcode::I16x8ExtractLaneS).width == 1);  // 8 lanes
  CHECK(info(Opcode::MemoryInit).prefix == 0xFC);
  CHECK(info(Opcode::MemoryInit).code == 8);
  CHECK(info(Opcode::I8x16Shuffle).imm == ImmKind::Shuffle);
}
