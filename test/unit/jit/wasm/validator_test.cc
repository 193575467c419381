// validateModule: typing rules of function bodies, constant expressions, module-level rules,
// and the precedence of malformed bodies over typing errors.
#include "jit/wasm/validator.h"

#include <catch2/catch.hpp>

#include "test/unit/jit/wasm/wasm_bytes.h"

using namespace wcr::test;

namespace {

constexpr uint8_t I32 = 0x7F, I64 = 0x7E, F32 = 0x7D, V128 = 0x7B, FUNCREF = 0x70, EXTERNREF = 0x6F;
const ByteVec kVoid = funcType({}, {});
const ByteVec kMemory = section(5, vec({{0x00, 0x01}}));

// A module with one function of `type` whose instructions are `code` (the final end included).
std::string func(ByteVec type, ByteVec code, std::initializer_list<ByteVec> before = {}) {
  return check(oneFunc(std::move(type), std::move(code), before));
}

}  // namespace

TEST_CASE("validator: valid function bodies", "[validator]") {
  CHECK(func(kVoid, {0x0B}) == "ok");
  CHECK(func(funcType({I32, I32}, {I32}), {0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B}) == "ok");
  // Loads and stores with natural alignment.
  CHECK(func(funcType({I32}, {I64}), {0x20, 0x00, 0x29, 0x03, 0x08, 0x0B}, {kMemory}) == "ok");
  // Multi-value block with a type index: (i32 i32) -> (i32).
  ByteVec types = section(1, vec({kVoid, funcType({I32, I32}, {I32})}));
  ByteVec bytes = cat({header(), types, section(3, vec({u32(0)})),
                       section(10, vec({body({0x00}, {0x41, 0x01, 0x41, 0x02, 0x02, 0x01, 0x6A,
                                                      0x0B, 0x1A, 0x0B})}))});
  CHECK(check(bytes) == "ok");
  // Locals declared in runs: 40000 i32 then one i64, the last one read.
  ByteVec manyLocals = cat({header(), section(1, vec({funcType({}, {I64})})),
                            section(3, vec({u32(0)})),
                            section(10, vec({body({0x02, 0xC0, 0xB8, 0x02, I32, 0x01, I64},
                                                  {0x20, 0xC0, 0xB8, 0x02, 0x0B})}))});
  CHECK(check(manyLocals) == "ok");
}

TEST_CASE("validator: implementation limit on locals", "[validator]") {
  // 50001 locals is well-formed and allowed by the spec, but over wcr's limit (as V8's, Wasmtime's).
  ByteVec tooMany = cat({header(), section(1, vec({kVoid})), section(3, vec({u32(0)})),
                         section(10, vec({body({0x01, 0xD1, 0x86, 0x03, I32}, {0x0B})}))});
  CHECK_THAT(check(tooMany), Catch::Contains("too many locals") && Catch::Contains("50000"));
}

TEST_CASE("validator: operand typing", "[validator]") {
  CHECK_THAT(func(funcType({}, {I32}), {0x42, 0x00, 0x0B}),
             Catch::Contains("type mismatch") && Catch::Contains("func 0"));
  CHECK_THAT(func(kVoid, {0x41, 0x00, 0x0B}), Catch::Contains("type mismatch"));
  CHECK_THAT(func(kVoid, {0x6A, 0x0B}), Catch::Contains("type mismatch"));
  CHECK_THAT(func(kVoid, {0x20, 0x02, 0x0B}), Catch::Contains("unknown local 2"));
  CHECK_THAT(func(kVoid, {0x10, 0x05, 0x0B}), Catch::Contains("unknown function 5"));
  CHECK_THAT(func(kVoid, {0x0C, 0x01, 0x0B}), Catch::Contains("unknown label 1"));
  CHECK_THAT(func(kVoid, {0x02, 0x07, 0x0B, 0x0B}), Catch::Contains("unknown type 7"));
  // Values left on the stack at the end of a block.
  CHECK_THAT(func(kVoid, {0x02, 0x40, 0x41, 0x00, 0x0B, 0x0B}), Catch::Contains("type mismatch"));
  // if without else must not change the types: (if (result i32) (then (i32.const 1))).
  CHECK_THAT(func(funcType({}, {I32}), {0x41, 0x00, 0x04, I32, 0x41, 0x01, 0x0B, 0x0B}),
             Catch::Contains("type mismatch"));
  CHECK(func(funcType({}, {I32}), {0x41, 0x00, 0x04, I32, 0x41, 0x01, 0x05, 0x41, 0x02, 0x0B,
                                   0x0B}) == "ok");
}

