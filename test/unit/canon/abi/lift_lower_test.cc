// canon/abi lifting and lowering: layouts in memory, flat values with variant joins, the
// MAX_FLAT spill, NaN canonicalization, handles, and the traps of bad guest data.
#include "canon/abi/lift_lower.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "canon/abi/abi_trap.h"

namespace wcr::canon::abi {
namespace {

using model::DefinedKind;
using model::DefinedType;
using model::PrimType;
using model::ValType;

ValType prim(PrimType p) { return ValType::primitive(p); }

class FakeMemory : public GuestMemory {
 public:
  FakeMemory() : bytes(65536, 0) {}
  MemoryView memory() override { return {bytes.data(), bytes.size()}; }
  absl::StatusOr<uint64_t> realloc(uint64_t old, uint64_t oldSize, uint32_t alignment,
                                   uint64_t newSize) override {
    ++calls;
    uint64_t ptr = (next + alignment - 1) / alignment * alignment;
    next = ptr + newSize;
    if (old) std::memmove(bytes.data() + ptr, bytes.data() + old, std::min(oldSize, newSize));
    return ptr;
  }
  std::vector<uint8_t> bytes;
  uint64_t next = 1024;
  int calls = 0;
};

struct Fixture {
  model::TypeTable table;
  model::AbiCalculator abi{table};
  FakeMemory memory;
  HandleTable handles;
  BorrowScope scope;
  Lenders lenders;
  ResourceType resource{nullptr, "r", {}};
  LiftLowerContext cx;

