// Module-level validation: imports, limits, constant expressions, segments, start, exports, and
// the driver that runs FuncValidator over every body. The order of the checks follows the
// reference interpreter's check_module, so a module with several faults reports the same one.
#include "jit/wasm/validator.h"

#include <optional>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "jit/wasm/decoder.h"
#include "jit/wasm/func_validator.h"
#include "jit/wasm/instr_reader.h"

namespace wcr::jit::wasm {
namespace {

absl::Status withContext(const absl::Status& s, std::string_view context) {
  if (s.ok()) return s;
  return absl::InvalidArgumentError(absl::StrFormat("%s: %s", context, s.message()));
}

class ModuleValidator {
 public:
  ModuleValidator(const Module& m, const Features& features) : m_(m), funcs_(ctx_, m) {
    ctx_.features = features;
  }

  absl::Status run();

 private:
  absl::Status buildContext();
  absl::Status checkExceptionsSyntax();
  absl::Status checkTagType(uint32_t typeIndex);
  absl::Status checkModuleLevel();
  absl::Status checkLimits(const Limits& lim, uint64_t range, const char* rangeMessage);
  // Validates a constant expression producing `expected`. `what` names it in messages.
  absl::Status constExpr(const ConstExpr& e, ValType expected, const std::string& what);
  // extended-const: i32/i64 add, sub, mul; false for other operators.
  static bool isConstArithmetic(Opcode op, ValType& type);
  absl::Status checkStartAndExports();
  // After a typing error: the first malformed body from `first` on, if any, takes precedence.
  absl::Status preferMalformed(absl::Status invalid, size_t first);