TEST_CASE("validator: unreachable code is stack-polymorphic", "[validator]") {
  CHECK(func(funcType({}, {I32}), {0x00, 0x0B}) == "ok");
  CHECK(func(funcType({}, {I32}), {0x00, 0x6A, 0x0B}) == "ok");
  CHECK(func(funcType({}, {I32}), {0x41, 0x00, 0x0C, 0x00, 0x6A, 0x0B}) == "ok");
  CHECK_THAT(func(funcType({}, {I32}), {0x0C, 0x00, 0x0B}), Catch::Contains("type mismatch"));
  // Known types still have to match after unreachable.
  CHECK_THAT(func(funcType({}, {I32}), {0x00, 0x42, 0x00, 0x6A, 0x0B}),
             Catch::Contains("type mismatch"));
  CHECK_THAT(func(funcType({}, {I32}), {0x00, 0x42, 0x00, 0x0B}), Catch::Contains("type mismatch"));
  // select on two unknowns produces an unknown, which satisfies i64.
  CHECK(func(funcType({}, {I64}), {0x00, 0x1B, 0x0B}) == "ok");
}

TEST_CASE("validator: br_table", "[validator]") {
  // (block (result i32) (i32.const 1) (i32.const 0) (br_table 0 0)) with the default.
  CHECK(func(funcType({}, {I32}), {0x02, I32, 0x41, 0x01, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x00,
                                   0x0B, 0x0B}) == "ok");
  // Targets of different arity: block (result i32) vs the function (no results) in a void func.
  CHECK_THAT(func(kVoid, {0x02, I32, 0x41, 0x01, 0x41, 0x00, 0x0E, 0x01, 0x00, 0x01, 0x0B, 0x1A,
                          0x0B}),
             Catch::Contains("type mismatch"));
  CHECK_THAT(func(kVoid, {0x41, 0x00, 0x0E, 0x00, 0x03, 0x0B}), Catch::Contains("unknown label"));
}

TEST_CASE("validator: select", "[validator]") {
  CHECK(func(funcType({}, {I32}), {0x41, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1B, 0x0B}) == "ok");
  CHECK_THAT(func(funcType({}, {I32}), {0x41, 0x01, 0x42, 0x02, 0x41, 0x00, 0x1B, 0x0B}),
             Catch::Contains("type mismatch"));
  // Untyped select must not take references; typed select may.
  CHECK_THAT(func(kVoid, {0xD0, FUNCREF, 0xD0, FUNCREF, 0x41, 0x00, 0x1B, 0x1A, 0x0B}),
             Catch::Contains("type mismatch"));
  CHECK(func(kVoid, {0xD0, FUNCREF, 0xD0, FUNCREF, 0x41, 0x00, 0x1C, 0x01, FUNCREF, 0x1A, 0x0B}) ==
        "ok");
  CHECK_THAT(func(kVoid, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x1C, 0x02, I32, I32, 0x1A, 0x0B}),
             Catch::Contains("invalid result arity"));
}

