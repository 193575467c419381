// load / store / lift_flat / lower_flat and the flat-values entry points (see lift_lower.h),
// following CanonicalABI.md's Python definitions case by case.
#include "canon/abi/lift_lower.h"

#include <cmath>
#include <cstring>

#include "absl/strings/str_format.h"
#include "canon/abi/abi_trap.h"
#include "jit/support/status.h"

namespace wcr::canon::abi {
namespace {

using model::DefinedKind;
using model::DefinedType;
using model::PrimType;
using model::ValType;
using CoreType = jit::wasm::ValType;
namespace wasm = jit::wasm;

constexpr uint64_t kMaxListByteLength = (uint64_t{1} << 28) - 1;
constexpr uint32_t kCanonicalNan32 = 0x7fc00000;
constexpr uint64_t kCanonicalNan64 = 0x7ff8000000000000;

uint64_t alignTo(uint64_t ptr, uint64_t alignment) {
  return (ptr + alignment - 1) / alignment * alignment;
}

uint32_t ptrSize(const LiftLowerContext& cx) { return cx.memory ? cx.memory->ptrSize() : 4; }

// The facts lifting and lowering need about one type, for the context's pointer size.
struct Facts {
  uint64_t size;
  uint32_t align;
  uint32_t discriminantSize;
  uint32_t payloadOffset;
  std::vector<CoreType> flat;
};

Facts factsOf(LiftLowerContext& cx, ValType t) {
  const model::CanonicalAbiInfo& info = cx.abi->info(t);
  bool is64 = ptrSize(cx) == 8;
  return Facts{is64 ? info.size64 : info.size32, is64 ? info.align64 : info.align32,
               info.discriminantSize, is64 ? info.payloadOffset64 : info.payloadOffset32,
               is64 ? info.flat64 : info.flat};
}
uint64_t sizeOf(LiftLowerContext& cx, ValType t) {
  const model::CanonicalAbiInfo& info = cx.abi->info(t);
  return ptrSize(cx) == 8 ? info.size64 : info.size32;
}
uint32_t alignOf(LiftLowerContext& cx, ValType t) {
  const model::CanonicalAbiInfo& info = cx.abi->info(t);
  return ptrSize(cx) == 8 ? info.align64 : info.align32;
}

// Despecialization, without building new types: records and tuples are records, enums,
// options and results are variants.
bool isRecordLike(const DefinedType& d) {
  return d.kind == DefinedKind::Record || d.kind == DefinedKind::Tuple;
}
size_t fieldCount(const DefinedType& d) {
  return d.kind == DefinedKind::Record ? d.fields.size() : d.types.size();
}
ValType fieldType(const DefinedType& d, size_t i) {
  return d.kind == DefinedKind::Record ? d.fields[i].type : d.types[i];
}
bool isVariantLike(const DefinedType& d) {
  return d.kind == DefinedKind::Variant || d.kind == DefinedKind::Enum ||
         d.kind == DefinedKind::Option || d.kind == DefinedKind::Result;
}
size_t caseCount(const DefinedType& d) {
  switch (d.kind) {
    case DefinedKind::Variant:
      return d.cases.size();
    case DefinedKind::Enum:
      return d.labels.size();
    default:
      return 2;  // option, result
  }
}
std::optional<ValType> caseType(const DefinedType& d, size_t i) {
  switch (d.kind) {
    case DefinedKind::Variant:
      return d.cases[i].type;
    case DefinedKind::Enum:
      return std::nullopt;
    case DefinedKind::Option:
      return i == 0 ? std::nullopt : d.first;
    default:
      return i == 0 ? d.first : d.second;  // result
  }
}

absl::Status unimplemented(const char* what) {
  return absl::UnimplementedError(absl::StrFormat("%s values are not supported yet", what));
}

absl::Status needMemory(const LiftLowerContext& cx) {
  if (cx.memory == nullptr) {
    return absl::InternalError("a value needs linear memory but the canonical options have none");
  }
  return absl::OkStatus();
}

uint8_t* at(LiftLowerContext& cx, uint64_t ptr) { return cx.memory->memory().base + ptr; }

uint64_t loadInt(LiftLowerContext& cx, uint64_t ptr, uint32_t n) {
  uint64_t v = 0;
  std::memcpy(&v, at(cx, ptr), n);  // little-endian host
  return v;
}
void storeInt(LiftLowerContext& cx, uint64_t v, uint64_t ptr, uint32_t n) {
  std::memcpy(at(cx, ptr), &v, n);
}

uint64_t signExtend(uint64_t v, uint32_t bits) {
  if (bits == 64) return v;
  uint64_t m = uint64_t{1} << (bits - 1);
  v &= (uint64_t{1} << bits) - 1;
  return (v ^ m) - m;
}

uint32_t canonicalF32(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return std::isnan(f) ? kCanonicalNan32 : bits;
}
uint64_t canonicalF64(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, 8);
  return std::isnan(d) ? kCanonicalNan64 : bits;
}

absl::StatusOr<Value> liftChar(uint64_t i, TrapWording wording) {
  if (i >= 0x110000 || (i >= 0xD800 && i <= 0xDFFF)) {
    return abiTrap(wording == TrapWording::Host ? "converted integer out of range for `char`"
                                                : "invalid `char` bit pattern");
  }
  return Value::scalar(Value::Kind::Char, i);
}

// The integer, float and char kinds of the primitives, with their memory widths.
struct PrimFacts {
  Value::Kind kind;
  uint32_t bytes;
  bool isSigned;
};
PrimFacts primFacts(PrimType p) {
  switch (p) {
    case PrimType::Bool:
      return {Value::Kind::Bool, 1, false};
    case PrimType::S8:
      return {Value::Kind::S8, 1, true};
    case PrimType::U8:
      return {Value::Kind::U8, 1, false};
    case PrimType::S16:
      return {Value::Kind::S16, 2, true};
    case PrimType::U16:
      return {Value::Kind::U16, 2, false};
    case PrimType::S32:
      return {Value::Kind::S32, 4, true};
    case PrimType::U32:
      return {Value::Kind::U32, 4, false};
    case PrimType::S64:
      return {Value::Kind::S64, 8, true};
    case PrimType::U64:
      return {Value::Kind::U64, 8, false};
    case PrimType::F32:
      return {Value::Kind::F32, 4, false};
    case PrimType::F64:
      return {Value::Kind::F64, 8, false};
    case PrimType::Char:
      return {Value::Kind::Char, 4, false};
    default:
      return {Value::Kind::String, 0, false};
  }
}

// A primitive from its integer form (memory or a flat value), with the spec's conversions.
absl::StatusOr<Value> primitiveFromInt(PrimType p, uint64_t raw, TrapWording wording) {
  PrimFacts f = primFacts(p);
  switch (p) {
    case PrimType::Bool:
      return Value::boolean(raw != 0);
    case PrimType::F32:
      return Value::scalar(f.kind, canonicalF32(static_cast<uint32_t>(raw)));
    case PrimType::F64:
      return Value::scalar(f.kind, canonicalF64(raw));
    case PrimType::Char:
      return liftChar(raw & 0xFFFFFFFF, wording);
    default: {
      uint32_t bits = f.bytes * 8;
      uint64_t v = bits == 64 ? raw : raw & ((uint64_t{1} << bits) - 1);
      return Value::scalar(f.kind, f.isSigned ? signExtend(v, bits) : v);
    }
  }
}

// ---- Loading ----

absl::Status badDiscriminant(const LiftLowerContext& cx, uint64_t index, size_t cases) {
  if (cx.wording == TrapWording::Host) {
    return abiTrap(absl::StrFormat("discriminant %d out of range [0..%d)", index, cases));
  }
  return abiTrap("invalid variant discriminant");
}

const char* listOutOfBounds(const LiftLowerContext& cx) {
  return cx.wording == TrapWording::Host ? "list pointer/length out of bounds of memory"
                                         : "list content out-of-bounds";
}

absl::StatusOr<Value> loadList(LiftLowerContext& cx, uint64_t ptr, uint64_t length, ValType elem) {
  uint64_t elemSize = sizeOf(cx, elem);
  Value list;
  list.kind = Value::Kind::List;
  list.items.reserve(std::min<uint64_t>(length, 1 << 16));
  for (uint64_t i = 0; i < length; ++i) {
    WCR_ASSIGN_OR_RETURN(Value v, load(cx, ptr + i * elemSize, elem));
    list.items.push_back(std::move(v));
  }
  return list;
}

absl::StatusOr<Value> loadListFromRange(LiftLowerContext& cx, uint64_t ptr, uint64_t length,
                                        ValType elem) {
  uint64_t elemSize = sizeOf(cx, elem);
  if (elemSize != 0 && length > kMaxListByteLength / elemSize) {
    return abiTrap(listOutOfBounds(cx));
  }
  if (ptr != alignTo(ptr, alignOf(cx, elem))) return abiTrap("unaligned pointer");
  uint64_t bytes = length * elemSize;
  uint64_t memSize = cx.memory->memory().size;
  if (ptr > memSize || bytes > memSize - ptr) return abiTrap(listOutOfBounds(cx));
  return loadList(cx, ptr, length, elem);
}

// map<K, V> is list<tuple<K, V>> (despecialization): each element is a (key, value) record.
struct PairLayout {
  uint32_t align;
  uint64_t size;
  uint64_t valueOffset;
};
PairLayout pairLayout(LiftLowerContext& cx, ValType k, ValType v) {
  uint32_t ak = alignOf(cx, k), av = alignOf(cx, v);
  uint32_t align = std::max(ak, av);
  uint64_t valueOffset = alignTo(sizeOf(cx, k), av);
  return {align, alignTo(valueOffset + sizeOf(cx, v), align), valueOffset};
}

absl::StatusOr<Value> loadMapFromRange(LiftLowerContext& cx, uint64_t ptr, uint64_t length,
                                       ValType k, ValType v) {
  PairLayout pl = pairLayout(cx, k, v);
  if (pl.size != 0 && length > kMaxListByteLength / pl.size) {
    return abiTrap(listOutOfBounds(cx));
  }
  if (ptr != alignTo(ptr, pl.align)) return abiTrap("unaligned pointer");
  uint64_t memSize = cx.memory->memory().size;
  if (ptr > memSize || length * pl.size > memSize - ptr) {
    return abiTrap(listOutOfBounds(cx));
  }
  Value list;
  list.kind = Value::Kind::List;
  for (uint64_t i = 0; i < length; ++i) {
    uint64_t at = ptr + i * pl.size;
    WCR_ASSIGN_OR_RETURN(Value key, load(cx, at, k));
    WCR_ASSIGN_OR_RETURN(Value value, load(cx, at + pl.valueOffset, v));
    list.items.push_back(Value::record({std::move(key), std::move(value)}));
  }
  return list;
}

absl::StatusOr<Value> liftHandle(LiftLowerContext& cx, const DefinedType& d, uint64_t index) {
  if (!cx.handles || !cx.resourceType) {
    return absl::InternalError("resource handles need an instance's handle table");
  }
  const ResourceType* rt = cx.resourceType(d.resource);
  uint32_t i = static_cast<uint32_t>(index);
  if (d.kind == DefinedKind::Own) {
    WCR_ASSIGN_OR_RETURN(uint32_t rep, cx.handles->liftOwn(rt, i));
    return Value::handle(Value::Kind::Own, rt, rep);
  }
  if (!cx.lenders) return absl::InternalError("lifting a borrow needs the caller's lend list");
  WCR_ASSIGN_OR_RETURN(uint32_t rep, cx.handles->liftBorrow(rt, i, *cx.lenders));
  return Value::handle(Value::Kind::Borrow, rt, rep);
}

}  // namespace

