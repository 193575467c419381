// Component binary decoder (decoder.h). One Reader per component level walks the sections in
// order and appends each definition to the Component's ordered list.
#include "canon/model/decoder.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "jit/support/byte_reader.h"
#include "jit/support/utf8.h"
#include "jit/wasm/decoder.h"

namespace wcr::canon::model {
namespace {

using jit::wasm::ValType;
using support::ByteReader;

constexpr const char* kEnd = "unexpected end-of-file";

// Assigns the value of a StatusOr to an existing lvalue (usable directly in a case label).
#define WCR_SET_OR_RETURN(lhs, expr)              \
  do {                                            \
    auto wcr_set_ = (expr);                       \
    if (!wcr_set_.ok()) return wcr_set_.status(); \
    lhs = std::move(wcr_set_).value();            \
  } while (0)
constexpr uint32_t kMaxDeclDepth = 100;  // component/instance/module types inside each other

class Decoder {
 public:
  absl::Status component(ByteReader& r, Component& c, uint32_t depth);

 private:
  absl::Status invalidByte(ByteReader& r, size_t at, uint8_t b, std::string_view what) {
    return r.errorAt(at, absl::StrFormat("invalid leading byte (0x%x) for %s", b, what));
  }
  // A vec count: each element takes at least one byte, so a count beyond the bytes left is
  // malformed before anything is reserved.
  absl::StatusOr<uint32_t> count(ByteReader& r) {
    WCR_ASSIGN_OR_RETURN(uint32_t n, r.readVarU32());
    if (n > r.remaining()) return r.errorAt(r.offset() + r.remaining(), kEnd);
    return n;
  }
  absl::StatusOr<std::string> name(ByteReader& r) {
    size_t at = r.offset();
    WCR_ASSIGN_OR_RETURN(uint32_t n, r.readVarU32());
    WCR_ASSIGN_OR_RETURN(auto bytes, r.readBytes(n));
    std::string s(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    if (!support::isValidUtf8(s)) return r.errorAt(at, "malformed UTF-8 encoding");
    return s;
  }
  absl::StatusOr<bool> flag(ByteReader& r) {
    size_t at = r.offset();
    WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
    if (b > 1) return r.errorAt(at, "invalid boolean value");
    return b == 1;
  }

  absl::StatusOr<CoreSort> coreSort(ByteReader& r, std::string_view what);
  absl::StatusOr<Sort> sort(ByteReader& r, std::string_view what);
  absl::StatusOr<SortIndex> sortIndex(ByteReader& r, std::string_view what);
  absl::StatusOr<ExternName> externName(ByteReader& r);
  absl::StatusOr<RawExternType> externType(ByteReader& r);
  absl::StatusOr<RawValType> valType(ByteReader& r);
  absl::StatusOr<std::optional<RawValType>> optValType(ByteReader& r);
  absl::StatusOr<RawTypeDef> typeDef(ByteReader& r, uint32_t depth);
  absl::StatusOr<RawDefinedType> definedType(ByteReader& r, uint8_t b, size_t at);
  absl::StatusOr<std::vector<Declarator>> declarators(ByteReader& r, bool componentType,
                                                      uint32_t depth);
  absl::StatusOr<Alias> alias(ByteReader& r);
  absl::StatusOr<RawCoreType> coreType(ByteReader& r, bool allowModule, uint32_t depth);
  absl::StatusOr<jit::wasm::FuncType> coreFuncType(ByteReader& r);
  absl::StatusOr<CoreExternType> coreExternType(ByteReader& r);
  absl::StatusOr<jit::wasm::Limits> limits(ByteReader& r);
  absl::StatusOr<std::vector<CanonOpt>> canonOpts(ByteReader& r);
  absl::StatusOr<CanonDef> canon(ByteReader& r);
  absl::StatusOr<CoreModuleDef> coreModule(ByteReader& r, size_t size);
  absl::Status customSection(ByteReader& r, Component& c);
};

absl::StatusOr<CoreSort> Decoder::coreSort(ByteReader& r, std::string_view what) {
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
  switch (b) {
    case 0x00:
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x04:
    case 0x10:
    case 0x11:
    case 0x12:
      return static_cast<CoreSort>(b);
    default:
      return invalidByte(r, at, b, what);
  }
}

absl::StatusOr<Sort> Decoder::sort(ByteReader& r, std::string_view what) {
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
  Sort s;
  switch (b) {
    case 0x00: {
      s.kind = Sort::Core;
      WCR_SET_OR_RETURN(s.core, coreSort(r, what));
      return s;
    }
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x04:
    case 0x05:
      s.kind = static_cast<Sort::Kind>(b);
      return s;
    default:
      return invalidByte(r, at, b, what);
  }
}

absl::StatusOr<SortIndex> Decoder::sortIndex(ByteReader& r, std::string_view what) {
  SortIndex si;
  WCR_SET_OR_RETURN(si.sort, sort(r, what));
  WCR_SET_OR_RETURN(si.index, r.readVarU32());
  return si;
}

absl::StatusOr<ExternName> Decoder::externName(ByteReader& r) {
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
  if (b > 0x02) return invalidByte(r, at, b, "component name");
  ExternName n;
  n.encoding = b;
  WCR_SET_OR_RETURN(n.name, name(r));
  if (b != 0x02) return n;
  WCR_ASSIGN_OR_RETURN(uint32_t attrs, count(r));
  for (uint32_t i = 0; i < attrs; ++i) {
    size_t attrAt = r.offset();
    WCR_ASSIGN_OR_RETURN(uint8_t kind, r.readByte());
    std::optional<std::string>* slot = nullptr;
    const char* label = "";
    switch (kind) {
      case 0x00:
        slot = &n.implements;
        label = "implements";
        break;
      case 0x01:
        slot = &n.versionSuffix;
        label = "versionsuffix";
        break;
      case 0x02:
        slot = &n.externalId;
        label = "external-id";
        break;
      default:
        return invalidByte(r, attrAt, kind, "name option");
    }
    WCR_ASSIGN_OR_RETURN(std::string value, name(r));
    if (slot->has_value()) {
      return r.errorAt(attrAt, absl::StrFormat("duplicate '%s' option in name", label));
    }
    *slot = std::move(value);
  }
  return n;
}

absl::StatusOr<RawValType> Decoder::valType(ByteReader& r) {
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t b, r.peekByte());
  if (b >= 0x73 && b <= 0x7f) {
    r.trySkip(1);
    return RawValType::primitive(static_cast<PrimType>(0x7f - b));
  }
  if (b == 0x64) {
    r.trySkip(1);
    return RawValType::primitive(PrimType::ErrorContext);
  }
  // Otherwise a type index: a non-negative s33.
  WCR_ASSIGN_OR_RETURN(int64_t idx, r.readVarS33());
  if (idx < 0) return invalidByte(r, at, b, "component value type");
  if (idx > 0xFFFFFFFF) return r.errorAt(at, "type index too large");
  return RawValType::typeIndex(static_cast<uint32_t>(idx));
}

absl::StatusOr<std::optional<RawValType>> Decoder::optValType(ByteReader& r) {
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
  if (b == 0x00) return std::optional<RawValType>();
  if (b != 0x01) return invalidByte(r, at, b, "optional component value type");
  WCR_ASSIGN_OR_RETURN(RawValType t, valType(r));
  return std::optional<RawValType>(t);
}

absl::StatusOr<RawExternType> Decoder::externType(ByteReader& r) {
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
  RawExternType t;
  switch (b) {
    case 0x00: {
      size_t at2 = r.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t b2, r.readByte());
      if (b2 != 0x11) return invalidByte(r, at2, b2, "component external kind");
      t.kind = Sort::Core;
      WCR_SET_OR_RETURN(t.index, r.readVarU32());
      return t;
    }
    case 0x01:
    case 0x04:
    case 0x05:
      t.kind = static_cast<Sort::Kind>(b);
      WCR_SET_OR_RETURN(t.index, r.readVarU32());
      return t;
    case 0x02: {
      t.kind = Sort::Value;
      size_t bat = r.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t bound, r.readByte());
      if (bound == 0x00) {
        t.valueEq = true;
        WCR_SET_OR_RETURN(t.index, r.readVarU32());
      } else if (bound == 0x01) {
        WCR_SET_OR_RETURN(t.valType, valType(r));
      } else {
        return invalidByte(r, bat, bound, "value bound");
      }
      return t;
    }
    case 0x03: {
      t.kind = Sort::Type;
      size_t bat = r.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t bound, r.readByte());
      if (bound == 0x00) {
        WCR_SET_OR_RETURN(t.index, r.readVarU32());
      } else if (bound == 0x01) {
        t.subResource = true;
      } else {
        return invalidByte(r, bat, bound, "type bound");
      }
      return t;
    }
    default:
      return invalidByte(r, at, b, "component external kind");
  }
}

