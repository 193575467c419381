// wcr::Component, wcr::ComponentLinker, wcr::ComponentInstance and wcr::ComponentFunc
// (runtime/include/wcr/component.h) over canon/model (decode, validate, types), canon/text (the
// text format), canon/link (compile, instantiate, call) and canon/abi (values).
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "canon/abi/abi_trap.h"
#include "canon/link/component_instance.h"
#include "canon/model/validator.h"
#include "canon/text/component_parser.h"
#include "jit/support/status.h"
#include "runtime/api/api_impl.h"

namespace wcr {

namespace model = canon::model;
namespace link = canon::link;
using canon::abi::Value;

const char* toString(ComponentItem::Kind kind) {
  switch (kind) {
    case ComponentItem::Kind::Module:
      return "module";
    case ComponentItem::Kind::Func:
      return "func";
    case ComponentItem::Kind::Value:
      return "value";
    case ComponentItem::Kind::Type:
      return "type";
    case ComponentItem::Kind::Component:
      return "component";
    case ComponentItem::Kind::Instance:
      return "instance";
  }
  return "?";
}

namespace {

ComponentItem describe(const model::TypeTable& types, const std::string& name,
                       const model::ExternType& ext) {
  ComponentItem out;
  out.name = name;
  out.kind = static_cast<ComponentItem::Kind>(ext.kind);
  switch (ext.kind) {
    case model::ExternType::Module:
      out.type = "module";
      break;
    case model::ExternType::Func:
      out.type = types.toString(ext.type.func());
      break;
    case model::ExternType::Value:
      out.type = types.toString(ext.type.value);
      break;
    case model::ExternType::Type:
      switch (ext.type.kind) {
        case model::AnyType::Value:
          out.type = types.toString(ext.type.value);
          break;
        case model::AnyType::Func:
          out.type = types.toString(ext.type.func());
          break;
        case model::AnyType::Resource:
          out.type = "resource";
          break;
        default:
          out.type = model::toString(ext.type.kind);
          break;
      }
      break;
    case model::ExternType::Component:
      out.type = "component";
      break;
    case model::ExternType::Instance:
      out.type = "instance";
      for (const auto& [member, memberType] : types.instance(ext.type.instance()).exports) {
        out.members.push_back(describe(types, member, memberType));
      }
      break;
  }
  return out;
}

std::vector<ComponentItem> describeAll(const model::TypeTable& types,
                                       const std::vector<model::NamedExtern>& items) {
  std::vector<ComponentItem> out;
  for (const auto& [name, ext] : items) out.push_back(describe(types, name, ext));
  return out;
}

std::optional<ComponentValKind> kindOfPrim(model::ValType t) {
  if (!t.isPrimitive() || t.prim() == model::PrimType::ErrorContext) return std::nullopt;
  // PrimType and ComponentValKind list bool .. string in the same order.
  return static_cast<ComponentValKind>(t.prim());
}

Error linkError(std::string message) { return Error(Error::Kind::Link, std::move(message)); }

bool isResourceType(const model::ExternType& ext) {
  return ext.kind == model::ExternType::Type && ext.type.kind == model::AnyType::Resource;
}

// A linker callback bound to the func type `type` of the importing component.
link::HostFn bindHostFunc(std::shared_ptr<model::TypeTable> types, model::FuncTypeId type,
                          ComponentHostCallback callback, std::string name) {
  return [types = std::move(types), type, callback = std::move(callback), name = std::move(name)](
             absl::Span<const Value> args, std::vector<Value>& results) -> absl::Status {
    const model::FuncType& ft = types->func(type);
    std::vector<ComponentVal> params;
    params.reserve(args.size());
    for (size_t i = 0; i < args.size() && i < ft.params.size(); ++i) {
      absl::StatusOr<ComponentVal> v = fromAbiValue(*types, args[i], ft.params[i].type);
      if (!v.ok()) {
        return canon::abi::abiTrap(
            absl::StrCat("host function `", name, "`: ", v.status().message()));
      }
      params.push_back(*std::move(v));
    }
    std::vector<ComponentVal> out;
    Result<void> called = callback(params, out);
    if (!called.ok()) return canon::abi::abiTrap(called.error().message());
    size_t want = ft.result ? 1 : 0;
    if (out.size() != want) {
      return canon::abi::abiTrap(
          absl::StrFormat("host function `%s` returned %d results, its type %s has %d", name,
                          out.size(), types->toString(type), want));
    }
    for (const ComponentVal& r : out) {
      absl::StatusOr<Value> v =
          toAbiValue(*types, r, *ft.result, absl::StrFormat("host function `%s` result", name));
      if (!v.ok()) return canon::abi::abiTrap(std::string(v.status().message()));
      results.push_back(*std::move(v));
    }
    return absl::OkStatus();
  };
}

}  // namespace

// ---- Component ----

Result<Component> Component::fromBytes(const Engine& engine, const uint8_t* data, size_t size) {
  std::vector<uint8_t> text;
  absl::Span<const uint8_t> bytes(data, size);
  if (size == 0 || data[0] != 0) {  // text format (binary starts with the \0asm magic)
    absl::StatusOr<std::vector<uint8_t>> binary =
        canon::text::parseComponentWat(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!binary.ok()) return toError(binary.status());
    text = *std::move(binary);
    bytes = text;
  }
  absl::StatusOr<model::Component> decoded = model::decodeAndValidate(bytes);
  if (!decoded.ok()) return toError(decoded.status());
  jit::vm::CompileOptions options;
  options.optLevel = engine.config().optLevel;
  options.cacheDir = engine.config().cacheDir;
  absl::StatusOr<std::shared_ptr<const link::CompiledComponent>> compiled =
      link::compileComponent(std::make_shared<const model::Component>(*std::move(decoded)),
                             *engine.impl()->compiler, options);
  if (!compiled.ok()) return toError(compiled.status(), Error::Kind::Internal);
  auto impl = std::make_shared<Impl>();
  impl->engine = engine.impl();
  impl->compiled = *std::move(compiled);
  return Component(std::move(impl));
}

Result<Component> Component::fromFile(const Engine& engine, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Error::Kind::Io, absl::StrFormat("%s: cannot open the file", path));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  Result<Component> component = fromBytes(engine, bytes.data(), bytes.size());
  if (!component.ok()) {
    return Error(component.error().kind(),
                 absl::StrFormat("%s: %s", path, component.error().message()));
  }
  return component;
}

