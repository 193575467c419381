// Value: a component-level value as the canonical ABI's lifting produces and lowering consumes
// (CanonicalABI.md's Python values), for host calls and for the generic (not yet fused) path of
// component-to-component calls.
//
// Decision: a Value does not carry its type; lifting and lowering are driven by the model type
// (canon/model/types.h), so names of fields, cases and labels live in the type and a Value keeps
// positions only (the case index of a variant, one bit per flag label): cheap to build and to
// move between components whose types are equal up to names of nothing.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "canon/abi/handle_table.h"
#include "canon/abi/strings.h"

namespace wcr::canon::abi {

struct Value {
  enum class Kind : uint8_t {
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
    List,     // items: the elements (fixed-length lists too)
    Record,   // items: the fields in type order (tuples too)
    Variant,  // bits: case index; items: the payload, if the case has one (enum/option/result)
    Flags,    // bits: label i is bit i (at most 32 labels)
    Own,      // resource + bits (the representation)
    Borrow,   // resource + bits
  };

  Kind kind = Kind::Bool;
  // Bool (0/1), integers (two's complement, sign-extended), Char (the code point), F32/F64 (the
  // bit pattern), Variant (the case index), Flags (the bit vector), Own/Borrow (the rep).
  uint64_t bits = 0;
  String string;
  std::vector<Value> items;
  const ResourceType* resource = nullptr;

  static Value boolean(bool b) { return scalar(Kind::Bool, b ? 1 : 0); }
  static Value scalar(Kind kind, uint64_t bits) {
    Value v;
    v.kind = kind;
    v.bits = bits;
    return v;
  }
  static Value str(std::string utf8) {
    Value v;
    v.kind = Kind::String;
    v.string = String::fromUtf8(std::move(utf8));
    return v;
  }
  static Value list(std::vector<Value> items) { return aggregate(Kind::List, std::move(items)); }
  static Value record(std::vector<Value> fields) {
    return aggregate(Kind::Record, std::move(fields));
  }
  static Value variant(uint32_t caseIndex) { return scalar(Kind::Variant, caseIndex); }
  static Value variant(uint32_t caseIndex, Value payload) {
    Value v = scalar(Kind::Variant, caseIndex);
    v.items.push_back(std::move(payload));
    return v;
  }
  static Value aggregate(Kind kind, std::vector<Value> items) {
    Value v;
    v.kind = kind;
    v.items = std::move(items);
    return v;
  }
  static Value handle(Kind kind, const ResourceType* resource, uint32_t rep) {
    Value v = scalar(kind, rep);
    v.resource = resource;
    return v;
  }

  // Equality of contents (strings by their text, not their hint).
  bool operator==(const Value& o) const;
};

}  // namespace wcr::canon::abi
