// wcr::Linker (runtime/include/wcr/linker.h): host functions and registered instances by name,
// and instantiation through jit/vm.
#include <cstring>

#include "absl/strings/str_format.h"
#include "jit/vm/host_func.h"
#include "runtime/api/api_impl.h"

namespace wcr {

namespace vm = jit::vm;
namespace wasm = jit::wasm;

namespace {

wasm::ValType toWasm(ValKind kind) {
  switch (kind) {
    case ValKind::I32: return wasm::kI32;
    case ValKind::I64: return wasm::kI64;
    case ValKind::F32: return wasm::kF32;
    case ValKind::F64: return wasm::kF64;
  }
  return wasm::kI32;
}

Val load(ValKind kind, const vm::ValRaw& raw) {
  switch (kind) {
    case ValKind::I32: return Val(raw.i32);
    case ValKind::I64: return Val(raw.i64);
    case ValKind::F32: { float f; std::memcpy(&f, &raw.f32Bits, 4); return Val(f); }
    case ValKind::F64: { double d; std::memcpy(&d, &raw.f64Bits, 8); return Val(d); }
  }
  return Val();
}

void store(const Val& v, vm::ValRaw& raw) {
  switch (v.kind()) {
    case ValKind::I32: raw.i32 = v.i32(); break;
    case ValKind::I64: raw.i64 = v.i64(); break;
    case ValKind::F32: { float f = v.f32(); std::memcpy(&raw.f32Bits, &f, 4); break; }
    case ValKind::F64: { double d = v.f64(); std::memcpy(&raw.f64Bits, &d, 8); break; }
  }
}

}  // namespace

Linker::Linker(const Engine& engine) : impl_(std::make_shared<Impl>()) {
  impl_->engine = engine.impl();
}

Result<void> Linker::defineFunc(const std::string& module, const std::string& name,
                                FuncType type, HostCallback callback) {
  if (!callback) return Error(Error::Kind::Invalid, "defineFunc: empty callback");
  wasm::FuncType wasmType;
  for (ValKind k : type.params) wasmType.params.push_back(toWasm(k));
  for (ValKind k : type.results) wasmType.results.push_back(toWasm(k));
  vm::HostFunction fn = [type, callback = std::move(callback)](vm::ValRaw* values) -> vm::Trap {
    Val args[16], results[16];
    std::vector<Val> bigArgs, bigResults;  // more than 16 values: rare, allocate
    Val* a = args;
    Val* r = results;
    if (type.params.size() > 16) a = (bigArgs.resize(type.params.size()), bigArgs.data());
    if (type.results.size() > 16) r = (bigResults.resize(type.results.size()), bigResults.data());
    for (size_t i = 0; i < type.params.size(); ++i) a[i] = load(type.params[i], values[i]);
    for (size_t i = 0; i < type.results.size(); ++i) {
      r[i] = load(type.results[i], vm::ValRaw{});  // typed zeros
    }
    Result<void> ok = callback(a, r);
    if (!ok.ok()) return vm::Trap(vm::TrapCode::HostTrap, ok.error().message());
    for (size_t i = 0; i < type.results.size(); ++i) {
      if (r[i].kind() != type.results[i]) {
        return vm::Trap(vm::TrapCode::HostTrap,
                        absl::StrFormat("host function result %d is %s, its type says %s", i,
                                        toString(r[i].kind()), toString(type.results[i])));
      }
      store(r[i], values[i]);
    }
    return vm::Trap{};
  };
  vm::Extern ext;
  ext.kind = wasm::ExternKind::Func;
  ext.func = vm::makeHostFunc(impl_->engine->types, std::move(wasmType), std::move(fn));
  impl_->defs[module][name] = std::move(ext);
  return {};
}

Result<void> Linker::defineInstance(const std::string& module, const Instance& instance) {
  vm::Instance& inst = *instance.impl()->instance;
  auto& ns = impl_->defs[module];
  for (const wasm::Export& e : inst.module().exports) ns[e.name] = inst.exportOf(e.kind, e.index);
  return {};
}

Result<Instance> Linker::instantiate(Store& store, const Module& module) const {
  const Module::Impl& m = *module.impl();
  if (m.engine != store.impl()->engine || m.engine != impl_->engine) {
    return Error(Error::Kind::Invalid, "the module, the store and the linker must share an engine");
  }
  std::vector<vm::Extern> imports;
  imports.reserve(m.module->imports.size());
  for (const wasm::Import& imp : m.module->imports) {
    const vm::Extern* found = nullptr;
    if (auto ns = impl_->defs.find(imp.module); ns != impl_->defs.end()) {
      if (auto it = ns->second.find(imp.name); it != ns->second.end()) found = &it->second;
    }
    if (!found) {
      return Error(Error::Kind::Link,
                   absl::StrFormat("unknown import \"%s\" \"%s\"", imp.module, imp.name));
    }
    imports.push_back(*found);
  }
  absl::StatusOr<vm::InstantiationResult> created =
      vm::Instance::instantiate(m.module, m.code, imports, impl_->engine->types);
  if (!created.ok()) return toError(created.status(), Error::Kind::Internal);
  switch (created->failure) {
    case vm::InstantiationResult::Failure::None: break;
    case vm::InstantiationResult::Failure::Link:
      return Error(Error::Kind::Link, created->message);
    case vm::InstantiationResult::Failure::Trap:
      return Error(Error::Kind::Trap, created->message);
  }
  store.impl()->instances.push_back(created->instance);
  auto impl = std::make_shared<Instance::Impl>();
  impl->store = store.impl();
  impl->instance = std::move(created->instance);
  return Instance(std::move(impl));
}

}  // namespace wcr