std::vector<ComponentItem> Component::imports() const {
  const model::ComponentInfo& info = impl_->info();
  return describeAll(*info.types, info.types->component(info.type).imports);
}

std::vector<ComponentItem> Component::exports() const {
  const model::ComponentInfo& info = impl_->info();
  return describeAll(*info.types, info.types->component(info.type).exports);
}

// ---- ComponentFunc ----

Result<std::vector<ComponentVal>> ComponentFunc::call(const std::vector<ComponentVal>& args) const {
  link::Func& func = *impl_->func;
  const model::TypeTable& types = func.types();
  const model::FuncType& ft = types.func(func.type());
  if (args.size() != ft.params.size()) {
    return Error(Error::Kind::Invalid,
                 absl::StrFormat("the function %s takes %d arguments, %d given",
                                 types.toString(func.type()), ft.params.size(), args.size()));
  }
  std::vector<Value> values;
  values.reserve(args.size());
  for (size_t i = 0; i < args.size(); ++i) {
    absl::StatusOr<Value> v = toAbiValue(types, args[i], ft.params[i].type,
                                         absl::StrFormat("argument %d `%s`", i, ft.params[i].name));
    if (!v.ok()) return toError(v.status());
    values.push_back(*std::move(v));
  }
  std::vector<Value> lifted;
  absl::Status status = func.call(nullptr, values, [&](std::vector<Value>& r) {
    lifted = std::move(r);
    return absl::OkStatus();
  });
  if (!status.ok()) {
    if (canon::abi::isAbiTrap(status)) return toError(status, Error::Kind::Trap);
    return toError(status, status.code() == absl::StatusCode::kInvalidArgument
                               ? Error::Kind::Invalid
                               : Error::Kind::Internal);
  }
  std::vector<ComponentVal> results;
  for (size_t i = 0; i < lifted.size() && ft.result; ++i) {
    absl::StatusOr<ComponentVal> v = fromAbiValue(types, lifted[i], *ft.result);
    if (!v.ok()) return toError(v.status(), Error::Kind::Internal);
    results.push_back(*std::move(v));
  }
  return results;
}

