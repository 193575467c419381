// The fused-adapter generator (see adapter_builder.h): translates component values between two
// canonical-ABI representations (flat core values or linear memory, caller's or callee's) by
// emitting core wasm instructions, one value type at a time.
#include "canon/link/adapter_builder.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "canon/link/component_instance.h"
#include "jit/wasm/encoder.h"
#include "jit/wasm/module.h"

namespace wcr::canon::link {

namespace wasm = jit::wasm;
using model::DefinedKind;
using model::DefinedType;
using model::PrimType;
using model::ValType;
using wasm::Opcode;
using WasmType = wasm::ValType;

const char* adapterTrapMessage(int32_t code) {
  switch (static_cast<AdapterTrap>(code)) {
    case AdapterTrap::CannotLeave:
      return "cannot leave component instance";
    case AdapterTrap::CannotEnter:
      return "cannot enter component instance";
    case AdapterTrap::UnalignedPointer:
      return "unaligned pointer";
    case AdapterTrap::PointerOutOfBounds:
      return "out of bounds memory access";
    case AdapterTrap::StringOutOfBounds:
      return "string content out-of-bounds";
    case AdapterTrap::ListOutOfBounds:
      return "list content out-of-bounds";
    case AdapterTrap::InvalidChar:
      return "invalid `char` bit pattern";
    case AdapterTrap::InvalidDiscriminant:
      return "invalid variant discriminant";
    case AdapterTrap::UncaughtException:
      return "uncaught exception";
  }
  return nullptr;
}

namespace {

constexpr uint32_t kMaxByteLength = (1u << 28) - 1;  // MAX_STRING/LIST_BYTE_LENGTH
constexpr uint32_t kMaxFixedListFused = 64;          // longer fixed lists take the reference path

// The cases of a variant-like type (variant, enum, option, result), payload or none.
std::vector<std::optional<ValType>> casesOf(const DefinedType& d) {
  std::vector<std::optional<ValType>> out;
  switch (d.kind) {
    case DefinedKind::Variant:
      for (const model::Case& c : d.cases) out.push_back(c.type);
      break;
    case DefinedKind::Enum:
      out.resize(d.labels.size());
      break;
    case DefinedKind::Option:
      out = {std::nullopt, d.first};
      break;
    case DefinedKind::Result:
      out = {d.first, d.second};
      break;
    default:
      break;
  }
  return out;
}

// The fields of a record-like type (record, tuple, fixed list), in order.
std::vector<ValType> fieldsOf(const DefinedType& d) {
  std::vector<ValType> out;
  switch (d.kind) {
    case DefinedKind::Record:
      for (const model::Field& f : d.fields) out.push_back(f.type);
      break;
    case DefinedKind::Tuple:
      out = d.types;
      break;
    case DefinedKind::FixedList:
      out.assign(d.length, *d.first);
      break;
    default:
      break;
  }
  return out;
}

bool isVariantLike(DefinedKind k) {
  return k == DefinedKind::Variant || k == DefinedKind::Enum || k == DefinedKind::Option ||
         k == DefinedKind::Result;
}
bool isRecordLike(DefinedKind k) {
  return k == DefinedKind::Record || k == DefinedKind::Tuple || k == DefinedKind::FixedList;
}

// Whether lifting `t` can trap (so the check pass must read it).
bool needsCheck(const model::TypeTable& types, ValType t) {
  if (t.isPrimitive()) return t.prim() == PrimType::Char || t.prim() == PrimType::String;
  const DefinedType& d = types.defined(t.definedId());
  if (d.kind == DefinedKind::List || d.kind == DefinedKind::Map || isVariantLike(d.kind) ||
      d.kind == DefinedKind::Own || d.kind == DefinedKind::Borrow) {
    return true;
  }
  if (isRecordLike(d.kind)) {
    for (ValType f : fieldsOf(d)) {
      if (needsCheck(types, f)) return true;
    }
  }
  return false;
}

// Whether `t` contains a handle (own or borrow only: `borrowsOnly`).
bool containsHandle(const model::TypeTable& types, ValType t, bool borrowsOnly) {
  if (t.isPrimitive()) return false;
  const DefinedType& d = types.defined(t.definedId());
  if (d.kind == DefinedKind::Borrow) return true;
  if (d.kind == DefinedKind::Own) return !borrowsOnly;
  if (isRecordLike(d.kind)) {
    for (ValType f : fieldsOf(d)) {
      if (containsHandle(types, f, borrowsOnly)) return true;
    }
  }
  if (isVariantLike(d.kind)) {
    for (const auto& c : casesOf(d)) {
      if (c && containsHandle(types, *c, borrowsOnly)) return true;
    }
  }
  return false;  // lists of handles are not fused
}

// Whether a checked value of `t` in memory may be copied byte for byte: no normalization (bool,
// NaNs, flag masks), no pointers, and no padding (which would carry the source's bytes over).
bool bytewiseCopyable(const model::TypeTable& types, ValType t) {
  if (t.isPrimitive()) {
    switch (t.prim()) {
      case PrimType::S8:
      case PrimType::U8:
      case PrimType::S16:
      case PrimType::U16:
      case PrimType::S32:
      case PrimType::U32:
      case PrimType::S64:
      case PrimType::U64:
      case PrimType::Char:
        return true;
      default:
        return false;
    }
  }
  return types.defined(t.definedId()).kind == DefinedKind::Enum;
}

struct Local {
  uint32_t index = 0;
  WasmType type;
};

// Where a value is read from: flat core values (a cursor over locals) or linear memory.
struct Src {
  bool flat = true;
  const std::vector<Local>* slots = nullptr;
  size_t pos = 0;
  uint32_t base = 0;  // memory: the local holding the address
  uint64_t offset = 0;
};

// Where a value is written to; None in the check pass.
struct Dst {
  enum class Kind : uint8_t { None, Flat, Mem } kind = Kind::None;
  const std::vector<Local>* slots = nullptr;
  size_t pos = 0;
  uint32_t base = 0;
  uint64_t offset = 0;
};

Src atMemory(uint32_t base, uint64_t offset) {
  Src s;
  s.flat = false;
  s.base = base;
  s.offset = offset;
  return s;
}
Dst toMemory(uint32_t base, uint64_t offset) {
  Dst d;
  d.kind = Dst::Kind::Mem;
  d.base = base;
  d.offset = offset;
  return d;
}

enum class Leaf : uint8_t { Bool, S8, U8, S16, U16, I32, I64, F32, F64, Char };

WasmType coreOf(Leaf k) {
  switch (k) {
    case Leaf::I64:
      return wasm::kI64;
    case Leaf::F32:
      return wasm::kF32;
    case Leaf::F64:
      return wasm::kF64;
    default:
      return wasm::kI32;
  }
}

// How a leaf is loaded from and stored to linear memory (loads extend to the lifted value).
struct LeafMemory {
  Opcode load, store;
  uint32_t alignLog2;
};
const LeafMemory& leafMemory(Leaf k) {
  static const LeafMemory kTable[] = {
      {Opcode::I32Load8U, Opcode::I32Store8, 0},    // Bool (then != 0)
      {Opcode::I32Load8S, Opcode::I32Store8, 0},    // S8
      {Opcode::I32Load8U, Opcode::I32Store8, 0},    // U8
      {Opcode::I32Load16S, Opcode::I32Store16, 1},  // S16
      {Opcode::I32Load16U, Opcode::I32Store16, 1},  // U16
      {Opcode::I32Load, Opcode::I32Store, 2},       // I32
      {Opcode::I64Load, Opcode::I64Store, 3},       // I64
      {Opcode::F32Load, Opcode::F32Store, 2},       // F32 (then NaN canonicalization)
      {Opcode::F64Load, Opcode::F64Store, 3},       // F64 (then NaN canonicalization)
      {Opcode::I32Load, Opcode::I32Store, 2},       // Char
  };
  return kTable[static_cast<size_t>(k)];
}

class Builder {
 public:
  explicit Builder(const AdapterSpec& spec) : spec_(spec), types_(*spec.types), abi_(*spec.abi) {}

