// Type syntax of the component text format: value types (primitive, compound, handles, streams
// and futures), function, component, instance and resource types, the declarators of component
// and instance types, extern types of imports and exports, and core types (function and module
// types) with their declarators. Inline type expressions are emitted as type definitions just
// before the definition that uses them (component_builder.h).
#include "canon/text/component_builder.h"
#include "jit/support/status.h"

namespace wcr::canon::text {

using jit::wasm::CodeWriter;

namespace {

std::optional<uint8_t> primitiveType(std::string_view k) {
  static constexpr std::pair<std::string_view, uint8_t> kPrims[] = {
      {"bool", 0x7f},    {"s8", 0x7e},   {"u8", 0x7d},     {"s16", 0x7c},
      {"u16", 0x7b},     {"s32", 0x7a},  {"u32", 0x79},    {"s64", 0x78},
      {"u64", 0x77},     {"f32", 0x76},  {"f64", 0x75},    {"float32", 0x76},
      {"float64", 0x75}, {"char", 0x74}, {"string", 0x73}, {"error-context", 0x64}};
  for (const auto& [name, code] : kPrims) {
    if (name == k) return code;
  }
  return std::nullopt;
}

std::optional<uint8_t> coreValType(std::string_view k) {
  if (k == "i32") return 0x7f;
  if (k == "i64") return 0x7e;
  if (k == "f32") return 0x7d;
  if (k == "f64") return 0x7c;
  if (k == "v128") return 0x7b;
  if (k == "funcref") return 0x70;
  if (k == "externref") return 0x6f;
  return std::nullopt;
}

absl::Status errorAt(const Token& t, std::string_view message) {
  return Cursor::errorAt(t, message);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Emitting type definitions into the current scope

absl::StatusOr<uint32_t> ComponentBuilder::emitType(std::vector<uint8_t> bytes, const Token* id,
                                                    bool named) {
  if (scope().kind == ScopeKind::Component) {
    scope().sections.addItem(kTypeSection, bytes);
  } else if (scope().kind == ScopeKind::ModuleType) {
    return errorAt(c_.peek(), "component type in a core module type");
  } else {
    scope().decls.add(0x01, bytes);
  }
  return define(Sort::Type, id, named);
}

absl::StatusOr<uint32_t> ComponentBuilder::emitCoreType(std::vector<uint8_t> bytes,
                                                        const Token* id) {
  switch (scope().kind) {
    case ScopeKind::Component:
      scope().sections.addItem(kCoreTypeSection, bytes);
      break;
    case ScopeKind::ModuleType:
      scope().decls.add(0x01, bytes);
      break;
    default:
      scope().decls.add(0x00, bytes);
      break;
  }
  return define(Sort::CoreType, id, true);
}

// ---------------------------------------------------------------------------------------------
// Component types

absl::Status ComponentBuilder::parseTypeField() {
  WCR_ASSIGN_OR_RETURN(Binding b, parseBinding());
  if (atAliasSugar()) {
    c_.setPos(c_.pos() + 2);
    WCR_RETURN_IF_ERROR(parseAlias(b.id, Sort::Type));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return bindExports(Sort::Type, lastDefined_, b);
  }
  pendingScopeId_ = b.id;
  WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, parseDefType());
  pendingScopeId_ = nullptr;
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  WCR_ASSIGN_OR_RETURN(uint32_t index, emitType(std::move(bytes), b.id, true));
  return bindExports(Sort::Type, index, b);
}

absl::StatusOr<std::vector<uint8_t>> ComponentBuilder::parseDefType() {
  const Token& t = c_.peek();
  if (t.kind == TokenKind::Keyword) {
    if (auto p = primitiveType(t.text)) {
      c_.next();
      return std::vector<uint8_t>{*p};
    }
    return errorAt(t, "expected a type definition");
  }
  if (!c_.is(TokenKind::LParen) || !c_.is(TokenKind::Keyword, 1)) {
    return errorAt(t, "expected a type definition");
  }
  std::string_view k = c_.peek(1).text;
  const Token* scopeId = pendingScopeId_;
  pendingScopeId_ = nullptr;
  if (k == "func" || k == "component" || k == "instance" || k == "resource") {
    c_.setPos(c_.pos() + 2);
    WCR_RETURN_IF_ERROR(enter());
    std::vector<uint8_t> bytes;
    if (k == "func") {
      WCR_ASSIGN_OR_RETURN(bytes, parseFuncType());
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else if (k == "component") {
      pendingScopeId_ = scopeId;
      WCR_ASSIGN_OR_RETURN(bytes, parseComponentType());
    } else if (k == "instance") {
      pendingScopeId_ = scopeId;
      WCR_ASSIGN_OR_RETURN(bytes, parseInstanceType());
    } else {
      CodeWriter w;
      w.u8(0x3f);
      WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
      WCR_RETURN_IF_ERROR(c_.expectKeyword("rep"));
      const Token& rep = c_.next();
      if (rep.text == "i32")
        w.u8(0x7f);
      else if (rep.text == "i64")
        w.u8(0x7e);
      else
        return errorAt(rep, "expected i32 or i64");
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      if (c_.takeParenKeyword("dtor")) {
        w.u8(0x01);
        WCR_ASSIGN_OR_RETURN(uint32_t f, parseRef(Sort::CoreFunc, true));
        w.u32(f);
        WCR_RETURN_IF_ERROR(c_.expectRParen());
      } else {
        w.u8(0x00);
      }
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      bytes = std::move(w.out());
    }
    leave();
    return bytes;
  }
  return parseDefValType(k);
}

absl::Status ComponentBuilder::writeValType(CodeWriter& w) {
  const Token& t = c_.peek();
  if (t.kind == TokenKind::Keyword) {
    if (auto p = primitiveType(t.text)) {
      c_.next();
      w.u8(*p);
      return absl::OkStatus();
    }
    return errorAt(t, "expected a value type");
  }
  if (peekIndex()) {
    WCR_ASSIGN_OR_RETURN(uint32_t index, parseIndex(Sort::Type));
    w.s33(index);
    return absl::OkStatus();
  }
  if (!c_.is(TokenKind::LParen) || !c_.is(TokenKind::Keyword, 1)) {
    return errorAt(t, "expected a value type");
  }
  WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, parseDefValType(c_.peek(1).text));
  WCR_ASSIGN_OR_RETURN(uint32_t index, emitType(std::move(bytes), nullptr, false));
  w.s33(index);
  return absl::OkStatus();
}

// At `(keyword`: a compound value type, through its `)`.
absl::StatusOr<std::vector<uint8_t>> ComponentBuilder::parseDefValType(std::string_view k) {
  const Token& open = c_.peek();
  c_.setPos(c_.pos() + 2);
  WCR_RETURN_IF_ERROR(enter());
  CodeWriter w;
  auto optionalValType = [&]() -> absl::Status {
    if (c_.atRParen()) {
      w.u8(0x00);
      return absl::OkStatus();
    }
    w.u8(0x01);
    return writeValType(w);
  };
  auto labels = [&](CodeWriter& out) -> absl::StatusOr<uint32_t> {
    uint32_t n = 0;
    while (c_.is(TokenKind::String)) {
      WCR_ASSIGN_OR_RETURN(std::string label, c_.expectName());
      out.name(label);
      ++n;
    }
    return n;
  };
  if (k == "record") {
    w.u8(0x72);
    CodeWriter fields;
    uint32_t n = 0;
    while (c_.takeParenKeyword("field")) {
      WCR_ASSIGN_OR_RETURN(std::string label, c_.expectName());
      fields.name(label);
      WCR_RETURN_IF_ERROR(writeValType(fields));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      ++n;
    }
    w.u32(n);
    w.bytes(fields.out().data(), fields.out().size());
  } else if (k == "variant") {
    w.u8(0x71);
    CodeWriter cases;
    uint32_t n = 0;
    std::vector<std::string> caseIds;
    while (c_.takeParenKeyword("case")) {
      if (c_.is(TokenKind::Id))
        caseIds.push_back(idName(c_.next()));
      else
        caseIds.emplace_back();
      WCR_ASSIGN_OR_RETURN(std::string label, c_.expectName());
      cases.name(label);
      if (c_.atRParen() || c_.isParenKeyword("refines")) {
        cases.u8(0x00);
      } else {
        cases.u8(0x01);
        WCR_RETURN_IF_ERROR(writeValType(cases));
      }
      if (c_.takeParenKeyword("refines")) {
        const Token& r = c_.peek();
        uint32_t target = 0;
        if (r.kind == TokenKind::Id) {
          auto it = std::find(caseIds.begin(), caseIds.end(), idName(r));
          if (it == caseIds.end()) return errorAt(r, "unknown variant case");
          target = static_cast<uint32_t>(it - caseIds.begin());
          c_.next();
        } else {
          WCR_ASSIGN_OR_RETURN(target, parseU32());
        }
        WCR_RETURN_IF_ERROR(c_.expectRParen());
        cases.u8(0x01);
        cases.u32(target);
      } else {
        cases.u8(0x00);
      }
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      ++n;
    }
    w.u32(n);
    w.bytes(cases.out().data(), cases.out().size());
  } else if (k == "list") {
    CodeWriter elem;
    WCR_RETURN_IF_ERROR(writeValType(elem));
    if (c_.is(TokenKind::Number)) {
      WCR_ASSIGN_OR_RETURN(uint32_t len, parseU32());
      w.u8(0x67);
      w.bytes(elem.out().data(), elem.out().size());
      w.u32(len);
    } else {
      w.u8(0x70);
      w.bytes(elem.out().data(), elem.out().size());
    }
  } else if (k == "tuple") {
    w.u8(0x6f);
    CodeWriter elems;
    uint32_t n = 0;
    while (!c_.atRParen()) {
      WCR_RETURN_IF_ERROR(writeValType(elems));
      ++n;
    }
    w.u32(n);
    w.bytes(elems.out().data(), elems.out().size());
  } else if (k == "flags" || k == "enum") {
    w.u8(k == "flags" ? 0x6e : 0x6d);
    CodeWriter names;
    WCR_ASSIGN_OR_RETURN(uint32_t n, labels(names));
    w.u32(n);
    w.bytes(names.out().data(), names.out().size());
  } else if (k == "option") {
    w.u8(0x6b);
    WCR_RETURN_IF_ERROR(writeValType(w));
  } else if (k == "result") {
    w.u8(0x6a);
    if (c_.atRParen() || c_.isParenKeyword("error")) {
      w.u8(0x00);
    } else {
      w.u8(0x01);
      WCR_RETURN_IF_ERROR(writeValType(w));
    }
    if (c_.takeParenKeyword("error")) {
      w.u8(0x01);
      WCR_RETURN_IF_ERROR(writeValType(w));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else {
      w.u8(0x00);
    }
  } else if (k == "own" || k == "borrow") {
    w.u8(k == "own" ? 0x69 : 0x68);
    WCR_ASSIGN_OR_RETURN(uint32_t index, parseIndex(Sort::Type));
    w.u32(index);
  } else if (k == "stream" || k == "future") {
    w.u8(k == "stream" ? 0x66 : 0x65);
    WCR_RETURN_IF_ERROR(optionalValType());
  } else if (k == "map") {
    w.u8(0x63);
    WCR_RETURN_IF_ERROR(writeValType(w));
    WCR_RETURN_IF_ERROR(writeValType(w));
  } else if (k == "error-context") {
    w.u8(0x64);
  } else {
    return errorAt(open, absl::StrFormat("unknown type constructor `%s`", k));
  }
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  leave();
  return std::move(w.out());
}

// After `func`: `async? (param "l" t)* (result t)?` (or named results), up to the `)`.
absl::StatusOr<std::vector<uint8_t>> ComponentBuilder::parseFuncType() {
  CodeWriter w;
  w.u8(c_.takeKeyword("async") ? 0x43 : 0x40);
  CodeWriter params;
  uint32_t n = 0;
  while (c_.takeParenKeyword("param")) {
    WCR_ASSIGN_OR_RETURN(std::string label, c_.expectName());
    params.name(label);
    WCR_RETURN_IF_ERROR(writeValType(params));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    ++n;
  }
  w.u32(n);
  w.bytes(params.out().data(), params.out().size());
  if (c_.isParenKeyword("result") && c_.is(TokenKind::String, 2)) {
    // Named results (an older form): 0x01 vec(labelvaltype).
    CodeWriter results;
    uint32_t m = 0;
    while (c_.takeParenKeyword("result")) {
      WCR_ASSIGN_OR_RETURN(std::string label, c_.expectName());
      results.name(label);
      WCR_RETURN_IF_ERROR(writeValType(results));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      ++m;
    }
    w.u8(0x01);
    w.u32(m);
    w.bytes(results.out().data(), results.out().size());
  } else if (c_.takeParenKeyword("result")) {
    w.u8(0x00);
    WCR_RETURN_IF_ERROR(writeValType(w));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  } else {
    w.u8(0x01);
    w.u8(0x00);
  }
  if (!c_.atRParen()) return c_.unexpected();
  return std::move(w.out());
}

absl::StatusOr<std::vector<uint8_t>> ComponentBuilder::parseComponentType() {
  const Token* id = pendingScopeId_;
  pendingScopeId_ = nullptr;
  openScope(ScopeKind::ComponentType, id);
  WCR_RETURN_IF_ERROR(parseTypeDecls(true));
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  std::unique_ptr<Scope> s = closeScope();
  CodeWriter w;
  w.u8(0x41);
  w.u32(s->decls.count);
  w.bytes(s->decls.body.data(), s->decls.body.size());
  return std::move(w.out());
}

absl::StatusOr<std::vector<uint8_t>> ComponentBuilder::parseInstanceType() {
  const Token* id = pendingScopeId_;
  pendingScopeId_ = nullptr;
  openScope(ScopeKind::InstanceType, id);
  WCR_RETURN_IF_ERROR(parseTypeDecls(false));
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  std::unique_ptr<Scope> s = closeScope();
  CodeWriter w;
  w.u8(0x42);
  w.u32(s->decls.count);
  w.bytes(s->decls.body.data(), s->decls.body.size());
  return std::move(w.out());
}

absl::Status ComponentBuilder::parseTypeDecls(bool component) {
  while (!c_.atRParen()) {
    forgetOuterAliases();
    WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
    WCR_RETURN_IF_ERROR(enter());
    const Token& kw = c_.peek();
    if (kw.kind == TokenKind::Reserved && kw.text.starts_with("@")) {
      c_.setPos(c_.pos() - 1);
      WCR_RETURN_IF_ERROR(c_.skipSexpr());
      leave();
      continue;
    }
    c_.next();
    if (kw.text == "core" && c_.takeKeyword("type")) {
      WCR_RETURN_IF_ERROR(parseCoreTypeField());
    } else if (kw.text == "type") {
      WCR_RETURN_IF_ERROR(parseTypeField());
    } else if (kw.text == "alias") {
      WCR_RETURN_IF_ERROR(parseAlias(nullptr, std::nullopt));
    } else if (kw.text == "export") {
      WCR_RETURN_IF_ERROR(parseDeclImportExport(false));
    } else if (kw.text == "import" && component) {
      WCR_RETURN_IF_ERROR(parseDeclImportExport(true));
    } else {
      return errorAt(kw, component ? "expected a component type declarator"
                                   : "expected an instance type declarator");
    }
    leave();
  }
  return absl::OkStatus();
}

absl::Status ComponentBuilder::parseDeclImportExport(bool isImport) {
  WCR_ASSIGN_OR_RETURN(ExportName name, parseExternName());
  CodeWriter w;
  writeExternName(w, name);
  WCR_RETURN_IF_ERROR(writeExternType(w, true));
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  scope().decls.add(isImport ? 0x03 : 0x04, w.out());
  return absl::OkStatus();
}

// `(func $id? <type use>)`, `(component $id? ...)`, `(instance $id? ...)`, `(core module $id?
// ...)`, `(value $id? ...)`, `(type $id? (eq i) | (sub resource))`.
absl::Status ComponentBuilder::writeExternType(CodeWriter& w, bool bindIds) {
  WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
  WCR_RETURN_IF_ERROR(enter());
  bool core = c_.takeKeyword("core");
  const Token& kw = c_.next();
  const Token* id = c_.is(TokenKind::Id) ? &c_.next() : nullptr;
  auto typeUse = [&]() -> bool {
    return c_.isParenKeyword("type") && c_.is(TokenKind::RParen, 3) &&
           (c_.is(TokenKind::Id, 2) || c_.is(TokenKind::Number, 2));
  };
  auto readTypeUse = [&](Sort sort) -> absl::StatusOr<uint32_t> {
    c_.setPos(c_.pos() + 2);
    WCR_ASSIGN_OR_RETURN(uint32_t index, parseIndex(sort));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return index;
  };
  Sort sort;
  if (core) {
    if (kw.text != "module") return errorAt(kw, "expected `module`");
    sort = Sort::CoreModule;
    uint32_t type;
    if (typeUse()) {
      WCR_ASSIGN_OR_RETURN(type, readTypeUse(Sort::CoreType));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else {
      WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, parseModuleType());
      WCR_ASSIGN_OR_RETURN(type, emitCoreType(std::move(bytes), nullptr));
    }
    w.u8(0x00);
    w.u8(0x11);
    w.u32(type);
  } else if (kw.text == "func") {
    sort = Sort::Func;
    uint32_t type;
    if (c_.isParenKeyword("type")) {
      WCR_ASSIGN_OR_RETURN(type, readTypeUse(Sort::Type));
    } else {
      WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, parseFuncType());
      WCR_ASSIGN_OR_RETURN(type, emitType(std::move(bytes), nullptr, false));
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    w.u8(0x01);
    w.u32(type);
  } else if (kw.text == "component" || kw.text == "instance") {
    bool isComponent = kw.text == "component";
    sort = isComponent ? Sort::Component : Sort::Instance;
    uint32_t type;
    if (typeUse()) {
      WCR_ASSIGN_OR_RETURN(type, readTypeUse(Sort::Type));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else {
      WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes,
                           isComponent ? parseComponentType() : parseInstanceType());
      WCR_ASSIGN_OR_RETURN(type, emitType(std::move(bytes), nullptr, false));
    }
    w.u8(isComponent ? 0x04 : 0x05);
    w.u32(type);
  } else if (kw.text == "value") {
    sort = Sort::Value;
    w.u8(0x02);
    if (c_.isParenKeyword("eq")) {
      c_.setPos(c_.pos() + 2);
      w.u8(0x00);
      WCR_ASSIGN_OR_RETURN(uint32_t v, parseIndex(Sort::Value));
      w.u32(v);
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else {
      // wasm-tools writes the value type without the `0x01` bound tag of Binary.md.
      WCR_RETURN_IF_ERROR(writeValType(w));
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  } else if (kw.text == "type") {
    sort = Sort::Type;
    w.u8(0x03);
    if (c_.takeParenKeyword("eq")) {
      w.u8(0x00);
      WCR_ASSIGN_OR_RETURN(uint32_t t, parseIndex(Sort::Type));
      w.u32(t);
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else if (c_.takeParenKeyword("sub")) {
      WCR_RETURN_IF_ERROR(c_.expectKeyword("resource"));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      w.u8(0x01);
    } else {
      return errorAt(c_.peek(), "expected `(eq ...)` or `(sub resource)`");
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  } else {
    return errorAt(kw, "expected an extern type");
  }
  leave();
  if (bindIds) WCR_RETURN_IF_ERROR(define(sort, id).status());
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------------------------
// Core types

absl::Status ComponentBuilder::parseCoreTypeField() {
  const Token* id = c_.is(TokenKind::Id) ? &c_.next() : nullptr;
  if (atAliasSugar()) {
    c_.setPos(c_.pos() + 2);
    WCR_RETURN_IF_ERROR(parseAlias(id, Sort::CoreType));
    return c_.expectRParen();
  }
  pendingScopeId_ = id;
  WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, parseCoreDefType());
  pendingScopeId_ = nullptr;
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  return emitCoreType(std::move(bytes), id).status();
}

absl::Status ComponentBuilder::writeCoreValType(CodeWriter& w) {
  const Token& t = c_.peek();
  if (t.kind == TokenKind::Keyword) {
    if (auto v = coreValType(t.text)) {
      c_.next();
      w.u8(*v);
      return absl::OkStatus();
    }
  }
  if (c_.takeParenKeyword("ref")) {
    bool nullable = c_.takeKeyword("null");
    w.u8(nullable ? 0x63 : 0x64);
    const Token& h = c_.peek();
    if (h.kind == TokenKind::Keyword && h.text == "func")
      w.u8(0x70);
    else if (h.kind == TokenKind::Keyword && h.text == "extern")
      w.u8(0x6f);
    else if (h.kind == TokenKind::Keyword && h.text == "any")
      w.u8(0x6e);
    else if (h.kind == TokenKind::Keyword && h.text == "eq")
      w.u8(0x6d);
    else if (h.kind == TokenKind::Keyword && h.text == "i31")
      w.u8(0x6c);
    else if (h.kind == TokenKind::Keyword && h.text == "struct")
      w.u8(0x6b);
    else if (h.kind == TokenKind::Keyword && h.text == "array")
      w.u8(0x6a);
    else if (peekIndex()) {
      WCR_ASSIGN_OR_RETURN(uint32_t index, parseIndex(Sort::CoreType));
      w.s33(index);
      return c_.expectRParen();
    } else {
      return errorAt(h, "expected a heap type");
    }
    c_.next();
    return c_.expectRParen();
  }
  return errorAt(t, "expected a core value type");
}

absl::Status ComponentBuilder::writeCoreFuncSig(CodeWriter& w) {
  CodeWriter params, results;
  uint32_t np = 0, nr = 0;
  while (c_.takeParenKeyword("param")) {
    if (c_.is(TokenKind::Id)) {
      c_.next();
      WCR_RETURN_IF_ERROR(writeCoreValType(params));
      ++np;
    } else {
      while (!c_.atRParen()) {
        WCR_RETURN_IF_ERROR(writeCoreValType(params));
        ++np;
      }
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  }
  while (c_.takeParenKeyword("result")) {
    while (!c_.atRParen()) {
      WCR_RETURN_IF_ERROR(writeCoreValType(results));
      ++nr;
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  }
  w.u32(np);
  w.bytes(params.out().data(), params.out().size());
  w.u32(nr);
  w.bytes(results.out().data(), results.out().size());
  return absl::OkStatus();
}

// After `(core type $id?` (or `(type $id?` in a module type): `(func ...)` or `(module ...)`.
absl::StatusOr<std::vector<uint8_t>> ComponentBuilder::parseCoreDefType() {
  const Token* scopeId = pendingScopeId_;
  pendingScopeId_ = nullptr;
  WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
  WCR_RETURN_IF_ERROR(enter());
  const Token& kw = c_.next();
  CodeWriter w;
  if (kw.text == "func") {
    w.u8(0x60);
    WCR_RETURN_IF_ERROR(writeCoreFuncSig(w));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  } else if (kw.text == "module") {
    pendingScopeId_ = scopeId;
    WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, parseModuleType());
    leave();
    return bytes;
  } else {
    return errorAt(kw, "expected a core function or module type");
  }
  leave();
  return std::move(w.out());
}

absl::StatusOr<std::vector<uint8_t>> ComponentBuilder::parseModuleType() {
  const Token* id = pendingScopeId_;
  pendingScopeId_ = nullptr;
  openScope(ScopeKind::ModuleType, id);
  moduleTypeSigs_.emplace_back();
  while (!c_.atRParen()) {
    forgetOuterAliases();
    WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
    WCR_RETURN_IF_ERROR(enter());
    const Token& kw = c_.next();
    if (kw.text == "import") {
      CodeWriter item;
      WCR_ASSIGN_OR_RETURN(std::string module, c_.expectName());
      WCR_ASSIGN_OR_RETURN(std::string field, c_.expectName());
      item.name(module);
      item.name(field);
      WCR_RETURN_IF_ERROR(writeCoreExternType(item, true));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      scope().decls.add(0x00, item.out());
    } else if (kw.text == "type") {
      const Token* tid = c_.is(TokenKind::Id) ? &c_.next() : nullptr;
      WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, parseCoreDefType());
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      std::string key(bytes.begin(), bytes.end());
      WCR_ASSIGN_OR_RETURN(uint32_t index, emitCoreType(std::move(bytes), tid));
      moduleTypeSigs_.back().emplace(key, index);
    } else if (kw.text == "alias") {
      WCR_RETURN_IF_ERROR(parseAlias(nullptr, std::nullopt));
    } else if (kw.text == "export") {
      CodeWriter item;
      WCR_ASSIGN_OR_RETURN(std::string name, c_.expectName());
      item.name(name);
      WCR_RETURN_IF_ERROR(writeCoreExternType(item, false));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      scope().decls.add(0x03, item.out());
    } else {
      return errorAt(kw, "expected a module type declarator");
    }
    leave();
  }
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  moduleTypeSigs_.pop_back();
  std::unique_ptr<Scope> s = closeScope();
  CodeWriter w;
  w.u8(0x50);
  w.u32(s->decls.count);
  w.bytes(s->decls.body.data(), s->decls.body.size());
  return std::move(w.out());
}

absl::Status ComponentBuilder::writeCoreExternType(CodeWriter& w, bool bindIds) {
  WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
  WCR_RETURN_IF_ERROR(enter());
  const Token& kw = c_.next();
  const Token* id = c_.is(TokenKind::Id) ? &c_.next() : nullptr;
  Sort sort;
  if (kw.text == "func") {
    sort = Sort::CoreFunc;
    uint32_t type;
    if (c_.isParenKeyword("type")) {
      c_.setPos(c_.pos() + 2);
      WCR_ASSIGN_OR_RETURN(type, parseIndex(Sort::CoreType));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      // A type use may repeat its signature; it adds nothing to the encoding.
      while (c_.isParenKeyword("param") || c_.isParenKeyword("result")) {
        WCR_RETURN_IF_ERROR(c_.skipSexpr());
      }
    } else {
      CodeWriter sig;
      sig.u8(0x60);
      WCR_RETURN_IF_ERROR(writeCoreFuncSig(sig));
      std::string key(sig.out().begin(), sig.out().end());
      auto& sigs = moduleTypeSigs_.back();
      auto it = sigs.find(key);
      if (it != sigs.end()) {
        type = it->second;
      } else {
        // Only explicit type declarations are reused, not earlier inline signatures.
        WCR_ASSIGN_OR_RETURN(type, emitCoreType(sig.out(), nullptr));
      }
    }
    w.u8(0x00);
    w.u32(type);
  } else if (kw.text == "memory" || kw.text == "table") {
    bool memory = kw.text == "memory";
    sort = memory ? Sort::CoreMemory : Sort::CoreTable;
    // Text: limits then (for tables) the reference type; binary: the reverse.
    bool is64 = c_.takeKeyword("i64");
    if (!is64) c_.takeKeyword("i32");
    WCR_ASSIGN_OR_RETURN(uint32_t min, parseU32());
    std::optional<uint32_t> max;
    if (c_.is(TokenKind::Number)) {
      WCR_ASSIGN_OR_RETURN(max, parseU32());
    }
    bool shared = c_.takeKeyword("shared");
    w.u8(memory ? 0x02 : 0x01);
    if (!memory) WCR_RETURN_IF_ERROR(writeCoreValType(w));
    uint8_t flags = (max ? 0x01 : 0x00) | (shared ? 0x02 : 0x00) | (is64 ? 0x04 : 0x00);
    w.u8(flags);
    w.u32(min);
    if (max) w.u32(*max);
  } else if (kw.text == "global") {
    sort = Sort::CoreGlobal;
    w.u8(0x03);
    if (c_.takeParenKeyword("mut")) {
      WCR_RETURN_IF_ERROR(writeCoreValType(w));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      w.u8(0x01);
    } else {
      WCR_RETURN_IF_ERROR(writeCoreValType(w));
      w.u8(0x00);
    }
  } else if (kw.text == "tag") {
    sort = Sort::CoreTag;
    w.u8(0x04);
    w.u8(0x00);
    WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
    WCR_RETURN_IF_ERROR(c_.expectKeyword("type"));
    WCR_ASSIGN_OR_RETURN(uint32_t type, parseIndex(Sort::CoreType));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    w.u32(type);
  } else {
    return errorAt(kw, "expected a core extern type");
  }
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  leave();
  if (bindIds) WCR_RETURN_IF_ERROR(define(sort, id).status());
  return absl::OkStatus();
}

}  // namespace wcr::canon::text
