// Component Model types as data: value types (primitive and defined), function types, resource
// types, instance and component types, core module types, all held in a TypeTable and referred
// to by small typed ids.
//
// Decision (after wasmparser/wasmtime-environ): every type *definition* gets its own id, and
// every defined value type and function type also records `canonical`, the id of a hash-consed
// representative whose children are canonical too. Structural type equality is then equality of
// canonical ids (O(1)), while the per-definition ids keep the identity that the rules of
// external visibility need ("the typeidx introduced by the export is named, the one passed in is
// not"). Resources work the same way: a ResourceId is one *alias* of a resource, `canonical`
// is the resource itself; generativity is allocating a fresh canonical resource.
//
// Instance and component types are not interned; their subtyping (subtyping.cc) walks names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "jit/wasm/types.h"

namespace wcr::canon::model {

// A typed index into one vector of the TypeTable.
template <typename Tag>
struct Id {
  static constexpr uint32_t kInvalid = 0xFFFFFFFF;
  uint32_t index = kInvalid;
  constexpr bool valid() const { return index != kInvalid; }
  constexpr bool operator==(const Id&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const Id& id) {
    return H::combine(std::move(h), id.index);
  }
};
using DefinedTypeId = Id<struct DefinedTypeTag>;
using FuncTypeId = Id<struct FuncTypeTag>;
using ResourceId = Id<struct ResourceTag>;
using InstanceTypeId = Id<struct InstanceTypeTag>;
using ComponentTypeId = Id<struct ComponentTypeTag>;
using ModuleTypeId = Id<struct ModuleTypeTag>;
using CoreInstanceTypeId = Id<struct CoreInstanceTypeTag>;

enum class PrimType : uint8_t {
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
  ErrorContext
};
const char* toString(PrimType p);  // "bool", "u32", "error-context"

// A component value type: a primitive or a defined value type.
class ValType {
 public:
  constexpr ValType() = default;
  static constexpr ValType primitive(PrimType p) { return ValType(true, static_cast<uint32_t>(p)); }
  static constexpr ValType defined(DefinedTypeId id) { return ValType(false, id.index); }
  constexpr bool isPrimitive() const { return primitive_; }
  constexpr PrimType prim() const { return static_cast<PrimType>(bits_); }
  constexpr DefinedTypeId definedId() const { return DefinedTypeId{bits_}; }
  constexpr bool operator==(const ValType&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const ValType& t) {
    return H::combine(std::move(h), t.primitive_, t.bits_);
  }

 private:
  constexpr ValType(bool primitive, uint32_t bits) : primitive_(primitive), bits_(bits) {}
  bool primitive_ = true;
  uint32_t bits_ = 0;
};

enum class DefinedKind : uint8_t {
  Primitive,  // only in raw (binary) types: `(type u32)`; the table stores ValType::primitive
  Record,
  Variant,
  List,
  FixedList,
  Tuple,
  Flags,
  Enum,
  Option,
  Result,
  Own,
  Borrow,
  Stream,
  Future,
  Map
};
const char* toString(DefinedKind k);  // "record", "list", "own", ...

struct Field {
  std::string name;
  ValType type;
  bool operator==(const Field&) const = default;
};
struct Case {
  std::string name;
  std::optional<ValType> type;
  bool operator==(const Case&) const = default;
};

// A defined value type. `kind` selects the members that apply.
struct DefinedType {
  DefinedKind kind = DefinedKind::Record;
  std::vector<Field> fields;        // Record
  std::vector<Case> cases;          // Variant
  std::vector<ValType> types;       // Tuple
  std::vector<std::string> labels;  // Flags, Enum
  std::optional<ValType> first;     // List/FixedList/Option/Stream/Future elem, Result ok, Map key
  std::optional<ValType> second;    // Result err, Map value
  uint32_t length = 0;              // FixedList
  ResourceId resource;              // Own, Borrow (an alias id; compare canonical resources)

  // Facts filled when the type enters the table.
  DefinedTypeId canonical;        // structural representative
  bool containsBorrow = false;    // transitively
  bool containsResource = false;  // own/borrow anywhere inside (outer alias rule)
  bool containsList = false;      // a string or (variable-length) list inside: memory needed
  uint32_t depth = 1;             // nesting depth (hostile-input limit)
  uint64_t elemSize64 = 0;        // elem_size(t, 'i64'), saturated (validation bound 2^28)
  uint32_t align64 = 1;           // alignment(t, 'i64')