absl::StatusOr<RawDefinedType> Decoder::definedType(ByteReader& r, uint8_t b, size_t at) {
  RawDefinedType d;
  auto labelList = [&]() -> absl::Status {
    WCR_ASSIGN_OR_RETURN(uint32_t n, count(r));
    d.labels.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      WCR_ASSIGN_OR_RETURN(std::string l, name(r));
      d.labels.push_back(std::move(l));
    }
    return absl::OkStatus();
  };
  switch (b) {
    case 0x72: {
      d.kind = DefinedKind::Record;
      WCR_ASSIGN_OR_RETURN(uint32_t n, count(r));
      d.fields.reserve(n);
      for (uint32_t i = 0; i < n; ++i) {
        RawField f;
        WCR_SET_OR_RETURN(f.name, name(r));
        WCR_SET_OR_RETURN(f.type, valType(r));
        d.fields.push_back(std::move(f));
      }
      return d;
    }
    case 0x71: {
      d.kind = DefinedKind::Variant;
      WCR_ASSIGN_OR_RETURN(uint32_t n, count(r));
      d.cases.reserve(n);
      for (uint32_t i = 0; i < n; ++i) {
        RawCase c;
        WCR_SET_OR_RETURN(c.name, name(r));
        WCR_SET_OR_RETURN(c.type, optValType(r));
        size_t zat = r.offset();
        WCR_ASSIGN_OR_RETURN(uint8_t z, r.readByte());
        if (z != 0x00) return invalidByte(r, zat, z, "zero byte required");
        d.cases.push_back(std::move(c));
      }
      return d;
    }
    case 0x70:
      d.kind = DefinedKind::List;
      WCR_SET_OR_RETURN(d.first, valType(r));
      return d;
    case 0x67:
      d.kind = DefinedKind::FixedList;
      WCR_SET_OR_RETURN(d.first, valType(r));
      WCR_SET_OR_RETURN(d.length, r.readVarU32());
      return d;
    case 0x6f: {
      d.kind = DefinedKind::Tuple;
      WCR_ASSIGN_OR_RETURN(uint32_t n, count(r));
      d.types.reserve(n);
      for (uint32_t i = 0; i < n; ++i) {
        WCR_ASSIGN_OR_RETURN(RawValType t, valType(r));
        d.types.push_back(t);
      }
      return d;
    }
    case 0x6e:
      d.kind = DefinedKind::Flags;
      WCR_RETURN_IF_ERROR(labelList());
      return d;
    case 0x6d:
      d.kind = DefinedKind::Enum;
      WCR_RETURN_IF_ERROR(labelList());
      return d;
    case 0x6b:
      d.kind = DefinedKind::Option;
      WCR_SET_OR_RETURN(d.first, valType(r));
      return d;
    case 0x6a:
      d.kind = DefinedKind::Result;
      WCR_SET_OR_RETURN(d.first, optValType(r));
      WCR_SET_OR_RETURN(d.second, optValType(r));
      return d;
    case 0x69:
    case 0x68:
      d.kind = b == 0x69 ? DefinedKind::Own : DefinedKind::Borrow;
      WCR_SET_OR_RETURN(d.resource, r.readVarU32());
      return d;
    case 0x66:
    case 0x65:
      d.kind = b == 0x66 ? DefinedKind::Stream : DefinedKind::Future;
      WCR_SET_OR_RETURN(d.first, optValType(r));
      return d;
    case 0x63:
      d.kind = DefinedKind::Map;
      WCR_SET_OR_RETURN(d.first, valType(r));
      WCR_SET_OR_RETURN(d.second, valType(r));
      return d;
    default:
      if ((b >= 0x73 && b <= 0x7f) || b == 0x64) {
        d.kind = DefinedKind::Primitive;
        d.prim = b == 0x64 ? PrimType::ErrorContext : static_cast<PrimType>(0x7f - b);
        return d;
      }
      return invalidByte(r, at, b, "component defined type");
  }
}