absl::StatusOr<Value> load(LiftLowerContext& cx, uint64_t ptr, ValType t) {
  WCR_RETURN_IF_ERROR(needMemory(cx));
  if (t.isPrimitive()) {
    PrimType p = t.prim();
    if (p == PrimType::String) {
      uint32_t ps = ptrSize(cx);
      return [&]() -> absl::StatusOr<Value> {
        Value v;
        v.kind = Value::Kind::String;
        WCR_ASSIGN_OR_RETURN(v.string, loadStringFromRange(cx.memory->memory(), cx.encoding, ps,
                                                           loadInt(cx, ptr, ps),
                                                           loadInt(cx, ptr + ps, ps), cx.wording));
        return v;
      }();
    }
    if (p == PrimType::ErrorContext) return unimplemented("error-context");
    return primitiveFromInt(p, loadInt(cx, ptr, primFacts(p).bytes), cx.wording);
  }
  const DefinedType& d = cx.types->defined(t.definedId());
  if (isRecordLike(d)) {
    Value record;
    record.kind = Value::Kind::Record;
    for (size_t i = 0; i < fieldCount(d); ++i) {
      ValType ft = fieldType(d, i);
      ptr = alignTo(ptr, alignOf(cx, ft));
      WCR_ASSIGN_OR_RETURN(Value v, load(cx, ptr, ft));
      record.items.push_back(std::move(v));
      ptr += sizeOf(cx, ft);
    }
    return record;
  }
  if (isVariantLike(d)) {
    Facts f = factsOf(cx, t);
    uint64_t caseIndex = loadInt(cx, ptr, f.discriminantSize);
    if (caseIndex >= caseCount(d)) return badDiscriminant(cx, caseIndex, caseCount(d));
    std::optional<ValType> payload = caseType(d, caseIndex);
    if (!payload) return Value::variant(static_cast<uint32_t>(caseIndex));
    WCR_ASSIGN_OR_RETURN(Value v, load(cx, ptr + f.payloadOffset, *payload));
    return Value::variant(static_cast<uint32_t>(caseIndex), std::move(v));
  }
  switch (d.kind) {
    case DefinedKind::List: {
      uint32_t ps = ptrSize(cx);
      return loadListFromRange(cx, loadInt(cx, ptr, ps), loadInt(cx, ptr + ps, ps), *d.first);
    }
    case DefinedKind::FixedList:
      return loadList(cx, ptr, d.length, *d.first);
    case DefinedKind::Map: {
      uint32_t ps = ptrSize(cx);
      return loadMapFromRange(cx, loadInt(cx, ptr, ps), loadInt(cx, ptr + ps, ps), *d.first,
                              *d.second);
    }
    case DefinedKind::Flags: {
      Facts f = factsOf(cx, t);
      uint64_t bits = loadInt(cx, ptr, f.size == 0 ? 0 : static_cast<uint32_t>(f.size));
      // Bits beyond the labels are ignored, as unpack_flags_from_int does.
      uint64_t mask = d.labels.size() >= 64 ? ~uint64_t{0} : (uint64_t{1} << d.labels.size()) - 1;
      return Value::scalar(Value::Kind::Flags, bits & mask);
    }
    case DefinedKind::Own:
    case DefinedKind::Borrow:
      return liftHandle(cx, d, loadInt(cx, ptr, 4));
    case DefinedKind::Stream:
      return unimplemented("stream");
    case DefinedKind::Future:
      return unimplemented("future");
    default:
      return unimplemented(model::toString(d.kind));
  }
}

