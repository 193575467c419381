// Component validation: the walk over a component's definitions (validator.h). Core modules,
// core and component instances, aliases, imports, exports, start; the rules of external
// visibility; the component's own type. Types, canon definitions, subtyping and names live in
// their own files (validator_impl.h).
#include "canon/model/validator.h"

#include <functional>

#include "absl/strings/str_cat.h"
#include "canon/model/decoder.h"
#include "canon/model/validator_impl.h"
#include "jit/support/status.h"
#include "jit/wasm/validator.h"

namespace wcr::canon::model {

namespace internal {

absl::Status outOfBounds(Sort sort, uint32_t index, size_t offset);  // validate_types.cc

namespace {

namespace wasm = jit::wasm;

CoreExternDesc descOf(const wasm::Module& m, wasm::ExternKind kind, uint32_t index) {
  CoreExternDesc d;
  d.kind = kind;
  switch (kind) {
    case wasm::ExternKind::Func:
      d.func = m.funcType(index);
      break;
    case wasm::ExternKind::Table:
      d.table = m.tableType(index);
      break;
    case wasm::ExternKind::Memory:
      d.memory = m.memoryType(index);
      break;
    case wasm::ExternKind::Global:
      d.global = m.globalType(index);
      break;
    case wasm::ExternKind::Tag:  // the component model's core types spell a tag this way
      d.kind = wasm::ExternKind::Func;
      d.isTag = true;
      d.func = m.tagType(index);
      break;
  }
  return d;
}

// ExternType kind <-> alias sort.
bool sortMatches(Sort sort, ExternType::Kind kind) {
  switch (sort.kind) {
    case Sort::Core:
      return sort.core == CoreSort::Module && kind == ExternType::Module;
    case Sort::Func:
      return kind == ExternType::Func;
    case Sort::Value:
      return kind == ExternType::Value;
    case Sort::Type:
      return kind == ExternType::Type;
    case Sort::Component:
      return kind == ExternType::Component;
    case Sort::Instance:
      return kind == ExternType::Instance;
  }
  return false;
}

const char* sortNoun(Sort sort) {
  switch (sort.kind) {
    case Sort::Core:
      return sort.core == CoreSort::Module ? "module" : toString(sort.core);
    case Sort::Func:
      return "func";
    case Sort::Value:
      return "value";
    case Sort::Type:
      return "type";
    case Sort::Component:
      return "component";
    case Sort::Instance:
      return "instance";
  }
  return "?";
}

}  // namespace

void Validator::push(Scope& s, const ExternType& t) {
  switch (t.kind) {
    case ExternType::Module:
      s.info.coreModules.push_back(t.module);
      break;
    case ExternType::Func:
      s.info.funcs.push_back(t.type.func());
      break;
    case ExternType::Value:
      s.info.values.push_back(t.type.value);
      s.valueConsumed.push_back(false);
      break;
    case ExternType::Type:
      s.info.typeSpace.push_back(t.type);
      break;
    case ExternType::Component:
      s.info.components.push_back(t.type.component());
      break;
    case ExternType::Instance:
      s.info.instances.push_back(t.type.instance());
      break;
  }
}

absl::StatusOr<ExternType> Validator::itemType(SortIndex item, Scope& s, size_t offset) {
  ExternType t;
  uint32_t i = item.index;
  ComponentInfo& info = s.info;
  switch (item.sort.kind) {
    case Sort::Core:
      if (item.sort.core != CoreSort::Module) {
        return errorAt(offset, "core %s items cannot be imported, exported or passed to components",
                       toString(item.sort.core));
      }
      if (i >= info.coreModules.size()) return outOfBounds(item.sort, i, offset);
      t.kind = ExternType::Module;
      t.module = info.coreModules[i];
      return t;
    case Sort::Func:
      if (i >= info.funcs.size()) return outOfBounds(item.sort, i, offset);
      t.kind = ExternType::Func;
      t.type = AnyType::ofFunc(info.funcs[i]);
      return t;
    case Sort::Value:
      if (i >= info.values.size()) return outOfBounds(item.sort, i, offset);
      if (s.valueConsumed[i]) return errorAt(offset, "value %u cannot be used more than once", i);
      s.valueConsumed[i] = true;
      t.kind = ExternType::Value;
      t.type = AnyType::ofValue(info.values[i]);
      return t;
    case Sort::Type:
      if (i >= info.typeSpace.size()) return outOfBounds(item.sort, i, offset);
      t.kind = ExternType::Type;
      t.type = info.typeSpace[i];
      return t;
    case Sort::Component:
      if (i >= info.components.size()) return outOfBounds(item.sort, i, offset);
      t.kind = ExternType::Component;
      t.type = AnyType::ofComponent(info.components[i]);
      return t;
    case Sort::Instance:
      if (i >= info.instances.size()) return outOfBounds(item.sort, i, offset);
      t.kind = ExternType::Instance;
      t.type = AnyType::ofInstance(info.instances[i]);
      return t;
  }
  return errorAt(offset, "unknown sort");
}

absl::Status Validator::coreModule(const CoreModuleDef& m, Scope& s) {
  absl::Status st = wasm::validateModule(m.module, wasm::Features::all());
  if (!st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("core module at offset 0x%x: %s", m.offset, st.message()));
  }
  ModuleType t;
  const wasm::Module& mod = m.module;
  absl::flat_hash_set<std::pair<std::string, std::string>> seen;
  for (const wasm::Import& imp : mod.imports) {
    if (!seen.insert({imp.module, imp.name}).second) {
      return errorAt(m.offset, "duplicate import name `%s:%s`", imp.module, imp.name);
    }
  }
  uint32_t counts[5] = {0, 0, 0, 0, 0};
  for (const wasm::Import& imp : mod.imports) {
    uint32_t k = static_cast<uint32_t>(imp.kind);
    CoreExternDesc d = descOf(mod, imp.kind, counts[k]++);
    t.imports.push_back({imp.module, imp.name, std::move(d)});
  }
  for (const wasm::Export& e : mod.exports)
    t.exports.push_back({e.name, descOf(mod, e.kind, e.index)});
  s.info.coreModules.push_back(types().addModule(std::move(t)));
  return absl::OkStatus();
}

absl::Status Validator::coreInstance(const CoreInstanceDef& d, Scope& s) {
  CoreInstanceType out;
  if (d.instantiate) {
    if (d.module >= s.info.coreModules.size()) {
      return outOfBounds({Sort::Core, CoreSort::Module}, d.module, d.offset);
    }
    // Argument name -> its instance's exports by name (hash maps: counts come from the input).
    absl::flat_hash_map<std::string, absl::flat_hash_map<std::string_view, const CoreExternDesc*>>
        args;
    for (const CoreInstantiateArg& a : d.args) {
      if (a.instance >= s.info.coreInstances.size()) {
        return outOfBounds({Sort::Core, CoreSort::Instance}, a.instance, d.offset);
      }
      auto [it, inserted] = args.try_emplace(a.name);
      if (!inserted) {
        return errorAt(d.offset, "duplicate module instantiation argument named `%s`", a.name);
      }
      for (const auto& [n, e] : types().coreInstance(s.info.coreInstances[a.instance]).exports) {
        it->second.emplace(n, &e);
      }
    }
    const ModuleType& mt = types().module(s.info.coreModules[d.module]);
    for (const ModuleType::Import& imp : mt.imports) {
      auto arg = args.find(imp.module);
      if (arg == args.end()) {
        return errorAt(d.offset, "missing module instantiation argument named `%s`", imp.module);
      }
      auto found = arg->second.find(imp.name);
      const CoreExternDesc* actual = found == arg->second.end() ? nullptr : found->second;
      if (!actual) {
        return errorAt(d.offset,
                       "module instantiation argument `%s` does not export an item named `%s`",
                       imp.module, imp.name);
      }
      std::string r = coreExternMismatch(*actual, imp.type);
      if (!r.empty()) {
        return errorAt(d.offset,
                       "type mismatch for export `%s` of module instantiation argument `%s`: %s",
                       imp.name, imp.module, r);
      }
    }
    out.exports = mt.exports;
  } else {
    absl::flat_hash_set<std::string_view> names;
    for (const CoreInlineExport& e : d.exports) {
      if (!names.insert(e.name).second) {
        return errorAt(d.offset, "export name `%s` already defined", e.name);
      }
      CoreExternDesc desc;
      uint32_t i = e.index;
      Sort sort{Sort::Core, e.sort};
      switch (e.sort) {
        case CoreSort::Func:
          if (i >= s.info.coreFuncs.size()) return outOfBounds(sort, i, d.offset);
          desc.kind = wasm::ExternKind::Func;
          desc.func = s.info.coreFuncs[i];
          break;
        case CoreSort::Table:
          if (i >= s.info.coreTables.size()) return outOfBounds(sort, i, d.offset);
          desc.kind = wasm::ExternKind::Table;
          desc.table = s.info.coreTables[i];
          break;
        case CoreSort::Memory:
          if (i >= s.info.coreMemories.size()) return outOfBounds(sort, i, d.offset);
          desc.kind = wasm::ExternKind::Memory;
          desc.memory = s.info.coreMemories[i];
          break;
        case CoreSort::Global:
          if (i >= s.info.coreGlobals.size()) return outOfBounds(sort, i, d.offset);
          desc.kind = wasm::ExternKind::Global;
          desc.global = s.info.coreGlobals[i];
          break;
        case CoreSort::Tag:
          if (i >= s.info.coreTags.size()) return outOfBounds(sort, i, d.offset);
          desc.kind = wasm::ExternKind::Func;
          desc.isTag = true;
          desc.func = s.info.coreTags[i];
          break;
        default:
          return errorAt(d.offset,
                         "core instances may only export functions, tables, memories, "
                         "globals and tags");
      }
      out.exports.push_back({e.name, std::move(desc)});
    }
  }
  s.info.coreInstances.push_back(types().addCoreInstance(std::move(out)));
  return absl::OkStatus();
}

absl::Status Validator::instance(const InstanceDef& d, Scope& s) {
  InstanceType out;
  if (d.instantiate) {
    if (d.component >= s.info.components.size()) {
      return outOfBounds({Sort::Component}, d.component, d.offset);
    }
    absl::flat_hash_map<std::string, ExternType> args;
    for (const InstantiateArg& a : d.args) {
      WCR_ASSIGN_OR_RETURN(ExternType t, itemType(a.item, s, d.offset));
      if (!args.emplace(a.name, t).second) {
        return errorAt(d.offset,
                       "instantiation argument `%s` conflicts with previous argument `%s`", a.name,
                       a.name);
      }
    }
    const ComponentType ct = types().component(s.info.components[d.component]);
    Subtyping sub(types());
    for (ResourceId r : ct.importedResources)
      sub.bindable.insert(types().canonicalResource(r).index);
    for (const auto& [name, expected] : ct.imports) {
      auto found = args.find(name);
      if (found == args.end()) return errorAt(d.offset, "missing import named `%s`", name);
      const ExternType* actual = &found->second;
      std::string r = sub.externType(*actual, expected);
      if (!r.empty()) {
        return errorAt(d.offset, "type mismatch for component instantiation argument `%s`: %s",
                       name, r);
      }
    }
    absl::flat_hash_map<uint32_t, uint32_t> map = sub.bindings;
    for (ResourceId r : ct.definedResources) {
      map[types().canonicalResource(r).index] = types().freshResource().index;
    }
    // Type imports with an `eq` bound are replaced by the supplied type itself.
    absl::flat_hash_map<uint32_t, ValType> defs;
    for (const auto& [name, expected] : ct.imports) {
      if (expected.kind != ExternType::Type || expected.type.kind != AnyType::Value ||
          expected.type.value.isPrimitive()) {
        continue;
      }
      auto found = args.find(name);
      if (found != args.end() && found->second.type.kind == AnyType::Value) {
        defs[expected.type.value.definedId().index] = found->second.type.value;
      }
    }
    for (const auto& [name, t] : ct.exports)
      out.exports.push_back({name, substitute(t, map, &defs)});
  } else {
    Scope bag;
    bag.kind = ScopeKind::InstanceType;
    bag.bag = true;
    bag.parent = &s;
    bag.id = s.id;
    for (const InlineExport& e : d.exports) {
      WCR_ASSIGN_OR_RETURN(ExternType t, itemType(e.item, s, d.offset));
      // A resource exported by a bag of exports gets a new name (alias); defined types keep
      // their identity, so types exported together still refer to each other.
      if (t.kind == ExternType::Type && t.type.kind == AnyType::Resource) {
        t.type.index = types().aliasResource(t.type.resource()).index;
      }
      WCR_RETURN_IF_ERROR(addExtern(bag, false, e.name, t, d.offset, /*pushIndex=*/false));
    }
    out.exports = std::move(bag.exports);
  }
  s.info.instances.push_back(types().addInstance(std::move(out)));
  return absl::OkStatus();
}

absl::Status Validator::alias(const Alias& a, Scope& s) {
  switch (a.kind) {
    case Alias::CoreInstanceExport: {
      if (a.instance >= s.info.coreInstances.size()) {
        return outOfBounds({Sort::Core, CoreSort::Instance}, a.instance, a.offset);
      }
      const CoreExternDesc* e =
          types().coreInstance(s.info.coreInstances[a.instance]).findExport(a.name);
      if (!e)
        return errorAt(a.offset, "core instance %u has no export named `%s`", a.instance, a.name);
      auto mismatch = [&]() {
        return errorAt(a.offset, "export `%s` for core instance %u is not a %s", a.name, a.instance,
                       toString(a.sort.core));
      };
      if (a.sort.kind != Sort::Core) return mismatch();
      switch (a.sort.core) {
        case CoreSort::Func:
          if (e->kind != wasm::ExternKind::Func || e->isTag) return mismatch();
          s.info.coreFuncs.push_back(e->func);
          break;
        case CoreSort::Table:
          if (e->kind != wasm::ExternKind::Table) return mismatch();
          s.info.coreTables.push_back(e->table);
          break;
        case CoreSort::Memory:
          if (e->kind != wasm::ExternKind::Memory) return mismatch();
          s.info.coreMemories.push_back(e->memory);
          break;
        case CoreSort::Global:
          if (e->kind != wasm::ExternKind::Global) return mismatch();
          s.info.coreGlobals.push_back(e->global);
          break;
        case CoreSort::Tag:
          if (!e->isTag) return mismatch();
          s.info.coreTags.push_back(e->func);
          break;
        default:
          return errorAt(a.offset,
                         "core export aliases may only refer to functions, tables, "
                         "memories, globals and tags");
      }
      return absl::OkStatus();
    }
    case Alias::InstanceExport: {
      if (a.instance >= s.info.instances.size())
        return outOfBounds({Sort::Instance}, a.instance, a.offset);
      const ExternType* e = types().instance(s.info.instances[a.instance]).findExport(a.name);
      if (!e) return errorAt(a.offset, "instance %u has no export named `%s`", a.instance, a.name);
      if (!sortMatches(a.sort, e->kind)) {
        return errorAt(a.offset, "export `%s` for instance %u is not a %s", a.name, a.instance,
                       sortNoun(a.sort));
      }
      if (a.sort.kind == Sort::Core && a.sort.core != CoreSort::Module) {
        return errorAt(a.offset, "export `%s` for instance %u is not a %s", a.name, a.instance,
                       toString(a.sort.core));
      }
      push(s, *e);
      return absl::OkStatus();
    }
    case Alias::Outer:
      return outerAlias(a, s);
  }
  return absl::OkStatus();
}

absl::Status Validator::importDef(const ImportDef& d, Scope& s) {
  WCR_ASSIGN_OR_RETURN(ExternType t, externType(d.type, s, d.offset));
  return addExtern(s, true, d.name, t, d.offset);
}

absl::Status Validator::exportDef(const ExportDef& d, Scope& s) {
  WCR_ASSIGN_OR_RETURN(ExternType t, itemType(d.item, s, d.offset));
  if (d.type) {
    WCR_ASSIGN_OR_RETURN(ExternType ascribed, externType(*d.type, s, d.offset));
    Subtyping sub(types());
    bool abstract = ascribed.kind == ExternType::Type && ascribed.type.kind == AnyType::Resource &&
                    d.type->subResource;
    if (abstract) {
      sub.bindable.insert(types().canonicalResource(ascribed.type.resource()).index);
    }
    std::string r = sub.externType(t, ascribed);
    if (!r.empty()) {
      return errorAt(d.offset, "ascribed type of export is not compatible with item's type: %s", r);
    }
    // An abstract ascription (`(sub resource)`) keeps its fresh resource: from the outside the
    // export is a type of its own.
    t = ascribed;
  } else if (t.kind == ExternType::Type) {
    if (t.type.kind == AnyType::Value && !t.type.value.isPrimitive()) {
      t.type.value = ValType::defined(types().copyDefined(t.type.value.definedId()));
    } else if (t.type.kind == AnyType::Resource) {
      t.type.index = types().aliasResource(t.type.resource()).index;
    }
  }
  return addExtern(s, false, d.name, t, d.offset);
}

absl::Status Validator::start(const StartDef& d, Scope& s) {
  if (d.func >= s.info.funcs.size()) return outOfBounds({Sort::Func}, d.func, d.offset);
  const FuncType& f = types().func(s.info.funcs[d.func]);
  if (f.params.size() != d.args.size()) {
    return errorAt(d.offset, "component start function requires %u arguments but was given %u",
                   f.params.size(), d.args.size());
  }
  for (size_t i = 0; i < d.args.size(); ++i) {
    WCR_ASSIGN_OR_RETURN(ExternType v, itemType({{Sort::Value}, d.args[i]}, s, d.offset));
    Subtyping sub(types());
    std::string r = sub.valType(v.type.value, f.params[i].type);
    if (!r.empty())
      return errorAt(d.offset, "value type mismatch for component start function argument %u: %s",
                     i, r);
  }
  if (d.results != (f.result ? 1u : 0u)) {
    return errorAt(d.offset,
                   "component start function has a result count of %u but the function "
                   "type has a result count of %u",
                   d.results, f.result ? 1 : 0);
  }
  if (f.result) {
    s.info.values.push_back(*f.result);
    s.valueConsumed.push_back(false);
  }
  return absl::OkStatus();
}

namespace {

// Whether the type's parts that need a name have one in `set` (wasmparser's rule: records,
// variants, enums, flags and resources need an external name; other types are structural).
struct NamedCheck {
  TypeTable& t;
  const absl::flat_hash_set<uint64_t>& set;

