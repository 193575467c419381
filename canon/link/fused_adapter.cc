// Fused lowerings (see fused_adapter.h): building, compiling and instantiating adapter modules.
#include "canon/link/fused_adapter.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_format.h"
#include "canon/abi/strings.h"
#include "canon/link/adapter_builder.h"
#include "jit/support/status.h"
#include "jit/vm/host_func.h"
#include "jit/vm/instance.h"
#include "jit/wasm/decoder.h"
#include "jit/wasm/validator.h"

namespace wcr::canon::link {

namespace vm = jit::vm;
namespace wasm = jit::wasm;

AdapterCompiler::AdapterCompiler(vm::Compiler& compiler, vm::CompileOptions options)
    : compiler_(compiler), options_(std::move(options)) {
  options_.epochInterruption = false;
  options_.fuel = false;
  const char* off = std::getenv("WCR_NO_FUSED_ADAPTERS");
  enabled_ = off == nullptr || *off == '\0' || std::strcmp(off, "0") == 0;
}

absl::StatusOr<AdapterCompiler::Compiled> AdapterCompiler::compile(std::vector<uint8_t> bytes) {
  std::string key(bytes.begin(), bytes.end());
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_;
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  auto storage = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  WCR_ASSIGN_OR_RETURN(wasm::Module decoded, wasm::decodeModule(storage));
  wasm::Features features;
  features.multiMemory = true;
  features.exceptions = true;  // the barrier of AdapterSpec::exceptionBarrier
  WCR_RETURN_IF_ERROR(wasm::validateModule(decoded, features));
  auto module = std::make_shared<const wasm::Module>(std::move(decoded));
  WCR_ASSIGN_OR_RETURN(std::shared_ptr<vm::CompiledCode> code,
                       compiler_.compile(*module, options_));
  Compiled compiled{module, std::move(code)};
  cache_.emplace(std::move(key), compiled);
  return compiled;
}

size_t AdapterCompiler::requests() {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

namespace {

vm::Trap hostTrap(std::string_view message) {
  return vm::Trap(vm::TrapCode::HostTrap, std::string(message));
}

std::shared_ptr<const vm::Func> trapFunc(vm::TypeRegistry& registry) {
  return vm::makeHostFunc(registry, wasm::FuncType{{wasm::kI32}, {}}, [](vm::ValRaw* values) {
    const char* message = adapterTrapMessage(values[0].i32);
    return hostTrap(message ? message : "fused adapter: unknown trap");
  });
}

// Validates [ptr, ptr + len) of `memory` (already range-checked by the adapter) as UTF-8.
std::shared_ptr<const vm::Func> utf8Validator(vm::TypeRegistry& registry,
                                              std::shared_ptr<vm::Memory> memory) {
  wasm::FuncType type{{wasm::kI32, wasm::kI32}, {}};
  return vm::makeHostFunc(registry, type, [memory](vm::ValRaw* values) {
    uint64_t ptr = static_cast<uint32_t>(values[0].i32), len = static_cast<uint32_t>(values[1].i32);
    if (!memory || ptr > memory->sizeBytes() || len > memory->sizeBytes() - ptr) {
      return hostTrap("string content out-of-bounds");
    }
    absl::Status status =
        abi::checkUtf8(std::string_view(reinterpret_cast<const char*>(memory->base() + ptr), len),
                       abi::TrapWording::Adapter);
    return status.ok() ? vm::Trap{} : hostTrap(std::string(status.message()));
  });
}

// The per-adapter state of calls with borrows: what the caller lent, what the callee received.
// One call at a time: adapters with borrows are only built for non-empty entering sets.
struct CallState {
  abi::Lenders lenders;
  abi::BorrowScope scope;
};

// lift_handle / lower_handle (adapter_builder.h): (kind, resource, index or rep) -> rep or index.
std::shared_ptr<const vm::Func> handleIntrinsic(vm::TypeRegistry& registry, bool lift,
                                                ComponentInstance* caller,
                                                ComponentInstance* callee,
                                                std::vector<const abi::ResourceType*> resources,
                                                std::shared_ptr<CallState> state) {
  wasm::FuncType type{{wasm::kI32, wasm::kI32, wasm::kI32}, {wasm::kI32}};
  return vm::makeHostFunc(
      registry, type,
      [lift, caller, callee, resources = std::move(resources), state](vm::ValRaw* values) {
        int32_t kind = values[0].i32;
        uint32_t resource = static_cast<uint32_t>(values[1].i32);
        uint32_t x = static_cast<uint32_t>(values[2].i32);
        if (resource >= resources.size() || resources[resource] == nullptr) {
          return hostTrap("fused adapter: unknown resource type");
        }
        const abi::ResourceType* rt = resources[resource];
        absl::StatusOr<uint32_t> out;
        if (lift) {
          if (kind == kHandleOwn)
            out = caller->handles().liftOwn(rt, x);
          else if (kind == kHandleBorrow)
            out = caller->handles().liftBorrow(rt, x, state->lenders);
          else
            out = callee->handles().liftOwn(rt, x);
        } else {
          if (kind == kHandleOwn)
            out = callee->handles().lowerOwn(rt, x);
          else if (kind == kHandleBorrow)
            out = callee->handles().lowerBorrow(rt, x, state->scope, callee);
          else
            out = caller->handles().lowerOwn(rt, x);
        }
        if (!out.ok()) return hostTrap(std::string(out.status().message()));
        values[0].i32 = static_cast<int32_t>(*out);
        return vm::Trap{};
      });
}

std::shared_ptr<const vm::Func> endCallIntrinsic(vm::TypeRegistry& registry,
                                                 std::shared_ptr<CallState> state) {
  return vm::makeHostFunc(registry, wasm::FuncType{}, [state](vm::ValRaw*) {
    if (state->scope.numBorrows > 0) {
      return hostTrap("borrow handles still remain at the end of the call");
    }
    state->lenders.releaseAll();
    return vm::Trap{};
  });
}

// Transcoding strings (adapter_builder.h): checks a string of one side, or copies it to the
// other side in that side's encoding with its realloc, by canon/abi/strings.h.
std::shared_ptr<const vm::Func> stringCheck(vm::TypeRegistry& registry,
                                            const CanonOptions& options) {
  wasm::FuncType type{{wasm::kI32, wasm::kI32}, {}};
  return vm::makeHostFunc(registry, type, [options](vm::ValRaw* values) {
    if (!options.memory) return hostTrap("fused adapter: a string without memory");
    absl::StatusOr<abi::String> s =
        abi::loadStringFromRange({options.memory->base(), options.memory->sizeBytes()},
                                 options.encoding, 4, static_cast<uint32_t>(values[0].i32),
                                 static_cast<uint32_t>(values[1].i32), abi::TrapWording::Adapter);
    return s.ok() ? vm::Trap{} : hostTrap(std::string(s.status().message()));
  });
}

std::shared_ptr<const vm::Func> stringCopy(vm::TypeRegistry& registry, const CanonOptions& from,
                                           const CanonOptions& to, ComponentInstance* toInstance) {
  wasm::FuncType type{{wasm::kI32, wasm::kI32}, {wasm::kI32, wasm::kI32}};
  return vm::makeHostFunc(registry, type, [from, to, toInstance](vm::ValRaw* values) {
    if (!from.memory || !to.memory) return hostTrap("fused adapter: a string without memory");
    absl::StatusOr<abi::String> s =
        abi::loadStringFromRange({from.memory->base(), from.memory->sizeBytes()}, from.encoding, 4,
                                 static_cast<uint32_t>(values[0].i32),
                                 static_cast<uint32_t>(values[1].i32), abi::TrapWording::Adapter);
    if (!s.ok()) return hostTrap(std::string(s.status().message()));
    OptionsMemory memory(to, *toInstance);
    memory.trapWording = abi::TrapWording::Adapter;
    absl::StatusOr<std::pair<uint64_t, uint64_t>> stored =
        abi::storeStringIntoRange(memory, to.encoding, *s);
    if (!stored.ok()) return hostTrap(std::string(stored.status().message()));
    values[0].i32 = static_cast<int32_t>(stored->first);
    values[1].i32 = static_cast<int32_t>(stored->second);
    return vm::Trap{};
  });
}

vm::Extern funcExtern(std::shared_ptr<const vm::Func> f) {
  vm::Extern e;
  e.kind = wasm::ExternKind::Func;
  e.func = std::move(f);
  return e;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const vm::Func>> makeFusedLoweredFunc(
    AdapterCompiler& adapters, vm::TypeRegistry& registry,
    const std::shared_ptr<ComponentInstance>& caller, model::FuncTypeId type,
    const wasm::FuncType& coreType, const std::shared_ptr<Func>& callee,
    const CanonOptions& callerOptions) {
  static const bool debug = std::getenv("WCR_DEBUG_ADAPTERS") != nullptr;
  auto notFused = [&](const char* why) -> std::shared_ptr<const vm::Func> {
    if (debug) std::fprintf(stderr, "wcr: canon lower not fused: %s\n", why);
    return nullptr;
  };
  const LiftedParts* parts = callee->lifted();
  if (!adapters.enabled()) return notFused("WCR_NO_FUSED_ADAPTERS");
  if (parts == nullptr) return notFused("the callee is a host function");
  const CanonOptions& calleeOptions = parts->options;
  if (callerOptions.memory && callerOptions.memory == calleeOptions.memory) {
    return notFused("caller and callee share a memory");
  }

  const model::TypeTable& types = *caller->types();
  const model::FuncType& ft = types.func(type);
  AdapterSpec spec;
  spec.types = &types;
  spec.abi = &caller->abi();
  for (const model::Field& f : ft.params) spec.params.push_back(f.type);
  spec.result = ft.result;
  spec.lowerType = coreType;
  spec.liftType = parts->core->type;
  if (caller->abi().flattenFuncType(type, model::AbiContext::Lift).core() != spec.liftType) {
    return notFused("the callee's core signature differs from its lifted type");
  }
  spec.callerMemory = callerOptions.memory != nullptr;
  spec.calleeMemory = calleeOptions.memory != nullptr;
  spec.callerRealloc = callerOptions.realloc != nullptr;
  spec.calleeRealloc = calleeOptions.realloc != nullptr;
  spec.postReturn = calleeOptions.postReturn != nullptr;
  spec.exceptionBarrier = parts->instance->mayThrow();
  spec.utf8Only = callerOptions.encoding == abi::StringEncoding::Utf8 &&
                  calleeOptions.encoding == abi::StringEncoding::Utf8;

  // The entering set: the callee's instance and ancestors that are not the caller's.
  std::vector<const ComponentInstance*> entering;
  const std::vector<const ComponentInstance*>& callerChain = caller->selfAndAncestors();
  for (const ComponentInstance* i : parts->instance->selfAndAncestors()) {
    if (std::find(callerChain.begin(), callerChain.end(), i) == callerChain.end()) {
      entering.push_back(i);
    }
  }
  spec.enteringCount = static_cast<uint32_t>(entering.size());

  absl::StatusOr<AdapterModule> built = buildAdapterModule(spec);
  if (absl::IsUnimplemented(built.status())) return notFused("a type the generator does not cover");
  WCR_RETURN_IF_ERROR(built.status());
  if (built->borrowState && entering.empty()) {
    return notFused("borrows passed without reentrance guard");
  }
  absl::StatusOr<AdapterCompiler::Compiled> compiled = adapters.compile(std::move(built->bytes));
  if (!compiled.ok()) {
    return absl::InternalError(
        absl::StrFormat("fused adapter: %s", std::string(compiled.status().message())));
  }

  std::vector<const abi::ResourceType*> resources;
  for (model::ResourceId id : built->resources) resources.push_back(caller->resourceType(id));
  auto state = std::make_shared<CallState>();
  ComponentInstance* callerRaw = caller.get();     // the caller owns the adapter: no shared_ptr
  ComponentInstance* calleeRaw = parts->instance;  // its tree is the caller's or imported by it

  std::vector<vm::Extern> imports;
  for (const std::string& name : built->importNames) {
    vm::Extern e;
    if (name == "trap") {
      e = funcExtern(trapFunc(registry));
    } else if (name == "utf8_caller") {
      e = funcExtern(utf8Validator(registry, callerOptions.memory));
    } else if (name == "utf8_callee") {
      e = funcExtern(utf8Validator(registry, calleeOptions.memory));
    } else if (name == "string_check_caller" || name == "string_check_callee") {
      e = funcExtern(
          stringCheck(registry, name == "string_check_caller" ? callerOptions : calleeOptions));
    } else if (name == "string_copy_params") {
      e = funcExtern(stringCopy(registry, callerOptions, calleeOptions, calleeRaw));
    } else if (name == "string_copy_results") {
      e = funcExtern(stringCopy(registry, calleeOptions, callerOptions, callerRaw));
    } else if (name == "callee") {
      e = funcExtern(parts->core);
    } else if (name == "callee_realloc") {
      e = funcExtern(calleeOptions.realloc);
    } else if (name == "caller_realloc") {
      e = funcExtern(callerOptions.realloc);
    } else if (name == "lift_handle" || name == "lower_handle") {
      e = funcExtern(
          handleIntrinsic(registry, name == "lift_handle", callerRaw, calleeRaw, resources, state));
    } else if (name == "end_call") {
      e = funcExtern(endCallIntrinsic(registry, state));
    } else if (name == "post_return") {
      e = funcExtern(calleeOptions.postReturn);
    } else if (name == "caller_memory" || name == "callee_memory") {
      e.kind = wasm::ExternKind::Memory;
      e.memory = name == "caller_memory" ? callerOptions.memory : calleeOptions.memory;
    } else {
      e.kind = wasm::ExternKind::Global;
      if (name == "caller_flags") {
        e.global = caller->flagsGlobal();
      } else if (name == "callee_flags") {
        e.global = parts->instance->flagsGlobal();
      } else {
        size_t index = std::stoul(name.substr(5));  // "enterN"
        e.global = entering.at(index)->flagsGlobal();
      }
    }
    imports.push_back(std::move(e));
  }
  WCR_ASSIGN_OR_RETURN(
      vm::InstantiationResult inst,
      vm::Instance::instantiate(compiled->module, compiled->code, imports, registry));
  if (inst.failure != vm::InstantiationResult::Failure::None) {
    return absl::InternalError(absl::StrFormat("fused adapter: %s", inst.message));
  }
  std::optional<vm::Extern> adapter = inst.instance->exportByName("adapter");
  if (!adapter || !adapter->func) return absl::InternalError("fused adapter: no export");
  // The callee's component instance (handles, resources) lives as long as the caller's.
  caller->retain(callee);
  if (debug) std::fprintf(stderr, "wcr: canon lower fused\n");
  return adapter->func;
}

}  // namespace wcr::canon::link
