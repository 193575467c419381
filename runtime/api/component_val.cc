// wcr::ComponentVal (runtime/include/wcr/component_val.h) and its conversion to and from the
// canonical ABI's abi::Value, driven by the model type (names come from canon::model's
// TypeTable: record fields, variant cases, enum and flags labels).
#include <bit>
#include <cassert>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "jit/support/status.h"
#include "jit/support/utf8.h"
#include "runtime/api/api_impl.h"

namespace wcr {

namespace model = canon::model;
using canon::abi::Value;
using model::DefinedKind;
using model::PrimType;
using model::ValType;
using K = ComponentValKind;

const char* toString(ComponentValKind kind) {
  switch (kind) {
    case K::Bool:
      return "bool";
    case K::S8:
      return "s8";
    case K::U8:
      return "u8";
    case K::S16:
      return "s16";
    case K::U16:
      return "u16";
    case K::S32:
      return "s32";
    case K::U32:
      return "u32";
    case K::S64:
      return "s64";
    case K::U64:
      return "u64";
    case K::F32:
      return "f32";
    case K::F64:
      return "f64";
    case K::Char:
      return "char";
    case K::String:
      return "string";
    case K::List:
      return "list";
    case K::Record:
      return "record";
    case K::Tuple:
      return "tuple";
    case K::Variant:
      return "variant";
    case K::Enum:
      return "enum";
    case K::Option:
      return "option";
    case K::Result:
      return "result";
    case K::Flags:
      return "flags";
    case K::Own:
      return "own";
    case K::Borrow:
      return "borrow";
  }
  return "?";
}

const std::string& ResourceType::name() const {
  static const std::string kNone = "?";
  return impl_ ? static_cast<const canon::abi::ResourceType*>(impl_.get())->name : kNone;
}

bool ResourceType::hostDefined() const {
  return impl_ && static_cast<const canon::abi::ResourceType*>(impl_.get())->hostDefined();
}

ResourceType wrapResourceType(const canon::abi::ResourceType* type) {
  // Guest-defined types are owned by their instance; host-defined ones arrive here through
  // the linker, which keeps them alive (see ComponentLinker::defineResource).
  return ResourceType(std::shared_ptr<const void>(std::shared_ptr<const void>(), type));
}

// ---- Construction and access ----

ComponentVal ComponentVal::f32(float v) { return integral(K::F32, std::bit_cast<uint32_t>(v)); }
ComponentVal ComponentVal::f64(double v) { return integral(K::F64, std::bit_cast<uint64_t>(v)); }

ComponentVal ComponentVal::string(std::string utf8) {
  ComponentVal v;
  v.kind_ = K::String;
  v.text_ = std::move(utf8);
  return v;
}

ComponentVal ComponentVal::list(std::vector<ComponentVal> elements) {
  ComponentVal v;
  v.kind_ = K::List;
  v.items_ = std::move(elements);
  return v;
}

ComponentVal ComponentVal::record(std::vector<std::pair<std::string, ComponentVal>> fields) {
  ComponentVal v;
  v.kind_ = K::Record;
  for (auto& [name, value] : fields) {
    v.names_.push_back(std::move(name));
    v.items_.push_back(std::move(value));
  }
  return v;
}

ComponentVal ComponentVal::tuple(std::vector<ComponentVal> elements) {
  ComponentVal v;
  v.kind_ = K::Tuple;
  v.items_ = std::move(elements);
  return v;
}

ComponentVal ComponentVal::variant(std::string caseName, std::optional<ComponentVal> payload) {
  ComponentVal v;
  v.kind_ = K::Variant;
  v.text_ = std::move(caseName);
  if (payload) v.items_.push_back(*std::move(payload));
  return v;
}

ComponentVal ComponentVal::enumCase(std::string caseName) {
  ComponentVal v;
  v.kind_ = K::Enum;
  v.text_ = std::move(caseName);
  return v;
}

ComponentVal ComponentVal::some(ComponentVal payload) {
  ComponentVal v = integral(K::Option, 1);
  v.items_.push_back(std::move(payload));
  return v;
}

ComponentVal ComponentVal::none() { return integral(K::Option, 0); }

ComponentVal ComponentVal::ok(std::optional<ComponentVal> payload) {
  ComponentVal v = integral(K::Result, 1);
  if (payload) v.items_.push_back(*std::move(payload));
  return v;
}

ComponentVal ComponentVal::err(std::optional<ComponentVal> payload) {
  ComponentVal v = integral(K::Result, 0);
  if (payload) v.items_.push_back(*std::move(payload));
  return v;
}

ComponentVal ComponentVal::flags(std::vector<std::string> labels) {
  ComponentVal v;
  v.kind_ = K::Flags;
  v.names_ = std::move(labels);
  return v;
}

ComponentVal ComponentVal::own(ResourceType type, uint32_t rep) {
  ComponentVal v = integral(K::Own, rep);
  v.resource_ = std::move(type);
  return v;
}

ComponentVal ComponentVal::borrow(ResourceType type, uint32_t rep) {
  ComponentVal v = integral(K::Borrow, rep);
  v.resource_ = std::move(type);
  return v;
}

const ResourceType& ComponentVal::resourceType() const {
  assert(kind_ == K::Own || kind_ == K::Borrow);
  return resource_;
}

uint32_t ComponentVal::rep() const {
  assert(kind_ == K::Own || kind_ == K::Borrow);
  return static_cast<uint32_t>(bits_);
}

namespace {
bool isSignedKind(K k) { return k == K::S8 || k == K::S16 || k == K::S32 || k == K::S64; }
bool isUnsignedKind(K k) { return k == K::U8 || k == K::U16 || k == K::U32 || k == K::U64; }
}  // namespace

bool ComponentVal::asBool() const {
  assert(kind_ == K::Bool);
  return bits_ != 0;
}
int64_t ComponentVal::asSigned() const {
  assert(isSignedKind(kind_));
  return static_cast<int64_t>(bits_);
}
uint64_t ComponentVal::asUnsigned() const {
  assert(isUnsignedKind(kind_));
  return bits_;
}
float ComponentVal::asF32() const {
  assert(kind_ == K::F32);
  return std::bit_cast<float>(static_cast<uint32_t>(bits_));
}
double ComponentVal::asF64() const {
  assert(kind_ == K::F64);
  return std::bit_cast<double>(bits_);
}
char32_t ComponentVal::asChar() const {
  assert(kind_ == K::Char);
  return static_cast<char32_t>(bits_);
}
const std::string& ComponentVal::asString() const {
  assert(kind_ == K::String);
  return text_;
}
const std::vector<ComponentVal>& ComponentVal::elements() const {
  assert(kind_ == K::List || kind_ == K::Tuple);
  return items_;
}
std::vector<std::pair<std::string, ComponentVal>> ComponentVal::fields() const {
  assert(kind_ == K::Record);
  std::vector<std::pair<std::string, ComponentVal>> out;
  for (size_t i = 0; i < items_.size(); ++i) out.emplace_back(names_[i], items_[i]);
  return out;
}
const ComponentVal* ComponentVal::field(const std::string& name) const {
  assert(kind_ == K::Record);
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return &items_[i];
  }
  return nullptr;
}
const std::string& ComponentVal::caseName() const {
  assert(kind_ == K::Variant || kind_ == K::Enum);
  return text_;
}
bool ComponentVal::isSome() const {
  assert(kind_ == K::Option);
  return bits_ != 0;
}
bool ComponentVal::isOk() const {
  assert(kind_ == K::Result);
  return bits_ != 0;
}
const ComponentVal* ComponentVal::payload() const {
  assert(kind_ == K::Variant || kind_ == K::Option || kind_ == K::Result);
  return items_.empty() ? nullptr : &items_[0];
}
const std::vector<std::string>& ComponentVal::flagLabels() const {
  assert(kind_ == K::Flags);
  return names_;
}

