// CanonicalAbiInfo against CanonicalABI.md's definitions (alignment, elem_size, flatten_type,
// flatten_variant's join, flatten_functype), computed by hand from the Python definitions.
#include "canon/model/abi_info.h"

#include <catch2/catch.hpp>

#include "canon/model/types.h"

using namespace wcr::canon::model;
namespace wasm = wcr::jit::wasm;

namespace {

ValType prim(PrimType p) { return ValType::primitive(p); }

struct Fixture {
  TypeTable table;
  AbiCalculator abi{table};

  ValType record(std::vector<ValType> members) {
    DefinedType d;
    d.kind = DefinedKind::Record;
    for (size_t i = 0; i < members.size(); ++i)
      d.fields.push_back({std::string("f").append(std::to_string(i)), members[i]});
    return ValType::defined(table.addDefined(std::move(d)));
  }
  ValType variant(std::vector<std::optional<ValType>> cases) {
    DefinedType d;
    d.kind = DefinedKind::Variant;
    for (size_t i = 0; i < cases.size(); ++i) {
      Case c;
      c.name = "c";
      c.name += std::to_string(i);
      c.type = cases[i];
      d.cases.push_back(std::move(c));
    }
    return ValType::defined(table.addDefined(std::move(d)));
  }
  ValType unary(DefinedKind kind, std::optional<ValType> a, std::optional<ValType> b = {},
                uint32_t length = 0) {
    DefinedType d;
    d.kind = kind;
    d.first = a;
    d.second = b;
    d.length = length;
    return ValType::defined(table.addDefined(std::move(d)));
  }
  ValType labels(DefinedKind kind, size_t n) {
    DefinedType d;
    d.kind = kind;
    for (size_t i = 0; i < n; ++i) d.labels.push_back(std::string("l").append(std::to_string(i)));
    return ValType::defined(table.addDefined(std::move(d)));
  }
};

using Flat = std::vector<wasm::ValType>;

}  // namespace

TEST_CASE("primitive sizes, alignments and flat types", "[abi]") {
  Fixture f;
  CHECK(f.abi.info(prim(PrimType::Bool)).size32 == 1);
  CHECK(f.abi.info(prim(PrimType::U16)).align32 == 2);
  CHECK(f.abi.info(prim(PrimType::U64)).flat == Flat{wasm::kI64});
  CHECK(f.abi.info(prim(PrimType::F32)).flat == Flat{wasm::kF32});
  CHECK(f.abi.info(prim(PrimType::Char)).size32 == 4);
  const CanonicalAbiInfo& s = f.abi.info(prim(PrimType::String));
  CHECK(s.size32 == 8);
  CHECK(s.align32 == 4);
  CHECK(s.size64 == 16);
  CHECK(s.align64 == 8);
  CHECK(s.flat == Flat{wasm::kI32, wasm::kI32});
  CHECK(s.flat64 == Flat{wasm::kI64, wasm::kI64});
}

TEST_CASE("records are laid out field by field and padded to their alignment", "[abi]") {
  Fixture f;
  ValType r1 = f.record({prim(PrimType::U8), prim(PrimType::U32)});
  CHECK(f.abi.info(r1).size32 == 8);
  CHECK(f.abi.info(r1).align32 == 4);
  CHECK(f.abi.info(r1).flat == Flat{wasm::kI32, wasm::kI32});
  ValType r2 = f.record({prim(PrimType::U8), prim(PrimType::U16), prim(PrimType::U8)});
  CHECK(f.abi.info(r2).size32 == 6);
  CHECK(f.abi.info(r2).align32 == 2);
  ValType t = f.record({prim(PrimType::U8), prim(PrimType::U64)});
  CHECK(f.abi.info(t).size32 == 16);
  CHECK(f.abi.info(t).align32 == 8);
  ValType nested = f.record({prim(PrimType::U8), r1});  // r1 at offset 4
  CHECK(f.abi.info(nested).size32 == 12);
}