  bool structurallyEqual(const DefinedType& o) const {
    return kind == o.kind && fields == o.fields && cases == o.cases && types == o.types &&
           labels == o.labels && first == o.first && second == o.second && length == o.length &&
           resource == o.resource;
  }
};

struct FuncType {
  bool async = false;
  std::vector<Field> params;
  std::optional<ValType> result;
  FuncTypeId canonical;
  bool operator==(const FuncType& o) const {
    return async == o.async && params == o.params && result == o.result;
  }
};

struct ResourceType {
  ResourceId canonical;                     // the resource this id aliases (itself if fresh)
  std::optional<jit::wasm::ValType> rep;    // locally defined resources only
  std::optional<uint32_t> dtor;             // core func index in the defining component
  uint32_t definingComponent = 0xFFFFFFFF;  // validator's component id for local resources
};

// Core-level types of the index spaces.
struct CoreExternDesc {
  jit::wasm::ExternKind kind = jit::wasm::ExternKind::Func;
  bool isTag = false;
  jit::wasm::FuncType func;  // Func, tag
  jit::wasm::TableType table;
  jit::wasm::MemoryType memory;
  jit::wasm::GlobalType global;
};
std::string toString(const CoreExternDesc& d);

struct ModuleType {
  struct Import {
    std::string module, name;
    CoreExternDesc type;
  };
  std::vector<Import> imports;
  std::vector<std::pair<std::string, CoreExternDesc>> exports;
  const CoreExternDesc* findExport(std::string_view name) const;
};

struct CoreInstanceType {
  std::vector<std::pair<std::string, CoreExternDesc>> exports;
  const CoreExternDesc* findExport(std::string_view name) const;
};

// What a type index refers to.
struct AnyType {
  enum Kind : uint8_t { Value, Func, Component, Instance, Resource };
  Kind kind = Value;
  ValType value;       // Value
  uint32_t index = 0;  // FuncTypeId / ComponentTypeId / InstanceTypeId / ResourceId
  FuncTypeId func() const { return {index}; }
  ComponentTypeId component() const { return {index}; }
  InstanceTypeId instance() const { return {index}; }
  ResourceId resource() const { return {index}; }
  static AnyType ofValue(ValType v) { return {Value, v, 0}; }
  static AnyType ofFunc(FuncTypeId id) { return {Func, {}, id.index}; }
  static AnyType ofComponent(ComponentTypeId id) { return {Component, {}, id.index}; }
  static AnyType ofInstance(InstanceTypeId id) { return {Instance, {}, id.index}; }
  static AnyType ofResource(ResourceId id) { return {Resource, {}, id.index}; }
};
const char* toString(AnyType::Kind k);  // "defined type", "func", "component", ...

// The type of an import or export (a component-level entity).
struct ExternType {
  enum Kind : uint8_t { Module, Func, Value, Type, Component, Instance };
  Kind kind = Func;
  ModuleTypeId module;           // Module
  AnyType type;                  // Func (func), Type (the type), Component, Instance; Value (value)
  const char* describe() const;  // "module", "func", "value", "type", "component", "instance"
};

using NamedExtern = std::pair<std::string, ExternType>;

struct InstanceType {
  std::vector<NamedExtern> exports;
  // Resources introduced by `(export (type (sub resource)))` inside this type definition; an
  // import (or export) of the type freshens them (each instance has its own).
  std::vector<ResourceId> definedResources;
  const ExternType* findExport(std::string_view name) const;
};

struct ComponentType {
  std::vector<NamedExtern> imports;
  std::vector<NamedExtern> exports;
  // Abstract resources bound by the imports (substituted by instantiation arguments) and those
  // the component defines (fresh per instantiation).
  std::vector<ResourceId> importedResources;
  std::vector<ResourceId> definedResources;
  const ExternType* findImport(std::string_view name) const;
  const ExternType* findExport(std::string_view name) const;
};

// Hostile-input limits (wasmparser's bounds where it has one).
inline constexpr uint32_t kMaxTypeDepth = 100;       // nesting of value/instance/component types
inline constexpr uint32_t kMaxTypes = 1'000'000;     // entries in one type index space
inline constexpr uint32_t kMaxTypeSize = 1'000'000;  // members of one type (fields, cases, ...)
inline constexpr uint32_t kMaxNesting = 100;         // components inside components
inline constexpr uint64_t kMaxValueSize = 1u << 28;  // elem_size(t, 'i64') bound (Binary.md)

class TypeTable {
 public:
  // Adds a defined value type (children must already be in the table) and computes its facts
  // and its canonical representative.
  DefinedTypeId addDefined(DefinedType type);
  FuncTypeId addFunc(FuncType type);
  // A fresh resource (generative) or a new alias id of an existing one.
  ResourceId freshResource(ResourceType type = {});
  ResourceId aliasResource(ResourceId of);
  InstanceTypeId addInstance(InstanceType type);
  ComponentTypeId addComponent(ComponentType type);
  ModuleTypeId addModule(ModuleType type);
  CoreInstanceTypeId addCoreInstance(CoreInstanceType type);
  // A new definition id for the same defined type (an export or import of it gives it a name).
  DefinedTypeId copyDefined(DefinedTypeId id);