absl::StatusOr<RawTypeDef> Decoder::typeDef(ByteReader& r, uint32_t depth) {
  if (depth > kMaxDeclDepth) return r.error("type nesting too deep");
  RawTypeDef t;
  t.offset = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
  switch (b) {
    case 0x40:
    case 0x43: {
      t.kind = RawTypeDef::Func;
      t.func.async = b == 0x43;
      WCR_ASSIGN_OR_RETURN(uint32_t n, count(r));
      t.func.params.reserve(n);
      for (uint32_t i = 0; i < n; ++i) {
        RawField p;
        WCR_SET_OR_RETURN(p.name, name(r));
        WCR_SET_OR_RETURN(p.type, valType(r));
        t.func.params.push_back(std::move(p));
      }
      size_t rat = r.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t rb, r.readByte());
      if (rb == 0x00) {
        WCR_SET_OR_RETURN(t.func.result, valType(r));
      } else if (rb == 0x01) {
        size_t zat = r.offset();
        WCR_ASSIGN_OR_RETURN(uint8_t z, r.readByte());
        if (z != 0x00) return invalidByte(r, zat, z, "number of results");
      } else {
        return invalidByte(r, rat, rb, "component function results");
      }
      return t;
    }
    case 0x41:
    case 0x42: {
      t.kind = b == 0x41 ? RawTypeDef::Component : RawTypeDef::Instance;
      WCR_SET_OR_RETURN(t.decls, declarators(r, b == 0x41, depth + 1));
      return t;
    }
    case 0x3f: {
      t.kind = RawTypeDef::Resource;
      size_t rat = r.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t rep, r.readByte());
      if (rep != 0x7f && rep != 0x7e) return invalidByte(r, rat, rep, "resource representation");
      t.resource.rep = rep == 0x7f ? jit::wasm::kI32 : jit::wasm::kI64;
      size_t dat = r.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t has, r.readByte());
      if (has == 0x01) {
        WCR_SET_OR_RETURN(t.resource.dtor, r.readVarU32());
      } else if (has != 0x00) {
        return invalidByte(r, dat, has, "optional destructor");
      }
      return t;
    }
    default: {
      t.kind = RawTypeDef::Defined;
      WCR_SET_OR_RETURN(t.defined, definedType(r, b, t.offset));
      return t;
    }
  }
}

