// The WAST runner (see runner.h): per-directive dispatch, module preparation (quote parsing,
// decoding, validation) and the instance bookkeeping an Engine needs.
#include "runtime/wast/runner.h"

#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "jit/text/parser.h"
#include "jit/wasm/decoder.h"
#include "runtime/wast/value_match.h"

namespace wcr::runtime::wast {
namespace {

using jit::text::Command;
using jit::text::ScriptModule;
using jit::wasm::Module;

constexpr char kNeedsEngine[] = "needs an execution engine";

// How far a module got: the first stage that rejected it, or Ok.
enum class Stage : uint8_t { Parse, Decode, Validate, Ok, Unsupported };

const char* rejectedBy(Stage stage) {
  switch (stage) {
    case Stage::Parse: return "the text parser";
    case Stage::Decode: return "the decoder";
    case Stage::Validate: return "the validator";
    default: return "nothing";
  }
}

struct Prepared {
  Stage stage = Stage::Ok;
  std::string error;
  std::optional<Module> module;
};

class Runner {
 public:
  explicit Runner(const RunOptions& options) : options_(options) {}

  DirectiveResult run(const Command& command) {
    switch (command.kind) {
      case Command::Kind::Module:
        return runModule(command);
      case Command::Kind::AssertInvalid:
        return runRejected(command, Expectation::Invalid);
      case Command::Kind::AssertMalformed:
        return runRejected(command, Expectation::Malformed);
      case Command::Kind::AssertUnlinkable:
        return runUninstantiable(command, Failure::Unlinkable);
      case Command::Kind::AssertUninstantiable:
        return runUninstantiable(command, Failure::Trap);
      case Command::Kind::AssertTrap:
        if (command.module) return runUninstantiable(command, Failure::Trap);
        return runAction(command);
      case Command::Kind::Action:
      case Command::Kind::AssertReturn:
      case Command::Kind::AssertExhaustion:
      case Command::Kind::AssertException:
        return runAction(command);
      case Command::Kind::ModuleInstance:
        return runModuleInstance(command);
      case Command::Kind::Register:
        return runRegister(command);
    }
    return makeResult(command, Outcome::Failed, "unknown directive");
  }

 private:
  Prepared prepare(const ScriptModule& source, Expectation expectation) {
    Prepared out;
    std::vector<uint8_t> quoted;
    absl::Span<const uint8_t> bytes;
    switch (source.kind) {
      case ScriptModule::Kind::Component:
        out.stage = Stage::Unsupported;
        out.error = "components are not supported yet";
        return out;
      case ScriptModule::Kind::Quote: {
        absl::StatusOr<std::vector<uint8_t>> parsed = jit::text::parseQuotedModule(source.quote);
        if (!parsed.ok()) {
          out.stage = Stage::Parse;
          out.error = std::string(parsed.status().message());
          return out;
        }
        quoted = *std::move(parsed);
        bytes = quoted;
        break;
      }
      case ScriptModule::Kind::Binary:
        bytes = source.binary;
        break;
    }
    if (options_.onModule) {
      options_.onModule(ModuleArtifact{source.line, expectation, source.kind, bytes});
    }
    absl::StatusOr<Module> decoded = jit::wasm::decodeModule(bytes);
    if (!decoded.ok()) {
      out.stage = Stage::Decode;
      out.error = std::string(decoded.status().message());
      return out;
    }
    absl::Status valid = jit::wasm::validateModule(*decoded, options_.features);
    if (!valid.ok()) {
      out.stage = Stage::Validate;
      out.error = std::string(valid.message());
      return out;
    }
    out.module = *std::move(decoded);
    return out;
  }

  // A module that must be valid; returns the failure, or nullopt with `prepared` filled.
  std::optional<DirectiveResult> prepareValid(const Command& command, Prepared& prepared) {
    if (!command.module) return makeResult(command, Outcome::Failed, "directive has no module");
    prepared = prepare(*command.module, Expectation::Valid);
    if (prepared.stage == Stage::Unsupported) {
      return makeResult(command, Outcome::Skipped, prepared.error);
    }
    if (prepared.stage != Stage::Ok) {
      return makeResult(command, Outcome::Failed,
                        absl::StrCat("module rejected by ", rejectedBy(prepared.stage), ": ",
                                     prepared.error));
    }
    return std::nullopt;
  }

