// The WAST script language (script.h) and the entry points of parser.h: `.wat` files, quoted
// modules, and scripts with their module forms (text, binary, quote, definition, instance),
// actions, constants and result patterns (NaN classes, v128 lane patterns, references, either).
#include <cstring>

#include "jit/support/status.h"
#include "jit/text/module_parser.h"
#include "jit/text/numbers.h"
#include "jit/text/parser.h"

namespace wcr::jit::text {
namespace {

std::optional<std::string> takeId(Cursor& c) {
  if (!c.is(TokenKind::Id)) return std::nullopt;
  return std::string(c.next().text);
}

// After `(module $id?`: `binary "..."*`, `quote "..."*` or module fields; consumes the `)`.
absl::StatusOr<ScriptModule> parseModuleRest(Cursor& c, std::optional<std::string> id) {
  ScriptModule m;
  m.id = id;
  if (c.takeKeyword("binary")) {
    m.kind = ScriptModule::Kind::Binary;
    while (!c.atRParen()) {
      WCR_ASSIGN_OR_RETURN(std::string s, c.expectString());
      m.binary.insert(m.binary.end(), s.begin(), s.end());
    }
  } else if (c.takeKeyword("quote")) {
    m.kind = ScriptModule::Kind::Quote;
    while (!c.atRParen()) {
      WCR_ASSIGN_OR_RETURN(std::string s, c.expectString());
      m.quote += s;
    }
  } else {
    m.kind = ScriptModule::Kind::Binary;
    std::optional<std::string> name;
    if (id) name = id->substr(1);
    ModuleBuilder builder(c);
    WCR_ASSIGN_OR_RETURN(m.binary, builder.build(name));
  }
  WCR_RETURN_IF_ERROR(c.expectRParen());
  return m;
}

class ScriptParser {
 public:
  ScriptParser(const std::vector<Token>& tokens, const ScriptModuleHook& hook,
               const ScriptValueHook& valueHook)
      : c_(tokens), hook_(hook), valueHook_(valueHook) {}

  absl::StatusOr<Script> run() {
    Script script;
    if (startsWithField()) {
      // A script may be just the fields of one module (inline-module.wast).
      Command cmd;
      cmd.kind = Command::Kind::Module;
      cmd.line = c_.peek().line;
      ScriptModule m;
      m.line = cmd.line;
      ModuleBuilder builder(c_);
      WCR_ASSIGN_OR_RETURN(m.binary, builder.build(std::nullopt));
      if (!c_.is(TokenKind::Eof)) return c_.unexpected();
      cmd.module = std::move(m);
      script.commands.push_back(std::move(cmd));
      return script;
    }
    while (!c_.is(TokenKind::Eof)) {
      WCR_ASSIGN_OR_RETURN(Command cmd, parseCommand());
      script.commands.push_back(std::move(cmd));
    }
    return script;
  }

 private:
  bool startsWithField() const {
    static constexpr std::string_view kFields[] = {"type",   "import", "func",  "table", "memory",
                                                   "global", "export", "start", "elem",  "data"};
    if (!c_.is(TokenKind::LParen)) return false;
    for (std::string_view f : kFields) {
      if (c_.isKeyword(f, 1)) return true;
    }
    return false;
  }

