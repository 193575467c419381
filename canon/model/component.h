// The component IR: one decoded component binary, definition by definition, as Binary.md lays it
// out. Indices are the binary's own (per index space, in definition order); the validator
// (validator.h) resolves them into interned types (types.h) and records, per index space, the
// type of every entry in ComponentInfo, which the canonical ABI, linking and the public API
// read instead of re-deriving anything.
//
// Decision: definitions are kept in one ordered list (`definitions`), since a component's
// sections interleave freely and order is meaning (each definition sees only what precedes it).
// Each definition kind has its own vector and the ordered list holds (kind, position) pairs, so
// a consumer can either walk everything in order or look at one kind at a time. Nested
// components and type declarators are recursive through vectors (allowed for incomplete types).
// Core modules are kept as their bytes plus the decoded jit::wasm::Module.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "canon/model/types.h"
#include "jit/wasm/module.h"
#include "jit/wasm/types.h"

namespace wcr::canon::model {

// --- Sorts
// -----------------------------------------------------------------------------------------

enum class CoreSort : uint8_t {
  Func = 0x00,
  Table = 0x01,
  Memory = 0x02,
  Global = 0x03,
  Tag = 0x04,
  Type = 0x10,
  Module = 0x11,
  Instance = 0x12,
};
const char* toString(CoreSort sort);  // "func", "table", ..., "module", "instance"

// A component-level sort; `Core` carries a CoreSort.
struct Sort {
  enum Kind : uint8_t { Core = 0, Func = 1, Value = 2, Type = 3, Component = 4, Instance = 5 };
  Kind kind = Func;
  CoreSort core = CoreSort::Func;  // kind == Core
  bool operator==(const Sort&) const = default;
};
std::string toString(Sort sort);  // "func", "core module", ...

struct SortIndex {
  Sort sort;
  uint32_t index = 0;
};

// --- Raw (binary-level) types
// ----------------------------------------------------------------------

// A valtype as written: a primitive or a type index into the enclosing type index space.
struct RawValType {
  bool isPrimitive = true;
  PrimType prim = PrimType::Bool;
  uint32_t index = 0;
  static RawValType primitive(PrimType p) { return {true, p, 0}; }
  static RawValType typeIndex(uint32_t i) { return {false, PrimType::Bool, i}; }
};

struct RawField {
  std::string name;
  RawValType type;
};
struct RawCase {
  std::string name;
  std::optional<RawValType> type;
  std::optional<uint32_t> refines;  // pre-standard `refines` index, must be absent
};

// defvaltype: kind selects which members are meaningful (as in DefinedType, types.h).
struct RawDefinedType {
  DefinedKind kind = DefinedKind::Record;
  PrimType prim = PrimType::Bool;   // kind == Primitive
  std::vector<RawField> fields;     // Record
  std::vector<RawCase> cases;       // Variant
  std::vector<RawValType> types;    // Tuple
  std::vector<std::string> labels;  // Flags, Enum
  std::optional<RawValType>
      first;  // List, FixedList, Option, Stream, Future elem; Result ok; Map key
  std::optional<RawValType> second;  // Result err; Map value
  uint32_t length = 0;               // FixedList
  uint32_t resource = 0;             // Own, Borrow: type index
};

struct RawFuncType {
  bool async = false;
  std::vector<RawField> params;
  std::optional<RawValType> result;
};

struct RawResourceType {
  jit::wasm::ValType rep = jit::wasm::kI32;
  std::optional<uint32_t> dtor;  // core func index
};

// Core extern types, used by core module types (imports and exports).
struct CoreExternType {
  jit::wasm::ExternKind kind = jit::wasm::ExternKind::Func;
  bool isTag = false;            // tag (exceptions): funcType holds its type index
  uint32_t funcType = 0;         // Func / tag: core type index
  jit::wasm::TableType table;    // Table
  jit::wasm::MemoryType memory;  // Memory
  jit::wasm::GlobalType global;  // Global
};

struct RawModuleDecl;
// core:type: a core function type or a module type.
struct RawCoreType {
  bool isModule = false;
  jit::wasm::FuncType func;                // !isModule
  std::vector<RawModuleDecl> moduleDecls;  // isModule
  size_t offset = 0;
};
struct RawModuleDecl {
  enum Kind : uint8_t { Import = 0, Type = 1, Alias = 2, Export = 3 };
  Kind kind = Import;
  std::string module;                       // Import
  std::string name;                         // Import, Export
  CoreExternType type;                      // Import, Export
  std::vector<RawCoreType> coreType;        // Type: exactly one
  uint32_t outerCount = 0, outerIndex = 0;  // Alias (outer, core type)
};

// Names of imports and exports with their attributes.
struct ExternName {
  std::string name;
  std::optional<std::string> implements;     // 🏷️ (implements "iface")
  std::optional<std::string> versionSuffix;  // 🔗
  std::optional<std::string> externalId;     // 🏷️
  uint8_t encoding = 0;                      // 0x00 / 0x01 / 0x02 form
};

// externtype / typebound / valuebound as written.
struct RawExternType {
  Sort::Kind kind = Sort::Func;  // Core means `core module`
  uint32_t index = 0;            // type index (module, func, component, instance), eq bound index
  bool subResource = false;      // Type: (sub resource) rather than (eq index)
  bool valueEq = false;          // Value: (eq valueidx) rather than a valtype
  RawValType valType;            // Value with !valueEq
};

struct RawTypeDef;
struct Alias {
  enum Kind : uint8_t { InstanceExport = 0, CoreInstanceExport = 1, Outer = 2 };
  Kind kind = InstanceExport;
  Sort sort;
  uint32_t instance = 0;  // (core) instance index for exports
  std::string name;       // export name
  uint32_t outerCount = 0, outerIndex = 0;
  size_t offset = 0;
};

// Declarators of component and instance types.
struct Declarator {
  enum Kind : uint8_t { CoreType = 0x00, Type = 0x01, Alias = 0x02, Import = 0x03, Export = 0x04 };
  Kind kind = Type;
  std::vector<RawCoreType> coreType;  // CoreType: exactly one
  std::vector<RawTypeDef> type;       // Type: exactly one
  model::Alias alias;                 // Alias
  ExternName name;                    // Import, Export
  RawExternType externType;           // Import, Export
  size_t offset = 0;
};

// deftype.
struct RawTypeDef {
  enum Kind : uint8_t { Defined, Func, Component, Instance, Resource };
  Kind kind = Defined;
  RawDefinedType defined;
  RawFuncType func;
  std::vector<Declarator> decls;  // Component, Instance
  RawResourceType resource;
  size_t offset = 0;
};

// --- Definitions
// ---------------------------------------------------------------------------------------

struct CoreModuleDef {
  std::shared_ptr<const std::vector<uint8_t>> bytes;  // the module's own binary
  jit::wasm::Module module;
  size_t offset = 0;
};

struct CoreInstantiateArg {
  std::string name;
  uint32_t instance = 0;  // core instance index (the only sort allowed)
  CoreSort sort = CoreSort::Instance;
};
struct CoreInlineExport {
  std::string name;
  CoreSort sort = CoreSort::Func;
  uint32_t index = 0;
};
struct CoreInstanceDef {
  bool instantiate = true;
  uint32_t module = 0;
  std::vector<CoreInstantiateArg> args;   // instantiate
  std::vector<CoreInlineExport> exports;  // from exports
  size_t offset = 0;
};

struct InstantiateArg {
  std::string name;
  SortIndex item;
};
struct InlineExport {
  ExternName name;
  SortIndex item;
};
struct InstanceDef {
  bool instantiate = true;
  uint32_t component = 0;
  std::vector<InstantiateArg> args;
  std::vector<InlineExport> exports;
  size_t offset = 0;
};

enum class StringEncoding : uint8_t { Utf8, Utf16, Latin1Utf16 };
const char* toString(StringEncoding e);  // "utf8", "utf16", "latin1-utf16"

struct CanonOpt {
  enum Kind : uint8_t {
    Utf8 = 0,
    Utf16 = 1,
    Latin1Utf16 = 2,
    Memory = 3,
    Realloc = 4,
    PostReturn = 5,
    Async = 6,
    Callback = 7
  };
  Kind kind = Utf8;
  uint32_t index = 0;  // Memory, Realloc, PostReturn, Callback
};

// Every canon definition of Binary.md. The opcode names the built-in; the members it uses are
// listed next to each.
enum class CanonKind : uint8_t {
  Lift = 0x00,          // coreFunc, opts, type
  Lower = 0x01,         // func, opts
  ResourceNew = 0x02,   // type
  ResourceDrop = 0x03,  // type
  ResourceRep = 0x04,   // type
  TaskCancel = 0x05,
  SubtaskCancel = 0x06,  // async
  TaskReturn = 0x09,     // result, opts
  ContextGet = 0x0a,     // coreValType, index
  ContextSet = 0x0b,     // coreValType, index
  ThreadYield = 0x0c,    // cancellable
  SubtaskDrop = 0x0d,
  StreamNew = 0x0e,                 // type
  StreamRead = 0x0f,                // type, opts
  StreamWrite = 0x10,               // type, opts
  StreamCancelRead = 0x11,          // type, async
  StreamCancelWrite = 0x12,         // type, async
  StreamDropReadable = 0x13,        // type
  StreamDropWritable = 0x14,        // type
  FutureNew = 0x15,                 // type
  FutureRead = 0x16,                // type, opts
  FutureWrite = 0x17,               // type, opts
  FutureCancelRead = 0x18,          // type, async
  FutureCancelWrite = 0x19,         // type, async
  FutureDropReadable = 0x1a,        // type
  FutureDropWritable = 0x1b,        // type
  ErrorContextNew = 0x1c,           // opts
  ErrorContextDebugMessage = 0x1d,  // opts
  ErrorContextDrop = 0x1e,
  WaitableSetNew = 0x1f,
  WaitableSetWait = 0x20,  // cancellable, memory
  WaitableSetPoll = 0x21,  // cancellable, memory
  WaitableSetDrop = 0x22,
  WaitableJoin = 0x23,
  BackpressureInc = 0x24,
  BackpressureDec = 0x25,
  ThreadIndex = 0x26,
  ThreadNewIndirect = 0x27,  // type (core type index), table
  ThreadResumeLater = 0x28,
  ThreadSuspend = 0x29,               // cancellable
  ThreadSuspendThenResume = 0x2a,     // cancellable
  ThreadYieldThenResume = 0x2b,       // cancellable
  ThreadSuspendThenPromote = 0x2c,    // cancellable
  ThreadYieldThenPromote = 0x2d,      // cancellable
  ThreadSpawnRef = 0x40,              // shared, type (core type index)
  ThreadSpawnIndirect = 0x41,         // shared, type (core type index), table
  ThreadAvailableParallelism = 0x42,  // shared
};
const char* toString(CanonKind kind);  // "lift", "resource.new", "waitable-set.wait", ...

struct CanonDef {
  CanonKind kind = CanonKind::Lift;
  uint32_t func = 0;    // Lift: core func; Lower: component func
  uint32_t type = 0;    // Lift: func type; resource/stream/future built-ins; thread core type
  uint32_t table = 0;   // thread.new-indirect / spawn-indirect
  uint32_t memory = 0;  // waitable-set.wait / poll
  uint32_t index = 0;   // context.get / set slot
  jit::wasm::ValType coreValType = jit::wasm::kI32;  // context.get / set
  bool async = false;                                // subtask.cancel, *.cancel-read/write
  bool cancellable = false;                          // waitable-set.wait/poll, thread.*
  bool shared = false;                               // thread.spawn-*
  std::optional<RawValType> result;                  // task.return (resultlist)
  std::vector<CanonOpt> opts;
  size_t offset = 0;
  // True for the definitions that add a component function (lift); all others add a core func.
  bool definesComponentFunc() const { return kind == CanonKind::Lift; }
};

struct StartDef {
  uint32_t func = 0;
  std::vector<uint32_t> args;
  uint32_t results = 0;
  size_t offset = 0;
};

struct ImportDef {
  ExternName name;
  RawExternType type;
  size_t offset = 0;
};

struct ExportDef {
  ExternName name;
  SortIndex item;
  std::optional<RawExternType> type;  // ascribed type
  size_t offset = 0;
};

// 🪙 value definitions are decoded as their type and raw bytes (validation is the embedder's).
struct ValueDef {
  RawValType type;
  std::vector<uint8_t> bytes;
  size_t offset = 0;
};

struct CustomSection {
  std::string name;
  std::vector<uint8_t> bytes;
  size_t offset = 0;
};

// The component-name section, best effort (its validity is not required).
struct ComponentNames {
  std::optional<std::string> component;
  // (sort, index) -> name
  std::vector<std::pair<SortIndex, std::string>> names;
};

struct Component;

// One entry of the ordered definition list.
struct Definition {
  enum Kind : uint8_t {
    CoreModule,
    CoreInstance,
    CoreType,
    Component,
    Instance,
    Alias,
    Type,
    Canon,
    Start,
    Import,
    Export,
    Value
  };
  Kind kind = CoreModule;
  uint32_t position = 0;  // index into the vector of that kind in Component
};

struct ComponentInfo;

struct Component {
  std::vector<Definition> definitions;  // in binary order
  std::vector<CoreModuleDef> coreModules;
  std::vector<CoreInstanceDef> coreInstances;
  std::vector<RawCoreType> coreTypes;
  std::vector<model::Component> components;
  std::vector<InstanceDef> instances;
  std::vector<model::Alias> aliases;
  std::vector<RawTypeDef> types;
  std::vector<CanonDef> canons;
  std::vector<StartDef> starts;
  std::vector<ImportDef> imports;
  std::vector<ExportDef> exports;
  std::vector<ValueDef> values;
  std::vector<CustomSection> customs;
  ComponentNames names;
  size_t offset = 0;  // of the preamble within the outermost binary
  size_t size = 0;

  // Filled by validateComponent: the types of every index space entry (validator.h).
  std::shared_ptr<ComponentInfo> info;
};

}  // namespace wcr::canon::model
