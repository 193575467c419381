// WAST scripts: module forms, actions, constants, result patterns, assertions and the hook for
// module forms of later layers.
#include <catch2/catch.hpp>
#include <string>

#include "jit/text/parser.h"

namespace {

using namespace wcr::jit::text;

Script script(std::string_view src) {
  auto r = parseScript(src);
  INFO(src);
  if (!r.ok()) FAIL(r.status().message());
  return *std::move(r);
}

}  // namespace

TEST_CASE("module forms", "[text][script]") {
  Script s = script(R"wast(
    (module $a (func))
    (module binary "\00asm" "\01\00\00\00")
    (module $q quote "(func" " (nop))")
    (module definition $d (memory 1))
    (module instance $i $d)
    (register "reg" $a)
  )wast");
  REQUIRE(s.commands.size() == 6);
  const Command& a = s.commands[0];
  CHECK(a.kind == Command::Kind::Module);
  CHECK(a.line == 2);
  REQUIRE(a.module);
  CHECK(a.module->id == "$a");
  CHECK(a.module->kind == ScriptModule::Kind::Binary);
  CHECK(a.module->binary.size() > 8);
  CHECK(s.commands[1].module->binary.size() == 8);
  CHECK(s.commands[2].module->kind == ScriptModule::Kind::Quote);
  CHECK(s.commands[2].module->quote == "(func (nop))");
  CHECK(s.commands[3].module->isDefinition);
  CHECK(s.commands[4].kind == Command::Kind::ModuleInstance);
  CHECK(s.commands[4].instanceId == "$i");
  CHECK(s.commands[4].definitionId == "$d");
  CHECK(s.commands[5].kind == Command::Kind::Register);
  CHECK(s.commands[5].registerName == "reg");
}

TEST_CASE("a script may be the fields of one module", "[text][script]") {
  Script s = script("(func) (memory 0) (func (export \"f\"))");
  REQUIRE(s.commands.size() == 1);
  CHECK(s.commands[0].kind == Command::Kind::Module);
}

TEST_CASE("actions and constants", "[text][script]") {
  Script s = script(R"wast(
    (invoke $m "f" (i32.const -1) (i64.const 0x10) (f32.const -0.0) (f64.const nan:0x1)
                   (v128.const i16x8 1 2 3 4 5 6 7 -1) (ref.null extern) (ref.extern 7)
                   (ref.null func))
    (get "g")
  )wast");
  REQUIRE(s.commands.size() == 2);
  const Action& a = *s.commands[0].action;
  CHECK(a.kind == Action::Kind::Invoke);
  CHECK(a.moduleId == "$m");
  CHECK(a.field == "f");
  REQUIRE(a.args.size() == 8);
  CHECK(a.args[0].type == Value::Type::I32);
  CHECK(a.args[0].bits == 0xFFFFFFFF);
  CHECK(a.args[1].bits == 0x10);
  CHECK(a.args[2].bits == 0x80000000);
  CHECK(a.args[3].bits == 0x7FF0000000000001);
  CHECK(a.args[4].v128[0] == 1);
  CHECK(a.args[4].v128[14] == 0xFF);
  CHECK(a.args[4].v128[15] == 0xFF);
  CHECK(a.args[5].isNull);
  CHECK(a.args[5].type == Value::Type::ExternRef);
  CHECK(a.args[6].bits == 7);
  CHECK_FALSE(a.args[6].isNull);
  CHECK(a.args[7].type == Value::Type::FuncRef);
  CHECK(s.commands[1].action->kind == Action::Kind::Get);
}

TEST_CASE("result patterns", "[text][script]") {
  Script s = script(R"wast(
    (assert_return (invoke "f")
      (i32.const 1) (f32.const nan:canonical) (f64.const nan:arithmetic)
      (v128.const f32x4 1 nan:canonical -inf nan:arithmetic)
      (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15)
      (ref.null func) (ref.extern 3) (ref.func)
      (either (i32.const 1) (i32.const 2)))
  )wast");
  REQUIRE(s.commands.size() == 1);
  const Command& c = s.commands[0];
  CHECK(c.kind == Command::Kind::AssertReturn);
  REQUIRE(c.expected.size() == 9);
  using K = ResultPattern::Kind;
  CHECK(c.expected[0].kind == K::Exact);
  CHECK(c.expected[1].kind == K::NanCanonical);
  CHECK(c.expected[1].value.type == Value::Type::F32);
  CHECK(c.expected[2].kind == K::NanArithmetic);
  CHECK(c.expected[2].value.type == Value::Type::F64);
  const ResultPattern& lanes = c.expected[3];
  CHECK(lanes.kind == K::V128Lanes);
  CHECK(lanes.laneType == Value::Type::F32);
  REQUIRE(lanes.lanes.size() == 4);
  CHECK(lanes.lanes[0].kind == K::Exact);
  CHECK(lanes.lanes[0].value.bits == 0x3F800000);
  CHECK(lanes.lanes[1].kind == K::NanCanonical);
  CHECK(lanes.lanes[2].value.bits == 0xFF800000);
  CHECK(lanes.lanes[3].kind == K::NanArithmetic);
  CHECK(c.expected[4].kind == K::Exact);
  CHECK(c.expected[4].value.type == Value::Type::V128);
  CHECK(c.expected[4].value.v128[15] == 15);
  CHECK(c.expected[5].kind == K::RefNull);
  CHECK(c.expected[5].value.type == Value::Type::FuncRef);
  CHECK(c.expected[6].kind == K::RefExtern);
  CHECK(c.expected[6].value.bits == 3);
  CHECK(c.expected[7].kind == K::RefFunc);
  CHECK(c.expected[8].kind == K::Either);
  CHECK(c.expected[8].alternatives.size() == 2);
}

