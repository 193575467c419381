// Component forms and component values in WAST scripts (canon/text's hooks for jit/text's
// script parser).
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "canon/text/component_parser.h"
#include "canon/text/script_values.h"

namespace {

using namespace wcr::jit::text;
using wcr::canon::text::ComponentValue;
using wcr::canon::text::parseComponentScript;
using Kind = ComponentValue::Kind;

Script script(std::string_view src) {
  auto r = parseComponentScript(src);
  INFO(src);
  if (!r.ok()) FAIL(r.status().message());
  return *std::move(r);
}

// The single argument of `(invoke "f" <value>)`.
ComponentValue arg(std::string_view value) {
  std::string src = "(invoke \"f\" " + std::string(value) + ")";
  Script s = script(src);
  REQUIRE(s.commands.size() == 1);
  REQUIRE(s.commands[0].action);
  REQUIRE(s.commands[0].action->args.size() == 1);
  const Value& v = s.commands[0].action->args[0];
  REQUIRE(v.extension);
  auto cv = std::dynamic_pointer_cast<const ComponentValue>(v.extension);
  REQUIRE(cv);
  return *cv;
}

std::string argError(std::string_view value) {
  std::string src = "(invoke \"f\" " + std::string(value) + ")";
  auto r = parseComponentScript(src);
  INFO(src);
  REQUIRE_FALSE(r.ok());
  return std::string(r.status().message());
}

}  // namespace

TEST_CASE("component values: scalars", "[canon][text][script]") {
  CHECK(arg("(bool.const true)").kind == Kind::Bool);
  CHECK(arg("(bool.const true)").bits == 1);
  CHECK(arg("(bool.const false)").bits == 0);
  CHECK(arg("(s8.const -1)").bits == 0xff);
  CHECK(arg("(s8.const -1)").kind == Kind::S8);
  CHECK(arg("(u8.const 255)").bits == 255);
  CHECK(arg("(s16.const -2)").bits == 0xfffe);
  CHECK(arg("(u16.const 0xffff)").bits == 0xffff);
  CHECK(arg("(s32.const -1)").bits == 0xffffffffu);
  CHECK(arg("(u32.const 4294967295)").bits == 0xffffffffu);
  CHECK(arg("(s64.const -14)").bits == static_cast<uint64_t>(-14));
  CHECK(arg("(u64.const 18446744073709551615)").bits == UINT64_MAX);
  CHECK(arg("(char.const \"A\")").bits == 'A');
  CHECK(arg("(char.const \"\xf0\x9f\x8d\xb0\")").bits == 0x1F370);  // 🍰
  CHECK(arg("(str.const \"v=\\n\")").text == "v=\n");
  CHECK(argError("(u8.const 256)").find("constant out of range") != std::string::npos);
  CHECK(argError("(u8.const -1)").find("constant out of range") != std::string::npos);
  CHECK(argError("(s8.const 128)").find("constant out of range") != std::string::npos);
  CHECK(argError("(s64.const 9223372036854775808)").find("out of range") != std::string::npos);
  CHECK(argError("(u64.const 99999999999999999999999)").find("out of range") != std::string::npos);
  CHECK(argError("(char.const \"ab\")").find("exactly one") != std::string::npos);
  CHECK(argError("(bool.const 1)").find("1:25") == 0);
}

TEST_CASE("component values: floats inside component values", "[canon][text][script]") {
  ComponentValue l = arg("(list.const (f32.const -nan) (f64.const 1.5) (f32.const nan:0x200000))");
  REQUIRE(l.elements.size() == 3);
  CHECK(l.elements[0].kind == Kind::F32);
  CHECK(l.elements[0].bits == 0xffc00000u);
  CHECK(l.elements[1].kind == Kind::F64);
  CHECK(l.elements[1].bits == 0x3ff8000000000000ull);
  CHECK(l.elements[2].bits == 0x7fa00000u);
  // At the top of an argument list, f32.const stays a core value (see component_parser.h).
  Script s = script("(invoke \"f\" (f32.const 2))");
  CHECK_FALSE(s.commands[0].action->args[0].extension);
  CHECK(s.commands[0].action->args[0].type == Value::Type::F32);
}

TEST_CASE("component values: compound", "[canon][text][script]") {
  ComponentValue r = arg(
      "(record.const (field \"handle\" u8.const 3) (field \"event\" enum.const \"stream-write\")"
      " (field \"scores\" list.const (u32.const 10) (u32.const 20)) (field \"x\" (s32.const -1)))");
  CHECK(r.kind == Kind::Record);
  REQUIRE(r.elements.size() == 4);
  CHECK(r.labels == std::vector<std::string>{"handle", "event", "scores", "x"});
  CHECK(r.elements[0].kind == Kind::U8);
  CHECK(r.elements[0].bits == 3);
  CHECK(r.elements[1].kind == Kind::Enum);
  CHECK(r.elements[1].text == "stream-write");
  CHECK(r.elements[2].elements.size() == 2);
  CHECK(r.elements[3].bits == 0xffffffffu);

  ComponentValue t = arg("(tuple.const (u8.const 1) (str.const \"x\"))");
  CHECK(t.kind == Kind::Tuple);
  CHECK(t.elements.size() == 2);

  ComponentValue v = arg("(variant.const \"expect-code\" (s32.const 1337))");
  CHECK(v.kind == Kind::Variant);
  CHECK(v.text == "expect-code");
  REQUIRE(v.elements.size() == 1);
  CHECK(v.elements[0].bits == 1337);
  CHECK(arg("(variant.const \"none\")").elements.empty());

  CHECK(arg("(enum.const \"red\")").text == "red");
  ComponentValue none = arg("(option.none)");
  CHECK(none.kind == Kind::Option);
  CHECK_FALSE(none.present);
  ComponentValue some = arg("(option.some (u32.const 7))");
  CHECK(some.present);
  CHECK(some.elements.size() == 1);
  ComponentValue ok = arg("(result.ok)");
  CHECK(ok.kind == Kind::Result);
  CHECK(ok.present);
  CHECK(ok.elements.empty());
  ComponentValue err = arg("(result.err (str.const \"e\"))");
  CHECK_FALSE(err.present);
  CHECK(err.elements[0].text == "e");
  ComponentValue flags = arg("(flags.const \"a\" \"c\")");
  CHECK(flags.kind == Kind::Flags);
  CHECK(flags.labels == std::vector<std::string>{"a", "c"});
  CHECK(arg("(flags.const)").labels.empty());
  CHECK(arg("(list.const)").elements.empty());
  CHECK(wcr::canon::text::toString(arg("(record.const (field \"a\" u8.const 1))")) ==
        "(record.const (field \"a\" (u8.const 1)))");
}

