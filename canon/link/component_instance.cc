// Component instances, lifted and lowered functions, resource built-ins (see
// component_instance.h), following CanonicalABI.md's Store.lift, canon_lift (sync) and
// canon_lower (sync).
#include "canon/link/component_instance.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"
#include "canon/abi/abi_trap.h"
#include "jit/support/status.h"
#include "jit/vm/host_func.h"
#include "jit/vm/invoke.h"

namespace wcr::canon::link {

namespace vm = jit::vm;
namespace wasm = jit::wasm;
using abi::Value;
using model::ValType;

// ---- ComponentInstance ----

ComponentInstance::ComponentInstance(std::shared_ptr<model::TypeTable> types,
                                     ComponentInstance* parent)
    : types_(std::move(types)),
      abi_(*types_),
      parent_(parent),
      flags_(std::make_shared<vm::Global>()) {
  for (const ComponentInstance* i = this; i != nullptr; i = i->parent_) chain_.push_back(i);
  flags_->type = wasm::GlobalType{wasm::kI32, true};
  setFlag(kFlagMayLeave | kFlagMayEnter, true);
}

int32_t ComponentInstance::flagBits() const {
  int32_t bits;
  std::memcpy(&bits, flags_->storage.bytes, sizeof bits);
  return bits;
}

void ComponentInstance::setFlag(int32_t flag, bool on) const {
  int32_t bits = flagBits();
  bits = on ? (bits | flag) : (bits & ~flag);
  std::memcpy(flags_->storage.bytes, &bits, sizeof bits);
}

namespace {
// entering_set(caller): self_and_ancestors minus the caller's.
template <typename F>
void forEnteringSet(const ComponentInstance* self, const ComponentInstance* caller,
                    const std::vector<const ComponentInstance*>& mine,
                    const std::vector<const ComponentInstance*>& theirs, F f) {
  for (const ComponentInstance* i : mine) {
    if (caller == nullptr || std::find(theirs.begin(), theirs.end(), i) == theirs.end()) f(i);
  }
}
}  // namespace

bool ComponentInstance::mayEnterFrom(const ComponentInstance* caller) const {
  static const std::vector<const ComponentInstance*> kNone;
  const auto& theirs = caller ? caller->selfAndAncestors() : kNone;
  bool ok = true;
  forEnteringSet(this, caller, selfAndAncestors(), theirs,
                 [&](const ComponentInstance* i) { ok &= (i->flagBits() & kFlagMayEnter) != 0; });
  return ok;
}

void ComponentInstance::enterFrom(const ComponentInstance* caller) {
  static const std::vector<const ComponentInstance*> kNone;
  const auto& theirs = caller ? caller->selfAndAncestors() : kNone;
  forEnteringSet(this, caller, selfAndAncestors(), theirs,
                 [](const ComponentInstance* i) { i->setFlag(kFlagMayEnter, false); });
}

void ComponentInstance::leaveTo(const ComponentInstance* caller) {
  static const std::vector<const ComponentInstance*> kNone;
  const auto& theirs = caller ? caller->selfAndAncestors() : kNone;
  forEnteringSet(this, caller, selfAndAncestors(), theirs,
                 [](const ComponentInstance* i) { i->setFlag(kFlagMayEnter, true); });
}

const abi::ResourceType* ComponentInstance::resourceType(model::ResourceId id) const {
  auto it = resources_.find(types_->canonicalResource(id).index);
  return it == resources_.end() ? nullptr : it->second;
}

void ComponentInstance::bindResource(model::ResourceId id, const abi::ResourceType* type) {
  resources_[types_->canonicalResource(id).index] = type;
}

const abi::ResourceType* ComponentInstance::defineResource(model::ResourceId id, std::string name) {
  auto owned = std::make_unique<abi::ResourceType>();
  owned->implementer = this;
  owned->name = std::move(name);
  const abi::ResourceType* type = owned.get();
  ownedResources_.push_back(std::move(owned));
  bindResource(id, type);
  return type;
}

void ComponentInstance::setDestructor(const abi::ResourceType* type,
                                      std::shared_ptr<const vm::Func> dtor) {
  dtors_[type] = std::move(dtor);
}

std::shared_ptr<const vm::Func> ComponentInstance::destructor(const abi::ResourceType* type) const {
  auto it = dtors_.find(type);
  return it == dtors_.end() ? nullptr : it->second;
}

// ---- Calls ----

absl::Status callCore(const vm::Func& func, std::vector<vm::ValRaw>& values) {
  size_t need = std::max<size_t>({func.type.params.size(), func.type.results.size(), 1});
  if (values.size() < need) values.resize(need);
  vm::Trap trap = vm::invoke(func, values.data());
  if (!trap.ok()) return abi::abiTrap(trap.message);
  return absl::OkStatus();
}

namespace {

vm::ValRaw i32Slot(uint32_t v) {
  vm::ValRaw raw;
  std::memset(&raw, 0, sizeof raw);
  raw.i32 = static_cast<int32_t>(v);
  return raw;
}

struct Signature {
  std::vector<ValType> params;
  std::vector<ValType> results;
};

Signature signatureOf(const model::TypeTable& types, model::FuncTypeId id) {
  const model::FuncType& ft = types.func(id);
  Signature s;
  for (const model::Field& f : ft.params) s.params.push_back(f.type);
  if (ft.result) s.results.push_back(*ft.result);
  return s;
}

abi::LiftLowerContext contextFor(ComponentInstance& inst, const model::TypeTable& types,
                                 const CanonOptions& options, OptionsMemory* memory) {
  abi::LiftLowerContext cx;
  cx.types = &types;
  cx.abi = &inst.abi();
  cx.memory = options.memory ? memory : nullptr;
  cx.encoding = options.encoding;
  cx.handles = &inst.handles();
  cx.instance = &inst;
  cx.resourceType = [&inst](model::ResourceId id) { return inst.resourceType(id); };
  return cx;
}

class LiftedFunc : public Func {
 public:
  LiftedFunc(std::shared_ptr<ComponentInstance> instance, model::FuncTypeId type,
             std::shared_ptr<const vm::Func> core, CanonOptions options)
      : Func(instance->types(), type),
        self_(instance),
        instance_(instance.get()),
        core_(std::move(core)),
        options_(std::move(options)),
        sig_(signatureOf(types(), type)),
        parts_{instance_, core_, options_} {}

