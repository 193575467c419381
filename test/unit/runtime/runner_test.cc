// Unit tests of the WAST runner without an engine: small inline scripts through the real parser,
// decoder and validator.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "runtime/wast/runner.h"

namespace {

using wcr::runtime::wast::DirectiveResult;
using wcr::runtime::wast::Expectation;
using wcr::runtime::wast::ModuleArtifact;
using wcr::runtime::wast::Outcome;
using wcr::runtime::wast::RunOptions;
using wcr::runtime::wast::runScriptSource;
using wcr::runtime::wast::ScriptReport;

const DirectiveResult& only(const ScriptReport& report) {
  REQUIRE(report.directives.size() == 1);
  return report.directives[0];
}

}  // namespace

TEST_CASE("valid modules pass and execution directives are skipped", "[wast]") {
  const ScriptReport report = runScriptSource(R"wast(
    (module $m (func (export "f") (result i32) (i32.const 1)))
    (assert_return (invoke "f") (i32.const 1))
    (invoke $m "f")
    (register "m" $m)
    (assert_trap (invoke "f") "unreachable")
  )wast");
  CHECK(report.passed() == 1);
  CHECK(report.skipped() == 4);
  CHECK(report.failed() == 0);
  CHECK(report.directives[0].directive == "module");
  CHECK(report.directives[0].line == 2);
  CHECK(report.directives[1].directive == "assert_return");
  CHECK(report.directives[1].outcome == Outcome::Skipped);
}

TEST_CASE("an invalid module definition fails with the validator's message", "[wast]") {
  const ScriptReport report = runScriptSource("(module (func (result i32) (i64.const 0)))");
  const DirectiveResult& d = only(report);
  CHECK(d.outcome == Outcome::Failed);
  CHECK_THAT(d.message, Catch::Contains("type mismatch"));
  CHECK_THAT(d.message, Catch::Contains("validator"));
}

TEST_CASE("assert_invalid passes when validation rejects", "[wast]") {
  const ScriptReport report = runScriptSource(
      R"wast((assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch"))wast");
  const DirectiveResult& d = only(report);
  CHECK(d.outcome == Outcome::Passed);
  CHECK_FALSE(d.messageMismatch);
}

TEST_CASE("assert_invalid fails when the module validates", "[wast]") {
  const ScriptReport report = runScriptSource(
      R"wast((assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch"))wast");
  const DirectiveResult& d = only(report);
  CHECK(d.outcome == Outcome::Failed);
  CHECK_THAT(d.message, Catch::Contains("type mismatch"));
  CHECK_THAT(d.message, Catch::Contains("accepted"));
}

TEST_CASE("a different error text is recorded but does not fail", "[wast]") {
  const ScriptReport report = runScriptSource(
      R"wast((assert_invalid (module (func (result i32) (i64.const 0))) "no such message"))wast");
  const DirectiveResult& d = only(report);
  CHECK(d.outcome == Outcome::Passed);
  CHECK(d.messageMismatch);
  CHECK_THAT(d.note, Catch::Contains("no such message"));
  CHECK(report.messageMismatches() == 1);
}

TEST_CASE("assert_malformed on quoted text and on binaries", "[wast]") {
  const ScriptReport report = runScriptSource(R"wast(
    (assert_malformed (module quote "(func (i32.bogus))") "unknown operator")
    (assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
    (assert_malformed (module binary "\00asm") "unexpected end")
    (assert_malformed (module quote "(func (result i32) (i32.const 0))") "oops")
  )wast");
  REQUIRE(report.directives.size() == 4);
  CHECK(report.directives[0].outcome == Outcome::Passed);
  CHECK(report.directives[1].outcome == Outcome::Passed);
  CHECK(report.directives[2].outcome == Outcome::Passed);
  // Well-formed and valid: the assertion fails.
  CHECK(report.directives[3].outcome == Outcome::Failed);
  CHECK_THAT(report.directives[3].message, Catch::Contains("malformed"));
}

TEST_CASE("binary modules in module definitions", "[wast]") {
  const ScriptReport report = runScriptSource(R"wast(
    (module binary "\00asm\01\00\00\00")
    (module $named binary "\00asm" "\01\00\00\00")
  )wast");
  CHECK(report.passed() == 2);
}

TEST_CASE("modules of link and instantiation assertions must validate, then are skipped",
          "[wast]") {
  const ScriptReport report = runScriptSource(R"wast(
    (assert_unlinkable (module (import "spectest" "nothing" (func))) "unknown import")
    (assert_trap (module (func $f unreachable) (start $f)) "unreachable")
    (assert_unlinkable (module (func (result i32) (i64.const 0))) "unknown import")
  )wast");
  REQUIRE(report.directives.size() == 3);
  CHECK(report.directives[0].outcome == Outcome::Skipped);
  CHECK(report.directives[1].outcome == Outcome::Skipped);
  CHECK(report.directives[1].directive == "assert_trap");
  CHECK(report.directives[2].outcome == Outcome::Failed);
}

TEST_CASE("a script that does not parse is one failed directive", "[wast]") {
  const ScriptReport report = runScriptSource("(module (func)");
  const DirectiveResult& d = only(report);
  CHECK(d.directive == "script");
  CHECK(d.outcome == Outcome::Failed);
  CHECK_FALSE(d.message.empty());
}

TEST_CASE("every produced module is reported with its expectation", "[wast]") {
  std::vector<std::pair<Expectation, size_t>> seen;
  RunOptions options;
  options.onModule = [&](const ModuleArtifact& a) { seen.emplace_back(a.expectation, a.line); };
  const ScriptReport report = runScriptSource(R"wast((module (func))
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")
(assert_malformed (module binary "\00asm\02\00\00\00") "unknown binary version")
(assert_malformed (module quote "(func (i32.bogus))") "unknown operator")
)wast",
                                              options);
  CHECK(report.failed() == 0);
  // The quoted module does not parse, so it produces no binary.
  REQUIRE(seen.size() == 3);
  CHECK(seen[0] == std::pair{Expectation::Valid, size_t{1}});
  CHECK(seen[1] == std::pair{Expectation::Invalid, size_t{2}});
  CHECK(seen[2] == std::pair{Expectation::Malformed, size_t{3}});
}