TEST_CASE("validator: globals and constant expressions", "[validator]") {
  ByteVec imm = section(6, vec({{I32, 0x00, 0x41, 0x07, 0x0B}}));
  CHECK_THAT(func(kVoid, {0x41, 0x00, 0x24, 0x00, 0x0B}, {imm}),
             Catch::Contains("global is immutable"));
  CHECK_THAT(func(kVoid, {0x23, 0x01, 0x1A, 0x0B}, {imm}), Catch::Contains("unknown global 1"));
  // Constant expressions: only constants, ref.null, ref.func and imported immutable globals.
  CHECK_THAT(check(module({section(6, vec({{I32, 0x00, 0x41, 0x00, 0x41, 0x00, 0x6A, 0x0B}}))})),
             Catch::Contains("constant expression required"));
  CHECK_THAT(check(module({section(6, vec({{I32, 0x00, 0x42, 0x00, 0x0B}}))})),
             Catch::Contains("type mismatch"));
  CHECK_THAT(check(module({section(6, vec({{I32, 0x00, 0x0B}}))})),
             Catch::Contains("type mismatch"));
  // A defined global is not visible to another global's initializer in wasm 2.0.
  CHECK_THAT(check(module({section(6, vec({{I32, 0x00, 0x41, 0x00, 0x0B},
                                            {I32, 0x00, 0x23, 0x00, 0x0B}}))})),
             Catch::Contains("unknown global 0"));
  ByteVec importConst = section(2, vec({cat({str("m"), str("g"), {0x03, I32, 0x00}}),
                                        cat({str("m"), str("h"), {0x03, I32, 0x01}})}));
  CHECK(check(module({importConst, section(6, vec({{I32, 0x00, 0x23, 0x00, 0x0B}}))})) == "ok");
  CHECK_THAT(check(module({importConst, section(6, vec({{I32, 0x00, 0x23, 0x01, 0x0B}}))})),
             Catch::Contains("constant expression required"));
}

TEST_CASE("validator: memory rules", "[validator]") {
  CHECK_THAT(func(funcType({I32}, {I32}), {0x20, 0x00, 0x28, 0x03, 0x00, 0x0B}, {kMemory}),
             Catch::Contains("alignment must not be larger than natural"));
  CHECK_THAT(func(funcType({I32}, {I32}), {0x20, 0x00, 0x28, 0x02, 0x00, 0x0B}),
             Catch::Contains("unknown memory 0"));
  // Multi-memory's explicit memory index (flags bit 6) is not part of wasm 2.0.
  CHECK_THAT(func(funcType({I32}, {I32}), {0x20, 0x00, 0x28, 0x42, 0x00, 0x00, 0x0B}, {kMemory}),
             Catch::Contains("alignment must not be larger than natural"));
  CHECK_THAT(func(funcType({I32}, {I32}), {0x20, 0x00, 0x28, 0x42, 0x01, 0x00, 0x0B}, {kMemory}),
             Catch::Contains("unknown memory 1"));
  CHECK_THAT(check(module({section(5, vec({{0x00, 0x81, 0x80, 0x04}}))})),
             Catch::Contains("memory size must be at most 65536 pages (4GiB)"));
  CHECK_THAT(check(module({section(5, vec({{0x01, 0x02, 0x01}}))})),
             Catch::Contains("size minimum must not be greater than maximum"));
  CHECK_THAT(check(module({section(5, vec({{0x00, 0x00}, {0x00, 0x00}}))})),
             Catch::Contains("multiple memories"));
  // Multiple tables are fine since reference types.
  CHECK(check(module({section(4, vec({{FUNCREF, 0x00, 0x00}, {EXTERNREF, 0x00, 0x00}}))})) == "ok");
  CHECK_THAT(check(module({section(4, vec({{FUNCREF, 0x01, 0x02, 0x01}}))})),
             Catch::Contains("size minimum must not be greater than maximum"));
}

TEST_CASE("validator: bulk memory needs the data count section", "[validator]") {
  ByteVec dataDrop{0xFC, 0x09, 0x00, 0x0B};
  ByteVec datas = section(11, vec({cat({{0x01}, str("x")})}));
  CHECK_THAT(check(oneFunc(kVoid, dataDrop, {kMemory}, {datas})),
             Catch::Contains("data count section required"));
  CHECK(check(oneFunc(kVoid, dataDrop, {kMemory, section(12, u32(1))}, {datas})) == "ok");
  CHECK_THAT(check(oneFunc(kVoid, {0xFC, 0x09, 0x01, 0x0B}, {kMemory, section(12, u32(1))},
                           {datas})),
             Catch::Contains("unknown data segment 1"));
  CHECK_THAT(check(oneFunc(kVoid, {0xFC, 0x0D, 0x00, 0x0B})),
             Catch::Contains("unknown elem segment 0"));
}

