// decodeModule: the binary format (header, section order and sizes, segments, names) and the
// malformed-module messages the spec test suite expects.
#include "jit/wasm/decoder.h"

#include <catch2/catch.hpp>

#include "test/unit/jit/wasm/wasm_bytes.h"

using namespace wcr::test;
using namespace wcr::jit::wasm;

namespace {

absl::StatusOr<Module> decode(const ByteVec& bytes) {
  return decodeModule(Bytes(bytes.data(), bytes.size()));
}

std::string decodeError(const ByteVec& bytes) {
  auto m = decode(bytes);
  if (m.ok()) return "ok";
  return std::string(m.status().message());
}

const ByteVec kVoid = funcType({}, {});

}  // namespace

TEST_CASE("decoder: header", "[decoder]") {
  CHECK(decodeError(header()) == "ok");
  CHECK_THAT(decodeError({}), Catch::Contains("unexpected end"));
  CHECK_THAT(decodeError({0x00, 0x61, 0x73}), Catch::Contains("unexpected end"));
  CHECK_THAT(decodeError({0x00, 0x41, 0x53, 0x4D, 0x01, 0x00, 0x00, 0x00}),
             Catch::Contains("magic header not detected"));
  CHECK_THAT(decodeError({0x00, 0x61, 0x73, 0x6D, 0x0D, 0x00, 0x00, 0x00}),
             Catch::Contains("unknown binary version"));
  CHECK_THAT(decodeError({0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00}),
             Catch::Contains("unexpected end"));
}

TEST_CASE("decoder: sections: ids, order, sizes", "[decoder]") {
  CHECK_THAT(decodeError(cat({header(), {0x0E, 0x00}})), Catch::Contains("malformed section id"));
  // 13 is the tag section (exception handling): decoded, and refused by the validator unless
  // the proposal is on (validator_test.cc). Between memory and global.
  ByteVec tags = section(13, vec({{0x00, 0x00}}));
  ByteVec types = section(1, vec({kVoid}));
  auto withTag = decode(cat({header(), types, tags}));
  REQUIRE(withTag.ok());
  CHECK(withTag->hasTagSection);
  CHECK(withTag->numTags() == 1);
  CHECK(withTag->tagTypeIndex(0) == 0);
  CHECK_THAT(decodeError(cat({header(), types, section(6, vec({})), tags})),
             Catch::Contains("unexpected content after last section"));
  CHECK_THAT(decodeError(cat({header(), types, section(13, vec({{0x01, 0x00}}))})),
             Catch::Contains("malformed tag attribute"));
  // Type section twice, or out of order.
  CHECK_THAT(decodeError(cat({header(), types, types})),
             Catch::Contains("unexpected content after last section"));
  CHECK_THAT(decodeError(cat({header(), section(3, vec({})), types})),
             Catch::Contains("unexpected content after last section"));
  // The data count section goes between element and code sections.
  CHECK(decodeError(module({section(12, u32(0)), section(10, vec({}))})) == "ok");
  CHECK_THAT(decodeError(module({section(10, vec({})), section(12, u32(0))})),
             Catch::Contains("unexpected content after last section"));
  // Declared size larger than the contents / smaller than the contents.
  CHECK_THAT(decodeError(cat({header(), {0x01, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00}})),
             Catch::Contains("section size mismatch"));
  CHECK_THAT(decodeError(cat({header(), {0x01, 0x07, 0x01, 0x60, 0x00, 0x00}})),
             Catch::Contains("length out of bounds"));
  // Errors name the section and the offset.
  CHECK_THAT(decodeError(cat({header(), {0x01, 0x04, 0x01, 0x61, 0x00, 0x00}})),
             Catch::Contains("type section") && Catch::Contains("at offset 0xb") &&
                 Catch::Contains("malformed function type"));
}

