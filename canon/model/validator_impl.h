// Internal to canon/model: the validator's state shared by validator.cc, validate_types.cc,
// validate_canon.cc, subtyping.cc and names.cc. Not installed, not used outside this folder.
//
// A Scope is one component, component type or instance type being validated: its index spaces
// (a ComponentInfo), the names it has imported and exported, and the resources it defines. Scopes
// form a chain through `parent` for outer aliases.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "canon/model/abi_info.h"
#include "canon/model/component.h"
#include "canon/model/validator.h"
#include "jit/support/status.h"

namespace wcr::canon::model::internal {

enum class ScopeKind : uint8_t { Component, ComponentType, InstanceType };

// An error at a byte offset, worded as the suite expects: "at offset 0x1c: <message>".
template <typename... Args>
absl::Status errorAt(size_t offset, const absl::FormatSpec<Args...>& fmt, const Args&... args) {
  return absl::InvalidArgumentError(
      absl::StrFormat("at offset 0x%x: %s", offset, absl::StrFormat(fmt, args...)));
}

// The identity of a named type (a per-definition id): see types.h.
inline uint64_t typeKey(AnyType t) {
  uint32_t index = t.kind == AnyType::Value ? t.value.definedId().index : t.index;
  return (static_cast<uint64_t>(t.kind) << 32) | index;
}

struct Scope {
  ScopeKind kind = ScopeKind::Component;
  bool bag = false;  // an instance built from inline exports (a concrete instance, not a type)
  Scope* parent = nullptr;
  uint32_t id = 0;  // unique per component scope (resource locality)
  ComponentInfo info;

  // Imports and exports in order (for component types / instance types / the component's type).
  std::vector<NamedExtern> imports, exports;
  // Strong-uniqueness key -> the name as written, per side.
  absl::flat_hash_map<std::string, std::string> importNames, exportNames;
  // Types that have an external name for imports / for exports (typeKey).
  absl::flat_hash_set<uint64_t> importedTypes, exportedTypes;
  // Top-level resources by name, per side (canonical resource -> name), for annotated names.
  absl::flat_hash_map<uint32_t, std::string> importedResourceNames, exportedResourceNames;
  // Resources bound by imports and resources defined here (canonical ids).
  std::vector<ResourceId> importedResources, definedResources;
  // Values and whether each was consumed (🪙).
  std::vector<bool> valueConsumed;
  // context.get/set must agree on the slot type.
  std::optional<jit::wasm::ValType> contextType;
};

class Validator {
 public:
  Validator() : types_(std::make_shared<TypeTable>()) {}
  std::shared_ptr<TypeTable> typesPtr() { return types_; }
  TypeTable& types() { return *types_; }

  // validator.cc
  absl::Status component(Component& c, Scope* parent, uint32_t depth);
  absl::Status definition(Component& c, const Definition& d, Scope& s, uint32_t depth);
  absl::Status coreModule(const CoreModuleDef& m, Scope& s);
  absl::Status coreInstance(const CoreInstanceDef& d, Scope& s);
  absl::Status instance(const InstanceDef& d, Scope& s);
  absl::Status alias(const Alias& a, Scope& s);
  absl::Status importDef(const ImportDef& d, Scope& s);
  absl::Status exportDef(const ExportDef& d, Scope& s);
  absl::Status start(const StartDef& d, Scope& s);
  // The type of a (sort, index) of a component-level index space.
  absl::StatusOr<ExternType> itemType(SortIndex item, Scope& s, size_t offset);
  // Adds an entity of the given extern type to the scope's index spaces.
  void push(Scope& s, const ExternType& t);
  // Finishes a component scope into its ComponentType.
  ComponentTypeId finishComponent(Scope& s);
  absl::Status validateNamedTypes(Scope& s, bool isImport, const ExternType& t, size_t offset,
                                  std::string_view name);

  // validate_types.cc
  absl::StatusOr<AnyType> typeDef(const RawTypeDef& t, Scope& s, uint32_t depth);
  absl::StatusOr<ValType> valType(const RawValType& t, Scope& s, size_t offset);
  absl::StatusOr<FuncTypeId> funcType(const RawFuncType& f, Scope& s, size_t offset);
  absl::StatusOr<ValType> definedType(const RawDefinedType& d, Scope& s, size_t offset);
  absl::Status declarators(const std::vector<Declarator>& decls, Scope& s, uint32_t depth);
  absl::StatusOr<ExternType> externType(const RawExternType& t, Scope& s, size_t offset);
  absl::Status coreType(const RawCoreType& t, Scope& s, uint32_t depth);
  absl::StatusOr<ModuleTypeId> moduleType(const RawCoreType& t, Scope& s, uint32_t depth);
  absl::StatusOr<CoreExternDesc> coreExtern(const CoreExternType& t,
                                            const std::vector<CoreTypeEntry>& coreTypes,
                                            size_t offset);
  absl::Status outerAlias(const Alias& a, Scope& s);
  bool mentionsResource(AnyType t);
  // Adds a named import/export to a scope (type scopes and components): name checks, visibility,
  // resource freshening of instance types, index space push.
  absl::Status addExtern(Scope& s, bool isImport, const ExternName& name, ExternType type,
                         size_t offset, bool pushIndex = true);
  // Gives `type` fresh resources for the instance type's defined resources.
  ExternType freshenInstance(const ExternType& type, std::vector<ResourceId>* into);

