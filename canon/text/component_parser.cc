// Component definitions of the text format (Explainer.md): nested components, core modules
// (encoded by jit/text's ModuleBuilder), core and component instances, aliases, imports,
// exports, start and custom sections; scopes, identifiers and references. See
// component_builder.h for the decisions.
#include <algorithm>

#include "canon/text/component_builder.h"
#include "jit/support/status.h"
#include "jit/text/module_parser.h"
#include "jit/text/numbers.h"

namespace wcr::canon::text {

using jit::wasm::CodeWriter;

namespace {

const char* sortDescription(Sort s) {
  static const char* kNames[kSortCount] = {
      "core func", "core table",  "core memory",   "core global", "core tag",
      "core type", "core module", "core instance", "func",        "value",
      "type",      "component",   "instance"};
  return kNames[static_cast<size_t>(s)];
}

absl::Status errorAt(const Token& t, std::string_view message) {
  return Cursor::errorAt(t, message);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Entry and passes

absl::StatusOr<std::vector<uint8_t>> ComponentBuilder::build() {
  size_t start = c_.pos();
  std::vector<uint8_t> out;
  for (int pass = 0; pass < 4; ++pass) {
    c_.setPos(start);
    scopes_.clear();
    depth_ = 0;
    scopeCounter_ = 0;
    current_.clear();
    unresolved_ = false;
    WCR_ASSIGN_OR_RETURN(out, runPass());
    if (!havePrevious_ && !unresolved_) return out;
    if (havePrevious_ && current_ == previous_) return out;
    previous_ = std::move(current_);
    havePrevious_ = true;
  }
  return out;
}

absl::StatusOr<std::vector<uint8_t>> ComponentBuilder::runPass() {
  const Token* id = c_.is(TokenKind::Id) ? &c_.next() : nullptr;
  openScope(ScopeKind::Component, id);
  if (id) {
    scope().nameMap.hasComponentName = true;
    scope().nameMap.componentName = idName(*id);
  }
  WCR_RETURN_IF_ERROR(parseFields());
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  WCR_RETURN_IF_ERROR(flushAppendedExports());
  std::unique_ptr<Scope> s = closeScope();
  std::vector<uint8_t> out = componentPreamble();
  s->sections.writeTo(out);
  writeNameSection(out, s->nameMap);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Scopes, identifiers, indices

absl::Status ComponentBuilder::enter() {
  if (++depth_ > kMaxNesting) return errorAt(c_.peek(), "nesting too deep");
  return absl::OkStatus();
}

void ComponentBuilder::openScope(ScopeKind kind, const Token* id) {
  auto s = std::make_unique<Scope>();
  s->kind = kind;
  s->ordinal = scopeCounter_++;
  if (id) s->id = idName(*id);
  scopes_.push_back(std::move(s));
}

std::unique_ptr<ComponentBuilder::Scope> ComponentBuilder::closeScope() {
  std::unique_ptr<Scope> s = std::move(scopes_.back());
  scopes_.pop_back();
  if (current_.size() <= s->ordinal) current_.resize(s->ordinal + 1);
  current_[s->ordinal] = s->names;
  return s;
}

std::string ComponentBuilder::idName(const Token& t) {
  if (t.text.size() > 1 && t.text[1] == '"') {
    auto s = jit::text::decodeString(
        Token{TokenKind::String, t.text.substr(1), t.line, t.column, t.offset + 1});
    if (s.ok()) return *s;
  }
  return std::string(t.text.substr(1));
}

void ComponentBuilder::forgetOuterAliases() {
  // wasm-tools shares an automatic outer alias only among the uses within one definition.
  for (auto& m : scope().outerNames) m.clear();
}

absl::StatusOr<uint32_t> ComponentBuilder::define(Sort sort, const Token* id, bool named) {
  Scope& s = scope();
  size_t k = static_cast<size_t>(sort);
  uint32_t index = s.counts[k]++;
  if (id) {
    std::string name = idName(*id);
    if (!s.names[k].emplace(name, index).second) {
      return errorAt(
          *id, absl::StrFormat("duplicate %s identifier %s", sortDescription(sort), id->text));
    }
    if (named && s.kind == ScopeKind::Component) s.nameMap.sorts[k].emplace_back(index, name);
  }
  lastDefined_ = index;
  return index;
}

absl::Status ComponentBuilder::bindExports(Sort sort, uint32_t index, const Binding& b) {
  // Inline exports are appended to the end of the component (as wasm-tools does).
  for (const ExportName& e : b.exports) {
    CodeWriter w;
    writeExternName(w, e);
    writeSort(w, sort);
    w.u32(index);
    w.u8(0x00);  // no type ascription
    scope().appendedExports.emplace_back(sort, std::move(w.out()));
  }
  return absl::OkStatus();
}

absl::Status ComponentBuilder::flushAppendedExports() {
  Scope& s = scope();
  for (auto& [sort, bytes] : s.appendedExports) {
    s.sections.addItem(kExportSection, bytes);
    WCR_RETURN_IF_ERROR(define(sort, nullptr, false).status());
  }
  s.appendedExports.clear();
  return absl::OkStatus();
}

bool ComponentBuilder::peekIndex() const {
  const Token& t = c_.peek();
  return t.kind == TokenKind::Id || (t.kind == TokenKind::Number &&
                                     jit::text::numberShape(t.text) == jit::text::NumShape::Nat);
}

absl::StatusOr<uint32_t> ComponentBuilder::parseU32() {
  const Token& t = c_.peek();
  uint64_t v = 0;
  if (t.kind != TokenKind::Number ||
      jit::text::parseNat(t.text, v) == jit::text::NumStatus::Malformed) {
    return errorAt(t, "expected a u32");
  }
  if (jit::text::parseNat(t.text, v) != jit::text::NumStatus::Ok || v > UINT32_MAX) {
    return errorAt(t, "invalid u32 number: constant out of range");
  }
  c_.next();
  return static_cast<uint32_t>(v);
}

absl::StatusOr<uint32_t> ComponentBuilder::parseIndex(Sort sort) {
  const Token& t = c_.peek();
  if (t.kind == TokenKind::Id) {
    c_.next();
    return resolveId(sort, t);
  }
  if (t.kind != TokenKind::Number) {
    return errorAt(t, absl::StrFormat("expected an index of a %s", sortDescription(sort)));
  }
  return parseU32();
}

absl::StatusOr<uint32_t> ComponentBuilder::resolveId(Sort sort, const Token& t) {
  size_t k = static_cast<size_t>(sort);
  std::string name = idName(t);
  auto lookup = [&](Scope& s) -> std::optional<uint32_t> {
    auto it = s.names[k].find(name);
    if (it != s.names[k].end()) return it->second;
    it = s.outerNames[k].find(name);
    if (it != s.outerNames[k].end()) return it->second;
    if (havePrevious_ && s.ordinal < previous_.size()) {
      auto pit = previous_[s.ordinal][k].find(name);
      if (pit != previous_[s.ordinal][k].end()) return pit->second;
    }
    return std::nullopt;
  };
  if (auto found = lookup(scope())) return *found;
  for (size_t d = 1; d < scopes_.size(); ++d) {
    Scope& outer = *scopes_[scopes_.size() - 1 - d];
    std::optional<uint32_t> found = lookup(outer);
    if (!found) continue;
    if (sort != Sort::CoreModule && sort != Sort::CoreType && sort != Sort::Type &&
        sort != Sort::Component) {
      return errorAt(
          t, absl::StrFormat("outer item `%s` is not a module, type, or component", t.text));
    }
    // Reached through an outer alias inserted into the current scope.
    CodeWriter w;
    if (scope().kind == ScopeKind::ModuleType) {
      w.u8(0x10);
      w.u8(0x01);
    } else {
      writeSort(w, sort);
      w.u8(0x02);
    }
    w.u32(static_cast<uint32_t>(d));
    w.u32(*found);
    emitAlias(w.out());
    WCR_ASSIGN_OR_RETURN(uint32_t index, define(sort, nullptr, false));
    scope().outerNames[k].emplace(name, index);
    return index;
  }
  if (!havePrevious_) {
    unresolved_ = true;
    return 0;
  }
  return errorAt(t, absl::StrFormat("unknown %s %s", sortDescription(sort), t.text));
}

absl::StatusOr<uint32_t> ComponentBuilder::parseOuterCount() {
  const Token& t = c_.peek();
  if (t.kind == TokenKind::Id) {
    c_.next();
    std::string name = idName(t);
    for (size_t d = 0; d < scopes_.size(); ++d) {
      const Scope& s = *scopes_[scopes_.size() - 1 - d];
      if (s.id && *s.id == name) return static_cast<uint32_t>(d);
    }
    return errorAt(t, absl::StrFormat("outer component %s not found", t.text));
  }
  return parseU32();
}

absl::StatusOr<Sort> ComponentBuilder::parseSort(bool core) {
  const Token& t = c_.peek();
  bool hasCore = false;
  if (c_.isKeyword("core")) {
    hasCore = true;
    c_.next();
  }
  const Token& kw = c_.peek();
  if (kw.kind != TokenKind::Keyword) return errorAt(kw, "expected a sort");
  std::string_view k = kw.text;
  std::optional<Sort> s;
  if (hasCore || core) {
    if (k == "func")
      s = Sort::CoreFunc;
    else if (k == "table")
      s = Sort::CoreTable;
    else if (k == "memory")
      s = Sort::CoreMemory;
    else if (k == "global")
      s = Sort::CoreGlobal;
    else if (k == "tag")
      s = Sort::CoreTag;
    else if (k == "type")
      s = Sort::CoreType;
    else if (k == "module")
      s = Sort::CoreModule;
    else if (k == "instance")
      s = Sort::CoreInstance;
  } else {
    if (k == "func")
      s = Sort::Func;
    else if (k == "value")
      s = Sort::Value;
    else if (k == "type")
      s = Sort::Type;
    else if (k == "component")
      s = Sort::Component;
    else if (k == "instance")
      s = Sort::Instance;
    else if (k == "module" || k == "table" || k == "memory" || k == "global" || k == "tag") {
      return errorAt(t, absl::StrFormat("the `core` keyword is required in this reference: "
                                        "`(%s ...)` should be written `(core %s ...)`",
                                        k, k));
    }
  }
  if (!s) return errorAt(kw, "expected a sort");
  c_.next();
  return *s;
}

absl::StatusOr<uint32_t> ComponentBuilder::parseRefBody(Sort sort) {
  if (!peekIndex()) return errorAt(c_.peek(), "expected an index");
  if (!c_.is(TokenKind::String, 1)) return parseIndex(sort);
  // Core items are exports of core instances, except core modules, which component instances
  // export.
  bool core = isCoreSort(sort) && sort != Sort::CoreModule;
  WCR_ASSIGN_OR_RETURN(uint32_t index, parseIndex(core ? Sort::CoreInstance : Sort::Instance));
  while (c_.is(TokenKind::String)) {
    WCR_ASSIGN_OR_RETURN(std::string name, c_.expectName());
    bool last = !c_.is(TokenKind::String);
    Sort target = last ? sort : (core ? Sort::CoreInstance : Sort::Instance);
    WCR_ASSIGN_OR_RETURN(index, aliasExport(target, index, name, nullptr, false, core));
  }
  return index;
}

absl::StatusOr<uint32_t> ComponentBuilder::parseRef(Sort sort, bool allowBare) {
  if (peekIndex()) {
    if (!allowBare) return errorAt(c_.peek(), "expected `(`");
    if (c_.is(TokenKind::String, 1)) {
      // The legacy `(memory $i "name")`, which wasm-tools rejects by default too.
      std::string_view k = sortKeyword(sort);
      std::string core = isCoreSort(sort) ? "core " : "";
      return errorAt(c_.peek(), absl::StrFormat("an export name must be written inside a nested "
                                                "reference: `(%s%s $i \"name\")`",
                                                core, k));
    }
    return parseIndex(sort);
  }
  const Token& open = c_.peek();
  WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
  WCR_RETURN_IF_ERROR(enter());
  // Inside a core instance, core sorts are written without `core`.
  const Token& sortToken = c_.peek();
  WCR_ASSIGN_OR_RETURN(Sort got, parseSort(inCoreContext_));
  if (got != sort && isCoreSort(sort) && !isCoreSort(got) && sortToken.text == sortKeyword(sort)) {
    // The legacy `(realloc (func ...))`.
    return errorAt(sortToken, absl::StrFormat("the `core` keyword is required in this reference: "
                                              "`(%s ...)` should be written `(core %s ...)`",
                                              sortToken.text, sortToken.text));
  }
  if (got != sort) {
    return errorAt(open, absl::StrFormat("expected a reference to a %s", sortDescription(sort)));
  }
  WCR_ASSIGN_OR_RETURN(uint32_t index, parseRefBody(sort));
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  leave();
  return index;
}

absl::StatusOr<std::pair<Sort, uint32_t>> ComponentBuilder::parseSortRef() {
  WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
  WCR_RETURN_IF_ERROR(enter());
  WCR_ASSIGN_OR_RETURN(Sort sort, parseSort(inCoreContext_));
  WCR_ASSIGN_OR_RETURN(uint32_t index, parseRefBody(sort));
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  leave();
  return std::make_pair(sort, index);
}

absl::StatusOr<ExportName> ComponentBuilder::parseExternName() {
  ExportName n;
  WCR_ASSIGN_OR_RETURN(n.name, c_.expectName());
  while (c_.is(TokenKind::LParen)) {
    uint8_t kind;
    if (c_.isKeyword("implements", 1))
      kind = 0x00;
    else if (c_.isKeyword("versionsuffix", 1))
      kind = 0x01;
    else if (c_.isKeyword("external-id", 1))
      kind = 0x02;
    else
      break;
    const Token& attribute = c_.peek(1);
    for (const auto& a : n.attributes) {
      if (a.first == kind) {
        return errorAt(attribute, absl::StrFormat("duplicate `%s` attribute", attribute.text));
      }
    }
    c_.setPos(c_.pos() + 2);
    WCR_ASSIGN_OR_RETURN(std::string value, c_.expectName());
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    n.attributes.emplace_back(kind, std::move(value));
  }
  return n;
}

absl::StatusOr<ComponentBuilder::Binding> ComponentBuilder::parseBinding() {
  Binding b;
  if (c_.is(TokenKind::Id)) b.id = &c_.next();
  while (c_.isParenKeyword("export") && c_.is(TokenKind::String, 2)) {
    // `(export "name" attribute*)` without an item: an inline export.
    size_t save = c_.pos();
    c_.setPos(c_.pos() + 2);
    // Without attributes: wasm-tools reads `(export "n" (versionsuffix ...))` as a definition.
    ExportName n;
    WCR_ASSIGN_OR_RETURN(n.name, c_.expectName());
    if (!c_.atRParen()) {
      c_.setPos(save);
      break;
    }
    c_.next();
    b.exports.push_back(std::move(n));
  }
  return b;
}

// ---------------------------------------------------------------------------------------------
// Definitions

absl::Status ComponentBuilder::parseFields() {
  while (!c_.atRParen()) {
    if (!c_.is(TokenKind::LParen)) return c_.unexpected();
    WCR_RETURN_IF_ERROR(parseField());
  }
  return absl::OkStatus();
}

absl::Status ComponentBuilder::parseField() {
  const Token& open = c_.next();  // (
  forgetOuterAliases();
  WCR_RETURN_IF_ERROR(enter());
  const Token& kw = c_.peek();
  if (kw.kind == TokenKind::Reserved && kw.text.starts_with("@")) {
    if (kw.text == "@custom") {
      c_.next();
      WCR_RETURN_IF_ERROR(parseCustom());
    } else {
      // Other annotations carry nothing the binary needs.
      c_.setPos(c_.pos() - 1);
      WCR_RETURN_IF_ERROR(c_.skipSexpr());
    }
    leave();
    return absl::OkStatus();
  }
  if (kw.kind != TokenKind::Keyword) return c_.unexpected();
  c_.next();
  std::string_view k = kw.text;
  absl::Status st;
  if (k == "core") {
    const Token& k2 = c_.next();
    if (k2.text == "module")
      st = parseCoreModule(open);
    else if (k2.text == "instance")
      st = parseCoreInstance();
    else if (k2.text == "type")
      st = parseCoreTypeField();
    else if (k2.text == "func")
      st = parseCoreFunc();
    else if (k2.text == "table")
      st = parseItemWithSort(Sort::CoreTable);
    else if (k2.text == "memory")
      st = parseItemWithSort(Sort::CoreMemory);
    else if (k2.text == "global")
      st = parseItemWithSort(Sort::CoreGlobal);
    else if (k2.text == "tag")
      st = parseItemWithSort(Sort::CoreTag);
    else
      return errorAt(k2, "unexpected token: expected a core definition");
  } else if (k == "component") {
    st = parseNestedComponent();
  } else if (k == "instance") {
    st = parseInstance();
  } else if (k == "alias") {
    st = parseAlias(nullptr, std::nullopt);
  } else if (k == "type") {
    st = parseTypeField();
  } else if (k == "canon") {
    st = parseCanon(nullptr, false, false);
  } else if (k == "start") {
    st = parseStart();
  } else if (k == "import") {
    st = parseImport();
  } else if (k == "export") {
    st = parseExport();
  } else if (k == "func") {
    st = parseFunc();
  } else {
    return errorAt(kw, "unexpected token: expected a component definition");
  }
  WCR_RETURN_IF_ERROR(st);
  leave();
  return absl::OkStatus();
}

absl::Status ComponentBuilder::parseCoreModule(const Token& open) {
  WCR_ASSIGN_OR_RETURN(Binding b, parseBinding());
  if (atAliasSugar()) {
    c_.setPos(c_.pos() + 2);
    WCR_RETURN_IF_ERROR(parseAlias(b.id, Sort::CoreModule));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return bindExports(Sort::CoreModule, lastDefined_, b);
  }
  if (atInlineImport()) {
    // `(core module $id? (import "name") <module type declarators>)`: an import.
    c_.setPos(c_.pos() + 2);
    WCR_ASSIGN_OR_RETURN(ExportName name, parseExternName());
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    uint32_t type = 0;
    if (c_.isParenKeyword("type") && c_.is(TokenKind::RParen, 3)) {
      c_.setPos(c_.pos() + 2);
      WCR_ASSIGN_OR_RETURN(type, parseIndex(Sort::CoreType));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else {
      WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> t, parseModuleType());
      WCR_ASSIGN_OR_RETURN(type, emitCoreType(std::move(t), nullptr));
    }
    CodeWriter w;
    writeExternName(w, name);
    w.u8(0x00);
    w.u8(0x11);
    w.u32(type);
    scope().sections.addItem(kImportSection, w.out());
    WCR_ASSIGN_OR_RETURN(uint32_t index, define(Sort::CoreModule, b.id));
    return bindExports(Sort::CoreModule, index, b);
  }
  std::vector<uint8_t> bytes;
  if (c_.takeKeyword("binary")) {
    while (!c_.atRParen()) {
      WCR_ASSIGN_OR_RETURN(std::string s, c_.expectString());
      bytes.insert(bytes.end(), s.begin(), s.end());
    }
  } else {
    std::optional<std::string> name;
    if (b.id) name = idName(*b.id);
    jit::text::ModuleBuilder builder(c_);
    WCR_ASSIGN_OR_RETURN(bytes, builder.build(name));
  }
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  if (scope().kind != ScopeKind::Component) return errorAt(open, "core module outside a component");
  scope().sections.addRaw(kCoreModuleSection, bytes);
  WCR_ASSIGN_OR_RETURN(uint32_t index, define(Sort::CoreModule, b.id));
  return bindExports(Sort::CoreModule, index, b);
}

absl::StatusOr<uint32_t> ComponentBuilder::emitInlineInstance(bool core) {
  // After `(instance`: `(export "name" <item>)*` then `)`.
  CodeWriter w;
  w.u8(0x01);
  CodeWriter items;
  uint32_t count = 0;
  bool savedCore = inCoreContext_;
  inCoreContext_ = core;
  while (c_.takeParenKeyword("export")) {
    if (core) {
      WCR_ASSIGN_OR_RETURN(std::string name, c_.expectName());
      items.name(name);
    } else {
      WCR_ASSIGN_OR_RETURN(ExportName name, parseExternName());
      writeExternName(items, name);
    }
    WCR_ASSIGN_OR_RETURN(auto ref, parseSortRef());
    if (core)
      items.u8(coreSortByte(ref.first));
    else
      writeSort(items, ref.first);
    items.u32(ref.second);
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    ++count;
  }
  inCoreContext_ = savedCore;
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  w.u32(count);
  w.bytes(items.out().data(), items.out().size());
  scope().sections.addItem(core ? kCoreInstanceSection : kInstanceSection, w.out());
  return define(core ? Sort::CoreInstance : Sort::Instance, nullptr, false);
}

absl::Status ComponentBuilder::parseCoreInstance() {
  WCR_ASSIGN_OR_RETURN(Binding b, parseBinding());
  if (atAliasSugar()) {
    c_.setPos(c_.pos() + 2);
    WCR_RETURN_IF_ERROR(parseAlias(b.id, Sort::CoreInstance));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return bindExports(Sort::CoreInstance, lastDefined_, b);
  }
  CodeWriter w;
  if (c_.takeParenKeyword("instantiate")) {
    w.u8(0x00);
    bool savedCore = inCoreContext_;
    inCoreContext_ = true;
    WCR_ASSIGN_OR_RETURN(uint32_t module, parseRef(Sort::CoreModule, true));
    w.u32(module);
    CodeWriter args;
    uint32_t count = 0;
    while (c_.takeParenKeyword("with")) {
      WCR_ASSIGN_OR_RETURN(std::string name, c_.expectName());
      uint32_t instance = 0;
      if (c_.isParenKeyword("instance") && !c_.is(TokenKind::Id, 2) &&
          !c_.is(TokenKind::Number, 2)) {
        c_.setPos(c_.pos() + 2);
        WCR_ASSIGN_OR_RETURN(instance, emitInlineInstance(true));
      } else {
        WCR_ASSIGN_OR_RETURN(instance, parseRef(Sort::CoreInstance, false));
      }
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      args.name(name);
      args.u8(0x12);
      args.u32(instance);
      ++count;
    }
    inCoreContext_ = savedCore;
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    w.u32(count);
    w.bytes(args.out().data(), args.out().size());
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    scope().sections.addItem(kCoreInstanceSection, w.out());
    WCR_ASSIGN_OR_RETURN(uint32_t index, define(Sort::CoreInstance, b.id));
    return bindExports(Sort::CoreInstance, index, b);
  }
  // `(core instance (export ...)*)`: core items bundled as an instance.
  CodeWriter items;
  uint32_t count = 0;
  bool savedCore = inCoreContext_;
  inCoreContext_ = true;
  while (c_.takeParenKeyword("export")) {
    WCR_ASSIGN_OR_RETURN(std::string name, c_.expectName());
    items.name(name);
    WCR_ASSIGN_OR_RETURN(auto ref, parseSortRef());
    items.u8(coreSortByte(ref.first));
    items.u32(ref.second);
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    ++count;
  }
  inCoreContext_ = savedCore;
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  w.u8(0x01);
  w.u32(count);
  w.bytes(items.out().data(), items.out().size());
  scope().sections.addItem(kCoreInstanceSection, w.out());
  WCR_ASSIGN_OR_RETURN(uint32_t index, define(Sort::CoreInstance, b.id));
  return bindExports(Sort::CoreInstance, index, b);
}

absl::Status ComponentBuilder::parseInstance() {
  WCR_ASSIGN_OR_RETURN(Binding b, parseBinding());
  if (atAliasSugar()) {
    c_.setPos(c_.pos() + 2);
    WCR_RETURN_IF_ERROR(parseAlias(b.id, Sort::Instance));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return bindExports(Sort::Instance, lastDefined_, b);
  }
  if (atInlineImport()) {
    // `(instance $id? (import "name") <instance type>)`: an import.
    c_.setPos(c_.pos() + 2);
    WCR_ASSIGN_OR_RETURN(ExportName name, parseExternName());
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    CodeWriter w;
    writeExternName(w, name);
    w.u8(0x05);
    uint32_t type = 0;
    if (c_.isParenKeyword("type") && c_.is(TokenKind::RParen, 3)) {
      c_.setPos(c_.pos() + 2);
      WCR_ASSIGN_OR_RETURN(type, parseIndex(Sort::Type));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else {
      WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> t, parseInstanceType());
      WCR_ASSIGN_OR_RETURN(type, emitType(std::move(t), nullptr, false));
    }
    w.u32(type);
    scope().sections.addItem(kImportSection, w.out());
    WCR_ASSIGN_OR_RETURN(uint32_t index, define(Sort::Instance, b.id));
    return bindExports(Sort::Instance, index, b);
  }
  CodeWriter w;
  if (c_.takeParenKeyword("instantiate")) {
    w.u8(0x00);
    WCR_ASSIGN_OR_RETURN(uint32_t component, parseRef(Sort::Component, true));
    w.u32(component);
    CodeWriter args;
    uint32_t count = 0;
    while (c_.takeParenKeyword("with")) {
      WCR_ASSIGN_OR_RETURN(std::string name, c_.expectName());
      Sort sort;
      uint32_t index;
      if (c_.isParenKeyword("instance") && !c_.is(TokenKind::Id, 2) &&
          !c_.is(TokenKind::Number, 2)) {
        c_.setPos(c_.pos() + 2);
        sort = Sort::Instance;
        WCR_ASSIGN_OR_RETURN(index, emitInlineInstance(false));
      } else {
        WCR_ASSIGN_OR_RETURN(auto ref, parseSortRef());
        sort = ref.first;
        index = ref.second;
      }
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      args.name(name);
      writeSort(args, sort);
      args.u32(index);
      ++count;
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    w.u32(count);
    w.bytes(args.out().data(), args.out().size());
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    scope().sections.addItem(kInstanceSection, w.out());
    WCR_ASSIGN_OR_RETURN(uint32_t index, define(Sort::Instance, b.id));
    return bindExports(Sort::Instance, index, b);
  }
  CodeWriter items;
  uint32_t count = 0;
  while (c_.takeParenKeyword("export")) {
    WCR_ASSIGN_OR_RETURN(ExportName name, parseExternName());
    writeExternName(items, name);
    WCR_ASSIGN_OR_RETURN(auto ref, parseSortRef());
    writeSort(items, ref.first);
    items.u32(ref.second);
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    ++count;
  }
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  w.u8(0x01);
  w.u32(count);
  w.bytes(items.out().data(), items.out().size());
  scope().sections.addItem(kInstanceSection, w.out());
  WCR_ASSIGN_OR_RETURN(uint32_t index, define(Sort::Instance, b.id));
  return bindExports(Sort::Instance, index, b);
}

absl::Status ComponentBuilder::parseNestedComponent() {
  WCR_ASSIGN_OR_RETURN(Binding b, parseBinding());
  if (atAliasSugar()) {
    c_.setPos(c_.pos() + 2);
    WCR_RETURN_IF_ERROR(parseAlias(b.id, Sort::Component));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return bindExports(Sort::Component, lastDefined_, b);
  }
  if (scope().kind != ScopeKind::Component) {
    return errorAt(c_.peek(), "a component definition outside a component");
  }
  if (atInlineImport()) {
    // `(component $id? (import "name") <component type declarators>)`: an import.
    c_.setPos(c_.pos() + 2);
    WCR_ASSIGN_OR_RETURN(ExportName name, parseExternName());
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    uint32_t type = 0;
    if (c_.isParenKeyword("type") && c_.is(TokenKind::RParen, 3)) {
      c_.setPos(c_.pos() + 2);
      WCR_ASSIGN_OR_RETURN(type, parseIndex(Sort::Type));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else {
      WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> t, parseComponentType());
      WCR_ASSIGN_OR_RETURN(type, emitType(std::move(t), nullptr, false));
    }
    CodeWriter w;
    writeExternName(w, name);
    w.u8(0x04);
    w.u32(type);
    scope().sections.addItem(kImportSection, w.out());
    WCR_ASSIGN_OR_RETURN(uint32_t index, define(Sort::Component, b.id));
    return bindExports(Sort::Component, index, b);
  }
  openScope(ScopeKind::Component, b.id);
  if (b.id) {
    scope().nameMap.hasComponentName = true;
    scope().nameMap.componentName = idName(*b.id);
  }
  WCR_RETURN_IF_ERROR(parseFields());
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  WCR_RETURN_IF_ERROR(flushAppendedExports());
  std::unique_ptr<Scope> inner = closeScope();
  std::vector<uint8_t> bytes = componentPreamble();
  inner->sections.writeTo(bytes);
  writeNameSection(bytes, inner->nameMap);
  scope().sections.addRaw(kComponentSection, bytes);
  WCR_ASSIGN_OR_RETURN(uint32_t index, define(Sort::Component, b.id));
  return bindExports(Sort::Component, index, b);
}

bool ComponentBuilder::atInlineImport() const {
  // `(import "name")`, unlike an import definition `(import "name" <extern type>)` that starts
  // a nested component or a core module's fields.
  return c_.isParenKeyword("import") && c_.is(TokenKind::String, 2) && c_.is(TokenKind::RParen, 3);
}

bool ComponentBuilder::atAliasSugar() const {
  // `(sort $id? (alias export $i "n"))`: an alias whose target sort is the enclosing form's,
  // unlike an alias definition `(alias export $i "n" (func $f))` inside a nested scope.
  if (!c_.isParenKeyword("alias")) return false;
  const std::vector<Token>& toks = c_.tokens();
  int depth = 0;
  for (size_t i = c_.pos(); i < toks.size(); ++i) {
    if (toks[i].kind == TokenKind::LParen)
      ++depth;
    else if (toks[i].kind == TokenKind::RParen && --depth == 0) {
      return toks[i - 1].kind != TokenKind::RParen;
    } else if (toks[i].kind == TokenKind::Eof) {
      return true;
    }
  }
  return true;
}

void ComponentBuilder::emitAlias(std::vector<uint8_t> bytes) {
  if (scope().kind == ScopeKind::Component) {
    scope().sections.addItem(kAliasSection, bytes);
  } else {
    scope().decls.add(0x02, bytes);
  }
}

absl::StatusOr<uint32_t> ComponentBuilder::aliasExport(Sort sort, uint32_t instance,
                                                       const std::string& name, const Token* id,
                                                       bool named, bool coreExport) {
  CodeWriter w;
  writeSort(w, sort);
  w.u8(coreExport ? 0x01 : 0x00);
  w.u32(instance);
  w.name(name);
  emitAlias(w.out());
  return define(sort, id, named);
}

// After `(alias`: `export $i "n" (sort $id?)`, `core export $i "n" (core sort $id?)`, or
// `outer $c $x (sort $id?)`. With `forcedSort` (the `(func $f (alias export $i "n"))` form) the
// trailing `(sort $id?)` is absent and `forcedId` names the item.
absl::Status ComponentBuilder::parseAlias(const Token* forcedId, std::optional<Sort> forcedSort) {
  auto target = [&]() -> absl::StatusOr<std::pair<Sort, const Token*>> {
    if (forcedSort) return std::make_pair(*forcedSort, forcedId);
    WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
    // Inside a core module type, `(type)` is a core type.
    WCR_ASSIGN_OR_RETURN(Sort s, parseSort(scope().kind == ScopeKind::ModuleType));
    const Token* id = c_.is(TokenKind::Id) ? &c_.next() : nullptr;
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return std::make_pair(s, id);
  };
  if (c_.takeKeyword("export")) {
    WCR_ASSIGN_OR_RETURN(uint32_t instance, parseIndex(Sort::Instance));
    WCR_ASSIGN_OR_RETURN(std::string name, c_.expectName());
    WCR_ASSIGN_OR_RETURN(auto t, target());
    WCR_RETURN_IF_ERROR(aliasExport(t.first, instance, name, t.second, true, false).status());
  } else if (c_.isKeyword("core") && c_.isKeyword("export", 1)) {
    c_.setPos(c_.pos() + 2);
    WCR_ASSIGN_OR_RETURN(uint32_t instance, parseIndex(Sort::CoreInstance));
    WCR_ASSIGN_OR_RETURN(std::string name, c_.expectName());
    WCR_ASSIGN_OR_RETURN(auto t, target());
    WCR_RETURN_IF_ERROR(aliasExport(t.first, instance, name, t.second, true, true).status());
  } else if (c_.takeKeyword("outer")) {
    // The sort comes last but decides the index space: read it first.
    size_t countPos = c_.pos();
    if (!peekIndex()) return errorAt(c_.peek(), "expected an index");
    c_.next();
    if (!peekIndex()) return errorAt(c_.peek(), "expected an index");
    const Token& indexToken = c_.next();
    WCR_ASSIGN_OR_RETURN(auto t, target());
    size_t end = c_.pos();
    c_.setPos(countPos);
    WCR_ASSIGN_OR_RETURN(uint32_t count, parseOuterCount());
    uint32_t index = 0;
    if (indexToken.kind == TokenKind::Id) {
      if (count >= scopes_.size()) return errorAt(indexToken, "outer count too large");
      Scope& outer = *scopes_[scopes_.size() - 1 - count];
      size_t k = static_cast<size_t>(t.first);
      std::string name = idName(indexToken);
      auto it = outer.names[k].find(name);
      if (it != outer.names[k].end()) {
        index = it->second;
      } else if (havePrevious_ && outer.ordinal < previous_.size() &&
                 previous_[outer.ordinal][k].contains(name)) {
        index = previous_[outer.ordinal][k].at(name);
      } else if (!havePrevious_) {
        unresolved_ = true;
      } else {
        return errorAt(indexToken,
                       absl::StrFormat("unknown %s %s", sortDescription(t.first), indexToken.text));
      }
      c_.next();
    } else {
      WCR_ASSIGN_OR_RETURN(index, parseU32());
    }
    c_.setPos(end);
    CodeWriter w;
    if (scope().kind == ScopeKind::ModuleType) {
      w.u8(0x10);
      w.u8(0x01);
    } else {
      writeSort(w, t.first);
      w.u8(0x02);
    }
    w.u32(count);
    w.u32(index);
    emitAlias(w.out());
    WCR_RETURN_IF_ERROR(define(t.first, t.second, true).status());
  } else {
    return errorAt(c_.peek(), "expected `export`, `core export` or `outer`");
  }
  return c_.expectRParen();
}

absl::Status ComponentBuilder::parseItemWithSort(Sort sort) {
  WCR_ASSIGN_OR_RETURN(Binding b, parseBinding());
  if (!atAliasSugar()) {
    return errorAt(c_.peek(), absl::StrFormat("expected an alias for a %s", sortDescription(sort)));
  }
  c_.setPos(c_.pos() + 2);
  WCR_RETURN_IF_ERROR(parseAlias(b.id, sort));
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  return bindExports(sort, lastDefined_, b);
}

absl::Status ComponentBuilder::parseImport() {
  WCR_ASSIGN_OR_RETURN(ExportName name, parseExternName());
  CodeWriter w;
  writeExternName(w, name);
  WCR_RETURN_IF_ERROR(writeExternType(w, true));
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  if (scope().kind == ScopeKind::Component) {
    scope().sections.addItem(kImportSection, w.out());
  } else {
    scope().decls.add(0x03, w.out());
  }
  return absl::OkStatus();
}

absl::Status ComponentBuilder::parseExport() {
  const Token* id = c_.is(TokenKind::Id) ? &c_.next() : nullptr;
  WCR_ASSIGN_OR_RETURN(ExportName name, parseExternName());
  CodeWriter w;
  writeExternName(w, name);
  WCR_ASSIGN_OR_RETURN(auto ref, parseSortRef());
  writeSort(w, ref.first);
  w.u32(ref.second);
  if (c_.atRParen()) {
    w.u8(0x00);
  } else {
    w.u8(0x01);
    WCR_RETURN_IF_ERROR(writeExternType(w, false));
  }
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  scope().sections.addItem(kExportSection, w.out());
  return define(ref.first, id).status();
}

absl::Status ComponentBuilder::parseStart() {
  CodeWriter w;
  WCR_ASSIGN_OR_RETURN(uint32_t func, parseIndex(Sort::Func));
  w.u32(func);
  std::vector<uint32_t> args;
  while (c_.isParenKeyword("value")) {
    c_.setPos(c_.pos() + 2);
    WCR_ASSIGN_OR_RETURN(uint32_t v, parseIndex(Sort::Value));
    args.push_back(v);
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  }
  w.u32(static_cast<uint32_t>(args.size()));
  for (uint32_t v : args) w.u32(v);
  std::vector<const Token*> results;
  while (c_.takeParenKeyword("result")) {
    WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
    WCR_RETURN_IF_ERROR(c_.expectKeyword("value"));
    results.push_back(c_.is(TokenKind::Id) ? &c_.next() : nullptr);
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    WCR_RETURN_IF_ERROR(c_.expectRParen());
  }
  w.u32(static_cast<uint32_t>(results.size()));
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  scope().sections.addRaw(kStartSection, w.out());
  // wasm-tools does not name the results in the name section.
  for (const Token* id : results) WCR_RETURN_IF_ERROR(define(Sort::Value, id, false).status());
  return absl::OkStatus();
}

absl::Status ComponentBuilder::parseCustom() {
  // `(@custom "name" "data"*)`, written where it appears. Components have no placement
  // clause (`(before first)` is for core modules; wasm-tools rejects it here too).
  WCR_ASSIGN_OR_RETURN(std::string name, c_.expectName());
  if (!c_.is(TokenKind::String) && !c_.atRParen()) {
    return errorAt(c_.peek(), "expected a string");
  }
  CodeWriter w;
  w.name(name);
  while (c_.is(TokenKind::String)) {
    WCR_ASSIGN_OR_RETURN(std::string data, c_.expectString());
    w.bytes(data.data(), data.size());
  }
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  if (scope().kind == ScopeKind::Component) scope().sections.addRaw(kCustomSection, w.out());
  return absl::OkStatus();
}

absl::Status ComponentBuilder::parseCoreFunc() {
  WCR_ASSIGN_OR_RETURN(Binding b, parseBinding());
  if (atAliasSugar()) {
    c_.setPos(c_.pos() + 2);
    WCR_RETURN_IF_ERROR(parseAlias(b.id, Sort::CoreFunc));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return bindExports(Sort::CoreFunc, lastDefined_, b);
  }
  if (!c_.takeParenKeyword("canon")) {
    return errorAt(c_.peek(), "expected `(canon ...)` or `(alias ...)` in a core func");
  }
  WCR_RETURN_IF_ERROR(parseCanon(&b, false, true));
  return c_.expectRParen();
}

absl::Status ComponentBuilder::parseFunc() {
  WCR_ASSIGN_OR_RETURN(Binding b, parseBinding());
  if (atAliasSugar()) {
    c_.setPos(c_.pos() + 2);
    WCR_RETURN_IF_ERROR(parseAlias(b.id, Sort::Func));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return bindExports(Sort::Func, lastDefined_, b);
  }
  if (atInlineImport()) {
    // `(func $id? (import "name") <type use>)`: an import.
    c_.setPos(c_.pos() + 2);
    WCR_ASSIGN_OR_RETURN(ExportName name, parseExternName());
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    CodeWriter w;
    writeExternName(w, name);
    w.u8(0x01);
    uint32_t type = 0;
    if (c_.isParenKeyword("type")) {
      c_.setPos(c_.pos() + 2);
      WCR_ASSIGN_OR_RETURN(type, parseIndex(Sort::Type));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else {
      WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> t, parseFuncType());
      WCR_ASSIGN_OR_RETURN(type, emitType(std::move(t), nullptr, false));
    }
    w.u32(type);
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    scope().sections.addItem(kImportSection, w.out());
    WCR_ASSIGN_OR_RETURN(uint32_t index, define(Sort::Func, b.id));
    return bindExports(Sort::Func, index, b);
  }
  WCR_RETURN_IF_ERROR(parseCanon(&b, true, false));
  return c_.expectRParen();
}

}  // namespace wcr::canon::text