namespace {

// ---- Storing ----

absl::StatusOr<uint64_t> allocate(LiftLowerContext& cx, uint32_t alignment, uint64_t size) {
  WCR_ASSIGN_OR_RETURN(uint64_t ptr, cx.memory->realloc(0, 0, alignment, size));
  bool host = cx.wording == TrapWording::Host;
  if (ptr != alignTo(ptr, alignment)) {
    return abiTrap(host ? "realloc return: result not aligned" : "unaligned pointer");
  }
  uint64_t memSize = cx.memory->memory().size;
  if (ptr > memSize || size > memSize - ptr) {
    return abiTrap(host ? "realloc return: beyond end of memory" : "list content out-of-bounds");
  }
  return ptr;
}

absl::Status storeListElements(LiftLowerContext& cx, const Value& v, uint64_t ptr, ValType elem) {
  uint64_t elemSize = sizeOf(cx, elem);
  for (size_t i = 0; i < v.items.size(); ++i) {
    WCR_RETURN_IF_ERROR(store(cx, v.items[i], elem, ptr + i * elemSize));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::pair<uint64_t, uint64_t>> storeListIntoRange(LiftLowerContext& cx,
                                                                 const Value& v, ValType elem) {
  uint64_t elemSize = sizeOf(cx, elem);
  uint64_t length = v.items.size();
  if (elemSize != 0 && length > kReallocI32Max / elemSize) {
    return abiTrap("list too large to store in linear memory");
  }
  WCR_ASSIGN_OR_RETURN(uint64_t ptr, allocate(cx, alignOf(cx, elem), length * elemSize));
  WCR_RETURN_IF_ERROR(storeListElements(cx, v, ptr, elem));
  return std::make_pair(ptr, length);
}

absl::StatusOr<std::pair<uint64_t, uint64_t>> storeMapIntoRange(LiftLowerContext& cx,
                                                                const Value& m, ValType k,
                                                                ValType v) {
  PairLayout pl = pairLayout(cx, k, v);
  uint64_t length = m.items.size();
  if (pl.size != 0 && length > kReallocI32Max / pl.size) {
    return abiTrap("list too large to store in linear memory");
  }
  WCR_ASSIGN_OR_RETURN(uint64_t ptr, allocate(cx, pl.align, length * pl.size));
  for (uint64_t i = 0; i < length; ++i) {
    uint64_t at = ptr + i * pl.size;
    WCR_RETURN_IF_ERROR(store(cx, m.items[i].items[0], k, at));
    WCR_RETURN_IF_ERROR(store(cx, m.items[i].items[1], v, at + pl.valueOffset));
  }
  return std::make_pair(ptr, length);
}

absl::StatusOr<uint32_t> lowerHandle(LiftLowerContext& cx, const DefinedType& d, const Value& v) {
  if (!cx.handles || !cx.resourceType) {
    return absl::InternalError("resource handles need an instance's handle table");
  }
  const ResourceType* rt = cx.resourceType(d.resource);
  uint32_t rep = static_cast<uint32_t>(v.bits);
  if (d.kind == DefinedKind::Own) return cx.handles->lowerOwn(rt, rep);
  if (!cx.borrowScope) return absl::InternalError("lowering a borrow needs the callee's task");
  return cx.handles->lowerBorrow(rt, rep, *cx.borrowScope, cx.instance);
}

uint64_t primitiveToInt(PrimType p, const Value& v) {
  switch (p) {
    case PrimType::Bool:
      return v.bits != 0 ? 1 : 0;
    case PrimType::F32:
      return canonicalF32(static_cast<uint32_t>(v.bits));
    case PrimType::F64:
      return canonicalF64(v.bits);
    default:
      return v.bits;
  }
}

}  // namespace

absl::Status store(LiftLowerContext& cx, const Value& v, ValType t, uint64_t ptr) {
  WCR_RETURN_IF_ERROR(needMemory(cx));
  if (t.isPrimitive()) {
    PrimType p = t.prim();
    if (p == PrimType::String) {
      WCR_ASSIGN_OR_RETURN(auto stored, storeStringIntoRange(*cx.memory, cx.encoding, v.string));
      uint32_t ps = ptrSize(cx);
      storeInt(cx, stored.first, ptr, ps);
      storeInt(cx, stored.second, ptr + ps, ps);
      return absl::OkStatus();
    }
    if (p == PrimType::ErrorContext) return unimplemented("error-context");
    storeInt(cx, primitiveToInt(p, v), ptr, primFacts(p).bytes);
    return absl::OkStatus();
  }
  const DefinedType& d = cx.types->defined(t.definedId());
  if (isRecordLike(d)) {
    for (size_t i = 0; i < fieldCount(d); ++i) {
      ValType ft = fieldType(d, i);
      ptr = alignTo(ptr, alignOf(cx, ft));
      WCR_RETURN_IF_ERROR(store(cx, v.items[i], ft, ptr));
      ptr += sizeOf(cx, ft);
    }
    return absl::OkStatus();
  }
  if (isVariantLike(d)) {
    Facts f = factsOf(cx, t);
    storeInt(cx, v.bits, ptr, f.discriminantSize);
    std::optional<ValType> payload = caseType(d, v.bits);
    if (payload) return store(cx, v.items[0], *payload, ptr + f.payloadOffset);
    return absl::OkStatus();
  }
  switch (d.kind) {
    case DefinedKind::List: {
      WCR_ASSIGN_OR_RETURN(auto stored, storeListIntoRange(cx, v, *d.first));
      uint32_t ps = ptrSize(cx);
      storeInt(cx, stored.first, ptr, ps);
      storeInt(cx, stored.second, ptr + ps, ps);
      return absl::OkStatus();
    }
    case DefinedKind::FixedList:
      return storeListElements(cx, v, ptr, *d.first);
    case DefinedKind::Map: {
      WCR_ASSIGN_OR_RETURN(auto stored, storeMapIntoRange(cx, v, *d.first, *d.second));
      uint32_t ps = ptrSize(cx);
      storeInt(cx, stored.first, ptr, ps);
      storeInt(cx, stored.second, ptr + ps, ps);
      return absl::OkStatus();
    }
    case DefinedKind::Flags: {
      Facts f = factsOf(cx, t);
      storeInt(cx, v.bits, ptr, static_cast<uint32_t>(f.size));
      return absl::OkStatus();
    }
    case DefinedKind::Own:
    case DefinedKind::Borrow: {
      WCR_ASSIGN_OR_RETURN(uint32_t index, lowerHandle(cx, d, v));
      storeInt(cx, index, ptr, 4);
      return absl::OkStatus();
    }
    case DefinedKind::Stream:
      return unimplemented("stream");
    case DefinedKind::Future:
      return unimplemented("future");
    default:
      return unimplemented(model::toString(d.kind));
  }
}

namespace {

// ---- Flat lifting ----

// CoreValueIter, and lift_flat_variant's CoerceValueIter: `next` hands out the slot; the union
// makes the reinterpretations of `join` free (see lift_lower.h).
class FlatReader {
 public:
  explicit FlatReader(absl::Span<const ValRaw> values) : values_(values) {}
  const ValRaw& next() { return values_[i_ < values_.size() ? i_++ : values_.size() - 1]; }
  size_t position() const { return i_; }
  void skip(size_t n) { i_ += n; }

 private:
  absl::Span<const ValRaw> values_;
  size_t i_ = 0;
};

uint64_t slotInt(const ValRaw& v, bool is64) {
  return is64 ? static_cast<uint64_t>(v.i64) : static_cast<uint32_t>(v.i32);
}

absl::StatusOr<Value> liftFlat(LiftLowerContext& cx, FlatReader& vi, ValType t);

absl::StatusOr<Value> liftFlatDefined(LiftLowerContext& cx, FlatReader& vi, ValType t,
                                      const DefinedType& d) {
  bool ptr64 = ptrSize(cx) == 8;
  if (isRecordLike(d)) {
    Value record;
    record.kind = Value::Kind::Record;
    for (size_t i = 0; i < fieldCount(d); ++i) {
      WCR_ASSIGN_OR_RETURN(Value v, liftFlat(cx, vi, fieldType(d, i)));
      record.items.push_back(std::move(v));
    }
    return record;
  }
  if (isVariantLike(d)) {
    Facts f = factsOf(cx, t);
    size_t start = vi.position();
    uint64_t caseIndex = static_cast<uint32_t>(vi.next().i32);
    if (caseIndex >= caseCount(d)) return badDiscriminant(cx, caseIndex, caseCount(d));
    std::optional<ValType> payload = caseType(d, caseIndex);
    Value out = Value::variant(static_cast<uint32_t>(caseIndex));
    if (payload) {
      WCR_ASSIGN_OR_RETURN(Value v, liftFlat(cx, vi, *payload));
      out.items.push_back(std::move(v));
    }
    // Consume the rest of the variant's flat slots.
    vi.skip(start + f.flat.size() - vi.position());
    return out;
  }
  switch (d.kind) {
    case DefinedKind::List: {
      WCR_RETURN_IF_ERROR(needMemory(cx));
      uint64_t ptr = slotInt(vi.next(), ptr64);
      uint64_t length = slotInt(vi.next(), ptr64);
      return loadListFromRange(cx, ptr, length, *d.first);
    }
    case DefinedKind::Map: {
      WCR_RETURN_IF_ERROR(needMemory(cx));
      uint64_t ptr = slotInt(vi.next(), ptr64);
      uint64_t length = slotInt(vi.next(), ptr64);
      return loadMapFromRange(cx, ptr, length, *d.first, *d.second);
    }
    case DefinedKind::FixedList: {
      Value list;
      list.kind = Value::Kind::List;
      for (uint32_t i = 0; i < d.length; ++i) {
        WCR_ASSIGN_OR_RETURN(Value v, liftFlat(cx, vi, *d.first));
        list.items.push_back(std::move(v));
      }
      return list;
    }
    case DefinedKind::Flags: {
      uint64_t mask = d.labels.size() >= 32 ? 0xFFFFFFFFu : (uint64_t{1} << d.labels.size()) - 1;
      return Value::scalar(Value::Kind::Flags, static_cast<uint32_t>(vi.next().i32) & mask);
    }
    case DefinedKind::Own:
    case DefinedKind::Borrow:
      return liftHandle(cx, d, static_cast<uint32_t>(vi.next().i32));
    case DefinedKind::Stream:
      return unimplemented("stream");
    case DefinedKind::Future:
      return unimplemented("future");
    default:
      return unimplemented(model::toString(d.kind));
  }
}

absl::StatusOr<Value> liftFlat(LiftLowerContext& cx, FlatReader& vi, ValType t) {
  if (!t.isPrimitive()) return liftFlatDefined(cx, vi, t, cx.types->defined(t.definedId()));
  PrimType p = t.prim();
  bool ptr64 = ptrSize(cx) == 8;
  switch (p) {
    case PrimType::String: {
      WCR_RETURN_IF_ERROR(needMemory(cx));
      uint64_t ptr = slotInt(vi.next(), ptr64);
      uint64_t units = slotInt(vi.next(), ptr64);
      Value v;
      v.kind = Value::Kind::String;
      WCR_ASSIGN_OR_RETURN(v.string, loadStringFromRange(cx.memory->memory(), cx.encoding,
                                                         ptrSize(cx), ptr, units, cx.wording));
      return v;
    }
    case PrimType::ErrorContext:
      return unimplemented("error-context");
    case PrimType::S64:
    case PrimType::U64:
    case PrimType::F64:
      return primitiveFromInt(p, static_cast<uint64_t>(vi.next().i64), cx.wording);
    default:
      return primitiveFromInt(p, static_cast<uint32_t>(vi.next().i32), cx.wording);
  }
}

// ---- Flat lowering ----

ValRaw slot32(uint32_t v) {
  ValRaw raw;
  std::memset(&raw, 0, sizeof raw);
  raw.i32 = static_cast<int32_t>(v);
  return raw;
}
ValRaw slot64(uint64_t v) {
  ValRaw raw;
  std::memset(&raw, 0, sizeof raw);
  raw.i64 = static_cast<int64_t>(v);
  return raw;
}
ValRaw slotPtr(const LiftLowerContext& cx, uint64_t v) {
  return ptrSize(cx) == 8 ? slot64(v) : slot32(static_cast<uint32_t>(v));
}

absl::Status lowerFlat(LiftLowerContext& cx, const Value& v, ValType t, std::vector<ValRaw>& out);

absl::Status lowerFlatDefined(LiftLowerContext& cx, const Value& v, ValType t, const DefinedType& d,
                              std::vector<ValRaw>& out) {
  if (isRecordLike(d)) {
    for (size_t i = 0; i < fieldCount(d); ++i) {
      WCR_RETURN_IF_ERROR(lowerFlat(cx, v.items[i], fieldType(d, i), out));
    }
    return absl::OkStatus();
  }
  if (isVariantLike(d)) {
    Facts f = factsOf(cx, t);
    size_t start = out.size();
    out.push_back(slot32(static_cast<uint32_t>(v.bits)));
    std::optional<ValType> payload = caseType(d, v.bits);
    // Payload slots are zero-filled unions: a 32-bit value widened to i64 is zero-extended and
    // an f32 joined with i32 keeps its bits, exactly the coercions of lower_flat_variant.
    if (payload) WCR_RETURN_IF_ERROR(lowerFlat(cx, v.items[0], *payload, out));
    while (out.size() < start + f.flat.size()) out.push_back(slot64(0));
    return absl::OkStatus();
  }
  switch (d.kind) {
    case DefinedKind::List: {
      WCR_RETURN_IF_ERROR(needMemory(cx));
      WCR_ASSIGN_OR_RETURN(auto stored, storeListIntoRange(cx, v, *d.first));
      out.push_back(slotPtr(cx, stored.first));
      out.push_back(slotPtr(cx, stored.second));
      return absl::OkStatus();
    }
    case DefinedKind::Map: {
      WCR_RETURN_IF_ERROR(needMemory(cx));
      WCR_ASSIGN_OR_RETURN(auto stored, storeMapIntoRange(cx, v, *d.first, *d.second));
      out.push_back(slotPtr(cx, stored.first));
      out.push_back(slotPtr(cx, stored.second));
      return absl::OkStatus();
    }
    case DefinedKind::FixedList:
      for (const Value& e : v.items) WCR_RETURN_IF_ERROR(lowerFlat(cx, e, *d.first, out));
      return absl::OkStatus();
    case DefinedKind::Flags:
      out.push_back(slot32(static_cast<uint32_t>(v.bits)));
      return absl::OkStatus();
    case DefinedKind::Own:
    case DefinedKind::Borrow: {
      WCR_ASSIGN_OR_RETURN(uint32_t index, lowerHandle(cx, d, v));
      out.push_back(slot32(index));
      return absl::OkStatus();
    }
    case DefinedKind::Stream:
      return unimplemented("stream");
    case DefinedKind::Future:
      return unimplemented("future");
    default:
      return unimplemented(model::toString(d.kind));
  }
}

absl::Status lowerFlat(LiftLowerContext& cx, const Value& v, ValType t, std::vector<ValRaw>& out) {
  if (!t.isPrimitive()) return lowerFlatDefined(cx, v, t, cx.types->defined(t.definedId()), out);
  PrimType p = t.prim();
  switch (p) {
    case PrimType::String: {
      WCR_RETURN_IF_ERROR(needMemory(cx));
      WCR_ASSIGN_OR_RETURN(auto stored, storeStringIntoRange(*cx.memory, cx.encoding, v.string));
      out.push_back(slotPtr(cx, stored.first));
      out.push_back(slotPtr(cx, stored.second));
      return absl::OkStatus();
    }
    case PrimType::ErrorContext:
      return unimplemented("error-context");
    case PrimType::S64:
    case PrimType::U64:
    case PrimType::F64:
      out.push_back(slot64(primitiveToInt(p, v)));
      return absl::OkStatus();
    default:
      out.push_back(slot32(static_cast<uint32_t>(primitiveToInt(p, v))));
      return absl::OkStatus();
  }
}

// The layout of tuple<ts...>: alignment and size (a record of the types).
std::pair<uint32_t, uint64_t> tupleLayout(LiftLowerContext& cx, absl::Span<const ValType> ts) {
  uint32_t align = 1;
  uint64_t size = 0;
  for (ValType t : ts) {
    uint32_t a = alignOf(cx, t);
    size = alignTo(size, a) + sizeOf(cx, t);
    align = std::max(align, a);
  }
  return {align, alignTo(size, align)};
}

size_t flatCount(LiftLowerContext& cx, absl::Span<const ValType> ts) {
  return cx.abi->flatCount(ts, ptrSize(cx) == 8);
}

}  // namespace

// A spilled argument or result pointer outside memory: Wasmtime's adapters just load through it.
const char* pointerOutOfBounds(const LiftLowerContext& cx) {
  return cx.wording == TrapWording::Host ? "pointer out of bounds of memory"
                                         : "out of bounds memory access";
}

absl::StatusOr<std::vector<Value>> liftFlatValues(LiftLowerContext& cx, uint32_t maxFlat,
                                                  absl::Span<const ValRaw> values,
                                                  absl::Span<const ValType> types) {
  std::vector<Value> out;
  out.reserve(types.size());
  FlatReader vi(values);
  if (flatCount(cx, types) > maxFlat) {
    WCR_RETURN_IF_ERROR(needMemory(cx));
    if (values.empty()) return absl::InternalError("no pointer to the spilled values");
    uint64_t ptr = slotInt(vi.next(), ptrSize(cx) == 8);
    auto [align, size] = tupleLayout(cx, types);
    if (ptr != alignTo(ptr, align)) return abiTrap("unaligned pointer");
    uint64_t memSize = cx.memory->memory().size;
    if (ptr > memSize || size > memSize - ptr) return abiTrap(pointerOutOfBounds(cx));
    for (ValType t : types) {
      ptr = alignTo(ptr, alignOf(cx, t));
      WCR_ASSIGN_OR_RETURN(Value v, load(cx, ptr, t));
      out.push_back(std::move(v));
      ptr += sizeOf(cx, t);
    }
    return out;
  }
  for (ValType t : types) {
    WCR_ASSIGN_OR_RETURN(Value v, liftFlat(cx, vi, t));
    out.push_back(std::move(v));
  }
  return out;
}

absl::Status lowerFlatValues(LiftLowerContext& cx, uint32_t maxFlat, absl::Span<const Value> vs,
                             absl::Span<const ValType> types, std::vector<ValRaw>& out,
                             std::optional<uint64_t> outParam) {
  if (vs.size() != types.size()) return absl::InternalError("value count does not match types");
  if (flatCount(cx, types) > maxFlat) {
    WCR_RETURN_IF_ERROR(needMemory(cx));
    auto [align, size] = tupleLayout(cx, types);
    uint64_t ptr;
    if (outParam) {
      ptr = *outParam;
      if (ptr != alignTo(ptr, align)) return abiTrap("unaligned pointer");
      uint64_t memSize = cx.memory->memory().size;
      if (ptr > memSize || size > memSize - ptr) return abiTrap(pointerOutOfBounds(cx));
    } else {
      WCR_ASSIGN_OR_RETURN(ptr, allocate(cx, align, size));
      out.push_back(slotPtr(cx, ptr));
    }
    for (size_t i = 0; i < types.size(); ++i) {
      ptr = alignTo(ptr, alignOf(cx, types[i]));
      WCR_RETURN_IF_ERROR(store(cx, vs[i], types[i], ptr));
      ptr += sizeOf(cx, types[i]);
    }
    return absl::OkStatus();
  }
  for (size_t i = 0; i < types.size(); ++i)
    WCR_RETURN_IF_ERROR(lowerFlat(cx, vs[i], types[i], out));
  return absl::OkStatus();
}

namespace {

absl::Status shapeError(const model::TypeTable& types, ValType t, const char* what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("value does not match type %s: %s", types.toString(t), what));
}

}  // namespace

absl::Status checkValue(const model::TypeTable& types, const Value& v, ValType t) {
  if (t.isPrimitive()) {
    PrimType p = t.prim();
    if (p == PrimType::ErrorContext) return unimplemented("error-context");
    PrimFacts f = primFacts(p);
    if (v.kind != f.kind) return shapeError(types, t, "wrong kind of value");
    switch (p) {
      case PrimType::Bool:
        if (v.bits > 1) return shapeError(types, t, "bool is not 0 or 1");
        break;
      case PrimType::Char:
        if (v.bits >= 0x110000 || (v.bits >= 0xD800 && v.bits <= 0xDFFF)) {
          return shapeError(types, t, "not a Unicode scalar value");
        }
        break;
      case PrimType::String:
      case PrimType::F32:
      case PrimType::F64:
        break;
      default: {
        uint32_t bits = f.bytes * 8;
        if (bits < 64) {
          uint64_t expected =
              f.isSigned ? signExtend(v.bits, bits) : v.bits & ((uint64_t{1} << bits) - 1);
          if (expected != v.bits) return shapeError(types, t, "integer out of range");
        }
      }
    }
    return absl::OkStatus();
  }
  const DefinedType& d = types.defined(t.definedId());
  if (isRecordLike(d)) {
    if (v.kind != Value::Kind::Record || v.items.size() != fieldCount(d)) {
      return shapeError(types, t, "not a record with the type's fields");
    }
    for (size_t i = 0; i < v.items.size(); ++i) {
      WCR_RETURN_IF_ERROR(checkValue(types, v.items[i], fieldType(d, i)));
    }
    return absl::OkStatus();
  }
  if (isVariantLike(d)) {
    if (v.kind != Value::Kind::Variant || v.bits >= caseCount(d)) {
      return shapeError(types, t, "not one of the type's cases");
    }
    std::optional<ValType> payload = caseType(d, v.bits);
    if (v.items.size() != (payload ? 1u : 0u)) return shapeError(types, t, "wrong payload");
    return payload ? checkValue(types, v.items[0], *payload) : absl::OkStatus();
  }
  switch (d.kind) {
    case DefinedKind::List:
    case DefinedKind::FixedList:
      if (v.kind != Value::Kind::List ||
          (d.kind == DefinedKind::FixedList && v.items.size() != d.length)) {
        return shapeError(types, t, "not a list of the type's length");
      }
      for (const Value& e : v.items) WCR_RETURN_IF_ERROR(checkValue(types, e, *d.first));
      return absl::OkStatus();
    case DefinedKind::Map:
      if (v.kind != Value::Kind::List) return shapeError(types, t, "not a list of pairs");
      for (const Value& e : v.items) {
        if (e.kind != Value::Kind::Record || e.items.size() != 2) {
          return shapeError(types, t, "map entries are (key, value) records");
        }
        WCR_RETURN_IF_ERROR(checkValue(types, e.items[0], *d.first));
        WCR_RETURN_IF_ERROR(checkValue(types, e.items[1], *d.second));
      }
      return absl::OkStatus();
    case DefinedKind::Flags:
      if (v.kind != Value::Kind::Flags || (d.labels.size() < 64 && v.bits >> d.labels.size())) {
        return shapeError(types, t, "flag bits beyond the labels");
      }
      return absl::OkStatus();
    case DefinedKind::Own:
    case DefinedKind::Borrow: {
      Value::Kind want = d.kind == DefinedKind::Own ? Value::Kind::Own : Value::Kind::Borrow;
      if (v.kind != want || v.resource == nullptr) return shapeError(types, t, "not a handle");
      return absl::OkStatus();
    }
    default:
      return unimplemented(model::toString(d.kind));
  }
}

bool Value::operator==(const Value& o) const {
  return kind == o.kind && bits == o.bits && string.utf8 == o.string.utf8 && items == o.items &&
         resource == o.resource;
}

}  // namespace wcr::canon::abi
