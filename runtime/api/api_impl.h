// The state behind the public API's handles (runtime/include/wcr): internal to runtime/api.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "canon/abi/value.h"
#include "canon/link/instantiate.h"
#include "canon/model/types.h"
#include "jit/vm/code.h"
#include "jit/vm/extern.h"
#include "jit/vm/instance.h"
#include "jit/vm/type_registry.h"
#include "jit/wasm/module.h"
#include "wcr/component.h"
#include "wcr/engine.h"
#include "wcr/instance.h"
#include "wcr/linker.h"
#include "wcr/module.h"

namespace wcr {

struct Engine::Impl {
  Config config;
  std::unique_ptr<jit::vm::Compiler> compiler;
  std::unique_ptr<canon::link::AdapterCompiler> adapters;  // uses `compiler`: declared after it
  jit::vm::TypeRegistry types;
};

struct Module::Impl {
  std::shared_ptr<Engine::Impl> engine;
  std::shared_ptr<const jit::wasm::Module> module;
  std::shared_ptr<const jit::vm::CompiledCode> code;
};

struct Store::Impl {
  std::shared_ptr<Engine::Impl> engine;
  std::vector<std::shared_ptr<jit::vm::Instance>> instances;
  std::vector<std::shared_ptr<canon::link::ComponentInstance>> componentInstances;
};

struct Component::Impl {
  std::shared_ptr<Engine::Impl> engine;
  std::shared_ptr<const canon::link::CompiledComponent> compiled;
  const canon::model::ComponentInfo& info() const { return *compiled->component->info; }
};

struct ComponentFunc::Impl {
  std::shared_ptr<canon::link::Func> func;
  std::shared_ptr<const void> keepAlive;  // the instance the function belongs to
};

struct ComponentInstance::Impl {
  std::shared_ptr<Store::Impl> store;
  std::shared_ptr<canon::link::ComponentInstance> instance;
  std::shared_ptr<const canon::link::InstanceItem> exports;
};

struct ComponentLinker::Impl {
  std::shared_ptr<Engine::Impl> engine;
  // A top-level name: a func, or an instance of funcs (by func name).
  struct Definition {
    bool isInstance = false;
    ComponentHostCallback func;
    absl::flat_hash_map<std::string, ComponentHostCallback> funcs;
    absl::flat_hash_map<std::string, std::shared_ptr<canon::abi::ResourceType>> resources;
  };
  absl::flat_hash_map<std::string, Definition> defs;
};

struct Func::Impl {
  std::shared_ptr<const jit::vm::Func> func;
  FuncType type;
};

struct Memory::Impl {
  std::shared_ptr<jit::vm::Memory> memory;
};

struct Instance::Impl {
  std::shared_ptr<Store::Impl> store;
  std::shared_ptr<jit::vm::Instance> instance;
};

struct Linker::Impl {
  std::shared_ptr<Engine::Impl> engine;
  // module name -> field name -> external
  absl::flat_hash_map<std::string, absl::flat_hash_map<std::string, jit::vm::Extern>> defs;
};

// Conversions shared by the API's files.
Error toError(const absl::Status& status, Error::Kind kind = Error::Kind::Invalid);
ValKind toValKind(jit::wasm::ValType type);
FuncType toFuncType(const jit::wasm::FuncType& type);
ExportType toExportType(const jit::wasm::Module& module, const jit::wasm::Export& e);

// ComponentVal <-> abi::Value by the model type (component_val.cc). `where` names the value in
// errors ("argument 1 `name`").
absl::StatusOr<canon::abi::Value> toAbiValue(const canon::model::TypeTable& types,
                                             const ComponentVal& v, canon::model::ValType t,
                                             const std::string& where);
ResourceType wrapResourceType(const canon::abi::ResourceType* type);  // not owning
absl::StatusOr<ComponentVal> fromAbiValue(const canon::model::TypeTable& types,
                                          const canon::abi::Value& v, canon::model::ValType t);

}  // namespace wcr