TEST_CASE("discriminants and flags take the smallest integer", "[abi]") {
  CHECK(discriminantSize(1) == 1);
  CHECK(discriminantSize(2) == 1);
  CHECK(discriminantSize(256) == 1);
  CHECK(discriminantSize(257) == 2);
  CHECK(discriminantSize(65536) == 2);
  CHECK(discriminantSize(65537) == 4);
  CHECK(flagsSize(1) == 1);
  CHECK(flagsSize(8) == 1);
  CHECK(flagsSize(9) == 2);
  CHECK(flagsSize(16) == 2);
  CHECK(flagsSize(17) == 4);
  CHECK(flagsSize(32) == 4);
  Fixture f;
  CHECK(f.abi.info(f.labels(DefinedKind::Flags, 8)).size32 == 1);
  CHECK(f.abi.info(f.labels(DefinedKind::Flags, 9)).size32 == 2);
  CHECK(f.abi.info(f.labels(DefinedKind::Flags, 9)).align32 == 2);
  CHECK(f.abi.info(f.labels(DefinedKind::Flags, 32)).size32 == 4);
  CHECK(f.abi.info(f.labels(DefinedKind::Flags, 32)).flat == Flat{wasm::kI32});
  ValType e = f.labels(DefinedKind::Enum, 257);
  CHECK(f.abi.info(e).size32 == 2);
  CHECK(f.abi.info(e).discriminantSize == 2);
  CHECK(f.abi.info(e).flat == Flat{wasm::kI32});
}

TEST_CASE("option, result and variants", "[abi]") {
  Fixture f;
  ValType o = f.unary(DefinedKind::Option, prim(PrimType::U8));
  CHECK(f.abi.info(o).size32 == 2);
  CHECK(f.abi.info(o).align32 == 1);
  CHECK(f.abi.info(o).payloadOffset32 == 1);
  CHECK(f.abi.info(o).flat == Flat{wasm::kI32, wasm::kI32});

  ValType r = f.unary(DefinedKind::Result, std::nullopt, prim(PrimType::String));
  CHECK(f.abi.info(r).payloadOffset32 == 4);
  CHECK(f.abi.info(r).size32 == 12);
  CHECK(f.abi.info(r).align32 == 4);
  CHECK(f.abi.info(r).flat == Flat{wasm::kI32, wasm::kI32, wasm::kI32});
  CHECK(f.abi.info(r).size64 == 24);
  CHECK(f.abi.info(r).flat64 == Flat{wasm::kI32, wasm::kI64, wasm::kI64});

  ValType empty = f.unary(DefinedKind::Result, std::nullopt, std::nullopt);
  CHECK(f.abi.info(empty).size32 == 1);
  CHECK(f.abi.info(empty).flat == Flat{wasm::kI32});

  // join: i32/f32 -> i32, f64/i32 -> i64, f32/i64 -> i64.
  ValType v1 = f.variant({prim(PrimType::F32), prim(PrimType::U32)});
  CHECK(f.abi.info(v1).flat == Flat{wasm::kI32, wasm::kI32});
  ValType v2 = f.variant({prim(PrimType::F64), prim(PrimType::U32)});
  CHECK(f.abi.info(v2).flat == Flat{wasm::kI32, wasm::kI64});
  CHECK(f.abi.info(v2).size32 == 16);
  CHECK(f.abi.info(v2).align32 == 8);
  ValType v3 = f.variant({prim(PrimType::F32), prim(PrimType::S64), std::nullopt});
  CHECK(f.abi.info(v3).flat == Flat{wasm::kI32, wasm::kI64});
  ValType v4 =
      f.variant({prim(PrimType::F32), f.record({prim(PrimType::F32), prim(PrimType::F64)})});
  CHECK(f.abi.info(v4).flat == Flat{wasm::kI32, wasm::kF32, wasm::kF64});
  ValType v5 =
      f.variant({prim(PrimType::F32), f.record({prim(PrimType::U32), prim(PrimType::F32)})});
  CHECK(f.abi.info(v5).flat == Flat{wasm::kI32, wasm::kI32, wasm::kF32});

  std::vector<std::optional<ValType>> many(300, std::nullopt);
  many[299] = prim(PrimType::U8);
  ValType big = f.variant(many);
  CHECK(f.abi.info(big).discriminantSize == 2);
  CHECK(f.abi.info(big).size32 == 4);
  CHECK(f.abi.info(big).align32 == 2);
}