std::vector<ComponentParam> ComponentFunc::params() const {
  const model::TypeTable& types = impl_->func->types();
  std::vector<ComponentParam> out;
  for (const model::Field& p : types.func(impl_->func->type()).params) {
    out.push_back({p.name, types.toString(p.type)});
  }
  return out;
}

std::vector<std::string> ComponentFunc::results() const {
  const model::TypeTable& types = impl_->func->types();
  const model::FuncType& ft = types.func(impl_->func->type());
  if (!ft.result) return {};
  return {types.toString(*ft.result)};
}

std::string ComponentFunc::typeText() const {
  return impl_->func->types().toString(impl_->func->type());
}

namespace detail {

Result<void> checkComponentSignature(const ComponentFunc& func,
                                     const std::vector<ComponentValKind>& params,
                                     std::optional<ComponentValKind> result) {
  std::vector<std::string> want;
  for (ComponentValKind k : params) want.push_back(toString(k));
  std::string wanted =
      absl::StrFormat("(%s) -> %s", absl::StrJoin(want, ", "), result ? toString(*result) : "()");
  auto mismatch = [&] {
    return Error(Error::Kind::Invalid,
                 absl::StrFormat("function type mismatch: expected %s, the function is %s", wanted,
                                 func.typeText()));
  };
  const link::Func& f = *func.impl()->func;
  const model::FuncType& ft = f.types().func(f.type());
  if (ft.params.size() != params.size() || ft.result.has_value() != result.has_value()) {
    return mismatch();
  }
  for (size_t i = 0; i < params.size(); ++i) {
    if (kindOfPrim(ft.params[i].type) != params[i]) return mismatch();
  }
  if (result && kindOfPrim(*ft.result) != *result) return mismatch();
  return {};
}

Result<void> checkComponentKinds(const std::vector<ComponentVal>& values,
                                 const std::vector<ComponentValKind>& kinds) {
  if (values.size() != kinds.size()) {
    return Error(Error::Kind::Invalid,
                 absl::StrFormat("the host function takes %d arguments, the import passes %d",
                                 kinds.size(), values.size()));
  }
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (values[i].kind() != kinds[i]) {
      return Error(Error::Kind::Invalid,
                   absl::StrFormat("the host function takes %s for argument %d, the import "
                                   "passes %s",
                                   toString(kinds[i]), i, toString(values[i].kind())));
    }
  }
  return {};
}

}  // namespace detail

// ---- ComponentInstance ----

namespace {
std::optional<ComponentFunc> funcOf(const link::Item* item, std::shared_ptr<const void> owner) {
  if (!item || item->kind != link::Item::Kind::Func || !item->func) return std::nullopt;
  auto impl = std::make_shared<ComponentFunc::Impl>();
  impl->func = item->func;
  impl->keepAlive = std::move(owner);
  return ComponentFunc(std::move(impl));
}
}  // namespace

std::optional<ComponentFunc> ComponentInstance::func(std::string_view name) const {
  return funcOf(impl_->exports->find(name), impl_);
}

