// The module decoder: header, sections in order (custom sections anywhere), and the checks the
// binary format makes across sections. Messages contain the wording of the spec's reference
// decoder (what the test suite matches) and the byte offset, prefixed by the section's name.
#include "jit/wasm/decoder.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "jit/support/byte_reader.h"
#include "jit/wasm/binary_util.h"
#include "jit/wasm/instr_reader.h"

namespace wcr::jit::wasm {

// Defined in name_section.cc.
void parseNameSection(Bytes payload, size_t offset, NameSection& out);

namespace {

using support::ByteReader;

constexpr uint32_t kMagic = 0x6D736100;  // "\0asm"
constexpr uint32_t kVersion = 1;
constexpr const char* kEndMessage = "unexpected end of section or function";

enum SectionId : uint8_t {
  kCustom = 0, kType, kImport, kFunction, kTable, kMemory, kGlobal, kExport, kStart, kElem,
  kCode, kData, kDataCount, kTag,
};

const char* sectionName(uint8_t id) {
  static const char* const kNames[] = {"custom", "type",  "import", "function", "table",
                                       "memory", "global", "export", "start",    "element",
                                       "code",   "data",   "data count", "tag"};
  return id <= kTag ? kNames[id] : "unknown";
}

// Position of a non-custom section in the required order (tag sits between memory and global,
// data count between element and code).
int sectionRank(uint8_t id) {
  switch (id) {
    case kTag: return 2 * kMemory + 1;
    case kDataCount: return 2 * kElem + 1;
    default: return 2 * id;
  }
}

class ModuleDecoder {
 public:
  explicit ModuleDecoder(Module& m) : m_(m) {}

  absl::Status decode(Bytes bytes);

 private:
  absl::Status section(uint8_t id, ByteReader& r);
  absl::Status typeSection(ByteReader& r);
  absl::Status importSection(ByteReader& r);
  absl::Status functionSection(ByteReader& r);
  absl::Status tableSection(ByteReader& r);
  absl::Status memorySection(ByteReader& r);
  absl::Status tagSection(ByteReader& r);
  absl::StatusOr<uint32_t> tagType(ByteReader& r);
  absl::Status globalSection(ByteReader& r);
  absl::Status exportSection(ByteReader& r);
  absl::Status startSection(ByteReader& r);
  absl::Status elemSection(ByteReader& r);
  absl::Status dataCountSection(ByteReader& r);
  absl::Status codeSection(ByteReader& r);
  absl::Status dataSection(ByteReader& r);
  absl::Status customSection(ByteReader& r);

  absl::StatusOr<Limits> limits(ByteReader& r);
  absl::StatusOr<TableType> tableType(ByteReader& r);
  absl::StatusOr<GlobalType> globalType(ByteReader& r);
  absl::StatusOr<ConstExpr> constExpr(ByteReader& r);

