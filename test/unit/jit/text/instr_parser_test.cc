// Instructions: plain and folded forms, blocks and labels, immediates of every kind, SIMD
// constants and lanes, and the instruction-level errors of the text format.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "jit/text/parser.h"
#include "jit/wasm/decoder.h"

namespace {

namespace wasm = wcr::jit::wasm;
using wcr::jit::text::parseWat;

// The instruction bytes (without the final `end`) of the last function of
// `<fields> (func <body>)`, in hex.
std::string code(std::string_view body, std::string_view fields = "") {
  std::string src = std::string(fields) + " (func " + std::string(body) + ")";
  auto r = parseWat(src);
  INFO(src);
  if (!r.ok()) FAIL(r.status().message());
  auto m = wasm::decodeModule(wasm::Bytes(*r));
  if (!m.ok()) FAIL(m.status().message());
  REQUIRE_FALSE(m->functions.empty());
  const wasm::Function& f = m->functions.back();
  auto locals = wasm::decodeLocals(f);
  REQUIRE(locals.ok());
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t k = locals->codeStart; k + 1 < f.body.size(); ++k) {
    s.push_back(d[f.body[k] >> 4]);
    s.push_back(d[f.body[k] & 15]);
  }
  return s;
}

std::string error(std::string_view body, std::string_view fields = "") {
  std::string src = std::string(fields) + " (func " + std::string(body) + ")";
  auto r = parseWat(src);
  INFO(src);
  REQUIRE_FALSE(r.ok());
  return std::string(r.status().message());
}

}  // namespace

TEST_CASE("plain and folded forms encode the same", "[text][instr]") {
  CHECK(code("(i32.add (i32.const 1) (i32.const 2)) drop") ==
        code("i32.const 1 i32.const 2 i32.add drop"));
  CHECK(code("(i32.add (i32.const 1) (i32.const 2)) drop") == "410141026a1a");
  CHECK(code("(if (i32.const 1) (then (nop)) (else (unreachable)))") ==
        code("i32.const 1 if nop else unreachable end"));
  CHECK(code("(if (i32.const 1) (then (nop)) (else (unreachable)))") == "410104400105000b");
  CHECK(code("(block $l (loop $k (br_if $k (i32.const 0)) (br $l)))") ==
        code("block $l loop $k i32.const 0 br_if $k br $l end end"));
  CHECK(code("(block $l (loop $k (br_if $k (i32.const 0)) (br $l)))") ==
        "0240034041000d000c010b0b");
}

TEST_CASE("empty else branches are left out", "[text][instr]") {
  CHECK(code("(if (i32.const 0) (then) (else))") == "410004400b");
  CHECK(code("i32.const 0 if else end") == "410004400b");
}

TEST_CASE("labels resolve innermost first and may shadow", "[text][instr]") {
  CHECK(code("block $a block $a br $a end end") == "024002400c000b0b");
  CHECK(code("block $a block $b br $a end end") == "024002400c010b0b");
  CHECK(code("block $a end $a") == "02400b");
  CHECK(code("i32.const 0 if $a else $a end $a") == "410004400b");
  CHECK(code("block block br 1 end end") == "024002400c010b0b");
}

TEST_CASE("block types", "[text][instr]") {
  CHECK(code("(block (result i32) (i32.const 0)) drop") == "027f41000b1a");
  // With parameters or several results the block uses a type index (0 is this func's type).
  CHECK(code("(block (result i32 i32) (i32.const 0) (i32.const 0)) drop drop") ==
        "020141004100" "0b1a1a");
  CHECK(code("(block (type $v)) (block (type $i) (i32.const 1)) drop",
             "(type $v (func)) (type $i (func (result i32)))") == "02400b027f41010b1a");
}

TEST_CASE("br_table, calls and variables", "[text][instr]") {
  CHECK(code("(block $a (block $b (br_table $a $b 0 (i32.const 0))))") ==
        "0240024041000e0201000" "00b0b");
  CHECK(code("(call_indirect (type 0) (i32.const 0))", "(table 1 funcref)") == "4100110000");
  CHECK(code("(call_indirect $t (i32.const 0))", "(table 1 funcref) (table $t 1 funcref)") ==
        "4100110001");
  CHECK(code("(local $x i64) (local.set $x (i64.const -1))").find("42") != std::string::npos);
}

TEST_CASE("memory immediates", "[text][instr]") {
  CHECK(code("(i32.load (i32.const 0)) drop", "(memory 1)") == "410028020" "01a");
  CHECK(code("(i32.load offset=16 align=1 (i32.const 0)) drop", "(memory 1)") ==
        "41002800101a");
  CHECK(code("(i64.store8 offset=0x10 (i32.const 0) (i64.const 0))", "(memory 1)") ==
        "410042003c0010");
  CHECK(error("(i32.load align=3 (i32.const 0)) drop", "(memory 1)")
            .find("alignment must be a power of two") != std::string::npos);
  CHECK(error("(i32.load offset=4294967296 (i32.const 0)) drop", "(memory 1)")
            .find("i32 constant") != std::string::npos);
  CHECK(error("(i32.load offset=-1 (i32.const 0)) drop", "(memory 1)")
            .find("unknown operator") != std::string::npos);
  CHECK(code("(memory.size) drop (memory.grow (i32.const 1)) drop", "(memory 1)") ==
        "3f001a4101400" "01a");
}

