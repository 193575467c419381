// Component instantiation (see instantiate.h): one pass over the definitions in binary order,
// mirroring the validator's index spaces entry for entry.
#include "canon/link/instantiate.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "canon/abi/abi_trap.h"
#include "jit/support/status.h"
#include "jit/vm/instance.h"

namespace wcr::canon::link {

namespace vm = jit::vm;
namespace wasm = jit::wasm;
using model::Definition;
using model::Sort;

const Item* InstanceItem::find(std::string_view name) const {
  for (const auto& [n, item] : exports) {
    if (n == name) return &item;
  }
  return nullptr;
}

namespace {

absl::StatusOr<std::shared_ptr<const CompiledComponent>> compileNode(
    std::shared_ptr<const model::Component> root, const model::Component& node,
    vm::Compiler& compiler, const vm::CompileOptions& options) {
  auto out = std::make_shared<CompiledComponent>();
  out->root = root;
  out->component = &node;
  for (const model::CoreModuleDef& m : node.coreModules) {
    auto module = std::make_shared<const wasm::Module>(m.module);
    WCR_ASSIGN_OR_RETURN(std::shared_ptr<vm::CompiledCode> code,
                         compiler.compile(*module, options));
    out->modules.push_back(std::move(module));
    out->code.push_back(std::move(code));
  }
  for (const model::Component& child : node.components) {
    WCR_ASSIGN_OR_RETURN(auto compiled, compileNode(root, child, compiler, options));
    out->children.push_back(std::move(compiled));
  }
  return std::shared_ptr<const CompiledComponent>(std::move(out));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const CompiledComponent>> compileComponent(
    std::shared_ptr<const model::Component> validated, vm::Compiler& compiler,
    const vm::CompileOptions& options) {
  if (!validated->info) return absl::InvalidArgumentError("the component was not validated");
  const model::Component& root = *validated;
  return compileNode(std::move(validated), root, compiler, options);
}

// The run-time index spaces of one component instance being built.
struct Scope {
  std::shared_ptr<const OuterEnv> outer;
  const CompiledComponent* def = nullptr;
  const model::ComponentInfo* info = nullptr;
  std::shared_ptr<ComponentInstance> instance;

  struct CoreInstance {
    std::shared_ptr<vm::Instance> instance;  // null for a bag of exports
    absl::flat_hash_map<std::string, vm::Extern> exports;
  };
  std::vector<vm::Extern> coreFuncs, coreTables, coreMemories, coreGlobals, coreTags;
  std::vector<std::shared_ptr<const CoreModuleItem>> coreModules;
  std::vector<CoreInstance> coreInstances;
  std::vector<Item> funcs, types, instances, components, values;
};

namespace {

absl::Status unsupported(const std::string& what) {
  return absl::UnimplementedError(absl::StrFormat("%s is not supported yet", what));
}

absl::Status internal(const std::string& what) {
  return absl::InternalError(absl::StrFormat("instantiation: %s", what));
}

class Instantiator {
 public:
  Instantiator(vm::TypeRegistry& registry, InstantiateResult& result, AdapterCompiler* adapters)
      : registry_(registry), result_(result), adapters_(adapters) {}

  // Returns false (with result_ filled) when instantiation failed as a guest outcome.
  absl::StatusOr<bool> run(Scope& s, const InstanceItem& args,
                           std::shared_ptr<InstanceItem>& exports);

 private:
  absl::StatusOr<bool> definition(Scope& s, const Definition& d, const InstanceItem& args,
                                  InstanceItem& exports);
  absl::StatusOr<bool> coreInstance(Scope& s, const model::CoreInstanceDef& def);
  absl::StatusOr<bool> instance(Scope& s, const model::InstanceDef& def);
  absl::Status alias(Scope& s, const model::Alias& a);
  absl::Status typeDef(Scope& s, const model::RawTypeDef& t);
  absl::Status canon(Scope& s, uint32_t position);
  absl::Status push(Scope& s, Sort sort, Item item);
  absl::Status pushCore(Scope& s, model::CoreSort sort, const vm::Extern& ext);
  absl::StatusOr<Item> itemOf(Scope& s, const model::SortIndex& si);
  void bindInstanceResources(Scope& s, model::InstanceTypeId type, const InstanceItem& item);
  absl::StatusOr<CanonOptions> options(Scope& s, const model::CanonInfo& info);

  vm::TypeRegistry& registry_;
  InstantiateResult& result_;
  AdapterCompiler* adapters_;
};

absl::Status Instantiator::pushCore(Scope& s, model::CoreSort sort, const vm::Extern& ext) {
  switch (sort) {
    case model::CoreSort::Func:
      s.coreFuncs.push_back(ext);
      break;
    case model::CoreSort::Table:
      s.coreTables.push_back(ext);
      break;
    case model::CoreSort::Memory:
      s.coreMemories.push_back(ext);
      break;
    case model::CoreSort::Global:
      s.coreGlobals.push_back(ext);
      break;
    case model::CoreSort::Tag:
      s.coreTags.push_back(ext);
      break;
    default:
      return unsupported(absl::StrFormat("core %s", model::toString(sort)));
  }
  return absl::OkStatus();
}

absl::Status Instantiator::push(Scope& s, Sort sort, Item item) {
  switch (sort.kind) {
    case Sort::Core:
      if (sort.core != model::CoreSort::Module) return internal("core item of a component sort");
      s.coreModules.push_back(item.module);
      return absl::OkStatus();
    case Sort::Func:
      s.funcs.push_back(std::move(item));
      return absl::OkStatus();
    case Sort::Value:
      s.values.push_back(std::move(item));
      return absl::OkStatus();
    case Sort::Type: {
      size_t index = s.types.size();
      if (item.resource && index < s.info->typeSpace.size() &&
          s.info->typeSpace[index].kind == model::AnyType::Resource) {
        s.instance->bindResource(s.info->typeSpace[index].resource(), item.resource);
      }
      s.types.push_back(std::move(item));
      return absl::OkStatus();
    }
    case Sort::Component:
      s.components.push_back(std::move(item));
      return absl::OkStatus();
    case Sort::Instance: {
      size_t index = s.instances.size();
      if (item.instance && index < s.info->instances.size()) {
        bindInstanceResources(s, s.info->instances[index], *item.instance);
      }
      s.instances.push_back(std::move(item));
      return absl::OkStatus();
    }
  }
  return internal("unknown sort");
}

void Instantiator::bindInstanceResources(Scope& s, model::InstanceTypeId type,
                                         const InstanceItem& item) {
  const model::TypeTable& types = *s.info->types;
  for (const auto& [name, ext] : types.instance(type).exports) {
    const Item* found = item.find(name);
    if (!found) continue;
    if (ext.kind == model::ExternType::Type && ext.type.kind == model::AnyType::Resource &&
        found->resource) {
      s.instance->bindResource(ext.type.resource(), found->resource);
    } else if (ext.kind == model::ExternType::Instance && found->instance) {
      bindInstanceResources(s, ext.type.instance(), *found->instance);
    }
  }
}

absl::StatusOr<Item> Instantiator::itemOf(Scope& s, const model::SortIndex& si) {
  auto pick = [&](std::vector<Item>& space) -> absl::StatusOr<Item> {
    if (si.index >= space.size()) return internal("index out of bounds");
    return space[si.index];
  };
  switch (si.sort.kind) {
    case Sort::Core: {
      if (si.sort.core != model::CoreSort::Module || si.index >= s.coreModules.size()) {
        return internal("only core modules are component-level items");
      }
      Item item;
      item.kind = Item::Kind::CoreModule;
      item.module = s.coreModules[si.index];
      return item;
    }
    case Sort::Func:
      return pick(s.funcs);
    case Sort::Value:
      return pick(s.values);
    case Sort::Type:
      return pick(s.types);
    case Sort::Component:
      return pick(s.components);
    case Sort::Instance:
      return pick(s.instances);
  }
  return internal("unknown sort");
}

absl::StatusOr<bool> Instantiator::coreInstance(Scope& s, const model::CoreInstanceDef& def) {
  Scope::CoreInstance out;
  if (!def.instantiate) {
    for (const model::CoreInlineExport& e : def.exports) {
      const std::vector<vm::Extern>* space = nullptr;
      switch (e.sort) {
        case model::CoreSort::Func:
          space = &s.coreFuncs;
          break;
        case model::CoreSort::Table:
          space = &s.coreTables;
          break;
        case model::CoreSort::Memory:
          space = &s.coreMemories;
          break;
        case model::CoreSort::Global:
          space = &s.coreGlobals;
          break;
        case model::CoreSort::Tag:
          space = &s.coreTags;
          break;
        default:
          return unsupported(absl::StrFormat("core %s exports", model::toString(e.sort)));
      }
      if (e.index >= space->size()) return internal("core export index out of bounds");
      out.exports[e.name] = (*space)[e.index];
    }
    s.coreInstances.push_back(std::move(out));
    return true;
  }
  if (def.module >= s.coreModules.size()) return internal("core module index out of bounds");
  const CoreModuleItem& module = *s.coreModules[def.module];
  std::vector<vm::Extern> imports;
  for (const wasm::Import& imp : module.module->imports) {
    const Scope::CoreInstance* arg = nullptr;
    for (const model::CoreInstantiateArg& a : def.args) {
      if (a.name == imp.module && a.instance < s.coreInstances.size()) {
        arg = &s.coreInstances[a.instance];
      }
    }
    auto it = arg ? arg->exports.find(imp.name) : decltype(arg->exports.end()){};
    if (!arg || it == arg->exports.end()) {
      result_.failure = InstantiateResult::Failure::Link;
      result_.message = absl::StrFormat("missing core import \"%s\" \"%s\"", imp.module, imp.name);
      return false;
    }
    imports.push_back(it->second);
  }
  WCR_ASSIGN_OR_RETURN(vm::InstantiationResult created,
                       vm::Instance::instantiate(module.module, module.code, imports, registry_));
  if (created.failure != vm::InstantiationResult::Failure::None) {
    result_.failure = created.failure == vm::InstantiationResult::Failure::Link
                          ? InstantiateResult::Failure::Link
                          : InstantiateResult::Failure::Trap;
    result_.message = created.message;
    return false;
  }
  out.instance = created.instance;
  if (module.module->numTags() > 0) s.instance->setMayThrow();
  for (const wasm::Export& e : module.module->exports) {
    out.exports[e.name] = created.instance->exportOf(e.kind, e.index);
  }
  s.instance->retain(created.instance);
  s.coreInstances.push_back(std::move(out));
  return true;
}

absl::StatusOr<bool> Instantiator::instance(Scope& s, const model::InstanceDef& def) {
  auto item = std::make_shared<InstanceItem>();
  if (!def.instantiate) {
    for (const model::InlineExport& e : def.exports) {
      WCR_ASSIGN_OR_RETURN(Item it, itemOf(s, e.item));
      item->exports.emplace_back(e.name.name, std::move(it));
    }
  } else {
    if (def.component >= s.components.size()) return internal("component index out of bounds");
    const ComponentItem& component = *s.components[def.component].component;
    InstanceItem args;
    for (const model::InstantiateArg& a : def.args) {
      WCR_ASSIGN_OR_RETURN(Item it, itemOf(s, a.item));
      args.exports.emplace_back(a.name, std::move(it));
    }
    Scope child;
    child.outer = component.outer;
    child.def = component.def.get();
    child.info = component.def->component->info.get();
    child.instance = std::make_shared<ComponentInstance>(child.info->types, s.instance.get());
    std::shared_ptr<InstanceItem> childExports;
    WCR_ASSIGN_OR_RETURN(bool ok, run(child, args, childExports));
    if (!ok) return false;
    s.instance->retain(child.instance);
    item = std::move(childExports);
  }
  Item out;
  out.kind = Item::Kind::Instance;
  out.instance = std::move(item);
  WCR_RETURN_IF_ERROR(push(s, Sort{Sort::Instance}, std::move(out)));
  return true;
}

absl::Status Instantiator::alias(Scope& s, const model::Alias& a) {
  switch (a.kind) {
    case model::Alias::CoreInstanceExport: {
      if (a.instance >= s.coreInstances.size()) return internal("core instance out of bounds");
      auto it = s.coreInstances[a.instance].exports.find(a.name);
      if (it == s.coreInstances[a.instance].exports.end()) return internal("missing core export");
      return pushCore(s, a.sort.core, it->second);
    }
    case model::Alias::InstanceExport: {
      if (a.instance >= s.instances.size() || !s.instances[a.instance].instance) {
        return internal("instance out of bounds");
      }
      const Item* found = s.instances[a.instance].instance->find(a.name);
      if (!found) return internal(absl::StrFormat("missing export \"%s\"", a.name));
      return push(s, a.sort, *found);
    }
    case model::Alias::Outer: {
      if (a.sort.kind == Sort::Core && a.sort.core == model::CoreSort::Type)
        return absl::OkStatus();
      Item item;
      if (a.outerCount == 0) {
        WCR_ASSIGN_OR_RETURN(item, itemOf(s, model::SortIndex{a.sort, a.outerIndex}));
        return push(s, a.sort, std::move(item));
      }
      const OuterEnv* env = s.outer.get();
      for (uint32_t i = 1; env && i < a.outerCount; ++i) env = env->outer.get();
      if (!env) return internal("outer alias beyond the outermost component");
      auto pick = [&](const auto& space) -> absl::Status {
        if (a.outerIndex >= space.size()) return internal("outer alias index out of bounds");
        return absl::OkStatus();
      };
      if (a.sort.kind == Sort::Core) {
        WCR_RETURN_IF_ERROR(pick(env->coreModules));
        item.kind = Item::Kind::CoreModule;
        item.module = env->coreModules[a.outerIndex];
      } else if (a.sort.kind == Sort::Type) {
        WCR_RETURN_IF_ERROR(pick(env->types));
        item = env->types[a.outerIndex];
      } else if (a.sort.kind == Sort::Component) {
        WCR_RETURN_IF_ERROR(pick(env->components));
        item = env->components[a.outerIndex];
      } else {
        return internal("outer alias of a sort other than type, module or component");
      }
      return push(s, a.sort, std::move(item));
    }
  }
  return internal("unknown alias");
}

absl::Status Instantiator::typeDef(Scope& s, const model::RawTypeDef& t) {
  Item item;
  item.kind = Item::Kind::Type;
  size_t index = s.types.size();
  if (t.kind == model::RawTypeDef::Resource) {
    if (index >= s.info->typeSpace.size()) return internal("type index out of bounds");
    model::ResourceId id = s.info->typeSpace[index].resource();
    const abi::ResourceType* rt =
        s.instance->defineResource(id, absl::StrFormat("resource %d", index));
    if (t.resource.dtor) {
      if (*t.resource.dtor >= s.coreFuncs.size()) return internal("destructor out of bounds");
      s.instance->setDestructor(rt, s.coreFuncs[*t.resource.dtor].func);
    }
    item.resource = rt;
    s.types.push_back(std::move(item));  // already bound by defineResource
    return absl::OkStatus();
  }
  s.types.push_back(std::move(item));
  return absl::OkStatus();
}

absl::StatusOr<CanonOptions> Instantiator::options(Scope& s, const model::CanonInfo& info) {
  CanonOptions o;
  switch (info.encoding) {
    case model::StringEncoding::Utf8:
      o.encoding = abi::StringEncoding::Utf8;
      break;
    case model::StringEncoding::Utf16:
      o.encoding = abi::StringEncoding::Utf16;
      break;
    case model::StringEncoding::Latin1Utf16:
      o.encoding = abi::StringEncoding::Latin1Utf16;
      break;
  }
  if (info.memory) {
    if (*info.memory >= s.coreMemories.size()) return internal("memory option out of bounds");
    o.memory = s.coreMemories[*info.memory].memory;
  }
  auto func =
      [&](std::optional<uint32_t> index) -> absl::StatusOr<std::shared_ptr<const vm::Func>> {
    if (!index) return nullptr;
    if (*index >= s.coreFuncs.size()) return internal("function option out of bounds");
    return s.coreFuncs[*index].func;
  };
  WCR_ASSIGN_OR_RETURN(o.realloc, func(info.realloc));
  WCR_ASSIGN_OR_RETURN(o.postReturn, func(info.postReturn));
  if (info.async || info.callback) return unsupported("the async ABI (`async` lift or lower)");
  return o;
}

absl::Status Instantiator::canon(Scope& s, uint32_t position) {
  const model::CanonDef& c = s.def->component->canons[position];
  const model::CanonInfo& info = s.info->canons[position];
  auto pushCoreFunc = [&](std::shared_ptr<const vm::Func> f) {
    vm::Extern ext;
    ext.kind = wasm::ExternKind::Func;
    ext.func = std::move(f);
    s.coreFuncs.push_back(std::move(ext));
  };
  switch (c.kind) {
    case model::CanonKind::Lift: {
      if (c.func >= s.coreFuncs.size()) return internal("core function out of bounds");
      WCR_ASSIGN_OR_RETURN(CanonOptions o, options(s, info));
      Item item;
      item.kind = Item::Kind::Func;
      item.func = makeLiftedFunc(s.instance, info.funcType, s.coreFuncs[c.func].func, std::move(o));
      s.funcs.push_back(std::move(item));
      return absl::OkStatus();
    }
    case model::CanonKind::Lower: {
      if (c.func >= s.funcs.size() || !s.funcs[c.func].func)
        return internal("function out of bounds");
      WCR_ASSIGN_OR_RETURN(CanonOptions o, options(s, info));
      const std::shared_ptr<Func>& callee = s.funcs[c.func].func;
      if (adapters_) {
        WCR_ASSIGN_OR_RETURN(std::shared_ptr<const vm::Func> fused,
                             makeFusedLoweredFunc(*adapters_, registry_, s.instance, info.funcType,
                                                  info.coreType, callee, o));
        if (fused) {
          pushCoreFunc(std::move(fused));
          return absl::OkStatus();
        }
      }
      pushCoreFunc(makeLoweredFunc(registry_, s.instance, info.funcType, info.coreType, callee,
                                   std::move(o)));
      return absl::OkStatus();
    }
    case model::CanonKind::ResourceNew:
    case model::CanonKind::ResourceRep:
    case model::CanonKind::ResourceDrop: {
      const abi::ResourceType* rt = s.instance->resourceType(info.resource);
      if (!rt) return internal("resource type without a run-time identity");
      ResourceBuiltin b = c.kind == model::CanonKind::ResourceNew   ? ResourceBuiltin::New
                          : c.kind == model::CanonKind::ResourceRep ? ResourceBuiltin::Rep
                                                                    : ResourceBuiltin::Drop;
      pushCoreFunc(makeResourceBuiltin(registry_, s.instance, b, rt));
      return absl::OkStatus();
    }
    default:
      return unsupported(absl::StrFormat("canon %s", model::toString(c.kind)));
  }
}

absl::StatusOr<bool> Instantiator::definition(Scope& s, const Definition& d,
                                              const InstanceItem& args, InstanceItem& exports) {
  const model::Component& c = *s.def->component;
  switch (d.kind) {
    case Definition::CoreModule: {
      auto item = std::make_shared<CoreModuleItem>();
      item->module = s.def->modules[d.position];
      item->code = s.def->code[d.position];
      s.coreModules.push_back(std::move(item));
      return true;
    }
    case Definition::CoreInstance:
      return coreInstance(s, c.coreInstances[d.position]);
    case Definition::CoreType:
      return true;
    case Definition::Component: {
      auto env = std::make_shared<OuterEnv>();
      env->outer = s.outer;
      env->coreModules = s.coreModules;
      env->types = s.types;
      env->components = s.components;
      auto item = std::make_shared<ComponentItem>();
      item->def = s.def->children[d.position];
      item->outer = std::move(env);
      Item out;
      out.kind = Item::Kind::Component;
      out.component = std::move(item);
      s.components.push_back(std::move(out));
      return true;
    }
    case Definition::Instance:
      return instance(s, c.instances[d.position]);
    case Definition::Alias:
      WCR_RETURN_IF_ERROR(alias(s, c.aliases[d.position]));
      return true;
    case Definition::Type:
      WCR_RETURN_IF_ERROR(typeDef(s, c.types[d.position]));
      return true;
    case Definition::Canon:
      WCR_RETURN_IF_ERROR(canon(s, d.position));
      return true;
    case Definition::Start:
      return unsupported("a component start function");
    case Definition::Import: {
      const model::ImportDef& imp = c.imports[d.position];
      const Item* item = args.find(imp.name.name);
      if (!item) {
        result_.failure = InstantiateResult::Failure::Link;
        result_.message = absl::StrFormat("missing import named `%s`", imp.name.name);
        return false;
      }
      Sort sort{imp.type.kind == Sort::Core ? Sort::Core : imp.type.kind};
      if (imp.type.kind == Sort::Core) sort.core = model::CoreSort::Module;
      WCR_RETURN_IF_ERROR(push(s, sort, *item));
      return true;
    }
    case Definition::Export: {
      const model::ExportDef& e = c.exports[d.position];
      WCR_ASSIGN_OR_RETURN(Item item, itemOf(s, e.item));
      exports.exports.emplace_back(e.name.name, item);
      WCR_RETURN_IF_ERROR(push(s, e.item.sort, std::move(item)));
      return true;
    }
    case Definition::Value:
      return unsupported("component value definitions");
  }
  return true;
}

absl::StatusOr<bool> Instantiator::run(Scope& s, const InstanceItem& args,
                                       std::shared_ptr<InstanceItem>& exports) {
  exports = std::make_shared<InstanceItem>();
  for (const Definition& d : s.def->component->definitions) {
    WCR_ASSIGN_OR_RETURN(bool ok, definition(s, d, args, *exports));
    if (!ok) return false;
  }
  return true;
}

}  // namespace

namespace {
// The instances behind imported functions stay alive as long as the importer (lifted functions
// point at their own instances only weakly).
void retainImportedTrees(ComponentInstance& root, const InstanceItem& imports) {
  for (const auto& [name, item] : imports.exports) {
    if (item.func) {
      if (std::shared_ptr<const void> owner = item.func->owner()) root.retain(std::move(owner));
    }
    if (item.instance) retainImportedTrees(root, *item.instance);
  }
}
}  // namespace

absl::StatusOr<InstantiateResult> instantiate(std::shared_ptr<const CompiledComponent> component,
                                              const InstanceItem& imports,
                                              vm::TypeRegistry& registry,
                                              AdapterCompiler* adapters) {
  InstantiateResult result;
  Scope s;
  s.def = component.get();
  s.info = component->component->info.get();
  if (!s.info) return absl::InvalidArgumentError("the component was not validated");
  s.instance = std::make_shared<ComponentInstance>(s.info->types, nullptr);
  s.instance->retain(component);
  retainImportedTrees(*s.instance, imports);
  Instantiator instantiator(registry, result, adapters);
  std::shared_ptr<InstanceItem> exports;
  WCR_ASSIGN_OR_RETURN(bool ok, instantiator.run(s, imports, exports));
  if (!ok) return result;
  result.instance = s.instance;
  result.exports = std::move(exports);
  return result;
}

}  // namespace wcr::canon::link
