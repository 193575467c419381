// Module fields: encodings, index spaces and identifiers, implicit types, inline abbreviations,
// element and data segment forms, and the errors the text format itself defines.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "jit/text/parser.h"
#include "jit/wasm/decoder.h"
#include "jit/wasm/validator.h"

namespace {

using namespace wcr::jit;

std::vector<uint8_t> wat(std::string_view src) {
  auto r = text::parseWat(src);
  INFO(src);
  if (!r.ok()) FAIL(r.status().message());
  return *r;
}

wasm::Module decoded(std::string_view src) {
  std::vector<uint8_t> bytes = wat(src);
  auto m = wasm::decodeModule(wasm::Bytes(bytes));
  INFO(src);
  if (!m.ok()) FAIL(m.status().message());
  return *std::move(m);
}

std::string error(std::string_view src) {
  auto r = text::parseWat(src);
  INFO(src);
  REQUIRE_FALSE(r.ok());
  return std::string(r.status().message());
}

std::string hex(const std::vector<uint8_t>& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) {
    s.push_back(d[x >> 4]);
    s.push_back(d[x & 15]);
  }
  return s;
}

wasm::FuncType sig(std::vector<wasm::ValType> p, std::vector<wasm::ValType> r) {
  return wasm::FuncType{std::move(p), std::move(r)};
}

}  // namespace

TEST_CASE("empty modules", "[text][module]") {
  CHECK(hex(wat("(module)")) == "0061736d01000000");
  CHECK(hex(wat("")) == "0061736d01000000");
  CHECK(hex(wat("(module binary \"\\00asm\" \"\\01\\00\\00\\00\")")) == "0061736d01000000");
}

TEST_CASE("a function encodes like wat2wasm", "[text][module]") {
  CHECK(hex(wat(R"((module (func (export "f") (param i32) (result i32) local.get 0)))")) ==
        "0061736d0100000001060160017f017f03020100070501016600000a0601040020000b");
  // The bare-fields abbreviation is the same module.
  CHECK(wat(R"((func (export "f") (param i32) (result i32) local.get 0))") ==
        wat(R"((module (func (export "f") (param i32) (result i32) local.get 0)))"));
}

TEST_CASE("implicit types are appended in order of use", "[text][module]") {
  wasm::Module m = decoded(R"((module
    (type $t (func (param i64)))
    (func (param i32))
    (func (param i64))
    (func (param i32)
      (block (result i32 i32) (i32.const 1) (i32.const 2))
      drop drop)
    (type (func (result f32)))))");
  using wasm::kI32;
  using wasm::kI64;
  REQUIRE(m.types.size() == 4);
  CHECK(m.types[0] == sig({kI64}, {}));
  CHECK(m.types[1] == sig({}, {wasm::kF32}));
  CHECK(m.types[2] == sig({kI32}, {}));
  CHECK(m.types[3] == sig({}, {kI32, kI32}));
  REQUIRE(m.functions.size() == 3);
  CHECK(m.functions[0].typeIndex == 2);
  CHECK(m.functions[1].typeIndex == 0);  // matches the explicit type
  CHECK(m.functions[2].typeIndex == 2);
}

TEST_CASE("type uses check inline signatures", "[text][module]") {
  CHECK(wat("(type $t (func (param i32))) (func (type $t) (param $x i32) local.get $x drop)")
            .size() > 8);
  CHECK(wat("(type $t (func (param i32))) (func (type $t) (param) (result))").size() > 8);
  CHECK(error("(type $t (func (param i32))) (func (type $t) (param i64))")
            .find("inline function type") != std::string::npos);
  CHECK(error("(func (type 3) (param i32))").find("unknown type") != std::string::npos);
  CHECK(error("(type $t (func)) (func (result i32) (type $t))").find("unexpected token") !=
        std::string::npos);
  // Without inline types a missing type index is encoded and left to the validator.
  std::vector<uint8_t> b = wat("(func (type 3))");
  CHECK_FALSE(wasm::decodeAndValidate(wasm::Bytes(b)).ok());
}