  const DefinedType& defined(DefinedTypeId id) const { return defined_[id.index]; }
  const FuncType& func(FuncTypeId id) const { return funcs_[id.index]; }
  const ResourceType& resource(ResourceId id) const { return resources_[id.index]; }
  ResourceType& mutableResource(ResourceId id) { return resources_[id.index]; }
  const InstanceType& instance(InstanceTypeId id) const { return instances_[id.index]; }
  const ComponentType& component(ComponentTypeId id) const { return components_[id.index]; }
  const ModuleType& module(ModuleTypeId id) const { return modules_[id.index]; }
  const CoreInstanceType& coreInstance(CoreInstanceTypeId id) const {
    return coreInstances_[id.index];
  }

  ResourceId canonicalResource(ResourceId id) const { return resources_[id.index].canonical; }
  ValType canonical(ValType t) const {
    return t.isPrimitive() ? t : ValType::defined(defined_[t.definedId().index].canonical);
  }
  bool sameValType(ValType a, ValType b) const { return canonical(a) == canonical(b); }
  bool sameFunc(FuncTypeId a, FuncTypeId b) const {
    return funcs_[a.index].canonical == funcs_[b.index].canonical;
  }
  bool containsBorrow(ValType t) const {
    return !t.isPrimitive() && defined(t.definedId()).containsBorrow;
  }
  // A string or a list inside: lifting and lowering it needs `memory` (and `realloc`).
  bool containsList(ValType t) const {
    if (t.isPrimitive()) return t.prim() == PrimType::String;
    return defined(t.definedId()).containsList;
  }
  bool containsResource(ValType t) const {
    return !t.isPrimitive() && defined(t.definedId()).containsResource;
  }
  uint32_t depth(ValType t) const { return t.isPrimitive() ? 0 : defined(t.definedId()).depth; }
  uint64_t elemSize64(ValType t) const;
  uint32_t align64(ValType t) const;

  // Readable form: "u32", "list<string>", "record { x: u32 }", "func(x: u32) -> string".
  std::string toString(ValType t) const;
  std::string toString(FuncTypeId f) const;

  size_t size() const {
    return defined_.size() + funcs_.size() + resources_.size() + instances_.size() +
           components_.size() + modules_.size() + coreInstances_.size();
  }

 private:
  std::vector<DefinedType> defined_;
  std::vector<FuncType> funcs_;
  std::vector<ResourceType> resources_;
  std::vector<InstanceType> instances_;
  std::vector<ComponentType> components_;
  std::vector<ModuleType> modules_;
  std::vector<CoreInstanceType> coreInstances_;
  // Structural hash -> canonical ids with that hash.
  absl::flat_hash_map<size_t, std::vector<DefinedTypeId>> definedIntern_;
  absl::flat_hash_map<size_t, std::vector<FuncTypeId>> funcIntern_;
};

}  // namespace wcr::canon::model
