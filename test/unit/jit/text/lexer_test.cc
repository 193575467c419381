// Lexer: token kinds, separators, comments, strings and their escapes, and lexical errors.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "jit/text/lexer.h"

namespace {

using wcr::jit::text::decodeString;
using wcr::jit::text::Token;
using wcr::jit::text::TokenKind;
using wcr::jit::text::tokenize;

std::vector<Token> lex(std::string_view s) {
  auto r = tokenize(s);
  REQUIRE(r.ok());
  return *r;
}

std::vector<TokenKind> kinds(std::string_view s) {
  std::vector<TokenKind> out;
  for (const Token& t : lex(s)) out.push_back(t.kind);
  return out;
}

std::string lexError(std::string_view s) {
  auto r = tokenize(s);
  REQUIRE_FALSE(r.ok());
  return std::string(r.status().message());
}

}  // namespace

TEST_CASE("tokens of a small module", "[text][lexer]") {
  auto t = lex("(module $m (func (i32.const -0x1_0)))");
  REQUIRE(t.size() == 12);
  CHECK(t[0].kind == TokenKind::LParen);
  CHECK(t[1].kind == TokenKind::Keyword);
  CHECK(t[1].text == "module");
  CHECK(t[2].kind == TokenKind::Id);
  CHECK(t[2].text == "$m");
  CHECK(t[6].kind == TokenKind::Keyword);
  CHECK(t[6].text == "i32.const");
  CHECK(t[7].kind == TokenKind::Number);
  CHECK(t[7].text == "-0x1_0");
  CHECK(t.back().kind == TokenKind::Eof);
}

TEST_CASE("line and column are 1-based", "[text][lexer]") {
  auto t = lex("(a\n  b)");
  CHECK(t[1].line == 1);
  CHECK(t[1].column == 2);
  CHECK(t[2].line == 2);
  CHECK(t[2].column == 3);
  CHECK(t[2].offset == 5);
}

TEST_CASE("numbers, keywords and reserved runs", "[text][lexer]") {
  using K = TokenKind;
  CHECK(kinds("1 -1 +0x1F 1.5e3 0x1p-2 inf -nan nan:0x7f 1_000") ==
        std::vector<K>{K::Number, K::Number, K::Number, K::Number, K::Number, K::Number,
                       K::Number, K::Number, K::Number, K::Eof});
  CHECK(kinds("nan:canonical offset=4 i32.const0") ==
        std::vector<K>{K::Keyword, K::Keyword, K::Keyword, K::Eof});
  // Malformed numbers, glued tokens and runs not starting with a letter are reserved.
  CHECK(kinds("0x 1__0 1x 0drop _1 0$l") ==
        std::vector<K>{K::Reserved, K::Reserved, K::Reserved, K::Reserved, K::Reserved,
                       K::Reserved, K::Eof});
  CHECK(kinds("$l\"a\" \"a\"\"b\" \"a\"x") ==
        std::vector<K>{K::Reserved, K::Reserved, K::Reserved, K::Eof});
  CHECK(kinds("$l$l $\"quoted id\"") == std::vector<K>{K::Id, K::Id, K::Eof});
}

TEST_CASE("parentheses and comments separate tokens", "[text][lexer]") {
  using K = TokenKind;
  CHECK(kinds("(nop)(nop)") ==
        std::vector<K>{K::LParen, K::Keyword, K::RParen, K::LParen, K::Keyword, K::RParen, K::Eof});
  CHECK(kinds("br 0;;x\n") == std::vector<K>{K::Keyword, K::Number, K::Eof});
  CHECK(kinds("a(;c(;nested;)c;)b") == std::vector<K>{K::Keyword, K::Keyword, K::Eof});
  CHECK(kinds("(;\x01 \"unbalanced;)x") == std::vector<K>{K::Keyword, K::Eof});
}

TEST_CASE("lexical errors", "[text][lexer]") {
  CHECK(lexError("(; never closed") == "1:1: unclosed block comment");
  CHECK(lexError("\n  \"abc") == "2:3: unclosed string");
  CHECK(lexError("\"a\nb\"").find("unclosed string") != std::string::npos);
  CHECK(lexError("\"\x7f\"").find("illegal control character") != std::string::npos);
  CHECK(lexError(";; \xff\n").find("malformed UTF-8 encoding") != std::string::npos);
  CHECK(lexError("\"\xc0\x80\"").find("malformed UTF-8 encoding") != std::string::npos);
  CHECK(lexError(", x").find("illegal character") != std::string::npos);
}

TEST_CASE("string escapes", "[text][lexer]") {
  auto decode = [](std::string_view src) {
    auto t = lex(src);
    REQUIRE(t[0].kind == TokenKind::String);
    auto s = decodeString(t[0]);
    REQUIRE(s.ok());
    return *s;
  };
  CHECK(decode(R"("a\tb\n\r\"\'\\")") == "a\tb\n\r\"'\\");
  CHECK(decode(R"("\00\ff\7F")") == std::string("\x00\xff\x7f", 3));
  CHECK(decode(R"("\u{48}\u{e9}\u{1F600}")") == "H\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(decode("\"h\xc3\xa9\"") == "h\xc3\xa9");
  auto bad = [](std::string_view src) {
    auto t = lex(src);
    return decodeString(t[0]).ok();
  };
  CHECK_FALSE(bad(R"("\q")"));
  CHECK_FALSE(bad(R"("\0")"));
  CHECK_FALSE(bad(R"("\u{D800}")"));
  CHECK_FALSE(bad(R"("\u{110000}")"));
  CHECK_FALSE(bad(R"("\u{}")"));
}
