// Component values of WAST scripts (script_values.h).
#include "canon/text/script_values.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "jit/support/status.h"
#include "jit/support/utf8.h"
#include "jit/text/cursor.h"
#include "jit/text/numbers.h"

namespace wcr::canon::text {
namespace {

using jit::text::Cursor;
using jit::text::NumStatus;
using jit::text::Token;
using jit::text::TokenKind;
using Kind = ComponentValue::Kind;

constexpr uint32_t kMaxValueNesting = 500;

struct IntInfo {
  std::string_view op;
  Kind kind;
  unsigned bits;
  bool isSigned;
};
constexpr IntInfo kInts[] = {
    {"s8.const", Kind::S8, 8, true},    {"u8.const", Kind::U8, 8, false},
    {"s16.const", Kind::S16, 16, true}, {"u16.const", Kind::U16, 16, false},
    {"s32.const", Kind::S32, 32, true}, {"u32.const", Kind::U32, 32, false},
    {"s64.const", Kind::S64, 64, true}, {"u64.const", Kind::U64, 64, false},
};

bool isValueOp(std::string_view op) {
  for (const IntInfo& i : kInts) {
    if (i.op == op) return true;
  }
  static constexpr std::string_view kOthers[] = {
      "bool.const",  "f32.const",    "f64.const",   "char.const",    "str.const",
      "list.const",  "record.const", "tuple.const", "variant.const", "enum.const",
      "option.none", "option.some",  "result.ok",   "result.err",    "flags.const"};
  for (std::string_view o : kOthers) {
    if (o == op) return true;
  }
  return false;
}

class ValueParser {
 public:
  explicit ValueParser(Cursor& c) : c_(c) {}

  // `( op payload )`.
  absl::StatusOr<ComponentValue> value(uint32_t depth) {
    if (depth > kMaxValueNesting) return Cursor::errorAt(c_.peek(), "nesting too deep");
    WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
    WCR_ASSIGN_OR_RETURN(ComponentValue v, body(depth));
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return v;
  }

