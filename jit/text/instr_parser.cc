// Instructions of the text format: plain and folded forms, structured blocks with labels,
// immediates of every operator in the opcode table (memargs, lanes, v128 constants, shuffles,
// type uses of call_indirect and block types), and constant expressions. See module_parser.h.
#include <bit>
#include <cstring>

#include "absl/cleanup/cleanup.h"
#include "jit/support/status.h"
#include "jit/text/module_parser.h"
#include "jit/text/numbers.h"

namespace wcr::jit::text {

using wasm::ImmKind;
using wasm::Opcode;

namespace {

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// A token that stands where a literal is expected: numbers, and the malformed tokens that the
// parser reports as unknown operators.
bool isLiteralLike(const Token& t) {
  return t.kind == TokenKind::Number || t.kind == TokenKind::Reserved ||
         (t.kind == TokenKind::Keyword && !isKnownKeyword(t.text));
}

bool isIndexToken(const Token& t) {
  return t.kind == TokenKind::Id ||
         (t.kind == TokenKind::Number && numberShape(t.text) == NumShape::Nat);
}

// An empty else branch is left out of the binary, as the reference encoder does; the typing is
// the same.
void dropEmptyElse(wasm::CodeWriter& w, size_t elseAt) {
  if (w.out().size() == elseAt + 1) w.out().pop_back();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Sequences and structure

absl::Status ModuleBuilder::parseInstrs(FuncState& f) {
  while (true) {
    const Token& t = c_.peek();
    switch (t.kind) {
      case TokenKind::LParen:
        WCR_RETURN_IF_ERROR(parseFolded(f));
        break;
      case TokenKind::Keyword:
        if (t.text == "end" || t.text == "else") return absl::OkStatus();
        WCR_RETURN_IF_ERROR(parsePlain(f));
        break;
      case TokenKind::RParen:
      case TokenKind::Eof:
        return absl::OkStatus();
      default:
        return c_.unexpected();
    }
  }
}

absl::Status ModuleBuilder::enter(FuncState& f) {
  if (++f.depth > kMaxNesting) return Cursor::errorAt(c_.peek(), "instructions nested too deeply");
  return absl::OkStatus();
}

absl::Status ModuleBuilder::parsePlain(FuncState& f) {
  const Token& t = c_.next();
  if (t.text == "block") return parseBlockPlain(f, Opcode::Block);
  if (t.text == "loop") return parseBlockPlain(f, Opcode::Loop);
  if (t.text == "if") return parseBlockPlain(f, Opcode::If);
  if (t.text == "try_table") return parseBlockPlain(f, Opcode::TryTable);
  auto op = wasm::opcodeFromName(t.text);
  if (!op) return c_.unexpected(t);
  PendingInstr p;
  p.in.op = *op;
  WCR_RETURN_IF_ERROR(parseImmediates(f, t, p));
  return emit(f, p);
}

absl::Status ModuleBuilder::parseFolded(FuncState& f) {
  WCR_RETURN_IF_ERROR(enter(f));
  absl::Cleanup leave = [&f] { --f.depth; };
  c_.next();  // (
  const Token& t = c_.peek();
  if (t.kind != TokenKind::Keyword) return c_.unexpected();
  c_.next();
  if (t.text == "block") return parseBlockFolded(f, Opcode::Block);
  if (t.text == "loop") return parseBlockFolded(f, Opcode::Loop);
  if (t.text == "if") return parseBlockFolded(f, Opcode::If);
  if (t.text == "try_table") return parseBlockFolded(f, Opcode::TryTable);
  auto op = wasm::opcodeFromName(t.text);
  if (!op) return c_.unexpected(t);
  PendingInstr p;
  p.in.op = *op;
  WCR_RETURN_IF_ERROR(parseImmediates(f, t, p));
  while (c_.is(TokenKind::LParen)) WCR_RETURN_IF_ERROR(parseFolded(f));
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  return emit(f, p);
}

std::optional<std::string> ModuleBuilder::parseLabel() {
  if (!c_.is(TokenKind::Id)) return std::nullopt;
  return idKey(c_.next());
}

void ModuleBuilder::noteLabel(FuncState& f, const std::optional<std::string>& label) {
  // The name section's label names: blocks are numbered in order within their function.
  uint32_t index = f.blocks++;
  if (label && f.funcIndex) m_.names.labels[*f.funcIndex].emplace_back(index, label->substr(1));
}

absl::Status ModuleBuilder::checkEndLabel(const std::optional<std::string>& label) {
  if (!c_.is(TokenKind::Id)) return absl::OkStatus();
  const Token& t = c_.next();
  if (!label || *label != idKey(t)) return Cursor::errorAt(t, "mismatching label");
  return absl::OkStatus();
}

absl::Status ModuleBuilder::parseBlockPlain(FuncState& f, Opcode op) {
  WCR_RETURN_IF_ERROR(enter(f));
  absl::Cleanup leave = [&f] { --f.depth; };
  std::optional<std::string> label = parseLabel();
  noteLabel(f, label);
  WCR_ASSIGN_OR_RETURN(TypeUse use, parseTypeUse(/*allowNames=*/false));
  wasm::Instr in;
  in.op = op;
  WCR_ASSIGN_OR_RETURN(in.block, resolveBlockType(use));
  std::vector<wasm::Catch> catches;
  if (op == Opcode::TryTable) {
    WCR_RETURN_IF_ERROR(parseCatches(f, catches));
    in.catches = &catches;
  }
  f.w.instr(in);
  f.labels.push_back(label);
  WCR_RETURN_IF_ERROR(parseInstrs(f));
  if (op == Opcode::If && c_.takeKeyword("else")) {
    WCR_RETURN_IF_ERROR(checkEndLabel(label));
    size_t elseAt = f.w.out().size();
    f.w.opcode(Opcode::Else);
    WCR_RETURN_IF_ERROR(parseInstrs(f));
    dropEmptyElse(f.w, elseAt);
  }
  WCR_RETURN_IF_ERROR(c_.expectKeyword("end"));
  WCR_RETURN_IF_ERROR(checkEndLabel(label));
  f.w.opcode(Opcode::End);
  f.labels.pop_back();
  return absl::OkStatus();
}

absl::Status ModuleBuilder::parseBlockFolded(FuncState& f, Opcode op) {
  std::optional<std::string> label = parseLabel();
  noteLabel(f, label);
  WCR_ASSIGN_OR_RETURN(TypeUse use, parseTypeUse(/*allowNames=*/false));
  if (op == Opcode::If) {
    // The condition operands come before `(then ...)` and are emitted first.
    while (c_.is(TokenKind::LParen) && !c_.isParenKeyword("then")) {
      WCR_RETURN_IF_ERROR(parseFolded(f));
    }
  }
  wasm::Instr in;
  in.op = op;
  WCR_ASSIGN_OR_RETURN(in.block, resolveBlockType(use));
  std::vector<wasm::Catch> catches;
  if (op == Opcode::TryTable) {
    WCR_RETURN_IF_ERROR(parseCatches(f, catches));
    in.catches = &catches;
  }
  f.w.instr(in);
  f.labels.push_back(label);
  if (op == Opcode::If) {
    if (!c_.takeParenKeyword("then")) return c_.unexpected();
    WCR_RETURN_IF_ERROR(parseInstrs(f));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    if (c_.takeParenKeyword("else")) {
      size_t elseAt = f.w.out().size();
      f.w.opcode(Opcode::Else);
      WCR_RETURN_IF_ERROR(parseInstrs(f));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      dropEmptyElse(f.w, elseAt);
    }
  } else {
    WCR_RETURN_IF_ERROR(parseInstrs(f));
  }
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  f.w.opcode(Opcode::End);
  f.labels.pop_back();
  return absl::OkStatus();
}

absl::Status ModuleBuilder::parseCatches(FuncState& f, std::vector<wasm::Catch>& out) {
  using Kind = wasm::Catch::Kind;
  static constexpr std::pair<std::string_view, Kind> kKinds[] = {
      {"catch", Kind::Catch},
      {"catch_ref", Kind::CatchRef},
      {"catch_all", Kind::CatchAll},
      {"catch_all_ref", Kind::CatchAllRef}};
  for (;;) {
    const Kind* kind = nullptr;
    for (const auto& [name, k] : kKinds) {
      if (c_.isParenKeyword(name)) kind = &k;
    }
    if (!kind) return absl::OkStatus();
    c_.setPos(c_.pos() + 2);
    wasm::Catch c{*kind};
    if (c.hasTag()) {
      WCR_ASSIGN_OR_RETURN(c.tag, parseIndex(Space::Tag));
    }
    WCR_ASSIGN_OR_RETURN(c.label, parseLabelIndex(f));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    out.push_back(c);
  }
}

// Blocks without parameters and with at most one result use the short encoding, even when
// written with a type use (as wat2wasm does).
absl::StatusOr<wasm::BlockType> ModuleBuilder::resolveBlockType(const TypeUse& use) {
  wasm::BlockType bt;
  const wasm::FuncType* sig = nullptr;
  uint32_t index = 0;
  if (!use.index) {
    if (use.type.params.empty() && use.type.results.size() <= 1) sig = &use.type;
  } else if (!use.hasInline && *use.index >= m_.types.size()) {
    bt.kind = wasm::BlockType::Kind::TypeIndex;
    bt.typeIndex = *use.index;
    return bt;
  }
  if (!sig) {
    WCR_ASSIGN_OR_RETURN(index, resolveTypeUse(use));
    sig = &m_.types[index];
  }
  if (sig->params.empty() && sig->results.size() <= 1) {
    if (sig->results.empty()) {
      bt.kind = wasm::BlockType::Kind::Empty;
    } else {
      bt.kind = wasm::BlockType::Kind::Value;
      bt.value = sig->results[0];
    }
    return bt;
  }
  bt.kind = wasm::BlockType::Kind::TypeIndex;
  bt.typeIndex = index;
  return bt;
}

// ---------------------------------------------------------------------------------------------
// Immediates

absl::StatusOr<uint32_t> ModuleBuilder::parseLabelIndex(FuncState& f) {
  const Token& t = c_.peek();
  if (t.kind == TokenKind::Id) {
    std::string key = idKey(t);
    for (size_t i = f.labels.size(); i-- > 0;) {
      if (f.labels[i] && *f.labels[i] == key) {
        c_.next();
        return static_cast<uint32_t>(f.labels.size() - 1 - i);
      }
    }
    return Cursor::errorAt(t, absl::StrFormat("unknown label %s", t.text));
  }
  return parseU32("constant out of range");
}

absl::StatusOr<uint32_t> ModuleBuilder::parseLocalIndex(FuncState& f) {
  const Token& t = c_.peek();
  if (t.kind == TokenKind::Id) {
    auto it = f.locals.find(idKey(t));
    if (it == f.locals.end()) {
      return Cursor::errorAt(t, absl::StrFormat("unknown local %s", t.text));
    }
    c_.next();
    return it->second;
  }
  return parseU32("constant out of range");
}

absl::Status ModuleBuilder::parseMemArg(Opcode op, wasm::MemArg& m) {
  m.alignLog2 = wasm::info(op).width;
  bool is64 = m.memory < memoryIs64_.size() && memoryIs64_[m.memory];
  const Token* t = &c_.peek();
  if (t->kind == TokenKind::Keyword && startsWith(t->text, "offset=")) {
    uint64_t v;
    NumStatus st = parseNat(t->text.substr(7), v);
    if (st == NumStatus::Malformed) return c_.unexpected();
    if (st == NumStatus::OutOfRange || (!is64 && v > UINT32_MAX)) {
      return Cursor::errorAt(*t, is64 ? "i64 constant" : "i32 constant");
    }
    m.offset = v;
    c_.next();
    t = &c_.peek();
  }
  if (t->kind == TokenKind::Keyword && startsWith(t->text, "align=")) {
    uint64_t v;
    NumStatus st = parseNat(t->text.substr(6), v);
    if (st == NumStatus::Malformed) return c_.unexpected();
    if (st == NumStatus::OutOfRange || v == 0 || (v & (v - 1)) != 0) {
      return Cursor::errorAt(*t, "alignment must be a power of two");
    }
    m.alignLog2 = static_cast<uint32_t>(std::countr_zero(v));
    c_.next();
  }
  return absl::OkStatus();
}

absl::StatusOr<uint8_t> ModuleBuilder::parseLaneIndex() {
  const Token& t = c_.peek();
  uint64_t v;
  if (t.kind != TokenKind::Number || parseNat(t.text, v) == NumStatus::Malformed) {
    return c_.unexpected();
  }
  if (parseNat(t.text, v) != NumStatus::Ok || v > 255) {
    return Cursor::errorAt(t, "malformed lane index");
  }
  c_.next();
  return static_cast<uint8_t>(v);
}

absl::Status ModuleBuilder::parseV128Const(std::array<uint8_t, 16>& out) {
  const Token& shape = c_.peek();
  struct Shape {
    std::string_view name;
    unsigned laneBits;
    bool isFloat;
  };
  static constexpr Shape kShapes[] = {{"i8x16", 8, false},  {"i16x8", 16, false},
                                      {"i32x4", 32, false}, {"i64x2", 64, false},
                                      {"f32x4", 32, true},  {"f64x2", 64, true}};
  const Shape* s = nullptr;
  for (const Shape& k : kShapes) {
    if (shape.kind == TokenKind::Keyword && shape.text == k.name) s = &k;
  }
  if (!s) return c_.unexpected();
  c_.next();
  size_t lanes = 128 / s->laneBits;
  size_t n = 0;
  while (isLiteralLike(c_.peek(n))) ++n;
  if (n != lanes) {
    return Cursor::errorAt(c_.peek(std::min(n, lanes)), "wrong number of lane literals");
  }
  size_t laneBytes = s->laneBits / 8;
  for (size_t i = 0; i < lanes; ++i) {
    const Token& t = c_.next();
    uint64_t bits = 0;
    NumStatus st;
    if (!s->isFloat) {
      st = parseInt(t.text, s->laneBits, bits);
    } else if (s->laneBits == 32) {
      uint32_t b32 = 0;
      st = parseF32(t.text, b32);
      bits = b32;
    } else {
      st = parseF64(t.text, bits);
    }
    if (st == NumStatus::Malformed) return c_.unexpected(t);
    if (st == NumStatus::OutOfRange) return Cursor::errorAt(t, "constant out of range");
    for (size_t b = 0; b < laneBytes; ++b) {
      out[i * laneBytes + b] = static_cast<uint8_t>(bits >> (8 * b));
    }
  }
  return absl::OkStatus();
}

absl::Status ModuleBuilder::parseShuffle(std::array<uint8_t, 16>& out) {
  size_t n = 0;
  while (isLiteralLike(c_.peek(n))) ++n;
  if (n != 16) return Cursor::errorAt(c_.peek(std::min<size_t>(n, 16)), "invalid lane length");
  for (size_t i = 0; i < 16; ++i) {
    const Token& t = c_.next();
    uint64_t v;
    if (t.kind != TokenKind::Number) return c_.unexpected(t);
    if (parseNat(t.text, v) != NumStatus::Ok || v > 255) {
      return Cursor::errorAt(t, "malformed lane index");
    }
    out[i] = static_cast<uint8_t>(v);
  }
  return absl::OkStatus();
}

absl::Status ModuleBuilder::parseImmediates(FuncState& f, const Token& opToken, PendingInstr& p) {
  wasm::Instr& in = p.in;
  auto optionalIndex = [&](Space s, uint32_t& out) -> absl::Status {
    out = 0;
    if (!peekIndex()) return absl::OkStatus();
    WCR_ASSIGN_OR_RETURN(out, parseIndex(s));
    return absl::OkStatus();
  };
  bool twoIndices = isIndexToken(c_.peek()) && isIndexToken(c_.peek(1));
  switch (wasm::info(in.op).imm) {
    case ImmKind::None:
      if (in.op == Opcode::Select) {
        bool typed = false;
        while (c_.takeParenKeyword("result")) {
          typed = true;
          while (!c_.atRParen()) {
            WCR_ASSIGN_OR_RETURN(wasm::ValType v, parseValType());
            p.selectTypes.push_back(v);
          }
          WCR_RETURN_IF_ERROR(c_.expectRParen());
        }
        if (typed) in.op = Opcode::SelectT;
      }
      return absl::OkStatus();
    case ImmKind::BlockType:
    case ImmKind::SelectT:
    case ImmKind::TryTable:
      return c_.unexpected(opToken);
    case ImmKind::Tag: {
      WCR_ASSIGN_OR_RETURN(in.index, parseIndex(Space::Tag));
      return absl::OkStatus();
    }
    case ImmKind::Label: {
      WCR_ASSIGN_OR_RETURN(in.index, parseLabelIndex(f));
      return absl::OkStatus();
    }
    case ImmKind::BrTable:
      while (peekIndex()) {
        WCR_ASSIGN_OR_RETURN(uint32_t l, parseLabelIndex(f));
        p.targets.push_back(l);
      }
      if (p.targets.empty()) return c_.unexpected();
      return absl::OkStatus();
    case ImmKind::Func: {
      WCR_ASSIGN_OR_RETURN(in.index, parseIndex(Space::Func));
      return absl::OkStatus();
    }
    case ImmKind::CallIndirect: {
      WCR_RETURN_IF_ERROR(optionalIndex(Space::Table, in.index2));
      WCR_ASSIGN_OR_RETURN(TypeUse use, parseTypeUse(/*allowNames=*/false));
      p.typeUse = std::move(use);
      return absl::OkStatus();
    }
    case ImmKind::Local: {
      WCR_ASSIGN_OR_RETURN(in.index, parseLocalIndex(f));
      return absl::OkStatus();
    }
    case ImmKind::Global: {
      WCR_ASSIGN_OR_RETURN(in.index, parseIndex(Space::Global));
      return absl::OkStatus();
    }
    case ImmKind::Table:
      return optionalIndex(Space::Table, in.index);
    case ImmKind::MemIndex:
      return optionalIndex(Space::Memory, in.index);
    case ImmKind::Mem:
      WCR_RETURN_IF_ERROR(optionalIndex(Space::Memory, in.mem.memory));
      return parseMemArg(in.op, in.mem);
    case ImmKind::MemLane: {
      // `memidx? memarg laneidx`: a leading index is the memory only if something follows it.
      const Token& next = c_.peek(1);
      bool hasMemory = c_.is(TokenKind::Id) ||
                       (peekIndex() && (next.kind == TokenKind::Number ||
                                        (next.kind == TokenKind::Keyword &&
                                         (startsWith(next.text, "offset=") ||
                                          startsWith(next.text, "align=")))));
      if (hasMemory) {
        WCR_ASSIGN_OR_RETURN(in.mem.memory, parseIndex(Space::Memory));
      }
      WCR_RETURN_IF_ERROR(parseMemArg(in.op, in.mem));
      WCR_ASSIGN_OR_RETURN(in.lane, parseLaneIndex());
      return absl::OkStatus();
    }
    case ImmKind::I32:
    case ImmKind::I64: {
      const Token& t = c_.peek();
      bool is32 = wasm::info(in.op).imm == ImmKind::I32;
      uint64_t bits;
      NumStatus st = t.kind == TokenKind::Number ? parseInt(t.text, is32 ? 32 : 64, bits)
                                                 : NumStatus::Malformed;
      if (st == NumStatus::Malformed) return c_.unexpected();
      if (st == NumStatus::OutOfRange) return Cursor::errorAt(t, "constant out of range");
      c_.next();
      if (is32) {
        in.i32 = static_cast<int32_t>(static_cast<uint32_t>(bits));
      } else {
        in.i64 = static_cast<int64_t>(bits);
      }
      return absl::OkStatus();
    }
    case ImmKind::F32:
    case ImmKind::F64: {
      const Token& t = c_.peek();
      if (t.kind != TokenKind::Number) return c_.unexpected();
      NumStatus st = wasm::info(in.op).imm == ImmKind::F32 ? parseF32(t.text, in.f32Bits)
                                                           : parseF64(t.text, in.f64Bits);
      if (st == NumStatus::Malformed) return c_.unexpected();
      if (st == NumStatus::OutOfRange) return Cursor::errorAt(t, "constant out of range");
      c_.next();
      return absl::OkStatus();
    }
    case ImmKind::V128:
      return parseV128Const(in.v128);
    case ImmKind::Shuffle:
      return parseShuffle(in.v128);
    case ImmKind::Lane: {
      WCR_ASSIGN_OR_RETURN(in.lane, parseLaneIndex());
      return absl::OkStatus();
    }
    case ImmKind::HeapType: {
      WCR_ASSIGN_OR_RETURN(in.refType, parseHeapType());
      return absl::OkStatus();
    }
    case ImmKind::MemoryInit: {
      usesDataCount_ = true;
      if (twoIndices) {
        WCR_ASSIGN_OR_RETURN(in.index2, parseIndex(Space::Memory));
      }
      WCR_ASSIGN_OR_RETURN(in.index, parseIndex(Space::Data));
      return absl::OkStatus();
    }
    case ImmKind::Data: {
      usesDataCount_ = true;
      WCR_ASSIGN_OR_RETURN(in.index, parseIndex(Space::Data));
      return absl::OkStatus();
    }
    case ImmKind::MemoryCopy: {
      if (twoIndices) {
        WCR_ASSIGN_OR_RETURN(in.index, parseIndex(Space::Memory));
        WCR_ASSIGN_OR_RETURN(in.index2, parseIndex(Space::Memory));
      }
      return absl::OkStatus();
    }
    case ImmKind::TableInit: {
      if (twoIndices) {
        WCR_ASSIGN_OR_RETURN(in.index2, parseIndex(Space::Table));
      }
      WCR_ASSIGN_OR_RETURN(in.index, parseIndex(Space::Elem));
      return absl::OkStatus();
    }
    case ImmKind::Elem: {
      WCR_ASSIGN_OR_RETURN(in.index, parseIndex(Space::Elem));
      return absl::OkStatus();
    }
    case ImmKind::TableCopy: {
      if (twoIndices) {
        WCR_ASSIGN_OR_RETURN(in.index, parseIndex(Space::Table));
        WCR_ASSIGN_OR_RETURN(in.index2, parseIndex(Space::Table));
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::Status ModuleBuilder::emit(FuncState& f, PendingInstr& p) {
  if (p.in.op == Opcode::SelectT) {
    f.w.opcode(Opcode::SelectT);
    f.w.u32(static_cast<uint32_t>(p.selectTypes.size()));
    for (wasm::ValType v : p.selectTypes) f.w.valType(v);
    return absl::OkStatus();
  }
  if (p.typeUse) {
        WCR_ASSIGN_OR_RETURN(p.in.index, resolveTypeUse(*p.typeUse));
      }
  if (p.in.op == Opcode::BrTable) p.in.brTable = &p.targets;
  f.w.instr(p.in);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Constant expressions

absl::StatusOr<wasm::ConstExpr> ModuleBuilder::parseExpr() {
  FuncState f;
  WCR_RETURN_IF_ERROR(parseInstrs(f));
  f.w.opcode(Opcode::End);
  return storeExpr(f);
}

absl::StatusOr<wasm::ConstExpr> ModuleBuilder::parseFoldedExpr() {
  if (!c_.is(TokenKind::LParen)) return c_.unexpected();
  FuncState f;
  WCR_RETURN_IF_ERROR(parseFolded(f));
  f.w.opcode(Opcode::End);
  return storeExpr(f);
}

}  // namespace wcr::jit::text
