// Validation of type definitions (Binary.md "Type Definitions"): defined value types, function
// types, resource types, component and instance types with their declarators, core function and
// module types, extern types, outer aliases, and the import/export declarations they share with
// components (addExtern).
#include "absl/strings/str_cat.h"
#include "canon/model/validator_impl.h"
#include "jit/wasm/validator.h"

namespace wcr::canon::model::internal {

namespace {

const char* indexSpaceName(Sort sort) {
  switch (sort.kind) {
    case Sort::Core:
      switch (sort.core) {
        case CoreSort::Func:
          return "function";
        case CoreSort::Table:
          return "table";
        case CoreSort::Memory:
          return "memory";
        case CoreSort::Global:
          return "global";
        case CoreSort::Tag:
          return "tag";
        case CoreSort::Type:
          return "core type";
        case CoreSort::Module:
          return "module";
        case CoreSort::Instance:
          return "core instance";
      }
      break;
    case Sort::Func:
      return "function";
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

// "unknown type 5: type index out of bounds" as wasmparser words it.
absl::Status outOfBounds(Sort sort, uint32_t index, size_t offset) {
  std::string space = indexSpaceName(sort);
  std::string last = space.substr(space.rfind(' ') == std::string::npos ? 0 : space.rfind(' ') + 1);
  return errorAt(offset, "unknown %s %u: %s index out of bounds", space, index, last);
}

absl::StatusOr<ValType> Validator::valType(const RawValType& t, Scope& s, size_t offset) {
  if (t.isPrimitive) return ValType::primitive(t.prim);
  if (t.index >= s.info.typeSpace.size()) return outOfBounds({Sort::Type}, t.index, offset);
  const AnyType& a = s.info.typeSpace[t.index];
  if (a.kind != AnyType::Value)
    return errorAt(offset, "type index %u is not a defined type", t.index);
  return a.value;
}

absl::StatusOr<ValType> Validator::definedType(const RawDefinedType& raw, Scope& s, size_t offset) {
  if (raw.kind == DefinedKind::Primitive) return ValType::primitive(raw.prim);
  DefinedType d;
  d.kind = raw.kind;
  auto val = [&](const RawValType& v) { return valType(v, s, offset); };
  auto opt = [&](const std::optional<RawValType>& v) -> absl::StatusOr<std::optional<ValType>> {
    if (!v) return std::optional<ValType>();
    WCR_ASSIGN_OR_RETURN(ValType t, val(*v));
    return std::optional<ValType>(t);
  };
  switch (raw.kind) {
    case DefinedKind::Record: {
      if (raw.fields.empty()) return errorAt(offset, "record type must have at least one field");
      std::vector<std::string> names;
      for (const RawField& f : raw.fields) {
        WCR_ASSIGN_OR_RETURN(ValType t, val(f.type));
        d.fields.push_back({f.name, t});
        names.push_back(f.name);
      }
      WCR_RETURN_IF_ERROR(checkLabels(names, "record field", "field", offset));
      break;
    }
    case DefinedKind::Variant: {
      if (raw.cases.empty()) return errorAt(offset, "variant type must have at least one case");
      std::vector<std::string> names;
      for (const RawCase& c : raw.cases) {
        WCR_ASSIGN_OR_RETURN(std::optional<ValType> t, opt(c.type));
        Case k;
        k.name = c.name;
        k.type = t;
        d.cases.push_back(std::move(k));
        names.push_back(c.name);
      }
      WCR_RETURN_IF_ERROR(checkLabels(names, "variant case", "case", offset));
      break;
    }
    case DefinedKind::Tuple:
      if (raw.types.empty()) return errorAt(offset, "tuple type must have at least one type");
      for (const RawValType& v : raw.types) {
        WCR_ASSIGN_OR_RETURN(ValType t, val(v));
        d.types.push_back(t);
      }
      break;
    case DefinedKind::Flags:
      if (raw.labels.empty()) return errorAt(offset, "flags must have at least one entry");
      if (raw.labels.size() > 32) return errorAt(offset, "cannot have more than 32 flags");
      WCR_RETURN_IF_ERROR(checkLabels(raw.labels, "flag", "flag", offset));
      d.labels = raw.labels;
      break;
    case DefinedKind::Enum:
      if (raw.labels.empty()) return errorAt(offset, "enum type must have at least one variant");
      WCR_RETURN_IF_ERROR(checkLabels(raw.labels, "enum tag", "tag", offset));
      d.labels = raw.labels;
      break;
    case DefinedKind::List:
    case DefinedKind::Option: {
      WCR_ASSIGN_OR_RETURN(ValType t, val(*raw.first));
      d.first = t;
      break;
    }
    case DefinedKind::FixedList: {
      if (raw.length == 0)
        return errorAt(offset, "Fixed size lists must have more than zero elements");
      WCR_ASSIGN_OR_RETURN(ValType t, val(*raw.first));
      d.first = t;
      d.length = raw.length;
      break;
    }
    case DefinedKind::Result: {
      WCR_ASSIGN_OR_RETURN(d.first, opt(raw.first));
      WCR_ASSIGN_OR_RETURN(d.second, opt(raw.second));
      break;
    }
    case DefinedKind::Map: {
      WCR_ASSIGN_OR_RETURN(ValType k, val(*raw.first));
      WCR_ASSIGN_OR_RETURN(ValType v, val(*raw.second));
      d.first = k;
      d.second = v;
      bool keyOk = k.isPrimitive() && k.prim() != PrimType::F32 && k.prim() != PrimType::F64 &&
                   k.prim() != PrimType::ErrorContext;
      if (!keyOk) return errorAt(offset, "map key type must be a primitive other than a float");
      break;
    }
    case DefinedKind::Own:
    case DefinedKind::Borrow: {
      if (raw.resource >= s.info.typeSpace.size()) {
        return outOfBounds({Sort::Type}, raw.resource, offset);
      }
      const AnyType& a = s.info.typeSpace[raw.resource];
      if (a.kind != AnyType::Resource) {
        return errorAt(offset, "type index %u is not a resource type", raw.resource);
      }
      d.resource = a.resource();
      break;
    }
    case DefinedKind::Stream:
    case DefinedKind::Future: {
      WCR_ASSIGN_OR_RETURN(d.first, opt(raw.first));
      if (d.first && types().containsBorrow(*d.first)) {
        return errorAt(offset, "%s payload cannot contain a `borrow` type",
                       raw.kind == DefinedKind::Stream ? "stream" : "future");
      }
      if (raw.kind == DefinedKind::Stream && d.first && d.first->isPrimitive() &&
          d.first->prim() == PrimType::Char) {
        return errorAt(offset, "`stream<char>` is not valid at this time");
      }
      break;
    }
    case DefinedKind::Primitive:
      break;
  }
  DefinedTypeId id = types().addDefined(std::move(d));
  const DefinedType& added = types().defined(id);
  if (added.depth > kMaxTypeDepth) return errorAt(offset, "type nesting is too deep");
  if (added.elemSize64 >= kMaxValueSize) {
    return errorAt(offset, "value type exceeds maximum byte size of %u", kMaxValueSize);
  }
  return ValType::defined(id);
}

absl::StatusOr<FuncTypeId> Validator::funcType(const RawFuncType& raw, Scope& s, size_t offset) {
  FuncType f;
  f.async = raw.async;
  std::vector<std::string> names;
  for (const RawField& p : raw.params) {
    WCR_ASSIGN_OR_RETURN(ValType t, valType(p.type, s, offset));
    f.params.push_back({p.name, t});
    names.push_back(p.name);
  }
  WCR_RETURN_IF_ERROR(checkLabels(names, "function parameter", "parameter", offset));
  if (raw.result) {
    WCR_ASSIGN_OR_RETURN(ValType r, valType(*raw.result, s, offset));
    if (types().containsBorrow(r)) {
      return errorAt(offset, "function result cannot contain a `borrow` type");
    }
    f.result = r;
  }
  return types().addFunc(std::move(f));
}

absl::StatusOr<AnyType> Validator::typeDef(const RawTypeDef& t, Scope& s, uint32_t depth) {
  if (depth > kMaxTypeDepth) return errorAt(t.offset, "type nesting is too deep");
  switch (t.kind) {
    case RawTypeDef::Defined: {
      WCR_ASSIGN_OR_RETURN(ValType v, definedType(t.defined, s, t.offset));
      return AnyType::ofValue(v);
    }
    case RawTypeDef::Func: {
      WCR_ASSIGN_OR_RETURN(FuncTypeId f, funcType(t.func, s, t.offset));
      return AnyType::ofFunc(f);
    }
    case RawTypeDef::Resource: {
      if (s.kind != ScopeKind::Component) {
        return errorAt(t.offset, "resources can only be defined within a concrete component");
      }
      if (t.resource.rep != jit::wasm::kI32) {
        return errorAt(t.offset, "resources can only be represented by `i32`");
      }
      if (t.resource.dtor) {
        uint32_t f = *t.resource.dtor;
        if (f >= s.info.coreFuncs.size())
          return outOfBounds({Sort::Core, CoreSort::Func}, f, t.offset);
        jit::wasm::FuncType expected{{jit::wasm::kI32}, {}};
        if (!(s.info.coreFuncs[f] == expected)) {
          return errorAt(t.offset, "wrong signature for a destructor");
        }
      }
      ResourceType r;
      r.rep = t.resource.rep;
      r.dtor = t.resource.dtor;
      r.definingComponent = s.id;
      ResourceId id = types().freshResource(r);
      s.definedResources.push_back(id);
      return AnyType::ofResource(id);
    }
    case RawTypeDef::Component:
    case RawTypeDef::Instance: {
      Scope inner;
      inner.kind =
          t.kind == RawTypeDef::Component ? ScopeKind::ComponentType : ScopeKind::InstanceType;
      inner.parent = &s;
      inner.id = s.id;
      WCR_RETURN_IF_ERROR(declarators(t.decls, inner, depth + 1));
      if (t.kind == RawTypeDef::Instance) {
        InstanceType it;
        it.exports = std::move(inner.exports);
        it.definedResources = std::move(inner.definedResources);
        return AnyType::ofInstance(types().addInstance(std::move(it)));
      }
      ComponentType ct;
      ct.imports = std::move(inner.imports);
      ct.exports = std::move(inner.exports);
      ct.importedResources = std::move(inner.importedResources);
      ct.definedResources = std::move(inner.definedResources);
      return AnyType::ofComponent(types().addComponent(std::move(ct)));
    }
  }
  return errorAt(t.offset, "unknown type definition");
}

absl::Status Validator::declarators(const std::vector<Declarator>& decls, Scope& s,
                                    uint32_t depth) {
  for (const Declarator& d : decls) {
    switch (d.kind) {
      case Declarator::CoreType:
        WCR_RETURN_IF_ERROR(coreType(d.coreType[0], s, depth));
        break;
      case Declarator::Type: {
        WCR_ASSIGN_OR_RETURN(AnyType t, typeDef(d.type[0], s, depth));
        s.info.typeSpace.push_back(t);
        break;
      }
      case Declarator::Alias: {
        const Alias& a = d.alias;
        if (a.kind == Alias::InstanceExport) {
          if (a.sort.kind != Sort::Type && a.sort.kind != Sort::Instance) {
            return errorAt(a.offset,
                           "alias export in a type declarator may only refer to types or "
                           "instances");
          }
        } else if (a.kind == Alias::Outer) {
          bool coreType = a.sort.kind == Sort::Core && a.sort.core == CoreSort::Type;
          if (!coreType && a.sort.kind != Sort::Type) {
            return errorAt(a.offset,
                           "outer alias in a type declarator may only refer to types or "
                           "instances");
          }
        } else {
          return errorAt(a.offset, "core export aliases are not allowed in type declarators");
        }
        WCR_RETURN_IF_ERROR(alias(a, s));
        break;
      }
      case Declarator::Import:
      case Declarator::Export: {
        WCR_ASSIGN_OR_RETURN(ExternType t, externType(d.externType, s, d.offset));
        WCR_RETURN_IF_ERROR(addExtern(s, d.kind == Declarator::Import, d.name, t, d.offset));
        break;
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ExternType> Validator::externType(const RawExternType& t, Scope& s, size_t offset) {
  ExternType out;
  switch (t.kind) {
    case Sort::Core: {
      out.kind = ExternType::Module;
      if (t.index >= s.info.coreTypes.size()) {
        return outOfBounds({Sort::Core, CoreSort::Type}, t.index, offset);
      }
      if (!s.info.coreTypes[t.index].isModule) {
        return errorAt(offset, "core type index %u is not a module type", t.index);
      }
      out.module = s.info.coreTypes[t.index].module;
      return out;
    }
    case Sort::Func: {
      out.kind = ExternType::Func;
      if (t.index >= s.info.typeSpace.size()) return outOfBounds({Sort::Type}, t.index, offset);
      if (s.info.typeSpace[t.index].kind != AnyType::Func) {
        return errorAt(offset, "type index %u is not a function type", t.index);
      }
      out.type = s.info.typeSpace[t.index];
      return out;
    }
    case Sort::Component:
    case Sort::Instance: {
      bool comp = t.kind == Sort::Component;
      out.kind = comp ? ExternType::Component : ExternType::Instance;
      if (t.index >= s.info.typeSpace.size()) return outOfBounds({Sort::Type}, t.index, offset);
      AnyType a = s.info.typeSpace[t.index];
      if (a.kind != (comp ? AnyType::Component : AnyType::Instance)) {
        return errorAt(offset, "type index %u is not %s type", t.index,
                       comp ? "a component" : "an instance");
      }
      out.type = a;
      return out;
    }
    case Sort::Value: {
      out.kind = ExternType::Value;
      if (t.valueEq) {
        if (t.index >= s.info.values.size()) return outOfBounds({Sort::Value}, t.index, offset);
        out.type = AnyType::ofValue(s.info.values[t.index]);
      } else {
        WCR_ASSIGN_OR_RETURN(ValType v, valType(t.valType, s, offset));
        out.type = AnyType::ofValue(v);
      }
      return out;
    }
    case Sort::Type: {
      out.kind = ExternType::Type;
      if (t.subResource) {
        out.type = AnyType::ofResource(types().freshResource());
        return out;
      }
      if (t.index >= s.info.typeSpace.size()) return outOfBounds({Sort::Type}, t.index, offset);
      AnyType a = s.info.typeSpace[t.index];
      // The new index is a new definition (it has a name of its own) of the same type.
      if (a.kind == AnyType::Value && !a.value.isPrimitive()) {
        a.value = ValType::defined(types().copyDefined(a.value.definedId()));
      } else if (a.kind == AnyType::Resource) {
        a.index = types().aliasResource(a.resource()).index;
      }
      out.type = a;
      return out;
    }
  }
  return errorAt(offset, "unknown extern type");
}

absl::StatusOr<CoreExternDesc> Validator::coreExtern(const CoreExternType& t,
                                                     const std::vector<CoreTypeEntry>& coreTypes,
                                                     size_t offset) {
  if (t.kind == jit::wasm::ExternKind::Memory) {
    const jit::wasm::Limits& l = t.memory.limits;
    uint64_t maxPages = l.is64 ? (uint64_t{1} << 48) : jit::wasm::kMaxPages32;
    if (l.min > maxPages || (l.max && *l.max > maxPages)) {
      return errorAt(offset, "memory size must be at most %u pages (4GiB)", maxPages);
    }
    if (l.max && *l.max < l.min) {
      return errorAt(offset, "size minimum must not be greater than maximum");
    }
  }
  if (t.kind == jit::wasm::ExternKind::Table && t.table.limits.max &&
      *t.table.limits.max < t.table.limits.min) {
    return errorAt(offset, "size minimum must not be greater than maximum");
  }
  CoreExternDesc d;
  d.kind = t.kind;
  d.isTag = t.isTag;
  d.table = t.table;
  d.memory = t.memory;
  d.global = t.global;
  if (t.kind == jit::wasm::ExternKind::Func) {
    if (t.funcType >= coreTypes.size()) {
      return outOfBounds({Sort::Core, CoreSort::Type}, t.funcType, offset);
    }
    if (coreTypes[t.funcType].isModule) {
      return errorAt(offset, "core type index %u is not a function type", t.funcType);
    }
    d.func = coreTypes[t.funcType].func;
  }
  return d;
}

absl::StatusOr<ModuleTypeId> Validator::moduleType(const RawCoreType& t, Scope& s, uint32_t depth) {
  // Module types start with an empty core type index space; outer aliases reach the enclosing
  // scopes' core types.
  std::vector<CoreTypeEntry> local;
  ModuleType m;
  absl::flat_hash_set<std::pair<std::string, std::string>> importNames;
  absl::flat_hash_set<std::string> exportNames;
  for (const RawModuleDecl& d : t.moduleDecls) {
    switch (d.kind) {
      case RawModuleDecl::Type: {
        const RawCoreType& inner = d.coreType[0];
        if (inner.isModule) return errorAt(inner.offset, "invalid leading byte for a module type");
        local.push_back({false, inner.func, {}});
        break;
      }
      case RawModuleDecl::Alias: {
        // Count 0 is the module type itself, 1 the enclosing scope, and so on.
        if (d.outerCount == 0) {
          if (d.outerIndex >= local.size()) {
            return outOfBounds({Sort::Core, CoreSort::Type}, d.outerIndex, t.offset);
          }
          local.push_back(local[d.outerIndex]);
          break;
        }
        Scope* target = &s;
        for (uint32_t i = 1; i < d.outerCount && target; ++i) target = target->parent;
        if (!target) return errorAt(t.offset, "invalid outer alias count of %u", d.outerCount);
        if (d.outerIndex >= target->info.coreTypes.size()) {
          return outOfBounds({Sort::Core, CoreSort::Type}, d.outerIndex, t.offset);
        }
        const CoreTypeEntry& e = target->info.coreTypes[d.outerIndex];
        if (e.isModule) return errorAt(t.offset, "cannot alias a module type into a module type");
        local.push_back(e);
        break;
      }
      case RawModuleDecl::Import: {
        WCR_ASSIGN_OR_RETURN(CoreExternDesc e, coreExtern(d.type, local, t.offset));
        if (!importNames.insert({d.module, d.name}).second) {
          return errorAt(t.offset, "duplicate import name `%s:%s` already defined", d.module,
                         d.name);
        }
        m.imports.push_back({d.module, d.name, std::move(e)});
        break;
      }
      case RawModuleDecl::Export: {
        WCR_ASSIGN_OR_RETURN(CoreExternDesc e, coreExtern(d.type, local, t.offset));
        if (!exportNames.insert(d.name).second) {
          return errorAt(t.offset, "duplicate export name `%s` already defined", d.name);
        }
        m.exports.push_back({d.name, std::move(e)});
        break;
      }
    }
  }
  return types().addModule(std::move(m));
}

absl::Status Validator::coreType(const RawCoreType& t, Scope& s, uint32_t depth) {
  if (!t.isModule) {
    s.info.coreTypes.push_back({false, t.func, {}});
    return absl::OkStatus();
  }
  WCR_ASSIGN_OR_RETURN(ModuleTypeId m, moduleType(t, s, depth));
  s.info.coreTypes.push_back({true, {}, m});
  return absl::OkStatus();
}

// Whether an instance or component type mentions any resource (in an import or export).
bool Validator::mentionsResource(AnyType t) {
  switch (t.kind) {
    case AnyType::Resource:
      return true;
    case AnyType::Value:
      return types().containsResource(t.value);
    case AnyType::Func: {
      const FuncType& f = types().func(t.func());
      for (const Field& p : f.params)
        if (types().containsResource(p.type)) return true;
      return f.result && types().containsResource(*f.result);
    }
    case AnyType::Instance:
    case AnyType::Component: {
      // Resources the type introduces itself (abstract imports and exports) travel with it;
      // only resources from outside it tie it to a component.
      std::vector<const NamedExtern*> externs;
      std::vector<ResourceId> own;
      if (t.kind == AnyType::Instance) {
        const InstanceType& it = types().instance(t.instance());
        for (const auto& e : it.exports) externs.push_back(&e);
        own = it.definedResources;
      } else {
        const ComponentType& ct = types().component(t.component());
        for (const auto& e : ct.imports) externs.push_back(&e);
        for (const auto& e : ct.exports) externs.push_back(&e);
        own = ct.importedResources;
        own.insert(own.end(), ct.definedResources.begin(), ct.definedResources.end());
      }
      absl::flat_hash_set<uint32_t> found, seen;
      for (const NamedExtern* e : externs) {
        if (e->second.kind == ExternType::Component) {
          if (mentionsResource(e->second.type)) return true;
          continue;
        }
        collectResources(types(), e->second, found, seen);
      }
      for (ResourceId r : own) found.erase(types().canonicalResource(r).index);
      return !found.empty();
    }
  }
  return false;
}

absl::Status Validator::outerAlias(const Alias& a, Scope& s) {
  // Scopes counted outward: 0 is `s` itself.
  Scope* target = &s;
  bool crossesComponent = false;
  for (uint32_t i = 0; i < a.outerCount; ++i) {
    if (target->kind == ScopeKind::Component) crossesComponent = true;
    target = target->parent;
    if (!target) return errorAt(a.offset, "invalid outer alias count of %u", a.outerCount);
  }
  ComponentInfo& from = target->info;
  if (a.sort.kind == Sort::Core && a.sort.core == CoreSort::Module) {
    if (a.outerIndex >= from.coreModules.size()) return outOfBounds(a.sort, a.outerIndex, a.offset);
    s.info.coreModules.push_back(from.coreModules[a.outerIndex]);
  } else if (a.sort.kind == Sort::Core && a.sort.core == CoreSort::Type) {
    if (a.outerIndex >= from.coreTypes.size()) return outOfBounds(a.sort, a.outerIndex, a.offset);
    s.info.coreTypes.push_back(from.coreTypes[a.outerIndex]);
  } else if (a.sort.kind == Sort::Component) {
    if (a.outerIndex >= from.components.size()) return outOfBounds(a.sort, a.outerIndex, a.offset);
    s.info.components.push_back(from.components[a.outerIndex]);
  } else if (a.sort.kind == Sort::Type) {
    if (a.outerIndex >= from.typeSpace.size()) return outOfBounds(a.sort, a.outerIndex, a.offset);
    AnyType t = from.typeSpace[a.outerIndex];
    if (crossesComponent) {
      bool resources = t.kind == AnyType::Resource ||
                       (t.kind == AnyType::Value && types().containsResource(t.value));
      if (t.kind == AnyType::Func) {
        const FuncType& f = types().func(t.func());
        for (const Field& p : f.params) resources |= types().containsResource(p.type);
        if (f.result) resources |= types().containsResource(*f.result);
      }
      if (t.kind == AnyType::Instance || t.kind == AnyType::Component) {
        resources |= mentionsResource(t);
      }
      if (resources) {
        return errorAt(a.offset,
                       "canonical type of outer alias transitively refers to resources "
                       "not defined in the current component");
      }
    }
    s.info.typeSpace.push_back(t);
  } else {
    return errorAt(a.offset,
                   "outer aliases may only refer to modules, core types, components "
                   "and types");
  }
  return absl::OkStatus();
}

ExternType Validator::freshenInstance(const ExternType& type, std::vector<ResourceId>* into) {
  if (type.kind != ExternType::Instance) return type;
  const InstanceType& it = types().instance(type.type.instance());
  if (it.definedResources.empty()) return type;
  absl::flat_hash_map<uint32_t, uint32_t> map;
  std::vector<ResourceId> fresh;
  for (ResourceId r : it.definedResources) {
    ResourceId n = types().freshResource();
    map[types().canonicalResource(r).index] = n.index;
    fresh.push_back(n);
  }
  ExternType out = substitute(type, map);
  // The new instance type has no defined resources of its own: they now belong to the scope.
  InstanceType copy = types().instance(out.type.instance());
  copy.definedResources.clear();
  out.type = AnyType::ofInstance(types().addInstance(std::move(copy)));
  if (into) into->insert(into->end(), fresh.begin(), fresh.end());
  return out;
}

absl::Status Validator::addExtern(Scope& s, bool isImport, const ExternName& name, ExternType type,
                                  size_t offset, bool pushIndex) {
  const char* side = isImport ? "import" : "export";
  std::string reason = checkExternName(name.name);
  if (!reason.empty()) {
    return errorAt(offset, "%s name `%s` is not a valid extern name: %s", side, name.name, reason);
  }
  if (name.versionSuffix) {
    std::string r = checkVersionSuffix(name.name, *name.versionSuffix);
    if (!r.empty()) return errorAt(offset, "%s name `%s`: %s", side, name.name, r);
  }
  if (name.implements) {
    const std::string& iface = *name.implements;
    if (iface.empty()) return errorAt(offset, "`implements` name `` is not a valid name");
    if (iface.find(':') == std::string::npos) {
      return errorAt(offset, "`implements` name `%s` must be an interface name", iface);
    }
    std::string r = checkExternName(iface);
    if (!r.empty())
      return errorAt(offset, "`implements` name `%s` is not a valid name: %s", iface, r);
    if (type.kind != ExternType::Instance) {
      return errorAt(offset, "only instances can have an `implements` attribute");
    }
    if (name.name.find(':') != std::string::npos) {
      return errorAt(offset, "name `%s` is not valid with `implements`", name.name);
    }
  }
  auto& names = isImport ? s.importNames : s.exportNames;
  auto [it, inserted] = names.emplace(uniquenessKey(name.name), name.name);
  if (!inserted) {
    return errorAt(offset, "%s name `%s` conflicts with previous name `%s`", side, name.name,
                   it->second);
  }

  // Imported (and, in types, exported) instance types get fresh resources.
  if (type.kind == ExternType::Instance) {
    bool fromType = s.kind != ScopeKind::Component && !s.bag;
    if (isImport) {
      type = freshenInstance(type, &s.importedResources);
    } else if (fromType) {
      type = freshenInstance(type, &s.definedResources);
    }
  }
  if (type.kind == ExternType::Type && type.type.kind == AnyType::Resource) {
    ResourceId canon = types().canonicalResource(type.type.resource());
    bool fresh = canon == type.type.resource();
    if (fresh) {
      (isImport ? s.importedResources : s.definedResources).push_back(canon);
    }
  }

  WCR_RETURN_IF_ERROR(validateNamedTypes(s, isImport, type, offset, name.name));
  // Annotated names.
  Annotation ann = parseAnnotation(name.name);
  if (ann.kind != Annotation::None) {
    if (type.kind != ExternType::Func) {
      return errorAt(offset, "item `%s` is not a func", name.name);
    }
    const FuncType& f = types().func(type.type.func());
    auto& registry = isImport ? s.importedResourceNames : s.exportedResourceNames;
    auto checkResource = [&](ResourceId r) -> absl::Status {
      auto it = registry.find(r.index);
      if (it == registry.end()) {
        return errorAt(offset, "resource used in function does not have a name in this context");
      }
      if (it->second != ann.resource) {
        return errorAt(offset, "function does not match expected resource name `%s`", it->second);
      }
      return absl::OkStatus();
    };
    if (ann.kind == Annotation::Constructor) {
      if (!f.result) return errorAt(offset, "function should return one value");
      ValType r = *f.result;
      if (!r.isPrimitive() && types().defined(r.definedId()).kind == DefinedKind::Result) {
        const DefinedType& res = types().defined(r.definedId());
        if (res.first) r = *res.first;
      }
      if (r.isPrimitive() || types().defined(r.definedId()).kind != DefinedKind::Own) {
        return errorAt(offset, "function should return `(own $T)` or `(result (own $T))`");
      }
      WCR_RETURN_IF_ERROR(checkResource(types().defined(r.definedId()).resource));
    } else if (ann.kind == Annotation::Method) {
      if (f.params.empty()) return errorAt(offset, "function should have at least one argument");
      if (f.params[0].name != "self") {
        return errorAt(offset, "function should have a first argument called `self`");
      }
      ValType p = f.params[0].type;
      if (p.isPrimitive() || types().defined(p.definedId()).kind != DefinedKind::Borrow) {
        return errorAt(offset, "function should take a first argument of `(borrow $T)`");
      }
      WCR_RETURN_IF_ERROR(checkResource(types().defined(p.definedId()).resource));
    } else {
      bool known = false;
      for (const auto& [id, n] : registry) known |= n == ann.resource;
      if (!known) return errorAt(offset, "static resource name is not known in this context");
    }
  }
  (isImport ? s.imports : s.exports).push_back({name.name, type});
  if (pushIndex) push(s, type);
  return absl::OkStatus();
}

}  // namespace wcr::canon::model::internal
