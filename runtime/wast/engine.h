// The execution interface the WAST runner drives: instantiate a validated module, invoke or read
// its exports, register its exports under a name. No implementation exists yet; without one the
// runner only decodes and validates, and counts every directive that needs execution as skipped.
//
// Decision: the runner owns the script's bookkeeping (current module, `$name`s, definitions,
// result matching) and an Engine only executes; a JIT-backed engine plugs in by implementing this
// class, and the runner does not change. The engine provides the `spectest` module itself.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "jit/text/script.h"
#include "jit/wasm/module.h"

namespace wcr::runtime::wast {

// Names one instance inside an Engine.
using InstanceId = uint32_t;

// Why an engine operation did not complete normally. These are outcomes a script can assert
// (assert_unlinkable, assert_trap, assert_exhaustion, assert_exception), not errors of the engine itself.
enum class Failure : uint8_t {
  None,
  Unlinkable,  // an import is missing or has the wrong type
  Trap,        // a trap (during the start function, or in an invoked function)
  Exhaustion,  // call stack exhausted
  Exception,   // a wasm exception left the invoked function (assert_exception)
};

struct InstantiateResult {
  Failure failure = Failure::None;
  std::string message;   // the trap or link error text, when failure != None
  InstanceId instance = 0;
};

struct ActionResult {
  Failure failure = Failure::None;
  std::string message;
  std::vector<jit::text::Value> values;  // the results (invoke) or the global's value (get)
};

class Engine {
 public:
  virtual ~Engine() = default;

  // Instantiates a module that already passed validation, resolving its imports against the
  // registered names and `spectest`. A non-OK status means the engine could not do its job
  // (an unsupported feature, an internal error), which fails the directive.
  virtual absl::StatusOr<InstantiateResult> instantiate(const jit::wasm::Module& module) = 0;

  virtual absl::StatusOr<ActionResult> invoke(InstanceId instance, std::string_view field,
                                              absl::Span<const jit::text::Value> args) = 0;

  // Reads the exported global `field`.
  virtual absl::StatusOr<ActionResult> get(InstanceId instance, std::string_view field) = 0;

  // Makes the exports of `instance` importable under the module name `name`.
  virtual absl::Status registerInstance(std::string_view name, InstanceId instance) = 0;
};

}  // namespace wcr::runtime::wast
