// The WAST script language: what jit/text parses out of a `.wast` file and runtime/wast runs.
//
// Decision: module forms are parsed eagerly into binaries here (text modules are encoded with the
// binary encoder), except `(module quote ...)`, whose text is kept so that a malformed quoted
// module is an assertion result and not a script error. Component forms (canon/text) plug in
// through ScriptModule::Kind::Component and the module hook in parser.h.
//
// Decision: values this layer does not know (the Component Model's `(u8.const 1)`,
// `(record.const ...)`, ...) are parsed by a value hook (parser.h) into an ExtensionValue that
// the hook's layer defines and interprets; jit/text only carries it. A Value with `extension`
// set is such a value and its `type` is meaningless.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace wcr::jit::text {

struct ScriptModule {
  // Component: `binary` holds the component, or, with `componentQuote`, `quote` holds the text
  // of `(component quote ...)` (parsed when the script runs, like a quoted module).
  enum class Kind : uint8_t { Binary, Quote, Component } kind = Kind::Binary;
  bool componentQuote = false;
  std::optional<std::string> id;  // $name, if given
  bool isDefinition = false;      // `(module definition ...)`: defined, not instantiated
  std::vector<uint8_t> binary;    // Binary (from text, or from `(module binary ...)`) and Component
  std::string quote;              // Quote: the concatenated module text (inside `(module ...)`)
  uint32_t line = 0;
};

// A value parsed by a later layer's value hook (parser.h); that layer downcasts it.
struct ExtensionValue {
  virtual ~ExtensionValue() = default;
};

// A wasm value as written in a script: `(i32.const 1)`, `(v128.const i8x16 ...)`, `(ref.null func)`,
// `(ref.extern 1)`.
struct Value {
  enum class Type : uint8_t { I32, I64, F32, F64, V128, FuncRef, ExternRef, ExnRef } type = Type::I32;
  uint64_t bits = 0;                  // I32/I64 value, F32/F64 bit pattern, extern ref payload
  std::array<uint8_t, 16> v128{};     // V128 bytes, little-endian
  bool isNull = false;                // FuncRef / ExternRef / ExnRef: ref.null
  std::shared_ptr<const ExtensionValue> extension;  // set: a value of the value hook's layer
};

// An expected result of assert_return.
struct ResultPattern {
  enum class Kind : uint8_t {
    Exact,          // value must be equal bit for bit (floats: same bits)
    NanCanonical,   // f32/f64 nan:canonical
    NanArithmetic,  // f32/f64 nan:arithmetic
    V128Lanes,      // v128 with per-lane patterns (lanes may be nan:canonical/arithmetic)
    RefNull,        // (ref.null func|extern)
    RefExtern,      // (ref.extern N)
    RefFunc,        // (ref.func): any non-null funcref
    Either,         // (either p1 p2 ...): one must match (wasm 3.0 scripts)
  } kind = Kind::Exact;
  Value value;  // Exact, RefExtern (bits = payload), RefNull (type)
  // V128Lanes: shape as lane count and type, and one pattern per lane.
  Value::Type laneType = Value::Type::I32;
  std::vector<ResultPattern> lanes;
  std::vector<ResultPattern> alternatives;  // Either
};

struct Action {
  enum class Kind : uint8_t { Invoke, Get } kind = Kind::Invoke;
  std::optional<std::string> moduleId;  // `$name` of a module instance, else the current one
  std::string field;                    // export name (decoded)
  std::vector<Value> args;              // Invoke only
};

struct Command {
  enum class Kind : uint8_t {
    Module,               // module: define (and instantiate unless isDefinition)
    ModuleInstance,       // (module instance $inst $def)
    Register,             // (register "name" $mod?)
    Action,               // a bare (invoke ...) / (get ...)
    AssertReturn,
    AssertTrap,           // on action, or on module (instantiation traps)
    AssertExhaustion,
    AssertException,      // on action: a wasm exception escapes it
    AssertMalformed,
    AssertInvalid,
    AssertUnlinkable,
    AssertUninstantiable,
  } kind = Kind::Module;
  uint32_t line = 0;
  std::optional<ScriptModule> module;  // Module, Assert* on modules, AssertTrap on a module
  std::optional<Action> action;  // Action, AssertReturn, AssertTrap, AssertExhaustion, AssertException
  std::vector<ResultPattern> expected; // AssertReturn
  std::string message;                 // expected failure text of assertions
  std::string registerName;            // Register
  std::optional<std::string> instanceId, definitionId;  // ModuleInstance; Register's module id
};

struct Script {
  std::vector<Command> commands;
};

}  // namespace wcr::jit::text
