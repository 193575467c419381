// Module fields of the text format: types, imports, functions, tables, memories, globals,
// exports, start, element and data segments, with every abbreviation (inline imports and
// exports, implicit type definitions, inline element and data segments). See module_parser.h.
#include "jit/text/module_parser.h"

#include <algorithm>

#include "jit/support/status.h"
#include "jit/text/numbers.h"

namespace wcr::jit::text {

using wasm::ExternKind;
using wasm::ValType;

namespace {

const char* unknownName(int space) {
  static const char* kNames[] = {"type",   "function",     "table",        "memory",
                                 "global", "elem segment", "data segment", "tag"};
  return kNames[space];
}

const char* duplicateName(int space) {
  static const char* kNames[] = {"type",   "func", "table", "memory",
                                 "global", "elem", "data",  "tag"};
  return kNames[space];
}

// `i32.const 0` / `i64.const 0` followed by `end`: the offset of inline segments.
std::vector<uint8_t> zeroOffset(bool is64) {
  return {static_cast<uint8_t>(is64 ? 0x42 : 0x41), 0x00, 0x0B};
}

// Elements that are all `ref.func x` in a funcref segment are encoded as function indices, the
// compact form other encoders choose too.
void compactElems(wasm::ElemSegment& e) {
  if (!e.usesExprs || e.elemType != wasm::kFuncRef) return;
  std::vector<uint32_t> funcs;
  for (const wasm::ConstExpr& x : e.exprs) {
    support::ByteReader r(x.bytes);
    auto op = r.readByte();
    if (!op.ok() || *op != 0xD2) return;
    auto index = r.readVarU32();
    auto end = r.readByte();
    if (!index.ok() || !end.ok() || *end != 0x0B || !r.atEnd()) return;
    funcs.push_back(*index);
  }
  e.usesExprs = false;
  e.exprs.clear();
  e.funcIndices = std::move(funcs);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Entry and the two passes

absl::StatusOr<std::vector<uint8_t>> ModuleBuilder::build(std::optional<std::string> moduleName) {
  WCR_RETURN_IF_ERROR(scanFields());
  size_t end = c_.pos();
  for (size_t start : fieldStarts_) {
    c_.setPos(start);
    WCR_RETURN_IF_ERROR(parseField());
  }
  c_.setPos(end);
  for (wasm::ElemSegment& e : m_.elems) compactElems(e);
  if (usesDataCount_) m_.dataCount = static_cast<uint32_t>(m_.datas.size());
  if (moduleName) m_.names.module = *moduleName;
  return wasm::encodeModule(m_);
}

absl::Status ModuleBuilder::scanFields() {
  while (c_.is(TokenKind::LParen)) {
    fieldStarts_.push_back(c_.pos());
    WCR_RETURN_IF_ERROR(scanField());
  }
  if (!c_.atRParen() && !c_.is(TokenKind::Eof)) return c_.unexpected();
  return absl::OkStatus();
}

// First pass over one field: binds its identifier(s) and parses type definitions.
absl::Status ModuleBuilder::scanField() {
  size_t start = c_.pos();
  c_.next();  // (
  const Token& kw = c_.peek();
  if (kw.kind != TokenKind::Keyword) return c_.unexpected();
  c_.next();
  std::string_view k = kw.text;
  const Token* id = c_.is(TokenKind::Id) ? &c_.peek() : nullptr;
  if (k == "type") {
    if (id) c_.next();
    WCR_ASSIGN_OR_RETURN(wasm::FuncType t, parseTypeDef());
    WCR_RETURN_IF_ERROR(bindId(Space::Type, id, static_cast<uint32_t>(m_.types.size())));
    m_.types.push_back(std::move(t));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return absl::OkStatus();
  }
  Space s;
  bool isImport = false;
  bool is64 = false;
  bool inlineSegment = false;
  if (k == "import") {
    if (!c_.is(TokenKind::String) || !c_.is(TokenKind::String, 1) || !c_.is(TokenKind::LParen, 2)) {
      // Let the second pass report the precise error.
      c_.setPos(start);
      return c_.skipSexpr();
    }
    c_.setPos(c_.pos() + 3);
    const Token& kind = c_.next();
    if (kind.text == "func") s = Space::Func;
    else if (kind.text == "table") s = Space::Table;
    else if (kind.text == "memory") s = Space::Memory;
    else if (kind.text == "global") s = Space::Global;
    else if (kind.text == "tag") s = Space::Tag;
    else return c_.unexpected(kind);
    id = c_.is(TokenKind::Id) ? &c_.peek() : nullptr;
    if (id) c_.next();
    is64 = c_.isKeyword("i64");
    WCR_RETURN_IF_ERROR(noteImport(kw));
    isImport = true;
  } else if (k == "func" || k == "table" || k == "memory" || k == "global" || k == "tag") {
    s = k == "func" ? Space::Func : k == "table" ? Space::Table
        : k == "memory" ? Space::Memory : k == "global" ? Space::Global : Space::Tag;
    if (id) c_.next();
    while (c_.isParenKeyword("export")) WCR_RETURN_IF_ERROR(c_.skipSexpr());
    if (c_.isParenKeyword("import")) {
      WCR_RETURN_IF_ERROR(noteImport(c_.peek(1)));
      isImport = true;
      WCR_RETURN_IF_ERROR(c_.skipSexpr());
    } else {
      noteDefinition(k == "func" ? "function" : k == "table" ? "table"
                     : k == "memory" ? "memory" : k == "global" ? "global" : "tag");
    }
    is64 = c_.isKeyword("i64");
    // Inline element / data segments occupy an index of their own.
    while (!isImport && s != Space::Func && s != Space::Tag && !c_.atRParen() &&
           !c_.is(TokenKind::Eof)) {
      if ((s == Space::Table && c_.isParenKeyword("elem")) ||
          (s == Space::Memory && c_.isParenKeyword("data"))) {
        inlineSegment = true;
      }
      WCR_RETURN_IF_ERROR(c_.skipSexpr());
    }
  } else if (k == "elem" || k == "data") {
    s = k == "elem" ? Space::Elem : Space::Data;
    if (id) c_.next();
  } else if (k == "export" || k == "start") {
    c_.setPos(start);
    return c_.skipSexpr();
  } else {
    return c_.unexpected(kw);
  }
  WCR_RETURN_IF_ERROR(bindId(s, id, space(s).count));
  if (s == Space::Memory) memoryIs64_.push_back(is64);
  if (inlineSegment) {
    Space seg = s == Space::Table ? Space::Elem : Space::Data;
    WCR_RETURN_IF_ERROR(bindId(seg, nullptr, space(seg).count));
  }
  c_.setPos(start);
  return c_.skipSexpr();
}

absl::Status ModuleBuilder::noteImport(const Token& at) {
  if (firstDefinition_) {
    return Cursor::errorAt(at, std::string("import after ") + firstDefinition_);
  }
  return absl::OkStatus();
}

void ModuleBuilder::noteDefinition(const char* kind) {
  if (!firstDefinition_) firstDefinition_ = kind;
}

// Second pass: one field, in full.
absl::Status ModuleBuilder::parseField() {
  c_.next();  // (
  const Token& kw = c_.next();
  std::string_view k = kw.text;
  if (k == "type") {
    c_.setPos(c_.pos() - 2);
    return c_.skipSexpr();
  }
  if (k == "import") return parseImport();
  if (k == "func") return parseFunc();
  if (k == "table") return parseTable();
  if (k == "memory") return parseMemory();
  if (k == "global") return parseGlobal();
  if (k == "tag") return parseTag();
  if (k == "export") return parseExport();
  if (k == "start") return parseStart();
  if (k == "elem") return parseElem();
  if (k == "data") return parseData();
  return c_.unexpected(kw);
}

// ---------------------------------------------------------------------------------------------
// Identifiers and indices

std::string ModuleBuilder::idKey(const Token& t) {
  if (t.text.size() > 1 && t.text[1] == '"') {
    auto s = decodeString(t);
    if (s.ok()) return "$" + *s;
  }
  return std::string(t.text);
}

absl::Status ModuleBuilder::bindId(Space s, const Token* id, uint32_t index) {
  IndexSpace& sp = space(s);
  ++sp.count;
  if (!id) return absl::OkStatus();
  // The name section (function names are recorded where functions are parsed).
  absl::flat_hash_map<uint32_t, std::string>* names = nullptr;
  switch (s) {
    case Space::Type:
      names = &m_.names.types;
      break;
    case Space::Table:
      names = &m_.names.tables;
      break;
    case Space::Memory:
      names = &m_.names.memories;
      break;
    case Space::Global:
      names = &m_.names.globals;
      break;
    case Space::Elem:
      names = &m_.names.elems;
      break;
    case Space::Data:
      names = &m_.names.datas;
      break;
    case Space::Tag:
      names = &m_.names.tags;
      break;
    default:
      break;
  }
  if (names) names->emplace(index, idKey(*id).substr(1));
  auto [it, inserted] = sp.names.emplace(idKey(*id), index);
  if (!inserted) {
    return Cursor::errorAt(*id, absl::StrFormat("duplicate %s %s",
                                                duplicateName(static_cast<int>(s)), id->text));
  }
  return absl::OkStatus();
}

bool ModuleBuilder::peekIndex() const {
  const Token& t = c_.peek();
  return t.kind == TokenKind::Id ||
         (t.kind == TokenKind::Number && numberShape(t.text) == NumShape::Nat);
}

absl::StatusOr<uint32_t> ModuleBuilder::parseU32(const char* rangeMessage) {
  const Token& t = c_.peek();
  uint64_t v;
  if (t.kind != TokenKind::Number || parseNat(t.text, v) == NumStatus::Malformed) {
    return c_.unexpected();
  }
  if (parseNat(t.text, v) != NumStatus::Ok || v > UINT32_MAX) {
    return Cursor::errorAt(t, rangeMessage);
  }
  c_.next();
  return static_cast<uint32_t>(v);
}

absl::StatusOr<uint32_t> ModuleBuilder::parseIndex(Space s) {
  const Token& t = c_.peek();
  if (t.kind == TokenKind::Id) {
    const IndexSpace& sp = space(s);
    auto it = sp.names.find(idKey(t));
    if (it == sp.names.end()) {
      return Cursor::errorAt(
          t, absl::StrFormat("unknown %s %s", unknownName(static_cast<int>(s)), t.text));
    }
    c_.next();
    return it->second;
  }
  return parseU32("constant out of range");
}

// ---------------------------------------------------------------------------------------------
// Types

absl::StatusOr<ValType> ModuleBuilder::parseHeapType() {
  if (c_.takeKeyword("func")) return wasm::kFuncRef;
  if (c_.takeKeyword("extern")) return wasm::kExternRef;
  if (c_.takeKeyword("exn")) return wasm::kExnRef;
  return c_.unexpected();
}

absl::StatusOr<ValType> ModuleBuilder::parseRefType() {
  if (c_.takeKeyword("funcref")) return wasm::kFuncRef;
  if (c_.takeKeyword("externref")) return wasm::kExternRef;
  if (c_.takeKeyword("exnref")) return wasm::kExnRef;
  if (c_.isParenKeyword("ref") && c_.isKeyword("null", 2)) {
    c_.setPos(c_.pos() + 3);
    WCR_ASSIGN_OR_RETURN(ValType t, parseHeapType());
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return t;
  }
  return c_.unexpected();
}

absl::StatusOr<ValType> ModuleBuilder::parseValType() {
  const Token& t = c_.peek();
  if (t.kind == TokenKind::Keyword) {
    ValType v;
    if (t.text == "i32") v = wasm::kI32;
    else if (t.text == "i64") v = wasm::kI64;
    else if (t.text == "f32") v = wasm::kF32;
    else if (t.text == "f64") v = wasm::kF64;
    else if (t.text == "v128") v = wasm::kV128;
    else return parseRefType();
    c_.next();
    return v;
  }
  return parseRefType();
}

absl::StatusOr<wasm::FuncType> ModuleBuilder::parseTypeDef() {
  if (!c_.takeParenKeyword("func")) return c_.unexpected();
  wasm::FuncType t;
  while (c_.takeParenKeyword("param")) {
    if (c_.is(TokenKind::Id)) {
      c_.next();
      WCR_ASSIGN_OR_RETURN(ValType v, parseValType());
      t.params.push_back(v);
    } else {
      while (!c_.atRParen()) {
        WCR_ASSIGN_OR_RETURN(ValType v, parseValType());
        t.params.push_back(v);
      }
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  }
  while (c_.takeParenKeyword("result")) {
    while (!c_.atRParen()) {
      WCR_ASSIGN_OR_RETURN(ValType v, parseValType());
      t.results.push_back(v);
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  }
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  return t;
}

absl::StatusOr<ModuleBuilder::TypeUse> ModuleBuilder::parseTypeUse(bool allowNames) {
  TypeUse u;
  u.at = &c_.peek();
  if (c_.takeParenKeyword("type")) {
    WCR_ASSIGN_OR_RETURN(u.index, parseIndex(Space::Type));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  }
  while (c_.takeParenKeyword("param")) {
    if (c_.is(TokenKind::Id)) {
      if (!allowNames) return c_.unexpected();
      const Token* id = &c_.next();
      WCR_ASSIGN_OR_RETURN(ValType v, parseValType());
      u.type.params.push_back(v);
      u.paramIds.push_back(id);
    } else {
      while (!c_.atRParen()) {
        WCR_ASSIGN_OR_RETURN(ValType v, parseValType());
        u.type.params.push_back(v);
        u.paramIds.push_back(nullptr);
      }
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  }
  while (c_.takeParenKeyword("result")) {
    while (!c_.atRParen()) {
      WCR_ASSIGN_OR_RETURN(ValType v, parseValType());
      u.type.results.push_back(v);
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  }
  // Empty groups are no inline type: `(type $t) (param)` does not have to match $t.
  u.hasInline = !u.type.params.empty() || !u.type.results.empty();
  // Out-of-order groups are a syntax error, reported before any type check.
  if (c_.isParenKeyword("type") || c_.isParenKeyword("param")) return c_.unexpected();
  return u;
}

absl::StatusOr<uint32_t> ModuleBuilder::resolveTypeUse(const TypeUse& u) {
  if (u.index) {
    if (u.hasInline) {
      if (*u.index >= m_.types.size()) return Cursor::errorAt(*u.at, "unknown type");
      if (!(m_.types[*u.index] == u.type)) return Cursor::errorAt(*u.at, "inline function type");
    }
    return *u.index;
  }
  for (size_t i = 0; i < m_.types.size(); ++i) {
    if (m_.types[i] == u.type) return static_cast<uint32_t>(i);
  }
  m_.types.push_back(u.type);
  return static_cast<uint32_t>(m_.types.size() - 1);
}

absl::StatusOr<wasm::Limits> ModuleBuilder::parseLimits() {
  wasm::Limits l;
  l.is64 = c_.takeKeyword("i64");
  if (!l.is64) c_.takeKeyword("i32");
  auto bound = [&]() -> absl::StatusOr<uint64_t> {
    if (l.is64) {
      const Token& t = c_.peek();
      uint64_t v;
      if (t.kind != TokenKind::Number || parseNat(t.text, v) == NumStatus::Malformed) {
        return c_.unexpected();
      }
      if (parseNat(t.text, v) != NumStatus::Ok) {
        return Cursor::errorAt(t, "i64 constant out of range");
      }
      c_.next();
      return v;
    }
    return parseU32("i32 constant out of range");
  };
  WCR_ASSIGN_OR_RETURN(l.min, bound());
  if (c_.is(TokenKind::Number)) {
    WCR_ASSIGN_OR_RETURN(uint64_t max, bound());
    l.max = max;
  }
  l.shared = c_.takeKeyword("shared");
  return l;
}

absl::StatusOr<wasm::TableType> ModuleBuilder::parseTableType() {
  wasm::TableType t;
  WCR_ASSIGN_OR_RETURN(t.limits, parseLimits());
  WCR_ASSIGN_OR_RETURN(t.elem, parseRefType());
  return t;
}

absl::StatusOr<wasm::GlobalType> ModuleBuilder::parseGlobalType() {
  wasm::GlobalType g;
  if (c_.takeParenKeyword("mut")) {
    g.mut = true;
    WCR_ASSIGN_OR_RETURN(g.type, parseValType());
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  } else {
    WCR_ASSIGN_OR_RETURN(g.type, parseValType());
  }
  return g;
}

// ---------------------------------------------------------------------------------------------
// Storage

wasm::Bytes ModuleBuilder::store(std::vector<uint8_t> bytes) {
  storage_.push_back(std::move(bytes));
  return wasm::Bytes(storage_.back());
}

wasm::ConstExpr ModuleBuilder::storeExpr(FuncState& f) {
  wasm::ConstExpr e;
  e.bytes = store(std::move(f.w.out()));
  return e;
}

// ---------------------------------------------------------------------------------------------
// Fields

absl::Status ModuleBuilder::parseInlineExports(ExternKind kind, uint32_t index) {
  while (c_.takeParenKeyword("export")) {
    WCR_ASSIGN_OR_RETURN(std::string name, c_.expectName());
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    m_.exports.push_back(wasm::Export{std::move(name), kind, index});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::pair<std::string, std::string>>>
ModuleBuilder::parseInlineImport() {
  if (!c_.takeParenKeyword("import")) return std::nullopt;
  WCR_ASSIGN_OR_RETURN(std::string module, c_.expectName());
  WCR_ASSIGN_OR_RETURN(std::string name, c_.expectName());
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  return std::make_pair(std::move(module), std::move(name));
}

absl::Status ModuleBuilder::finishInlineImport(std::pair<std::string, std::string> names,
                                               wasm::Import imp) {
  imp.module = std::move(names.first);
  imp.name = std::move(names.second);
  switch (imp.kind) {
    case ExternKind::Func: ++m_.numImportedFuncs; break;
    case ExternKind::Table: ++m_.numImportedTables; break;
    case ExternKind::Memory: ++m_.numImportedMemories; break;
    case ExternKind::Global: ++m_.numImportedGlobals; break;
    case ExternKind::Tag: ++m_.numImportedTags; break;
  }
  m_.imports.push_back(std::move(imp));
  return c_.expectRParen();
}

absl::Status ModuleBuilder::parseImport() {
  wasm::Import imp;
  WCR_ASSIGN_OR_RETURN(imp.module, c_.expectName());
  WCR_ASSIGN_OR_RETURN(imp.name, c_.expectName());
  WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
  const Token& kind = c_.next();
  const Token* id = c_.is(TokenKind::Id) ? &c_.next() : nullptr;
  if (kind.text == "func") {
    imp.kind = ExternKind::Func;
    WCR_ASSIGN_OR_RETURN(TypeUse use, parseTypeUse(true));
    WCR_ASSIGN_OR_RETURN(imp.funcType, resolveTypeUse(use));
    if (id) m_.names.functions[m_.numImportedFuncs] = idKey(*id).substr(1);
    ++m_.numImportedFuncs;
  } else if (kind.text == "table") {
    imp.kind = ExternKind::Table;
    WCR_ASSIGN_OR_RETURN(imp.table, parseTableType());
    ++m_.numImportedTables;
  } else if (kind.text == "memory") {
    imp.kind = ExternKind::Memory;
    WCR_ASSIGN_OR_RETURN(imp.memory.limits, parseLimits());
    ++m_.numImportedMemories;
  } else if (kind.text == "global") {
    imp.kind = ExternKind::Global;
    WCR_ASSIGN_OR_RETURN(imp.global, parseGlobalType());
    ++m_.numImportedGlobals;
  } else if (kind.text == "tag") {
    imp.kind = ExternKind::Tag;
    WCR_ASSIGN_OR_RETURN(imp.funcType, parseTagType());
    ++m_.numImportedTags;
  } else {
    return c_.unexpected(kind);
  }
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  m_.imports.push_back(std::move(imp));
  return c_.expectRParen();
}

absl::Status ModuleBuilder::parseFunc() {
  const Token* id = c_.is(TokenKind::Id) ? &c_.next() : nullptr;
  uint32_t index = m_.numFuncs();
  WCR_RETURN_IF_ERROR(parseInlineExports(ExternKind::Func, index));
  WCR_ASSIGN_OR_RETURN(auto import, parseInlineImport());
  WCR_ASSIGN_OR_RETURN(TypeUse use, parseTypeUse(true));
  WCR_ASSIGN_OR_RETURN(uint32_t typeIndex, resolveTypeUse(use));
  if (id) m_.names.functions[index] = idKey(*id).substr(1);
  if (import) {
    wasm::Import imp;
    imp.kind = ExternKind::Func;
    imp.funcType = typeIndex;
    return finishInlineImport(std::move(*import), std::move(imp));
  }

  FuncState f;
  f.funcIndex = index;
  uint32_t numLocals = 0;
  auto bindLocal = [&](const Token* id) -> absl::Status {
    if (id && !f.locals.emplace(idKey(*id), numLocals).second) {
      return Cursor::errorAt(*id, absl::StrFormat("duplicate local %s", id->text));
    }
    if (id) m_.names.locals[index].emplace_back(numLocals, idKey(*id).substr(1));
    ++numLocals;
    return absl::OkStatus();
  };
  if (use.hasInline) {
    for (const Token* id : use.paramIds) WCR_RETURN_IF_ERROR(bindLocal(id));
  } else if (typeIndex < m_.types.size()) {
    numLocals = static_cast<uint32_t>(m_.types[typeIndex].params.size());
  }
  std::vector<ValType> locals;
  while (c_.takeParenKeyword("local")) {
    if (c_.is(TokenKind::Id)) {
      WCR_RETURN_IF_ERROR(bindLocal(&c_.next()));
      WCR_ASSIGN_OR_RETURN(ValType v, parseValType());
      locals.push_back(v);
    } else {
      while (!c_.atRParen()) {
        WCR_ASSIGN_OR_RETURN(ValType v, parseValType());
        locals.push_back(v);
        ++numLocals;
      }
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  }
  WCR_RETURN_IF_ERROR(parseInstrs(f));
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  f.w.opcode(wasm::Opcode::End);

  wasm::CodeWriter body;
  std::vector<std::pair<uint32_t, ValType>> runs;
  for (ValType v : locals) {
    if (!runs.empty() && runs.back().second == v) {
      ++runs.back().first;
    } else {
      runs.emplace_back(1, v);
    }
  }
  body.u32(static_cast<uint32_t>(runs.size()));
  for (const auto& [n, v] : runs) {
    body.u32(n);
    body.valType(v);
  }
  body.bytes(f.w.out().data(), f.w.out().size());
  wasm::Function fn;
  fn.typeIndex = typeIndex;
  fn.body = store(std::move(body.out()));
  m_.functions.push_back(fn);
  return absl::OkStatus();
}

absl::Status ModuleBuilder::parseTable() {
  if (c_.is(TokenKind::Id)) c_.next();
  uint32_t index = m_.numTables();
  WCR_RETURN_IF_ERROR(parseInlineExports(ExternKind::Table, index));
  WCR_ASSIGN_OR_RETURN(auto import, parseInlineImport());
  if (import) {
    wasm::Import imp;
    imp.kind = ExternKind::Table;
    WCR_ASSIGN_OR_RETURN(imp.table, parseTableType());
    return finishInlineImport(std::move(*import), std::move(imp));
  }
  if (c_.is(TokenKind::Number) || c_.isKeyword("i32") || c_.isKeyword("i64")) {
    WCR_ASSIGN_OR_RETURN(wasm::TableType t, parseTableType());
    m_.tables.push_back(t);
    return c_.expectRParen();
  }
  // reftype (elem ...): a table exactly as large as its inline segment.
  WCR_ASSIGN_OR_RETURN(ValType elemType, parseRefType());
  if (!c_.takeParenKeyword("elem")) return c_.unexpected();
  wasm::ElemSegment seg;
  seg.mode = wasm::SegmentMode::Active;
  seg.table = index;
  seg.elemType = elemType;
  seg.offset.bytes = store(zeroOffset(false));
  if (c_.is(TokenKind::LParen)) {
    seg.usesExprs = true;
    while (!c_.atRParen()) {
      if (c_.takeParenKeyword("item")) {
        WCR_ASSIGN_OR_RETURN(wasm::ConstExpr e, parseExpr());
        WCR_RETURN_IF_ERROR(c_.expectRParen());
        seg.exprs.push_back(e);
      } else {
        WCR_ASSIGN_OR_RETURN(wasm::ConstExpr e, parseFoldedExpr());
        seg.exprs.push_back(e);
      }
    }
  } else {
    while (!c_.atRParen()) {
      WCR_ASSIGN_OR_RETURN(uint32_t f, parseIndex(Space::Func));
      seg.funcIndices.push_back(f);
    }
  }
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  wasm::TableType t;
  t.elem = elemType;
  t.limits.min = seg.count();
  t.limits.max = seg.count();
  m_.tables.push_back(t);
  m_.elems.push_back(std::move(seg));
  return c_.expectRParen();
}

absl::Status ModuleBuilder::parseMemory() {
  if (c_.is(TokenKind::Id)) c_.next();
  uint32_t index = m_.numMemories();
  WCR_RETURN_IF_ERROR(parseInlineExports(ExternKind::Memory, index));
  WCR_ASSIGN_OR_RETURN(auto import, parseInlineImport());
  if (import) {
    wasm::Import imp;
    imp.kind = ExternKind::Memory;
    WCR_ASSIGN_OR_RETURN(imp.memory.limits, parseLimits());
    return finishInlineImport(std::move(*import), std::move(imp));
  }
  bool is64 = false;
  if ((c_.isKeyword("i64") || c_.isKeyword("i32")) && c_.is(TokenKind::LParen, 1) &&
      c_.isKeyword("data", 2)) {
    is64 = c_.isKeyword("i64");
    c_.next();
  }
  if (c_.takeParenKeyword("data")) {
    std::vector<uint8_t> bytes;
    while (!c_.atRParen()) {
      WCR_ASSIGN_OR_RETURN(std::string s, c_.expectString());
      bytes.insert(bytes.end(), s.begin(), s.end());
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    uint64_t pages = (bytes.size() + 65535) / 65536;
    wasm::MemoryType t;
    t.limits.min = pages;
    t.limits.max = pages;
    t.limits.is64 = is64;
    m_.memories.push_back(t);
    wasm::DataSegment d;
    d.mode = wasm::SegmentMode::Active;
    d.memory = index;
    d.offset.bytes = store(zeroOffset(is64));
    d.bytes = store(std::move(bytes));
    m_.datas.push_back(d);
    return c_.expectRParen();
  }
  wasm::MemoryType t;
  WCR_ASSIGN_OR_RETURN(t.limits, parseLimits());
  m_.memories.push_back(t);
  return c_.expectRParen();
}

absl::Status ModuleBuilder::parseGlobal() {
  if (c_.is(TokenKind::Id)) c_.next();
  uint32_t index = m_.numGlobals();
  WCR_RETURN_IF_ERROR(parseInlineExports(ExternKind::Global, index));
  WCR_ASSIGN_OR_RETURN(auto import, parseInlineImport());
  WCR_ASSIGN_OR_RETURN(wasm::GlobalType type, parseGlobalType());
  if (import) {
    wasm::Import imp;
    imp.kind = ExternKind::Global;
    imp.global = type;
    return finishInlineImport(std::move(*import), std::move(imp));
  }
  wasm::Global g;
  g.type = type;
  WCR_ASSIGN_OR_RETURN(g.init, parseExpr());
  m_.globals.push_back(g);
  return c_.expectRParen();
}

absl::StatusOr<uint32_t> ModuleBuilder::parseTagType() {
  WCR_ASSIGN_OR_RETURN(TypeUse use, parseTypeUse(/*allowNames=*/false));
  return resolveTypeUse(use);
}

// `(tag $id? (export "n")* (import "m" "n")? typeuse)`
absl::Status ModuleBuilder::parseTag() {
  if (c_.is(TokenKind::Id)) c_.next();
  uint32_t index = m_.numTags();
  WCR_RETURN_IF_ERROR(parseInlineExports(ExternKind::Tag, index));
  WCR_ASSIGN_OR_RETURN(auto import, parseInlineImport());
  WCR_ASSIGN_OR_RETURN(uint32_t typeIndex, parseTagType());
  if (import) {
    wasm::Import imp;
    imp.kind = ExternKind::Tag;
    imp.funcType = typeIndex;
    return finishInlineImport(std::move(*import), std::move(imp));
  }
  m_.tags.push_back(wasm::Tag{typeIndex});
  return c_.expectRParen();
}

absl::Status ModuleBuilder::parseExport() {
  wasm::Export e;
  WCR_ASSIGN_OR_RETURN(e.name, c_.expectName());
  WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
  const Token& kind = c_.next();
  Space s;
  if (kind.text == "func") {
    e.kind = ExternKind::Func;
    s = Space::Func;
  } else if (kind.text == "table") {
    e.kind = ExternKind::Table;
    s = Space::Table;
  } else if (kind.text == "memory") {
    e.kind = ExternKind::Memory;
    s = Space::Memory;
  } else if (kind.text == "global") {
    e.kind = ExternKind::Global;
    s = Space::Global;
  } else if (kind.text == "tag") {
    e.kind = ExternKind::Tag;
    s = Space::Tag;
  } else {
    return c_.unexpected(kind);
  }
  WCR_ASSIGN_OR_RETURN(e.index, parseIndex(s));
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  m_.exports.push_back(std::move(e));
  return c_.expectRParen();
}

absl::Status ModuleBuilder::parseStart() {
  const Token& at = c_.peek();
  WCR_ASSIGN_OR_RETURN(uint32_t f, parseIndex(Space::Func));
  if (m_.start) return Cursor::errorAt(at, "multiple start sections");
  m_.start = f;
  return c_.expectRParen();
}

absl::Status ModuleBuilder::parseElem() {
  if (c_.is(TokenKind::Id)) c_.next();
  wasm::ElemSegment seg;
  seg.mode = wasm::SegmentMode::Passive;
  if (c_.takeKeyword("declare")) {
    seg.mode = wasm::SegmentMode::Declarative;
  } else if (c_.is(TokenKind::LParen) || peekIndex()) {
    seg.mode = wasm::SegmentMode::Active;
    if (c_.takeParenKeyword("table")) {
      WCR_ASSIGN_OR_RETURN(seg.table, parseIndex(Space::Table));
      seg.explicitTable = true;
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else if (peekIndex()) {
      // Legacy form `(elem 0 (offset ...) ...)` with a bare table index.
      WCR_ASSIGN_OR_RETURN(seg.table, parseIndex(Space::Table));
    }
    if (c_.takeParenKeyword("offset")) {
      WCR_ASSIGN_OR_RETURN(seg.offset, parseExpr());
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else {
      WCR_ASSIGN_OR_RETURN(seg.offset, parseFoldedExpr());
    }
  }
  // The element list: `func x*`, `reftype expr*`, or (active only) bare function indices.
  bool funcList = c_.takeKeyword("func") ||
                  (seg.mode == wasm::SegmentMode::Active && (peekIndex() || c_.atRParen()));
  if (funcList) {
    while (!c_.atRParen()) {
      WCR_ASSIGN_OR_RETURN(uint32_t f, parseIndex(Space::Func));
      seg.funcIndices.push_back(f);
    }
  } else {
    WCR_ASSIGN_OR_RETURN(seg.elemType, parseRefType());
    seg.usesExprs = true;
    while (!c_.atRParen()) {
      if (c_.takeParenKeyword("item")) {
        WCR_ASSIGN_OR_RETURN(wasm::ConstExpr e, parseExpr());
        WCR_RETURN_IF_ERROR(c_.expectRParen());
        seg.exprs.push_back(e);
      } else if (c_.is(TokenKind::LParen)) {
        WCR_ASSIGN_OR_RETURN(wasm::ConstExpr e, parseFoldedExpr());
        seg.exprs.push_back(e);
      } else {
        return c_.unexpected();
      }
    }
  }
  m_.elems.push_back(std::move(seg));
  return c_.expectRParen();
}

absl::Status ModuleBuilder::parseData() {
  if (c_.is(TokenKind::Id)) c_.next();
  wasm::DataSegment d;
  d.mode = wasm::SegmentMode::Passive;
  if (c_.is(TokenKind::LParen) || peekIndex()) {
    d.mode = wasm::SegmentMode::Active;
    if (c_.takeParenKeyword("memory")) {
      WCR_ASSIGN_OR_RETURN(d.memory, parseIndex(Space::Memory));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else if (peekIndex()) {
      WCR_ASSIGN_OR_RETURN(d.memory, parseIndex(Space::Memory));
    }
    if (c_.takeParenKeyword("offset")) {
      WCR_ASSIGN_OR_RETURN(d.offset, parseExpr());
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else {
      WCR_ASSIGN_OR_RETURN(d.offset, parseFoldedExpr());
    }
  }
  std::vector<uint8_t> bytes;
  while (!c_.atRParen()) {
    WCR_ASSIGN_OR_RETURN(std::string s, c_.expectString());
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
  d.bytes = store(std::move(bytes));
  m_.datas.push_back(d);
  return c_.expectRParen();
}

}  // namespace wcr::jit::text