TEST_CASE("assertions", "[text][script]") {
  Script s = script(R"wast(
    (assert_trap (invoke "f") "unreachable")
    (assert_trap (module (func $s unreachable) (start $s)) "unreachable")
    (assert_exhaustion (invoke "loop") "call stack exhausted")
    (assert_malformed (module quote "(func (i32.const0))") "unknown operator")
    (assert_malformed (module binary "\00asm") "unexpected end")
    (assert_invalid (module (func (result i32))) "type mismatch")
    (assert_unlinkable (module (import "x" "y" (func))) "unknown import")
    (assert_uninstantiable (module (memory 1) (data (i32.const 70000) "a")) "out of bounds")
  )wast");
  REQUIRE(s.commands.size() == 8);
  using K = Command::Kind;
  CHECK(s.commands[0].kind == K::AssertTrap);
  CHECK(s.commands[0].action);
  CHECK(s.commands[0].message == "unreachable");
  CHECK(s.commands[1].kind == K::AssertTrap);
  CHECK(s.commands[1].module);
  CHECK(s.commands[2].kind == K::AssertExhaustion);
  CHECK(s.commands[3].kind == K::AssertMalformed);
  // A malformed quoted module is kept as text; parsing it is the assertion's business.
  CHECK(s.commands[3].module->kind == ScriptModule::Kind::Quote);
  auto quoted = parseQuotedModule(s.commands[3].module->quote);
  REQUIRE_FALSE(quoted.ok());
  CHECK_THAT(std::string(quoted.status().message()), Catch::Contains("unknown operator"));
  CHECK(s.commands[4].module->binary.size() == 4);
  CHECK(s.commands[5].kind == K::AssertInvalid);
  CHECK(s.commands[6].kind == K::AssertUnlinkable);
  CHECK(s.commands[7].kind == K::AssertUninstantiable);
}

TEST_CASE("quoted modules may be wrapped in (module ...)", "[text][script]") {
  CHECK(parseQuotedModule("(module (memory 0))").ok());
  CHECK(parseQuotedModule("(memory 0) (func)").ok());
  CHECK_FALSE(parseQuotedModule("(module (memory 0)) (func)").ok());
}

TEST_CASE("script errors", "[text][script]") {
  CHECK_FALSE(parseScript("(assert_return (invoke \"f\") (i32.const 1.5))").ok());
  CHECK_FALSE(parseScript("(assert_whatever)").ok());
  CHECK_FALSE(parseScript("(module (func (call $nope)))").ok());
  auto r = parseScript("(module)\n(bogus)");
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(std::string(r.status().message()), Catch::StartsWith("2:2: unknown operator"));
}

TEST_CASE("the hook parses other module forms", "[text][script]") {
  int calls = 0;
  ScriptModuleHook hook = [&](const std::vector<Token>& tokens,
                              size_t& pos) -> absl::StatusOr<ScriptModule> {
    ++calls;
    if (tokens[pos + 1].text != "component") return absl::NotFoundError("not mine");
    // Skip the balanced form.
    int depth = 0;
    do {
      if (tokens[pos].kind == TokenKind::LParen) ++depth;
      if (tokens[pos].kind == TokenKind::RParen) --depth;
      ++pos;
    } while (depth > 0);
    ScriptModule m;
    m.kind = ScriptModule::Kind::Component;
    return m;
  };
  auto r = parseScript("(component (core module)) (assert_invalid (component) \"x\")", hook);
  REQUIRE(r.ok());
  REQUIRE(r->commands.size() == 2);
  CHECK(r->commands[0].module->kind == ScriptModule::Kind::Component);
  CHECK(r->commands[1].kind == Command::Kind::AssertInvalid);
  CHECK(calls == 2);
  CHECK_FALSE(parseScript("(widget)", hook).ok());
}