absl::StatusOr<Alias> Decoder::alias(ByteReader& r) {
  Alias a;
  a.offset = r.offset();
  // The sort is read raw first: which sorts are allowed depends on the target that follows.
  size_t sortAt = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t s0, r.readByte());
  std::optional<uint8_t> s1;
  if (s0 == 0x00) {
    WCR_SET_OR_RETURN(s1, r.readByte());
  }
  size_t targetAt = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t target, r.readByte());
  if (target > 0x02) return invalidByte(r, targetAt, target, "alias");
  a.kind = static_cast<Alias::Kind>(target);
  if (target == 0x02) {
    bool ok = (s0 == 0x00 && (*s1 == 0x10 || *s1 == 0x11)) || s0 == 0x03 || s0 == 0x04;
    if (!ok)
      return invalidByte(r, s1 ? sortAt + 1 : sortAt, s1 ? *s1 : s0, "component outer alias kind");
  }
  if (s0 == 0x00) {
    switch (*s1) {
      case 0x00:
      case 0x01:
      case 0x02:
      case 0x03:
      case 0x04:
      case 0x10:
      case 0x11:
      case 0x12:
        a.sort = Sort{Sort::Core, static_cast<CoreSort>(*s1)};
        break;
      default:
        return invalidByte(r, sortAt + 1, *s1, "core sort");
    }
  } else if (s0 <= 0x05) {
    a.sort = Sort{static_cast<Sort::Kind>(s0), CoreSort::Func};
  } else {
    return invalidByte(r, sortAt, s0, "component external kind");
  }
  if (a.kind == Alias::Outer) {
    WCR_SET_OR_RETURN(a.outerCount, r.readVarU32());
    WCR_SET_OR_RETURN(a.outerIndex, r.readVarU32());
  } else {
    WCR_SET_OR_RETURN(a.instance, r.readVarU32());
    WCR_SET_OR_RETURN(a.name, name(r));
  }
  return a;
}

absl::StatusOr<std::vector<Declarator>> Decoder::declarators(ByteReader& r, bool componentType,
                                                             uint32_t depth) {
  WCR_ASSIGN_OR_RETURN(uint32_t n, count(r));
  std::vector<Declarator> decls;
  decls.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    Declarator d;
    d.offset = r.offset();
    WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
    switch (b) {
      case 0x00: {
        d.kind = Declarator::CoreType;
        WCR_ASSIGN_OR_RETURN(RawCoreType ct, coreType(r, true, depth + 1));
        d.coreType.push_back(std::move(ct));
        break;
      }
      case 0x01: {
        d.kind = Declarator::Type;
        WCR_ASSIGN_OR_RETURN(RawTypeDef t, typeDef(r, depth + 1));
        d.type.push_back(std::move(t));
        break;
      }
      case 0x02:
        d.kind = Declarator::Alias;
        WCR_SET_OR_RETURN(d.alias, alias(r));
        break;
      case 0x03:
      case 0x04:
        if (b == 0x03 && !componentType) {
          return invalidByte(r, d.offset, b, "component or instance type declaration");
        }
        d.kind = b == 0x03 ? Declarator::Import : Declarator::Export;
        WCR_SET_OR_RETURN(d.name, externName(r));
        WCR_SET_OR_RETURN(d.externType, externType(r));
        break;
      default:
        return invalidByte(r, d.offset, b, "component or instance type declaration");
    }
    decls.push_back(std::move(d));
  }
  return decls;
}

absl::StatusOr<jit::wasm::FuncType> Decoder::coreFuncType(ByteReader& r) {
  jit::wasm::FuncType f;
  for (auto* list : {&f.params, &f.results}) {
    WCR_ASSIGN_OR_RETURN(uint32_t n, count(r));
    list->reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      size_t at = r.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
      std::optional<ValType> t = ValType::fromByte(b);
      if (!t) return invalidByte(r, at, b, "value type");
      list->push_back(*t);
    }
  }
  return f;
}

absl::StatusOr<jit::wasm::Limits> Decoder::limits(ByteReader& r) {
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t flags, r.readByte());
  if (flags > 0x07) return invalidByte(r, at, flags, "limits");
  jit::wasm::Limits l;
  l.shared = flags & 0x02;
  l.is64 = flags & 0x04;
  if (l.is64) {
    WCR_SET_OR_RETURN(l.min, r.readVarU64());
  } else {
    WCR_SET_OR_RETURN(l.min, r.readVarU32());
  }
  if (flags & 0x01) {
    uint64_t max;
    if (l.is64) {
      WCR_SET_OR_RETURN(max, r.readVarU64());
    } else {
      WCR_SET_OR_RETURN(max, r.readVarU32());
    }
    l.max = max;
  }
  return l;
}

absl::StatusOr<CoreExternType> Decoder::coreExternType(ByteReader& r) {
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
  CoreExternType t;
  switch (b) {
    case 0x00:
      t.kind = jit::wasm::ExternKind::Func;
      WCR_SET_OR_RETURN(t.funcType, r.readVarU32());
      return t;
    case 0x01: {
      t.kind = jit::wasm::ExternKind::Table;
      size_t eat = r.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t e, r.readByte());
      if (e != 0x70 && e != 0x6f) return invalidByte(r, eat, e, "reference type");
      t.table.elem = e == 0x70 ? jit::wasm::kFuncRef : jit::wasm::kExternRef;
      WCR_SET_OR_RETURN(t.table.limits, limits(r));
      return t;
    }
    case 0x02:
      t.kind = jit::wasm::ExternKind::Memory;
      WCR_SET_OR_RETURN(t.memory.limits, limits(r));
      return t;
    case 0x03: {
      t.kind = jit::wasm::ExternKind::Global;
      size_t vat = r.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t v, r.readByte());
      std::optional<ValType> vt = ValType::fromByte(v);
      if (!vt) return invalidByte(r, vat, v, "value type");
      t.global.type = *vt;
      WCR_SET_OR_RETURN(t.global.mut, flag(r));
      return t;
    }
    case 0x04: {
      t.kind = jit::wasm::ExternKind::Func;
      t.isTag = true;
      size_t zat = r.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t z, r.readByte());
      if (z != 0x00) return invalidByte(r, zat, z, "tag attribute");
      WCR_SET_OR_RETURN(t.funcType, r.readVarU32());
      return t;
    }
    default:
      return invalidByte(r, at, b, "external kind");
  }
}