  const Module& m_;
  ValidationContext ctx_;
  FuncValidator funcs_;
  std::vector<ValType> constStack_;  // constExpr's operand types, reused
};

absl::Status ModuleValidator::run() {
  // Binary-format errors of sections that precede the code section: reported as they are.
  WCR_RETURN_IF_ERROR(checkExceptionsSyntax());
  absl::Status st = buildContext();
  if (st.ok()) st = checkModuleLevel();
  if (!st.ok()) return preferMalformed(st, 0);
  for (size_t i = 0; i < m_.functions.size(); ++i) {
    st = funcs_.validate(m_.numImportedFuncs + static_cast<uint32_t>(i), m_.functions[i]);
    if (!st.ok()) return preferMalformed(st, i);
  }
  st = checkStartAndExports();
  if (!st.ok()) return preferMalformed(st, 0);
  return absl::OkStatus();
}

absl::Status ModuleValidator::preferMalformed(absl::Status invalid, size_t first) {
  for (size_t i = first; i < m_.functions.size(); ++i) {
    absl::Status st =
        funcs_.checkMalformed(m_.numImportedFuncs + static_cast<uint32_t>(i), m_.functions[i]);
    if (!st.ok()) return st;
  }
  return invalid;
}

absl::Status ModuleValidator::checkTagType(uint32_t typeIndex) {
  if (typeIndex >= m_.types.size()) return invalidError("unknown type %u", typeIndex);
  if (!m_.types[typeIndex].results.empty()) return invalidError("non-empty tag result type");
  return absl::OkStatus();
}

// Without exception handling, what it adds to the binary format is malformed, with the words
// the wasm 2.0 decoder uses (the decoder reads it whatever the features; see decoder.cc).
absl::Status ModuleValidator::checkExceptionsSyntax() {
  if (ctx_.features.exceptions) return absl::OkStatus();
  if (m_.hasTagSection) return invalidError("malformed section id");
  for (const Import& imp : m_.imports) {
    if (imp.kind == ExternKind::Tag) return invalidError("malformed import kind");
  }
  for (const Export& e : m_.exports) {
    if (e.kind == ExternKind::Tag) return invalidError("malformed export kind");
  }
  auto hasExnRef = [](const std::vector<ValType>& types) {
    for (ValType t : types) {
      if (t == kExnRef) return true;
    }
    return false;
  };
  for (const FuncType& t : m_.types) {
    if (hasExnRef(t.params) || hasExnRef(t.results)) return invalidError("malformed value type");
  }
  for (const Global& g : m_.globals) {
    if (g.type.type == kExnRef) return invalidError("malformed value type");
  }
  for (const TableType& t : m_.tables) {
    if (t.elem == kExnRef) return invalidError("malformed reference type");
  }
  for (const Import& imp : m_.imports) {
    if ((imp.kind == ExternKind::Global && imp.global.type == kExnRef) ||
        (imp.kind == ExternKind::Table && imp.table.elem == kExnRef)) {
      return invalidError("malformed reference type");
    }
  }
  for (const ElemSegment& e : m_.elems) {
    if (e.elemType == kExnRef) return invalidError("malformed reference type");
  }
  return absl::OkStatus();
}

absl::Status ModuleValidator::buildContext() {
  ctx_.funcTypes.reserve(m_.numFuncs());
  ctx_.tableElems.reserve(m_.numTables());
  ctx_.globals.reserve(m_.numGlobals());
  for (size_t i = 0; i < m_.imports.size(); ++i) {
    const Import& imp = m_.imports[i];
    switch (imp.kind) {
      case ExternKind::Func:
        if (imp.funcType >= m_.types.size()) {
          return invalidError("import %u (%s.%s): unknown type %u", i, imp.module, imp.name,
                              imp.funcType);
        }
        ctx_.funcTypes.push_back(imp.funcType);
        break;
      case ExternKind::Table:
        WCR_RETURN_IF_ERROR(
            withContext(checkLimits(imp.table.limits, kMaxTableSize,
                                    "table size must be at most 2^32-1"),
                        absl::StrFormat("import %u (%s.%s)", i, imp.module, imp.name)));
        ctx_.tableElems.push_back(imp.table.elem);
        break;
      case ExternKind::Memory:
        WCR_RETURN_IF_ERROR(withContext(
            checkLimits(imp.memory.limits, kMaxPages32,
                        "memory size must be at most 65536 pages (4GiB)"),
            absl::StrFormat("import %u (%s.%s)", i, imp.module, imp.name)));
        ++ctx_.numMemories;
        break;
      case ExternKind::Global:
        ctx_.globals.push_back(imp.global);
        break;
      case ExternKind::Tag:
        WCR_RETURN_IF_ERROR(withContext(checkTagType(imp.funcType),
                                        absl::StrFormat("import %u (%s.%s)", i, imp.module,
                                                        imp.name)));
        ctx_.tagTypes.push_back(imp.funcType);
        break;
    }
  }
  for (size_t i = 0; i < m_.functions.size(); ++i) {
    uint32_t type = m_.functions[i].typeIndex;
    if (type >= m_.types.size()) {
      return invalidError("func %u: unknown type %u", m_.numImportedFuncs + i, type);
    }
    ctx_.funcTypes.push_back(type);
  }
  for (const TableType& t : m_.tables) ctx_.tableElems.push_back(t.elem);
  ctx_.numMemories += static_cast<uint32_t>(m_.memories.size());
  for (const Global& g : m_.globals) ctx_.globals.push_back(g.type);
  for (const ElemSegment& e : m_.elems) ctx_.elemTypes.push_back(e.elemType);
  for (size_t i = 0; i < m_.tags.size(); ++i) {
    WCR_RETURN_IF_ERROR(withContext(checkTagType(m_.tags[i].typeIndex),
                                    absl::StrCat("tag ", m_.numImportedTags + i)));
    ctx_.tagTypes.push_back(m_.tags[i].typeIndex);
  }
  ctx_.numDatas = static_cast<uint32_t>(m_.datas.size());
  ctx_.hasDataCount = m_.dataCount.has_value();

  // Functions that bodies may name with ref.func: those referenced outside function bodies
  // (element segments, global initializers, exports).
  ctx_.declaredFuncRefs.assign(ctx_.funcTypes.size(), false);
  auto declare = [&](uint32_t f) {
    if (f < ctx_.declaredFuncRefs.size()) ctx_.declaredFuncRefs[f] = true;
  };
  auto declareInExpr = [&](const ConstExpr& e) {
    InstrReader r{support::ByteReader(e.bytes, e.offset)};
    Instr in;
    while (!r.atEnd() && r.next(in).ok()) {
      if (in.op == Opcode::RefFunc) declare(in.index);
    }
  };
  for (const ElemSegment& e : m_.elems) {
    for (uint32_t f : e.funcIndices) declare(f);
    for (const ConstExpr& x : e.exprs) declareInExpr(x);
  }
  for (const Global& g : m_.globals) declareInExpr(g.init);
  for (const Export& e : m_.exports) {
    if (e.kind == ExternKind::Func) declare(e.index);
  }
  return absl::OkStatus();
}

absl::Status ModuleValidator::checkLimits(const Limits& lim, uint64_t range,
                                          const char* rangeMessage) {
  if (lim.min > range) return invalidError("%s", rangeMessage);
  if (lim.max) {
    if (*lim.max > range) return invalidError("%s", rangeMessage);
    if (lim.min > *lim.max) return invalidError("size minimum must not be greater than maximum");
  }
  return absl::OkStatus();
}

bool ModuleValidator::isConstArithmetic(Opcode op, ValType& type) {
  switch (op) {
    case Opcode::I32Add:
    case Opcode::I32Sub:
    case Opcode::I32Mul:
      type = kI32;
      return true;
    case Opcode::I64Add:
    case Opcode::I64Sub:
    case Opcode::I64Mul:
      type = kI64;
      return true;
    default:
      return false;
  }
}

// As the reference interpreter: every instruction must be constant ("constant expression
// required" wins over typing errors), then the expression must produce exactly `expected`.
absl::Status ModuleValidator::constExpr(const ConstExpr& e, ValType expected,
                                        const std::string& what) {
  support::ByteReader bytes(e.bytes, e.offset);
  bytes.setEndMessage("unexpected end of section or function");
  InstrReader r(bytes);
  Instr in;
  std::vector<ValType>& stack = constStack_;
  stack.clear();
  std::optional<absl::Status> typeError;  // the first one, reported once all is constant
  auto fail = [&](std::string_view message) {
    return invalidError("%s at offset 0x%x: %s", what, in.offset, message);
  };
  for (;;) {
    absl::Status st = r.next(in);
    if (!st.ok()) return withContext(st, what);
    ValType pushed;
    switch (in.op) {
      case Opcode::I32Const: pushed = kI32; break;
      case Opcode::I64Const: pushed = kI64; break;
      case Opcode::F32Const: pushed = kF32; break;
      case Opcode::F64Const: pushed = kF64; break;
      case Opcode::V128Const: pushed = kV128; break;
      case Opcode::RefNull: pushed = in.refType; break;
      case Opcode::RefFunc:
        if (in.index >= ctx_.funcTypes.size()) {
          return fail(absl::StrCat("unknown function ", in.index));
        }
        pushed = kFuncRef;
        break;
      case Opcode::GlobalGet: {
        // Only imported globals are visible to constant expressions in wasm 2.0.
        if (in.index >= m_.numImportedGlobals) {
          return fail(absl::StrCat("unknown global ", in.index));
        }
        const GlobalType& g = ctx_.globals[in.index];
        if (g.mut) return fail("constant expression required");
        pushed = g.type;
        break;
      }
      case Opcode::End:
        if (typeError) return *typeError;
        if (stack.size() != 1 || stack[0] != expected) {
          size_t count = stack.size();
          return fail(absl::StrFormat(
              "type mismatch: constant expression must produce one %s, found %u value%s",
              expected.name(), count,
              count == 1 ? absl::StrCat(" of type ", stack[0].name()) : "s"));
        }
        return absl::OkStatus();
      default: {
        ValType type;
        if (!ctx_.features.extendedConst || !isConstArithmetic(in.op, type)) {
          return fail("constant expression required");
        }
        size_t n = stack.size();
        if (!typeError && (n < 2 || stack[n - 1] != type || stack[n - 2] != type)) {
          typeError = fail(absl::StrFormat("type mismatch: %s needs two %s operands",
                                           info(in.op).name, type.name()));
        }
        stack.resize(n < 2 ? 0 : n - 2);
        pushed = type;
        break;
      }
    }
    stack.push_back(pushed);
  }
}

absl::Status ModuleValidator::checkModuleLevel() {
  for (size_t i = 0; i < m_.globals.size(); ++i) {
    const Global& g = m_.globals[i];
    std::string what = absl::StrCat("global ", m_.numImportedGlobals + i);
    WCR_RETURN_IF_ERROR(constExpr(g.init, g.type.type, what));
  }
  for (size_t i = 0; i < m_.tables.size(); ++i) {
    WCR_RETURN_IF_ERROR(withContext(
        checkLimits(m_.tables[i].limits, kMaxTableSize, "table size must be at most 2^32-1"),
        absl::StrCat("table ", m_.numImportedTables + i)));
  }
  for (size_t i = 0; i < m_.memories.size(); ++i) {
    WCR_RETURN_IF_ERROR(withContext(checkLimits(m_.memories[i].limits, kMaxPages32,
                                                "memory size must be at most 65536 pages (4GiB)"),
                                    absl::StrCat("memory ", m_.numImportedMemories + i)));
  }
  for (size_t i = 0; i < m_.elems.size(); ++i) {
    const ElemSegment& seg = m_.elems[i];
    std::string what = absl::StrCat("elem segment ", i);
    for (uint32_t f : seg.funcIndices) {
      if (f >= ctx_.funcTypes.size()) return invalidError("%s: unknown function %u", what, f);
    }
    for (const ConstExpr& e : seg.exprs) WCR_RETURN_IF_ERROR(constExpr(e, seg.elemType, what));
    if (seg.mode == SegmentMode::Active) {
      if (seg.table >= ctx_.tableElems.size()) {
        return invalidError("%s: unknown table %u", what, seg.table);
      }
      if (ctx_.tableElems[seg.table] != seg.elemType) {
        return invalidError("%s: type mismatch: segment of %s for a table of %s", what,
                            seg.elemType.name(), ctx_.tableElems[seg.table].name());
      }
      WCR_RETURN_IF_ERROR(constExpr(seg.offset, kI32, what));
    }
  }
  for (size_t i = 0; i < m_.datas.size(); ++i) {
    const DataSegment& seg = m_.datas[i];
    if (seg.mode != SegmentMode::Active) continue;
    std::string what = absl::StrCat("data segment ", i);
    if (seg.memory >= ctx_.numMemories) {
      return invalidError("%s: unknown memory %u", what, seg.memory);
    }
    WCR_RETURN_IF_ERROR(constExpr(seg.offset, kI32, what));
  }
  return absl::OkStatus();
}

absl::Status ModuleValidator::checkStartAndExports() {
  if (m_.start) {
    uint32_t f = *m_.start;
    if (f >= ctx_.funcTypes.size()) return invalidError("start: unknown function %u", f);
    const FuncType& t = m_.types[ctx_.funcTypes[f]];
    if (!t.params.empty() || !t.results.empty()) {
      return invalidError("start function must not have parameters or results, func %u has %s",
                          f, toString(t));
    }
  }
  absl::flat_hash_set<std::string_view> names;
  names.reserve(m_.exports.size());
  for (const Export& e : m_.exports) {
    uint32_t limit = 0;
    switch (e.kind) {
      case ExternKind::Func: limit = static_cast<uint32_t>(ctx_.funcTypes.size()); break;
      case ExternKind::Table: limit = static_cast<uint32_t>(ctx_.tableElems.size()); break;
      case ExternKind::Memory: limit = ctx_.numMemories; break;
      case ExternKind::Global: limit = static_cast<uint32_t>(ctx_.globals.size()); break;
      case ExternKind::Tag: limit = static_cast<uint32_t>(ctx_.tagTypes.size()); break;
    }
    if (e.index >= limit) {
      const char* kind = e.kind == ExternKind::Func ? "function" : toString(e.kind);
      return invalidError("export \"%s\": unknown %s %u", e.name, kind, e.index);
    }
    if (!names.insert(e.name).second) {
      return invalidError("export \"%s\": duplicate export name", e.name);
    }
  }
  if (ctx_.numMemories > 1 && !ctx_.features.multiMemory) return invalidError("multiple memories");
  return absl::OkStatus();
}

}  // namespace

absl::Status validateModule(const Module& module, const Features& features) {
  ModuleValidator v(module, features);
  return v.run();
}

absl::StatusOr<Module> decodeAndValidate(Bytes bytes, const Features& features) {
  WCR_ASSIGN_OR_RETURN(Module m, decodeModule(bytes));
  WCR_RETURN_IF_ERROR(validateModule(m, features));
  return m;
}

}  // namespace wcr::jit::wasm