TEST_CASE("lists, fixed-length lists and the flat limit", "[abi]") {
  Fixture f;
  ValType l = f.unary(DefinedKind::List, prim(PrimType::U64));
  CHECK(f.abi.info(l).size32 == 8);
  CHECK(f.abi.info(l).align32 == 4);
  CHECK(f.abi.info(l).flat == Flat{wasm::kI32, wasm::kI32});
  ValType fixed = f.unary(DefinedKind::FixedList, prim(PrimType::U8), std::nullopt, 4);
  CHECK(f.abi.info(fixed).size32 == 4);
  CHECK(f.abi.info(fixed).align32 == 1);
  CHECK(f.abi.info(fixed).flat == Flat(4, wasm::kI32));
  ValType huge = f.unary(DefinedKind::FixedList, prim(PrimType::U64), std::nullopt, 1000000);
  CHECK(f.abi.info(huge).size32 == 8000000);
  CHECK(f.abi.info(huge).flatOverflow);
  CHECK(f.abi.info(huge).flat.size() == kFlatLimit);
}

TEST_CASE("flatten_functype for lift and lower, sync and async", "[abi]") {
  Fixture f;
  FuncType many;
  for (int i = 0; i < 17; ++i)
    many.params.push_back({std::string("p").append(std::to_string(i)), prim(PrimType::U32)});
  many.result = prim(PrimType::String);
  FuncTypeId id = f.table.addFunc(many);

  FlatFuncType lift = f.abi.flattenFuncType(id, AbiContext::Lift);
  CHECK(lift.params == Flat{wasm::kI32});
  CHECK(lift.paramsInMemory);
  CHECK(lift.results == Flat{wasm::kI32});
  FlatFuncType lower = f.abi.flattenFuncType(id, AbiContext::Lower);
  CHECK(lower.params == Flat{wasm::kI32, wasm::kI32});
  CHECK(lower.results.empty());

  FuncType small;
  for (int i = 0; i < 16; ++i)
    small.params.push_back({std::string("p").append(std::to_string(i)), prim(PrimType::U8)});
  small.result = prim(PrimType::F64);
  FuncTypeId sid = f.table.addFunc(small);
  FlatFuncType s = f.abi.flattenFuncType(sid, AbiContext::Lower);
  CHECK(s.params == Flat(16, wasm::kI32));
  CHECK(s.results == Flat{wasm::kF64});

  FlatFuncType asyncLower = f.abi.flattenFuncType(sid, AbiContext::Lower, {.async = true});
  CHECK(asyncLower.params == Flat{wasm::kI32, wasm::kI32});  // params pointer + result pointer
  CHECK(asyncLower.results == Flat{wasm::kI32});
  FlatFuncType asyncLift = f.abi.flattenFuncType(sid, AbiContext::Lift, {.async = true});
  CHECK(asyncLift.params == Flat(16, wasm::kI32));
  CHECK(asyncLift.results.empty());
  FlatFuncType asyncCallback =
      f.abi.flattenFuncType(sid, AbiContext::Lift, {.async = true, .callback = true});
  CHECK(asyncCallback.results == Flat{wasm::kI32});
  FlatFuncType lift64 = f.abi.flattenFuncType(id, AbiContext::Lift, {.memory64 = true});
  CHECK(lift64.params == Flat{wasm::kI64});
  CHECK(lift64.results == Flat{wasm::kI64});
}

TEST_CASE("interning makes structurally equal types equal", "[types]") {
  Fixture f;
  ValType a = f.unary(DefinedKind::List, prim(PrimType::String));
  ValType b = f.unary(DefinedKind::List, prim(PrimType::String));
  ValType c = f.unary(DefinedKind::List, prim(PrimType::U8));
  CHECK(f.table.sameValType(a, b));
  CHECK_FALSE(f.table.sameValType(a, c));
  ValType la = f.unary(DefinedKind::List, a);
  ValType lb = f.unary(DefinedKind::List, b);
  CHECK(f.table.sameValType(la, lb));
  ResourceId r1 = f.table.freshResource();
  ResourceId r2 = f.table.freshResource();
  DefinedType own1;
  own1.kind = DefinedKind::Own;
  own1.resource = r1;
  DefinedType own1b = own1;
  own1b.resource = f.table.aliasResource(r1);
  DefinedType own2 = own1;
  own2.resource = r2;
  ValType o1 = ValType::defined(f.table.addDefined(own1));
  ValType o1b = ValType::defined(f.table.addDefined(own1b));
  ValType o2 = ValType::defined(f.table.addDefined(own2));
  CHECK(f.table.sameValType(o1, o1b));
  CHECK_FALSE(f.table.sameValType(o1, o2));
  CHECK(f.table.toString(la) == "list<list<string>>");
}
