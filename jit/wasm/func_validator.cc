// Function-body validation: one pass of InstrReader over the body with an operand stack of small
// type codes and a control stack of frames, both reused across functions (no allocation per
// instruction). Operators with a regular signature (Sig in opcodes.def) are typed from a table;
// the rest by hand below. Messages contain the reference interpreter's wording.
#include "jit/wasm/func_validator.h"

#include <algorithm>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace wcr::jit::wasm {
namespace {

// Type codes on the operand stack (ValKind values).
constexpr uint8_t cI32 = static_cast<uint8_t>(ValKind::I32);
constexpr uint8_t cI64 = static_cast<uint8_t>(ValKind::I64);
constexpr uint8_t cF32 = static_cast<uint8_t>(ValKind::F32);
constexpr uint8_t cF64 = static_cast<uint8_t>(ValKind::F64);
constexpr uint8_t cV128 = static_cast<uint8_t>(ValKind::V128);
constexpr uint8_t cFuncRef = static_cast<uint8_t>(ValKind::FuncRef);
constexpr uint8_t cExternRef = static_cast<uint8_t>(ValKind::ExternRef);
constexpr uint8_t cExnRef = static_cast<uint8_t>(ValKind::ExnRef);
constexpr uint8_t kNone = 0xFF;

inline uint8_t code(ValType t) { return static_cast<uint8_t>(t.kind()); }
inline bool isRefCode(uint8_t t) { return t == cFuncRef || t == cExternRef || t == cExnRef; }

// Operand types of a regular operator: up to three params (bottom first) and at most one result.
struct SigTypes {
  uint8_t numParams;
  uint8_t params[3];
  uint8_t result;
};

constexpr SigTypes sigTypes(Sig sig) {
  constexpr uint8_t A = cI32;  // address type of 32-bit memories
  switch (sig) {
    case Sig::Special: return {0, {}, kNone};
    case Sig::V__V: return {0, {}, kNone};
    case Sig::V__I32: return {0, {}, cI32};
    case Sig::V__I64: return {0, {}, cI64};
    case Sig::V__F32: return {0, {}, cF32};
    case Sig::V__F64: return {0, {}, cF64};
    case Sig::V__V128: return {0, {}, cV128};
    case Sig::I32__I32: return {1, {cI32}, cI32};
    case Sig::I64__I64: return {1, {cI64}, cI64};
    case Sig::F32__F32: return {1, {cF32}, cF32};
    case Sig::F64__F64: return {1, {cF64}, cF64};
    case Sig::I64__I32: return {1, {cI64}, cI32};
    case Sig::F32__I32: return {1, {cF32}, cI32};
    case Sig::F64__I32: return {1, {cF64}, cI32};
    case Sig::I32__I64: return {1, {cI32}, cI64};
    case Sig::F32__I64: return {1, {cF32}, cI64};
    case Sig::F64__I64: return {1, {cF64}, cI64};
    case Sig::I32__F32: return {1, {cI32}, cF32};
    case Sig::I64__F32: return {1, {cI64}, cF32};
    case Sig::F64__F32: return {1, {cF64}, cF32};
    case Sig::I32__F64: return {1, {cI32}, cF64};
    case Sig::I64__F64: return {1, {cI64}, cF64};
    case Sig::F32__F64: return {1, {cF32}, cF64};
    case Sig::I32_I32__I32: return {2, {cI32, cI32}, cI32};
    case Sig::I64_I64__I64: return {2, {cI64, cI64}, cI64};
    case Sig::F32_F32__F32: return {2, {cF32, cF32}, cF32};
    case Sig::F64_F64__F64: return {2, {cF64, cF64}, cF64};
    case Sig::I64_I64__I32: return {2, {cI64, cI64}, cI32};
    case Sig::F32_F32__I32: return {2, {cF32, cF32}, cI32};
    case Sig::F64_F64__I32: return {2, {cF64, cF64}, cI32};
    case Sig::A__I32: return {1, {A}, cI32};
    case Sig::A__I64: return {1, {A}, cI64};
    case Sig::A__F32: return {1, {A}, cF32};
    case Sig::A__F64: return {1, {A}, cF64};
    case Sig::A__V128: return {1, {A}, cV128};
    case Sig::A_I32__V: return {2, {A, cI32}, kNone};
    case Sig::A_I64__V: return {2, {A, cI64}, kNone};
    case Sig::A_F32__V: return {2, {A, cF32}, kNone};
    case Sig::A_F64__V: return {2, {A, cF64}, kNone};
    case Sig::A_V128__V: return {2, {A, cV128}, kNone};
    case Sig::A_V128__V128: return {2, {A, cV128}, cV128};
    case Sig::I32__V128: return {1, {cI32}, cV128};
    case Sig::I64__V128: return {1, {cI64}, cV128};
    case Sig::F32__V128: return {1, {cF32}, cV128};
    case Sig::F64__V128: return {1, {cF64}, cV128};
    case Sig::V128__V128: return {1, {cV128}, cV128};
    case Sig::V128_V128__V128: return {2, {cV128, cV128}, cV128};
    case Sig::V128_V128_V128__V128: return {3, {cV128, cV128, cV128}, cV128};
    case Sig::V128__I32: return {1, {cV128}, cI32};
    case Sig::V128__I64: return {1, {cV128}, cI64};
    case Sig::V128__F32: return {1, {cV128}, cF32};
    case Sig::V128__F64: return {1, {cV128}, cF64};
    case Sig::V128_I32__V128: return {2, {cV128, cI32}, cV128};
    case Sig::V128_I64__V128: return {2, {cV128, cI64}, cV128};
    case Sig::V128_F32__V128: return {2, {cV128, cF32}, cV128};
    case Sig::V128_F64__V128: return {2, {cV128, cF64}, cV128};
  }
  return {0, {}, kNone};
}

// What the validator's main loop needs of each opcode, in one small record.
constexpr uint8_t kCheckNone = 0, kCheckMem = 1, kCheckLanes = 2, kSpecial = 3;
struct OpDesc {
  uint8_t check;  // kCheckNone, kCheckMem (memarg), kCheckLanes (lane immediates), kSpecial
  uint8_t width;  // natural alignment or lane size (log2)
  uint8_t numParams;
  uint8_t result;
  uint8_t params[3];
  uint32_t mask;    // selects the top numParams stack slots of a little-endian 4-slot load
  uint32_t packed;  // the parameter types in those slots
};
struct OpDescTable {
  OpDesc ops[kOpcodeCount];
};
const OpDescTable& opDescs() {
  static const OpDescTable table = [] {
    OpDescTable t{};
    for (size_t i = 0; i < kOpcodeCount; ++i) {
      const OpcodeInfo& oi = info(static_cast<Opcode>(i));
      OpDesc& d = t.ops[i];
      SigTypes s = sigTypes(oi.sig);
      d.check = oi.sig == Sig::Special                                  ? kSpecial
                : oi.imm == ImmKind::Mem                                ? kCheckMem
                : oi.imm == ImmKind::Lane || oi.imm == ImmKind::MemLane ||
                        oi.imm == ImmKind::Shuffle
                    ? kCheckLanes
                    : kCheckNone;
      d.width = oi.width;
      d.numParams = s.numParams;
      d.result = s.result;
      for (int p = 0; p < 3; ++p) d.params[p] = s.params[p];
      // Slot size-1 (the top) is the most significant byte of the load.
      for (uint32_t p = 0; p < s.numParams; ++p) {
        uint32_t shift = 8 * (4 - s.numParams + p);
        d.mask |= 0xFFu << shift;
        d.packed |= static_cast<uint32_t>(s.params[p]) << shift;
      }
    }
    return t;
  }();
  return table;
}

// Storage for single-value block types, so every frame refers to its types by pointer.
constexpr ValType kSingle[] = {kI32, kI64, kF32, kF64, kV128, kFuncRef, kExternRef, kExnRef};
constexpr ValType kExnRefOnly[] = {kExnRef};

const char* typeName(uint8_t t) {
  if (t == kNone) return "nothing";
  if (t > cExnRef) return "a value";
  return ValType(static_cast<ValKind>(t)).name();
}

}  // namespace

