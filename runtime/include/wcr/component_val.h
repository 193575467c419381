// wcr::ComponentVal: a Component Model value as embedders see it (the counterpart of Wasmtime's
// component::Val): scalars, strings, lists, records, tuples, variants, enums, options, results
// and flags.
//
// Decision: a ComponentVal carries its names (record field names, case names, flag labels) so
// that it reads without its type, and is checked against the function's type when it crosses
// into a component (a wrong kind, an unknown case, label or field, an integer out of range, an
// invalid char or a string that is not UTF-8 is an Error of kind Invalid naming where it is).
// Integers convert between integer kinds when the value fits the type (s64(5) passes as a u8).
// Resource handles (own/borrow) carry their ResourceType and rep; a handle's kind is checked,
// not yet that its resource type is the one the function names.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace wcr {

enum class ComponentValKind : uint8_t {
  Bool,
  S8,
  U8,
  S16,
  U16,
  S32,
  U32,
  S64,
  U64,
  F32,
  F64,
  Char,
  String,
  List,
  Record,
  Tuple,
  Variant,
  Enum,
  Option,
  Result,
  Flags,
  Own,
  Borrow,
};

const char* toString(ComponentValKind kind);  // "bool", "u32", "record", ...

// A resource type: host-defined (ComponentLinker::defineResource) or defined by a component
// instance (then valid while the instance lives). Compared by identity.
class ResourceType {
 public:
  ResourceType() = default;
  const std::string& name() const;
  bool hostDefined() const;
  bool operator==(const ResourceType& o) const { return impl_ == o.impl_; }

  explicit ResourceType(std::shared_ptr<const void> impl) : impl_(std::move(impl)) {}
  const void* raw() const { return impl_.get(); }

 private:
  std::shared_ptr<const void> impl_;  // a canon::abi::ResourceType
};

class ComponentVal {
 public:
  ComponentVal() = default;  // bool false

  static ComponentVal boolean(bool v) { return integral(ComponentValKind::Bool, v ? 1 : 0); }
  static ComponentVal s8(int8_t v) { return integral(ComponentValKind::S8, uint64_t(int64_t{v})); }
  static ComponentVal u8(uint8_t v) { return integral(ComponentValKind::U8, v); }
  static ComponentVal s16(int16_t v) {
    return integral(ComponentValKind::S16, uint64_t(int64_t{v}));
  }
  static ComponentVal u16(uint16_t v) { return integral(ComponentValKind::U16, v); }
  static ComponentVal s32(int32_t v) {
    return integral(ComponentValKind::S32, uint64_t(int64_t{v}));
  }
  static ComponentVal u32(uint32_t v) { return integral(ComponentValKind::U32, v); }
  static ComponentVal s64(int64_t v) { return integral(ComponentValKind::S64, uint64_t(v)); }
  static ComponentVal u64(uint64_t v) { return integral(ComponentValKind::U64, v); }
  static ComponentVal f32(float v);
  static ComponentVal f64(double v);
  static ComponentVal character(char32_t codePoint) {
    return integral(ComponentValKind::Char, codePoint);
  }
  static ComponentVal string(std::string utf8);
  static ComponentVal list(std::vector<ComponentVal> elements);
  static ComponentVal record(std::vector<std::pair<std::string, ComponentVal>> fields);
  static ComponentVal tuple(std::vector<ComponentVal> elements);
  static ComponentVal variant(std::string caseName,
                              std::optional<ComponentVal> payload = std::nullopt);
  static ComponentVal enumCase(std::string caseName);
  static ComponentVal some(ComponentVal payload);
  static ComponentVal none();
  static ComponentVal ok(std::optional<ComponentVal> payload = std::nullopt);
  static ComponentVal err(std::optional<ComponentVal> payload = std::nullopt);
  static ComponentVal flags(std::vector<std::string> labels);
  // Resource handles: for a host-defined resource, `rep` is the host's own number for the
  // object (an index into its table, say).
  static ComponentVal own(ResourceType type, uint32_t rep);
  static ComponentVal borrow(ResourceType type, uint32_t rep);

  ComponentValKind kind() const { return kind_; }

  // Accessors: each requires the matching kind (asserted).
  bool asBool() const;
  int64_t asSigned() const;     // s8..s64 (sign-extended)
  uint64_t asUnsigned() const;  // u8..u64
  float asF32() const;
  double asF64() const;
  char32_t asChar() const;
  const std::string& asString() const;
  // List and tuple elements.
  const std::vector<ComponentVal>& elements() const;
  // Record fields in order: (name, value).
  std::vector<std::pair<std::string, ComponentVal>> fields() const;
  // Record: the field named `name`, or null.
  const ComponentVal* field(const std::string& name) const;
  // Variant and enum: the case name.
  const std::string& caseName() const;
  // Option: has a value; result: is ok.
  bool isSome() const;
  bool isOk() const;
  // Variant, option (some) and result: the payload, or null when there is none.
  const ComponentVal* payload() const;
  // Flags: the labels that are set.
  const std::vector<std::string>& flagLabels() const;
  // Own and borrow: the resource type and the rep.
  const ResourceType& resourceType() const;
  uint32_t rep() const;

  // Readable form in the WAVE style: 42, "hi", 'x', [1, 2], {x: 1, y: "a"}, (1, "a"),
  // circle(2.5), red, some(1), none, ok("x"), err, {read, write}, own<file>#3.
  std::string toString() const;

  bool operator==(const ComponentVal& o) const;

 private:
  static ComponentVal integral(ComponentValKind kind, uint64_t bits) {
    ComponentVal v;
    v.kind_ = kind;
    v.bits_ = bits;
    return v;
  }

  ComponentValKind kind_ = ComponentValKind::Bool;
  // Bool (0/1), integers (two's complement, sign-extended), Char, F32/F64 (the bit pattern),
  // Option/Result (1: some/ok), Own/Borrow (the rep).
  uint64_t bits_ = 0;
  std::string text_;                 // String, or the case name of Variant/Enum
  std::vector<ComponentVal> items_;  // List/Tuple elements, Record fields, the payload if any
  std::vector<std::string> names_;   // Record field names, Flags labels
  ResourceType resource_;            // Own/Borrow
};

}  // namespace wcr
