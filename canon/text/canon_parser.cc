// Canonical definitions of the text format: `canon lift` / `canon lower` with their options and
// every built-in of Binary.md (resources, backpressure, tasks, subtasks, streams, futures,
// error-context, waitable sets, threads), in the three spellings wasm-tools accepts:
// `(canon lower ... (core func $f))`, `(core func $f (canon lower ...))` and
// `(func $f (type $t) (canon lift ...))`.
#include "canon/text/component_builder.h"
#include "jit/support/status.h"

namespace wcr::canon::text {

using jit::wasm::CodeWriter;

namespace {

absl::Status errorAt(const Token& t, std::string_view message) {
  return Cursor::errorAt(t, message);
}

// Operand shapes of the built-ins after their opcode.
enum class Operands : uint8_t {
  None,
  Type,             // <typeidx>
  TypeOpts,         // <typeidx> <opts>
  TypeAsync,        // <typeidx> async?
  Opts,             // <opts>
  Async,            // async?
  Cancel,           // cancellable?
  CancelMemory,     // cancellable? (memory m)
  ValTypeIndex,     // <core:valtype> <u32>
  TaskReturn,       // (result t)? <opts>
  CoreTypeTable,    // <core:typeidx> <core:tableidx>
  Shared,           // shared?
  SharedType,       // shared? <core:typeidx>
  SharedTypeTable,  // shared? <core:typeidx> <core:tableidx>
};

struct Builtin {
  std::string_view name;
  uint8_t opcode;
  Operands operands;
};

constexpr Builtin kBuiltins[] = {
    {"resource.new", 0x02, Operands::Type},
    {"resource.drop", 0x03, Operands::Type},
    {"resource.rep", 0x04, Operands::Type},
    {"task.cancel", 0x05, Operands::None},
    {"subtask.cancel", 0x06, Operands::Async},
    {"backpressure.set", 0x08, Operands::None},
    {"task.return", 0x09, Operands::TaskReturn},
    {"context.get", 0x0a, Operands::ValTypeIndex},
    {"context.set", 0x0b, Operands::ValTypeIndex},
    {"thread.yield", 0x0c, Operands::Cancel},
    {"subtask.drop", 0x0d, Operands::None},
    {"stream.new", 0x0e, Operands::Type},
    {"stream.read", 0x0f, Operands::TypeOpts},
    {"stream.write", 0x10, Operands::TypeOpts},
    {"stream.cancel-read", 0x11, Operands::TypeAsync},
    {"stream.cancel-write", 0x12, Operands::TypeAsync},
    {"stream.drop-readable", 0x13, Operands::Type},
    {"stream.drop-writable", 0x14, Operands::Type},
    {"future.new", 0x15, Operands::Type},
    {"future.read", 0x16, Operands::TypeOpts},
    {"future.write", 0x17, Operands::TypeOpts},
    {"future.cancel-read", 0x18, Operands::TypeAsync},
    {"future.cancel-write", 0x19, Operands::TypeAsync},
    {"future.drop-readable", 0x1a, Operands::Type},
    {"future.drop-writable", 0x1b, Operands::Type},
    {"error-context.new", 0x1c, Operands::Opts},
    {"error-context.debug-message", 0x1d, Operands::Opts},
    {"error-context.drop", 0x1e, Operands::None},
    {"waitable-set.new", 0x1f, Operands::None},
    {"waitable-set.wait", 0x20, Operands::CancelMemory},
    {"waitable-set.poll", 0x21, Operands::CancelMemory},
    {"waitable-set.drop", 0x22, Operands::None},
    {"waitable.join", 0x23, Operands::None},
    {"backpressure.inc", 0x24, Operands::None},
    {"backpressure.dec", 0x25, Operands::None},
    {"thread.index", 0x26, Operands::None},
    {"thread.new-indirect", 0x27, Operands::CoreTypeTable},
    {"thread.resume-later", 0x28, Operands::None},
    {"thread.suspend", 0x29, Operands::Cancel},
    {"thread.suspend-then-resume", 0x2a, Operands::Cancel},
    {"thread.yield-then-resume", 0x2b, Operands::Cancel},
    {"thread.suspend-then-promote", 0x2c, Operands::Cancel},
    {"thread.yield-then-promote", 0x2d, Operands::Cancel},
    {"thread.spawn-ref", 0x40, Operands::SharedType},
    {"thread.spawn-indirect", 0x41, Operands::SharedTypeTable},
    {"thread.available-parallelism", 0x42, Operands::Shared},
};

}  // namespace

bool ComponentBuilder::atCanonOpt() const {
  const Token& t = c_.peek();
  if (t.kind == TokenKind::Keyword) {
    return t.text.starts_with("string-encoding=") || t.text == "async" || t.text == "gc";
  }
  if (!c_.is(TokenKind::LParen)) return false;
  return c_.isKeyword("memory", 1) || c_.isKeyword("realloc", 1) ||
         c_.isKeyword("post-return", 1) || c_.isKeyword("callback", 1) ||
         c_.isKeyword("core-type", 1);
}

absl::Status ComponentBuilder::writeCanonOpts(CodeWriter& w, uint32_t& count) {
  CodeWriter opts;
  count = 0;
  while (atCanonOpt()) {
    const Token& t = c_.peek();
    if (t.kind == TokenKind::Keyword) {
      c_.next();
      if (t.text == "string-encoding=utf8")
        opts.u8(0x00);
      else if (t.text == "string-encoding=utf16")
        opts.u8(0x01);
      else if (t.text == "string-encoding=latin1+utf16")
        opts.u8(0x02);
      else if (t.text == "async")
        opts.u8(0x06);
      else if (t.text == "gc")
        opts.u8(0x09);
      else
        return errorAt(t, "unknown string encoding");
    } else {
      c_.setPos(c_.pos() + 1);
      std::string_view k = c_.next().text;
      if (k == "memory") {
        opts.u8(0x03);
        WCR_ASSIGN_OR_RETURN(uint32_t m, parseRef(Sort::CoreMemory, true));
        opts.u32(m);
      } else if (k == "core-type") {
        opts.u8(0x08);
        WCR_ASSIGN_OR_RETURN(uint32_t ty, parseRef(Sort::CoreType, true));
        opts.u32(ty);
      } else {
        opts.u8(k == "realloc" ? 0x04 : k == "post-return" ? 0x05 : 0x07);
        WCR_ASSIGN_OR_RETURN(uint32_t f, parseRef(Sort::CoreFunc, true));
        opts.u32(f);
      }
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    }
    ++count;
  }
  w.u32(count);
  w.bytes(opts.out().data(), opts.out().size());
  return absl::OkStatus();
}

absl::Status ComponentBuilder::parseCanon(const Binding* outer, bool wrappedInFunc,
                                          bool wrappedInCoreFunc) {
  if (scope().kind != ScopeKind::Component) {
    return errorAt(c_.peek(), "canonical definition outside a component");
  }
  // `(func $f <type use>? (canon lift ...))`: the type comes first.
  std::optional<uint32_t> liftType;
  if (wrappedInFunc) {
    if (c_.isParenKeyword("type")) {
      c_.setPos(c_.pos() + 2);
      WCR_ASSIGN_OR_RETURN(liftType, parseIndex(Sort::Type));
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    } else {
      // An inline signature up to `(canon` (none at all: `(func)`).
      CodeWriter sig;
      sig.u8(c_.takeKeyword("async") ? 0x43 : 0x40);
      CodeWriter params;
      uint32_t n = 0;
      while (c_.takeParenKeyword("param")) {
        WCR_ASSIGN_OR_RETURN(std::string label, c_.expectName());
        params.name(label);
        WCR_RETURN_IF_ERROR(writeValType(params));
        WCR_RETURN_IF_ERROR(c_.expectRParen());
        ++n;
      }
      sig.u32(n);
      sig.bytes(params.out().data(), params.out().size());
      if (c_.takeParenKeyword("result")) {
        sig.u8(0x00);
        WCR_RETURN_IF_ERROR(writeValType(sig));
        WCR_RETURN_IF_ERROR(c_.expectRParen());
      } else {
        sig.u8(0x01);
        sig.u8(0x00);
      }
      WCR_ASSIGN_OR_RETURN(liftType, emitType(sig.out(), nullptr, false));
    }
    if (!c_.takeParenKeyword("canon")) {
      return errorAt(c_.peek(), "expected `(canon lift ...)`, `(alias ...)` or `(import ...)`");
    }
  }
  const Token& kw = c_.peek();
  if (kw.kind != TokenKind::Keyword) return errorAt(kw, "expected a canonical built-in");
  c_.next();
  CodeWriter w;
  Sort defines = Sort::CoreFunc;
  const Token* id = outer ? outer->id : nullptr;
  if (kw.text == "lift") {
    if (wrappedInCoreFunc) return errorAt(kw, "`canon lift` defines a component func");
    defines = Sort::Func;
    w.u8(0x00);
    w.u8(0x00);
    size_t refStart = c_.pos();
    size_t end = 0;
    if (!wrappedInFunc) {
      // `(canon lift <ref> <opts> (func $id? <type use>))` means `(func $id? <type use> (canon
      // lift <ref> <opts>))`: the type is expanded before the reference's aliases.
      WCR_RETURN_IF_ERROR(c_.skipSexpr());
      while (!c_.isParenKeyword("func") && !c_.atRParen() && !c_.is(TokenKind::Eof)) {
        WCR_RETURN_IF_ERROR(c_.skipSexpr());
      }
      // `(func $id? <type use>)`.
      WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
      WCR_RETURN_IF_ERROR(c_.expectKeyword("func"));
      if (c_.is(TokenKind::Id)) id = &c_.next();
      uint32_t type = 0;
      if (c_.isParenKeyword("type")) {
        c_.setPos(c_.pos() + 2);
        WCR_ASSIGN_OR_RETURN(type, parseIndex(Sort::Type));
        WCR_RETURN_IF_ERROR(c_.expectRParen());
      } else {
        WCR_ASSIGN_OR_RETURN(std::vector<uint8_t> sig, parseFuncType());
        WCR_ASSIGN_OR_RETURN(type, emitType(std::move(sig), nullptr, false));
      }
      WCR_RETURN_IF_ERROR(c_.expectRParen());
      liftType = type;
      end = c_.pos();
      c_.setPos(refStart);
    }
    if (!liftType) return errorAt(kw, "expected a function type for `canon lift`");
    WCR_ASSIGN_OR_RETURN(uint32_t f, parseRef(Sort::CoreFunc, true));
    w.u32(f);
    uint32_t n = 0;
    WCR_RETURN_IF_ERROR(writeCanonOpts(w, n));
    if (!wrappedInFunc) {
      if (!c_.isParenKeyword("func")) return c_.unexpected();
      c_.setPos(end);
    }
    w.u32(*liftType);
  } else {
    if (wrappedInFunc) return errorAt(kw, "only `canon lift` defines a component func");
    if (kw.text == "lower") {
      w.u8(0x01);
      w.u8(0x00);
      WCR_ASSIGN_OR_RETURN(uint32_t f, parseRef(Sort::Func, true));
      w.u32(f);
      uint32_t n = 0;
      WCR_RETURN_IF_ERROR(writeCanonOpts(w, n));
    } else {
      const Builtin* b = nullptr;
      for (const Builtin& candidate : kBuiltins) {
        if (candidate.name == kw.text) b = &candidate;
      }
      if (!b) return errorAt(kw, absl::StrFormat("unknown canonical built-in `%s`", kw.text));
      w.u8(b->opcode);
      uint32_t n = 0;
      switch (b->operands) {
        case Operands::None:
          break;
        case Operands::Type:
        case Operands::TypeOpts:
        case Operands::TypeAsync: {
          WCR_ASSIGN_OR_RETURN(uint32_t t, parseRef(Sort::Type, true));
          w.u32(t);
          if (b->operands == Operands::TypeOpts) WCR_RETURN_IF_ERROR(writeCanonOpts(w, n));
          if (b->operands == Operands::TypeAsync) w.u8(c_.takeKeyword("async") ? 0x01 : 0x00);
          break;
        }
        case Operands::Opts:
          WCR_RETURN_IF_ERROR(writeCanonOpts(w, n));
          break;
        case Operands::Async:
          w.u8(c_.takeKeyword("async") ? 0x01 : 0x00);
          break;
        case Operands::Cancel:
          w.u8(c_.takeKeyword("cancellable") ? 0x01 : 0x00);
          break;
        case Operands::CancelMemory: {
          w.u8(c_.takeKeyword("cancellable") ? 0x01 : 0x00);
          WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
          WCR_RETURN_IF_ERROR(c_.expectKeyword("memory"));
          WCR_ASSIGN_OR_RETURN(uint32_t m, parseRef(Sort::CoreMemory, true));
          w.u32(m);
          WCR_RETURN_IF_ERROR(c_.expectRParen());
          break;
        }
        case Operands::ValTypeIndex: {
          WCR_RETURN_IF_ERROR(writeCoreValType(w));
          WCR_ASSIGN_OR_RETURN(uint32_t i, parseU32());
          w.u32(i);
          break;
        }
        case Operands::TaskReturn: {
          if (c_.takeParenKeyword("result")) {
            w.u8(0x00);
            WCR_RETURN_IF_ERROR(writeValType(w));
            WCR_RETURN_IF_ERROR(c_.expectRParen());
          } else {
            w.u8(0x01);
            w.u8(0x00);
          }
          WCR_RETURN_IF_ERROR(writeCanonOpts(w, n));
          break;
        }
        case Operands::Shared:
        case Operands::SharedType:
        case Operands::SharedTypeTable:
        case Operands::CoreTypeTable: {
          if (b->operands != Operands::CoreTypeTable) {
            w.u8(c_.takeKeyword("shared") ? 0x01 : 0x00);
          }
          if (b->operands == Operands::Shared) break;
          WCR_ASSIGN_OR_RETURN(uint32_t ft, parseRef(Sort::CoreType, true));
          w.u32(ft);
          if (b->operands == Operands::SharedType) break;
          WCR_ASSIGN_OR_RETURN(uint32_t table, parseRef(Sort::CoreTable, true));
          w.u32(table);
          break;
        }
      }
    }
    if (!wrappedInCoreFunc) {
      // `(core func $id?)`.
      WCR_RETURN_IF_ERROR(c_.expect(TokenKind::LParen));
      WCR_RETURN_IF_ERROR(c_.expectKeyword("core"));
      WCR_RETURN_IF_ERROR(c_.expectKeyword("func"));
      if (c_.is(TokenKind::Id)) id = &c_.next();
      WCR_RETURN_IF_ERROR(c_.expectRParen());
    }
  }
  WCR_RETURN_IF_ERROR(c_.expectRParen());
  scope().sections.addItem(kCanonSection, w.out());
  WCR_ASSIGN_OR_RETURN(uint32_t index, define(defines, id));
  if (outer) return bindExports(defines, index, *outer);
  return absl::OkStatus();
}

}  // namespace wcr::canon::text