FuncValidator::FuncValidator(const ValidationContext& ctx, const Module& module)
    : ctx_(ctx), module_(module), reader_(support::ByteReader(Bytes{})) {
  stack_.resize(1024);
  ctrl_.reserve(64);
}

// ---- errors ----------------------------------------------------------------------------------

absl::Status FuncValidator::failAt(size_t offset, std::string_view message) {
  return absl::InvalidArgumentError(
      absl::StrFormat("func %u at offset 0x%x: %s", funcIndex_, offset, message));
}

absl::Status FuncValidator::fail(std::string_view message) { return failAt(instrOffset_, message); }

// Binary-format errors come as "at offset ...: ..."; say which function.
absl::Status FuncValidator::inFunc(const absl::Status& st) {
  return absl::InvalidArgumentError(absl::StrCat("func ", funcIndex_, " ", st.message()));
}

absl::Status FuncValidator::mismatch() {
  return fail(absl::StrCat("type mismatch: expected ", typeName(expected_), ", found ",
                           typeName(found_)));
}

// ---- stack primitives ------------------------------------------------------------------------

inline bool FuncValidator::pop(uint8_t expected) {
  const Frame& f = ctrl_.back();
  if (sp_ > f.height) {
    uint8_t t = stack_[--sp_];
    if (t == expected || t == kUnknown) return true;
    expected_ = expected;
    found_ = t;
    return false;
  }
  if (f.unreachable) return true;
  expected_ = expected;
  found_ = kNone;
  return false;
}

inline bool FuncValidator::popAny(uint8_t& out) {
  const Frame& f = ctrl_.back();
  if (sp_ > f.height) {
    out = stack_[--sp_];
    return true;
  }
  out = kUnknown;
  if (f.unreachable) return true;
  expected_ = kUnknown;
  found_ = kNone;
  return false;
}

bool FuncValidator::popRef(uint8_t& out) {
  if (!popAny(out)) return false;
  if (out == kUnknown || isRefCode(out)) return true;
  expected_ = cFuncRef;
  found_ = out;
  return false;
}

bool FuncValidator::popTypes(const ValType* types, uint32_t n) {
  for (uint32_t i = n; i-- > 0;) {
    if (!pop(code(types[i]))) return false;
  }
  return true;
}

