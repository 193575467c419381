// Component instances at run time and component-level functions: the Store.lift / canon_lift
// (synchronous) and canon_lower paths of CanonicalABI.md, with the reentrance (may_enter),
// may_leave, borrow-scope and post-return rules.
//
// Decisions:
// - A call between components goes through abi::Value: the caller's `canon lower` lifts its
//   core arguments into Values, the callee's `canon lift` lowers them into the callee. This is
//   the spec's definition executed literally (lift then lower), so it is right by construction;
//   fused adapters compiled to native code replace it for speed later (issue 5, bench), with
//   this path kept as their reference in tests.
// - Every core function a component definition creates (canon lower, resource.new/drop/rep) is
//   a jit::vm host function whose closure holds its ComponentInstance: no thread-local
//   "current instance" is needed.
// - Traps raised by the ABI (abi_trap.h) and traps of core code called from here are carried as
//   abi traps (kAborted status) with the trap's message up to the outermost host entry.
// - Ownership runs down the tree only: the result of an instantiation owns the root instance,
//   an instance owns its children, core instances and what its functions need. A lifted
//   function points at its instance weakly (a parent may hand its own lifted function to a
//   child, which must not keep the parent alive), and an instantiation retains the trees of the
//   functions it imports (Func::owner). Calling a function whose instance was dropped is a
//   FailedPrecondition error.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "canon/abi/handle_table.h"
#include "canon/abi/lift_lower.h"
#include "canon/abi/value.h"
#include "canon/model/abi_info.h"
#include "canon/model/types.h"
#include "jit/vm/extern.h"
#include "jit/vm/type_registry.h"

namespace wcr::canon::link {

class ComponentInstance : public std::enable_shared_from_this<ComponentInstance> {
 public:
  ComponentInstance(std::shared_ptr<model::TypeTable> types, ComponentInstance* parent);

  // ComponentInstance.may_enter_from / enter_from / leave_to.
  bool mayEnterFrom(const ComponentInstance* caller) const;
  void enterFrom(const ComponentInstance* caller);
  void leaveTo(const ComponentInstance* caller);

  bool mayLeave() const { return flagBits() & kFlagMayLeave; }
  void setMayLeave(bool v) { setFlag(kFlagMayLeave, v); }

  // may_enter and may_leave live in one mutable i32 wasm global so that fused adapters
  // (fused_adapter.h) test and flip them with plain global.get/global.set.
  static constexpr int32_t kFlagMayLeave = 1;
  static constexpr int32_t kFlagMayEnter = 2;
  const std::shared_ptr<jit::vm::Global>& flagsGlobal() const { return flags_; }
  // Self and ancestors, innermost first (entering sets are computed from them).
  const std::vector<const ComponentInstance*>& selfAndAncestors() const { return chain_; }
  // The top of the tree (it owns every instance below it).
  const ComponentInstance* root() const { return chain_.back(); }

  abi::HandleTable& handles() { return handles_; }
  const std::shared_ptr<model::TypeTable>& types() const { return types_; }
  model::AbiCalculator& abi() { return abi_; }

  // The run-time identity of the model's resource `id` in this instance (by canonical id).
  const abi::ResourceType* resourceType(model::ResourceId id) const;
  void bindResource(model::ResourceId id, const abi::ResourceType* type);
  // A fresh resource type defined by this instance (owned by it).
  const abi::ResourceType* defineResource(model::ResourceId id, std::string name);
  // Destructors of resources this instance defines (core functions), by run-time type.
  void setDestructor(const abi::ResourceType* type, std::shared_ptr<const jit::vm::Func> dtor);
  std::shared_ptr<const jit::vm::Func> destructor(const abi::ResourceType* type) const;

  // Whether one of its core instances has tags, so that its core code can throw (exceptions
  // need a tag). CanonicalABI.md: an exception that reaches a component boundary traps; fused
  // adapters into such an instance catch at the call (adapter_builder.h).
  bool mayThrow() const { return mayThrow_; }
  void setMayThrow() { mayThrow_ = true; }

  // Keeps what the instance's functions point into alive (core instances, memories, ...).
  void retain(std::shared_ptr<const void> object) { retained_.push_back(std::move(object)); }

 private:
  int32_t flagBits() const;
  void setFlag(int32_t flag, bool on) const;