  DirectiveResult runModule(const Command& command) {
    Prepared prepared;
    if (auto failed = prepareValid(command, prepared)) {
      forgetCurrent(command);
      return *failed;
    }
    if (!options_.engine) return makeResult(command, Outcome::Passed);
    const ScriptModule& source = *command.module;
    if (source.isDefinition) {
      if (source.id) definitions_.insert_or_assign(*source.id, *prepared.module);
      return makeResult(command, Outcome::Passed);
    }
    return instantiateAndBind(command, *prepared.module, source.id);
  }

  DirectiveResult runRejected(const Command& command, Expectation expectation) {
    const char* want = toString(expectation);
    if (!command.module) return makeResult(command, Outcome::Failed, "directive has no module");
    Prepared prepared = prepare(*command.module, expectation);
    if (prepared.stage == Stage::Unsupported) {
      return makeResult(command, Outcome::Skipped, prepared.error);
    }
    if (prepared.stage == Stage::Ok) {
      return makeResult(command, Outcome::Failed,
                        absl::StrFormat("expected %s (\"%s\"), but the module was accepted", want,
                                        command.message));
    }
    DirectiveResult result = makeResult(command, Outcome::Passed);
    if (!messageMatches(prepared.error, command.message)) {
      result.messageMismatch = true;
      result.note = oneLine(absl::StrFormat("expected %s \"%s\", rejected by %s: %s", want,
                                            command.message, rejectedBy(prepared.stage),
                                            prepared.error));
    }
    return result;
  }

  // assert_unlinkable, assert_uninstantiable, assert_trap on a module: the module must validate;
  // instantiating it must then fail with `expected`.
  DirectiveResult runUninstantiable(const Command& command, Failure expected) {
    Prepared prepared;
    if (auto failed = prepareValid(command, prepared)) return *failed;
    if (!options_.engine) {
      return makeResult(command, Outcome::Skipped,
                        absl::StrCat("module validates; instantiation ", kNeedsEngine));
    }
    absl::StatusOr<InstantiateResult> result = options_.engine->instantiate(*prepared.module);
    if (!result.ok()) {
      return makeResult(command, Outcome::Failed,
                        absl::StrCat("engine error: ", result.status().message()));
    }
    if (result->failure != expected) {
      return makeResult(command, Outcome::Failed,
                        absl::StrFormat("expected %s (\"%s\"), got %s", failureName(expected),
                                        command.message, describe(result->failure,
                                                                  result->message)));
    }
    return expectedFailure(command, result->message);
  }

  DirectiveResult runModuleInstance(const Command& command) {
    if (!options_.engine) return makeResult(command, Outcome::Skipped, kNeedsEngine);
    if (!command.definitionId) return makeResult(command, Outcome::Failed, "no module definition");
    auto it = definitions_.find(*command.definitionId);
    if (it == definitions_.end()) {
      return makeResult(command, Outcome::Failed,
                        absl::StrCat("unknown module definition ", *command.definitionId));
    }
    return instantiateAndBind(command, it->second, command.instanceId);
  }

  DirectiveResult runRegister(const Command& command) {
    if (!options_.engine) return makeResult(command, Outcome::Skipped, kNeedsEngine);
    const std::optional<std::string>& id =
        command.instanceId ? command.instanceId : command.definitionId;
    absl::StatusOr<InstanceId> instance = resolve(id);
    if (!instance.ok()) {
      return makeResult(command, Outcome::Failed, std::string(instance.status().message()));
    }
    absl::Status status = options_.engine->registerInstance(command.registerName, *instance);
    if (!status.ok()) {
      return makeResult(command, Outcome::Failed, absl::StrCat("register: ", status.message()));
    }
    return makeResult(command, Outcome::Passed);
  }

