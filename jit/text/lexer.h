// Lexer for the WebAssembly text format (and the WAST script language, and the component text
// format, which share its tokens). Tokens keep views into the source; numbers and strings are
// interpreted by the parser, which knows what it expects (a nat, an i64, an f32, a name...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace wcr::jit::text {

enum class TokenKind : uint8_t {
  LParen,
  RParen,
  Keyword,   // starts with a lowercase letter: module, i32.add, offset=4, nan:canonical, ...
  Id,        // $name or $"name"
  String,    // "..." (text still escaped)
  Number,    // anything that starts like a number: 12, -0x1p3, inf, nan:0x7f, 1_000
  Reserved,  // any other idchars run: malformed wherever it appears
  Eof,
};

struct Token {
  TokenKind kind = TokenKind::Eof;
  std::string_view text;  // exact source text
  uint32_t line = 1;      // 1-based
  uint32_t column = 1;    // 1-based
  size_t offset = 0;      // byte offset in the source
};

// Splits `source` into tokens, skipping whitespace, line comments `;; ...` and nested block
// comments `(; ... ;)`. Errors ("unclosed string", "unclosed block comment", "malformed UTF-8
// encoding" in comments, illegal characters) carry line and column.
absl::StatusOr<std::vector<Token>> tokenize(std::string_view source);

// Decodes a String token's escapes (\n \t \\ \' \" \hh \u{...}) into raw bytes.
absl::StatusOr<std::string> decodeString(const Token& token);

}  // namespace wcr::jit::text