  absl::StatusOr<AdapterModule> build();

 private:
  struct Side {
    int32_t memory = -1;
    int32_t realloc = -1;
    int32_t utf8 = -1;
    int32_t stringCheck = -1;  // transcoding: validates a string of this side
    int32_t stringCopy = -1;   // transcoding: copies a string from this side to the other
    uint32_t flags = 0;
  };

  // ---- instruction helpers ----
  void op(Opcode o) { w_.opcode(o); }
  void i32Const(int32_t v) {
    op(Opcode::I32Const);
    w_.s32(v);
  }
  void i64Const(int64_t v) {
    op(Opcode::I64Const);
    w_.s64(v);
  }
  // An instruction with one index immediate.
  void opIndex(Opcode o, uint32_t index) {
    op(o);
    w_.u32(index);
  }
  void localGet(uint32_t i) { opIndex(Opcode::LocalGet, i); }
  void localSet(uint32_t i) { opIndex(Opcode::LocalSet, i); }
  void localTee(uint32_t i) { opIndex(Opcode::LocalTee, i); }
  void globalGet(uint32_t i) { opIndex(Opcode::GlobalGet, i); }
  void globalSet(uint32_t i) { opIndex(Opcode::GlobalSet, i); }
  void call(uint32_t f) { opIndex(Opcode::Call, f); }
  void memOp(Opcode o, int32_t memory, uint64_t offset, uint32_t alignLog2) {
    op(o);
    wasm::MemArg m;
    m.alignLog2 = alignLog2;
    m.memory = static_cast<uint32_t>(memory);
    m.offset = offset;
    w_.memArg(m);
  }
  // An unsigned 1-, 2- or 4-byte integer (discriminants, flags) as an i32.
  void loadSized(uint32_t size, int32_t memory, uint64_t offset) {
    if (size == 1) return memOp(Opcode::I32Load8U, memory, offset, 0);
    if (size == 2) return memOp(Opcode::I32Load16U, memory, offset, 1);
    memOp(Opcode::I32Load, memory, offset, 2);
  }
  void storeSized(uint32_t size, int32_t memory, uint64_t offset) {
    if (size == 1) return memOp(Opcode::I32Store8, memory, offset, 0);
    if (size == 2) return memOp(Opcode::I32Store16, memory, offset, 1);
    memOp(Opcode::I32Store, memory, offset, 2);
  }
  // Structured control: open returns a label id for br.
  size_t open(Opcode o) {
    op(o);
    w_.u8(0x40);  // empty block type
    labels_.push_back(nextLabel_);
    return nextLabel_++;
  }
  void close() {
    op(Opcode::End);
    labels_.pop_back();
  }
  uint32_t depthOf(size_t label) const {
    for (size_t i = labels_.size(); i-- > 0;) {
      if (labels_[i] == label) return static_cast<uint32_t>(labels_.size() - 1 - i);
    }
    return 0;
  }
  void br(size_t label) { opIndex(Opcode::Br, depthOf(label)); }
  // Pushes local a + local b (i32).
  void pushSum(uint32_t a, uint32_t b) {
    localGet(a);
    localGet(b);
    op(Opcode::I32Add);
  }
  // local += by (i32).
  void increment(uint32_t local, int32_t by) {
    localGet(local);
    i32Const(by);
    op(Opcode::I32Add);
    localSet(local);
  }
  void brIf(size_t label) { opIndex(Opcode::BrIf, depthOf(label)); }
  uint32_t newLocal(WasmType t) {
    locals_.push_back(t);
    return numParams_ + static_cast<uint32_t>(locals_.size()) - 1;
  }
  // Traps with `code` when the i32 on the stack is non-zero.
  void trapIf(AdapterTrap code) {
    open(Opcode::If);
    i32Const(static_cast<int32_t>(code));
    call(trapFunc_);
    op(Opcode::Unreachable);
    close();
  }
  // The byte size of `memory` as an i64.
  void memoryBytes(int32_t memory) {
    op(Opcode::MemorySize);
    w_.u32(static_cast<uint32_t>(memory));
    op(Opcode::I64ExtendI32U);
    i64Const(16);
    op(Opcode::I64Shl);
  }
  // Traps with `code` when [ptr, ptr + bytes) is not inside `memory` (bytes: an i64 local).
  void checkRange(int32_t memory, uint32_t ptr, uint32_t bytes64, AdapterTrap code) {
    localGet(ptr);
    op(Opcode::I64ExtendI32U);
    localGet(bytes64);
    op(Opcode::I64Add);
    memoryBytes(memory);
    op(Opcode::I64GtU);
    trapIf(code);
  }
  void checkAligned(uint32_t ptr, uint32_t align) {
    if (align <= 1) return;
    localGet(ptr);
    i32Const(static_cast<int32_t>(align - 1));
    op(Opcode::I32And);
    trapIf(AdapterTrap::UnalignedPointer);
  }
  void setFlag(uint32_t global, int32_t flag, bool on) {
    globalGet(global);
    i32Const(on ? flag : ~flag);
    op(on ? Opcode::I32Or : Opcode::I32And);
    globalSet(global);
  }