  DirectiveResult runAction(const Command& command) {
    if (!options_.engine) return makeResult(command, Outcome::Skipped, kNeedsEngine);
    if (!command.action) return makeResult(command, Outcome::Failed, "directive has no action");
    const jit::text::Action& action = *command.action;
    absl::StatusOr<InstanceId> instance = resolve(action.moduleId);
    if (!instance.ok()) {
      return makeResult(command, Outcome::Failed, std::string(instance.status().message()));
    }
    absl::StatusOr<ActionResult> result =
        action.kind == jit::text::Action::Kind::Invoke
            ? options_.engine->invoke(*instance, action.field, action.args)
            : options_.engine->get(*instance, action.field);
    if (!result.ok()) {
      return makeResult(command, Outcome::Failed,
                        absl::StrCat("engine error: ", result.status().message()));
    }
    if (options_.onAction) options_.onAction(command, *result);
    switch (command.kind) {
      case Command::Kind::AssertTrap:
        return expectOutcome(command, *result, Failure::Trap);
      case Command::Kind::AssertExhaustion:
        return expectOutcome(command, *result, Failure::Exhaustion);
      case Command::Kind::AssertException:
        if (result->failure != Failure::Exception) {
          return makeResult(command, Outcome::Failed,
                            absl::StrCat("expected an exception, got ",
                                         result->failure == Failure::None
                                             ? absl::StrCat("results ", formatValues(result->values))
                                             : describe(result->failure, result->message)));
        }
        return makeResult(command, Outcome::Passed);
      case Command::Kind::AssertReturn:
        if (result->failure != Failure::None) {
          return makeResult(command, Outcome::Failed,
                            absl::StrCat("expected ", formatPatterns(command.expected), ", got ",
                                         describe(result->failure, result->message)));
        }
        if (!matchesAll(command.expected, result->values)) {
          return makeResult(command, Outcome::Failed,
                            absl::StrCat("expected ", formatPatterns(command.expected), ", got ",
                                         formatValues(result->values)));
        }
        return makeResult(command, Outcome::Passed);
      default:  // a bare action only has to complete
        if (result->failure != Failure::None) {
          return makeResult(command, Outcome::Failed, describe(result->failure, result->message));
        }
        return makeResult(command, Outcome::Passed);
    }
  }

  DirectiveResult expectOutcome(const Command& command, const ActionResult& result,
                                Failure expected) {
    if (result.failure != expected) {
      const std::string got = result.failure == Failure::None
                                  ? absl::StrCat("results ", formatValues(result.values))
                                  : describe(result.failure, result.message);
      return makeResult(command, Outcome::Failed,
                        absl::StrFormat("expected %s (\"%s\"), got %s", failureName(expected),
                                        command.message, got));
    }
    return expectedFailure(command, result.message);
  }

  // The expected kind of failure happened; compares the text.
  static DirectiveResult expectedFailure(const Command& command, std::string_view message) {
    DirectiveResult out = makeResult(command, Outcome::Passed);
    if (!messageMatches(message, command.message)) {
      out.messageMismatch = true;
      out.note = oneLine(absl::StrFormat("expected \"%s\", got \"%s\"", command.message, message));
    }
    return out;
  }

  DirectiveResult instantiateAndBind(const Command& command, const Module& module,
                                     const std::optional<std::string>& id) {
    absl::StatusOr<InstantiateResult> result = options_.engine->instantiate(module);
    if (!result.ok() || result->failure != Failure::None) {
      forgetCurrent(command);
      const std::string why = result.ok()
                                  ? describe(result->failure, result->message)
                                  : absl::StrCat("engine error: ", result.status().message());
      return makeResult(command, Outcome::Failed, absl::StrCat("instantiation failed: ", why));
    }
    current_ = result->instance;
    if (id) instances_.insert_or_assign(*id, result->instance);
    return makeResult(command, Outcome::Passed);
  }

  // Later actions must not silently run against an older module.
  void forgetCurrent(const Command& command) {
    current_.reset();
    if (command.module && command.module->id) instances_.erase(*command.module->id);
    if (command.instanceId) instances_.erase(*command.instanceId);
  }

