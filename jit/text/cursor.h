// Cursor: a position in a token vector with the helpers every text parser uses (module fields,
// instructions, WAST commands, and later the component text format). Errors carry line:column
// and the suite's wording: a Reserved token or a keyword nobody knows is an "unknown operator",
// anything else out of place is an "unexpected token". Internal to jit/text (and canon/text).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "jit/text/lexer.h"

namespace wcr::jit::text {

// True for keywords the text formats define (operators, field and script keywords, `offset=N`,
// `align=N`): an out-of-place known keyword is an "unexpected token", an unknown one an
// "unknown operator".
bool isKnownKeyword(std::string_view word);

class Cursor {
 public:
  explicit Cursor(const std::vector<Token>& tokens, size_t pos = 0) : toks_(&tokens), pos_(pos) {}

  size_t pos() const { return pos_; }
  void setPos(size_t p) { pos_ = p; }
  const std::vector<Token>& tokens() const { return *toks_; }

  const Token& peek(size_t ahead = 0) const {
    size_t i = pos_ + ahead;
    return i < toks_->size() ? (*toks_)[i] : toks_->back();
  }
  const Token& next() {
    const Token& t = peek();
    if (pos_ < toks_->size() - 1) ++pos_;
    return t;
  }

  bool is(TokenKind k, size_t ahead = 0) const { return peek(ahead).kind == k; }
  bool isKeyword(std::string_view kw, size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == TokenKind::Keyword && t.text == kw;
  }
  // `(` followed by keyword `kw`.
  bool isParenKeyword(std::string_view kw) const {
    return is(TokenKind::LParen) && isKeyword(kw, 1);
  }
  bool atRParen() const { return is(TokenKind::RParen); }

  // Consumes `(kw` when present.
  bool takeParenKeyword(std::string_view kw) {
    if (!isParenKeyword(kw)) return false;
    pos_ += 2;
    return true;
  }
  bool takeKeyword(std::string_view kw) {
    if (!isKeyword(kw)) return false;
    ++pos_;
    return true;
  }

  absl::Status expect(TokenKind k);
  absl::Status expectKeyword(std::string_view kw);
  absl::Status expectRParen() { return expect(TokenKind::RParen); }
  absl::StatusOr<std::string> expectString();  // decoded bytes of a String token
  absl::StatusOr<std::string> expectName();    // a String token that must be UTF-8

  // Skips one balanced s-expression (or a single token) starting at the current token.
  absl::Status skipSexpr();

  // "L:C: unexpected token" (or "unknown operator" when `t` calls for it).
  absl::Status unexpected(const Token& t) const;
  absl::Status unexpected() const { return unexpected(peek()); }
  static absl::Status errorAt(const Token& t, std::string_view message);

 private:
  const std::vector<Token>* toks_;
  size_t pos_;
};

}  // namespace wcr::jit::text