  // `op payload` up to (not including) the `)`.
  absl::StatusOr<ComponentValue> body(uint32_t depth) {
    const Token& op = c_.peek();
    if (op.kind != TokenKind::Keyword || !isValueOp(op.text)) {
      return Cursor::errorAt(op, "unexpected token: expected a component value");
    }
    c_.next();
    ComponentValue v;
    for (const IntInfo& i : kInts) {
      if (i.op == op.text) return integer(i);
    }
    std::string_view k = op.text;
    if (k == "bool.const") {
      v.kind = Kind::Bool;
      if (c_.takeKeyword("true"))
        v.bits = 1;
      else if (c_.takeKeyword("false"))
        v.bits = 0;
      else
        return Cursor::errorAt(c_.peek(), "unexpected token: expected true or false");
    } else if (k == "f32.const" || k == "f64.const") {
      const Token& t = c_.peek();
      if (t.kind != TokenKind::Number) return c_.unexpected();
      NumStatus st;
      if (k == "f32.const") {
        v.kind = Kind::F32;
        uint32_t b = 0;
        st = jit::text::parseF32(t.text, b);
        v.bits = b;
      } else {
        v.kind = Kind::F64;
        st = jit::text::parseF64(t.text, v.bits);
      }
      if (st == NumStatus::Malformed) return c_.unexpected();
      if (st == NumStatus::OutOfRange) return Cursor::errorAt(t, "constant out of range");
      c_.next();
    } else if (k == "char.const") {
      v.kind = Kind::Char;
      const Token& t = c_.peek();
      WCR_ASSIGN_OR_RETURN(std::string s, c_.expectName());
      uint32_t cp = 0;
      size_t len = decodeOne(s, cp);
      if (len == 0 || len != s.size()) {
        return Cursor::errorAt(t, "a char.const needs exactly one Unicode scalar value");
      }
      v.bits = cp;
    } else if (k == "str.const") {
      v.kind = Kind::String;
      WCR_ASSIGN_OR_RETURN(v.text, c_.expectName());
    } else if (k == "list.const" || k == "tuple.const") {
      v.kind = k == "list.const" ? Kind::List : Kind::Tuple;
      while (!c_.atRParen()) {
        WCR_ASSIGN_OR_RETURN(ComponentValue e, value(depth + 1));
        v.elements.push_back(std::move(e));
      }
    } else if (k == "record.const") {
      v.kind = Kind::Record;
      while (c_.takeParenKeyword("field")) {
        WCR_ASSIGN_OR_RETURN(std::string label, c_.expectName());
        ComponentValue e;
        if (c_.is(TokenKind::LParen)) {
          WCR_ASSIGN_OR_RETURN(e, value(depth + 1));
        } else {
          WCR_ASSIGN_OR_RETURN(e, body(depth + 1));
        }
        WCR_RETURN_IF_ERROR(c_.expectRParen());
        v.labels.push_back(std::move(label));
        v.elements.push_back(std::move(e));
      }
    } else if (k == "variant.const") {
      v.kind = Kind::Variant;
      WCR_ASSIGN_OR_RETURN(v.text, c_.expectName());
      WCR_RETURN_IF_ERROR(optionalPayload(v, depth));
    } else if (k == "enum.const") {
      v.kind = Kind::Enum;
      WCR_ASSIGN_OR_RETURN(v.text, c_.expectName());
    } else if (k == "option.none") {
      v.kind = Kind::Option;
    } else if (k == "option.some") {
      v.kind = Kind::Option;
      v.present = true;
      WCR_ASSIGN_OR_RETURN(ComponentValue e, value(depth + 1));
      v.elements.push_back(std::move(e));
    } else if (k == "result.ok" || k == "result.err") {
      v.kind = Kind::Result;
      v.present = k == "result.ok";
      WCR_RETURN_IF_ERROR(optionalPayload(v, depth));
    } else if (k == "flags.const") {
      v.kind = Kind::Flags;
      while (c_.is(TokenKind::String)) {
        WCR_ASSIGN_OR_RETURN(std::string label, c_.expectName());
        v.labels.push_back(std::move(label));
      }
    }
    if (!c_.atRParen()) return c_.unexpected();
    return v;
  }

 private:
  absl::Status optionalPayload(ComponentValue& v, uint32_t depth) {
    if (c_.atRParen()) return absl::OkStatus();
    WCR_ASSIGN_OR_RETURN(ComponentValue e, value(depth + 1));
    v.elements.push_back(std::move(e));
    return absl::OkStatus();
  }

  absl::StatusOr<ComponentValue> integer(const IntInfo& info) {
    const Token& t = c_.peek();
    if (t.kind != TokenKind::Number) return c_.unexpected();
    uint64_t bits = 0;
    NumStatus st = jit::text::parseInt(t.text, info.bits, bits);
    if (st == NumStatus::Malformed) return c_.unexpected();
    bool negative = t.text.starts_with("-");
    if (st == NumStatus::Ok) {
      if (!info.isSigned && negative && bits != 0) st = NumStatus::OutOfRange;
      if (info.isSigned && !negative && info.bits < 64 && (bits >> (info.bits - 1)) != 0) {
        st = NumStatus::OutOfRange;
      }
      if (info.isSigned && !negative && info.bits == 64 && (bits >> 63) != 0) {
        st = NumStatus::OutOfRange;
      }
    }
    if (st == NumStatus::OutOfRange) return Cursor::errorAt(t, "constant out of range");
    c_.next();
    ComponentValue v;
    v.kind = info.kind;
    v.bits = bits;
    return v;
  }