TEST_CASE("identifiers resolve across the module", "[text][module]") {
  wasm::Module m = decoded(R"((module
    (func $a (call $b))
    (func $b (call $a) (global.get $g) drop)
    (global $g i32 (i32.const 0))
    (export "b" (func $b))
    (start $a)))");
  CHECK(m.exports.size() == 1);
  CHECK(m.exports[0].index == 1);
  CHECK(m.start == 0u);
  CHECK(m.names.functions.at(0) == "a");
  CHECK(m.names.functions.at(1) == "b");
}

TEST_CASE("inline imports and exports", "[text][module]") {
  wasm::Module m = decoded(R"((module
    (func $f (export "a") (export "b") (import "m" "f") (param i32))
    (memory (import "m" "mem") 1)
    (global (export "g") (import "m" "g") (mut i64))
    (table (export "t") 2 funcref)
    (func (export "c"))))");
  REQUIRE(m.imports.size() == 3);
  CHECK(m.imports[0].kind == wasm::ExternKind::Func);
  CHECK(m.imports[1].kind == wasm::ExternKind::Memory);
  CHECK(m.imports[2].global.mut);
  REQUIRE(m.exports.size() == 5);
  CHECK(m.exports[0].name == "a");
  CHECK(m.exports[2].name == "g");
  CHECK(m.exports[3].kind == wasm::ExternKind::Table);
  CHECK(m.exports[4].index == 1);  // after the imported function
}

TEST_CASE("tables and memories with inline segments", "[text][module]") {
  wasm::Module m = decoded(R"((module
    (func $f) (func $g)
    (table $t funcref (elem $f $g $f))
    (memory (data "ab" "c"))
    (table externref (elem (ref.null extern)))))");
  REQUIRE(m.tables.size() == 2);
  CHECK(m.tables[0].limits.min == 3);
  CHECK(m.tables[0].limits.max == 3u);
  REQUIRE(m.elems.size() == 2);
  CHECK(m.elems[0].mode == wasm::SegmentMode::Active);
  CHECK(m.elems[0].funcIndices == std::vector<uint32_t>{0, 1, 0});
  CHECK(m.elems[1].table == 1);
  CHECK(m.elems[1].elemType == wasm::kExternRef);
  REQUIRE(m.memories.size() == 1);
  CHECK(m.memories[0].limits.min == 1);
  REQUIRE(m.datas.size() == 1);
  CHECK(std::string(m.datas[0].bytes.begin(), m.datas[0].bytes.end()) == "abc");
}

TEST_CASE("element segment forms", "[text][module]") {
  wasm::Module m = decoded(R"((module
    (table $t 10 funcref)
    (func $f)
    (elem (i32.const 0) $f)
    (elem (table $t) (offset (i32.const 1)) func $f $f)
    (elem funcref (ref.func $f) (item ref.null func))
    (elem declare func $f)
    (elem $e func)
    (elem (table 0) (i32.const 2) funcref (item (ref.func $f)))
    (func (elem.drop $e))))");
  REQUIRE(m.elems.size() == 6);
  CHECK(m.elems[0].mode == wasm::SegmentMode::Active);
  CHECK(m.elems[1].funcIndices.size() == 2);
  CHECK(m.elems[2].mode == wasm::SegmentMode::Passive);
  CHECK(m.elems[2].usesExprs);
  CHECK(m.elems[3].mode == wasm::SegmentMode::Declarative);
  CHECK(m.elems[4].count() == 0);
  CHECK_FALSE(m.elems[5].usesExprs);  // all ref.func: encoded as function indices
}

TEST_CASE("data segment forms", "[text][module]") {
  wasm::Module m = decoded(R"((module
    (memory $m 1)
    (data (i32.const 0) "a")
    (data (memory $m) (offset (i32.const 1)) "b" "c")
    (data $d "passive")
    (func (data.drop $d))))");
  REQUIRE(m.datas.size() == 3);
  CHECK(m.datas[2].mode == wasm::SegmentMode::Passive);
  CHECK(m.dataCount == 3u);  // data.drop needs the data count section
  CHECK_FALSE(decoded("(memory 1) (data (i32.const 0) \"a\")").dataCount.has_value());
}