TEST_CASE("validator: SIMD lane indices", "[validator]") {
  // i32x4.extract_lane 3 is fine, 4 is not; shuffle lanes are < 32.
  ByteVec v128zero{0xFD, 0x0C};
  v128zero.resize(18, 0);
  CHECK(func(funcType({}, {I32}), cat({v128zero, {0xFD, 0x1B, 0x03, 0x0B}})) == "ok");
  CHECK_THAT(func(funcType({}, {I32}), cat({v128zero, {0xFD, 0x1B, 0x04, 0x0B}})),
             Catch::Contains("invalid lane index"));
  ByteVec shuffle{0xFD, 0x0D};
  for (int i = 0; i < 16; ++i) shuffle.push_back(static_cast<uint8_t>(i == 5 ? 32 : i));
  CHECK_THAT(func(funcType({}, {V128}), cat({v128zero, v128zero, shuffle, {0x0B}})),
             Catch::Contains("invalid lane index"));
}

TEST_CASE("validator: references", "[validator]") {
  // ref.func needs a declaration outside function bodies (here: an export).
  CHECK_THAT(func(kVoid, {0xD2, 0x00, 0x1A, 0x0B}),
             Catch::Contains("undeclared function reference"));
  ByteVec exportF = section(7, vec({cat({str("f"), {0x00}, u32(0)})}));
  CHECK(func(kVoid, {0xD2, 0x00, 0x1A, 0x0B}, {exportF}) == "ok");
  CHECK_THAT(func(funcType({}, {I32}), {0x41, 0x00, 0xD1, 0x0B}), Catch::Contains("type mismatch"));
  // call_indirect needs a funcref table.
  ByteVec externTable = section(4, vec({{EXTERNREF, 0x00, 0x00}}));
  CHECK_THAT(func(kVoid, {0x41, 0x00, 0x11, 0x00, 0x00, 0x0B}, {externTable}),
             Catch::Contains("type mismatch"));
  CHECK_THAT(func(kVoid, {0x41, 0x00, 0x11, 0x00, 0x00, 0x0B}), Catch::Contains("unknown table 0"));
  // Element segments must match their table's type.
  ByteVec elem = section(9, vec({cat({{0x00, 0x41, 0x00, 0x0B}, vec({u32(0)})})}));
  CHECK_THAT(func(kVoid, {0x0B}, {externTable, elem}), Catch::Contains("type mismatch"));
}

TEST_CASE("validator: exports and start", "[validator]") {
  ByteVec dup = section(7, vec({cat({str("a"), {0x00}, u32(0)}), cat({str("a"), {0x00}, u32(0)})}));
  CHECK_THAT(func(kVoid, {0x0B}, {dup}), Catch::Contains("duplicate export name"));
  CHECK_THAT(func(kVoid, {0x0B}, {section(7, vec({cat({str("g"), {0x03}, u32(0)})}))}),
             Catch::Contains("unknown global 0"));
  CHECK(func(kVoid, {0x0B}, {section(8, u32(0))}) == "ok");
  CHECK_THAT(func(funcType({I32}, {}), {0x0B}, {section(8, u32(0))}),
             Catch::Contains("start function"));
  CHECK_THAT(func(kVoid, {0x0B}, {section(8, u32(1))}), Catch::Contains("unknown function 1"));
}

