// validateComponent: the validation rules of Explainer.md, Binary.md and CanonicalABI.md
// ("canonopt validation", the built-ins' signatures) over a decoded Component (component.h).
//
// Validation walks the definitions in order, as the spec defines it, building the index spaces
// with their types; the result stays with the component as ComponentInfo (every index space
// entry's type, and the component's own ComponentType), in a TypeTable shared by the whole
// component tree. Messages use wasmparser's wording where the component-model suite asserts a
// substring ("type index out of bounds", "canonical option `memory` is required", "resource
// types are not the same", ...), prefixed with the offset of the definition at fault.
//
// Files: validator.cc (sections, instances, aliases, imports, exports), validate_types.cc
// (type definitions and declarators), validate_canon.cc (canon definitions and options),
// subtyping.cc (subtyping and resource substitution), names.cc (extern names, uniqueness).
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "canon/model/component.h"
#include "canon/model/types.h"

namespace wcr::canon::model {

// A core type index space entry: a core function type or a module type.
struct CoreTypeEntry {
  bool isModule = false;
  jit::wasm::FuncType func;
  ModuleTypeId module;
};

// Per-canon-definition facts the later layers need.
struct CanonInfo {
  FuncTypeId funcType;           // lift / lower: the component function type
  jit::wasm::FuncType coreType;  // the core signature of the (lowered or lifting) core function
  ResourceId resource;           // resource.* built-ins
  DefinedTypeId streamOrFuture;  // stream.* / future.* built-ins
  std::optional<uint32_t> memory, realloc, postReturn, callback;
  StringEncoding encoding = StringEncoding::Utf8;
  bool async = false;
};

struct ComponentInfo {
  std::shared_ptr<TypeTable> types;  // shared by the component tree

  // Core index spaces.
  std::vector<jit::wasm::FuncType> coreFuncs;
  std::vector<jit::wasm::TableType> coreTables;
  std::vector<jit::wasm::MemoryType> coreMemories;
  std::vector<jit::wasm::GlobalType> coreGlobals;
  std::vector<jit::wasm::FuncType> coreTags;
  std::vector<CoreTypeEntry> coreTypes;
  std::vector<ModuleTypeId> coreModules;
  std::vector<CoreInstanceTypeId> coreInstances;
  // Component index spaces.
  std::vector<FuncTypeId> funcs;
  std::vector<ValType> values;
  std::vector<AnyType> typeSpace;
  std::vector<InstanceTypeId> instances;
  std::vector<ComponentTypeId> components;

  std::vector<CanonInfo> canons;  // parallel to Component::canons
  ComponentTypeId type;           // this component's type (imports and exports)
};

// Validates `component` (and its nested components) and fills `component.info`.
absl::Status validateComponent(Component& component);

// decodeComponent + validateComponent.
absl::StatusOr<Component> decodeAndValidate(absl::Span<const uint8_t> bytes);

}  // namespace wcr::canon::model
