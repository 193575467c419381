// Subtyping (Explainer.md "Type Checking") and resource substitution.
//
// Value and function types are compared structurally: equal canonical ids answer at once; only
// when they differ (or resources are being bound) is the structure walked, to bind resources or
// to say what differs in wasmparser's words. Instance and component types follow the usual
// width rules: a subtype may export more and import less.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "canon/model/validator_impl.h"

namespace wcr::canon::model::internal {

namespace {

using Map = absl::flat_hash_map<uint32_t, uint32_t>;
using DefinedMap = absl::flat_hash_map<uint32_t, ValType>;

// "(func (param i32) (result i64))", as wasmparser prints a core function type.
std::string watFunc(const jit::wasm::FuncType& f) {
  std::string s = "(func";
  auto list = [&](const char* what, const std::vector<jit::wasm::ValType>& ts) {
    if (ts.empty()) return;
    absl::StrAppend(&s, " (", what);
    for (auto t : ts) absl::StrAppend(&s, " ", t.name());
    absl::StrAppend(&s, ")");
  };
  list("param", f.params);
  list("result", f.results);
  return s + ")";
}

bool limitsMatch(const jit::wasm::Limits& actual, const jit::wasm::Limits& expected) {
  if (actual.min < expected.min) return false;
  if (expected.max) {
    if (!actual.max || *actual.max > *expected.max) return false;
  }
  return true;
}

// Substitution with memoization of alias ids and definition ids, so that every use of one
// definition maps to one new definition (named-ness stays consistent).
class Substituter {
 public:
  Substituter(TypeTable& t, const Map& map, const DefinedMap* defs = nullptr)
      : t_(t), map_(map), defs_(defs && !defs->empty() ? defs : nullptr) {}

  ResourceId resource(ResourceId r) {
    auto m = map_.find(t_.canonicalResource(r).index);
    if (m == map_.end()) return r;
    auto memo = aliases_.find(r.index);
    if (memo != aliases_.end()) return {memo->second};
    ResourceId target{m->second};
    // The alias that *is* the resource maps to the target itself; other aliases get new ones.
    ResourceId out = r == t_.canonicalResource(r) ? target : t_.aliasResource(target);
    aliases_[r.index] = out.index;
    return out;
  }

  bool mentions(ValType v) {
    return !v.isPrimitive() && (defs_ || t_.defined(v.definedId()).containsResource);
  }

  ValType val(ValType v) {
    if (v.isPrimitive()) return v;
    if (defs_) {
      auto d = defs_->find(v.definedId().index);
      if (d != defs_->end()) return d->second;
    }
    if (!mentions(v)) return v;
    auto memo = defined_.find(v.definedId().index);
    if (memo != defined_.end()) return ValType::defined({memo->second});
    DefinedType d = t_.defined(v.definedId());
    bool changed = false;
    auto map = [&](ValType& x) {
      ValType n = val(x);
      changed |= !(n == x);
      x = n;
    };
    for (Field& f : d.fields) map(f.type);
    for (Case& c : d.cases)
      if (c.type) map(*c.type);
    for (ValType& x : d.types) map(x);
    if (d.first) map(*d.first);
    if (d.second) map(*d.second);
    if (d.resource.valid()) {
      ResourceId n = resource(d.resource);
      changed |= !(n == d.resource);
      d.resource = n;
    }
    if (!changed) {
      defined_[v.definedId().index] = v.definedId().index;
      return v;
    }
    d.canonical = {};
    d.containsBorrow = d.containsResource = d.containsList = false;
    d.depth = 1;
    ValType out = ValType::defined(t_.addDefined(std::move(d)));
    defined_[v.definedId().index] = out.definedId().index;
    return out;
  }

  FuncTypeId func(FuncTypeId id) {
    FuncType f = t_.func(id);
    bool changed = false;
    for (Field& p : f.params) {
      ValType n = val(p.type);
      changed |= !(n == p.type);
      p.type = n;
    }
    if (f.result) {
      ValType n = val(*f.result);
      changed |= !(n == *f.result);
      f.result = n;
    }
    if (!changed) return id;
    f.canonical = {};
    return t_.addFunc(std::move(f));
  }