  // validate_canon.cc
  absl::Status canon(const CanonDef& c, Scope& s, CanonInfo& out);

  // subtyping.cc (see subtyping below)
  // Replaces resources per `map` (canonical -> canonical) throughout a type.
  // `defs` also replaces defined types by definition id (type imports supplied by `with`).
  ExternType substitute(const ExternType& t, const absl::flat_hash_map<uint32_t, uint32_t>& map,
                        const absl::flat_hash_map<uint32_t, ValType>* defs = nullptr);
  ValType substitute(ValType t, const absl::flat_hash_map<uint32_t, uint32_t>& map);
  FuncTypeId substitute(FuncTypeId t, const absl::flat_hash_map<uint32_t, uint32_t>& map);

  uint32_t nextScopeId() { return nextScopeId_++; }

 private:
  std::shared_ptr<TypeTable> types_;
  uint32_t nextScopeId_ = 0;
};

// subtyping.cc: `actual` is a subtype of `expected`. Abstract resources of `expected` listed in
// `bindable` are bound to the actual resource the first time they are met (instantiation of a
// component type with arguments); the error names what differs, in wasmparser's words.
class Subtyping {
 public:
  explicit Subtyping(TypeTable& types) : t_(types) {}
  absl::flat_hash_set<uint32_t> bindable;
  absl::flat_hash_map<uint32_t, uint32_t> bindings;  // expected canonical -> actual canonical

  // Returns an empty string when the subtyping holds, else the reason.
  std::string externType(const ExternType& actual, const ExternType& expected);
  std::string valType(ValType actual, ValType expected, uint32_t depth = 0);
  std::string funcType(FuncTypeId actual, FuncTypeId expected);
  std::string instanceType(InstanceTypeId actual, InstanceTypeId expected);
  std::string componentType(ComponentTypeId actual, ComponentTypeId expected);
  std::string moduleType(const ModuleType& actual, const ModuleType& expected);
  std::string resource(ResourceId actual, ResourceId expected);
  std::string anyType(AnyType actual, AnyType expected);

 private:
  std::string valTypeWalk(ValType actual, ValType expected, uint32_t depth);
  TypeTable& t_;
  absl::flat_hash_set<uint64_t> matched_;
};

// Canonical resources reachable from an extern type (validator.cc); `seen` memoizes defined
// types already walked.
void collectResources(TypeTable& t, const ExternType& e, absl::flat_hash_set<uint32_t>& out,
                      absl::flat_hash_set<uint32_t>& seen);

// Core extern subtyping (module instantiation and module types): empty when `actual` matches.
std::string coreExternMismatch(const CoreExternDesc& actual, const CoreExternDesc& expected);

// names.cc
// Checks an import/export name; the message is the reason (empty when valid).
std::string checkExternName(std::string_view name);
// 🔗 canonversion: "1", "0.2", "0.0.3" or "0.0.0".
bool isCanonVersion(std::string_view v);
// 🔗 a `versionsuffix` attribute on `name`: empty when valid, else the reason.
std::string checkVersionSuffix(std::string_view name, std::string_view suffix);
// A label: "`x` is not in kebab case" when not.
bool isKebab(std::string_view s);
// Strong-uniqueness canonical form (Explainer.md "Name Uniqueness").
std::string uniquenessKey(std::string_view name);
// Annotations of plain names: "[constructor]", "[method]", "[static]".
struct Annotation {
  enum Kind : uint8_t { None, Constructor, Method, Static };
  Kind kind = None;
  std::string resource;  // the resource label
};
Annotation parseAnnotation(std::string_view name);
// Kebab check for the labels of records, variants, flags, enums and params: `what` is e.g.
// "record field", "variant case"; the error names the conflict as wasmparser does.
absl::Status checkLabels(const std::vector<std::string>& labels, const char* what,
                         const char* previous, size_t offset);

}  // namespace wcr::canon::model::internal