TEST_CASE("constants", "[text][instr]") {
  CHECK(code("(i32.const 0xffff_ffff) drop") == "417f1a");
  CHECK(code("(i64.const -0x8000_0000_0000_0000) drop") == "428080808080808080807f1a");
  CHECK(code("(f32.const -0x1p-1) drop") == "43000000bf1a");
  CHECK(code("(f64.const nan:0x1) drop") == "44010000000000f07f1a");
  CHECK(error("(i32.const 4294967296) drop").find("constant out of range") !=
        std::string::npos);
  CHECK(error("(f32.const 1e39) drop").find("constant out of range") != std::string::npos);
  CHECK(error("(i32.const 0x) drop").find("unknown operator") != std::string::npos);
  CHECK(error("(i32.const nan:canonical) drop").find("unexpected token") != std::string::npos);
  CHECK(error("(i32.const) drop").find("unexpected token") != std::string::npos);
}

TEST_CASE("v128 constants in every shape", "[text][instr]") {
  const std::string bytes = "fd0c0100000002000000030000000400000" "01a";
  CHECK(code("(v128.const i32x4 1 2 3 4) drop") == bytes);
  CHECK(code("(v128.const i8x16 1 0 0 0 2 0 0 0 3 0 0 0 4 0 0 0) drop") == bytes);
  CHECK(code("(v128.const i16x8 1 0 2 0 3 0 4 0) drop") == bytes);
  CHECK(code("(v128.const i64x2 0x0000000200000001 0x0000000400000003) drop") == bytes);
  CHECK(code("(v128.const f32x4 0x1p-149 0x1p-148 0x1.8p-148 0x1p-147) drop") == bytes);
  CHECK(code("(v128.const f64x2 0x0.0000200000001p-1022 0x0.0000400000003p-1022) drop") ==
        bytes);
  CHECK(code("(v128.const i8x16 -128 255 0 0 0 0 0 0 0 0 0 0 0 0 0 0) drop") ==
        "fd0c80ff0000000000000000000000000000" "1a");
  CHECK(error("(v128.const i32x4 1 2 3) drop").find("wrong number of lane literals") !=
        std::string::npos);
  CHECK(error("(v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0) drop")
            .find("constant out of range") != std::string::npos);
  CHECK(error("(v128.const 0 0 0 0) drop").find("unexpected token") != std::string::npos);
}

TEST_CASE("lanes and shuffles", "[text][instr]") {
  CHECK(code("(i8x16.extract_lane_u 15 (v128.const i64x2 0 0)) drop") ==
        "fd0c00000000000000000000000000000000fd160f1a");
  CHECK(error("(i8x16.extract_lane_s 256 (v128.const i64x2 0 0)) drop")
            .find("malformed lane index") != std::string::npos);
  CHECK(error("(i8x16.extract_lane_s -1 (v128.const i64x2 0 0)) drop")
            .find("unexpected token") != std::string::npos);
  CHECK(error("(i8x16.shuffle 0 1 2 (v128.const i64x2 0 0) (v128.const i64x2 0 0)) drop")
            .find("invalid lane length") != std::string::npos);
  CHECK(error("(i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 1.5 (v128.const i64x2 0 0) "
              "(v128.const i64x2 0 0)) drop")
            .find("malformed lane index") != std::string::npos);
  std::string s = code(
      "(i8x16.shuffle 31 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 (local.get 0) (local.get 0)) drop",
      "");
  CHECK(s.find("fd0d1f000102") != std::string::npos);
  CHECK(code("(v128.load8_lane 3 (i32.const 0) (v128.const i64x2 0 0)) drop", "(memory 1)")
            .find("fd54000003") != std::string::npos);
  CHECK(code("(v128.load32_lane offset=8 1 (i32.const 0) (v128.const i64x2 0 0)) drop",
             "(memory 1)")
            .find("fd56020801") != std::string::npos);
}

TEST_CASE("reference and table instructions", "[text][instr]") {
  CHECK(code("(ref.null func) drop (ref.null extern) drop") == "d0701ad06f1a");
  CHECK(code("(select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)) drop") ==
        "4101410241001c017f1a");
  CHECK(code("(select (i32.const 1) (i32.const 2) (i32.const 0)) drop") ==
        "4101410241001b1a");
  CHECK(code("(table.copy $b $a (i32.const 0) (i32.const 0) (i32.const 0))",
             "(table $a 1 funcref) (table $b 1 funcref)") == "410041004100fc0e0100");
  CHECK(code("(table.init $b $e (i32.const 0) (i32.const 0) (i32.const 0))",
             "(table $a 1 funcref) (table $b 1 funcref) (elem $e func)") ==
        "410041004100fc0c0001");
  CHECK(code("(table.init 0 (i32.const 0) (i32.const 0) (i32.const 0))",
             "(table 1 funcref) (elem func)") == "410041004100fc0c0000");
}

