// Cursor helpers and the table of keywords the text formats know (see cursor.h).
#include "jit/text/cursor.h"

#include "absl/container/flat_hash_set.h"
#include "jit/support/status.h"
#include "jit/support/utf8.h"
#include "jit/text/numbers.h"
#include "jit/wasm/opcodes.h"

namespace wcr::jit::text {
namespace {

const absl::flat_hash_set<std::string_view>& structuralKeywords() {
  static const auto* set = new absl::flat_hash_set<std::string_view>{
      // modules
      "module", "type", "func", "param", "result", "local", "import", "export", "table", "memory",
      "global", "elem", "data", "start", "offset", "item", "declare", "mut", "then", "else", "end",
      "block", "loop", "if", "funcref", "externref", "extern", "ref", "null", "shared", "i32",
      "i64", "f32", "f64", "v128", "i8", "i16", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4",
      "f64x2", "rec", "sub", "final", "struct", "array", "field", "any", "eq", "i31", "none",
      "nofunc", "noextern", "exn", "tag", "anyref", "eqref", "i31ref", "structref", "arrayref",
      "nullref", "nullfuncref", "nullexternref", "exnref", "pagesize", "catch", "catch_ref",
      "catch_all", "catch_all_ref",
      // scripts
      "binary", "quote", "definition", "instance", "register", "invoke", "get", "assert_return",
      "assert_trap", "assert_exhaustion", "assert_malformed", "assert_invalid",
      "assert_unlinkable", "assert_uninstantiable", "assert_exception", "assert_suspension",
      "nan:canonical", "nan:arithmetic", "ref.extern", "ref.host", "either", "script", "input",
      "output", "thread", "wait",
      // components
      "component", "core", "alias", "canon", "lift", "lower", "resource",
      "value", "with", "outer"};
  return *set;
}

bool isNatSuffix(std::string_view word, std::string_view prefix) {
  if (word.substr(0, prefix.size()) != prefix) return false;
  return numberShape(word.substr(prefix.size())) == NumShape::Nat;
}

}  // namespace

bool isKnownKeyword(std::string_view word) {
  if (structuralKeywords().contains(word)) return true;
  if (wasm::opcodeFromName(word).has_value()) return true;
  return isNatSuffix(word, "offset=") || isNatSuffix(word, "align=");
}

absl::Status Cursor::errorAt(const Token& t, std::string_view message) {
  return invalidError("%d:%d: %s", t.line, t.column, message);
}

absl::Status Cursor::unexpected(const Token& t) const {
  if (t.kind == TokenKind::Reserved ||
      (t.kind == TokenKind::Keyword && !isKnownKeyword(t.text))) {
    return errorAt(t, "unknown operator");
  }
  if (t.kind == TokenKind::Eof) return errorAt(t, "unexpected end of input");
  return errorAt(t, "unexpected token");
}

absl::Status Cursor::expect(TokenKind k) {
  if (!is(k)) return unexpected();
  next();
  return absl::OkStatus();
}

absl::Status Cursor::expectKeyword(std::string_view kw) {
  if (!isKeyword(kw)) return unexpected();
  next();
  return absl::OkStatus();
}

absl::StatusOr<std::string> Cursor::expectString() {
  if (!is(TokenKind::String)) return unexpected();
  return decodeString(next());
}

absl::StatusOr<std::string> Cursor::expectName() {
  const Token& t = peek();
  WCR_ASSIGN_OR_RETURN(std::string s, expectString());
  if (!support::isValidUtf8(s)) return errorAt(t, "malformed UTF-8 encoding");
  return s;
}

absl::Status Cursor::skipSexpr() {
  if (!is(TokenKind::LParen)) {
    if (is(TokenKind::Eof)) return unexpected();
    next();
    return absl::OkStatus();
  }
  int depth = 0;
  do {
    const Token& t = next();
    if (t.kind == TokenKind::LParen) ++depth;
    else if (t.kind == TokenKind::RParen) --depth;
    else if (t.kind == TokenKind::Eof) return unexpected(t);
  } while (depth > 0);
  return absl::OkStatus();
}

}  // namespace wcr::jit::text
