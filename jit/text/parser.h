// Parsers of the core text format: a module in WAT, and WAST scripts (script.h).
// Every error names line and column and uses the spec suite's wording where it has one
// ("unknown operator", "unexpected token", "constant out of range", "unknown label",
// "inline function type", "alignment", "i32 constant", ...).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "jit/text/lexer.h"
#include "jit/text/script.h"

namespace wcr::jit::text {

// Parses a whole `.wat` file: either `(module ...)` or, as an abbreviation, bare module fields.
// Returns the binary encoding. `(module binary ...)` yields its bytes as given.
absl::StatusOr<std::vector<uint8_t>> parseWat(std::string_view source);

// The tokens of `(module quote "...")`'s text are module fields (without `(module`); parses them.
absl::StatusOr<std::vector<uint8_t>> parseQuotedModule(std::string_view fields);

// A hook that lets a later layer parse extra module forms in scripts, e.g. `(component ...)`.
// Called with the tokens and the index of the `(`; returns the module and advances `pos` past
// the closing `)`; returns NotFoundError when the form is not one it knows.
using ScriptModuleHook = std::function<absl::StatusOr<ScriptModule>(
    const std::vector<Token>& tokens, size_t& pos)>;

// A hook for script values jit/text does not know (component values such as `(u8.const 1)`):
// called at the `(` of the value; returns the value and advances `pos` past its `)`; returns
// NotFoundError when the form is not one it knows. Used for invoke arguments and expected results.
using ScriptValueHook = std::function<absl::StatusOr<std::shared_ptr<const ExtensionValue>>(
    const std::vector<Token>& tokens, size_t& pos)>;

absl::StatusOr<Script> parseScript(std::string_view source, const ScriptModuleHook& hook = {},
                                   const ScriptValueHook& valueHook = {});

}  // namespace wcr::jit::text