absl::StatusOr<RawCoreType> Decoder::coreType(ByteReader& r, bool allowModule, uint32_t depth) {
  if (depth > kMaxDeclDepth) return r.error("type nesting too deep");
  RawCoreType t;
  t.offset = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
  if (b == 0x60) {
    WCR_SET_OR_RETURN(t.func, coreFuncType(r));
    return t;
  }
  if (b == 0x00 || b == 0x4f) {
    // A (non-final when 0x00 0x50, final when 0x4f) sub type with supertypes: only function
    // types without supertypes are supported (no GC).
    if (b == 0x00) {
      size_t sat = r.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t s, r.readByte());
      if (s != 0x50) return invalidByte(r, sat, s, "non-final sub type");
    }
    WCR_ASSIGN_OR_RETURN(uint32_t supers, count(r));
    if (supers != 0) return r.error("core type supertypes are not supported");
    size_t fat = r.offset();
    WCR_ASSIGN_OR_RETURN(uint8_t f, r.readByte());
    if (f != 0x60) return invalidByte(r, fat, f, "composite type");
    WCR_SET_OR_RETURN(t.func, coreFuncType(r));
    return t;
  }
  if (b != 0x50 || !allowModule) return invalidByte(r, t.offset, b, "type definition");
  t.isModule = true;
  WCR_ASSIGN_OR_RETURN(uint32_t n, count(r));
  t.moduleDecls.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    RawModuleDecl d;
    size_t at = r.offset();
    WCR_ASSIGN_OR_RETURN(uint8_t k, r.readByte());
    switch (k) {
      case 0x00:
        d.kind = RawModuleDecl::Import;
        WCR_SET_OR_RETURN(d.module, name(r));
        WCR_SET_OR_RETURN(d.name, name(r));
        WCR_SET_OR_RETURN(d.type, coreExternType(r));
        break;
      case 0x01: {
        d.kind = RawModuleDecl::Type;
        WCR_ASSIGN_OR_RETURN(RawCoreType inner, coreType(r, false, depth + 1));
        d.coreType.push_back(std::move(inner));
        break;
      }
      case 0x02: {
        d.kind = RawModuleDecl::Alias;
        size_t sat = r.offset();
        WCR_ASSIGN_OR_RETURN(uint8_t s, r.readByte());
        if (s != 0x10) return invalidByte(r, sat, s, "outer alias kind");
        size_t tat = r.offset();
        WCR_ASSIGN_OR_RETURN(uint8_t tg, r.readByte());
        if (tg != 0x01) return invalidByte(r, tat, tg, "outer alias target");
        WCR_SET_OR_RETURN(d.outerCount, r.readVarU32());
        WCR_SET_OR_RETURN(d.outerIndex, r.readVarU32());
        break;
      }
      case 0x03:
        d.kind = RawModuleDecl::Export;
        WCR_SET_OR_RETURN(d.name, name(r));
        WCR_SET_OR_RETURN(d.type, coreExternType(r));
        break;
      default:
        return invalidByte(r, at, k, "type definition");
    }
    t.moduleDecls.push_back(std::move(d));
  }
  return t;
}

absl::StatusOr<std::vector<CanonOpt>> Decoder::canonOpts(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t n, count(r));
  std::vector<CanonOpt> opts;
  opts.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
    if (b > 0x07) return invalidByte(r, at, b, "canonical option");
    CanonOpt o;
    o.kind = static_cast<CanonOpt::Kind>(b);
    if (b == 0x03 || b == 0x04 || b == 0x05 || b == 0x07) {
      WCR_SET_OR_RETURN(o.index, r.readVarU32());
    }
    opts.push_back(o);
  }
  return opts;
}