  absl::StatusOr<Command> parseCommand() {
    Command cmd;
    const Token& open = c_.peek();
    cmd.line = open.line;
    if (!c_.is(TokenKind::LParen) || !c_.is(TokenKind::Keyword, 1)) {
      if (c_.is(TokenKind::LParen)) return c_.unexpected(c_.peek(1));
      return c_.unexpected();
    }
    const Token& keyword = c_.peek(1);
    std::string_view k = keyword.text;
    if ((k == "module" || k == "component") && c_.isKeyword("instance", 2)) {
      c_.setPos(c_.pos() + 3);
      cmd.kind = Command::Kind::ModuleInstance;
      cmd.instanceId = takeId(c_);
      cmd.definitionId = takeId(c_);
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      return cmd;
    }
    if (k == "invoke" || k == "get") {
      cmd.kind = Command::Kind::Action;
      WCR_ASSIGN_OR_RETURN(cmd.action, parseAction());
      return cmd;
    }
    if (k == "register") {
      c_.setPos(c_.pos() + 2);
      cmd.kind = Command::Kind::Register;
      WCR_ASSIGN_OR_RETURN(cmd.registerName, c_.expectName());
      cmd.definitionId = takeId(c_);
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      return cmd;
    }
    if (k.substr(0, 7) != "assert_") {
      // A module form: ours, or one the hook knows (`(component ...)`).
      cmd.kind = Command::Kind::Module;
      WCR_ASSIGN_OR_RETURN(cmd.module, parseModule());
      return cmd;
    }
    c_.setPos(c_.pos() + 2);
    if (k == "assert_return") {
      cmd.kind = Command::Kind::AssertReturn;
      WCR_ASSIGN_OR_RETURN(cmd.action, parseAction());
      while (!c_.atRParen()) {
        WCR_ASSIGN_OR_RETURN(ResultPattern r, parseResult());
        cmd.expected.push_back(std::move(r));
      }
    } else if (k == "assert_trap") {
      cmd.kind = Command::Kind::AssertTrap;
      if (c_.isParenKeyword("invoke") || c_.isParenKeyword("get")) {
        WCR_ASSIGN_OR_RETURN(cmd.action, parseAction());
      } else {
        WCR_ASSIGN_OR_RETURN(cmd.module, parseModule());
      }
      WCR_ASSIGN_OR_RETURN(cmd.message, c_.expectString());
    } else if (k == "assert_exception") {
      cmd.kind = Command::Kind::AssertException;
      WCR_ASSIGN_OR_RETURN(cmd.action, parseAction());
    } else if (k == "assert_exhaustion") {
      cmd.kind = Command::Kind::AssertExhaustion;
      WCR_ASSIGN_OR_RETURN(cmd.action, parseAction());
      WCR_ASSIGN_OR_RETURN(cmd.message, c_.expectString());
    } else if (k == "assert_malformed" || k == "assert_invalid" || k == "assert_unlinkable" ||
               k == "assert_uninstantiable") {
      cmd.kind = k == "assert_malformed"    ? Command::Kind::AssertMalformed
                 : k == "assert_invalid"    ? Command::Kind::AssertInvalid
                 : k == "assert_unlinkable" ? Command::Kind::AssertUnlinkable
                                            : Command::Kind::AssertUninstantiable;
      WCR_ASSIGN_OR_RETURN(cmd.module, parseModule());
      WCR_ASSIGN_OR_RETURN(cmd.message, c_.expectString());
    } else {
      return c_.unexpected(keyword);
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return cmd;
  }

  absl::StatusOr<ScriptModule> parseModule() {
    const Token& open = c_.peek();
    if (!c_.is(TokenKind::LParen)) return c_.unexpected();
    if (c_.isParenKeyword("module")) {
      c_.setPos(c_.pos() + 2);
      bool definition = c_.takeKeyword("definition");
      std::optional<std::string> id = takeId(c_);
      WCR_ASSIGN_OR_RETURN(ScriptModule m, parseModuleRest(c_, std::move(id)));
      m.isDefinition = definition;
      m.line = open.line;
      return m;
    }
    if (hook_) {
      size_t pos = c_.pos();
      absl::StatusOr<ScriptModule> m = hook_(c_.tokens(), pos);
      if (m.ok()) {
        c_.setPos(pos);
        m->line = open.line;
        return m;
      }
      if (!absl::IsNotFound(m.status())) return m.status();
    }
    return c_.unexpected(c_.peek(1));
  }

  absl::StatusOr<Action> parseAction() {
    Action a;
    if (c_.takeParenKeyword("invoke")) {
      a.kind = Action::Kind::Invoke;
    } else if (c_.takeParenKeyword("get")) {
      a.kind = Action::Kind::Get;
    } else {
      return c_.unexpected();
    }
    a.moduleId = takeId(c_);
    WCR_ASSIGN_OR_RETURN(a.field, c_.expectName());
    if (a.kind == Action::Kind::Invoke) {
      while (!c_.atRParen()) {
        WCR_ASSIGN_OR_RETURN(Value v, parseConst());
        a.args.push_back(v);
      }
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return a;
  }

  // The number after `i32.const` etc. in a script constant.
  absl::Status scalar(std::string_view op, Value& v) {
    const Token& t = c_.peek();
    if (t.kind != TokenKind::Number) return c_.unexpected();
    NumStatus st;
    if (op == "i32.const" || op == "i64.const") {
      bool is32 = op == "i32.const";
      v.type = is32 ? Value::Type::I32 : Value::Type::I64;
      st = parseInt(t.text, is32 ? 32 : 64, v.bits);
    } else if (op == "f32.const") {
      v.type = Value::Type::F32;
      uint32_t b = 0;
      st = parseF32(t.text, b);
      v.bits = b;
    } else {
      v.type = Value::Type::F64;
      st = parseF64(t.text, v.bits);
    }
    if (st == NumStatus::Malformed) return c_.unexpected();
    if (st == NumStatus::OutOfRange) return Cursor::errorAt(t, "constant out of range");
    c_.next();
    return absl::OkStatus();
  }

  struct Shape {
    unsigned laneBits = 0;
    bool isFloat = false;
    size_t lanes() const { return 128 / laneBits; }
  };

  absl::StatusOr<Shape> parseShape() {
    const Token& t = c_.peek();
    Shape s;
    if (t.text == "i8x16") s = {8, false};
    else if (t.text == "i16x8") s = {16, false};
    else if (t.text == "i32x4") s = {32, false};
    else if (t.text == "i64x2") s = {64, false};
    else if (t.text == "f32x4") s = {32, true};
    else if (t.text == "f64x2") s = {64, true};
    else return c_.unexpected();
    c_.next();
    return s;
  }

  // One v128 lane; with `patterns`, float lanes may be nan:canonical / nan:arithmetic.
  absl::Status lane(const Shape& s, size_t i, Value& v, ResultPattern* pattern) {
    const Token& t = c_.peek();
    if (pattern && s.isFloat && (t.text == "nan:canonical" || t.text == "nan:arithmetic")) {
      pattern->kind = t.text == "nan:canonical" ? ResultPattern::Kind::NanCanonical
                                                : ResultPattern::Kind::NanArithmetic;
      pattern->value.type = s.laneBits == 32 ? Value::Type::F32 : Value::Type::F64;
      c_.next();
      return absl::OkStatus();
    }
    if (t.kind != TokenKind::Number) return c_.unexpected();
    uint64_t bits = 0;
    NumStatus st;
    if (!s.isFloat) {
      st = parseInt(t.text, s.laneBits, bits);
    } else if (s.laneBits == 32) {
      uint32_t b = 0;
      st = parseF32(t.text, b);
      bits = b;
    } else {
      st = parseF64(t.text, bits);
    }
    if (st == NumStatus::Malformed) return c_.unexpected();
    if (st == NumStatus::OutOfRange) return Cursor::errorAt(t, "constant out of range");
    c_.next();
    size_t n = s.laneBits / 8;
    for (size_t b = 0; b < n; ++b) v.v128[i * n + b] = static_cast<uint8_t>(bits >> (8 * b));
    if (pattern) {
      pattern->kind = ResultPattern::Kind::Exact;
      pattern->value.type = !s.isFloat ? (s.laneBits == 64 ? Value::Type::I64 : Value::Type::I32)
                            : s.laneBits == 32 ? Value::Type::F32 : Value::Type::F64;
      pattern->value.bits = bits;
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Value> parseConst() {
    size_t start = c_.pos();
    WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
    const Token& op = c_.peek();
    if (op.kind != TokenKind::Keyword) return c_.unexpected();
    c_.next();
    Value v;
    if (op.text == "i32.const" || op.text == "i64.const" || op.text == "f32.const" ||
        op.text == "f64.const") {
      WCR_RETURN_IF_ERROR(scalar(op.text, v));
    } else if (op.text == "v128.const") {
      v.type = Value::Type::V128;
      WCR_ASSIGN_OR_RETURN(Shape s, parseShape());
      for (size_t i = 0; i < s.lanes(); ++i) WCR_RETURN_IF_ERROR(lane(s, i, v, nullptr));
    } else if (op.text == "ref.null") {
      WCR_RETURN_IF_ERROR(refNull(v));
    } else if (op.text == "ref.extern" || op.text == "ref.host") {
      v.type = Value::Type::ExternRef;
      WCR_RETURN_IF_ERROR(refPayload(v));
    } else if (op.text == "ref.func") {
      v.type = Value::Type::FuncRef;
      WCR_RETURN_IF_ERROR(refPayload(v));
    } else if (valueHook_) {
      size_t pos = start;
      absl::StatusOr<std::shared_ptr<const ExtensionValue>> ext = valueHook_(c_.tokens(), pos);
      if (ext.ok()) {
        c_.setPos(pos);
        v.extension = *std::move(ext);
        return v;
      }
      if (!absl::IsNotFound(ext.status())) return ext.status();
      return c_.unexpected(op);
    } else {
      return c_.unexpected(op);
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return v;
  }

  absl::Status refNull(Value& v) {
    v.isNull = true;
    if (c_.takeKeyword("func") || c_.takeKeyword("funcref") || c_.takeKeyword("nofunc")) {
      v.type = Value::Type::FuncRef;
    } else if (c_.takeKeyword("extern") || c_.takeKeyword("externref") ||
               c_.takeKeyword("noextern")) {
      v.type = Value::Type::ExternRef;
    } else if (c_.takeKeyword("exn") || c_.takeKeyword("exnref") || c_.takeKeyword("noexn")) {
      v.type = Value::Type::ExnRef;
    } else {
      return c_.unexpected();
    }
    return absl::OkStatus();
  }

  absl::Status refPayload(Value& v) {
    const Token& t = c_.peek();
    if (t.kind != TokenKind::Number || parseNat(t.text, v.bits) != NumStatus::Ok) {
      return c_.unexpected();
    }
    c_.next();
    return absl::OkStatus();
  }

  absl::StatusOr<ResultPattern> parseResult(bool nestedEither = false) {
    size_t start = c_.pos();
    WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
    const Token& op = c_.peek();
    if (op.kind != TokenKind::Keyword) return c_.unexpected();
    c_.next();
    ResultPattern r;
    if ((op.text == "f32.const" || op.text == "f64.const") &&
        (c_.isKeyword("nan:canonical") || c_.isKeyword("nan:arithmetic"))) {
      r.kind = c_.isKeyword("nan:canonical") ? ResultPattern::Kind::NanCanonical
                                             : ResultPattern::Kind::NanArithmetic;
      r.value.type = op.text == "f32.const" ? Value::Type::F32 : Value::Type::F64;
      c_.next();
    } else if (op.text == "v128.const") {
      WCR_ASSIGN_OR_RETURN(Shape s, parseShape());
      r.value.type = Value::Type::V128;
      r.lanes.resize(s.lanes());
      bool anyNan = false;
      for (size_t i = 0; i < s.lanes(); ++i) {
        WCR_RETURN_IF_ERROR(lane(s, i, r.value, &r.lanes[i]));
        anyNan |= r.lanes[i].kind != ResultPattern::Kind::Exact;
      }
      if (anyNan) {
        r.kind = ResultPattern::Kind::V128Lanes;
        r.laneType = r.lanes[0].value.type;
      } else {
        r.kind = ResultPattern::Kind::Exact;
        r.lanes.clear();
      }
    } else if (op.text == "ref.func" && c_.atRParen()) {
      r.kind = ResultPattern::Kind::RefFunc;
      r.value.type = Value::Type::FuncRef;
    } else if (op.text == "ref.null") {
      r.kind = ResultPattern::Kind::RefNull;
      WCR_RETURN_IF_ERROR(refNull(r.value));
    } else if (op.text == "ref.extern" || op.text == "ref.host") {
      r.kind = ResultPattern::Kind::RefExtern;
      r.value.type = Value::Type::ExternRef;
      WCR_RETURN_IF_ERROR(refPayload(r.value));
    } else if (op.text == "either" && !nestedEither) {
      r.kind = ResultPattern::Kind::Either;
      while (!c_.atRParen()) {
        WCR_ASSIGN_OR_RETURN(ResultPattern alt, parseResult(/*nestedEither=*/true));
        r.alternatives.push_back(std::move(alt));
      }
    } else {
      c_.setPos(start);
      r.kind = ResultPattern::Kind::Exact;
      WCR_ASSIGN_OR_RETURN(r.value, parseConst());
      return r;
    }
    WCR_RETURN_IF_ERROR(c_.expectRParen());
    return r;
  }

  Cursor c_;
  const ScriptModuleHook& hook_;
  const ScriptValueHook& valueHook_;
};

}  // namespace

absl::StatusOr<std::vector<uint8_t>> parseWat(std::string_view source) {
  WCR_ASSIGN_OR_RETURN(std::vector<Token> tokens, tokenize(source));
  Cursor c(tokens);
  std::vector<uint8_t> out;
  if (c.takeParenKeyword("module")) {
    std::optional<std::string> id = takeId(c);
    WCR_ASSIGN_OR_RETURN(ScriptModule m, parseModuleRest(c, std::move(id)));
    if (m.kind == ScriptModule::Kind::Quote) {
      WCR_ASSIGN_OR_RETURN(m.binary, parseQuotedModule(m.quote));
    }
    out = std::move(m.binary);
  } else {
    ModuleBuilder builder(c);
    WCR_ASSIGN_OR_RETURN(out, builder.build(std::nullopt));
  }
  if (!c.is(TokenKind::Eof)) return c.unexpected();
  return out;
}

absl::StatusOr<std::vector<uint8_t>> parseQuotedModule(std::string_view fields) {
  return parseWat(fields);
}

absl::StatusOr<Script> parseScript(std::string_view source, const ScriptModuleHook& hook,
                                   const ScriptValueHook& valueHook) {
  WCR_ASSIGN_OR_RETURN(std::vector<Token> tokens, tokenize(source));
  return ScriptParser(tokens, hook, valueHook).run();
}

}  // namespace wcr::jit::text
