// Entry points of canon/text (component_parser.h): `.wat` files, quoted components, and the
// component forms of WAST scripts.
#include "canon/text/component_builder.h"
#include "canon/text/component_parser.h"
#include "canon/text/script_values.h"
#include "jit/support/status.h"

namespace wcr::canon::text {

using jit::text::ScriptModule;

namespace {

// After `(component $id?` with the cursor at `binary`/`quote`, or at the definitions (then the
// cursor is put back at `startOfId` for the builder, which reads the `$id` itself).
absl::StatusOr<ScriptModule> parseComponentRest(Cursor& c, size_t startOfId) {
  ScriptModule m;
  m.kind = ScriptModule::Kind::Component;
  if (c.takeKeyword("binary")) {
    while (!c.atRParen()) {
      WCR_ASSIGN_OR_RETURN(std::string s, c.expectString());
      m.binary.insert(m.binary.end(), s.begin(), s.end());
    }
    WCR_RETURN_IF_ERROR(c.expectRParen());
    return m;
  }
  if (c.takeKeyword("quote")) {
    m.componentQuote = true;
    while (!c.atRParen()) {
      WCR_ASSIGN_OR_RETURN(std::string s, c.expectString());
      m.quote += s;
      m.quote += ' ';
    }
    WCR_RETURN_IF_ERROR(c.expectRParen());
    return m;
  }
  c.setPos(startOfId);
  ComponentBuilder builder(c);
  WCR_ASSIGN_OR_RETURN(m.binary, builder.build());
  return m;
}

}  // namespace

absl::StatusOr<std::vector<uint8_t>> parseComponentWat(std::string_view source) {
  WCR_ASSIGN_OR_RETURN(std::vector<Token> tokens, jit::text::tokenize(source));
  Cursor c(tokens);
  if (!c.takeParenKeyword("component")) {
    return Cursor::errorAt(c.peek(), "expected `(component`");
  }
  size_t startOfId = c.pos();
  if (c.is(TokenKind::Id)) c.next();
  WCR_ASSIGN_OR_RETURN(ScriptModule m, parseComponentRest(c, startOfId));
  if (!c.is(TokenKind::Eof)) return c.unexpected();
  if (m.componentQuote) return parseQuotedComponent(m.quote);
  return std::move(m.binary);
}

absl::StatusOr<std::vector<uint8_t>> parseQuotedComponent(std::string_view definitions) {
  std::string source = "(component ";
  source.append(definitions);
  source.append("\n)");
  return parseComponentWat(source);
}

absl::StatusOr<ScriptModule> parseScriptComponent(const std::vector<Token>& tokens, size_t& pos) {
  Cursor c(tokens, pos);
  if (!c.isParenKeyword("component")) return absl::NotFoundError("not a component");
  c.setPos(c.pos() + 2);
  bool definition = c.takeKeyword("definition");
  size_t startOfId = c.pos();
  std::optional<std::string> id;
  if (c.is(TokenKind::Id)) id = std::string(c.next().text);
  WCR_ASSIGN_OR_RETURN(ScriptModule m, parseComponentRest(c, startOfId));
  m.id = std::move(id);
  m.isDefinition = definition;
  pos = c.pos();
  return m;
}

absl::StatusOr<jit::text::Script> parseComponentScript(std::string_view source) {
  return jit::text::parseScript(source, parseScriptComponent, parseComponentValue);
}

}  // namespace wcr::canon::text