std::optional<ComponentFunc> ComponentInstance::func(std::string_view interfaceName,
                                                     std::string_view name) const {
  const link::Item* iface = impl_->exports->find(interfaceName);
  if (!iface || iface->kind != link::Item::Kind::Instance || !iface->instance) return std::nullopt;
  return funcOf(iface->instance->find(name), impl_);
}

std::vector<std::string> ComponentInstance::exportNames() const {
  std::vector<std::string> out;
  for (const auto& [name, item] : impl_->exports->exports) out.push_back(name);
  return out;
}

// ---- ComponentLinker ----

ComponentLinker::ComponentLinker(const Engine& engine) : impl_(std::make_shared<Impl>()) {
  impl_->engine = engine.impl();
}

Result<void> ComponentLinker::defineFunc(const std::string& name, ComponentHostCallback callback) {
  if (!callback) return Error(Error::Kind::Invalid, "defineFunc: empty callback");
  auto [it, inserted] = impl_->defs.try_emplace(name);
  if (!inserted && it->second.isInstance) {
    return Error(Error::Kind::Invalid,
                 absl::StrFormat("`%s` is already defined as an instance", name));
  }
  it->second.func = std::move(callback);
  return {};
}

Result<void> ComponentLinker::defineFunc(const std::string& interfaceName,
                                         const std::string& funcName,
                                         ComponentHostCallback callback) {
  if (!callback) return Error(Error::Kind::Invalid, "defineFunc: empty callback");
  auto [it, inserted] = impl_->defs.try_emplace(interfaceName);
  if (!inserted && !it->second.isInstance) {
    return Error(Error::Kind::Invalid,
                 absl::StrFormat("`%s` is already defined as a func", interfaceName));
  }
  it->second.isInstance = true;
  it->second.funcs[funcName] = std::move(callback);
  return {};
}

Result<ResourceType> ComponentLinker::defineResource(const std::string& interfaceName,
                                                     const std::string& resourceName,
                                                     std::function<void(uint32_t)> onDrop) {
  auto [it, inserted] = impl_->defs.try_emplace(interfaceName);
  if (!inserted && !it->second.isInstance) {
    return Error(Error::Kind::Invalid,
                 absl::StrFormat("`%s` is already defined as a func", interfaceName));
  }
  it->second.isInstance = true;
  auto type = std::make_shared<canon::abi::ResourceType>();
  type->name = resourceName;
  type->hostDrop = std::move(onDrop);
  it->second.resources[resourceName] = type;
  return ResourceType(std::shared_ptr<const void>(type, type.get()));
}

namespace {

// The instance import `name` of type `type`, made of the linker's definitions; the host
// resource types it uses are added to `resources`.
Result<std::shared_ptr<link::InstanceItem>> instanceImport(
    const std::shared_ptr<model::TypeTable>& types, model::InstanceTypeId type,
    const std::string& name, const ComponentLinker::Impl::Definition& def,
    std::vector<std::shared_ptr<canon::abi::ResourceType>>& resources) {
  auto item = std::make_shared<link::InstanceItem>();
  for (const auto& [member, ext] : types->instance(type).exports) {
    link::Item out;
    if (ext.kind == model::ExternType::Func) {
      auto fn = def.funcs.find(member);
      if (fn == def.funcs.end()) {
        return linkError(absl::StrFormat("missing function `%s` (%s) of the imported instance `%s`",
                                         member, types->toString(ext.type.func()), name));
      }
      out.kind = link::Item::Kind::Func;
      out.func = link::makeHostFunc(
          types, ext.type.func(),
          bindHostFunc(types, ext.type.func(), fn->second, absl::StrCat(name, "#", member)));
    } else if (ext.kind == model::ExternType::Type && !isResourceType(ext)) {
      out.kind = link::Item::Kind::Type;  // a value type: nothing to provide at run time
    } else if (isResourceType(ext)) {
      auto res = def.resources.find(member);
      if (res == def.resources.end()) {
        return linkError(absl::StrFormat(
            "missing resource type `%s` of the imported instance `%s` (define it with "
            "defineResource)",
            member, name));
      }
      out.kind = link::Item::Kind::Type;
      out.resource = res->second.get();
      resources.push_back(res->second);
    } else {
      return linkError(absl::StrFormat(
          "the imported instance `%s` exports the %s `%s`; the linker provides funcs and "
          "resource types only",
          name, ext.describe(), member));
    }
    item->exports.emplace_back(member, std::move(out));
  }
  return item;
}

}  // namespace