TEST_CASE("numeric indices out of range are encoded, not rejected", "[text][module]") {
  for (auto src : {"(func call 5)", "(func local.get 2 drop)", "(func global.get 0 drop)",
                   "(func br 3)", "(export \"x\" (func 9))",
                   "(table 1 funcref) (func (call_indirect (type 7) (i32.const 0)))"}) {
    std::vector<uint8_t> b = wat(src);
    INFO(src);
    CHECK(wasm::decodeModule(wasm::Bytes(b)).ok());
    CHECK_FALSE(wasm::decodeAndValidate(wasm::Bytes(b)).ok());
  }
}

TEST_CASE("text-format errors", "[text][module]") {
  struct Case {
    const char* src;
    const char* message;
  };
  const Case cases[] = {
      {"(func $f) (func $f)", "duplicate func $f"},
      {"(global $g i32 (i32.const 0)) (import \"\" \"\" (global $g i32))", "import after global"},
      {"(func) (import \"\" \"\" (memory 1))", "import after function"},
      {"(memory 0) (table 0 funcref) (import \"\" \"\" (func))", "import after memory"},
      {"(func (param $x i32) (local $x i32))", "duplicate local $x"},
      {"(memory $m 1) (memory $m 1)", "duplicate memory"},
      {"(func call $nope)", "unknown function $nope"},
      {"(func local.get $x)", "unknown local $x"},
      {"(func global.get $g)", "unknown global $g"},
      {"(func (table.get $t (i32.const 0)))", "unknown table $t"},
      {"(func (elem.drop $e))", "unknown elem segment $e"},
      {"(func (data.drop $d))", "unknown data segment $d"},
      {"(start $s)", "unknown function $s"},
      {"(func $a) (start $a) (start $a)", "multiple start sections"},
      {"(memory 0x1_0000_0000)", "i32 constant out of range"},
      {"(table 0 0x1_0000_0000 funcref)", "i32 constant out of range"},
      {"(func (export \"\\ff\"))", "malformed UTF-8 encoding"},
      {"(module (func) (funk))", "unknown operator"},
      {"(module (func) (type))", "unexpected token"},
      {"(module) (module)", "unexpected token"},
      {"(func (nop) (local i32))", "unexpected token"},
  };
  for (const Case& c : cases) {
    INFO(c.src);
    CHECK_THAT(error(c.src), Catch::Contains(c.message));
  }
  // Messages carry line and column.
  CHECK(error("(module\n  (func $f)\n  (func $f))") == "3:9: duplicate func $f");
}

TEST_CASE("extended constant expressions and data on other memories", "[text][module]") {
  wasm::Module m = decoded(R"((module
    (global (import "m" "g") i32)
    (memory 1) (memory $two 1)
    (global i64 (i64.add (i64.const 1) (i64.mul (i64.const 2) (i64.const 3))))
    (data (memory $two) (i32.sub (global.get 0) (i32.const 4)) "x")))");
  REQUIRE(m.globals.size() == 1);
  CHECK(hex(std::vector<uint8_t>(m.globals[0].init.bytes.begin(),
                                 m.globals[0].init.bytes.end())) == "420142024203" "7e7c0b");
  REQUIRE(m.datas.size() == 1);
  CHECK(m.datas[0].memory == 1);
  CHECK(hex(std::vector<uint8_t>(m.datas[0].offset.bytes.begin(),
                                 m.datas[0].offset.bytes.end())) == "230041046b0b");
  std::vector<uint8_t> bytes = wat(R"((module (global (import "m" "g") i32)
    (memory 1) (memory $two 1)
    (global i64 (i64.add (i64.const 1) (i64.mul (i64.const 2) (i64.const 3))))
    (data (memory $two) (i32.sub (global.get 0) (i32.const 4)) "x")))");
  CHECK_FALSE(wasm::decodeAndValidate(wasm::Bytes(bytes)).ok());
  wasm::Features both;
  both.extendedConst = both.multiMemory = true;
  CHECK(wasm::decodeAndValidate(wasm::Bytes(bytes), both).ok());
}
