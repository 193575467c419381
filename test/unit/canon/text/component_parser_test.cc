// canon/text encodings checked byte for byte (expected bytes written by `jco parse`, i.e.
// wasm-tools), abbreviations, identifiers, the name section, and errors with line:column.
#include "canon/text/component_parser.h"

#include <catch2/catch.hpp>
#include <string>

namespace {

using wcr::canon::text::parseComponentWat;

std::string hex(const std::vector<uint8_t>& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::string encode(std::string_view src) {
  auto r = parseComponentWat(src);
  INFO(src);
  if (!r.ok()) FAIL(r.status().message());
  return hex(*r);
}

std::string error(std::string_view src) {
  auto r = parseComponentWat(src);
  INFO(src);
  REQUIRE_FALSE(r.ok());
  return std::string(r.status().message());
}

constexpr const char* kPreamble = "0061736d0d000100";

}  // namespace

TEST_CASE("empty component", "[canon][text]") {
  CHECK(encode("(component)") == kPreamble);
  // The component name goes into the `component-name` section.
  CHECK(encode("(component $x)") ==
        std::string(kPreamble) + "00130e636f6d706f6e656e742d6e616d6500020178");
}

TEST_CASE("value types: a record with an inline list type", "[canon][text]") {
  // The inline `(list string)` becomes type 0, the record type 1 (named `t`).
  CHECK(encode(R"(
    (component $c (type $t (record (field "a" u32) (field "b" (list string))))))") ==
        "0061736d0d000100070b0270737202016179016200001a0e636f6d706f6e656e742d6e616d6500020163010503"
        "01010174");
}

TEST_CASE("imports, core modules, canon lower options and built-ins", "[canon][text]") {
  CHECK(encode(R"((component
  (import "f" (func $f (param "x" string) (result (option u8))))
  (core module $m (memory (export "mem") 1) (func (export "realloc") (param i32 i32 i32 i32) (result i32) unreachable))
  (core instance $i (instantiate $m))
  (core func $g (canon lower (func $f) (memory (core memory $i "mem")) (realloc (core func $i "realloc")) string-encoding=utf16))
  (type $r (resource (rep i32)))
  (core func (canon resource.drop $r))
  (core func (canon waitable-set.wait (memory (core memory $i "mem"))))
  (core func (canon task.return (result u32) (memory (core memory $i "mem"))))
  (type $s (stream u8))
  (core func (canon stream.read $s async (memory (core memory $i "mem"))))
  (export "r" (type $r))
)
)") == "0061736d0d000100070a026b7d400101787300000a0601000166010101410061736d0100000001090160047f"
       "7f7f7f017f030201000503010001071102036d656d0200077265616c6c6f6300000a05010300000b0009046e"
       "616d650002016d02040100000006150200020100036d656d00000100077265616c6c6f63080a010100000303"
       "000400010704013f7f00080301030206090100020100036d656d08040120000106090100020100036d656d08"
       "070109007901030207040166017d06090100020100036d656d0807010f03020603030b070100017203020000"
       "380e636f6d706f6e656e742d6e616d650106000001010167010600110100016d010600120100016901050101"
       "00016601080302020172030173");
}

TEST_CASE("instance types, outer aliases, nested components, instantiation", "[canon][text]") {
  CHECK(encode(R"((component
  (type $i (instance (export "t" (type $t (sub resource))) (export "f" (func (param "a" (own $t))))))
  (import "i" (instance $x (type $i)))
  (component $inner (import "x" (func)) (alias outer 1 $i (type)))
  (instance $n (instantiate $inner (with "x" (func $x "f"))))
)
)") == "0061736d0d000100071a01420404000174030101690001400101610101000400016601020a06010001690500"
       "04370061736d0d000100070501400001000a060100017801000605010302010000170e636f6d706f6e656e74"
       "2d6e616d65000605696e6e6572060601010000016605080100000101780100002b0e636f6d706f6e656e742d"
       "6e616d6501050301000169010904010005696e6e65720108050200017801016e");
}

TEST_CASE("inline exports are appended at the end of the component", "[canon][text]") {
  // Section order: type (func), import, then the export of func 0 as `g` (which makes func 1).
  CHECK(encode(R"((component (func (export "g") (import "f"))))") ==
        std::string(kPreamble) + "070501400001000a060100016601000b0701000167010000");
}

TEST_CASE("forward references resolve", "[canon][text]") {
  // wasm-tools resolves `$f` before its definition; the export itself defines func 0.
  CHECK(encode(R"((component (export "x" (func $f)) (import "f" (func $f))))") ==
        std::string(kPreamble) +
            "0b0701000178010100070501400001000a0601000166010000"
            "160e636f6d706f6e656e742d6e616d6501050101010166");
}

TEST_CASE("automatic outer aliases", "[canon][text]") {
  // `$t` of the enclosing component is reached through `(alias outer 1 0 (type))`.
  std::string inner = encode("(component (type $t u32) (component (type (list $t))))");
  CHECK(inner.find("06050103020100") != std::string::npos);
}

TEST_CASE("custom sections and annotations", "[canon][text]") {
  CHECK(encode(R"((component (type u8) (@custom "hello" "world") (@unknown x) (type u16)))") ==
        "0061736d0d0001000702017d000b0568656c6c6f776f726c640702017b");
  CHECK(error(R"((component (@custom "hello" (before first) "world")))") ==
        "1:29: expected a string");
}

TEST_CASE("errors carry line and column", "[canon][text]") {
  CHECK(error("(component\n  (import \"f\" (func (param \"x\" $nope))))") ==
        "2:32: unknown type $nope");
  CHECK(error("(component (canon lift (core func 0)))").find("1:") == 0);
  CHECK(error("(component (core func (canon frobnicate)))") ==
        "1:30: unknown canonical built-in `frobnicate`");
  CHECK(error("(component (type $t u32) (type $t u8))") == "1:32: duplicate type identifier $t");
  CHECK(error("(component (type (list u8 99999999999)))") ==
        "1:27: invalid u32 number: constant out of range");
  CHECK(error("(module)").find("expected `(component`") != std::string::npos);
  // Only the strict reference syntax (wasm-tools' default).
  CHECK(error("(component (core func (canon lower (func 0) (memory 0 \"m\"))))") ==
        "1:53: an export name must be written inside a nested reference: "
        "`(core memory $i \"name\")`");
  CHECK(error("(component (core func (canon lower (func 0) (realloc (func 0)))))") ==
        "1:55: the `core` keyword is required in this reference: `(func ...)` should be written "
        "`(core func ...)`");
  CHECK(error("(component (core module $m) (instance (instantiate 0 (with \"x\" (module $m)))))")
            .find("the `core` keyword is required") != std::string::npos);
}

TEST_CASE("hostile nesting is an error, not a crash", "[canon][text]") {
  std::string deep = "(component (type ";
  for (int i = 0; i < 100000; ++i) deep += "(list ";
  deep += "u8";
  for (int i = 0; i < 100000; ++i) deep += ")";
  deep += "))";
  CHECK(error(deep).find("nesting too deep") != std::string::npos);
  std::string components = "";
  for (int i = 0; i < 100000; ++i) components += "(component ";
  for (int i = 0; i < 100000; ++i) components += ")";
  CHECK(error(components).find("nesting too deep") != std::string::npos);
  std::string types = "(component (type ";
  for (int i = 0; i < 100000; ++i) types += "(instance (type ";
  CHECK_FALSE(parseComponentWat(types).ok());
}