  bool named(ValType v) {
    if (v.isPrimitive()) return true;
    const DefinedType& d = t.defined(v.definedId());
    switch (d.kind) {
      case DefinedKind::Record:
      case DefinedKind::Variant:
      case DefinedKind::Flags:
      case DefinedKind::Enum:
        return set.contains(typeKey(AnyType::ofValue(v)));
      default:
        return members(v);
    }
  }
  absl::flat_hash_set<uint32_t> ok;  // definitions whose members were found named (DAG memo)

  bool members(ValType v) {
    if (v.isPrimitive() || ok.contains(v.definedId().index)) return true;
    if (!membersWalk(v)) return false;
    ok.insert(v.definedId().index);
    return true;
  }
  bool membersWalk(ValType v) {
    const DefinedType& d = t.defined(v.definedId());
    for (const Field& f : d.fields)
      if (!named(f.type)) return false;
    for (const Case& c : d.cases)
      if (c.type && !named(*c.type)) return false;
    for (ValType x : d.types)
      if (!named(x)) return false;
    if (d.first && !named(*d.first)) return false;
    if (d.second && !named(*d.second)) return false;
    if (d.kind == DefinedKind::Own || d.kind == DefinedKind::Borrow) {
      return set.contains(typeKey(AnyType::ofResource(d.resource)));
    }
    return true;
  }
  bool func(FuncTypeId id) {
    const FuncType& f = t.func(id);
    for (const Field& p : f.params)
      if (!named(p.type)) return false;
    return !f.result || named(*f.result);
  }
  bool instance(InstanceTypeId id) {
    for (const auto& [n, e] : t.instance(id).exports) {
      switch (e.kind) {
        case ExternType::Func:
          if (!func(e.type.func())) return false;
          break;
        case ExternType::Type:
          if (!any(e.type)) return false;
          break;
        case ExternType::Value:
          if (!members(e.type.value)) return false;
          break;
        case ExternType::Instance:
          if (!instance(e.type.instance())) return false;
          break;
        default:
          break;
      }
    }
    return true;
  }
  bool any(AnyType a) {
    switch (a.kind) {
      case AnyType::Value:
        return members(a.value);
      case AnyType::Func:
        return func(a.func());
      case AnyType::Instance:
        return instance(a.instance());
      default:
        return true;
    }
  }
};

}  // namespace

absl::Status Validator::validateNamedTypes(Scope& s, bool isImport, const ExternType& t,
                                           size_t offset, std::string_view name) {
  if (t.kind == ExternType::Type && !name.empty() && t.type.kind == AnyType::Resource) {
    (isImport ? s.importedResourceNames : s.exportedResourceNames)[t.type.index] =
        std::string(name);
  }
  if (s.kind == ScopeKind::InstanceType) return absl::OkStatus();
  std::function<bool(const ExternType&)> check = [&](const ExternType& e) -> bool {
    NamedCheck c{types(), isImport ? s.importedTypes : s.exportedTypes, {}};
    switch (e.kind) {
      case ExternType::Type: {
        if (!c.any(e.type)) return false;
        if (e.type.kind == AnyType::Value && e.type.value.isPrimitive()) return true;
        uint64_t key = typeKey(e.type);
        if (isImport) s.importedTypes.insert(key);
        s.exportedTypes.insert(key);
        return true;
      }
      case ExternType::Instance:
        for (const auto& [n, x] : types().instance(e.type.instance()).exports)
          if (!check(x)) return false;
        return true;
      case ExternType::Func:
        return c.func(e.type.func());
      case ExternType::Value:
        return c.named(e.type.value);
      default:
        return true;
    }
  };
  if (!check(t)) {
    return errorAt(offset, "%s not valid to be used as %s", t.describe(),
                   isImport ? "import" : "export");
  }
  return absl::OkStatus();
}

// Canonical resources reachable from an extern type (not through component types, which are
// closed).
void collectResources(TypeTable& t, const ExternType& e, absl::flat_hash_set<uint32_t>& out,
                      absl::flat_hash_set<uint32_t>& seen) {
  std::function<void(ValType)> val = [&](ValType v) {
    if (v.isPrimitive() || !t.containsResource(v)) return;
    if (!seen.insert(v.definedId().index).second) return;
    const DefinedType& d = t.defined(v.definedId());
    if (d.resource.valid()) out.insert(t.canonicalResource(d.resource).index);
    for (const Field& f : d.fields) val(f.type);
    for (const Case& c : d.cases)
      if (c.type) val(*c.type);
    for (ValType x : d.types) val(x);
    if (d.first) val(*d.first);
    if (d.second) val(*d.second);
  };
  switch (e.kind) {
    case ExternType::Type:
      if (e.type.kind == AnyType::Resource)
        out.insert(t.canonicalResource(e.type.resource()).index);
      if (e.type.kind == AnyType::Value) val(e.type.value);
      break;
    case ExternType::Value:
      val(e.type.value);
      break;
    case ExternType::Func: {
      const FuncType& f = t.func(e.type.func());
      for (const Field& p : f.params) val(p.type);
      if (f.result) val(*f.result);
      break;
    }
    case ExternType::Instance:
      for (const auto& [n, x] : t.instance(e.type.instance()).exports)
        collectResources(t, x, out, seen);
      break;
    default:
      break;
  }
}

ComponentTypeId Validator::finishComponent(Scope& s) {
  ComponentType ct;
  ct.imports = s.imports;
  ct.exports = s.exports;
  absl::flat_hash_set<uint32_t> imported, seen;
  for (const auto& [n, e] : s.imports) collectResources(types(), e, imported, seen);
  for (uint32_t r : imported) ct.importedResources.push_back({r});
  absl::flat_hash_set<uint32_t> exported;
  seen.clear();
  for (const auto& [n, e] : s.exports) collectResources(types(), e, exported, seen);
  for (uint32_t r : exported)
    if (!imported.contains(r)) ct.definedResources.push_back({r});
  return types().addComponent(std::move(ct));
}

absl::Status Validator::definition(Component& c, const Definition& d, Scope& s, uint32_t depth) {
  switch (d.kind) {
    case Definition::CoreModule:
      return coreModule(c.coreModules[d.position], s);
    case Definition::CoreInstance:
      return coreInstance(c.coreInstances[d.position], s);
    case Definition::CoreType:
      return coreType(c.coreTypes[d.position], s, 0);
    case Definition::Component: {
      Component& nested = c.components[d.position];
      WCR_RETURN_IF_ERROR(component(nested, &s, depth + 1));
      s.info.components.push_back(nested.info->type);
      return absl::OkStatus();
    }
    case Definition::Instance:
      return instance(c.instances[d.position], s);
    case Definition::Alias:
      return alias(c.aliases[d.position], s);
    case Definition::Type: {
      WCR_ASSIGN_OR_RETURN(AnyType t, typeDef(c.types[d.position], s, 0));
      s.info.typeSpace.push_back(t);
      return absl::OkStatus();
    }
    case Definition::Canon:
      return canon(c.canons[d.position], s, s.info.canons[d.position]);
    case Definition::Start:
      return start(c.starts[d.position], s);
    case Definition::Import:
      return importDef(c.imports[d.position], s);
    case Definition::Export:
      return exportDef(c.exports[d.position], s);
    case Definition::Value: {
      const ValueDef& v = c.values[d.position];
      WCR_ASSIGN_OR_RETURN(ValType t, valType(v.type, s, v.offset));
      s.info.values.push_back(t);
      s.valueConsumed.push_back(false);
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::Status Validator::component(Component& c, Scope* parent, uint32_t depth) {
  if (depth > kMaxNesting) return errorAt(c.offset, "nesting of components is too deep");
  Scope s;
  s.kind = ScopeKind::Component;
  s.parent = parent;
  s.id = nextScopeId();
  s.info.types = types_;
  s.info.canons.resize(c.canons.size());
  for (const Definition& d : c.definitions) {
    WCR_RETURN_IF_ERROR(definition(c, d, s, depth));
    if (types().size() > 10'000'000) return errorAt(c.offset, "component has too many types");
  }
  for (size_t i = 0; i < s.valueConsumed.size(); ++i) {
    if (!s.valueConsumed[i])
      return errorAt(c.offset,
                     "value index %u was not used as part of an "
                     "instantiation, start function, or export",
                     i);
  }
  s.info.type = finishComponent(s);
  c.info = std::make_shared<ComponentInfo>(std::move(s.info));
  return absl::OkStatus();
}

}  // namespace internal

absl::Status validateComponent(Component& component) {
  internal::Validator v;
  return v.component(component, nullptr, 0);
}

absl::StatusOr<Component> decodeAndValidate(absl::Span<const uint8_t> bytes) {
  WCR_ASSIGN_OR_RETURN(Component c, decodeComponent(bytes));
  WCR_RETURN_IF_ERROR(validateComponent(c));
  return c;
}

}  // namespace wcr::canon::model
