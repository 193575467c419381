// JitEngine: instantiation, the spectest module, invocation and value conversion.
#include "runtime/wast/jit_engine.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"
#include "jit/support/status.h"
#include "jit/vm/host_func.h"
#include "jit/vm/invoke.h"

namespace wcr::runtime::wast {

namespace vm = jit::vm;
namespace wasm = jit::wasm;
using jit::text::Value;

namespace {

vm::ValRaw toRaw(const Value& value) {
  vm::ValRaw raw;
  std::memset(&raw, 0, sizeof raw);
  switch (value.type) {
    case Value::Type::I32: raw.i32 = static_cast<int32_t>(value.bits); break;
    case Value::Type::I64: raw.i64 = static_cast<int64_t>(value.bits); break;
    case Value::Type::F32: raw.f32Bits = static_cast<uint32_t>(value.bits); break;
    case Value::Type::F64: raw.f64Bits = value.bits; break;
    case Value::Type::V128: std::memcpy(raw.v128, value.v128.data(), 16); break;
    case Value::Type::FuncRef: raw.ref = nullptr; break;  // scripts only write ref.null func
    case Value::Type::ExnRef: raw.ref = nullptr; break;   // and ref.null exn
    case Value::Type::ExternRef:
      raw.ref = value.isNull ? nullptr : reinterpret_cast<void*>(value.bits + 1);
      break;
  }
  return raw;
}

Value fromRaw(wasm::ValType type, const vm::ValRaw& raw) {
  Value value;
  switch (type.kind()) {
    case wasm::ValKind::I32:
      value.type = Value::Type::I32;
      value.bits = static_cast<uint32_t>(raw.i32);
      break;
    case wasm::ValKind::I64:
      value.type = Value::Type::I64;
      value.bits = static_cast<uint64_t>(raw.i64);
      break;
    case wasm::ValKind::F32:
      value.type = Value::Type::F32;
      value.bits = raw.f32Bits;
      break;
    case wasm::ValKind::F64:
      value.type = Value::Type::F64;
      value.bits = raw.f64Bits;
      break;
    case wasm::ValKind::V128:
      value.type = Value::Type::V128;
      std::memcpy(value.v128.data(), raw.v128, 16);
      break;
    case wasm::ValKind::FuncRef:
      value.type = Value::Type::FuncRef;
      value.isNull = raw.ref == nullptr;
      break;
    case wasm::ValKind::ExternRef:
      value.type = Value::Type::ExternRef;
      value.isNull = raw.ref == nullptr;
      value.bits = value.isNull ? 0 : reinterpret_cast<uintptr_t>(raw.ref) - 1;
      break;
    case wasm::ValKind::ExnRef:
      value.type = Value::Type::ExnRef;
      value.isNull = raw.ref == nullptr;
      break;
  }
  return value;
}

bool typeMatches(wasm::ValType type, const Value& value) {
  switch (type.kind()) {
    case wasm::ValKind::I32: return value.type == Value::Type::I32;
    case wasm::ValKind::I64: return value.type == Value::Type::I64;
    case wasm::ValKind::F32: return value.type == Value::Type::F32;
    case wasm::ValKind::F64: return value.type == Value::Type::F64;
    case wasm::ValKind::V128: return value.type == Value::Type::V128;
    case wasm::ValKind::FuncRef: return value.type == Value::Type::FuncRef;
    case wasm::ValKind::ExternRef: return value.type == Value::Type::ExternRef;
    case wasm::ValKind::ExnRef: return value.type == Value::Type::ExnRef;
  }
  return false;
}

Failure failureOf(vm::TrapCode code) {
  if (code == vm::TrapCode::UncaughtException) return Failure::Exception;
  return code == vm::TrapCode::StackOverflow ? Failure::Exhaustion : Failure::Trap;
}

}  // namespace

JitEngine::JitEngine(vm::Compiler& compiler, vm::CompileOptions options)
    : compiler_(compiler), options_(options) {
  addSpectest();
}

JitEngine::~JitEngine() = default;

// The spec interpreter's `spectest` module. The print functions print nothing: the scripts never
// check their output, and the runner's report should stay readable.
void JitEngine::addSpectest() {
  Namespace& ns = registered_["spectest"];
  auto addFunc = [&](const char* name, std::vector<wasm::ValType> params) {
    vm::Extern ext;
    ext.kind = wasm::ExternKind::Func;
    ext.func = vm::makeHostFunc(types_, wasm::FuncType{std::move(params), {}},
                                [](vm::VMHostContext*, vm::ValRaw*) { return vm::TrapCode::None; },
                                /*data=*/nullptr);
    ns[name] = std::move(ext);
  };
  addFunc("print", {});
  addFunc("print_i32", {wasm::kI32});
  addFunc("print_i64", {wasm::kI64});
  addFunc("print_f32", {wasm::kF32});
  addFunc("print_f64", {wasm::kF64});
  addFunc("print_i32_f32", {wasm::kI32, wasm::kF32});
  addFunc("print_f64_f64", {wasm::kF64, wasm::kF64});

  auto addGlobal = [&](const char* name, wasm::ValType type, const void* bits, size_t size) {
    auto global = std::make_shared<vm::Global>();
    global->type = wasm::GlobalType{type, false};
    std::memcpy(global->storage.bytes, bits, size);
    vm::Extern ext;
    ext.kind = wasm::ExternKind::Global;
    ext.global = std::move(global);
    ns[name] = std::move(ext);
  };
  const int32_t i32 = 666;
  const int64_t i64 = 666;
  const float f32 = 666.6f;
  const double f64 = 666.6;
  addGlobal("global_i32", wasm::kI32, &i32, sizeof i32);
  addGlobal("global_i64", wasm::kI64, &i64, sizeof i64);
  addGlobal("global_f32", wasm::kF32, &f32, sizeof f32);
  addGlobal("global_f64", wasm::kF64, &f64, sizeof f64);

  vm::Extern table;
  table.kind = wasm::ExternKind::Table;
  table.table = *vm::Table::create(wasm::TableType{wasm::kFuncRef, wasm::Limits{10, 20}});
  ns["table"] = std::move(table);

  vm::Extern memory;
  memory.kind = wasm::ExternKind::Memory;
  absl::StatusOr<std::shared_ptr<vm::Memory>> created =
      vm::Memory::create(wasm::MemoryType{wasm::Limits{1, 2}});
  if (created.ok()) {
    memory.memory = *std::move(created);
    ns["memory"] = std::move(memory);
  }
}

absl::StatusOr<InstantiateResult> JitEngine::instantiate(const wasm::Module& module) {
  InstantiateResult result;
  auto shared = std::make_shared<const wasm::Module>(module);
  std::vector<vm::Extern> imports;
  imports.reserve(shared->imports.size());
  for (const wasm::Import& imp : shared->imports) {
    auto ns = registered_.find(imp.module);
    const vm::Extern* found = nullptr;
    if (ns != registered_.end()) {
      auto it = ns->second.find(imp.name);
      if (it != ns->second.end()) found = &it->second;
    }
    if (!found) {
      result.failure = Failure::Unlinkable;
      result.message = absl::StrFormat("unknown import \"%s\" \"%s\"", imp.module, imp.name);
      return result;
    }
    imports.push_back(*found);
  }
  WCR_ASSIGN_OR_RETURN(std::shared_ptr<vm::CompiledCode> code,
                       compiler_.compile(*shared, options_));
  WCR_ASSIGN_OR_RETURN(vm::InstantiationResult created,
                       vm::Instance::instantiate(shared, std::move(code), imports, types_));
  switch (created.failure) {
    case vm::InstantiationResult::Failure::None:
      break;
    case vm::InstantiationResult::Failure::Link:
      result.failure = Failure::Unlinkable;
      result.message = std::move(created.message);
      return result;
    case vm::InstantiationResult::Failure::Trap:
      result.failure = failureOf(created.trap);
      result.message = std::move(created.message);
      break;
  }
  result.instance = static_cast<InstanceId>(instances_.size());
  instances_.push_back(std::move(created.instance));
  return result;
}

absl::StatusOr<vm::Extern> JitEngine::findExport(InstanceId instance,
                                                  std::string_view field) const {
  if (instance >= instances_.size() || !instances_[instance]) {
    return absl::NotFoundError(absl::StrFormat("unknown instance %d", instance));
  }
  std::optional<vm::Extern> ext = instances_[instance]->exportByName(field);
  if (!ext) return absl::NotFoundError(absl::StrFormat("unknown export \"%s\"", field));
  return *std::move(ext);
}

absl::StatusOr<ActionResult> JitEngine::invoke(InstanceId instance, std::string_view field,
                                               absl::Span<const Value> args) {
  WCR_ASSIGN_OR_RETURN(vm::Extern ext, findExport(instance, field));
  if (ext.kind != wasm::ExternKind::Func) {
    return absl::InvalidArgumentError(absl::StrFormat("export \"%s\" is not a function", field));
  }
  const wasm::FuncType& type = ext.func->type;
  if (args.size() != type.params.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "\"%s\" takes %d arguments, %d given", field, type.params.size(), args.size()));
  }
  std::vector<vm::ValRaw> values(std::max<size_t>({type.params.size(), type.results.size(), 1}));
  for (size_t i = 0; i < args.size(); ++i) {
    if (!typeMatches(type.params[i], args[i])) {
      return absl::InvalidArgumentError(
          absl::StrFormat("argument %d of \"%s\" has the wrong type", i, field));
    }
    values[i] = toRaw(args[i]);
  }
  ActionResult result;
  vm::Trap trap = vm::invoke(*ext.func, values.data());
  if (!trap.ok()) {
    result.failure = failureOf(trap.code);
    result.message = std::move(trap.message);
    return result;
  }
  for (size_t i = 0; i < type.results.size(); ++i) {
    result.values.push_back(fromRaw(type.results[i], values[i]));
  }
  return result;
}

absl::StatusOr<ActionResult> JitEngine::get(InstanceId instance, std::string_view field) {
  WCR_ASSIGN_OR_RETURN(vm::Extern ext, findExport(instance, field));
  if (ext.kind != wasm::ExternKind::Global) {
    return absl::InvalidArgumentError(absl::StrFormat("export \"%s\" is not a global", field));
  }
  vm::ValRaw raw;
  std::memcpy(&raw, ext.global->storage.bytes, sizeof raw);
  ActionResult result;
  result.values.push_back(fromRaw(ext.global->type.type, raw));
  return result;
}

absl::Status JitEngine::registerInstance(std::string_view name, InstanceId instance) {
  if (instance >= instances_.size() || !instances_[instance]) {
    return absl::NotFoundError(absl::StrFormat("unknown instance %d", instance));
  }
  vm::Instance& inst = *instances_[instance];
  Namespace ns;
  for (const wasm::Export& e : inst.module().exports) ns[e.name] = inst.exportOf(e.kind, e.index);
  registered_[std::string(name)] = std::move(ns);
  return absl::OkStatus();
}

}  // namespace wcr::runtime::wast