absl::StatusOr<CanonDef> Decoder::canon(ByteReader& r) {
  CanonDef c;
  c.offset = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t b, r.readByte());
  auto sortZero = [&](const char* what) -> absl::Status {
    size_t at = r.offset();
    WCR_ASSIGN_OR_RETURN(uint8_t z, r.readByte());
    if (z != 0x00) return invalidByte(r, at, z, what);
    return absl::OkStatus();
  };
  auto coreValType = [&]() -> absl::Status {
    size_t at = r.offset();
    WCR_ASSIGN_OR_RETURN(uint8_t v, r.readByte());
    std::optional<ValType> t = ValType::fromByte(v);
    if (!t) return invalidByte(r, at, v, "value type");
    c.coreValType = *t;
    return absl::OkStatus();
  };
  bool known = (b <= 0x06) || (b >= 0x09 && b <= 0x2d) || (b >= 0x40 && b <= 0x42);
  if (!known) return invalidByte(r, c.offset, b, "canonical function");
  c.kind = static_cast<CanonKind>(b);
  switch (c.kind) {
    case CanonKind::Lift:
      WCR_RETURN_IF_ERROR(sortZero("canonical function lift"));
      WCR_SET_OR_RETURN(c.func, r.readVarU32());
      WCR_SET_OR_RETURN(c.opts, canonOpts(r));
      WCR_SET_OR_RETURN(c.type, r.readVarU32());
      break;
    case CanonKind::Lower:
      WCR_RETURN_IF_ERROR(sortZero("canonical function lower"));
      WCR_SET_OR_RETURN(c.func, r.readVarU32());
      WCR_SET_OR_RETURN(c.opts, canonOpts(r));
      break;
    case CanonKind::ResourceNew:
    case CanonKind::ResourceDrop:
    case CanonKind::ResourceRep:
    case CanonKind::StreamNew:
    case CanonKind::StreamDropReadable:
    case CanonKind::StreamDropWritable:
    case CanonKind::FutureNew:
    case CanonKind::FutureDropReadable:
    case CanonKind::FutureDropWritable:
      WCR_SET_OR_RETURN(c.type, r.readVarU32());
      break;
    case CanonKind::StreamRead:
    case CanonKind::StreamWrite:
    case CanonKind::FutureRead:
    case CanonKind::FutureWrite:
      WCR_SET_OR_RETURN(c.type, r.readVarU32());
      WCR_SET_OR_RETURN(c.opts, canonOpts(r));
      break;
    case CanonKind::StreamCancelRead:
    case CanonKind::StreamCancelWrite:
    case CanonKind::FutureCancelRead:
    case CanonKind::FutureCancelWrite:
      WCR_SET_OR_RETURN(c.type, r.readVarU32());
      WCR_SET_OR_RETURN(c.async, flag(r));
      break;
    case CanonKind::SubtaskCancel:
      WCR_SET_OR_RETURN(c.async, flag(r));
      break;
    case CanonKind::TaskReturn: {
      size_t at = r.offset();
      WCR_ASSIGN_OR_RETURN(uint8_t rb, r.readByte());
      if (rb == 0x00) {
        WCR_SET_OR_RETURN(c.result, valType(r));
      } else if (rb == 0x01) {
        size_t zat = r.offset();
        WCR_ASSIGN_OR_RETURN(uint8_t z, r.readByte());
        if (z != 0x00) return invalidByte(r, zat, z, "number of results");
      } else {
        return invalidByte(r, at, rb, "component function results");
      }
      WCR_SET_OR_RETURN(c.opts, canonOpts(r));
      break;
    }
    case CanonKind::ContextGet:
    case CanonKind::ContextSet:
      WCR_RETURN_IF_ERROR(coreValType());
      WCR_SET_OR_RETURN(c.index, r.readVarU32());
      break;
    case CanonKind::ErrorContextNew:
    case CanonKind::ErrorContextDebugMessage:
      WCR_SET_OR_RETURN(c.opts, canonOpts(r));
      break;
    case CanonKind::WaitableSetWait:
    case CanonKind::WaitableSetPoll:
      WCR_SET_OR_RETURN(c.cancellable, flag(r));
      WCR_SET_OR_RETURN(c.memory, r.readVarU32());
      break;
    case CanonKind::ThreadYield:
    case CanonKind::ThreadSuspend:
    case CanonKind::ThreadSuspendThenResume:
    case CanonKind::ThreadYieldThenResume:
    case CanonKind::ThreadSuspendThenPromote:
    case CanonKind::ThreadYieldThenPromote:
      WCR_SET_OR_RETURN(c.cancellable, flag(r));
      break;
    case CanonKind::ThreadNewIndirect:
      WCR_SET_OR_RETURN(c.type, r.readVarU32());
      WCR_SET_OR_RETURN(c.table, r.readVarU32());
      break;
    case CanonKind::ThreadSpawnRef:
      WCR_SET_OR_RETURN(c.shared, flag(r));
      WCR_SET_OR_RETURN(c.type, r.readVarU32());
      break;
    case CanonKind::ThreadSpawnIndirect:
      WCR_SET_OR_RETURN(c.shared, flag(r));
      WCR_SET_OR_RETURN(c.type, r.readVarU32());
      WCR_SET_OR_RETURN(c.table, r.readVarU32());
      break;
    case CanonKind::ThreadAvailableParallelism:
      WCR_SET_OR_RETURN(c.shared, flag(r));
      break;
    default:
      break;  // no immediates
  }
  return c;
}

absl::StatusOr<CoreModuleDef> Decoder::coreModule(ByteReader& r, size_t size) {
  CoreModuleDef m;
  m.offset = r.offset();
  WCR_ASSIGN_OR_RETURN(auto bytes, r.readBytes(size));
  if (bytes.size() >= 8 && bytes[4] == 0x0d && bytes[6] == 0x01) {
    return r.errorAt(m.offset + 4, "expected a version header for a module");
  }
  m.bytes = std::make_shared<const std::vector<uint8_t>>(bytes.begin(), bytes.end());
  auto decoded = jit::wasm::decodeModule(m.bytes);
  if (!decoded.ok()) {
    std::string msg(decoded.status().message());
    if (msg.find("unexpected content after last section") != std::string::npos) {
      msg += " (section out of order)";
    }
    return absl::InvalidArgumentError(
        absl::StrFormat("core module at offset 0x%x: %s", m.offset, msg));
  }
  m.module = std::move(*decoded);
  return m;
}

