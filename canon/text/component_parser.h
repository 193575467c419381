// The Component Model text format (Explainer.md), encoded straight to the component binary
// format (Binary.md), and the component forms of WAST scripts. Extends jit/text: it reuses its
// lexer and Cursor, and encodes `(core module ...)` with jit/text's ModuleBuilder.
//
// Decisions:
//  - No AST: like wasm-tools' `wast` crate the parser expands abbreviations and resolves
//    identifiers, and writes bytes as it goes (component_builder.h). It does not validate: the
//    output is what `wasm-tools parse` (and `jco parse`) write, byte for byte, name sections
//    included; canon/model judges it.
//  - Scripts: `parseComponentScript` plugs a ScriptModuleHook (component forms) and a
//    ScriptValueHook (component values, script_values.h) into jit::text::parseScript. Core value
//    forms the core parser knows stay core Values at the top of an argument list or expectation:
//    `(f32.const x)` / `(f64.const x)` there are the component f32 / f64 (and `(i32.const x)`
//    / `(i64.const x)` have no component meaning); nested inside a component value they are
//    parsed as ComponentValue floats.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "jit/text/parser.h"

namespace wcr::canon::text {

// A `.wat` file whose top form is `(component ...)` (also `(component binary ...)`).
absl::StatusOr<std::vector<uint8_t>> parseComponentWat(std::string_view source);

// The text of `(component quote "...")`: the definitions of a component without `(component`.
absl::StatusOr<std::vector<uint8_t>> parseQuotedComponent(std::string_view definitions);

// Parses `(component ...)`, `(component $id ...)`, `(component definition $id? ...)`,
// `(component binary ...)` and `(component quote ...)` for jit::text::parseScript. The returned
// ScriptModule has kind Component; `(component instance $i $def)` is a ModuleInstance command
// (jit/text).
absl::StatusOr<jit::text::ScriptModule> parseScriptComponent(
    const std::vector<jit::text::Token>& tokens, size_t& pos);

// jit::text::parseScript with the component module and value hooks.
absl::StatusOr<jit::text::Script> parseComponentScript(std::string_view source);

}  // namespace wcr::canon::text