TEST_CASE("decoder: custom sections anywhere, names parsed best-effort", "[decoder]") {
  ByteVec names = section(0, cat({str("name"),                             //
                                  section(0, str("mod")),                  // module name
                                  section(1, vec({cat({u32(0), str("f")})}))}));  // func 0 "f"
  ByteVec custom = section(0, cat({str("meta"), {1, 2, 3}}));
  ByteVec bytes = module({custom, section(1, vec({kVoid})), custom, section(3, vec({u32(0)})),
                          section(10, vec({body({0x00}, {0x0B})})), names});
  auto m = decode(bytes);
  REQUIRE(m.ok());
  REQUIRE(m->customs.size() == 3);
  CHECK(m->customs[0].name == "meta");
  CHECK(m->customs[0].bytes.size() == 3);
  CHECK(m->names.module == "mod");
  REQUIRE(m->names.functions.count(0));
  CHECK(m->names.functions.at(0) == "f");

  // A malformed name section is ignored; a malformed custom section name is not.
  ByteVec badNames = section(0, cat({str("name"), {0x01, 0x7F}}));
  CHECK(decodeError(module({badNames})) == "ok");
  CHECK_THAT(decodeError(module({section(0, {0x02, 0xC0, 0x80})})),
             Catch::Contains("malformed UTF-8 encoding"));
  CHECK_THAT(decodeError(cat({header(), {0x00, 0x00}})), Catch::Contains("unexpected end"));
}

TEST_CASE("decoder: functions and code", "[decoder]") {
  ByteVec bytes = oneFunc(funcType({0x7F}, {0x7F}), {0x20, 0x00, 0x0B});
  auto m = decode(bytes);
  REQUIRE(m.ok());
  REQUIRE(m->functions.size() == 1);
  CHECK(m->functions[0].typeIndex == 0);
  CHECK(m->functions[0].body.size() == 4);
  CHECK(m->functions[0].bodyOffset + m->functions[0].body.size() == bytes.size());

  CHECK_THAT(decodeError(module({section(1, vec({kVoid})), section(3, vec({u32(0)}))})),
             Catch::Contains("function and code section have inconsistent lengths"));
  CHECK_THAT(decodeError(module({section(10, vec({body({0x00}, {0x0B})}))})),
             Catch::Contains("function and code section have inconsistent lengths"));
}

TEST_CASE("decoder: locals", "[decoder]") {
  Function f;
  ByteVec code{0x02, 0x03, 0x7F, 0x01, 0x7E, 0x0B};  // 3 i32, 1 i64, end
  f.body = Bytes(code.data(), code.size());
  auto locals = decodeLocals(f);
  REQUIRE(locals.ok());
  CHECK(locals->total == 4);
  REQUIRE(locals->runs.size() == 2);
  CHECK(locals->runs[0].first == 3);
  CHECK(locals->runs[1].second == kI64);
  CHECK(locals->codeStart == 5);

  ByteVec tooMany{0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x02, 0x7E, 0x0B};
  f.body = Bytes(tooMany.data(), tooMany.size());
  CHECK_THAT(std::string(decodeLocals(f).status().message()), Catch::Contains("too many locals"));
}

TEST_CASE("decoder: imports, tables, memories, globals", "[decoder]") {
  ByteVec imports = section(2, vec({cat({str("m"), str("f"), {0x00}, u32(0)}),
                                    cat({str("m"), str("t"), {0x01, 0x70, 0x01, 0x01, 0x02}}),
                                    cat({str("m"), str("mem"), {0x02, 0x00, 0x01}}),
                                    cat({str("m"), str("g"), {0x03, 0x7E, 0x01}})}));
  auto m = decode(module({section(1, vec({kVoid})), imports}));
  REQUIRE(m.ok());
  CHECK(m->numImportedFuncs == 1);
  CHECK(m->numImportedTables == 1);
  CHECK(m->numImportedMemories == 1);
  CHECK(m->numImportedGlobals == 1);
  CHECK(m->tableType(0).limits.max == 2u);
  CHECK(m->memoryType(0).limits.min == 1);
  CHECK(m->globalType(0).type == kI64);
  CHECK(m->globalType(0).mut);
  CHECK(m->funcType(0) == FuncType{});

  CHECK_THAT(decodeError(module({section(2, vec({cat({str("m"), str("x"), {0x05, 0x00}})}))})),
             Catch::Contains("malformed import kind"));
  CHECK_THAT(decodeError(module({section(6, vec({{0x7F, 0x02, 0x41, 0x00, 0x0B}}))})),
             Catch::Contains("malformed mutability"));
  CHECK_THAT(decodeError(module({section(5, vec({{0x02, 0x00}}))})),
             Catch::Contains("integer too large"));
  CHECK_THAT(decodeError(module({section(5, vec({{0x81, 0x00, 0x00}}))})),
             Catch::Contains("integer representation too long"));
  CHECK_THAT(decodeError(module({section(4, vec({{0x7F, 0x00, 0x00}}))})),
             Catch::Contains("malformed reference type"));
}