Result<ComponentInstance> ComponentLinker::instantiate(Store& store,
                                                       const Component& component) const {
  const Component::Impl& c = *component.impl();
  if (c.engine != store.impl()->engine || c.engine != impl_->engine) {
    return Error(Error::Kind::Invalid,
                 "the component, the store and the linker must share an engine");
  }
  const model::ComponentInfo& info = c.info();
  const std::shared_ptr<model::TypeTable>& types = info.types;
  link::InstanceItem args;
  std::vector<std::shared_ptr<canon::abi::ResourceType>> resources;
  for (const auto& [name, ext] : types->component(info.type).imports) {
    auto def = impl_->defs.find(name);
    link::Item item;
    if (ext.kind == model::ExternType::Type && !isResourceType(ext)) {
      item.kind = link::Item::Kind::Type;
      args.exports.emplace_back(name, std::move(item));
      continue;
    }
    std::string what = describe(*types, name, ext).type;
    if (ext.kind != model::ExternType::Func && ext.kind != model::ExternType::Instance) {
      return linkError(absl::StrFormat(
          "the import `%s` is a %s; the linker provides funcs and instances of funcs", name,
          isResourceType(ext) ? "resource type" : ext.describe()));
    }
    if (def == impl_->defs.end()) {
      return linkError(absl::StrFormat("missing import `%s` (%s %s)", name, ext.describe(),
                                       ext.kind == model::ExternType::Func ? what : "of funcs"));
    }
    if (ext.kind == model::ExternType::Func) {
      if (def->second.isInstance) {
        return linkError(absl::StrFormat(
            "the import `%s` is a func (%s), the linker defines an instance of that name", name,
            what));
      }
      item.kind = link::Item::Kind::Func;
      item.func = link::makeHostFunc(types, ext.type.func(),
                                     bindHostFunc(types, ext.type.func(), def->second.func, name));
    } else {
      if (!def->second.isInstance) {
        return linkError(absl::StrFormat(
            "the import `%s` is an instance, the linker defines a func of that name", name));
      }
      Result<std::shared_ptr<link::InstanceItem>> instance =
          instanceImport(types, ext.type.instance(), name, def->second, resources);
      if (!instance.ok()) return instance.error();
      item.kind = link::Item::Kind::Instance;
      item.instance = *std::move(instance);
    }
    args.exports.emplace_back(name, std::move(item));
  }
  absl::StatusOr<link::InstantiateResult> created =
      link::instantiate(c.compiled, args, impl_->engine->types, impl_->engine->adapters.get());
  if (!created.ok()) return toError(created.status(), Error::Kind::Internal);
  switch (created->failure) {
    case link::InstantiateResult::Failure::None:
      break;
    case link::InstantiateResult::Failure::Link:
      return linkError(created->message);
    case link::InstantiateResult::Failure::Trap:
      return Error(Error::Kind::Trap, created->message);
  }
  // The instance's handle tables point at the host resource types it imported.
  for (const auto& r : resources) created->instance->retain(r);
  store.impl()->componentInstances.push_back(created->instance);
  auto impl = std::make_shared<ComponentInstance::Impl>();
  impl->store = store.impl();
  impl->instance = std::move(created->instance);
  impl->exports = std::move(created->exports);
  return ComponentInstance(std::move(impl));
}

}  // namespace wcr