  // Coercions of flatten_variant's joined slots (lift_flat_variant / lower_flat_variant).
  void coerce(WasmType have, WasmType want);

  // ---- value translation ----
  void translate(ValType t, Src& src, Dst& dst);
  void skip(ValType t, Src& src, Dst& dst);
  void leaf(Leaf k, Src& src, Dst& dst);
  void pushLeaf(Leaf k, Src& src);
  void pushI32(Src& src);  // one pointer/length/discriminant word of a flat or memory source
  void storeI32(Dst& dst, uint32_t local);
  void canonicalizeNan(WasmType t);
  void flags(const DefinedType& d, Src& src, Dst& dst);
  void fields(ValType t, const std::vector<ValType>& fs, Src& src, Dst& dst);
  void variant(ValType t, const std::vector<std::optional<ValType>>& cases, Src& src, Dst& dst);
  void string(Src& src, Dst& dst);
  void list(const std::vector<ValType>& parts, Src& src, Dst& dst);
  // (alignment, size) of a record of `ts`.
  std::pair<uint32_t, uint64_t> layoutOf(const std::vector<ValType>& ts);
  void asciiOrValidate(uint32_t ptr, uint32_t len);
  // own/borrow: the check pass lifts the handle out of the source table (host intrinsic) and
  // keeps its rep in a local; the copy pass lowers that rep into the destination table.
  void handle(const DefinedType& d, Src& src, Dst& dst);
  int32_t resourceIndex(model::ResourceId id);
  // Copies len bytes from the source memory to the destination memory (no overlap).
  void copyBytes(uint32_t dst, uint32_t src, uint32_t len);
  // While i + step <= len: copies `step` bytes at offset i with load/store, i += step.
  void copyUnits(uint32_t dst, uint32_t src, uint32_t len, uint32_t i, int32_t step, Opcode load,
                 Opcode store);
  // realloc(0, 0, align, size) of the destination side with its may_leave cleared, then the
  // alignment and range checks of the result; leaves the pointer in a new local.
  uint32_t allocate(uint32_t align, uint32_t size, AdapterTrap outOfBounds);

  void body();

  const AdapterSpec& spec_;
  const model::TypeTable& types_;
  model::AbiCalculator& abi_;
  wasm::CodeWriter w_;
  std::vector<WasmType> locals_;
  uint32_t numParams_ = 0;
  std::vector<size_t> labels_;
  size_t nextLabel_ = 0;