TEST_CASE("validator: malformed bodies", "[validator][malformed]") {
  CHECK_THAT(func(kVoid, {0x06, 0x0B}), Catch::Contains("illegal opcode"));
  CHECK_THAT(func(kVoid, {0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B}),
             Catch::Contains("integer representation too long"));
  CHECK_THAT(func(funcType({}, {I32}), {0x3F, 0x01, 0x0B}, {kMemory}),
             Catch::Contains("zero byte expected"));
  // else outside if, bytes after the final end, and a body without its end.
  CHECK_THAT(func(kVoid, {0x02, 0x40, 0x05, 0x0B, 0x0B}), Catch::Contains("END opcode expected"));
  CHECK_THAT(func(kVoid, {0x0B, 0x01}), Catch::Contains("section size mismatch"));
  CHECK_THAT(func(kVoid, {0x01}), Catch::Contains("unexpected end of section or function"));
  // A malformed body is reported in preference to an earlier typing error.
  ByteVec types = section(1, vec({kVoid}));
  ByteVec bytes = cat({header(), types, section(3, vec({u32(0), u32(0)})),
                       section(10, vec({body({0x00}, {0x41, 0x00, 0x0B}),    // type error
                                        body({0x00}, {0xFF, 0x0B})}))});       // illegal opcode
  CHECK_THAT(check(bytes), Catch::Contains("illegal opcode") && Catch::Contains("func 1"));
}

// ---- proposals (features.h) -------------------------------------------------------------------

namespace {

wcr::jit::wasm::Features tailCall() {
  wcr::jit::wasm::Features f;
  f.tailCall = true;
  return f;
}
wcr::jit::wasm::Features extendedConst() {
  wcr::jit::wasm::Features f;
  f.extendedConst = true;
  return f;
}
wcr::jit::wasm::Features exceptions() {
  wcr::jit::wasm::Features f;
  f.exceptions = true;
  return f;
}
wcr::jit::wasm::Features multiMemory() {
  wcr::jit::wasm::Features f;
  f.multiMemory = true;
  return f;
}

// Functions of types 0: () -> (i32), 1: (i32) -> (i32), 2: () -> (i64), 3: () -> (); function i
// has type `funcTypes[i]` and body `codes[i]`.
ByteVec funcs(std::initializer_list<uint32_t> funcTypes, std::initializer_list<ByteVec> codes,
              std::initializer_list<ByteVec> before = {}) {
  ByteVec types = section(1, vec({funcType({}, {I32}), funcType({I32}, {I32}),
                                  funcType({}, {I64}), funcType({}, {})}));
  ByteVec declared = u32(static_cast<uint32_t>(funcTypes.size()));
  for (uint32_t t : funcTypes) append(declared, u32(t));
  ByteVec bodies = u32(static_cast<uint32_t>(codes.size()));
  for (const ByteVec& c : codes) append(bodies, body({0x00}, c));
  ByteVec out = cat({header(), types, section(3, declared)});
  for (const ByteVec& b : before) append(out, b);
  append(out, section(10, bodies));
  return out;
}

}  // namespace

TEST_CASE("validator: tail calls need the tail-call proposal", "[validator][tail-call]") {
  ByteVec selfCall = funcs({1}, {{0x20, 0x00, 0x12, 0x00, 0x0B}});  // return_call 0 (local 0)
  CHECK_THAT(check(selfCall), Catch::Contains("illegal opcode 12"));
  CHECK(check(selfCall, tailCall()) == "ok");
  ByteVec table = section(4, vec({{FUNCREF, 0x00, 0x01}}));
  ByteVec indirect = funcs({0}, {{0x41, 0x00, 0x13, 0x00, 0x00, 0x0B}}, {table});
  CHECK_THAT(check(indirect), Catch::Contains("illegal opcode 13"));
  CHECK(check(indirect, tailCall()) == "ok");
  CHECK(check(wcr::test::module({}), tailCall()) == "ok");
}

