// The WAST script runner: runs a parsed Script (jit/text/script.h) directive by directive and
// records what happened to each one (passed, failed, skipped, and why).
//
// What it checks without an execution engine: module definitions decode and validate,
// assert_invalid modules are rejected, assert_malformed modules are rejected by the parser
// (quoted text), the decoder or the validator. Directives that need execution (actions,
// assert_return/trap/exhaustion, register, module instances) are skipped, never passed; modules
// of assert_unlinkable/assert_uninstantiable/assert_trap must validate and are then skipped.
// With an Engine (engine.h), the same runner instantiates modules and runs the actions.
//
// Error texts are compared with the script's expected text (substring, as the reference
// interpreter's prefix match but tolerant of our "where" prefix); a difference is recorded as
// informational and never fails a directive.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "jit/text/script.h"
#include "jit/wasm/validator.h"
#include "runtime/wast/engine.h"

namespace wcr::runtime::wast {

enum class Outcome : uint8_t { Passed, Failed, Skipped };

struct DirectiveResult {
  uint32_t line = 0;
  std::string directive;  // "module", "assert_invalid", ... ("script" for a script parse error)
  Outcome outcome = Outcome::Passed;
  std::string message;  // failed: what we got vs what was expected; skipped: why
  // Rejected (or trapped) as expected but with a different error text, described in `note`.
  // Informational only.
  bool messageMismatch = false;
  std::string note;
};

struct ScriptReport {
  std::vector<DirectiveResult> directives;

  size_t count(Outcome outcome) const;
  size_t passed() const { return count(Outcome::Passed); }
  size_t failed() const { return count(Outcome::Failed); }
  size_t skipped() const { return count(Outcome::Skipped); }
  size_t messageMismatches() const;
};

// What the script says about a module the runner produced bytes for.
enum class Expectation : uint8_t { Valid, Invalid, Malformed };
const char* toString(Expectation expectation);  // "valid", "invalid", "malformed"

// A module binary the runner produced or was given, reported through RunOptions::onModule
// before it is decoded (for `wcr wast --dump-modules` and differential tests).
struct ModuleArtifact {
  uint32_t line = 0;
  Expectation expectation = Expectation::Valid;
  jit::text::ScriptModule::Kind kind = jit::text::ScriptModule::Kind::Binary;
  absl::Span<const uint8_t> binary;
};

struct RunOptions {
  Engine* engine = nullptr;  // absent: directives that need execution are skipped
  jit::wasm::Features features;
  std::function<void(const ModuleArtifact&)> onModule;
  // Called with the outcome of every executed action (bare or asserted), for tools that record
  // what an engine did (test/tools/wast_record).
  std::function<void(const jit::text::Command&, const ActionResult&)> onAction;
};

// Runs every command of `script`; never stops early.
ScriptReport runScript(const jit::text::Script& script, const RunOptions& options = {});

// Parses `source` as a WAST script and runs it. A script that does not parse yields one failed
// "script" directive carrying the parse error.
ScriptReport runScriptSource(std::string_view source, const RunOptions& options = {});

// "module", "assert_return", ... as written in scripts.
const char* directiveName(jit::text::Command::Kind kind);

// Helpers the core and component runners share.
// Whether an error text matches the script's expected text: the reference interpreter matches a
// prefix of its own message; ours carry a location prefix, so a substring suffices.
bool messageMatches(std::string_view ours, std::string_view expected);
// The text with line breaks replaced, so reports stay one line per directive.
std::string oneLine(std::string_view text);
DirectiveResult makeResult(const jit::text::Command& command, Outcome outcome,
                           std::string message = {});

}  // namespace wcr::runtime::wast