  Side caller_, callee_;
  const Side* from_ = nullptr;
  const Side* to_ = nullptr;
  bool checking_ = false;
  uint32_t trapFunc_ = 0, calleeFunc_ = 0;
  int32_t postReturnFunc_ = -1;
  int32_t liftHandleFunc_ = -1, lowerHandleFunc_ = -1, endCallFunc_ = -1;
  std::vector<uint32_t> handleReps_;  // per handle position of the current direction, in order
  size_t handleCursor_ = 0;
  std::vector<model::ResourceId> resources_;
  std::vector<uint32_t> entering_;
};

void Builder::coerce(WasmType have, WasmType want) {
  if (have == want) return;
  auto k = [](WasmType t) { return t.kind(); };
  using K = wasm::ValKind;
  // Reading a slot (have = joined type) as a case's type (want).
  if (k(have) == K::I32 && k(want) == K::F32) return op(Opcode::F32ReinterpretI32);
  if (k(have) == K::I64 && k(want) == K::I32) return op(Opcode::I32WrapI64);
  if (k(have) == K::I64 && k(want) == K::F32) {
    op(Opcode::I32WrapI64);
    return op(Opcode::F32ReinterpretI32);
  }
  if (k(have) == K::I64 && k(want) == K::F64) return op(Opcode::F64ReinterpretI64);
  // Writing a case's type (have) into a joined slot (want).
  if (k(have) == K::F32 && k(want) == K::I32) return op(Opcode::I32ReinterpretF32);
  if (k(have) == K::I32 && k(want) == K::I64) return op(Opcode::I64ExtendI32U);
  if (k(have) == K::F32 && k(want) == K::I64) {
    op(Opcode::I32ReinterpretF32);
    return op(Opcode::I64ExtendI32U);
  }
  if (k(have) == K::F64 && k(want) == K::I64) return op(Opcode::I64ReinterpretF64);
}

void Builder::canonicalizeNan(WasmType t) {
  uint32_t v = newLocal(t);
  localSet(v);
  if (t == wasm::kF32) {
    op(Opcode::F32Const);
    w_.fixed32(0x7fc00000);
  } else {
    op(Opcode::F64Const);
    w_.fixed64(0x7ff8000000000000);
  }
  localGet(v);
  localGet(v);
  localGet(v);
  op(t == wasm::kF32 ? Opcode::F32Ne : Opcode::F64Ne);
  op(Opcode::Select);
}

void Builder::pushLeaf(Leaf k, Src& src) {
  if (src.flat) {
    const Local& slot = (*src.slots)[src.pos++];
    localGet(slot.index);
    coerce(slot.type, coreOf(k));
    switch (k) {
      case Leaf::Bool:
        i32Const(0);
        op(Opcode::I32Ne);
        break;
      case Leaf::S8:
        op(Opcode::I32Extend8S);
        break;
      case Leaf::U8:
        i32Const(0xFF);
        op(Opcode::I32And);
        break;
      case Leaf::S16:
        op(Opcode::I32Extend16S);
        break;
      case Leaf::U16:
        i32Const(0xFFFF);
        op(Opcode::I32And);
        break;
      case Leaf::F32:
      case Leaf::F64:
        canonicalizeNan(coreOf(k));
        break;
      default:
        break;
    }
    return;
  }
  localGet(src.base);
  const LeafMemory& lm = leafMemory(k);
  memOp(lm.load, from_->memory, src.offset, lm.alignLog2);
  if (k == Leaf::Bool) {
    i32Const(0);
    op(Opcode::I32Ne);
  } else if (k == Leaf::F32 || k == Leaf::F64) {
    canonicalizeNan(coreOf(k));
  }
}

void Builder::leaf(Leaf k, Src& src, Dst& dst) {
  if (checking_) {
    if (k != Leaf::Char) {
      if (src.flat) ++src.pos;
      return;
    }
    pushLeaf(k, src);
    uint32_t c = newLocal(wasm::kI32);
    localTee(c);
    i32Const(0x110000);
    op(Opcode::I32GeU);
    localGet(c);
    i32Const(static_cast<int32_t>(0xFFFFF800u));
    op(Opcode::I32And);
    i32Const(0xD800);
    op(Opcode::I32Eq);
    op(Opcode::I32Or);
    trapIf(AdapterTrap::InvalidChar);
    return;
  }
  if (dst.kind == Dst::Kind::Mem) localGet(dst.base);
  pushLeaf(k, src);
  if (dst.kind == Dst::Kind::Flat) {
    const Local& slot = (*dst.slots)[dst.pos++];
    coerce(coreOf(k), slot.type);
    localSet(slot.index);
    return;
  }
  const LeafMemory& lm = leafMemory(k);
  memOp(lm.store, to_->memory, dst.offset, lm.alignLog2);
}

void Builder::pushI32(Src& src) {
  if (src.flat) {
    const Local& slot = (*src.slots)[src.pos++];
    localGet(slot.index);
    coerce(slot.type, wasm::kI32);
    return;
  }
  localGet(src.base);
  memOp(Opcode::I32Load, from_->memory, src.offset, 2);
  src.offset += 4;
}

void Builder::storeI32(Dst& dst, uint32_t local) {
  if (dst.kind == Dst::Kind::Flat) {
    const Local& slot = (*dst.slots)[dst.pos++];
    localGet(local);
    coerce(wasm::kI32, slot.type);
    localSet(slot.index);
    return;
  }
  localGet(dst.base);
  localGet(local);
  memOp(Opcode::I32Store, to_->memory, dst.offset, 2);
  dst.offset += 4;
}

// Advances past a value that needs neither checks (check pass) nor anything else.
void Builder::skip(ValType t, Src& src, Dst&) {
  if (src.flat) src.pos += abi_.info(t).flat.size();
}

void Builder::translate(ValType t, Src& src, Dst& dst) {
  if (checking_ && !needsCheck(types_, t)) return skip(t, src, dst);
  if (t.isPrimitive()) {
    switch (t.prim()) {
      case PrimType::Bool:
        return leaf(Leaf::Bool, src, dst);
      case PrimType::S8:
        return leaf(Leaf::S8, src, dst);
      case PrimType::U8:
        return leaf(Leaf::U8, src, dst);
      case PrimType::S16:
        return leaf(Leaf::S16, src, dst);
      case PrimType::U16:
        return leaf(Leaf::U16, src, dst);
      case PrimType::S32:
      case PrimType::U32:
        return leaf(Leaf::I32, src, dst);
      case PrimType::S64:
      case PrimType::U64:
        return leaf(Leaf::I64, src, dst);
      case PrimType::F32:
        return leaf(Leaf::F32, src, dst);
      case PrimType::F64:
        return leaf(Leaf::F64, src, dst);
      case PrimType::Char:
        return leaf(Leaf::Char, src, dst);
      case PrimType::String:
        return string(src, dst);
      case PrimType::ErrorContext:
        return;  // excluded by adapterSupports
    }
  }
  const DefinedType& d = types_.defined(t.definedId());
  if (d.kind == DefinedKind::Flags) return flags(d, src, dst);
  if (d.kind == DefinedKind::Own || d.kind == DefinedKind::Borrow) return handle(d, src, dst);
  if (d.kind == DefinedKind::List) return list({*d.first}, src, dst);
  if (d.kind == DefinedKind::Map) return list({*d.first, *d.second}, src, dst);
  if (isRecordLike(d.kind)) return fields(t, fieldsOf(d), src, dst);
  if (isVariantLike(d.kind)) return variant(t, casesOf(d), src, dst);
}

void Builder::flags(const DefinedType& d, Src& src, Dst& dst) {
  size_t n = d.labels.size();
  if (n == 0) return;
  uint32_t size = model::flagsSize(n);
  uint32_t mask = n >= 32 ? 0xFFFFFFFFu : (1u << n) - 1;
  if (dst.kind == Dst::Kind::Mem) localGet(dst.base);
  if (src.flat) {
    const Local& slot = (*src.slots)[src.pos++];
    localGet(slot.index);
    coerce(slot.type, wasm::kI32);
  } else {
    localGet(src.base);
    loadSized(size, from_->memory, src.offset);
  }
  i32Const(static_cast<int32_t>(mask));
  op(Opcode::I32And);
  if (dst.kind == Dst::Kind::Flat) {
    const Local& slot = (*dst.slots)[dst.pos++];
    coerce(wasm::kI32, slot.type);
    localSet(slot.index);
    return;
  }
  storeSized(size, to_->memory, dst.offset);
}

void Builder::fields(ValType, const std::vector<ValType>& fs, Src& src, Dst& dst) {
  uint64_t srcBase = src.offset, dstBase = dst.offset, offset = 0;
  for (ValType f : fs) {
    const model::CanonicalAbiInfo& info = abi_.info(f);
    offset = (offset + info.align32 - 1) / info.align32 * info.align32;
    if (!src.flat) src.offset = srcBase + offset;
    if (dst.kind == Dst::Kind::Mem) dst.offset = dstBase + offset;
    translate(f, src, dst);
    offset += info.size32;
  }
  src.offset = srcBase;
  dst.offset = dstBase;
}

void Builder::variant(ValType t, const std::vector<std::optional<ValType>>& cases, Src& src,
                      Dst& dst) {
  const model::CanonicalAbiInfo& info = abi_.info(t);
  uint32_t discSize = model::discriminantSize(cases.size());
  size_t joined = info.flat.size() - 1;
  uint64_t srcBase = src.offset, dstBase = dst.offset;

  uint32_t disc = newLocal(wasm::kI32);
  if (src.flat) {
    pushI32(src);
  } else {
    localGet(src.base);
    loadSized(discSize, from_->memory, src.offset);
  }
  localSet(disc);
  if (checking_) {
    localGet(disc);
    i32Const(static_cast<int32_t>(cases.size()));
    op(Opcode::I32GeU);
    trapIf(AdapterTrap::InvalidDiscriminant);
  } else if (dst.kind == Dst::Kind::Flat) {
    storeI32(dst, disc);
  } else {
    localGet(dst.base);
    localGet(disc);
    storeSized(discSize, to_->memory, dst.offset);
  }

  size_t srcPayload = src.pos, dstPayload = dst.pos;
  bool anyPayload = false;
  for (const auto& c : cases) {
    if (c && (!checking_ || needsCheck(types_, *c))) anyPayload = true;
  }
  if (anyPayload) {
    size_t end = open(Opcode::Block);
    std::vector<size_t> caseLabels(cases.size());
    for (size_t i = cases.size(); i-- > 0;) caseLabels[i] = open(Opcode::Block);
    localGet(disc);
    op(Opcode::BrTable);
    w_.u32(static_cast<uint32_t>(cases.size()));
    for (size_t i = 0; i < cases.size(); ++i) w_.u32(depthOf(caseLabels[i]));
    w_.u32(depthOf(caseLabels.back()));
    for (size_t i = 0; i < cases.size(); ++i) {
      close();  // the block of case i: its code follows
      const std::optional<ValType>& c = cases[i];
      if (c) {
        Src s = src;
        s.pos = srcPayload;
        s.offset = srcBase + info.payloadOffset32;
        Dst d = dst;
        d.pos = dstPayload;
        d.offset = dstBase + info.payloadOffset32;
        translate(*c, s, d);
      }
      br(end);
    }
    close();
  }
  if (src.flat) src.pos = srcPayload + joined;
  if (dst.kind == Dst::Kind::Flat) dst.pos = dstPayload + joined;
  src.offset = srcBase;
  dst.offset = dstBase;
}

int32_t Builder::resourceIndex(model::ResourceId id) {
  uint32_t canonical = types_.canonicalResource(id).index;
  for (size_t i = 0; i < resources_.size(); ++i) {
    if (types_.canonicalResource(resources_[i]).index == canonical) return static_cast<int32_t>(i);
  }
  resources_.push_back(id);
  return static_cast<int32_t>(resources_.size() - 1);
}

void Builder::handle(const DefinedType& d, Src& src, Dst& dst) {
  bool params = from_ == &caller_;
  int32_t kind = !params ? kHandleResult : d.kind == DefinedKind::Own ? kHandleOwn : kHandleBorrow;
  i32Const(kind);
  i32Const(resourceIndex(d.resource));
  if (checking_) {
    Src s = src;
    pushI32(s);
    if (src.flat) src.pos = s.pos;
    call(static_cast<uint32_t>(liftHandleFunc_));
    uint32_t rep = newLocal(wasm::kI32);
    localSet(rep);
    handleReps_.push_back(rep);
    return;
  }
  localGet(handleReps_.at(handleCursor_++));
  call(static_cast<uint32_t>(lowerHandleFunc_));
  uint32_t index = newLocal(wasm::kI32);
  localSet(index);
  Dst d2 = dst;
  storeI32(d2, index);
  if (dst.kind == Dst::Kind::Flat) dst.pos = d2.pos;
}

uint32_t Builder::allocate(uint32_t align, uint32_t size, AdapterTrap outOfBounds) {
  setFlag(to_->flags, ComponentInstance::kFlagMayLeave, false);
  i32Const(0);
  i32Const(0);
  i32Const(static_cast<int32_t>(align));
  localGet(size);
  call(static_cast<uint32_t>(to_->realloc));
  uint32_t ptr = newLocal(wasm::kI32);
  localSet(ptr);
  setFlag(to_->flags, ComponentInstance::kFlagMayLeave, true);
  checkAligned(ptr, align);
  uint32_t bytes = newLocal(wasm::kI64);
  localGet(size);
  op(Opcode::I64ExtendI32U);
  localSet(bytes);
  checkRange(to_->memory, ptr, bytes, outOfBounds);
  return ptr;
}

void Builder::asciiOrValidate(uint32_t ptr, uint32_t len) {
  // i walks 8 bytes at a time while they fit, then byte by byte; a byte >= 0x80 goes to the
  // host validator, which traps with the exact message or returns for valid non-ASCII text.
  uint32_t i = newLocal(wasm::kI32);
  i32Const(0);
  localSet(i);  // locals are shared by every iteration of an enclosing list loop
  size_t done = open(Opcode::Block);
  size_t slow = open(Opcode::Block);
  size_t words = open(Opcode::Loop);
  localGet(i);
  i32Const(8);
  op(Opcode::I32Add);
  localGet(len);
  op(Opcode::I32GtU);
  open(Opcode::If);  // fewer than 8 bytes left: byte loop
  size_t bytesLoop = open(Opcode::Loop);
  localGet(i);
  localGet(len);
  op(Opcode::I32GeU);
  brIf(done);
  pushSum(ptr, i);
  memOp(Opcode::I32Load8U, from_->memory, 0, 0);
  i32Const(0x80);
  op(Opcode::I32And);
  brIf(slow);
  increment(i, 1);
  br(bytesLoop);
  close();  // bytes
  close();  // if
  pushSum(ptr, i);
  memOp(Opcode::I64Load, from_->memory, 0, 0);
  i64Const(static_cast<int64_t>(0x8080808080808080ull));
  op(Opcode::I64And);
  op(Opcode::I64Eqz);
  op(Opcode::I32Eqz);
  brIf(slow);
  increment(i, 8);
  br(words);
  close();  // words
  close();  // slow: reached by br only
  localGet(ptr);
  localGet(len);
  call(static_cast<uint32_t>(from_->utf8));
  close();  // done
}

void Builder::copyUnits(uint32_t dst, uint32_t src, uint32_t len, uint32_t i, int32_t step,
                        Opcode load, Opcode store) {
  size_t exit = open(Opcode::Block);
  size_t loop = open(Opcode::Loop);
  localGet(i);
  i32Const(step);
  op(Opcode::I32Add);
  localGet(len);
  op(Opcode::I32GtU);
  brIf(exit);
  pushSum(dst, i);
  pushSum(src, i);
  memOp(load, from_->memory, 0, 0);
  memOp(store, to_->memory, 0, 0);
  increment(i, step);
  br(loop);
  close();
  close();
}

void Builder::copyBytes(uint32_t dst, uint32_t src, uint32_t len) {
  // Short copies (most strings) as 8-byte words then bytes, inline: memory.copy is a call into
  // the runtime that costs more than the copy itself below a few dozen bytes.
  constexpr int32_t kInlineCopyMax = 64;
  localGet(len);
  i32Const(kInlineCopyMax);
  op(Opcode::I32GtU);
  open(Opcode::If);
  localGet(dst);
  localGet(src);
  localGet(len);
  op(Opcode::MemoryCopy);
  w_.u32(static_cast<uint32_t>(to_->memory));
  w_.u32(static_cast<uint32_t>(from_->memory));
  op(Opcode::Else);
  uint32_t i = newLocal(wasm::kI32);
  i32Const(0);
  localSet(i);
  copyUnits(dst, src, len, i, 8, Opcode::I64Load, Opcode::I64Store);
  copyUnits(dst, src, len, i, 1, Opcode::I32Load8U, Opcode::I32Store8);
  close();  // if
}

void Builder::string(Src& src, Dst& dst) {
  uint32_t ptr = newLocal(wasm::kI32), len = newLocal(wasm::kI32);
  Src s = src;
  pushI32(s);
  localSet(ptr);
  pushI32(s);
  localSet(len);
  if (src.flat) src.pos = s.pos;
  if (!spec_.utf8Only) {
    localGet(ptr);
    localGet(len);
    if (checking_) {
      call(static_cast<uint32_t>(from_->stringCheck));
      return;
    }
    call(static_cast<uint32_t>(from_->stringCopy));
    uint32_t out = newLocal(wasm::kI32), units = newLocal(wasm::kI32);
    localSet(units);
    localSet(out);
    Dst d = dst;
    storeI32(d, out);
    storeI32(d, units);
    if (dst.kind == Dst::Kind::Flat) dst.pos = d.pos;
    return;
  }
  if (checking_) {
    localGet(len);
    i32Const(static_cast<int32_t>(kMaxByteLength));
    op(Opcode::I32GtU);
    trapIf(AdapterTrap::StringOutOfBounds);
    uint32_t bytes = newLocal(wasm::kI64);
    localGet(len);
    op(Opcode::I64ExtendI32U);
    localSet(bytes);
    checkRange(from_->memory, ptr, bytes, AdapterTrap::StringOutOfBounds);
    asciiOrValidate(ptr, len);
    return;
  }
  uint32_t out = allocate(1, len, AdapterTrap::StringOutOfBounds);
  copyBytes(out, ptr, len);
  Dst d = dst;
  storeI32(d, out);
  storeI32(d, len);
  if (dst.kind == Dst::Kind::Flat) dst.pos = d.pos;
}

std::pair<uint32_t, uint64_t> Builder::layoutOf(const std::vector<ValType>& ts) {
  uint32_t align = 1;
  uint64_t size = 0;
  for (ValType t : ts) {
    const model::CanonicalAbiInfo& info = abi_.info(t);
    align = std::max(align, info.align32);
    size = (size + info.align32 - 1) / info.align32 * info.align32 + info.size32;
  }
  return {align, (size + align - 1) / align * align};
}

void Builder::list(const std::vector<ValType>& parts, Src& src, Dst& dst) {
  // An element is parts[0], or for map<K, V> (list<tuple<K, V>>) the record of both parts.
  auto [align, size64] = layoutOf(parts);
  uint32_t size = static_cast<uint32_t>(size64);
  bool elemChecked = false;
  for (ValType p : parts) elemChecked |= needsCheck(types_, p);
  uint32_t ptr = newLocal(wasm::kI32), len = newLocal(wasm::kI32);
  Src s = src;
  pushI32(s);
  localSet(ptr);
  pushI32(s);
  localSet(len);
  if (src.flat) src.pos = s.pos;
  uint32_t count = newLocal(wasm::kI32);  // len * size, at most 2^28 after the checks
  if (checking_) {
    if (size != 0) {
      localGet(len);
      i32Const(static_cast<int32_t>(kMaxByteLength / size));
      op(Opcode::I32GtU);
      trapIf(AdapterTrap::ListOutOfBounds);
    }
    checkAligned(ptr, align);
    uint32_t bytes = newLocal(wasm::kI64);
    localGet(len);
    op(Opcode::I64ExtendI32U);
    i64Const(size);
    op(Opcode::I64Mul);
    localSet(bytes);
    checkRange(from_->memory, ptr, bytes, AdapterTrap::ListOutOfBounds);
    if (!elemChecked) return;
  }
  localGet(len);
  i32Const(static_cast<int32_t>(size));
  op(Opcode::I32Mul);
  localSet(count);
  uint32_t out = 0;
  if (!checking_) out = allocate(align, count, AdapterTrap::ListOutOfBounds);
  if (!checking_ && parts.size() == 1 && bytewiseCopyable(types_, parts[0])) {
    copyBytes(out, ptr, count);
  } else {
    // Element by element: s and d walk both lists, i counts.
    uint32_t i = newLocal(wasm::kI32), sp = newLocal(wasm::kI32), dp = newLocal(wasm::kI32);
    i32Const(0);
    localSet(i);
    localGet(ptr);
    localSet(sp);
    if (!checking_) {
      localGet(out);
      localSet(dp);
    }
    size_t exit = open(Opcode::Block);
    size_t top = open(Opcode::Loop);
    localGet(i);
    localGet(len);
    op(Opcode::I32GeU);
    brIf(exit);
    Src es = atMemory(sp, 0);
    Dst ed = checking_ ? Dst{} : toMemory(dp, 0);
    fields(ValType(), parts, es, ed);
    increment(sp, static_cast<int32_t>(size));
    increment(dp, static_cast<int32_t>(size));
    increment(i, 1);
    br(top);
    close();
    close();
  }
  if (checking_) return;
  Dst d = dst;
  storeI32(d, out);
  storeI32(d, len);
  if (dst.kind == Dst::Kind::Flat) dst.pos = d.pos;
}

void Builder::body() {
  const wasm::FuncType& lower = spec_.lowerType;
  const wasm::FuncType& lift = spec_.liftType;
  std::vector<ValType> results;
  if (spec_.result) results.push_back(*spec_.result);
  bool paramsSpilled = abi_.flatCount(spec_.params) > model::kMaxFlatParams;
  bool resultsSpilled = abi_.flatCount(results) > model::kMaxFlatResults;
  // The tuple of the parameters (or of the result) as one record for memory layouts.
  auto tupleLayout = [&](const std::vector<ValType>& ts) { return layoutOf(ts); };
  auto tupleAt = [&](const std::vector<ValType>& ts, Src& src, Dst& dst) {
    fields(ValType(), ts, src, dst);
  };

  // may_leave of the caller.
  globalGet(caller_.flags);
  i32Const(ComponentInstance::kFlagMayLeave);
  op(Opcode::I32And);
  op(Opcode::I32Eqz);
  trapIf(AdapterTrap::CannotLeave);

  // Lift checks of the arguments (caller -> callee).
  from_ = &caller_;
  to_ = &callee_;
  std::vector<Local> params;
  for (uint32_t i = 0; i < lower.params.size(); ++i) params.push_back({i, lower.params[i]});
  checking_ = true;
  if (paramsSpilled) {
    auto [align, size] = tupleLayout(spec_.params);
    checkAligned(0, align);
    uint32_t bytes = newLocal(wasm::kI64);
    i64Const(static_cast<int64_t>(size));
    localSet(bytes);
    checkRange(caller_.memory, 0, bytes, AdapterTrap::PointerOutOfBounds);
    Src s = atMemory(0, 0);
    Dst none;
    tupleAt(spec_.params, s, none);
  } else {
    Src s;
    s.slots = &params;
    Dst none;
    for (ValType t : spec_.params) translate(t, s, none);
  }

  // may_enter of the entering set, then enter.
  for (uint32_t g : entering_) {
    globalGet(g);
    i32Const(ComponentInstance::kFlagMayEnter);
    op(Opcode::I32And);
    op(Opcode::I32Eqz);
    trapIf(AdapterTrap::CannotEnter);
  }
  for (uint32_t g : entering_) setFlag(g, ComponentInstance::kFlagMayEnter, false);

  // Lowering into the callee.
  checking_ = false;
  std::vector<Local> calleeArgs;
  if (paramsSpilled) {
    auto [align, size] = tupleLayout(spec_.params);
    uint32_t sizeLocal = newLocal(wasm::kI32);
    i32Const(static_cast<int32_t>(size));
    localSet(sizeLocal);
    uint32_t out = allocate(align, sizeLocal, AdapterTrap::ListOutOfBounds);
    Src s = atMemory(0, 0);
    Dst d = toMemory(out, 0);
    tupleAt(spec_.params, s, d);
    calleeArgs.push_back({out, wasm::kI32});
  } else {
    for (WasmType t : lift.params) calleeArgs.push_back({newLocal(t), t});
    Src s;
    s.slots = &params;
    Dst d;
    d.kind = Dst::Kind::Flat;
    d.slots = &calleeArgs;
    for (ValType t : spec_.params) translate(t, s, d);
  }
  std::vector<Local> calleeResults;
  for (WasmType t : lift.results) calleeResults.push_back({newLocal(t), t});
  auto callCallee = [&] {
    for (const Local& a : calleeArgs) localGet(a.index);
    call(calleeFunc_);
    for (size_t i = calleeResults.size(); i-- > 0;) localSet(calleeResults[i].index);
  };
  if (spec_.exceptionBarrier) {
    // block $ok (block $caught (try_table (catch_all $caught) call) br $ok) trap
    size_t ok = open(Opcode::Block);
    size_t caught = open(Opcode::Block);
    op(Opcode::TryTable);
    w_.u8(0x40);
    w_.u32(1);
    w_.u8(static_cast<uint8_t>(wasm::Catch::Kind::CatchAll));
    w_.u32(depthOf(caught));  // catch labels count from outside the try_table
    labels_.push_back(nextLabel_++);
    callCallee();
    close();
    opIndex(Opcode::Br, depthOf(ok));
    close();
    i32Const(static_cast<int32_t>(AdapterTrap::UncaughtException));
    call(trapFunc_);
    op(Opcode::Unreachable);
    close();
  } else {
    callCallee();
  }

  // Lift checks of the results (callee -> caller).
  from_ = &callee_;
  to_ = &caller_;
  checking_ = true;
  handleReps_.clear();
  handleCursor_ = 0;
  if (resultsSpilled) {
    auto [align, size] = tupleLayout(results);
    uint32_t ptr = calleeResults[0].index;
    checkAligned(ptr, align);
    uint32_t bytes = newLocal(wasm::kI64);
    i64Const(static_cast<int64_t>(size));
    localSet(bytes);
    checkRange(callee_.memory, ptr, bytes, AdapterTrap::PointerOutOfBounds);
    Src s = atMemory(ptr, 0);
    Dst none;
    tupleAt(results, s, none);
  } else {
    Src s;
    s.slots = &calleeResults;
    Dst none;
    for (ValType t : results) translate(t, s, none);
  }

  // The borrows the callee received must be gone; the caller's lent handles are released.
  if (endCallFunc_ >= 0) call(static_cast<uint32_t>(endCallFunc_));

  // Lowering into the caller.
  checking_ = false;
  std::vector<Local> callerResults;
  if (resultsSpilled) {
    auto [align, size] = tupleLayout(results);
    uint32_t outParam = static_cast<uint32_t>(lower.params.size() - 1);
    checkAligned(outParam, align);
    uint32_t bytes = newLocal(wasm::kI64);
    i64Const(static_cast<int64_t>(size));
    localSet(bytes);
    checkRange(caller_.memory, outParam, bytes, AdapterTrap::PointerOutOfBounds);
    Src s = atMemory(calleeResults[0].index, 0);
    Dst d = toMemory(outParam, 0);
    tupleAt(results, s, d);
  } else {
    for (WasmType t : lower.results) callerResults.push_back({newLocal(t), t});
    Src s;
    s.slots = &calleeResults;
    Dst d;
    d.kind = Dst::Kind::Flat;
    d.slots = &callerResults;
    for (ValType t : results) translate(t, s, d);
  }

  if (postReturnFunc_ >= 0) {
    setFlag(callee_.flags, ComponentInstance::kFlagMayLeave, false);
    for (const Local& r : calleeResults) localGet(r.index);
    call(static_cast<uint32_t>(postReturnFunc_));
    setFlag(callee_.flags, ComponentInstance::kFlagMayLeave, true);
  }
  for (uint32_t g : entering_) setFlag(g, ComponentInstance::kFlagMayEnter, true);
  for (const Local& r : callerResults) localGet(r.index);
  op(Opcode::End);
}

absl::StatusOr<AdapterModule> Builder::build() {
  wasm::Module m;
  AdapterModule out;
  auto addType = [&](wasm::FuncType t) {
    for (uint32_t i = 0; i < m.types.size(); ++i) {
      if (m.types[i] == t) return i;
    }
    m.types.push_back(std::move(t));
    return static_cast<uint32_t>(m.types.size() - 1);
  };
  uint32_t numFuncs = 0, numMemories = 0, numGlobals = 0;
  auto importFunc = [&](const std::string& name, wasm::FuncType t) {
    wasm::Import imp;
    imp.name = name;
    imp.kind = wasm::ExternKind::Func;
    imp.funcType = addType(std::move(t));
    m.imports.push_back(imp);
    out.importNames.push_back(name);
    return numFuncs++;
  };
  auto importMemory = [&](const std::string& name) {
    wasm::Import imp;
    imp.name = name;
    imp.kind = wasm::ExternKind::Memory;
    m.imports.push_back(imp);
    out.importNames.push_back(name);
    return static_cast<int32_t>(numMemories++);
  };
  auto importFlags = [&](const std::string& name) {
    wasm::Import imp;
    imp.name = name;
    imp.kind = wasm::ExternKind::Global;
    imp.global = wasm::GlobalType{wasm::kI32, true};
    m.imports.push_back(imp);
    out.importNames.push_back(name);
    return numGlobals++;
  };
  // Over-approximated by "needs checks" (every string does); an unused import costs nothing.
  auto needsValidator = [&](const std::vector<ValType>& ts) {
    for (ValType t : ts) {
      if (needsCheck(types_, t)) return true;
    }
    return false;
  };
  std::vector<ValType> results;
  if (spec_.result) results.push_back(*spec_.result);
  wasm::FuncType i32x1{{wasm::kI32}, {}}, i32x2{{wasm::kI32, wasm::kI32}, {}};
  trapFunc_ = importFunc("trap", i32x1);
  if (spec_.utf8Only) {
    if (needsValidator(spec_.params)) {
      caller_.utf8 = static_cast<int32_t>(importFunc("utf8_caller", i32x2));
    }
    if (needsValidator(results)) {
      callee_.utf8 = static_cast<int32_t>(importFunc("utf8_callee", i32x2));
    }
  } else {
    wasm::FuncType copyType{{wasm::kI32, wasm::kI32}, {wasm::kI32, wasm::kI32}};
    caller_.stringCheck = static_cast<int32_t>(importFunc("string_check_caller", i32x2));
    callee_.stringCheck = static_cast<int32_t>(importFunc("string_check_callee", i32x2));
    caller_.stringCopy = static_cast<int32_t>(importFunc("string_copy_params", copyType));
    callee_.stringCopy = static_cast<int32_t>(importFunc("string_copy_results", copyType));
  }
  calleeFunc_ = importFunc("callee", spec_.liftType);
  wasm::FuncType reallocType{{wasm::kI32, wasm::kI32, wasm::kI32, wasm::kI32}, {wasm::kI32}};
  if (spec_.calleeRealloc)
    callee_.realloc = static_cast<int32_t>(importFunc("callee_realloc", reallocType));
  if (spec_.callerRealloc)
    caller_.realloc = static_cast<int32_t>(importFunc("caller_realloc", reallocType));
  bool handles = false, borrows = false;
  for (ValType t : spec_.params) {
    handles |= containsHandle(types_, t, false);
    borrows |= containsHandle(types_, t, true);
  }
  for (ValType t : results) handles |= containsHandle(types_, t, false);
  if (handles) {
    wasm::FuncType i32x3{{wasm::kI32, wasm::kI32, wasm::kI32}, {wasm::kI32}};
    liftHandleFunc_ = static_cast<int32_t>(importFunc("lift_handle", i32x3));
    lowerHandleFunc_ = static_cast<int32_t>(importFunc("lower_handle", i32x3));
  }
  if (borrows) endCallFunc_ = static_cast<int32_t>(importFunc("end_call", {}));
  if (spec_.postReturn) {
    postReturnFunc_ = static_cast<int32_t>(importFunc("post_return", {spec_.liftType.results, {}}));
  }
  if (spec_.callerMemory) caller_.memory = importMemory("caller_memory");
  if (spec_.calleeMemory) callee_.memory = importMemory("callee_memory");
  caller_.flags = importFlags("caller_flags");
  callee_.flags = importFlags("callee_flags");
  for (uint32_t i = 0; i < spec_.enteringCount; ++i) {
    entering_.push_back(importFlags(absl::StrFormat("enter%d", i)));
  }

  numParams_ = static_cast<uint32_t>(spec_.lowerType.params.size());
  body();
  // The body with its local declarations in front (one group per local).
  wasm::CodeWriter full;
  full.u32(static_cast<uint32_t>(locals_.size()));
  for (WasmType t : locals_) {
    full.u32(1);
    full.valType(t);
  }
  full.bytes(w_.out().data(), w_.out().size());
  wasm::Function f;
  f.typeIndex = addType(spec_.lowerType);
  f.body = absl::MakeConstSpan(full.out());
  m.functions.push_back(f);
  m.exports.push_back({"adapter", wasm::ExternKind::Func, numFuncs});
  out.bytes = wasm::encodeModule(m);
  out.resources = resources_;
  out.borrowState = borrows;
  return out;
}

}  // namespace

bool adapterSupports(const model::TypeTable& types, ValType t, bool inList) {
  if (t.isPrimitive()) return t.prim() != PrimType::ErrorContext;
  const DefinedType& d = types.defined(t.definedId());
  if (d.kind == DefinedKind::Flags) return d.labels.size() <= 32;
  // A handle's rep waits in a local between the passes: one local per handle position.
  if (d.kind == DefinedKind::Own || d.kind == DefinedKind::Borrow) return !inList;
  if (d.kind == DefinedKind::List) return adapterSupports(types, *d.first, true);
  if (d.kind == DefinedKind::Map) {
    return adapterSupports(types, *d.first, true) && adapterSupports(types, *d.second, true);
  }
  if (d.kind == DefinedKind::FixedList && d.length > kMaxFixedListFused) return false;
  if (isRecordLike(d.kind)) {
    for (ValType f : fieldsOf(d)) {
      if (!adapterSupports(types, f, inList)) return false;
    }
    return true;
  }
  if (isVariantLike(d.kind)) {
    for (const auto& c : casesOf(d)) {
      if (c && !adapterSupports(types, *c, inList)) return false;
    }
    return true;
  }
  return false;  // stream, future
}

absl::StatusOr<AdapterModule> buildAdapterModule(const AdapterSpec& spec) {
  for (ValType t : spec.params) {
    if (!adapterSupports(*spec.types, t)) return absl::UnimplementedError("type not fusable");
  }
  if (spec.result && !adapterSupports(*spec.types, *spec.result)) {
    return absl::UnimplementedError("type not fusable");
  }
  return Builder(spec).build();
}

}  // namespace wcr::canon::link