TEST_CASE("decoder: element segments, all eight forms", "[decoder]") {
  ByteVec offset{0x41, 0x00, 0x0B};
  ByteVec refFunc{0xD2, 0x00, 0x0B};
  ByteVec elems = section(
      9, vec({cat({{0x00}, offset, vec({u32(0)})}),                  // active, table 0, funcs
              cat({{0x01, 0x00}, vec({u32(0)})}),                    // passive, funcs
              cat({{0x02}, u32(0), offset, {0x00}, vec({u32(0)})}),  // active, table x, funcs
              cat({{0x03, 0x00}, vec({u32(0)})}),                    // declarative, funcs
              cat({{0x04}, offset, vec({refFunc})}),                 // active, table 0, exprs
              cat({{0x05, 0x70}, vec({refFunc})}),                   // passive, exprs
              cat({{0x06}, u32(0), offset, {0x70}, vec({refFunc})}),  // active, table x, exprs
              cat({{0x07, 0x70}, vec({refFunc})})}));                // declarative, exprs
  ByteVec bytes = oneFunc(kVoid, {0x0B}, {section(4, vec({{0x70, 0x00, 0x01}})), elems});
  auto m = decode(bytes);
  REQUIRE(m.ok());
  REQUIRE(m->elems.size() == 8);
  CHECK(m->elems[0].mode == SegmentMode::Active);
  CHECK(m->elems[1].mode == SegmentMode::Passive);
  CHECK(m->elems[3].mode == SegmentMode::Declarative);
  CHECK_FALSE(m->elems[2].usesExprs);
  CHECK(m->elems[4].usesExprs);
  CHECK(m->elems[6].exprs.size() == 1);
  CHECK(m->elems[6].exprs[0].bytes.size() == 3);
  CHECK(check(bytes) == "ok");

  CHECK_THAT(decodeError(module({section(9, vec({{0x08}}))})),
             Catch::Contains("malformed elements segment kind"));
  CHECK_THAT(decodeError(module({section(9, vec({cat({{0x05, 0x7F}, vec({refFunc})})}))})),
             Catch::Contains("malformed reference type"));
  ByteVec badExpr = cat({{0x05, 0x70}, vec({{0xF3, 0x00, 0x0B}})});
  CHECK_THAT(decodeError(module({section(9, vec({badExpr}))})),
             Catch::Contains("illegal opcode"));
}

TEST_CASE("decoder: data segments and the data count", "[decoder]") {
  ByteVec memory = section(5, vec({{0x00, 0x01}}));
  ByteVec datas = section(11, vec({cat({{0x00, 0x41, 0x00, 0x0B}, str("ab")}),  // active
                                   cat({{0x01}, str("c")}),                      // passive
                                   cat({{0x02}, u32(0), {0x41, 0x01, 0x0B}, str("")})}));
  auto m = decode(module({memory, section(12, u32(3)), datas}));
  REQUIRE(m.ok());
  REQUIRE(m->datas.size() == 3);
  CHECK(m->datas[0].bytes.size() == 2);
  CHECK(m->datas[1].mode == SegmentMode::Passive);
  CHECK(m->dataCount == 3u);

  CHECK_THAT(decodeError(module({memory, section(12, u32(2)), datas})),
             Catch::Contains("data count and data section have inconsistent lengths"));
  CHECK_THAT(decodeError(module({section(12, u32(1))})),
             Catch::Contains("data count and data section have inconsistent lengths"));
  CHECK_THAT(decodeError(module({memory, section(11, vec({{0x03}}))})),
             Catch::Contains("malformed data segment kind"));
  // 7 bytes declared, 6 given, at the end of the input.
  ByteVec short7 = cat({{0x01, 0x01}, {0x07, 1, 2, 3, 4, 5, 6}});
  CHECK_THAT(decodeError(module({memory, section(11, short7)})),
             Catch::Contains("unexpected end of section or function"));
}

TEST_CASE("decoder: exports and start", "[decoder]") {
  ByteVec bytes = oneFunc(kVoid, {0x0B},
                          {section(7, vec({cat({str("run"), {0x00}, u32(0)})})),
                           section(8, u32(0))});
  auto m = decode(bytes);
  REQUIRE(m.ok());
  REQUIRE(m->exports.size() == 1);
  CHECK(m->exports[0].name == "run");
  CHECK(m->start == 0u);
  CHECK_THAT(decodeError(module({section(7, vec({cat({str("x"), {0x05}, u32(0)})}))})),
             Catch::Contains("malformed export kind"));
}