bool ComponentVal::operator==(const ComponentVal& o) const {
  return kind_ == o.kind_ && bits_ == o.bits_ && text_ == o.text_ && items_ == o.items_ &&
         names_ == o.names_ && resource_ == o.resource_;
}

namespace {

std::string quoteText(const std::string& s, char quote) {
  std::string out(1, quote);
  for (char c : s) {
    if (c == quote || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + quote;
}

std::string joinVals(const std::vector<ComponentVal>& vs) {
  std::vector<std::string> parts;
  for (const ComponentVal& v : vs) parts.push_back(v.toString());
  return absl::StrJoin(parts, ", ");
}

}  // namespace

std::string ComponentVal::toString() const {
  auto withPayload = [&](const std::string& name) {
    return items_.empty() ? name : absl::StrCat(name, "(", items_[0].toString(), ")");
  };
  switch (kind_) {
    case K::Bool:
      return bits_ ? "true" : "false";
    case K::S8:
    case K::S16:
    case K::S32:
    case K::S64:
      return absl::StrCat(static_cast<int64_t>(bits_));
    case K::U8:
    case K::U16:
    case K::U32:
    case K::U64:
      return absl::StrCat(bits_);
    case K::F32:
      return absl::StrFormat("%g", asF32());
    case K::F64:
      return absl::StrFormat("%g", asF64());
    case K::Char: {
      std::string utf8;
      if (bits_ <= 0x10FFFF && (bits_ < 0xD800 || bits_ > 0xDFFF)) {
        support::appendUtf8(utf8, static_cast<uint32_t>(bits_));
      } else {
        utf8 = absl::StrFormat("\\u{%x}", bits_);
      }
      return quoteText(utf8, '\'');
    }
    case K::String:
      return quoteText(text_, '"');
    case K::List:
      return absl::StrCat("[", joinVals(items_), "]");
    case K::Tuple:
      return absl::StrCat("(", joinVals(items_), ")");
    case K::Record: {
      std::vector<std::string> parts;
      for (size_t i = 0; i < items_.size(); ++i) {
        parts.push_back(absl::StrCat(names_[i], ": ", items_[i].toString()));
      }
      return absl::StrCat("{", absl::StrJoin(parts, ", "), "}");
    }
    case K::Variant:
      return withPayload(text_);
    case K::Enum:
      return text_;
    case K::Option:
      return bits_ ? withPayload("some") : "none";
    case K::Result:
      return withPayload(bits_ ? "ok" : "err");
    case K::Flags:
      return absl::StrCat("{", absl::StrJoin(names_, ", "), "}");
    case K::Own:
    case K::Borrow:
      return absl::StrCat(wcr::toString(kind_), "<", resource_.name(), ">#", bits_);
  }
  return "?";
}

// ---- Conversion to and from abi::Value ----

namespace {

struct IntRange {
  Value::Kind kind;
  bool isSigned;
  int64_t min;
  uint64_t max;
};

std::optional<IntRange> intRange(PrimType p) {
  switch (p) {
    case PrimType::S8:
      return IntRange{Value::Kind::S8, true, INT8_MIN, INT8_MAX};
    case PrimType::U8:
      return IntRange{Value::Kind::U8, false, 0, UINT8_MAX};
    case PrimType::S16:
      return IntRange{Value::Kind::S16, true, INT16_MIN, INT16_MAX};
    case PrimType::U16:
      return IntRange{Value::Kind::U16, false, 0, UINT16_MAX};
    case PrimType::S32:
      return IntRange{Value::Kind::S32, true, INT32_MIN, INT32_MAX};
    case PrimType::U32:
      return IntRange{Value::Kind::U32, false, 0, UINT32_MAX};
    case PrimType::S64:
      return IntRange{Value::Kind::S64, true, INT64_MIN, INT64_MAX};
    case PrimType::U64:
      return IntRange{Value::Kind::U64, false, 0, UINT64_MAX};
    default:
      return std::nullopt;
  }
}

class ToAbi {
 public:
  explicit ToAbi(const model::TypeTable& types) : types_(types) {}

  absl::StatusOr<Value> convert(const ComponentVal& v, ValType t, const std::string& where) {
    if (t.isPrimitive()) return primitive(v, t.prim(), where);
    const model::DefinedType& d = types_.defined(t.definedId());
    switch (d.kind) {
      case DefinedKind::List:
      case DefinedKind::FixedList: {
        if (v.kind() != K::List) return wrongKind(v, t, where);
        if (d.kind == DefinedKind::FixedList && v.elements().size() != d.length) {
          return fail(where, absl::StrFormat("%s has %d elements, the type %s has %d", v.toString(),
                                             v.elements().size(), types_.toString(t), d.length));
        }
        std::vector<Value> items;
        for (size_t i = 0; i < v.elements().size(); ++i) {
          WCR_ASSIGN_OR_RETURN(
              Value item, convert(v.elements()[i], *d.first, absl::StrCat(where, "[", i, "]")));
          items.push_back(std::move(item));
        }
        return Value::list(std::move(items));
      }
      case DefinedKind::Record: {
        if (v.kind() != K::Record) return wrongKind(v, t, where);
        std::vector<std::pair<std::string, ComponentVal>> given = v.fields();
        for (const auto& [name, value] : given) {
          bool known = false;
          for (const model::Field& f : d.fields) known = known || f.name == name;
          if (!known) {
            return fail(where, absl::StrFormat("unknown field `%s` (the type is %s)", name,
                                               types_.toString(t)));
          }
        }
        std::vector<Value> fields;
        for (const model::Field& f : d.fields) {
          const ComponentVal* value = v.field(f.name);
          if (!value) {
            return fail(where, absl::StrFormat("missing field `%s` (the type is %s)", f.name,
                                               types_.toString(t)));
          }
          WCR_ASSIGN_OR_RETURN(Value field,
                               convert(*value, f.type, absl::StrCat(where, ".", f.name)));
          fields.push_back(std::move(field));
        }
        return Value::record(std::move(fields));
      }
      case DefinedKind::Tuple: {
        if (v.kind() != K::Tuple) return wrongKind(v, t, where);
        if (v.elements().size() != d.types.size()) {
          return fail(where,
                      absl::StrFormat("%s has %d elements, the type %s has %d", v.toString(),
                                      v.elements().size(), types_.toString(t), d.types.size()));
        }
        std::vector<Value> items;
        for (size_t i = 0; i < d.types.size(); ++i) {
          WCR_ASSIGN_OR_RETURN(Value item,
                               convert(v.elements()[i], d.types[i], absl::StrCat(where, ".", i)));
          items.push_back(std::move(item));
        }
        return Value::record(std::move(items));
      }
      case DefinedKind::Variant: {
        if (v.kind() != K::Variant) return wrongKind(v, t, where);
        for (uint32_t i = 0; i < d.cases.size(); ++i) {
          if (d.cases[i].name != v.caseName()) continue;
          return withPayload(v, i, d.cases[i].type, t, absl::StrCat(where, ".", v.caseName()));
        }
        return fail(where, absl::StrFormat("unknown case `%s` (the type is %s)", v.caseName(),
                                           types_.toString(t)));
      }
      case DefinedKind::Enum: {
        if (v.kind() != K::Enum) return wrongKind(v, t, where);
        for (uint32_t i = 0; i < d.labels.size(); ++i) {
          if (d.labels[i] == v.caseName()) return Value::variant(i);
        }
        return fail(where, absl::StrFormat("unknown case `%s` (the type is %s)", v.caseName(),
                                           types_.toString(t)));
      }
      case DefinedKind::Option:
        if (v.kind() != K::Option) return wrongKind(v, t, where);
        if (!v.isSome()) return Value::variant(0);
        return withPayload(v, 1, d.first, t, absl::StrCat(where, ".some"));
      case DefinedKind::Result:
        if (v.kind() != K::Result) return wrongKind(v, t, where);
        return v.isOk() ? withPayload(v, 0, d.first, t, absl::StrCat(where, ".ok"))
                        : withPayload(v, 1, d.second, t, absl::StrCat(where, ".err"));
      case DefinedKind::Flags: {
        if (v.kind() != K::Flags) return wrongKind(v, t, where);
        uint64_t bits = 0;
        for (const std::string& label : v.flagLabels()) {
          bool found = false;
          for (uint32_t i = 0; i < d.labels.size(); ++i) {
            if (d.labels[i] == label) {
              bits |= uint64_t{1} << i;
              found = true;
            }
          }
          if (!found) {
            return fail(where, absl::StrFormat("unknown flag `%s` (the type is %s)", label,
                                               types_.toString(t)));
          }
        }
        return Value::scalar(Value::Kind::Flags, bits);
      }
      case DefinedKind::Own:
      case DefinedKind::Borrow: {
        // A borrow parameter also takes an own handle the host keeps (it lends it).
        bool fits = v.kind() == K::Borrow ? d.kind == DefinedKind::Borrow : v.kind() == K::Own;
        if (!fits || !v.resourceType().raw()) return wrongKind(v, t, where);
        return Value::handle(d.kind == DefinedKind::Own ? Value::Kind::Own : Value::Kind::Borrow,
                             static_cast<const canon::abi::ResourceType*>(v.resourceType().raw()),
                             v.rep());
      }
      default:
        return fail(where, absl::StrFormat("values of type %s are not supported by the API yet",
                                           types_.toString(t)));
    }
  }

 private:
  static absl::Status fail(const std::string& where, const std::string& what) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
  }
  absl::Status wrongKind(const ComponentVal& v, ValType t, const std::string& where) const {
    return fail(where, absl::StrFormat("expected a value of type %s, got the %s %s",
                                       types_.toString(t), wcr::toString(v.kind()), v.toString()));
  }

  absl::StatusOr<Value> withPayload(const ComponentVal& v, uint32_t index,
                                    const std::optional<ValType>& payloadType, ValType t,
                                    const std::string& where) {
    const ComponentVal* payload = v.payload();
    if (payloadType.has_value() != (payload != nullptr)) {
      return fail(where, absl::StrCat(payloadType ? "a payload is required"
                                                  : "this case has no payload",
                                      " (the type is ", types_.toString(t), ")"));
    }
    if (!payload) return Value::variant(index);
    WCR_ASSIGN_OR_RETURN(Value p, convert(*payload, *payloadType, where));
    return Value::variant(index, std::move(p));
  }

  absl::StatusOr<Value> primitive(const ComponentVal& v, PrimType p, const std::string& where) {
    ValType t = ValType::primitive(p);
    if (std::optional<IntRange> range = intRange(p)) {
      bool fits;
      if (isSignedKind(v.kind())) {
        int64_t x = v.asSigned();
        fits = range->isSigned ? x >= range->min && x <= static_cast<int64_t>(range->max)
                               : x >= 0 && static_cast<uint64_t>(x) <= range->max;
      } else if (isUnsignedKind(v.kind())) {
        uint64_t x = v.asUnsigned();
        fits = x <= range->max;
      } else {
        return wrongKind(v, t, where);
      }
      if (!fits) {
        return fail(where,
                    absl::StrFormat("%s is out of range for %s", v.toString(), model::toString(p)));
      }
      uint64_t bits = isSignedKind(v.kind()) ? static_cast<uint64_t>(v.asSigned()) : v.asUnsigned();
      return Value::scalar(range->kind, bits);
    }
    switch (p) {
      case PrimType::Bool:
        if (v.kind() != K::Bool) return wrongKind(v, t, where);
        return Value::boolean(v.asBool());
      case PrimType::F32:
        if (v.kind() != K::F32) return wrongKind(v, t, where);
        return Value::scalar(Value::Kind::F32, std::bit_cast<uint32_t>(v.asF32()));
      case PrimType::F64:
        if (v.kind() != K::F64) return wrongKind(v, t, where);
        return Value::scalar(Value::Kind::F64, std::bit_cast<uint64_t>(v.asF64()));
      case PrimType::Char: {
        if (v.kind() != K::Char) return wrongKind(v, t, where);
        uint32_t cp = v.asChar();
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
          return fail(where,
                      absl::StrFormat("U+%04X is not a valid char (a Unicode scalar value)", cp));
        }
        return Value::scalar(Value::Kind::Char, cp);
      }
      case PrimType::String: {
        if (v.kind() != K::String) return wrongKind(v, t, where);
        if (std::optional<support::Utf8Error> bad = support::findUtf8Error(v.asString())) {
          return fail(
              where, absl::StrFormat("the string is not valid UTF-8 (at byte %d)", bad->validUpTo));
        }
        return Value::str(v.asString());
      }
      default:
        return fail(where, absl::StrFormat("values of type %s are not supported by the API yet",
                                           model::toString(p)));
    }
  }

  const model::TypeTable& types_;
};

class FromAbi {
 public:
  explicit FromAbi(const model::TypeTable& types) : types_(types) {}