TEST_CASE("validator: return_call typing", "[validator][tail-call]") {
  // The callee's results must be the caller's: () -> (i64) cannot be tail-called from () -> (i32).
  CHECK_THAT(check(funcs({0, 2}, {{0x12, 0x01, 0x0B}, {0x42, 0x00, 0x0B}}), tailCall()),
             Catch::Contains("type mismatch") && Catch::Contains("[i32]") &&
                 Catch::Contains("[i64]"));
  CHECK_THAT(check(funcs({3, 0}, {{0x12, 0x01, 0x0B}, {0x41, 0x00, 0x0B}}), tailCall()),
             Catch::Contains("type mismatch"));
  // Missing and wrong arguments.
  CHECK_THAT(check(funcs({1}, {{0x12, 0x00, 0x0B}}), tailCall()), Catch::Contains("type mismatch"));
  CHECK_THAT(check(funcs({1}, {{0x42, 0x00, 0x12, 0x00, 0x0B}}), tailCall()),
             Catch::Contains("type mismatch"));
  // Extra operands below the arguments are fine: the frame is gone afterwards.
  CHECK(check(funcs({1}, {{0x42, 0x00, 0x41, 0x01, 0x12, 0x00, 0x0B}}), tailCall()) == "ok");
  // What follows is unreachable (stack-polymorphic).
  CHECK(check(funcs({1}, {{0x20, 0x00, 0x12, 0x00, 0x6A, 0x0B}}), tailCall()) == "ok");
  CHECK_THAT(check(funcs({0}, {{0x12, 0x05, 0x0B}}), tailCall()),
             Catch::Contains("unknown function 5"));
}

TEST_CASE("validator: return_call_indirect typing", "[validator][tail-call]") {
  ByteVec table = section(4, vec({{FUNCREF, 0x00, 0x01}}));
  ByteVec externTable = section(4, vec({{EXTERNREF, 0x00, 0x01}}));
  // Type 1 (i32) -> (i32) from a function of that type: the argument, then the element index.
  CHECK(check(funcs({1}, {{0x20, 0x00, 0x41, 0x00, 0x13, 0x01, 0x00, 0x0B}}, {table}),
              tailCall()) == "ok");
  CHECK_THAT(check(funcs({3}, {{0x41, 0x00, 0x13, 0x00, 0x00, 0x0B}}, {table}), tailCall()),
             Catch::Contains("type mismatch"));
  CHECK_THAT(check(funcs({0}, {{0x13, 0x00, 0x00, 0x0B}}, {table}), tailCall()),
             Catch::Contains("type mismatch"));  // no element index
  CHECK_THAT(check(funcs({0}, {{0x41, 0x00, 0x13, 0x00, 0x00, 0x0B}}, {externTable}),
                   tailCall()),
             Catch::Contains("type mismatch"));
  CHECK_THAT(check(funcs({0}, {{0x41, 0x00, 0x13, 0x00, 0x00, 0x0B}}), tailCall()),
             Catch::Contains("unknown table 0"));
  CHECK_THAT(check(funcs({0}, {{0x41, 0x00, 0x13, 0x09, 0x00, 0x0B}}, {table}), tailCall()),
             Catch::Contains("unknown type 9"));
}

TEST_CASE("validator: extended constant expressions", "[validator][extended-const]") {
  auto global = [](ByteVec type, ByteVec expr) {
    return wcr::test::module({section(6, vec({cat({type, {0x00}, expr})}))});
  };
  // (i32.add (i32.const 1) (i32.const 2)), (i64.mul (i64.const 3) (i64.sub ...)).
  ByteVec add = global({I32}, {0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B});
  CHECK_THAT(check(add), Catch::Contains("constant expression required"));
  CHECK(check(add, extendedConst()) == "ok");
  CHECK(check(global({I64}, {0x42, 0x03, 0x42, 0x05, 0x42, 0x01, 0x7D, 0x7E, 0x0B}),
              extendedConst()) == "ok");
  CHECK(check(global({I32}, {0x41, 0x01, 0x41, 0x02, 0x6B, 0x41, 0x03, 0x6C, 0x0B}),
              extendedConst()) == "ok");
  // Operand types, arity and the result are checked.
  CHECK_THAT(check(global({I32}, {0x41, 0x01, 0x42, 0x02, 0x6A, 0x0B}), extendedConst()),
             Catch::Contains("type mismatch") && Catch::Contains("i32.add"));
  CHECK_THAT(check(global({I32}, {0x41, 0x01, 0x6A, 0x0B}), extendedConst()),
             Catch::Contains("type mismatch"));
  CHECK_THAT(check(global({I64}, {0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B}), extendedConst()),
             Catch::Contains("type mismatch"));
  CHECK_THAT(check(global({I32}, {0x41, 0x01, 0x41, 0x02, 0x41, 0x03, 0x6A, 0x0B}),
                   extendedConst()),
             Catch::Contains("type mismatch"));
  // Only add, sub and mul: division, and float arithmetic, stay non-constant; constness is
  // reported before a typing error, as the reference interpreter does.
  CHECK_THAT(check(global({I32}, {0x41, 0x01, 0x41, 0x02, 0x6D, 0x0B}), extendedConst()),
             Catch::Contains("constant expression required"));
  CHECK_THAT(check(global({I32}, {0x41, 0x01, 0x42, 0x02, 0x6A, 0x01, 0x0B}), extendedConst()),
             Catch::Contains("constant expression required"));
  // Imported globals inside the arithmetic; a data segment offset.
  ByteVec importG = section(2, vec({cat({str("m"), str("g"), {0x03, I32, 0x00}})}));
  CHECK(check(wcr::test::module({importG, section(6, vec({{I32, 0x00, 0x23, 0x00, 0x41, 0x02,
                                                           0x6C, 0x0B}}))}),
              extendedConst()) == "ok");
  ByteVec data = section(11, vec({cat({{0x00, 0x41, 0x08, 0x41, 0x02, 0x6B, 0x0B}, str("x")})}));
  CHECK(check(wcr::test::module({kMemory, data}), extendedConst()) == "ok");
  CHECK_THAT(check(wcr::test::module({kMemory, data})),
             Catch::Contains("constant expression required"));
}