bool FuncValidator::checkTypesAtTop(const ValType* types, uint32_t n) {
  const Frame& f = ctrl_.back();
  size_t avail = sp_ - f.height;
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t want = code(types[n - 1 - i]);
    if (i >= avail) {
      if (f.unreachable) return true;  // everything further down is the bottom type
      expected_ = want;
      found_ = kNone;
      return false;
    }
    uint8_t t = stack_[sp_ - 1 - i];
    if (t != want && t != kUnknown) {
      expected_ = want;
      found_ = t;
      return false;
    }
  }
  return true;
}

void FuncValidator::pushTypes(const ValType* types, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i) push(code(types[i]));
}

void FuncValidator::setUnreachable() {
  Frame& f = ctrl_.back();
  sp_ = f.height;
  f.unreachable = true;
}

// ---- locals ----------------------------------------------------------------------------------

absl::Status FuncValidator::setUpLocals(const FuncType& type) {
  // run() bounds the count by kMaxFunctionLocals, so one type code per local is always affordable.
  numLocals_ = type.params.size() + locals_.total;
  localTypes_.clear();
  localTypes_.reserve(numLocals_);
  for (ValType t : type.params) localTypes_.push_back(code(t));
  for (const auto& [n, t] : locals_.runs) {
    if (t == kExnRef && !ctx_.features.exceptions) return fail("malformed value type");
    localTypes_.insert(localTypes_.end(), n, code(t));
  }
  return absl::OkStatus();
}

inline absl::Status FuncValidator::localType(uint32_t index, uint8_t& out) {
  if (index < localTypes_.size()) [[likely]] {
    out = localTypes_[index];
    return absl::OkStatus();
  }
  return fail(absl::StrCat("unknown local ", index));
}

// ---- immediates that name module entities ----------------------------------------------------

absl::Status FuncValidator::checkMemory(uint32_t memory) {
  if (memory >= ctx_.numMemories) return fail(absl::StrCat("unknown memory ", memory));
  return absl::OkStatus();
}

absl::Status FuncValidator::checkMemArg(const MemArg& mem, uint32_t naturalLog2) {
  WCR_RETURN_IF_ERROR(checkMemory(mem.memory));
  // wasm 2.0 memargs have no memory index: there, flags with bit 6 are an alignment of 2^64 or
  // more, which is never natural.
  if (mem.alignLog2 > naturalLog2 || (mem.explicitMemory && !ctx_.features.multiMemory)) {
    return fail("alignment must not be larger than natural");
  }
  return absl::OkStatus();
}

absl::Status FuncValidator::checkMemIndexEncoding(const Instr& in) {
  if (!in.memIndexZeroBytes && !ctx_.features.multiMemory) return fail("zero byte expected");
  return absl::OkStatus();
}

// Without the proposal, 0x12 and 0x13 are unassigned opcodes (malformed, as the reference
// decoder says).
absl::Status FuncValidator::checkTailCallEnabled(const Instr& in) {
  if (ctx_.features.tailCall) return absl::OkStatus();
  return fail(absl::StrFormat("illegal opcode %02x (%s needs the tail-call proposal)",
                              info(in.op).code, info(in.op).name));
}

absl::Status FuncValidator::checkExceptionsEnabled(const Instr& in) {
  if (ctx_.features.exceptions) return absl::OkStatus();
  return fail(absl::StrFormat("illegal opcode %02x (%s needs the exception-handling proposal)",
                              info(in.op).code, info(in.op).name));
}

absl::Status FuncValidator::checkTag(uint32_t tag, const FuncType*& type) {
  if (tag >= ctx_.tagTypes.size()) return fail(absl::StrCat("unknown tag ", tag));
  type = &module_.types[ctx_.tagTypes[tag]];
  return absl::OkStatus();
}

// A catch clause branches to its label with the tag's payload (catch, catch_ref) and the
// exnref (catch_ref, catch_all_ref): the label's types must be exactly those.
absl::Status FuncValidator::checkCatch(const Catch& c) {
  if (c.label >= ctrl_.size()) return fail(absl::StrCat("unknown label ", c.label));
  const Frame& target = ctrl_[ctrl_.size() - 1 - c.label];
  std::vector<ValType> carried;
  if (c.hasTag()) {
    const FuncType* tag = nullptr;
    WCR_RETURN_IF_ERROR(checkTag(c.tag, tag));
    carried = tag->params;
  }
  if (c.ref()) carried.push_back(kExnRef);
  bool same = carried.size() == target.labelArity();
  for (size_t i = 0; same && i < carried.size(); ++i) same = carried[i] == target.labelTypes()[i];
  if (!same) return fail("type mismatch: catch clause does not match its label's types");
  return absl::OkStatus();
}

// A tail call returns the callee's results as the caller's own: the types must be equal.
absl::Status FuncValidator::checkReturnTypes(const FuncType& callee) {
  if (callee.results == funcType_->results) return absl::OkStatus();
  auto list = [](const std::vector<ValType>& types) {
    std::string out = "[";
    for (size_t i = 0; i < types.size(); ++i) absl::StrAppend(&out, i ? " " : "", types[i].name());
    return out + "]";
  };
  return fail(absl::StrCat("type mismatch: the function returns ", list(funcType_->results),
                           " but the tail-called function returns ", list(callee.results)));
}

absl::Status FuncValidator::checkTable(uint32_t table, uint8_t& elem) {
  if (table >= ctx_.tableElems.size()) return fail(absl::StrCat("unknown table ", table));
  elem = code(ctx_.tableElems[table]);
  return absl::OkStatus();
}