  absl::StatusOr<ComponentVal> convert(const Value& v, ValType t) {
    if (t.isPrimitive()) {
      switch (t.prim()) {
        case PrimType::Bool:
          return ComponentVal::boolean(v.bits != 0);
        case PrimType::S8:
          return ComponentVal::s8(static_cast<int8_t>(v.bits));
        case PrimType::U8:
          return ComponentVal::u8(static_cast<uint8_t>(v.bits));
        case PrimType::S16:
          return ComponentVal::s16(static_cast<int16_t>(v.bits));
        case PrimType::U16:
          return ComponentVal::u16(static_cast<uint16_t>(v.bits));
        case PrimType::S32:
          return ComponentVal::s32(static_cast<int32_t>(v.bits));
        case PrimType::U32:
          return ComponentVal::u32(static_cast<uint32_t>(v.bits));
        case PrimType::S64:
          return ComponentVal::s64(static_cast<int64_t>(v.bits));
        case PrimType::U64:
          return ComponentVal::u64(v.bits);
        case PrimType::F32:
          return ComponentVal::f32(std::bit_cast<float>(static_cast<uint32_t>(v.bits)));
        case PrimType::F64:
          return ComponentVal::f64(std::bit_cast<double>(v.bits));
        case PrimType::Char:
          return ComponentVal::character(static_cast<char32_t>(v.bits));
        case PrimType::String:
          return ComponentVal::string(v.string.utf8);
        default:
          return unsupported(t);
      }
    }
    const model::DefinedType& d = types_.defined(t.definedId());
    switch (d.kind) {
      case DefinedKind::List:
      case DefinedKind::FixedList: {
        std::vector<ComponentVal> items;
        for (const Value& item : v.items) {
          WCR_ASSIGN_OR_RETURN(ComponentVal c, convert(item, *d.first));
          items.push_back(std::move(c));
        }
        return ComponentVal::list(std::move(items));
      }
      case DefinedKind::Record: {
        std::vector<std::pair<std::string, ComponentVal>> fields;
        for (size_t i = 0; i < d.fields.size() && i < v.items.size(); ++i) {
          WCR_ASSIGN_OR_RETURN(ComponentVal c, convert(v.items[i], d.fields[i].type));
          fields.emplace_back(d.fields[i].name, std::move(c));
        }
        return ComponentVal::record(std::move(fields));
      }
      case DefinedKind::Tuple: {
        std::vector<ComponentVal> items;
        for (size_t i = 0; i < d.types.size() && i < v.items.size(); ++i) {
          WCR_ASSIGN_OR_RETURN(ComponentVal c, convert(v.items[i], d.types[i]));
          items.push_back(std::move(c));
        }
        return ComponentVal::tuple(std::move(items));
      }
      case DefinedKind::Variant: {
        if (v.bits >= d.cases.size()) return badCase(t);
        const model::Case& c = d.cases[v.bits];
        WCR_ASSIGN_OR_RETURN(std::optional<ComponentVal> p, payload(v, c.type));
        return ComponentVal::variant(c.name, std::move(p));
      }
      case DefinedKind::Enum:
        if (v.bits >= d.labels.size()) return badCase(t);
        return ComponentVal::enumCase(d.labels[v.bits]);
      case DefinedKind::Option: {
        if (v.bits == 0) return ComponentVal::none();
        WCR_ASSIGN_OR_RETURN(std::optional<ComponentVal> p, payload(v, d.first));
        return ComponentVal::some(*std::move(p));
      }
      case DefinedKind::Result: {
        WCR_ASSIGN_OR_RETURN(std::optional<ComponentVal> p,
                             payload(v, v.bits == 0 ? d.first : d.second));
        return v.bits == 0 ? ComponentVal::ok(std::move(p)) : ComponentVal::err(std::move(p));
      }
      case DefinedKind::Flags: {
        std::vector<std::string> labels;
        for (uint32_t i = 0; i < d.labels.size(); ++i) {
          if (v.bits & (uint64_t{1} << i)) labels.push_back(d.labels[i]);
        }
        return ComponentVal::flags(std::move(labels));
      }
      case DefinedKind::Own:
        return ComponentVal::own(wrapResourceType(v.resource), static_cast<uint32_t>(v.bits));
      case DefinedKind::Borrow:
        return ComponentVal::borrow(wrapResourceType(v.resource), static_cast<uint32_t>(v.bits));
      default:
        return unsupported(t);
    }
  }

 private:
  absl::StatusOr<std::optional<ComponentVal>> payload(const Value& v,
                                                      const std::optional<ValType>& type) {
    if (!type || v.items.empty()) return std::optional<ComponentVal>();
    WCR_ASSIGN_OR_RETURN(ComponentVal c, convert(v.items[0], *type));
    return std::optional<ComponentVal>(std::move(c));
  }
  absl::Status unsupported(ValType t) const {
    return absl::UnimplementedError(
        absl::StrFormat("values of type %s are not supported by the API yet", types_.toString(t)));
  }
  absl::Status badCase(ValType t) const {
    return absl::InternalError(
        absl::StrFormat("a value of type %s has an out-of-range case index", types_.toString(t)));
  }

  const model::TypeTable& types_;
};

}  // namespace

absl::StatusOr<Value> toAbiValue(const model::TypeTable& types, const ComponentVal& v, ValType t,
                                 const std::string& where) {
  return ToAbi(types).convert(v, t, where);
}

absl::StatusOr<ComponentVal> fromAbiValue(const model::TypeTable& types, const Value& v,
                                          ValType t) {
  return FromAbi(types).convert(v, t);
}

}  // namespace wcr