TEST_CASE("validator: multiple memories", "[validator][multi-memory]") {
  ByteVec twoMemories = section(5, vec({{0x00, 0x01}, {0x00, 0x01}}));
  CHECK_THAT(check(wcr::test::module({twoMemories})), Catch::Contains("multiple memories"));
  CHECK(check(wcr::test::module({twoMemories}), multiMemory()) == "ok");
  ByteVec importMemory = section(2, vec({cat({str("m"), str("mem"), {0x02, 0x00, 0x01}})}));
  CHECK(check(wcr::test::module({importMemory, twoMemories}), multiMemory()) == "ok");

  // memarg bit 6: an explicit memory index.
  ByteVec load1 = funcs({1}, {{0x20, 0x00, 0x28, 0x42, 0x01, 0x00, 0x0B}}, {twoMemories});
  CHECK(check(load1, multiMemory()) == "ok");
  CHECK_THAT(check(funcs({1}, {{0x20, 0x00, 0x28, 0x42, 0x02, 0x00, 0x0B}}, {twoMemories}),
                   multiMemory()),
             Catch::Contains("unknown memory 2"));
  CHECK_THAT(check(funcs({1}, {{0x20, 0x00, 0x28, 0x43, 0x01, 0x00, 0x0B}}, {twoMemories}),
                   multiMemory()),
             Catch::Contains("alignment must not be larger than natural"));

  // memory.size 1, memory.grow 1, memory.fill 1, memory.copy 0 1.
  CHECK(check(funcs({0}, {{0x3F, 0x01, 0x0B}}, {twoMemories}), multiMemory()) == "ok");
  CHECK(check(funcs({1}, {{0x20, 0x00, 0x40, 0x01, 0x0B}}, {twoMemories}), multiMemory()) ==
        "ok");
  ByteVec threeI32{0x41, 0x00, 0x41, 0x00, 0x41, 0x00};
  CHECK(check(funcs({3}, {cat({threeI32, {0xFC, 0x0B, 0x01, 0x0B}})}, {twoMemories}),
              multiMemory()) == "ok");
  CHECK(check(funcs({3}, {cat({threeI32, {0xFC, 0x0A, 0x00, 0x01, 0x0B}})}, {twoMemories}),
              multiMemory()) == "ok");
  CHECK_THAT(check(funcs({3}, {cat({threeI32, {0xFC, 0x0A, 0x02, 0x00, 0x0B}})}, {twoMemories}),
                   multiMemory()),
             Catch::Contains("unknown memory 2"));
  CHECK_THAT(check(funcs({0}, {{0x3F, 0x01, 0x0B}}, {kMemory}), multiMemory()),
             Catch::Contains("unknown memory 1"));
  // A zero written in more than one byte is a memory index too.
  CHECK(check(funcs({0}, {{0x3F, 0x80, 0x00, 0x0B}}, {kMemory}), multiMemory()) == "ok");

  // A data segment on memory 1 (flags 2).
  ByteVec data1 = section(11, vec({cat({{0x02, 0x01, 0x41, 0x00, 0x0B}, str("x")})}));
  CHECK(check(wcr::test::module({twoMemories, data1}), multiMemory()) == "ok");
  CHECK_THAT(check(wcr::test::module({kMemory, data1}), multiMemory()),
             Catch::Contains("unknown memory 1"));
}