  AnyType any(AnyType a) {
    switch (a.kind) {
      case AnyType::Value:
        a.value = val(a.value);
        return a;
      case AnyType::Func:
        return AnyType::ofFunc(func(a.func()));
      case AnyType::Resource:
        return AnyType::ofResource(resource(a.resource()));
      case AnyType::Instance: {
        InstanceType it = t_.instance(a.instance());
        for (auto& [n, e] : it.exports) e = extern_(e);
        for (ResourceId& r : it.definedResources) r = resource(r);
        return AnyType::ofInstance(t_.addInstance(std::move(it)));
      }
      case AnyType::Component: {
        ComponentType ct = t_.component(a.component());
        for (auto& [n, e] : ct.imports) e = extern_(e);
        for (auto& [n, e] : ct.exports) e = extern_(e);
        for (ResourceId& r : ct.importedResources) r = resource(r);
        for (ResourceId& r : ct.definedResources) r = resource(r);
        return AnyType::ofComponent(t_.addComponent(std::move(ct)));
      }
    }
    return a;
  }

  ExternType extern_(ExternType e) {
    if (e.kind != ExternType::Module) e.type = any(e.type);
    return e;
  }

 private:
  TypeTable& t_;
  const Map& map_;
  const DefinedMap* defs_;
  absl::flat_hash_map<uint32_t, uint32_t> aliases_, defined_;
};

}  // namespace

ExternType Validator::substitute(const ExternType& t, const Map& map, const DefinedMap* defs) {
  if (map.empty() && (!defs || defs->empty())) return t;
  Substituter s(types(), map, defs);
  return s.extern_(t);
}
ValType Validator::substitute(ValType t, const Map& map) {
  if (map.empty()) return t;
  Substituter s(types(), map);
  return s.val(t);
}
FuncTypeId Validator::substitute(FuncTypeId t, const Map& map) {
  if (map.empty()) return t;
  Substituter s(types(), map);
  return s.func(t);
}

std::string coreExternMismatch(const CoreExternDesc& actual, const CoreExternDesc& expected) {
  std::string a = toString(actual), e = toString(expected);
  if (actual.isTag != expected.isTag || actual.kind != expected.kind) {
    return absl::StrCat("expected ", e, ", found ", a);
  }
  using jit::wasm::ExternKind;
  switch (expected.kind) {
    case ExternKind::Func:
    case ExternKind::Tag:  // tags are Func with isTag here (descOf); never reached
      if (!(actual.func == expected.func)) {
        return absl::StrCat("expected: ", watFunc(expected.func),
                            "\nfound: ", watFunc(actual.func));
      }
      return "";
    case ExternKind::Table:
      if (actual.table.elem != expected.table.elem) {
        return absl::StrCat("expected table element type ", expected.table.elem.name(), ", found ",
                            actual.table.elem.name());
      }
      if (!limitsMatch(actual.table.limits, expected.table.limits))
        return "mismatch in table limits";
      return "";
    case ExternKind::Memory:
      if (actual.memory.limits.shared != expected.memory.limits.shared) {
        return "mismatch in the shared flag for memories";
      }
      if (actual.memory.limits.is64 != expected.memory.limits.is64)
        return "mismatch in index type used for memories";
      if (!limitsMatch(actual.memory.limits, expected.memory.limits))
        return "mismatch in memory limits";
      return "";
    case ExternKind::Global:
      if (actual.global.mut != expected.global.mut) return "global types differ in mutability";
      if (actual.global.type != expected.global.type) {
        return absl::StrCat("expected global type ", expected.global.type.name(), ", found ",
                            actual.global.type.name());
      }
      return "";
  }
  return "";
}

std::string Subtyping::resource(ResourceId actual, ResourceId expected) {
  uint32_t a = t_.canonicalResource(actual).index, e = t_.canonicalResource(expected).index;
  auto b = bindings.find(e);
  if (b != bindings.end()) return b->second == a ? "" : "resource types are not the same";
  if (bindable.contains(e)) {
    bindings[e] = a;
    return "";
  }
  return a == e ? "" : "resource types are not the same";
}

std::string Subtyping::valType(ValType actual, ValType expected, uint32_t depth) {
  // Without resources to bind or map, subtyping of value types is equality of canonical ids.
  bool resources = t_.containsResource(actual) || t_.containsResource(expected);
  if ((!resources || (bindings.empty() && bindable.empty())) && t_.sameValType(actual, expected)) {
    return "";
  }
  if (depth > kMaxTypeDepth) return "type nesting is too deep";
  // Pairs already found to match are not walked again (types are DAGs: a walk without memo
  // could be exponential in their depth).
  uint64_t pair = actual.isPrimitive() || expected.isPrimitive()
                      ? 0
                      : (uint64_t{actual.definedId().index} << 32) | expected.definedId().index;
  if (pair && matched_.contains(pair)) return "";
  std::string r = valTypeWalk(actual, expected, depth);
  if (pair && r.empty()) matched_.insert(pair);
  return r;
}

std::string Subtyping::valTypeWalk(ValType actual, ValType expected, uint32_t depth) {
  auto describe = [&](ValType v) -> std::string {
    if (v.isPrimitive()) return toString(v.prim());
    return toString(t_.defined(v.definedId()).kind);
  };
  if (actual.isPrimitive() || expected.isPrimitive()) {
    if (actual == expected) return "";
    if (actual.isPrimitive() && expected.isPrimitive()) {
      return absl::StrCat("expected primitive `", toString(expected.prim()), "` found primitive `",
                          toString(actual.prim()), "`");
    }
    if (expected.isPrimitive()) {
      return depth == 0
                 ? absl::StrCat("expected primitive, found ", describe(actual))
                 : absl::StrCat("expected ", describe(expected), ", found ", describe(actual));
    }
    return absl::StrCat("expected ", describe(expected), ", found ", describe(actual));
  }
  const DefinedType& a = t_.defined(actual.definedId());
  const DefinedType& e = t_.defined(expected.definedId());
  if (a.kind != e.kind)
    return absl::StrCat("expected ", describe(expected), ", found ", describe(actual));
  auto opt = [&](const std::optional<ValType>& x, const std::optional<ValType>& y,
                 const char* what) -> std::string {
    if (x.has_value() != y.has_value()) {
      return y ? absl::StrCat("expected ", what, " type, but found none")
               : absl::StrCat("expected ", what, " type to not be present");
    }
    if (!x) return "";
    std::string r = valType(*x, *y, depth + 1);
    return r.empty() ? "" : absl::StrCat("type mismatch in ", what, " variant: ", r);
  };
  switch (e.kind) {
    case DefinedKind::Record:
      if (a.fields.size() != e.fields.size()) {
        return absl::StrFormat("expected %u fields, found %u", e.fields.size(), a.fields.size());
      }
      for (size_t i = 0; i < e.fields.size(); ++i) {
        if (a.fields[i].name != e.fields[i].name) {
          return absl::StrCat("expected field name `", e.fields[i].name, "`, found `",
                              a.fields[i].name, "`");
        }
        std::string r = valType(a.fields[i].type, e.fields[i].type, depth + 1);
        if (!r.empty())
          return absl::StrCat("type mismatch in record field `", e.fields[i].name, "`: ", r);
      }
      return "";
    case DefinedKind::Variant:
      if (a.cases.size() != e.cases.size()) {
        return absl::StrFormat("expected %u cases, found %u", e.cases.size(), a.cases.size());
      }
      for (size_t i = 0; i < e.cases.size(); ++i) {
        const Case& ac = a.cases[i];
        const Case& ec = e.cases[i];
        if (ac.name != ec.name) {
          return absl::StrCat("expected case named `", ec.name, "`, found `", ac.name, "`");
        }
        if (ec.type && !ac.type) {
          return absl::StrCat("expected case `", ec.name, "` to have a type, found none");
        }
        if (!ec.type && ac.type)
          return absl::StrCat("expected case `", ec.name, "` to have no type");
        if (ec.type) {
          std::string r = valType(*ac.type, *ec.type, depth + 1);
          if (!r.empty()) return absl::StrCat("type mismatch in variant case `", ec.name, "`: ", r);
        }
      }
      return "";
    case DefinedKind::Tuple:
      if (a.types.size() != e.types.size()) {
        return absl::StrFormat("expected %u types, found %u", e.types.size(), a.types.size());
      }
      for (size_t i = 0; i < e.types.size(); ++i) {
        std::string r = valType(a.types[i], e.types[i], depth + 1);
        if (!r.empty()) return absl::StrFormat("type mismatch in tuple field %u: %s", i, r);
      }
      return "";
    case DefinedKind::Flags:
      return a.labels == e.labels ? "" : "mismatch in flags elements";
    case DefinedKind::Enum:
      return a.labels == e.labels ? "" : "mismatch in enum elements";
    case DefinedKind::Result: {
      std::string r = opt(a.first, e.first, "ok");
      if (!r.empty()) return r;
      return opt(a.second, e.second, "err");
    }
    case DefinedKind::List:
    case DefinedKind::Option: {
      std::string r = valType(*a.first, *e.first, depth + 1);
      return r.empty() ? "" : absl::StrCat("type mismatch in ", toString(e.kind), " element: ", r);
    }
    case DefinedKind::FixedList: {
      if (a.length != e.length) return "mismatch in fixed size list length";
      std::string r = valType(*a.first, *e.first, depth + 1);
      return r.empty() ? "" : absl::StrCat("type mismatch in list element: ", r);
    }
    case DefinedKind::Map: {
      std::string r = valType(*a.first, *e.first, depth + 1);
      if (r.empty()) r = valType(*a.second, *e.second, depth + 1);
      return r.empty() ? "" : absl::StrCat("type mismatch in map: ", r);
    }
    case DefinedKind::Own:
    case DefinedKind::Borrow:
      return resource(a.resource, e.resource);
    case DefinedKind::Stream:
    case DefinedKind::Future: {
      if (a.first.has_value() != e.first.has_value()) {
        return absl::StrCat("expected ", toString(e.kind), " payload to ",
                            e.first ? "be" : "not be", " present");
      }
      if (!e.first) return "";
      std::string r = valType(*a.first, *e.first, depth + 1);
      return r.empty() ? "" : absl::StrCat("type mismatch in ", toString(e.kind), " payload: ", r);
    }
    case DefinedKind::Primitive:
      break;
  }
  return "";
}

std::string Subtyping::funcType(FuncTypeId actual, FuncTypeId expected) {
  if (bindings.empty() && bindable.empty() && t_.sameFunc(actual, expected)) return "";
  const FuncType& a = t_.func(actual);
  const FuncType& e = t_.func(expected);
  if (a.async != e.async) {
    return e.async ? "expected async function, found sync function"
                   : "expected sync function, found async function";
  }
  if (a.params.size() != e.params.size()) {
    return absl::StrFormat("expected %u parameters, found %u", e.params.size(), a.params.size());
  }
  for (size_t i = 0; i < e.params.size(); ++i) {
    if (a.params[i].name != e.params[i].name) {
      return absl::StrCat("expected parameter named `", e.params[i].name, "`, found `",
                          a.params[i].name, "`");
    }
    std::string r = valType(a.params[i].type, e.params[i].type, 1);
    if (!r.empty())
      return absl::StrCat("type mismatch in function parameter `", e.params[i].name, "`: ", r);
  }
  if (a.result.has_value() != e.result.has_value()) {
    // (wasmparser words this one from the other side)
    return e.result ? "expected no result, found one" : "expected a result, found none";
  }
  if (e.result) {
    std::string r = valType(*a.result, *e.result, 1);
    if (!r.empty()) return absl::StrCat("type mismatch with result type: ", r);
  }
  return "";
}

namespace {

// Name -> extern type, so width subtyping is linear in the number of names.
absl::flat_hash_map<std::string_view, const ExternType*> byName(const std::vector<NamedExtern>& l) {
  absl::flat_hash_map<std::string_view, const ExternType*> m;
  m.reserve(l.size());
  for (const auto& [n, t] : l) m.emplace(n, &t);
  return m;
}

const ExternType* lookup(const absl::flat_hash_map<std::string_view, const ExternType*>& m,
                         std::string_view name) {
  auto it = m.find(name);
  return it == m.end() ? nullptr : it->second;
}

}  // namespace

std::string Subtyping::instanceType(InstanceTypeId actual, InstanceTypeId expected) {
  const InstanceType& a = t_.instance(actual);
  const InstanceType& e = t_.instance(expected);
  auto aExports = byName(a.exports);
  for (const auto& [name, et] : e.exports) {
    const ExternType* at = lookup(aExports, name);
    if (!at) return absl::StrCat("missing expected export `", name, "`");
    std::string r = externType(*at, et);
    if (!r.empty()) return absl::StrCat("type mismatch in instance export `", name, "`: ", r);
  }
  return "";
}

std::string Subtyping::componentType(ComponentTypeId actual, ComponentTypeId expected) {
  const ComponentType& a = t_.component(actual);
  const ComponentType& e = t_.component(expected);
  // Imports are contravariant: everything the actual component imports must be supplied by
  // what the expected type imports. Resources imported by `a` bind to those of `e`.
  Subtyping inner(t_);
  for (ResourceId r : a.importedResources) inner.bindable.insert(t_.canonicalResource(r).index);
  auto eImports = byName(e.imports);
  auto aExports = byName(a.exports);
  for (const auto& [name, at] : a.imports) {
    const ExternType* et = lookup(eImports, name);
    if (!et) return absl::StrCat("missing expected import `", name, "`");
    std::string r = inner.externType(*et, at);
    if (!r.empty()) return absl::StrCat("type mismatch in import `", name, "`: ", r);
  }
  // Exports are covariant; `a`'s defined resources correspond to `e`'s.
  for (ResourceId r : e.definedResources) bindable.insert(t_.canonicalResource(r).index);
  for (const auto& [k, v] : inner.bindings) bindings[v] = k;
  for (const auto& [name, et] : e.exports) {
    const ExternType* at = lookup(aExports, name);
    if (!at) return absl::StrCat("missing expected export `", name, "`");
    std::string r = externType(*at, et);
    if (!r.empty()) return absl::StrCat("type mismatch in export `", name, "`: ", r);
  }
  return "";
}

std::string Subtyping::moduleType(const ModuleType& a, const ModuleType& e) {
  absl::flat_hash_map<std::pair<std::string_view, std::string_view>, const ModuleType::Import*>
      eImports;
  for (const auto& x : e.imports) {
    eImports.emplace(std::make_pair(std::string_view(x.module), std::string_view(x.name)), &x);
  }
  absl::flat_hash_map<std::string_view, const CoreExternDesc*> aExports;
  for (const auto& [n, x] : a.exports) aExports.emplace(n, &x);
  for (const auto& imp : a.imports) {
    auto it =
        eImports.find(std::make_pair(std::string_view(imp.module), std::string_view(imp.name)));
    const ModuleType::Import* found = it == eImports.end() ? nullptr : it->second;
    if (!found) return absl::StrCat("missing expected import `", imp.module, "::", imp.name, "`");
    std::string r = coreExternMismatch(found->type, imp.type);
    if (!r.empty())
      return absl::StrCat("type mismatch in import `", imp.module, "::", imp.name, "`: ", r);
  }
  for (const auto& [name, et] : e.exports) {
    auto it = aExports.find(name);
    const CoreExternDesc* at = it == aExports.end() ? nullptr : it->second;
    if (!at) return absl::StrCat("missing expected export `", name, "`");
    std::string r = coreExternMismatch(*at, et);
    if (!r.empty()) return absl::StrCat("type mismatch in export `", name, "`: ", r);
  }
  return "";
}

std::string Subtyping::anyType(AnyType actual, AnyType expected) {
  if (actual.kind != expected.kind) {
    return absl::StrCat("expected ", toString(expected.kind), ", found ", toString(actual.kind));
  }
  switch (expected.kind) {
    case AnyType::Value:
      return valType(actual.value, expected.value);
    case AnyType::Func:
      return funcType(actual.func(), expected.func());
    case AnyType::Resource:
      return resource(actual.resource(), expected.resource());
    case AnyType::Instance:
      return instanceType(actual.instance(), expected.instance());
    case AnyType::Component:
      return componentType(actual.component(), expected.component());
  }
  return "";
}

std::string Subtyping::externType(const ExternType& actual, const ExternType& expected) {
  if (actual.kind != expected.kind) {
    return absl::StrCat("expected ", expected.describe(), ", found ", actual.describe());
  }
  switch (expected.kind) {
    case ExternType::Module:
      return moduleType(t_.module(actual.module), t_.module(expected.module));
    case ExternType::Value:
      return valType(actual.type.value, expected.type.value);
    default:
      return anyType(actual.type, expected.type);
  }
}

}  // namespace wcr::canon::model::internal