  absl::StatusOr<InstanceId> resolve(const std::optional<std::string>& id) const {
    if (!id) {
      if (!current_) return absl::FailedPreconditionError("no current module instance");
      return *current_;
    }
    auto it = instances_.find(*id);
    if (it == instances_.end()) return absl::NotFoundError(absl::StrCat("unknown module ", *id));
    return it->second;
  }

  static const char* failureName(Failure failure) {
    switch (failure) {
      case Failure::None: return "success";
      case Failure::Unlinkable: return "unlinkable";
      case Failure::Trap: return "trap";
      case Failure::Exhaustion: return "exhaustion";
      case Failure::Exception: return "exception";
    }
    return "?";
  }

  static std::string describe(Failure failure, std::string_view message) {
    if (failure == Failure::None) return "success";
    return absl::StrFormat("%s \"%s\"", failureName(failure), message);
  }

  const RunOptions& options_;
  std::optional<InstanceId> current_;
  absl::flat_hash_map<std::string, InstanceId> instances_;
  absl::flat_hash_map<std::string, Module> definitions_;
};

}  // namespace

// The reference interpreter matches the expected text as a prefix of its own message; ours
// carry a location prefix ("func 3 at offset 0x1f: type mismatch"), so a substring suffices.
bool messageMatches(std::string_view ours, std::string_view expected) {
  const absl::string_view haystack(ours.data(), ours.size());
  return expected.empty() ||
         absl::StrContains(haystack, absl::string_view(expected.data(), expected.size()));
}

// Keeps reports one line per directive.
std::string oneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

DirectiveResult makeResult(const Command& command, Outcome outcome, std::string message) {
  DirectiveResult result;
  result.line = command.line;
  result.directive = directiveName(command.kind);
  result.outcome = outcome;
  result.message = oneLine(message);
  return result;
}

size_t ScriptReport::count(Outcome outcome) const {
  size_t n = 0;
  for (const DirectiveResult& d : directives) n += d.outcome == outcome;
  return n;
}

size_t ScriptReport::messageMismatches() const {
  size_t n = 0;
  for (const DirectiveResult& d : directives) n += d.messageMismatch;
  return n;
}

const char* toString(Expectation expectation) {
  switch (expectation) {
    case Expectation::Valid: return "valid";
    case Expectation::Invalid: return "invalid";
    case Expectation::Malformed: return "malformed";
  }
  return "?";
}

const char* directiveName(Command::Kind kind) {
  switch (kind) {
    case Command::Kind::Module: return "module";
    case Command::Kind::ModuleInstance: return "module instance";
    case Command::Kind::Register: return "register";
    case Command::Kind::Action: return "action";
    case Command::Kind::AssertReturn: return "assert_return";
    case Command::Kind::AssertTrap: return "assert_trap";
    case Command::Kind::AssertExhaustion: return "assert_exhaustion";
    case Command::Kind::AssertException: return "assert_exception";
    case Command::Kind::AssertMalformed: return "assert_malformed";
    case Command::Kind::AssertInvalid: return "assert_invalid";
    case Command::Kind::AssertUnlinkable: return "assert_unlinkable";
    case Command::Kind::AssertUninstantiable: return "assert_uninstantiable";
  }
  return "?";
}

ScriptReport runScript(const jit::text::Script& script, const RunOptions& options) {
  Runner runner(options);
  ScriptReport report;
  report.directives.reserve(script.commands.size());
  for (const Command& command : script.commands) report.directives.push_back(runner.run(command));
  return report;
}

ScriptReport runScriptSource(std::string_view source, const RunOptions& options) {
  absl::StatusOr<jit::text::Script> script = jit::text::parseScript(source);
  if (!script.ok()) {
    ScriptReport report;
    DirectiveResult failed;
    failed.directive = "script";
    failed.outcome = Outcome::Failed;
    failed.message = oneLine(absl::StrCat("script does not parse: ", script.status().message()));
    report.directives.push_back(std::move(failed));
    return report;
  }
  return runScript(*script, options);
}

}  // namespace wcr::runtime::wast