  Module& m_;
  InstrReader instrs_{ByteReader(Bytes{})};
  std::vector<Function> bodies_;  // from the code section, matched with m_.functions at the end
  uint32_t size_ = 0;  // declared size of the section being decoded
};

absl::Status withContext(const absl::Status& s, std::string_view context) {
  return absl::InvalidArgumentError(absl::StrFormat("%s %s", context, s.message()));
}

absl::Status ModuleDecoder::decode(Bytes bytes) {
  ByteReader r(bytes);
  r.setEndMessage(kEndMessage);
  WCR_ASSIGN_OR_RETURN(uint32_t magic, r.readFixedU32());
  if (magic != kMagic) return r.errorAt(0, "magic header not detected");
  WCR_ASSIGN_OR_RETURN(uint32_t version, r.readFixedU32());
  if (version != kVersion) return r.errorAt(4, "unknown binary version");

  int lastRank = 0;
  while (!r.atEnd()) {
    size_t idAt = r.offset();
    uint8_t id = *r.readByte();
    // The tag section (13) is decoded whatever the features; the validator rejects it when
    // exception handling is off, with this same message (Module::hasTagSection).
    if (id > kTag) return r.errorAt(idAt, "malformed section id");
    if (id != kCustom) {
      // The reference decoder reads sections in their fixed order; one out of order (or repeated)
      // is where it stops, and everything from there is left over.
      int rank = sectionRank(id);
      if (rank <= lastRank) return r.errorAt(idAt, "unexpected content after last section");
      lastRank = rank;
    }
    absl::Status st = [&]() -> absl::Status {
      WCR_ASSIGN_OR_RETURN(uint32_t size, r.readLength());
      // Like the reference decoder, read the contents without stopping at the declared size and
      // compare afterwards: a section whose contents overrun its size then fails where the
      // reference fails (e.g. on an overlong LEB128 that straddles the boundary).
      ByteReader sub = r;
      size_t start = sub.offset();
      size_ = size;
      WCR_RETURN_IF_ERROR(section(id, sub));
      if (sub.pos() - r.pos() != size || !r.trySkip(size)) {
        return r.errorAt(start, "section size mismatch");
      }
      return absl::OkStatus();
    }();
    if (!st.ok()) return withContext(st, absl::StrCat(sectionName(id), " section"));
  }

  size_t end = r.offset();
  if (bodies_.size() != m_.functions.size()) {
    return r.errorAt(end, "function and code section have inconsistent lengths");
  }
  for (size_t i = 0; i < bodies_.size(); ++i) {
    m_.functions[i].body = bodies_[i].body;
    m_.functions[i].bodyOffset = bodies_[i].bodyOffset;
  }
  if (m_.dataCount && *m_.dataCount != m_.datas.size()) {
    return r.errorAt(end, "data count and data section have inconsistent lengths");
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::section(uint8_t id, ByteReader& r) {
  switch (id) {
    case kCustom: return customSection(r);
    case kType: return typeSection(r);
    case kImport: return importSection(r);
    case kFunction: return functionSection(r);
    case kTable: return tableSection(r);
    case kMemory: return memorySection(r);
    case kGlobal: return globalSection(r);
    case kExport: return exportSection(r);
    case kStart: return startSection(r);
    case kElem: return elemSection(r);
    case kCode: return codeSection(r);
    case kData: return dataSection(r);
    case kDataCount: return dataCountSection(r);
    case kTag: return tagSection(r);
    default: return r.error("malformed section id");
  }
}

// ---- types --------------------------------------------------------------------------------

absl::Status ModuleDecoder::typeSection(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readLength());
  m_.types.reserve(std::min<size_t>(count, r.remaining()));
  for (uint32_t i = 0; i < count; ++i) {
    size_t at = r.offset();
    WCR_ASSIGN_OR_RETURN(uint8_t form, r.readByte());
    // The form is an s7 LEB128 (-0x20) for the reference decoder.
    if (form & 0x80) return r.error("integer representation too long");
    if (form != 0x60) return r.errorAt(at, "malformed function type");
    FuncType& type = m_.types.emplace_back();
    for (std::vector<ValType>* list : {&type.params, &type.results}) {
      WCR_ASSIGN_OR_RETURN(uint32_t n, r.readLength());
      list->reserve(std::min<size_t>(n, r.remaining()));
      for (uint32_t j = 0; j < n; ++j) {
        WCR_ASSIGN_OR_RETURN(ValType t, readValType(r));
        list->push_back(t);
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Limits> ModuleDecoder::limits(ByteReader& r) {
  // The flag is a one-bit LEB128 in wasm 2.0, with the reference decoder's errors.
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t flag, r.readByte());
  if ((flag & 0x7F) > 1) return r.errorAt(at, "integer too large");
  if (flag & 0x80) return r.error("integer representation too long");
  Limits lim;
  WCR_ASSIGN_OR_RETURN(uint32_t min, r.readVarU32());
  lim.min = min;
  if (flag & 1) {
    WCR_ASSIGN_OR_RETURN(uint32_t max, r.readVarU32());
    lim.max = max;
  }
  return lim;
}

absl::StatusOr<TableType> ModuleDecoder::tableType(ByteReader& r) {
  TableType t;
  WCR_ASSIGN_OR_RETURN(t.elem, readRefType(r));
  WCR_ASSIGN_OR_RETURN(t.limits, limits(r));
  return t;
}

absl::StatusOr<GlobalType> ModuleDecoder::globalType(ByteReader& r) {
  GlobalType g;
  WCR_ASSIGN_OR_RETURN(g.type, readValType(r));
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t mut, r.readByte());
  if (mut > 1) return r.errorAt(at, "malformed mutability");
  g.mut = mut == 1;
  return g;
}

// A constant expression: instructions up to the `end` that closes it. Only the binary format is
// checked here; constness and typing are the validator's.
absl::StatusOr<ConstExpr> ModuleDecoder::constExpr(ByteReader& r) {
  ConstExpr expr;
  expr.offset = r.offset();
  const uint8_t* begin = r.cursor();
  instrs_.reset(r);
  Instr in;
  uint32_t depth = 0;
  for (;;) {
    WCR_RETURN_IF_ERROR(instrs_.next(in));
    if (in.op == Opcode::End) {
      if (depth == 0) break;
      --depth;
    } else if (in.op == Opcode::Block || in.op == Opcode::Loop || in.op == Opcode::If) {
      ++depth;
    } else if (in.op == Opcode::Else && depth == 0) {
      return instrs_.reader().errorAt(in.offset, "END opcode expected");
    }
  }
  size_t used = instrs_.reader().pos() - r.pos();
  r.trySkip(used);
  expr.bytes = Bytes(begin, used);
  return expr;
}

// ---- imports, functions, tables, memories, globals -------------------------------------------

absl::Status ModuleDecoder::importSection(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readLength());
  m_.imports.reserve(std::min<size_t>(count, r.remaining()));
  for (uint32_t i = 0; i < count; ++i) {
    Import imp;
    WCR_ASSIGN_OR_RETURN(std::string_view module, r.readName());
    WCR_ASSIGN_OR_RETURN(std::string_view name, r.readName());
    imp.module = std::string(module);
    imp.name = std::string(name);
    size_t at = r.offset();
    WCR_ASSIGN_OR_RETURN(uint8_t kind, r.readByte());
    switch (kind) {
      case 0: {
        WCR_ASSIGN_OR_RETURN(imp.funcType, r.readVarU32());
        ++m_.numImportedFuncs;
        break;
      }
      case 1: {
        WCR_ASSIGN_OR_RETURN(imp.table, tableType(r));
        ++m_.numImportedTables;
        break;
      }
      case 2: {
        WCR_ASSIGN_OR_RETURN(imp.memory.limits, limits(r));
        ++m_.numImportedMemories;
        break;
      }
      case 3: {
        WCR_ASSIGN_OR_RETURN(imp.global, globalType(r));
        ++m_.numImportedGlobals;
        break;
      }
      case 4: {
        WCR_ASSIGN_OR_RETURN(imp.funcType, tagType(r));
        ++m_.numImportedTags;
        break;
      }
      default:
        return r.errorAt(at, "malformed import kind");
    }
    imp.kind = static_cast<ExternKind>(kind);
    m_.importsByKind[kind].push_back(static_cast<uint32_t>(m_.imports.size()));
    m_.imports.push_back(std::move(imp));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::functionSection(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readLength());
  m_.functions.reserve(std::min<size_t>(count, r.remaining()));
  for (uint32_t i = 0; i < count; ++i) {
    WCR_ASSIGN_OR_RETURN(uint32_t type, r.readVarU32());
    m_.functions.push_back(Function{type, {}, 0});
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::tableSection(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readLength());
  for (uint32_t i = 0; i < count; ++i) {
    WCR_ASSIGN_OR_RETURN(TableType t, tableType(r));
    m_.tables.push_back(t);
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::memorySection(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readLength());
  for (uint32_t i = 0; i < count; ++i) {
    MemoryType t;
    WCR_ASSIGN_OR_RETURN(t.limits, limits(r));
    m_.memories.push_back(t);
  }
  return absl::OkStatus();
}

// A tag type: the attribute byte (0, exception) and the payload's function type index.
absl::StatusOr<uint32_t> ModuleDecoder::tagType(ByteReader& r) {
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint8_t attribute, r.readByte());
  if (attribute != 0) return r.errorAt(at, "malformed tag attribute");
  return r.readVarU32();
}

absl::Status ModuleDecoder::tagSection(ByteReader& r) {
  m_.hasTagSection = true;
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readLength());
  m_.tags.reserve(std::min<size_t>(count, r.remaining()));
  for (uint32_t i = 0; i < count; ++i) {
    WCR_ASSIGN_OR_RETURN(uint32_t type, tagType(r));
    m_.tags.push_back(Tag{type});
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::globalSection(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readLength());
  m_.globals.reserve(std::min<size_t>(count, r.remaining()));
  for (uint32_t i = 0; i < count; ++i) {
    Global g;
    WCR_ASSIGN_OR_RETURN(g.type, globalType(r));
    WCR_ASSIGN_OR_RETURN(g.init, constExpr(r));
    m_.globals.push_back(g);
  }
  return absl::OkStatus();
}

// ---- exports, start --------------------------------------------------------------------------

absl::Status ModuleDecoder::exportSection(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readLength());
  m_.exports.reserve(std::min<size_t>(count, r.remaining()));
  for (uint32_t i = 0; i < count; ++i) {
    Export e;
    WCR_ASSIGN_OR_RETURN(std::string_view name, r.readName());
    e.name = std::string(name);
    size_t at = r.offset();
    WCR_ASSIGN_OR_RETURN(uint8_t kind, r.readByte());
    if (kind > 4) return r.errorAt(at, "malformed export kind");
    e.kind = static_cast<ExternKind>(kind);
    WCR_ASSIGN_OR_RETURN(e.index, r.readVarU32());
    m_.exports.push_back(std::move(e));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::startSection(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t index, r.readVarU32());
  m_.start = index;
  return absl::OkStatus();
}

// ---- element and data segments ---------------------------------------------------------------

absl::Status ModuleDecoder::elemSection(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readLength());
  m_.elems.reserve(std::min<size_t>(count, r.remaining()));
  for (uint32_t i = 0; i < count; ++i) {
    size_t flagsAt = r.offset();
    WCR_ASSIGN_OR_RETURN(uint32_t flags, r.readVarU32());
    if (flags > 7) return r.errorAt(flagsAt, "malformed elements segment kind");
    ElemSegment seg;
    // Bit 0: passive or declarative (else active); bit 1: explicit table index (active) or
    // declarative (otherwise); bit 2: expressions instead of function indices.
    bool passiveOrDeclarative = flags & 1;
    bool explicitTable = (flags & 2) && !passiveOrDeclarative;
    seg.usesExprs = flags & 4;
    seg.mode = !passiveOrDeclarative ? SegmentMode::Active
               : (flags & 2)         ? SegmentMode::Declarative
                                     : SegmentMode::Passive;
    if (explicitTable) {
      WCR_ASSIGN_OR_RETURN(seg.table, r.readVarU32());
    }
    if (seg.mode == SegmentMode::Active) {
      WCR_ASSIGN_OR_RETURN(seg.offset, constExpr(r));
    }
    // Forms 0 and 4 have no type byte: funcref.
    if (flags != 0 && flags != 4) {
      if (seg.usesExprs) {
        WCR_ASSIGN_OR_RETURN(seg.elemType, readRefType(r));
      } else {
        size_t at = r.offset();
        WCR_ASSIGN_OR_RETURN(uint8_t kind, r.readByte());
        if (kind & 0x80) return r.error("integer representation too long");
        if (kind != 0x00) return r.errorAt(at, "malformed element kind");
        seg.elemType = kFuncRef;
      }
    }
    WCR_ASSIGN_OR_RETURN(uint32_t n, r.readLength());
    if (seg.usesExprs) {
      seg.exprs.reserve(std::min<size_t>(n, r.remaining()));
      for (uint32_t j = 0; j < n; ++j) {
        WCR_ASSIGN_OR_RETURN(ConstExpr e, constExpr(r));
        seg.exprs.push_back(e);
      }
    } else {
      seg.funcIndices.reserve(std::min<size_t>(n, r.remaining()));
      for (uint32_t j = 0; j < n; ++j) {
        WCR_ASSIGN_OR_RETURN(uint32_t f, r.readVarU32());
        seg.funcIndices.push_back(f);
      }
    }
    m_.elems.push_back(std::move(seg));
  }
  return absl::OkStatus();
}

absl::Status ModuleDecoder::dataCountSection(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readVarU32());
  m_.dataCount = count;
  return absl::OkStatus();
}

absl::Status ModuleDecoder::dataSection(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readLength());
  m_.datas.reserve(std::min<size_t>(count, r.remaining()));
  for (uint32_t i = 0; i < count; ++i) {
    size_t flagsAt = r.offset();
    WCR_ASSIGN_OR_RETURN(uint32_t flags, r.readVarU32());
    if (flags > 2) return r.errorAt(flagsAt, "malformed data segment kind");
    DataSegment seg;
    seg.mode = flags == 1 ? SegmentMode::Passive : SegmentMode::Active;
    if (flags == 2) {
      WCR_ASSIGN_OR_RETURN(seg.memory, r.readVarU32());
    }
    if (seg.mode == SegmentMode::Active) {
      WCR_ASSIGN_OR_RETURN(seg.offset, constExpr(r));
    }
    WCR_ASSIGN_OR_RETURN(uint32_t n, r.readLength());
    WCR_ASSIGN_OR_RETURN(seg.bytes, r.readBytes(n));
    m_.datas.push_back(std::move(seg));
  }
  return absl::OkStatus();
}

// ---- code ------------------------------------------------------------------------------------

absl::Status ModuleDecoder::codeSection(ByteReader& r) {
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readLength());
  bodies_.reserve(std::min<size_t>(count, r.remaining()));
  for (uint32_t i = 0; i < count; ++i) {
    WCR_ASSIGN_OR_RETURN(uint32_t size, r.readLength());
    Function f;
    f.bodyOffset = r.offset();
    WCR_ASSIGN_OR_RETURN(f.body, r.readBytes(size));
    bodies_.push_back(f);
  }
  return absl::OkStatus();
}

// ---- custom ----------------------------------------------------------------------------------

absl::Status ModuleDecoder::customSection(ByteReader& r) {
  CustomSection c;
  size_t start = r.pos();
  WCR_ASSIGN_OR_RETURN(std::string_view name, r.readName());
  c.name = std::string(name);
  c.offset = r.offset();
  size_t used = r.pos() - start;
  if (used > size_) return r.errorAt(r.inputEnd(), kEndMessage);  // the name overran the section
  WCR_ASSIGN_OR_RETURN(c.bytes, r.readBytes(size_ - used));
  if (c.name == "name") parseNameSection(c.bytes, c.offset, m_.names);
  m_.customs.push_back(std::move(c));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Module> decodeModule(std::shared_ptr<const std::vector<uint8_t>> bytes) {
  Module m;
  m.storage = std::move(bytes);
  ModuleDecoder decoder(m);
  WCR_RETURN_IF_ERROR(decoder.decode(Bytes(m.storage->data(), m.storage->size())));
  return m;
}

absl::StatusOr<Module> decodeModule(Bytes bytes) {
  return decodeModule(std::make_shared<const std::vector<uint8_t>>(bytes.begin(), bytes.end()));
}

absl::Status decodeLocals(const Function& func, BodyLocals& out) {
  out.runs.clear();
  out.total = 0;
  ByteReader r(func.body, func.bodyOffset);
  r.setEndMessage(kEndMessage);
  size_t at = r.offset();
  WCR_ASSIGN_OR_RETURN(uint32_t count, r.readLength());
  out.runs.reserve(std::min<size_t>(count, r.remaining()));
  for (uint32_t i = 0; i < count; ++i) {
    WCR_ASSIGN_OR_RETURN(uint32_t n, r.readVarU32());
    WCR_ASSIGN_OR_RETURN(ValType t, readValType(r));
    out.total += n;
    out.runs.emplace_back(n, t);
  }
  if (out.total > 0xFFFFFFFFull) return r.errorAt(at, "too many locals");
  out.codeStart = r.pos();
  return absl::OkStatus();
}

absl::StatusOr<BodyLocals> decodeLocals(const Function& func) {
  BodyLocals out;
  WCR_RETURN_IF_ERROR(decodeLocals(func, out));
  return out;
}

}  // namespace wcr::jit::wasm