absl::Status FuncValidator::blockType(const BlockType& bt, const ValType*& params,
                                      uint32_t& numParams, const ValType*& results,
                                      uint32_t& numResults) {
  switch (bt.kind) {
    case BlockType::Kind::Empty:
      params = results = nullptr;
      numParams = numResults = 0;
      return absl::OkStatus();
    case BlockType::Kind::Value:
      if (bt.value == kExnRef && !ctx_.features.exceptions) return fail("malformed value type");
      params = nullptr;
      numParams = 0;
      results = &kSingle[code(bt.value)];
      numResults = 1;
      return absl::OkStatus();
    case BlockType::Kind::TypeIndex: {
      if (bt.typeIndex >= module_.types.size()) {
        return fail(absl::StrCat("unknown type ", bt.typeIndex));
      }
      const FuncType& t = module_.types[bt.typeIndex];
      params = t.params.data();
      numParams = static_cast<uint32_t>(t.params.size());
      results = t.results.data();
      numResults = static_cast<uint32_t>(t.results.size());
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

// ---- the body --------------------------------------------------------------------------------

absl::Status FuncValidator::validate(uint32_t funcIndex, const Function& func) {
  funcIndex_ = funcIndex;
  instrOffset_ = func.bodyOffset;
  return run(func);
}

// The body ran out before the `end` that closes the function. The reference decoder does not
// stop at the body's size: it reads on into what follows, so its message depends on the next
// byte. Mirror it: `else` (0x05) is "END opcode expected", `end` (0x0B) closes the function
// and leaves the code entry too long ("section size mismatch"), the end of the input is
// "unexpected end".
absl::Status FuncValidator::bodyEndedEarly(const Function& func) {
  size_t end = func.bodyOffset + func.body.size();
  const char* message = "unexpected end of section or function";
  if (module_.storage) {
    const uint8_t* next = func.body.data() + func.body.size();
    const uint8_t* begin = module_.storage->data();
    const uint8_t* limit = begin + module_.storage->size();
    if (next >= begin && next < limit) {
      message = *next == 0x0B ? "section size mismatch" : "END opcode expected";
    }
  }
  return failAt(end, message);
}

absl::Status FuncValidator::run(const Function& func) {
  absl::Status st = decodeLocals(func, locals_);
  if (!st.ok()) return inFunc(st);
  funcType_ = &module_.types[ctx_.funcTypes[funcIndex_]];
  if (funcType_->params.size() + locals_.total > kMaxFunctionLocals) {
    return failAt(func.bodyOffset,
                  absl::StrFormat("too many locals: %d exceeds the implementation limit of %d",
                                  funcType_->params.size() + locals_.total, kMaxFunctionLocals));
  }
  WCR_RETURN_IF_ERROR(setUpLocals(*funcType_));

  // kStackGuard bottom slots that match no type, so the regular-operator fast path may read
  // the top four slots unconditionally.
  sp_ = kStackGuard;
  std::fill(stack_.begin(), stack_.begin() + kStackGuard, kNone);
  ctrl_.clear();
  ctrl_.push_back(Frame{Opcode::End, false, kStackGuard, nullptr, 0, funcType_->results.data(),
                        static_cast<uint32_t>(funcType_->results.size())});

  support::ByteReader body(func.body.subspan(locals_.codeStart),
                           func.bodyOffset + locals_.codeStart);
  body.setEndMessage("unexpected end of section or function");
  reader_.reset(body);

  const OpDescTable& descs = opDescs();
  Instr in;
  for (;;) {
    if (reader_.atEnd()) [[unlikely]] return bodyEndedEarly(func);
    if (absl::Status read = reader_.next(in); !read.ok()) [[unlikely]] return inFunc(read);
    instrOffset_ = in.offset;

    const OpDesc& d = descs.ops[static_cast<size_t>(in.op)];
    if (d.check != kSpecial) {
      // Regular operators: typed from their signature.
      if (d.check == kCheckMem) {
        if (in.mem.memory >= ctx_.numMemories || in.mem.alignLog2 > d.width ||
            in.mem.explicitMemory) {
          WCR_RETURN_IF_ERROR(checkMemArg(in.mem, d.width));
        }
      } else if (d.check == kCheckLanes) {
        WCR_RETURN_IF_ERROR(numeric(in));
      }
      // Fast path: the operands are the top slots of the current frame with exactly the
      // parameter types (one masked compare of the top four slots).
      uint32_t top;
      std::memcpy(&top, stack_.data() + sp_ - 4, 4);
      if ((top & d.mask) == d.packed && sp_ - ctrl_.back().height >= d.numParams) {
        sp_ -= d.numParams;
      } else {
        for (uint32_t i = d.numParams; i-- > 0;) {
          if (!pop(d.params[i])) return mismatch();
        }
      }
      if (d.result != kNone) push(d.result);
      continue;
    }

    // The most frequent operators are handled inline; the rest by instr().
    switch (in.op) {
      case Opcode::LocalGet: {
        uint8_t t = kUnknown;
        WCR_RETURN_IF_ERROR(localType(in.index, t));
        push(t);
        continue;
      }
      case Opcode::LocalSet:
      case Opcode::LocalTee: {
        uint8_t t = kUnknown;
        WCR_RETURN_IF_ERROR(localType(in.index, t));
        if (sp_ > ctrl_.back().height && stack_[sp_ - 1] == t) {
          if (in.op == Opcode::LocalSet) --sp_;
          continue;
        }
        if (!pop(t)) return mismatch();
        if (in.op == Opcode::LocalTee) push(t);
        continue;
      }
      case Opcode::GlobalGet:
        if (in.index >= ctx_.globals.size()) return fail(absl::StrCat("unknown global ", in.index));
        push(code(ctx_.globals[in.index].type));
        continue;
      case Opcode::End:
        WCR_RETURN_IF_ERROR(endFrame(in));
        if (ctrl_.empty()) {
          // The code entry must end with the function's `end`.
          if (!reader_.atEnd()) return failAt(reader_.offset(), "section size mismatch");
          return absl::OkStatus();
        }
        continue;
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::If:
      case Opcode::Br:
      case Opcode::BrIf:
      case Opcode::Call:
        WCR_RETURN_IF_ERROR(control(in));
        continue;
      default:
        WCR_RETURN_IF_ERROR(instr(in));
        continue;
    }
  }
}

// Immediates of regular operators that need checking: memory arguments and lane indices.
absl::Status FuncValidator::numeric(const Instr& in) {
  const OpcodeInfo& oi = info(in.op);
  switch (oi.imm) {
    case ImmKind::Mem:
      return checkMemArg(in.mem, oi.width);
    case ImmKind::MemLane:
      WCR_RETURN_IF_ERROR(checkMemArg(in.mem, oi.width));
      if (in.lane >= (16u >> oi.width)) return fail("invalid lane index");
      return absl::OkStatus();
    case ImmKind::Lane:
      if (in.lane >= (16u >> oi.width)) return fail("invalid lane index");
      return absl::OkStatus();
    case ImmKind::Shuffle:
      for (uint8_t lane : in.v128) {
        if (lane >= 32) return fail("invalid lane index");
      }
      return absl::OkStatus();
    default:
      return absl::OkStatus();
  }
}

absl::Status FuncValidator::endFrame(const Instr& in) {
  Frame& f = ctrl_.back();
  if (!popTypes(f.results, f.numResults)) return mismatch();
  if (sp_ != f.height) {
    expected_ = kNone;
    found_ = stack_[sp_ - 1];
    return mismatch();
  }
  if (f.kind == Opcode::If) {
    // No else: the implicit empty else must turn the params into the results.
    bool same = f.numParams == f.numResults;
    for (uint32_t i = 0; same && i < f.numParams; ++i) same = f.params[i] == f.results[i];
    if (!same) return fail("type mismatch: if without else must not change the stack's types");
  }
  const ValType* results = f.results;
  uint32_t numResults = f.numResults;
  ctrl_.pop_back();
  pushTypes(results, numResults);
  return absl::OkStatus();
}

absl::Status FuncValidator::instr(const Instr& in) {
  switch (in.op) {
    case Opcode::Unreachable:
      setUnreachable();
      return absl::OkStatus();
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If:
    case Opcode::Else:
    case Opcode::TryTable:
    case Opcode::Throw:
    case Opcode::ThrowRef:
    case Opcode::Br:
    case Opcode::BrIf:
    case Opcode::BrTable:
    case Opcode::Return:
    case Opcode::Call:
    case Opcode::CallIndirect:
    case Opcode::ReturnCall:
    case Opcode::ReturnCallIndirect:
      return control(in);

    case Opcode::Drop: {
      uint8_t t = kUnknown;
      if (!popAny(t)) return mismatch();
      return absl::OkStatus();
    }
    case Opcode::Select: {
      uint8_t t1 = kUnknown, t2 = kUnknown;
      if (!pop(cI32) || !popAny(t1) || !popAny(t2)) return mismatch();
      bool numeric1 = t1 == kUnknown || !isRefCode(t1);
      bool numeric2 = t2 == kUnknown || !isRefCode(t2);
      if (!numeric1 || !numeric2) {
        return fail(absl::StrCat("type mismatch: select without type needs numeric or vector "
                                 "operands, found ",
                                 typeName(numeric1 ? t2 : t1)));
      }
      if (t1 != t2 && t1 != kUnknown && t2 != kUnknown) {
        expected_ = t1;
        found_ = t2;
        return mismatch();
      }
      push(t1 == kUnknown ? t2 : t1);
      return absl::OkStatus();
    }
    case Opcode::SelectT: {
      if (in.selectArity != 1) return fail("invalid result arity");
      uint8_t t = code(in.refType);
      if (!pop(cI32) || !pop(t) || !pop(t)) return mismatch();
      push(t);
      return absl::OkStatus();
    }

    case Opcode::LocalGet:
    case Opcode::LocalSet:
    case Opcode::LocalTee:
    case Opcode::GlobalGet:
    case Opcode::GlobalSet:
      return variable(in);

    case Opcode::RefNull:
      if (in.refType == kExnRef && !ctx_.features.exceptions) {
        return fail("malformed reference type");
      }
      push(code(in.refType));
      return absl::OkStatus();
    case Opcode::RefIsNull: {
      uint8_t t = kUnknown;
      if (!popRef(t)) {
        if (found_ == kNone) return mismatch();
        return fail(absl::StrCat("type mismatch: expected a reference, found ", typeName(found_)));
      }
      push(cI32);
      return absl::OkStatus();
    }
    case Opcode::RefFunc:
      if (in.index >= ctx_.funcTypes.size()) {
        return fail(absl::StrCat("unknown function ", in.index));
      }
      if (!ctx_.declaredFuncRefs[in.index]) {
        return fail(absl::StrCat("undeclared function reference ", in.index));
      }
      push(cFuncRef);
      return absl::OkStatus();

    default:
      return memoryOrTable(in);
  }
}

absl::Status FuncValidator::control(const Instr& in) {
  switch (in.op) {
    case Opcode::Block:
    case Opcode::Loop:
    case Opcode::If:
    case Opcode::TryTable: {
      if (in.op == Opcode::TryTable) WCR_RETURN_IF_ERROR(checkExceptionsEnabled(in));
      Frame f{in.op, false, 0, nullptr, 0, nullptr, 0};
      WCR_RETURN_IF_ERROR(blockType(in.block, f.params, f.numParams, f.results, f.numResults));
      if (in.op == Opcode::TryTable) {
        for (const Catch& c : *in.catches) WCR_RETURN_IF_ERROR(checkCatch(c));
      }
      if (in.op == Opcode::If && !pop(cI32)) return mismatch();
      if (!popTypes(f.params, f.numParams)) return mismatch();
      f.height = static_cast<uint32_t>(sp_);
      ctrl_.push_back(f);
      pushTypes(f.params, f.numParams);
      return absl::OkStatus();
    }
    case Opcode::Throw: {
      WCR_RETURN_IF_ERROR(checkExceptionsEnabled(in));
      const FuncType* tag = nullptr;
      WCR_RETURN_IF_ERROR(checkTag(in.index, tag));
      if (!popTypes(tag->params.data(), static_cast<uint32_t>(tag->params.size()))) {
        return mismatch();
      }
      setUnreachable();
      return absl::OkStatus();
    }
    case Opcode::ThrowRef:
      WCR_RETURN_IF_ERROR(checkExceptionsEnabled(in));
      if (!popTypes(kExnRefOnly, 1)) return mismatch();
      setUnreachable();
      return absl::OkStatus();
    case Opcode::Else: {
      Frame& f = ctrl_.back();
      // The reference decoder only accepts `else` inside `if`: elsewhere it wants the `end`.
      if (f.kind != Opcode::If) return fail("END opcode expected");
      if (!popTypes(f.results, f.numResults)) return mismatch();
      if (sp_ != f.height) {
        expected_ = kNone;
        found_ = stack_[sp_ - 1];
        return mismatch();
      }
      f.kind = Opcode::Else;
      f.unreachable = false;
      pushTypes(f.params, f.numParams);
      return absl::OkStatus();
    }
    case Opcode::Br: {
      if (in.index >= ctrl_.size()) return fail(absl::StrCat("unknown label ", in.index));
      const Frame& target = ctrl_[ctrl_.size() - 1 - in.index];
      if (!popTypes(target.labelTypes(), target.labelArity())) return mismatch();
      setUnreachable();
      return absl::OkStatus();
    }
    case Opcode::BrIf: {
      if (in.index >= ctrl_.size()) return fail(absl::StrCat("unknown label ", in.index));
      if (!pop(cI32)) return mismatch();
      const Frame& target = ctrl_[ctrl_.size() - 1 - in.index];
      if (!popTypes(target.labelTypes(), target.labelArity())) return mismatch();
      pushTypes(target.labelTypes(), target.labelArity());
      return absl::OkStatus();
    }
    case Opcode::BrTable: {
      if (!pop(cI32)) return mismatch();
      const std::vector<uint32_t>& targets = *in.brTable;
      uint32_t defaultLabel = targets.back();
      if (defaultLabel >= ctrl_.size()) return fail(absl::StrCat("unknown label ", defaultLabel));
      const Frame& def = ctrl_[ctrl_.size() - 1 - defaultLabel];
      uint32_t arity = def.labelArity();
      for (size_t i = 0; i + 1 < targets.size(); ++i) {
        uint32_t label = targets[i];
        if (label >= ctrl_.size()) return fail(absl::StrCat("unknown label ", label));
        const Frame& t = ctrl_[ctrl_.size() - 1 - label];
        if (t.labelArity() != arity) {
          return fail("type mismatch: br_table targets have different arities");
        }
        if (!checkTypesAtTop(t.labelTypes(), arity)) return mismatch();
      }
      if (!popTypes(def.labelTypes(), arity)) return mismatch();
      setUnreachable();
      return absl::OkStatus();
    }
    case Opcode::Return:
      if (!popTypes(funcType_->results.data(), static_cast<uint32_t>(funcType_->results.size()))) {
        return mismatch();
      }
      setUnreachable();
      return absl::OkStatus();
    case Opcode::Call: {
      if (in.index >= ctx_.funcTypes.size()) {
        return fail(absl::StrCat("unknown function ", in.index));
      }
      const FuncType& t = module_.types[ctx_.funcTypes[in.index]];
      if (!popTypes(t.params.data(), static_cast<uint32_t>(t.params.size()))) return mismatch();
      pushTypes(t.results.data(), static_cast<uint32_t>(t.results.size()));
      return absl::OkStatus();
    }
    case Opcode::CallIndirect: {
      uint8_t elem = 0;
      WCR_RETURN_IF_ERROR(checkTable(in.index2, elem));
      if (in.index >= module_.types.size()) return fail(absl::StrCat("unknown type ", in.index));
      if (elem != cFuncRef) return fail("type mismatch: call_indirect needs a funcref table");
      const FuncType& t = module_.types[in.index];
      if (!pop(cI32)) return mismatch();
      if (!popTypes(t.params.data(), static_cast<uint32_t>(t.params.size()))) return mismatch();
      pushTypes(t.results.data(), static_cast<uint32_t>(t.results.size()));
      return absl::OkStatus();
    }
    case Opcode::ReturnCall: {
      WCR_RETURN_IF_ERROR(checkTailCallEnabled(in));
      if (in.index >= ctx_.funcTypes.size()) {
        return fail(absl::StrCat("unknown function ", in.index));
      }
      const FuncType& t = module_.types[ctx_.funcTypes[in.index]];
      WCR_RETURN_IF_ERROR(checkReturnTypes(t));
      if (!popTypes(t.params.data(), static_cast<uint32_t>(t.params.size()))) return mismatch();
      setUnreachable();
      return absl::OkStatus();
    }
    case Opcode::ReturnCallIndirect: {
      WCR_RETURN_IF_ERROR(checkTailCallEnabled(in));
      uint8_t elem = 0;
      WCR_RETURN_IF_ERROR(checkTable(in.index2, elem));
      if (in.index >= module_.types.size()) return fail(absl::StrCat("unknown type ", in.index));
      if (elem != cFuncRef) {
        return fail("type mismatch: return_call_indirect needs a funcref table");
      }
      const FuncType& t = module_.types[in.index];
      WCR_RETURN_IF_ERROR(checkReturnTypes(t));
      if (!pop(cI32)) return mismatch();
      if (!popTypes(t.params.data(), static_cast<uint32_t>(t.params.size()))) return mismatch();
      setUnreachable();
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();
  }
}

absl::Status FuncValidator::variable(const Instr& in) {
  switch (in.op) {
    case Opcode::LocalGet: {
      uint8_t t = kUnknown;
      WCR_RETURN_IF_ERROR(localType(in.index, t));
      push(t);
      return absl::OkStatus();
    }
    case Opcode::LocalSet: {
      uint8_t t = kUnknown;
      WCR_RETURN_IF_ERROR(localType(in.index, t));
      if (!pop(t)) return mismatch();
      return absl::OkStatus();
    }
    case Opcode::LocalTee: {
      uint8_t t = kUnknown;
      WCR_RETURN_IF_ERROR(localType(in.index, t));
      if (!pop(t)) return mismatch();
      push(t);
      return absl::OkStatus();
    }
    case Opcode::GlobalGet: {
      if (in.index >= ctx_.globals.size()) return fail(absl::StrCat("unknown global ", in.index));
      push(code(ctx_.globals[in.index].type));
      return absl::OkStatus();
    }
    case Opcode::GlobalSet: {
      if (in.index >= ctx_.globals.size()) return fail(absl::StrCat("unknown global ", in.index));
      const GlobalType& g = ctx_.globals[in.index];
      if (!g.mut) return fail("global is immutable");
      if (!pop(code(g.type))) return mismatch();
      return absl::OkStatus();
    }
    default:
      return absl::OkStatus();
  }
}

absl::Status FuncValidator::memoryOrTable(const Instr& in) {
  switch (in.op) {
    case Opcode::MemorySize:
      WCR_RETURN_IF_ERROR(checkMemIndexEncoding(in));
      WCR_RETURN_IF_ERROR(checkMemory(in.index));
      push(cI32);
      return absl::OkStatus();
    case Opcode::MemoryGrow:
      WCR_RETURN_IF_ERROR(checkMemIndexEncoding(in));
      WCR_RETURN_IF_ERROR(checkMemory(in.index));
      if (!pop(cI32)) return mismatch();
      push(cI32);
      return absl::OkStatus();
    case Opcode::MemoryInit:
      if (!ctx_.hasDataCount) return fail("data count section required");
      WCR_RETURN_IF_ERROR(checkMemIndexEncoding(in));
      WCR_RETURN_IF_ERROR(checkMemory(in.index2));
      if (in.index >= ctx_.numDatas) return fail(absl::StrCat("unknown data segment ", in.index));
      if (!pop(cI32) || !pop(cI32) || !pop(cI32)) return mismatch();
      return absl::OkStatus();
    case Opcode::DataDrop:
      if (!ctx_.hasDataCount) return fail("data count section required");
      if (in.index >= ctx_.numDatas) return fail(absl::StrCat("unknown data segment ", in.index));
      return absl::OkStatus();
    case Opcode::MemoryCopy:
      WCR_RETURN_IF_ERROR(checkMemIndexEncoding(in));
      WCR_RETURN_IF_ERROR(checkMemory(in.index));
      WCR_RETURN_IF_ERROR(checkMemory(in.index2));
      if (!pop(cI32) || !pop(cI32) || !pop(cI32)) return mismatch();
      return absl::OkStatus();
    case Opcode::MemoryFill:
      WCR_RETURN_IF_ERROR(checkMemIndexEncoding(in));
      WCR_RETURN_IF_ERROR(checkMemory(in.index));
      if (!pop(cI32) || !pop(cI32) || !pop(cI32)) return mismatch();
      return absl::OkStatus();

    case Opcode::TableGet: {
      uint8_t elem = 0;
      WCR_RETURN_IF_ERROR(checkTable(in.index, elem));
      if (!pop(cI32)) return mismatch();
      push(elem);
      return absl::OkStatus();
    }
    case Opcode::TableSet: {
      uint8_t elem = 0;
      WCR_RETURN_IF_ERROR(checkTable(in.index, elem));
      if (!pop(elem) || !pop(cI32)) return mismatch();
      return absl::OkStatus();
    }
    case Opcode::TableSize: {
      uint8_t elem = 0;
      WCR_RETURN_IF_ERROR(checkTable(in.index, elem));
      push(cI32);
      return absl::OkStatus();
    }
    case Opcode::TableGrow: {
      uint8_t elem = 0;
      WCR_RETURN_IF_ERROR(checkTable(in.index, elem));
      if (!pop(cI32) || !pop(elem)) return mismatch();
      push(cI32);
      return absl::OkStatus();
    }
    case Opcode::TableFill: {
      uint8_t elem = 0;
      WCR_RETURN_IF_ERROR(checkTable(in.index, elem));
      if (!pop(cI32) || !pop(elem) || !pop(cI32)) return mismatch();
      return absl::OkStatus();
    }
    case Opcode::TableCopy: {
      uint8_t dst = 0, src = 0;
      WCR_RETURN_IF_ERROR(checkTable(in.index, dst));
      WCR_RETURN_IF_ERROR(checkTable(in.index2, src));
      if (dst != src) {
        expected_ = dst;
        found_ = src;
        return mismatch();
      }
      if (!pop(cI32) || !pop(cI32) || !pop(cI32)) return mismatch();
      return absl::OkStatus();
    }
    case Opcode::TableInit: {
      uint8_t elem = 0;
      WCR_RETURN_IF_ERROR(checkTable(in.index2, elem));
      if (in.index >= ctx_.elemTypes.size()) {
        return fail(absl::StrCat("unknown elem segment ", in.index));
      }
      uint8_t segType = code(ctx_.elemTypes[in.index]);
      if (segType != elem) {
        expected_ = elem;
        found_ = segType;
        return mismatch();
      }
      if (!pop(cI32) || !pop(cI32) || !pop(cI32)) return mismatch();
      return absl::OkStatus();
    }
    case Opcode::ElemDrop:
      if (in.index >= ctx_.elemTypes.size()) {
        return fail(absl::StrCat("unknown elem segment ", in.index));
      }
      return absl::OkStatus();
    default:
      return fail(absl::StrFormat("unhandled operator %s", info(in.op).name));
  }
}

// ---- binary format only ----------------------------------------------------------------------

absl::Status FuncValidator::checkMalformed(uint32_t funcIndex, const Function& func) {
  funcIndex_ = funcIndex;
  absl::Status st = decodeLocals(func, locals_);
  if (!st.ok()) return inFunc(st);
  support::ByteReader body(func.body.subspan(locals_.codeStart),
                           func.bodyOffset + locals_.codeStart);
  body.setEndMessage("unexpected end of section or function");
  reader_.reset(body);
  // Open blocks: 0 block/loop/function, 1 if (an else may follow), 2 if after its else.
  std::vector<uint8_t>& open = open_;
  open.assign(1, 0);
  Instr in;
  for (;;) {
    if (reader_.atEnd()) return bodyEndedEarly(func);
    st = reader_.next(in);
    if (!st.ok()) return inFunc(st);
    instrOffset_ = in.offset;
    switch (in.op) {
      case Opcode::Block:
      case Opcode::Loop:
        open.push_back(0);
        break;
      case Opcode::TryTable:
        WCR_RETURN_IF_ERROR(checkExceptionsEnabled(in));
        open.push_back(0);
        break;
      case Opcode::Throw:
      case Opcode::ThrowRef:
        WCR_RETURN_IF_ERROR(checkExceptionsEnabled(in));
        break;
      case Opcode::RefNull:
        if (in.refType == kExnRef && !ctx_.features.exceptions) {
          return fail("malformed reference type");
        }
        break;
      case Opcode::If:
        open.push_back(1);
        break;
      case Opcode::Else:
        if (open.back() != 1) return fail("END opcode expected");
        open.back() = 2;
        break;
      case Opcode::End:
        open.pop_back();
        if (open.empty()) {
          if (!reader_.atEnd()) return failAt(reader_.offset(), "section size mismatch");
          return absl::OkStatus();
        }
        break;
      case Opcode::MemoryInit:
      case Opcode::DataDrop:
        if (!ctx_.hasDataCount) return fail("data count section required");
        if (in.op == Opcode::MemoryInit) WCR_RETURN_IF_ERROR(checkMemIndexEncoding(in));
        break;
      case Opcode::MemorySize:
      case Opcode::MemoryGrow:
      case Opcode::MemoryCopy:
      case Opcode::MemoryFill:
        WCR_RETURN_IF_ERROR(checkMemIndexEncoding(in));
        break;
      case Opcode::ReturnCall:
      case Opcode::ReturnCallIndirect:
        WCR_RETURN_IF_ERROR(checkTailCallEnabled(in));
        break;
      default:
        break;
    }
  }
}

}  // namespace wcr::jit::wasm