  std::shared_ptr<model::TypeTable> types_;
  model::AbiCalculator abi_;
  ComponentInstance* parent_;
  std::vector<const ComponentInstance*> chain_;  // self and ancestors (parents never change)
  std::shared_ptr<jit::vm::Global> flags_;
  abi::HandleTable handles_;
  absl::flat_hash_map<uint32_t, const abi::ResourceType*> resources_;  // canonical id -> type
  std::vector<std::unique_ptr<abi::ResourceType>> ownedResources_;
  absl::flat_hash_map<const abi::ResourceType*, std::shared_ptr<const jit::vm::Func>> dtors_;
  std::vector<std::shared_ptr<const void>> retained_;
  bool mayThrow_ = false;
};

// The canonical options of a lift or lower at run time.
struct CanonOptions {
  abi::StringEncoding encoding = abi::StringEncoding::Utf8;
  std::shared_ptr<jit::vm::Memory> memory;
  std::shared_ptr<const jit::vm::Func> realloc;
  std::shared_ptr<const jit::vm::Func> postReturn;
};

// The memory and realloc of canonical options; realloc runs with the instance's may_leave
// cleared.
class OptionsMemory : public abi::GuestMemory {
 public:
  OptionsMemory(const CanonOptions& options, ComponentInstance& instance)
      : options_(options), instance_(instance) {}
  abi::MemoryView memory() override {
    return {options_.memory->base(), options_.memory->sizeBytes()};
  }
  absl::StatusOr<uint64_t> realloc(uint64_t old, uint64_t oldSize, uint32_t alignment,
                                   uint64_t newSize) override;

 private:
  const CanonOptions& options_;
  ComponentInstance& instance_;
};

// What a `canon lift` is made of; fused adapters (fused_adapter.h) call its parts directly.
struct LiftedParts {
  ComponentInstance* instance = nullptr;
  std::shared_ptr<const jit::vm::Func> core;
  CanonOptions options;
};

// Receives a call's results (the caller lowers them) before the callee's post-return runs.
using OnResolve = absl::FunctionRef<absl::Status(std::vector<abi::Value>&)>;

// A component-level function.
class Func {
 public:
  Func(std::shared_ptr<model::TypeTable> types, model::FuncTypeId type)
      : types_(std::move(types)), type_(type) {}
  virtual ~Func() = default;
  const model::TypeTable& types() const { return *types_; }
  const std::shared_ptr<model::TypeTable>& typesShared() const { return types_; }
  model::FuncTypeId type() const { return type_; }
  // Calls the function from `caller` (null: the host) with lifted arguments.
  virtual absl::Status call(ComponentInstance* caller, absl::Span<const abi::Value> args,
                            OnResolve onResolve) = 0;
  // The parts of a lifted core function; null for host functions.
  virtual const LiftedParts* lifted() const { return nullptr; }
  // What keeps the function's instance alive (the root of its tree), or null (host functions,
  // or the instance was dropped).
  virtual std::shared_ptr<const void> owner() const { return nullptr; }

 private:
  std::shared_ptr<model::TypeTable> types_;
  model::FuncTypeId type_;
};

// `canon lift`: a core function of `instance` with its options and type.
std::shared_ptr<Func> makeLiftedFunc(std::shared_ptr<ComponentInstance> instance,
                                     model::FuncTypeId type,
                                     std::shared_ptr<const jit::vm::Func> core,
                                     CanonOptions options);

// A function the host implements.
using HostFn = std::function<absl::Status(absl::Span<const abi::Value> args,
                                          std::vector<abi::Value>& results)>;
std::shared_ptr<Func> makeHostFunc(std::shared_ptr<model::TypeTable> types, model::FuncTypeId type,
                                   HostFn fn);

// `canon lower`: a core function (a vm host function) of `instance` that calls `callee`.
// `coreType` is the lowered signature (flatten_functype(opts, ft, 'lower')).
std::shared_ptr<const jit::vm::Func> makeLoweredFunc(jit::vm::TypeRegistry& registry,
                                                     std::shared_ptr<ComponentInstance> instance,
                                                     model::FuncTypeId type,
                                                     jit::wasm::FuncType coreType,
                                                     std::shared_ptr<Func> callee,
                                                     CanonOptions options);

// resource.new / resource.rep / resource.drop of `type` in `instance`.
enum class ResourceBuiltin : uint8_t { New, Rep, Drop };
std::shared_ptr<const jit::vm::Func> makeResourceBuiltin(
    jit::vm::TypeRegistry& registry, std::shared_ptr<ComponentInstance> instance,
    ResourceBuiltin builtin, const abi::ResourceType* type);

// Calls a core function with trap handling; a trap becomes an abi trap with its message.
absl::Status callCore(const jit::vm::Func& func, std::vector<jit::vm::ValRaw>& values);

}  // namespace wcr::canon::link