  // Decodes the first UTF-8 scalar of `s`; returns its length (0 when malformed).
  static size_t decodeOne(const std::string& s, uint32_t& cp) {
    if (s.empty()) return 0;
    auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
    uint8_t b0 = b(0);
    size_t len = b0 < 0x80           ? 1
                 : (b0 >> 5) == 0x6  ? 2
                 : (b0 >> 4) == 0xe  ? 3
                 : (b0 >> 3) == 0x1e ? 4
                                     : 0;
    if (len == 0 || len > s.size()) return 0;
    cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1f) : len == 3 ? (b0 & 0x0f) : (b0 & 0x07);
    for (size_t i = 1; i < len; ++i) cp = (cp << 6) | (b(i) & 0x3f);
    return len;
  }

  Cursor& c_;
};

}  // namespace

absl::StatusOr<std::shared_ptr<const jit::text::ExtensionValue>> parseComponentValue(
    const std::vector<Token>& tokens, size_t& pos) {
  Cursor c(tokens, pos);
  if (!c.is(TokenKind::LParen) || !c.is(TokenKind::Keyword, 1) || !isValueOp(c.peek(1).text)) {
    return absl::NotFoundError("not a component value");
  }
  ValueParser p(c);
  WCR_ASSIGN_OR_RETURN(ComponentValue v, p.value(0));
  pos = c.pos();
  return std::make_shared<const ComponentValue>(std::move(v));
}

std::string toString(const ComponentValue& v) {
  auto quoted = [](const std::string& s) { return absl::StrCat("\"", s, "\""); };
  auto elems = [&](std::string out) {
    for (const ComponentValue& e : v.elements) absl::StrAppend(&out, " ", toString(e));
    return out + ")";
  };
  switch (v.kind) {
    case Kind::Bool:
      return v.bits ? "(bool.const true)" : "(bool.const false)";
    case Kind::S8:
      return absl::StrFormat("(s8.const %d)", static_cast<int8_t>(v.bits));
    case Kind::U8:
      return absl::StrFormat("(u8.const %u)", v.bits);
    case Kind::S16:
      return absl::StrFormat("(s16.const %d)", static_cast<int16_t>(v.bits));
    case Kind::U16:
      return absl::StrFormat("(u16.const %u)", v.bits);
    case Kind::S32:
      return absl::StrFormat("(s32.const %d)", static_cast<int32_t>(v.bits));
    case Kind::U32:
      return absl::StrFormat("(u32.const %u)", v.bits);
    case Kind::S64:
      return absl::StrFormat("(s64.const %d)", static_cast<int64_t>(v.bits));
    case Kind::U64:
      return absl::StrFormat("(u64.const %u)", v.bits);
    case Kind::F32:
      return absl::StrFormat("(f32.const bits:0x%08x)", v.bits);
    case Kind::F64:
      return absl::StrFormat("(f64.const bits:0x%016x)", v.bits);
    case Kind::Char:
      return absl::StrFormat("(char.const U+%04X)", v.bits);
    case Kind::String:
      return absl::StrCat("(str.const ", quoted(v.text), ")");
    case Kind::List:
      return elems("(list.const");
    case Kind::Tuple:
      return elems("(tuple.const");
    case Kind::Record: {
      std::string out = "(record.const";
      for (size_t i = 0; i < v.elements.size(); ++i) {
        absl::StrAppend(&out, " (field ", quoted(v.labels[i]), " ", toString(v.elements[i]), ")");
      }
      return out + ")";
    }
    case Kind::Variant:
      return elems(absl::StrCat("(variant.const ", quoted(v.text)));
    case Kind::Enum:
      return absl::StrCat("(enum.const ", quoted(v.text), ")");
    case Kind::Option:
      return v.present ? elems("(option.some") : "(option.none)";
    case Kind::Result:
      return elems(v.present ? "(result.ok" : "(result.err");
    case Kind::Flags: {
      std::string out = "(flags.const";
      for (const std::string& l : v.labels) absl::StrAppend(&out, " ", quoted(l));
      return out + ")";
    }
  }
  return "?";
}

}  // namespace wcr::canon::text
