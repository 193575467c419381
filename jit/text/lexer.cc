// Lexer for the WebAssembly text format: source text -> tokens with line and column.
//
// Decision: a run of characters that is not separated by whitespace, parentheses or a comment is
// one token. When it is exactly one identifier, keyword, number or string it gets that kind; any
// other run (`0drop`, `$l"a"`, `1__0`, `0x`) is Reserved, which the parser reports as "unknown
// operator", as the reference interpreter's lexer does. Numbers are checked against the literal
// grammar here (numbers.h) so that malformed ones become Reserved too.
#include "jit/text/lexer.h"

#include <string>

#include "jit/support/status.h"
#include "jit/support/utf8.h"
#include "jit/text/numbers.h"

namespace wcr::jit::text {
namespace {

bool isIdChar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '/': case ':': case '<': case '=': case '>': case '?': case '@': case '\\':
    case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// Length of the well-formed UTF-8 sequence starting at s[i], or 0 when malformed.
size_t utf8SequenceLength(std::string_view s, size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if (b >= 0xC2 && b <= 0xDF) {
    n = 2;
    cp = b & 0x1F;
  } else if (b >= 0xE0 && b <= 0xEF) {
    n = 3;
    cp = b & 0x0F;
  } else if (b >= 0xF0 && b <= 0xF4) {
    n = 4;
    cp = b & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  absl::StatusOr<std::vector<Token>> run() {
    std::vector<Token> out;
    while (true) {
      WCR_RETURN_IF_ERROR(skipTrivia());
      Token t;
      t.line = line_;
      t.column = static_cast<uint32_t>(pos_ - lineStart_ + 1);
      t.offset = pos_;
      if (pos_ >= src_.size()) {
        t.kind = TokenKind::Eof;
        out.push_back(t);
        return out;
      }
      char c = src_[pos_];
      if (c == '(') {
        t.kind = TokenKind::LParen;
        t.text = src_.substr(pos_, 1);
        ++pos_;
      } else if (c == ')') {
        t.kind = TokenKind::RParen;
        t.text = src_.substr(pos_, 1);
        ++pos_;
      } else {
        WCR_RETURN_IF_ERROR(scanRun(t));
      }
      out.push_back(t);
    }
  }

 private:
  absl::Status errorHere(std::string_view msg) const {
    return invalidError("%d:%d: %s", line_, pos_ - lineStart_ + 1, msg);
  }

  void newline() {
    ++line_;
    lineStart_ = pos_;
  }

  // Whitespace, line comments and (nested) block comments.
  absl::Status skipTrivia() {
    while (pos_ < src_.size()) {
      char c = src_[pos_];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\n') {
        ++pos_;
        newline();
      } else if (c == ';' && peek(1) == ';') {
        while (pos_ < src_.size() && src_[pos_] != '\n') WCR_RETURN_IF_ERROR(skipChar());
      } else if (c == '(' && peek(1) == ';') {
        WCR_RETURN_IF_ERROR(skipBlockComment());
      } else {
        break;
      }
    }
    return absl::OkStatus();
  }

  char peek(size_t ahead) const {
    return pos_ + ahead < src_.size() ? src_[pos_ + ahead] : '\0';
  }

  // Advances over one (UTF-8) character of a comment.
  absl::Status skipChar() {
    size_t n = utf8SequenceLength(src_, pos_);
    if (n == 0) return errorHere("malformed UTF-8 encoding");
    if (src_[pos_] == '\n') {
      ++pos_;
      newline();
    } else {
      pos_ += n;
    }
    return absl::OkStatus();
  }

  absl::Status skipBlockComment() {
    uint32_t startLine = line_;
    size_t startCol = pos_ - lineStart_ + 1;
    int depth = 0;
    while (pos_ < src_.size()) {
      if (src_[pos_] == '(' && peek(1) == ';') {
        pos_ += 2;
        ++depth;
      } else if (src_[pos_] == ';' && peek(1) == ')') {
        pos_ += 2;
        if (--depth == 0) return absl::OkStatus();
      } else {
        WCR_RETURN_IF_ERROR(skipChar());
      }
    }
    return invalidError("%d:%d: unclosed block comment", startLine, startCol);
  }

  // Scans a string literal starting at the opening quote; leaves pos_ after the closing quote.
  absl::Status scanString() {
    uint32_t startLine = line_;
    size_t startCol = pos_ - lineStart_ + 1;
    ++pos_;
    while (true) {
      if (pos_ >= src_.size()) return invalidError("%d:%d: unclosed string", startLine, startCol);
      auto c = static_cast<unsigned char>(src_[pos_]);
      if (c == '"') {
        ++pos_;
        return absl::OkStatus();
      }
      if (c == '\n') return errorHere("unclosed string");
      if (c < 0x20 || c == 0x7F) return errorHere("illegal control character in string");
      if (c == '\\') {
        pos_ += 2;  // the escape's first character; decodeString checks the rest
        if (pos_ > src_.size()) return invalidError("%d:%d: unclosed string", startLine, startCol);
        continue;
      }
      size_t n = utf8SequenceLength(src_, pos_);
      if (n == 0) return errorHere("malformed UTF-8 encoding");
      pos_ += n;
    }
  }

  // A run of idchars and strings not separated by whitespace, parentheses or comments.
  absl::Status scanRun(Token& t) {
    size_t start = pos_;
    int parts = 0;
    bool sawString = false;
    bool idString = false;  // `$"..."`
    while (pos_ < src_.size()) {
      auto c = static_cast<unsigned char>(src_[pos_]);
      if (c == '"') {
        if (parts == 1 && pos_ == start + 1 && src_[start] == '$') idString = true;
        WCR_RETURN_IF_ERROR(scanString());
        sawString = true;
        ++parts;
      } else if (isIdChar(c)) {
        while (pos_ < src_.size() && isIdChar(static_cast<unsigned char>(src_[pos_]))) ++pos_;
        ++parts;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(' || c == ')' ||
                 (c == ';' && peek(1) == ';')) {
        break;
      } else if (c >= 0x80 && utf8SequenceLength(src_, pos_) == 0) {
        return errorHere("malformed UTF-8 encoding");
      } else {
        if (pos_ == start) return errorHere("illegal character");
        // Other characters glue onto the run and make it reserved.
        pos_ += c >= 0x80 ? utf8SequenceLength(src_, pos_) : 1;
        parts += 2;
      }
    }
    t.text = src_.substr(start, pos_ - start);
    if (idString && parts == 2) {
      t.kind = TokenKind::Id;
    } else if (parts != 1) {
      t.kind = TokenKind::Reserved;
    } else if (sawString) {
      t.kind = TokenKind::String;
    } else {
      t.kind = classify(t.text);
    }
    return absl::OkStatus();
  }

  static TokenKind classify(std::string_view s) {
    char c = s[0];
    if (c == '$') return s.size() > 1 ? TokenKind::Id : TokenKind::Reserved;
    if (numberShape(s) != NumShape::Invalid) return TokenKind::Number;
    if (c >= 'a' && c <= 'z') return TokenKind::Keyword;
    return TokenKind::Reserved;
  }

  std::string_view src_;
  size_t pos_ = 0;
  uint32_t line_ = 1;
  size_t lineStart_ = 0;
};

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::StatusOr<std::vector<Token>> tokenize(std::string_view source) {
  return Lexer(source).run();
}

absl::StatusOr<std::string> decodeString(const Token& token) {
  std::string_view s = token.text;
  if (!s.empty() && s[0] == '$') s.remove_prefix(1);  // `$"..."` identifiers
  if (s.size() < 2 || s.front() != '"' || s.back() != '"') {
    return invalidError("%d:%d: unexpected token", token.line, token.column);
  }
  s = s.substr(1, s.size() - 2);
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c != '\\') {
      out.push_back(c);
      continue;
    }
    auto fail = [&] {
      return invalidError("%d:%d: illegal escape", token.line, token.column + i + 1);
    };
    if (++i >= s.size()) return fail();
    char e = s[i];
    switch (e) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case '"': out.push_back('"'); break;
      case '\'': out.push_back('\''); break;
      case '\\': out.push_back('\\'); break;
      case 'u': {
        if (i + 1 >= s.size() || s[i + 1] != '{') return fail();
        i += 2;
        uint32_t cp = 0;
        size_t digits = 0;
        bool lastUnderscore = false;
        while (i < s.size() && s[i] != '}') {
          if (s[i] == '_' && digits > 0 && !lastUnderscore) {
            lastUnderscore = true;
            ++i;
            continue;
          }
          int h = hexValue(s[i]);
          if (h < 0) return fail();
          cp = cp * 16 + h;
          if (cp > 0x10FFFF) return fail();
          ++digits;
          lastUnderscore = false;
          ++i;
        }
        if (i >= s.size() || digits == 0 || lastUnderscore) return fail();
        if (cp >= 0xD800 && cp <= 0xDFFF) return fail();
        support::appendUtf8(out, cp);
        break;
      }
      default: {
        int h1 = hexValue(e);
        int h2 = i + 1 < s.size() ? hexValue(s[i + 1]) : -1;
        if (h1 < 0 || h2 < 0) return fail();
        out.push_back(static_cast<char>(h1 * 16 + h2));
        ++i;
        break;
      }
    }
  }
  return out;
}

}  // namespace wcr::jit::text