  const LiftedParts* lifted() const override { return &parts_; }
  std::shared_ptr<const void> owner() const override {
    std::shared_ptr<ComponentInstance> alive = self_.lock();
    if (!alive) return nullptr;
    return alive->root()->shared_from_this();  // shared_ptr<const ComponentInstance>
  }

  absl::Status call(ComponentInstance* caller, absl::Span<const Value> args,
                    OnResolve onResolve) override {
    std::shared_ptr<ComponentInstance> alive = self_.lock();
    if (!alive) {
      return absl::FailedPreconditionError("the component instance of this function was dropped");
    }
    ComponentInstance& inst = *instance_;
    if (!inst.mayEnterFrom(caller)) return abi::abiTrap("cannot enter component instance");
    inst.enterFrom(caller);
    // Left again only when the call completes: after a trap the instance stays entered, so
    // later calls trap with "cannot enter component instance", as Store.lift's leave_to is
    // skipped by the trap in CanonicalABI.md (and Wasmtime behaves the same).
    WCR_RETURN_IF_ERROR(callEntered(caller, args, onResolve));
    inst.leaveTo(caller);
    return absl::OkStatus();
  }

 private:
  absl::Status callEntered(ComponentInstance* caller, absl::Span<const Value> args,
                           OnResolve onResolve) {
    ComponentInstance& inst = *instance_;

    abi::BorrowScope scope;
    OptionsMemory memory(options_, inst);
    abi::LiftLowerContext cx = contextFor(inst, types(), options_, &memory);
    cx.borrowScope = &scope;
    cx.wording = caller == nullptr ? abi::TrapWording::Host : abi::TrapWording::Adapter;
    memory.trapWording = cx.wording;

    std::vector<vm::ValRaw> flat;
    flat.reserve(std::max<size_t>({core_->type.params.size(), core_->type.results.size(), 1}));
    WCR_RETURN_IF_ERROR(abi::lowerFlatValues(cx, model::kMaxFlatParams, args, sig_.params, flat));
    if (flat.size() != core_->type.params.size()) {
      return absl::InternalError("lowered arguments do not match the core function's type");
    }
    WCR_RETURN_IF_ERROR(callCore(*core_, flat));
    size_t numResults = core_->type.results.size();
    flat.resize(numResults);  // the core results, kept for post-return
    std::vector<vm::ValRaw>& coreResults = flat;
    WCR_ASSIGN_OR_RETURN(
        std::vector<Value> results,
        abi::liftFlatValues(cx, model::kMaxFlatResults, coreResults, sig_.results));
    if (scope.numBorrows > 0) {
      return abi::abiTrap("borrow handles still remain at the end of the call");
    }
    WCR_RETURN_IF_ERROR(onResolve(results));
    if (options_.postReturn) {
      inst.setMayLeave(false);
      absl::Status post = callCore(*options_.postReturn, coreResults);
      inst.setMayLeave(true);
      WCR_RETURN_IF_ERROR(post);
    }
    return absl::OkStatus();
  }