TEST_CASE("component values: errors and hostile nesting", "[canon][text][script]") {
  CHECK(argError("(option.some)").size() > 0);
  CHECK(argError("(record.const (field \"a\"))").size() > 0);
  CHECK(argError("(frob.const 1)").find("unknown operator") != std::string::npos);
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "(list.const ";
  for (int i = 0; i < 100000; ++i) deep += ")";
  CHECK(argError(deep).find("nesting too deep") != std::string::npos);
}

TEST_CASE("assert_return with component results", "[canon][text][script]") {
  Script s = script(R"wast(
    (assert_return (invoke "f" (u32.const 1) (str.const "x")) (option.some (u8.const 2)))
    (assert_return (invoke "g") (f64.const 9))
  )wast");
  REQUIRE(s.commands.size() == 2);
  const Command& c = s.commands[0];
  CHECK(c.kind == Command::Kind::AssertReturn);
  CHECK(c.action->args.size() == 2);
  REQUIRE(c.expected.size() == 1);
  CHECK(c.expected[0].kind == ResultPattern::Kind::Exact);
  REQUIRE(c.expected[0].value.extension);
  auto v = std::dynamic_pointer_cast<const ComponentValue>(c.expected[0].value.extension);
  REQUIRE(v);
  CHECK(v->kind == Kind::Option);
  CHECK(s.commands[1].expected[0].value.type == Value::Type::F64);
}

TEST_CASE("component forms in scripts", "[canon][text][script]") {
  Script s = script(R"wast(
    (component $a (core module $m))
    (component definition $d (import "f" (func)))
    (component instance $i $d)
    (component binary "\00asm" "\0d\00\01\00")
    (component $q quote "(type u8)" "(type" " u16)")
    (assert_invalid (component (export "x" (func 0))) "index out of bounds")
    (assert_malformed (component quote "(type (list))") "expected a value type")
    (assert_unlinkable (component (import "nope" (func))) "missing import")
    (assert_trap (component (core module)) "unreachable")
    (module $core (func))
    (assert_return (invoke $a "f"))
  )wast");
  REQUIRE(s.commands.size() == 11);
  const Command& a = s.commands[0];
  CHECK(a.kind == Command::Kind::Module);
  REQUIRE(a.module);
  CHECK(a.module->kind == ScriptModule::Kind::Component);
  CHECK(a.module->id == "$a");
  CHECK_FALSE(a.module->isDefinition);
  CHECK(a.module->binary.size() > 8);
  CHECK(a.module->binary[4] == 0x0d);
  CHECK(s.commands[1].module->isDefinition);
  CHECK(s.commands[1].module->id == "$d");
  CHECK(s.commands[2].kind == Command::Kind::ModuleInstance);
  CHECK(s.commands[2].instanceId == "$i");
  CHECK(s.commands[2].definitionId == "$d");
  CHECK(s.commands[3].module->binary.size() == 8);
  const ScriptModule& q = *s.commands[4].module;
  CHECK(q.kind == ScriptModule::Kind::Component);
  CHECK(q.componentQuote);
  auto quoted = wcr::canon::text::parseQuotedComponent(q.quote);
  REQUIRE(quoted.ok());
  CHECK(quoted->size() == 8 + 5);  // one type section with two types
  CHECK(s.commands[5].kind == Command::Kind::AssertInvalid);
  CHECK(s.commands[5].module->kind == ScriptModule::Kind::Component);
  CHECK(s.commands[5].message == "index out of bounds");
  CHECK(s.commands[6].kind == Command::Kind::AssertMalformed);
  CHECK(s.commands[6].module->componentQuote);
  CHECK_FALSE(wcr::canon::text::parseQuotedComponent(s.commands[6].module->quote).ok());
  CHECK(s.commands[7].kind == Command::Kind::AssertUnlinkable);
  CHECK(s.commands[8].kind == Command::Kind::AssertTrap);
  CHECK(s.commands[8].module->kind == ScriptModule::Kind::Component);
  CHECK(s.commands[9].module->kind == ScriptModule::Kind::Binary);
  CHECK(s.commands[10].action->moduleId == "$a");
}

TEST_CASE("a broken component in a script is a script error with its position",
          "[canon][text][script]") {
  auto r = parseComponentScript("(module)\n(component (type $t (list $nope)))");
  REQUIRE_FALSE(r.ok());
  CHECK(std::string(r.status().message()) == "2:27: unknown type $nope");
}