TEST_CASE("instruction-level errors", "[text][instr]") {
  CHECK(error("(i32.add2)").find("unknown operator") != std::string::npos);
  CHECK(error("(block $a end $b)").find("unexpected token") != std::string::npos);
  CHECK(error("block $a end $b").find("mismatching label") != std::string::npos);
  CHECK(error("block end $l").find("mismatching label") != std::string::npos);
  CHECK(error("i32.const 0 if $a else $b end").find("mismatching label") != std::string::npos);
  CHECK(error("br $nowhere").find("unknown label $nowhere") != std::string::npos);
  CHECK(error("(block (param $x i32))").find("unexpected token") != std::string::npos);
  CHECK(error("(block (result i32) (param i32))").find("unexpected token") != std::string::npos);
  CHECK(error("(block (type $t) (result i32))", "(type $t (func))").find("inline function type") !=
        std::string::npos);
  CHECK(error("(if (i32.const 0) (nop))").find("unexpected token") != std::string::npos);
  CHECK(error("(then)").find("unexpected token") != std::string::npos);
  CHECK(error("block").find("unexpected") != std::string::npos);
  CHECK(error("0drop").find("unknown operator") != std::string::npos);
}

TEST_CASE("nesting depth is bounded", "[text][instr]") {
  auto nested = [](int n, bool folded) {
    std::string s;
    for (int i = 0; i < n; ++i) s += folded ? "(block " : "block ";
    for (int i = 0; i < n; ++i) s += folded ? ")" : "end ";
    return s;
  };
  CHECK(code(nested(1000, true)).size() == 1000 * 4 + 1000 * 2);
  CHECK(code(nested(1000, false)).size() == 1000 * 4 + 1000 * 2);
  CHECK(error(nested(1001, true)).find("nested too deeply") != std::string::npos);
  CHECK(error(nested(5000, false)).find("nested too deeply") != std::string::npos);
}

TEST_CASE("tail calls", "[text][instr][tail-call]") {
  CHECK(code("(return_call $f (i32.const 1))", "(func $f (param i32))") == "4101120" "0");
  CHECK(code("return_call 0", "(func)") == "1200");
  CHECK(code("(return_call_indirect (type 0) (i32.const 0))", "(type (func)) (table 1 funcref)") ==
        "4100130000");
  CHECK(code("(return_call_indirect $t (param i32) (i32.const 7) (i32.const 0))",
             "(type (func)) (table 1 funcref) (table $t 1 funcref)") == "4107410013010" "1");
  CHECK(error("(return_call $nope)").find("unknown function") != std::string::npos);
}

TEST_CASE("memory indices (multi-memory)", "[text][instr][multi-memory]") {
  const char* twoMemories = "(memory 1) (memory $b 1)";
  // memarg: flags with bit 6, then the memory index; memory 0 keeps the wasm 2.0 form.
  CHECK(code("(i32.load $b offset=4 (i32.const 0)) drop", twoMemories) == "41002842010" "41a");
  CHECK(code("(i32.load 1 (i32.const 0)) drop", twoMemories) == "410028420100" "1a");
  CHECK(code("(i32.load 0 (i32.const 0)) drop", twoMemories) == "41002802001a");
  CHECK(code("(i64.store $b (i32.const 0) (i64.const 5))", twoMemories) == "4100420537430100");
  CHECK(code("(memory.size $b) drop (memory.grow 1 (i32.const 1)) drop", twoMemories) ==
        "3f011a410140011a");
  CHECK(code("(memory.fill $b (i32.const 0) (i32.const 0) (i32.const 0))", twoMemories) ==
        "410041004100fc0b01");
  CHECK(code("(memory.copy $b 0 (i32.const 0) (i32.const 0) (i32.const 0))", twoMemories) ==
        "410041004100fc0a0100");
  CHECK(code("(memory.init $b $d (i32.const 0) (i32.const 0) (i32.const 0))",
             std::string(twoMemories) + " (data $d \"x\")") == "410041004100fc080001");
  // A lane load: `memidx? memarg laneidx`, the index is the memory only if more follows.
  std::string v = "(local v128) ";
  CHECK(code(v + "(drop (v128.load8_lane 1 (i32.const 0) (local.get 0)))", twoMemories) ==
        "41002000fd5400000" "11a");
  CHECK(code(v + "(drop (v128.load8_lane 1 1 (i32.const 0) (local.get 0)))", twoMemories) ==
        "41002000fd544001000" "11a");
}