absl::Status Decoder::customSection(ByteReader& r, Component& c) {
  CustomSection s;
  s.offset = r.offset();
  WCR_SET_OR_RETURN(s.name, name(r));
  auto rest = *r.readBytes(r.remaining());
  s.bytes.assign(rest.begin(), rest.end());
  if (s.name == "component-name") {
    // Best effort: a malformed name section is ignored (Binary.md: validity not required).
    ComponentNames names;
    ByteReader nr(absl::MakeConstSpan(s.bytes), 0);
    bool ok = true;
    while (ok && !nr.atEnd()) {
      auto id = nr.readByte();
      auto len = nr.readVarU32();
      if (!id.ok() || !len.ok()) break;
      auto sub = nr.subReader(*len);
      if (!sub.ok()) break;
      if (*id == 0x00) {
        auto n = name(*sub);
        ok = n.ok();
        if (ok) names.component = *n;
      } else if (*id == 0x01) {
        auto srt = sort(*sub, "sort");
        auto n = srt.ok() ? count(*sub) : absl::StatusOr<uint32_t>(srt.status());
        ok = n.ok();
        for (uint32_t i = 0; ok && i < *n; ++i) {
          auto idx = sub->readVarU32();
          auto nm = idx.ok() ? name(*sub) : absl::StatusOr<std::string>(idx.status());
          ok = nm.ok();
          if (ok) names.names.push_back({SortIndex{*srt, *idx}, *nm});
        }
      }
    }
    if (ok) c.names = std::move(names);
  }
  c.customs.push_back(std::move(s));
  return absl::OkStatus();
}

template <typename T>
void append(Component& c, std::vector<T>& list, Definition::Kind kind, T value) {
  c.definitions.push_back({kind, static_cast<uint32_t>(list.size())});
  list.push_back(std::move(value));
}

absl::Status Decoder::component(ByteReader& r, Component& c, uint32_t depth) {
  if (depth > kMaxNesting) return r.error("nesting of components too deep");
  c.offset = r.offset();
  static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6d};
  for (uint8_t m : kMagic) {
    size_t at = r.offset();
    auto b = r.readByte();
    if (!b.ok()) return r.errorAt(at, kEnd);
    if (*b != m) return r.errorAt(c.offset, "magic header not detected");
  }
  WCR_ASSIGN_OR_RETURN(auto header, r.readBytes(4));
  if (header[2] == 0x00 && header[3] == 0x00) {
    return r.errorAt(c.offset + 4, "expected a version header for a component");
  }
  if (header[0] != 0x0d || header[1] != 0x00) {
    return r.errorAt(c.offset + 4, "unknown binary version");
  }
  if (header[2] != 0x01 || header[3] != 0x00) {
    return r.errorAt(c.offset + 6, "unknown binary layer");
  }

  while (!r.atEnd()) {
    size_t idAt = r.offset();
    WCR_ASSIGN_OR_RETURN(uint8_t id, r.readByte());
    if (id > 12) return r.errorAt(idAt, "malformed section id");
    WCR_ASSIGN_OR_RETURN(uint32_t size, r.readVarU32());
    WCR_ASSIGN_OR_RETURN(ByteReader s, r.subReader(size));
    if (id == 1) {
      WCR_ASSIGN_OR_RETURN(CoreModuleDef m, coreModule(s, size));
      append(c, c.coreModules, Definition::CoreModule, std::move(m));
      continue;
    }
    if (id == 4) {
      Component nested;
      WCR_RETURN_IF_ERROR(component(s, nested, depth + 1));
      nested.size = size;
      append(c, c.components, Definition::Component, std::move(nested));
      continue;
    }
    if (id == 0) {
      WCR_RETURN_IF_ERROR(customSection(s, c));
      continue;
    }
    if (id == 9) {
      StartDef st;
      st.offset = s.offset();
      WCR_SET_OR_RETURN(st.func, s.readVarU32());
      WCR_ASSIGN_OR_RETURN(uint32_t n, count(s));
      for (uint32_t i = 0; i < n; ++i) {
        WCR_ASSIGN_OR_RETURN(uint32_t v, s.readVarU32());
        st.args.push_back(v);
      }
      WCR_SET_OR_RETURN(st.results, s.readVarU32());
      append(c, c.starts, Definition::Start, std::move(st));
    } else {
      WCR_ASSIGN_OR_RETURN(uint32_t n, count(s));
      for (uint32_t i = 0; i < n; ++i) {
        size_t at = s.offset();
        switch (id) {
          case 2: {
            CoreInstanceDef d;
            d.offset = at;
            WCR_ASSIGN_OR_RETURN(uint8_t b, s.readByte());
            if (b == 0x00) {
              WCR_SET_OR_RETURN(d.module, s.readVarU32());
              WCR_ASSIGN_OR_RETURN(uint32_t na, count(s));
              for (uint32_t k = 0; k < na; ++k) {
                CoreInstantiateArg a;
                WCR_SET_OR_RETURN(a.name, name(s));
                size_t kat = s.offset();
                WCR_ASSIGN_OR_RETURN(uint8_t kind, s.readByte());
                if (kind != 0x12) return invalidByte(s, kat, kind, "instantiation arg kind");
                WCR_SET_OR_RETURN(a.instance, s.readVarU32());
                d.args.push_back(std::move(a));
              }
            } else if (b == 0x01) {
              d.instantiate = false;
              WCR_ASSIGN_OR_RETURN(uint32_t ne, count(s));
              for (uint32_t k = 0; k < ne; ++k) {
                CoreInlineExport e;
                WCR_SET_OR_RETURN(e.name, name(s));
                WCR_SET_OR_RETURN(e.sort, coreSort(s, "core sort"));
                WCR_SET_OR_RETURN(e.index, s.readVarU32());
                d.exports.push_back(std::move(e));
              }
            } else {
              return invalidByte(s, at, b, "core instance");
            }
            append(c, c.coreInstances, Definition::CoreInstance, std::move(d));
            break;
          }
          case 3: {
            WCR_ASSIGN_OR_RETURN(RawCoreType t, coreType(s, true, 0));
            append(c, c.coreTypes, Definition::CoreType, std::move(t));
            break;
          }
          case 5: {
            InstanceDef d;
            d.offset = at;
            WCR_ASSIGN_OR_RETURN(uint8_t b, s.readByte());
            if (b == 0x00) {
              WCR_SET_OR_RETURN(d.component, s.readVarU32());
              WCR_ASSIGN_OR_RETURN(uint32_t na, count(s));
              for (uint32_t k = 0; k < na; ++k) {
                InstantiateArg a;
                WCR_SET_OR_RETURN(a.name, name(s));
                WCR_SET_OR_RETURN(a.item, sortIndex(s, "component external kind"));
                d.args.push_back(std::move(a));
              }
            } else if (b == 0x01) {
              d.instantiate = false;
              WCR_ASSIGN_OR_RETURN(uint32_t ne, count(s));
              for (uint32_t k = 0; k < ne; ++k) {
                InlineExport e;
                WCR_SET_OR_RETURN(e.name, externName(s));
                WCR_SET_OR_RETURN(e.item, sortIndex(s, "component external kind"));
                d.exports.push_back(std::move(e));
              }
            } else {
              return invalidByte(s, at, b, "instance");
            }
            append(c, c.instances, Definition::Instance, std::move(d));
            break;
          }
          case 6: {
            WCR_ASSIGN_OR_RETURN(Alias a, alias(s));
            append(c, c.aliases, Definition::Alias, std::move(a));
            break;
          }
          case 7: {
            WCR_ASSIGN_OR_RETURN(RawTypeDef t, typeDef(s, 0));
            append(c, c.types, Definition::Type, std::move(t));
            break;
          }
          case 8: {
            WCR_ASSIGN_OR_RETURN(CanonDef d, canon(s));
            append(c, c.canons, Definition::Canon, std::move(d));
            break;
          }
          case 10: {
            ImportDef d;
            d.offset = at;
            WCR_SET_OR_RETURN(d.name, externName(s));
            WCR_SET_OR_RETURN(d.type, externType(s));
            append(c, c.imports, Definition::Import, std::move(d));
            break;
          }
          case 11: {
            ExportDef d;
            d.offset = at;
            WCR_SET_OR_RETURN(d.name, externName(s));
            WCR_SET_OR_RETURN(d.item, sortIndex(s, "component external kind"));
            size_t oat = s.offset();
            WCR_ASSIGN_OR_RETURN(uint8_t has, s.readByte());
            if (has == 0x01) {
              WCR_SET_OR_RETURN(d.type, externType(s));
            } else if (has != 0x00) {
              return invalidByte(s, oat, has, "optional component export type");
            }
            append(c, c.exports, Definition::Export, std::move(d));
            break;
          }
          case 12: {
            ValueDef v;
            v.offset = at;
            WCR_SET_OR_RETURN(v.type, valType(s));
            WCR_ASSIGN_OR_RETURN(uint32_t len, s.readVarU32());
            WCR_ASSIGN_OR_RETURN(auto bytes, s.readBytes(len));
            v.bytes.assign(bytes.begin(), bytes.end());
            append(c, c.values, Definition::Value, std::move(v));
            break;
          }
        }
      }
    }
    if (!s.atEnd()) return s.error("unexpected content in the section: section size mismatch");
  }
  return absl::OkStatus();
}

}  // namespace