  std::weak_ptr<ComponentInstance> self_;  // weak: see the header (ownership runs down)
  ComponentInstance* instance_;
  std::shared_ptr<const vm::Func> core_;
  CanonOptions options_;
  Signature sig_;
  LiftedParts parts_;
};

class HostFunc : public Func {
 public:
  HostFunc(std::shared_ptr<model::TypeTable> types, model::FuncTypeId type, HostFn fn)
      : Func(std::move(types), type), fn_(std::move(fn)), sig_(signatureOf(this->types(), type)) {}

  absl::Status call(ComponentInstance*, absl::Span<const Value> args,
                    OnResolve onResolve) override {
    std::vector<Value> results;
    WCR_RETURN_IF_ERROR(fn_(args, results));
    if (results.size() != sig_.results.size()) {
      return absl::InvalidArgumentError(
          absl::StrFormat("host function returned %d results, its type has %d", results.size(),
                          sig_.results.size()));
    }
    for (size_t i = 0; i < results.size(); ++i) {
      WCR_RETURN_IF_ERROR(abi::checkValue(types(), results[i], sig_.results[i]));
    }
    return onResolve(results);
  }

 private:
  HostFn fn_;
  Signature sig_;
};

vm::Trap toTrap(const absl::Status& status) {
  return vm::Trap(vm::TrapCode::HostTrap, std::string(status.message()));
}

}  // namespace

std::shared_ptr<Func> makeLiftedFunc(std::shared_ptr<ComponentInstance> instance,
                                     model::FuncTypeId type, std::shared_ptr<const vm::Func> core,
                                     CanonOptions options) {
  return std::make_shared<LiftedFunc>(std::move(instance), type, std::move(core),
                                      std::move(options));
}

std::shared_ptr<Func> makeHostFunc(std::shared_ptr<model::TypeTable> types, model::FuncTypeId type,
                                   HostFn fn) {
  return std::make_shared<HostFunc>(std::move(types), type, std::move(fn));
}

std::shared_ptr<const vm::Func> makeLoweredFunc(vm::TypeRegistry& registry,
                                                std::shared_ptr<ComponentInstance> instance,
                                                model::FuncTypeId type, wasm::FuncType coreType,
                                                std::shared_ptr<Func> callee,
                                                CanonOptions options) {
  Signature sig = signatureOf(*instance->types(), type);
  size_t paramFlat = instance->abi().flatCount(sig.params);
  size_t paramSlots = paramFlat > model::kMaxFlatParams ? 1 : paramFlat;
  size_t numCoreParams = coreType.params.size();
  ComponentInstance* raw = instance.get();
  // The closure keeps the callee alive but not its own instance (which owns this function).
  vm::HostFunction fn = [raw, sig, paramSlots, numCoreParams, callee = std::move(callee),
                         options = std::move(options)](vm::ValRaw* values) -> vm::Trap {
    ComponentInstance& inst = *raw;
    if (!inst.mayLeave())
      return vm::Trap(vm::TrapCode::HostTrap, "cannot leave component instance");
    abi::Lenders lenders;
    OptionsMemory memory(options, inst);
    abi::LiftLowerContext cx = contextFor(inst, *inst.types(), options, &memory);
    cx.lenders = &lenders;
    cx.wording = abi::TrapWording::Adapter;
    memory.trapWording = cx.wording;
    std::vector<vm::ValRaw> coreArgs(values, values + numCoreParams);
    absl::StatusOr<std::vector<Value>> args = abi::liftFlatValues(
        cx, model::kMaxFlatParams, absl::MakeConstSpan(coreArgs).first(paramSlots), sig.params);
    if (!args.ok()) return toTrap(args.status());
    std::optional<uint64_t> outParam;
    if (numCoreParams > paramSlots) outParam = static_cast<uint32_t>(coreArgs[paramSlots].i32);
    std::vector<vm::ValRaw> lowered;
    absl::Status status = callee->call(&inst, *args, [&](std::vector<Value>& results) {
      return abi::lowerFlatValues(cx, model::kMaxFlatResults, results, sig.results, lowered,
                                  outParam);
    });
    lenders.releaseAll();
    if (!status.ok()) return toTrap(status);
    for (size_t i = 0; i < lowered.size(); ++i) values[i] = lowered[i];
    return vm::Trap{};
  };
  return vm::makeHostFunc(registry, std::move(coreType), std::move(fn));
}

std::shared_ptr<const vm::Func> makeResourceBuiltin(vm::TypeRegistry& registry,
                                                    std::shared_ptr<ComponentInstance> instance,
                                                    ResourceBuiltin builtin,
                                                    const abi::ResourceType* type) {
  ComponentInstance* raw = instance.get();
  wasm::FuncType coreType;
  coreType.params = {wasm::kI32};
  if (builtin != ResourceBuiltin::Drop) coreType.results = {wasm::kI32};
  vm::HostFunction fn = [raw, builtin, type](vm::ValRaw* values) -> vm::Trap {
    ComponentInstance& inst = *raw;
    uint32_t arg = static_cast<uint32_t>(values[0].i32);
    switch (builtin) {
      case ResourceBuiltin::New: {
        if (!inst.mayLeave())
          return vm::Trap(vm::TrapCode::HostTrap, "cannot leave component instance");
        absl::StatusOr<uint32_t> index = inst.handles().resourceNew(type, arg);
        if (!index.ok()) return toTrap(index.status());
        values[0] = i32Slot(*index);
        return vm::Trap{};
      }
      case ResourceBuiltin::Rep: {
        absl::StatusOr<uint32_t> rep = inst.handles().resourceRep(type, arg);
        if (!rep.ok()) return toTrap(rep.status());
        values[0] = i32Slot(*rep);
        return vm::Trap{};
      }
      case ResourceBuiltin::Drop: {
        if (!inst.mayLeave())
          return vm::Trap(vm::TrapCode::HostTrap, "cannot leave component instance");
        absl::StatusOr<abi::HandleTable::Dropped> dropped = inst.handles().resourceDrop(type, arg);
        if (!dropped.ok()) return toTrap(dropped.status());
        if (!dropped->own) return vm::Trap{};
        if (type->hostDefined()) {
          if (type->hostDrop) type->hostDrop(dropped->rep);
          return vm::Trap{};
        }
        auto* implementer = static_cast<ComponentInstance*>(const_cast<void*>(type->implementer));
        std::shared_ptr<const vm::Func> dtor = implementer->destructor(type);
        if (!dtor) return vm::Trap{};
        // The destructor runs as a call into its instance (Store.lift's reentrance rule).
        if (!implementer->mayEnterFrom(&inst)) {
          return vm::Trap(vm::TrapCode::HostTrap, "cannot enter component instance");
        }
        implementer->enterFrom(&inst);
        std::vector<vm::ValRaw> args = {i32Slot(dropped->rep)};
        absl::Status status = callCore(*dtor, args);
        if (!status.ok()) return toTrap(status);  // a trapped instance stays entered
        implementer->leaveTo(&inst);
        return vm::Trap{};
      }
    }
    return vm::Trap{};
  };
  return vm::makeHostFunc(registry, std::move(coreType), std::move(fn));
}

absl::StatusOr<uint64_t> OptionsMemory::realloc(uint64_t old, uint64_t oldSize, uint32_t alignment,
                                                uint64_t newSize) {
  if (!options_.realloc) {
    return absl::InternalError("a value needs `realloc` but the canonical options have none");
  }
  if (options_.realloc->type.params.size() != 4 || options_.realloc->type.results.size() != 1) {
    return absl::InternalError("realloc does not have the type (i32 i32 i32 i32) -> i32");
  }
  vm::ValRaw values[4] = {i32Slot(static_cast<uint32_t>(old)),
                          i32Slot(static_cast<uint32_t>(oldSize)), i32Slot(alignment),
                          i32Slot(static_cast<uint32_t>(newSize))};
  instance_.setMayLeave(false);
  vm::Trap trap = vm::invoke(*options_.realloc, values);
  absl::Status status = trap.ok() ? absl::OkStatus() : abi::abiTrap(trap.message);
  instance_.setMayLeave(true);
  WCR_RETURN_IF_ERROR(status);
  return static_cast<uint32_t>(values[0].i32);
}

}  // namespace wcr::canon::link
