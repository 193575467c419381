// The runner with an Engine plugged in: a fake engine checks that modules are instantiated,
// names resolve, actions reach the engine and results are matched. Scripts are built by hand so
// only the decoder and validator are involved.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "runtime/wast/engine.h"
#include "runtime/wast/runner.h"

namespace {

using wcr::jit::text::Action;
using wcr::jit::text::Command;
using wcr::jit::text::ResultPattern;
using wcr::jit::text::Script;
using wcr::jit::text::ScriptModule;
using wcr::jit::text::Value;
using namespace wcr::runtime::wast;

// Every instance exports "f" returning i32 (instance id), "trap" that traps and "deep" that
// exhausts the stack. Modules with a start function (any binary longer than the header) trap.
class FakeEngine : public Engine {
 public:
  absl::StatusOr<InstantiateResult> instantiate(const wcr::jit::wasm::Module& module) override {
    InstantiateResult r;
    if (module.start) {
      r.failure = Failure::Trap;
      r.message = "unreachable executed";
      return r;
    }
    r.instance = next_++;
    return r;
  }
  absl::StatusOr<ActionResult> invoke(InstanceId instance, std::string_view field,
                                      absl::Span<const Value> args) override {
    calls.push_back(std::string(field) + "@" + std::to_string(instance));
    ActionResult r;
    if (field == "trap") {
      r.failure = Failure::Trap;
      r.message = "integer divide by zero";
    } else if (field == "deep") {
      r.failure = Failure::Exhaustion;
      r.message = "call stack exhausted";
    } else {
      Value v;
      v.type = Value::Type::I32;
      v.bits = instance;
      r.values.push_back(v);
    }
    return r;
  }
  absl::StatusOr<ActionResult> get(InstanceId instance, std::string_view field) override {
    return absl::NotFoundError("no globals here");
  }
  absl::Status registerInstance(std::string_view name, InstanceId instance) override {
    registered.push_back(std::string(name) + "=" + std::to_string(instance));
    return absl::OkStatus();
  }

  std::vector<std::string> calls;
  std::vector<std::string> registered;

 private:
  InstanceId next_ = 1;
};

const std::vector<uint8_t> kEmptyModule = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};
// (module (func) (start 0))
const std::vector<uint8_t> kStartModule = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
                                           0x01, 0x04, 0x01, 0x60, 0x00, 0x00,  // type ()->()
                                           0x03, 0x02, 0x01, 0x00,              // func 0: type 0
                                           0x08, 0x01, 0x00,                    // start 0
                                           0x0a, 0x04, 0x01, 0x02, 0x00, 0x0b};  // body: end

Command moduleCommand(std::optional<std::string> id, const std::vector<uint8_t>& binary,
                      Command::Kind kind = Command::Kind::Module) {
  Command c;
  c.kind = kind;
  c.module.emplace();
  c.module->id = std::move(id);
  c.module->binary = binary;
  return c;
}

Command invoke(Command::Kind kind, std::optional<std::string> moduleId, std::string field) {
  Command c;
  c.kind = kind;
  c.action.emplace();
  c.action->kind = Action::Kind::Invoke;
  c.action->moduleId = std::move(moduleId);
  c.action->field = std::move(field);
  return c;
}

ResultPattern i32(uint32_t v) {
  ResultPattern p;
  p.value.type = Value::Type::I32;
  p.value.bits = v;
  return p;
}

}  // namespace

TEST_CASE("an engine runs what the runner would otherwise skip", "[wast][engine]") {
  Script script;
  script.commands.push_back(moduleCommand("$a", kEmptyModule));  // instance 1
  script.commands.push_back(moduleCommand(std::nullopt, kEmptyModule));  // instance 2
  Command ret = invoke(Command::Kind::AssertReturn, std::nullopt, "f");
  ret.expected.push_back(i32(2));
  script.commands.push_back(ret);
  Command retA = invoke(Command::Kind::AssertReturn, "$a", "f");
  retA.expected.push_back(i32(1));
  script.commands.push_back(retA);
  Command wrong = invoke(Command::Kind::AssertReturn, "$a", "f");
  wrong.expected.push_back(i32(5));
  script.commands.push_back(wrong);
  Command trap = invoke(Command::Kind::AssertTrap, std::nullopt, "trap");
  trap.message = "integer divide by zero";
  script.commands.push_back(trap);
  Command deep = invoke(Command::Kind::AssertExhaustion, std::nullopt, "deep");
  deep.message = "call stack exhausted";
  script.commands.push_back(deep);
  Command reg;
  reg.kind = Command::Kind::Register;
  reg.registerName = "M";
  reg.instanceId = "$a";
  script.commands.push_back(reg);
  Command uninst = moduleCommand(std::nullopt, kStartModule, Command::Kind::AssertTrap);
  uninst.message = "unreachable";
  script.commands.push_back(uninst);
  script.commands.push_back(invoke(Command::Kind::Action, "$nope", "f"));

  FakeEngine engine;
  RunOptions options;
  options.engine = &engine;
  const ScriptReport report = runScript(script, options);
  REQUIRE(report.directives.size() == 10);
  std::vector<Outcome> outcomes;
  for (const DirectiveResult& d : report.directives) outcomes.push_back(d.outcome);
  CHECK(outcomes == std::vector<Outcome>{Outcome::Passed, Outcome::Passed, Outcome::Passed,
                                         Outcome::Passed, Outcome::Failed, Outcome::Passed,
                                         Outcome::Passed, Outcome::Passed, Outcome::Passed,
                                         Outcome::Failed});
  CHECK_THAT(report.directives[4].message, Catch::Contains("i32:0x00000001"));
  CHECK_THAT(report.directives[9].message, Catch::Contains("unknown module $nope"));
  CHECK(engine.calls == std::vector<std::string>{"f@2", "f@1", "f@1", "trap@2", "deep@2"});
  CHECK(engine.registered == std::vector<std::string>{"M=1"});
  CHECK(report.skipped() == 0);
}

TEST_CASE("a module that fails to instantiate is not the current module", "[wast][engine]") {
  Script script;
  script.commands.push_back(moduleCommand(std::nullopt, kEmptyModule));
  script.commands.push_back(moduleCommand(std::nullopt, kStartModule));  // traps in start
  script.commands.push_back(invoke(Command::Kind::Action, std::nullopt, "f"));
  FakeEngine engine;
  RunOptions options;
  options.engine = &engine;
  const ScriptReport report = runScript(script, options);
  REQUIRE(report.directives.size() == 3);
  CHECK(report.directives[0].outcome == Outcome::Passed);
  CHECK(report.directives[1].outcome == Outcome::Failed);
  CHECK(report.directives[2].outcome == Outcome::Failed);
  CHECK(engine.calls.empty());
}

TEST_CASE("without an engine the same script only validates", "[wast][engine]") {
  Script script;
  script.commands.push_back(moduleCommand(std::nullopt, kStartModule));
  script.commands.push_back(invoke(Command::Kind::AssertReturn, std::nullopt, "f"));
  script.commands.push_back(moduleCommand(std::nullopt, kStartModule, Command::Kind::AssertTrap));
  const ScriptReport report = runScript(script);
  CHECK(report.passed() == 1);
  CHECK(report.skipped() == 2);
}