TEST_CASE("validator: memory indices without multi-memory are malformed", "[validator]") {
  // wasm 2.0 wants one 0x00 byte; malformed bodies are reported before typing errors elsewhere.
  CHECK_THAT(check(funcs({0}, {{0x3F, 0x80, 0x00, 0x0B}}, {kMemory})),
             Catch::Contains("zero byte expected"));
  ByteVec threeI32{0x41, 0x00, 0x41, 0x00, 0x41, 0x00};
  CHECK_THAT(check(funcs({3}, {cat({threeI32, {0xFC, 0x0A, 0x00, 0x01, 0x0B}})}, {kMemory})),
             Catch::Contains("zero byte expected"));
  ByteVec typeErrorThenMalformed =
      funcs({3, 0}, {{0x41, 0x00, 0x0B}, {0x3F, 0x01, 0x0B}}, {kMemory});
  CHECK_THAT(check(typeErrorThenMalformed),
             Catch::Contains("zero byte expected") && Catch::Contains("func 1"));
  CHECK_THAT(check(funcs({3}, {{0x12, 0x00, 0x0B}, }), multiMemory()),
             Catch::Contains("illegal opcode 12"));
}

TEST_CASE("validator: exception handling needs its proposal", "[validator][exceptions]") {
  ByteVec tags = section(13, vec({{0x00, 0x03}}));  // one tag of type 3: () -> ()
  ByteVec throwing = funcs({3}, {{0x08, 0x00, 0x0B}}, {tags});  // throw 0
  CHECK_THAT(check(throwing), Catch::Contains("malformed section id"));
  CHECK(check(throwing, exceptions()) == "ok");
  // try_table (catch_all 0) end, and throw_ref of a null exnref.
  ByteVec tryTable = funcs({3}, {{0x1F, 0x40, 0x01, 0x02, 0x00, 0x0B, 0x0B}});
  CHECK_THAT(check(tryTable), Catch::Contains("illegal opcode 1f"));
  CHECK(check(tryTable, exceptions()) == "ok");
  ByteVec throwRef = funcs({3}, {{0xD0, 0x69, 0x0A, 0x0B}});
  CHECK_THAT(check(throwRef), Catch::Contains("malformed reference type"));
  CHECK(check(throwRef, exceptions()) == "ok");
  // Tag types have no results; throw takes the tag's params; catch clauses match their label.
  ByteVec badTag = section(13, vec({{0x00, 0x00}}));  // type 0: () -> (i32)
  CHECK_THAT(check(funcs({3}, {{0x0B}}, {badTag}), exceptions()),
             Catch::Contains("non-empty tag result type"));
  CHECK_THAT(check(funcs({3}, {{0x08, 0x01, 0x0B}}, {tags}), exceptions()),
             Catch::Contains("unknown tag 1"));
  ByteVec i32Tag = section(13, vec({{0x00, 0x01}}));  // type 1: (i32) -> (i32)... results
  CHECK_THAT(check(funcs({3}, {{0x0B}}, {i32Tag}), exceptions()),
             Catch::Contains("non-empty tag result type"));
  // catch_all_ref to a label without an exnref result.
  CHECK_THAT(check(funcs({3}, {{0x1F, 0x40, 0x01, 0x03, 0x00, 0x0B, 0x0B}}), exceptions()),
             Catch::Contains("type mismatch"));
}
