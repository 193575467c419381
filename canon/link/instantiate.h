// Component instantiation: a validated component (canon/model) with its core modules compiled
// through jit's Compiler interface, instantiated against named imports by walking its
// definitions in order and building the run-time index spaces (core instances through
// jit::vm, lifted and lowered functions and resource built-ins through component_instance.h,
// nested components recursively, outer aliases through the definition-time scope).
//
// Decision: items flowing through index spaces, instantiation arguments, imports and exports
// are one tagged struct (Item); resource types travel with their run-time identity so that each
// instance binds the model's resource ids to the resource types it actually received or
// defined (generativity: every instantiation defines fresh resource types).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "canon/link/component_instance.h"
#include "canon/link/fused_adapter.h"
#include "canon/model/component.h"
#include "canon/model/validator.h"
#include "jit/vm/code.h"
#include "jit/vm/type_registry.h"

namespace wcr::canon::link {

// A validated component with the code of its core modules, recursively.
struct CompiledComponent {
  std::shared_ptr<const model::Component> root;                   // owns the component tree
  const model::Component* component = nullptr;                    // this node of the tree
  std::vector<std::shared_ptr<const jit::wasm::Module>> modules;  // per core module
  std::vector<std::shared_ptr<const jit::vm::CompiledCode>> code;
  std::vector<std::shared_ptr<const CompiledComponent>> children;  // per nested component
};

absl::StatusOr<std::shared_ptr<const CompiledComponent>> compileComponent(
    std::shared_ptr<const model::Component> validated, jit::vm::Compiler& compiler,
    const jit::vm::CompileOptions& options);

struct InstanceItem;
struct OuterEnv;

struct CoreModuleItem {
  std::shared_ptr<const jit::wasm::Module> module;
  std::shared_ptr<const jit::vm::CompiledCode> code;
};

struct ComponentItem {
  std::shared_ptr<const CompiledComponent> def;
  // What outer aliases of the component can reach: a snapshot of the enclosing scopes' types,
  // core modules and components as they were where the component was defined (a component can
  // be exported and instantiated after its enclosing instantiation has finished).
  std::shared_ptr<const OuterEnv> outer;
};

struct Item {
  enum class Kind : uint8_t { CoreModule, Func, Value, Type, Component, Instance };
  Kind kind = Kind::Func;
  std::shared_ptr<const CoreModuleItem> module;
  std::shared_ptr<Func> func;
  std::shared_ptr<const InstanceItem> instance;
  std::shared_ptr<const ComponentItem> component;
  const abi::ResourceType* resource = nullptr;  // Type: the run-time resource, if it is one
};

struct OuterEnv {
  std::shared_ptr<const OuterEnv> outer;
  std::vector<std::shared_ptr<const CoreModuleItem>> coreModules;
  std::vector<Item> types, components;
};

struct InstanceItem {
  std::vector<std::pair<std::string, Item>> exports;
  const Item* find(std::string_view name) const;
};

struct InstantiateResult {
  enum class Failure : uint8_t { None, Link, Trap } failure = Failure::None;
  std::string message;
  std::shared_ptr<ComponentInstance> instance;
  std::shared_ptr<const InstanceItem> exports;
};

// Instantiates a top-level component; `imports` are found by name. A non-OK status is an
// internal or unsupported-feature failure, not a guest outcome. With `adapters`, lowerings of
// other instances' lifted functions are fused (fused_adapter.h); without, every call between
// components takes the reference path.
absl::StatusOr<InstantiateResult> instantiate(std::shared_ptr<const CompiledComponent> component,
                                              const InstanceItem& imports,
                                              jit::vm::TypeRegistry& registry,
                                              AdapterCompiler* adapters = nullptr);

}  // namespace wcr::canon::link