  Fixture() {
    cx.types = &table;
    cx.abi = &abi;
    cx.memory = &memory;
    cx.handles = &handles;
    cx.borrowScope = &scope;
    cx.lenders = &lenders;
    cx.resourceType = [this](model::ResourceId) { return &resource; };
  }
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
    for (size_t i = 0; i < cases.size(); ++i)
      d.cases.push_back({std::string("c").append(std::to_string(i)), cases[i]});
    return ValType::defined(table.addDefined(std::move(d)));
  }
  ValType unary(DefinedKind kind, std::optional<ValType> a = {}, std::optional<ValType> b = {},
                uint32_t length = 0) {
    DefinedType d;
    d.kind = kind;
    d.first = a;
    d.second = b;
    d.length = length;
    if (kind == DefinedKind::Own || kind == DefinedKind::Borrow) d.resource = table.freshResource();
    return ValType::defined(table.addDefined(std::move(d)));
  }
  ValType flags(size_t n) {
    DefinedType d;
    d.kind = DefinedKind::Flags;
    for (size_t i = 0; i < n; ++i) d.labels.push_back(std::string("l").append(std::to_string(i)));
    return ValType::defined(table.addDefined(std::move(d)));
  }
  uint32_t u32At(uint64_t p) {
    uint32_t v;
    std::memcpy(&v, memory.bytes.data() + p, 4);
    return v;
  }
};

std::string trapOf(const absl::Status& s) {
  REQUIRE(isAbiTrap(s));
  return std::string(s.message());
}

uint64_t f64Bits(double d) {
  uint64_t b;
  std::memcpy(&b, &d, 8);
  return b;
}
uint32_t f32Bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

TEST_CASE("store and load a record with the spec's layout") {
  Fixture f;
  ValType r = f.record({prim(PrimType::U8), prim(PrimType::String), prim(PrimType::F64)});
  Value v = Value::record({Value::scalar(Value::Kind::U8, 200), Value::str("hey"),
                           Value::scalar(Value::Kind::F64, f64Bits(2.5))});
  REQUIRE(checkValue(f.table, v, r).ok());
  REQUIRE(store(f.cx, v, r, 64).ok());
  CHECK(f.memory.bytes[64] == 200);
  uint32_t strPtr = f.u32At(68);
  CHECK(f.u32At(72) == 3);
  CHECK(std::memcmp(f.memory.bytes.data() + strPtr, "hey", 3) == 0);
  double d;
  std::memcpy(&d, f.memory.bytes.data() + 80, 8);  // f64 aligned to 8 after 4+8 bytes
  CHECK(d == 2.5);
  auto back = load(f.cx, 64, r);
  REQUIRE(back.ok());
  CHECK(*back == v);
}

TEST_CASE("lists, options, results, enums, flags and fixed-length lists round-trip") {
  Fixture f;
  ValType list = f.unary(DefinedKind::List, prim(PrimType::S16));
  ValType option = f.unary(DefinedKind::Option, prim(PrimType::Char));
  ValType result = f.unary(DefinedKind::Result, prim(PrimType::U32), prim(PrimType::String));
  ValType flags = f.flags(10);
  ValType fixed = f.unary(DefinedKind::FixedList, prim(PrimType::U8), {}, 3);
  ValType all = f.record({list, option, result, flags, fixed});
  Value v = Value::record({
      Value::list({Value::scalar(Value::Kind::S16, static_cast<uint64_t>(-5)),
                   Value::scalar(Value::Kind::S16, 7)}),
      Value::variant(1, Value::scalar(Value::Kind::Char, 0x1F600)),
      Value::variant(1, Value::str("bad")),
      Value::scalar(Value::Kind::Flags, 0x201),
      Value::list({Value::scalar(Value::Kind::U8, 1), Value::scalar(Value::Kind::U8, 2),
                   Value::scalar(Value::Kind::U8, 3)}),
  });
  REQUIRE(checkValue(f.table, v, all).ok());
  REQUIRE(store(f.cx, v, all, 128).ok());
  auto back = load(f.cx, 128, all);
  REQUIRE(back.ok());
  CHECK(*back == v);

  std::vector<ValRaw> flat;
  REQUIRE(lowerFlatValues(f.cx, 16, {v}, {all}, flat).ok());
  auto lifted = liftFlatValues(f.cx, 16, flat, {all});
  REQUIRE(lifted.ok());
  CHECK((*lifted)[0] == v);
}

TEST_CASE("variant payloads are joined in flat form and coerced back") {
  Fixture f;
  ValType v = f.variant({prim(PrimType::F32), prim(PrimType::U64), std::nullopt});
  Value a = Value::variant(0, Value::scalar(Value::Kind::F32, f32Bits(1.5f)));
  std::vector<ValRaw> flat;
  REQUIRE(lowerFlatValues(f.cx, 16, {a}, {v}, flat).ok());
  REQUIRE(flat.size() == 2);  // [i32 discriminant, i64 joined payload]
  CHECK(flat[0].i32 == 0);
  CHECK(static_cast<uint64_t>(flat[1].i64) == f32Bits(1.5f));  // zero-extended bits
  auto back = liftFlatValues(f.cx, 16, flat, {v});
  REQUIRE(back.ok());
  CHECK((*back)[0] == a);

  Value none = Value::variant(2);
  flat.clear();
  REQUIRE(lowerFlatValues(f.cx, 16, {none}, {v}, flat).ok());
  CHECK(flat.size() == 2);
  CHECK(flat[1].i64 == 0);

  flat[0].i32 = 3;
  CHECK(trapOf(liftFlatValues(f.cx, 16, flat, {v}).status()) == "invalid variant discriminant");
}

TEST_CASE("more than MAX_FLAT values spill to memory") {
  Fixture f;
  std::vector<ValType> types(17, prim(PrimType::U32));
  std::vector<Value> values;
  for (uint64_t i = 0; i < 17; ++i) values.push_back(Value::scalar(Value::Kind::U32, i * 3));
  std::vector<ValRaw> flat;
  REQUIRE(lowerFlatValues(f.cx, 16, values, types, flat).ok());
  REQUIRE(flat.size() == 1);  // a pointer to the tuple, realloc'd
  CHECK(f.memory.calls == 1);
  uint32_t ptr = static_cast<uint32_t>(flat[0].i32);
  CHECK(f.u32At(ptr + 16 * 4) == 48);
  auto back = liftFlatValues(f.cx, 16, flat, types);
  REQUIRE(back.ok());
  CHECK(*back == values);

  // Results: MAX_FLAT_RESULTS = 1, into the caller's out-pointer.
  std::vector<ValRaw> none;
  REQUIRE(lowerFlatValues(f.cx, 1, {Value::str("ab")}, {prim(PrimType::String)}, none, 256).ok());
  CHECK(none.empty());
  CHECK(f.u32At(260) == 2);
  std::vector<ValRaw> unaligned;
  CHECK(trapOf(lowerFlatValues(f.cx, 1, {Value::str("ab")}, {prim(PrimType::String)}, unaligned,
                               258)) == "unaligned pointer");
}

TEST_CASE("lifting checks the guest's data") {
  Fixture f;
  ValType list = f.unary(DefinedKind::List, prim(PrimType::U32));
  std::vector<ValRaw> flat(2);
  flat[0].i32 = 2;  // misaligned for u32
  flat[1].i32 = 1;
  CHECK(trapOf(liftFlatValues(f.cx, 16, flat, {list}).status()) == "unaligned pointer");
  flat[0].i32 = 65532;
  flat[1].i32 = 2;
  CHECK(trapOf(liftFlatValues(f.cx, 16, flat, {list}).status()) == "list content out-of-bounds");
  flat[0].i32 = 0;
  flat[1].i32 = 1 << 27;  // 512 MiB of u32: beyond MAX_LIST_BYTE_LENGTH
  CHECK(trapOf(liftFlatValues(f.cx, 16, flat, {list}).status()) == "list content out-of-bounds");

  std::vector<ValRaw> c(1);
  c[0].i32 = 0xD800;
  CHECK(trapOf(liftFlatValues(f.cx, 16, c, {prim(PrimType::Char)}).status()) ==
        "invalid `char` bit pattern");
  c[0].i32 = 0x110000;
  CHECK(!liftFlatValues(f.cx, 16, c, {prim(PrimType::Char)}).ok());

  // u8 ignores the high bits; s8 sign-extends; bool is any non-zero i32.
  c[0].i32 = 0x1FF;
  CHECK((*liftFlatValues(f.cx, 16, c, {prim(PrimType::U8)}))[0].bits == 0xFF);
  CHECK((*liftFlatValues(f.cx, 16, c, {prim(PrimType::S8)}))[0].bits == static_cast<uint64_t>(-1));
  c[0].i32 = 256;
  CHECK((*liftFlatValues(f.cx, 16, c, {prim(PrimType::Bool)}))[0].bits == 1);
}

TEST_CASE("NaNs are canonicalized") {
  Fixture f;
  std::vector<ValRaw> flat(1);
  flat[0].f32Bits = 0xFFC00123;
  auto v = liftFlatValues(f.cx, 16, flat, {prim(PrimType::F32)});
  REQUIRE(v.ok());
  CHECK((*v)[0].bits == 0x7fc00000);
  flat[0].f64Bits = 0xFFF8000000000001;
  CHECK((*liftFlatValues(f.cx, 16, flat, {prim(PrimType::F64)}))[0].bits == 0x7ff8000000000000);
}

TEST_CASE("own and borrow handles move through the handles table") {
  Fixture f;
  ValType own = f.unary(DefinedKind::Own);
  ValType borrow = f.unary(DefinedKind::Borrow);
  std::vector<ValRaw> flat;
  REQUIRE(lowerFlatValues(f.cx, 16, {Value::handle(Value::Kind::Own, &f.resource, 77)}, {own}, flat)
              .ok());
  uint32_t index = static_cast<uint32_t>(flat[0].i32);
  CHECK(*f.handles.resourceRep(&f.resource, index) == 77);
  std::vector<ValRaw> b;
  REQUIRE(
      lowerFlatValues(f.cx, 16, {Value::handle(Value::Kind::Borrow, &f.resource, 5)}, {borrow}, b)
          .ok());
  CHECK(f.scope.numBorrows == 1);
  auto lent = liftFlatValues(f.cx, 16, flat, {borrow});
  REQUIRE(lent.ok());
  CHECK((*lent)[0].bits == 77);
  CHECK(trapOf(liftFlatValues(f.cx, 16, flat, {own}).status()) ==
        "cannot remove owned resource while borrowed");
  f.lenders.releaseAll();
  auto moved = liftFlatValues(f.cx, 16, flat, {own});
  REQUIRE(moved.ok());
  CHECK((*moved)[0].bits == 77);
  CHECK(trapOf(liftFlatValues(f.cx, 16, flat, {own}).status()) ==
        std::string("unknown handle index ").append(std::to_string(index)));
}

TEST_CASE("checkValue refuses host values of the wrong shape") {
  Fixture f;
  ValType r = f.record({prim(PrimType::U8), prim(PrimType::Bool)});
  CHECK(!checkValue(f.table, Value::record({Value::scalar(Value::Kind::U8, 1)}), r).ok());
  CHECK(!checkValue(f.table,
                    Value::record({Value::scalar(Value::Kind::U8, 256), Value::boolean(true)}), r)
             .ok());
  CHECK(!checkValue(f.table, Value::str("x"), prim(PrimType::U32)).ok());
  CHECK(!checkValue(f.table, Value::scalar(Value::Kind::Char, 0xDC00), prim(PrimType::Char)).ok());
  ValType e = f.variant({std::nullopt, prim(PrimType::U8)});
  CHECK(!checkValue(f.table, Value::variant(2), e).ok());
  CHECK(!checkValue(f.table, Value::variant(1), e).ok());  // missing payload
  CHECK(!checkValue(f.table, Value::scalar(Value::Kind::Flags, 8), f.flags(3)).ok());
  CHECK(checkValue(f.table, Value::scalar(Value::Kind::S8, static_cast<uint64_t>(-128)),
                   prim(PrimType::S8))
            .ok());
}

}  // namespace
}  // namespace wcr::canon::abi
