// Component values in WAST scripts: invoke arguments and assert_return expectations such as
// `(u8.const 1)`, `(str.const "x")`, `(record.const (field "a" u32.const 1))`,
// `(variant.const "c" (u8.const 0))`, `(option.some ...)`, `(result.err ...)`,
// `(flags.const "a" "b")`. jit/text carries them as opaque ExtensionValues (script.h); runners
// downcast to ComponentValue. A record field's value may be written with or without its own
// parentheses: `(field "a" u32.const 1)` and `(field "a" (u32.const 1))` mean the same.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "jit/text/lexer.h"
#include "jit/text/script.h"

namespace wcr::canon::text {

struct ComponentValue : jit::text::ExtensionValue {
  enum class Kind : uint8_t {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    List,
    Record,
    Tuple,
    Variant,
    Enum,
    Option,
    Result,
    Flags,
  };
  Kind kind = Kind::Bool;
  // Bool (0/1), integers (two's complement, zero-extended to 64 bits), F32/F64 bit patterns,
  // Char (the code point).
  uint64_t bits = 0;
  // String (UTF-8), Variant case label, Enum case label.
  std::string text;
  // Record field labels (parallel to `elements`), Flags labels.
  std::vector<std::string> labels;
  // List / Record / Tuple elements; Variant, Option (some) and Result payloads (0 or 1 element).
  std::vector<ComponentValue> elements;
  // Option: `some`; Result: `ok`.
  bool present = false;
};

// Parses the component value at the `(` at `pos`; advances `pos` past its `)`. NotFoundError when
// the form is not a component value (a ScriptValueHook, jit/text/parser.h).
absl::StatusOr<std::shared_ptr<const jit::text::ExtensionValue>> parseComponentValue(
    const std::vector<jit::text::Token>& tokens, size_t& pos);

// The value as the script writes it, e.g. `(record.const (field "a" (u32.const 1)))`.
std::string toString(const ComponentValue& value);

}  // namespace wcr::canon::text