bool isComponentBinary(absl::Span<const uint8_t> bytes) {
  return bytes.size() >= 8 && bytes[0] == 0x00 && bytes[1] == 0x61 && bytes[2] == 0x73 &&
         bytes[3] == 0x6d && bytes[6] == 0x01 && bytes[7] == 0x00;
}

absl::StatusOr<Component> decodeComponent(absl::Span<const uint8_t> bytes) {
  ByteReader r(bytes);
  r.setEndMessage(kEnd);
  Component c;
  Decoder d;
  WCR_RETURN_IF_ERROR(d.component(r, c, 0));
  c.size = bytes.size();
  return c;
}

const char* toString(CoreSort sort) {
  switch (sort) {
    case CoreSort::Func:
      return "func";
    case CoreSort::Table:
      return "table";
    case CoreSort::Memory:
      return "memory";
    case CoreSort::Global:
      return "global";
    case CoreSort::Tag:
      return "tag";
    case CoreSort::Type:
      return "type";
    case CoreSort::Module:
      return "module";
    case CoreSort::Instance:
      return "instance";
  }
  return "?";
}

std::string toString(Sort sort) {
  switch (sort.kind) {
    case Sort::Core:
      return absl::StrCat("core ", toString(sort.core));
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

const char* toString(StringEncoding e) {
  switch (e) {
    case StringEncoding::Utf8:
      return "utf8";
    case StringEncoding::Utf16:
      return "utf16";
    case StringEncoding::Latin1Utf16:
      return "latin1-utf16";
  }
  return "?";
}

}  // namespace wcr::canon::model
