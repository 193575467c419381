// The binary encoder: LEB128 and fixed-width writers, instruction immediates, and whole modules
// round-tripping through the decoder.
#include <catch2/catch.hpp>
#include <vector>

#include "jit/wasm/decoder.h"
#include "jit/wasm/encoder.h"

namespace {

using namespace wcr::jit::wasm;

std::vector<uint8_t> bytesOf(void (*f)(CodeWriter&)) {
  CodeWriter w;
  f(w);
  return w.out();
}

using B = std::vector<uint8_t>;

}  // namespace

TEST_CASE("LEB128 writers", "[wasm][encoder]") {
  CHECK(bytesOf([](CodeWriter& w) { w.u32(0); }) == B{0x00});
  CHECK(bytesOf([](CodeWriter& w) { w.u32(127); }) == B{0x7F});
  CHECK(bytesOf([](CodeWriter& w) { w.u32(128); }) == B{0x80, 0x01});
  CHECK(bytesOf([](CodeWriter& w) { w.u32(0xFFFFFFFF); }) == B{0xFF, 0xFF, 0xFF, 0xFF, 0x0F});
  CHECK(bytesOf([](CodeWriter& w) { w.s32(-1); }) == B{0x7F});
  CHECK(bytesOf([](CodeWriter& w) { w.s32(63); }) == B{0x3F});
  CHECK(bytesOf([](CodeWriter& w) { w.s32(64); }) == B{0xC0, 0x00});
  CHECK(bytesOf([](CodeWriter& w) { w.s32(-64); }) == B{0x40});
  CHECK(bytesOf([](CodeWriter& w) { w.s32(-65); }) == B{0xBF, 0x7F});
  CHECK(bytesOf([](CodeWriter& w) { w.s32(INT32_MIN); }) == B{0x80, 0x80, 0x80, 0x80, 0x78});
  CHECK(bytesOf([](CodeWriter& w) { w.s64(INT64_MIN); }) ==
        B{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F});
  CHECK(bytesOf([](CodeWriter& w) { w.s33(0xFFFFFFFF); }) == B{0xFF, 0xFF, 0xFF, 0xFF, 0x0F});
  CHECK(bytesOf([](CodeWriter& w) { w.fixed32(0x11223344); }) == B{0x44, 0x33, 0x22, 0x11});
  CHECK(bytesOf([](CodeWriter& w) { w.name("ab"); }) == B{0x02, 'a', 'b'});
}

TEST_CASE("instructions and immediates", "[wasm][encoder]") {
  CodeWriter w;
  Instr in;
  in.op = Opcode::I32Const;
  in.i32 = -2;
  w.instr(in);
  in.op = Opcode::I32TruncSatF32S;
  w.instr(in);
  in.op = Opcode::I8x16ExtractLaneS;
  in.lane = 5;
  w.instr(in);
  in.op = Opcode::I32Load;
  in.mem = MemArg{2, 0, 300};
  w.instr(in);
  in.mem = MemArg{2, 1, 0};  // multi-memory: bit 6 and the memory index
  w.instr(in);
  std::vector<uint32_t> targets = {1, 2, 0};
  in.op = Opcode::BrTable;
  in.brTable = &targets;
  w.instr(in);
  in.op = Opcode::Block;
  in.block.kind = BlockType::Kind::TypeIndex;
  in.block.typeIndex = 3;
  w.instr(in);
  CHECK(w.out() == B{0x41, 0x7E, 0xFC, 0x00, 0xFD, 0x15, 0x05, 0x28, 0x02, 0xAC, 0x02,
                     0x28, 0x42, 0x01, 0x00, 0x0E, 0x02, 0x01, 0x02, 0x00, 0x02, 0x03});
}

TEST_CASE("modules round-trip through the decoder", "[wasm][encoder]") {
  std::vector<uint8_t> body = {0x00, 0x20, 0x00, 0x0B};  // no locals; local.get 0; end
  std::vector<uint8_t> zero = {0x41, 0x00, 0x0B};
  std::vector<uint8_t> payload = {'h', 'i'};
  Module m;
  m.types.push_back(FuncType{{kI32}, {kI32}});
  Import imp;
  imp.module = "env";
  imp.name = "f";
  imp.funcType = 0;
  m.imports.push_back(imp);
  m.numImportedFuncs = 1;
  m.functions.push_back(Function{0, Bytes(body), 0});
  TableType t;
  t.limits.min = 1;
  m.tables.push_back(t);
  MemoryType mem;
  mem.limits.min = 1;
  mem.limits.max = 2;
  m.memories.push_back(mem);
  m.globals.push_back(Global{GlobalType{kI32, true}, ConstExpr{Bytes(zero), 0}});
  m.exports.push_back(Export{"g", ExternKind::Global, 0});
  m.start = 1;
  ElemSegment e;
  e.mode = SegmentMode::Active;
  e.offset = ConstExpr{Bytes(zero), 0};
  e.funcIndices = {1, 0};
  m.elems.push_back(e);
  ElemSegment passive;
  passive.mode = SegmentMode::Passive;
  passive.elemType = kExternRef;
  passive.usesExprs = true;
  m.elems.push_back(passive);
  DataSegment d;
  d.mode = SegmentMode::Active;
  d.offset = ConstExpr{Bytes(zero), 0};
  d.bytes = Bytes(payload);
  m.datas.push_back(d);
  m.dataCount = 1;
  m.names.functions[1] = "id";

  std::vector<uint8_t> bytes = encodeModule(m);
  auto r = decodeModule(Bytes(bytes));
  if (!r.ok()) FAIL(r.status().message());
  const Module& back = *r;
  CHECK(back.types == m.types);
  CHECK(back.imports.size() == 1);
  CHECK(back.imports[0].name == "f");
  REQUIRE(back.functions.size() == 1);
  CHECK(std::vector<uint8_t>(back.functions[0].body.begin(), back.functions[0].body.end()) == body);
  CHECK(back.memories[0].limits.max == 2u);
  CHECK(back.globals[0].type.mut);
  CHECK(back.start == 1u);
  REQUIRE(back.elems.size() == 2);
  CHECK(back.elems[0].funcIndices == std::vector<uint32_t>{1, 0});
  CHECK(back.elems[1].elemType == kExternRef);
  CHECK(back.dataCount == 1u);
  REQUIRE(back.datas.size() == 1);
  CHECK(back.datas[0].bytes.size() == 2);
  CHECK(back.names.functions.at(1) == "id");
}
