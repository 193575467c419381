// The binary encoder: CodeWriter (instruction bytes) and encodeModule (Module -> .wasm bytes).
//
// Decision: the encoder writes what the Module says, without checking it: the text parser relies
// on that to hand invalid modules (out-of-range indices, bad types) to the validator, which is
// where the suite expects them to fail. Encodings are canonical (minimal LEB128s) so that text
// modules come out byte-identical to other tools' output where the format leaves a choice.
#include "jit/wasm/encoder.h"

#include <algorithm>
#include <cstring>

namespace wcr::jit::wasm {

void CodeWriter::opcode(Opcode op) {
  const OpcodeInfo& i = info(op);
  if (i.prefix == 0) {
    u8(static_cast<uint8_t>(i.code));
  } else {
    u8(i.prefix);
    u32(i.code);
  }
}

void CodeWriter::u32(uint32_t v) { u64(v); }

void CodeWriter::u64(uint64_t v) {
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out_.push_back(b);
  } while (v != 0);
}

void CodeWriter::s32(int32_t v) { s64(v); }
void CodeWriter::s33(int64_t v) { s64(v); }

void CodeWriter::s64(int64_t v) {
  while (true) {
    uint8_t b = v & 0x7F;
    v >>= 7;  // arithmetic shift
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    if (!done) b |= 0x80;
    out_.push_back(b);
    if (done) return;
  }
}

void CodeWriter::fixed32(uint32_t v) {
  for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void CodeWriter::fixed64(uint64_t v) {
  for (int i = 0; i < 8; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void CodeWriter::bytes(const void* data, size_t n) {
  auto* p = static_cast<const uint8_t*>(data);
  out_.insert(out_.end(), p, p + n);
}

void CodeWriter::name(std::string_view s) {
  u32(static_cast<uint32_t>(s.size()));
  bytes(s.data(), s.size());
}

void CodeWriter::valType(ValType t) { u8(t.toByte()); }

void CodeWriter::blockType(const BlockType& bt) {
  switch (bt.kind) {
    case BlockType::Kind::Empty: u8(0x40); break;
    case BlockType::Kind::Value: valType(bt.value); break;
    case BlockType::Kind::TypeIndex: s33(bt.typeIndex); break;
  }
}

void CodeWriter::memArg(const MemArg& m) {
  if (m.memory != 0) {
    u32(m.alignLog2 | 0x40);
    u32(m.memory);
  } else {
    u32(m.alignLog2);
  }
  u64(m.offset);
}

void CodeWriter::instr(const Instr& in) {
  opcode(in.op);
  switch (info(in.op).imm) {
    case ImmKind::None: break;
    case ImmKind::BlockType: blockType(in.block); break;
    case ImmKind::Label:
    case ImmKind::Func:
    case ImmKind::Tag:
    case ImmKind::Local:
    case ImmKind::Global:
    case ImmKind::Table:
    case ImmKind::Data:
    case ImmKind::Elem: u32(in.index); break;
    case ImmKind::TryTable: {
      blockType(in.block);
      static const std::vector<Catch> kNoCatches;
      const std::vector<Catch>& catches = in.catches ? *in.catches : kNoCatches;
      u32(static_cast<uint32_t>(catches.size()));
      for (const Catch& c : catches) {
        u8(static_cast<uint8_t>(c.kind));
        if (c.hasTag()) u32(c.tag);
        u32(c.label);
      }
      break;
    }
    case ImmKind::MemIndex: u32(in.index); break;
    case ImmKind::BrTable: {
      static const std::vector<uint32_t> kNone;
      const std::vector<uint32_t>& t = in.brTable ? *in.brTable : kNone;
      // Targets with the default last; an empty list still needs a default.
      size_t n = t.empty() ? 0 : t.size() - 1;
      u32(static_cast<uint32_t>(n));
      for (uint32_t l : t) u32(l);
      if (t.empty()) u32(0);
      break;
    }
    case ImmKind::CallIndirect:
    case ImmKind::MemoryInit:
    case ImmKind::TableInit:
    case ImmKind::MemoryCopy:
    case ImmKind::TableCopy:
      u32(in.index);
      u32(in.index2);
      break;
    case ImmKind::Mem: memArg(in.mem); break;
    case ImmKind::MemLane:
      memArg(in.mem);
      u8(in.lane);
      break;
    case ImmKind::I32: s32(in.i32); break;
    case ImmKind::I64: s64(in.i64); break;
    case ImmKind::F32: fixed32(in.f32Bits); break;
    case ImmKind::F64: fixed64(in.f64Bits); break;
    case ImmKind::V128:
    case ImmKind::Shuffle: bytes(in.v128.data(), 16); break;
    case ImmKind::Lane: u8(in.lane); break;
    case ImmKind::HeapType: valType(in.refType); break;
    case ImmKind::SelectT:
      u32(in.selectArity);
      for (uint32_t i = 0; i < in.selectArity; ++i) valType(in.refType);
      break;
  }
}

namespace {

void writeLimits(CodeWriter& w, const Limits& l) {
  uint8_t flags = (l.max ? 1 : 0) | (l.shared ? 2 : 0) | (l.is64 ? 4 : 0);
  w.u8(flags);
  w.u64(l.min);
  if (l.max) w.u64(*l.max);
}

void writeTableType(CodeWriter& w, const TableType& t) {
  w.valType(t.elem);
  writeLimits(w, t.limits);
}

void writeGlobalType(CodeWriter& w, const GlobalType& g) {
  w.valType(g.type);
  w.u8(g.mut ? 1 : 0);
}

void writeConstExpr(CodeWriter& w, const ConstExpr& e) { w.bytes(e.bytes.data(), e.bytes.size()); }

// Appends section `id` with `body` as its payload.
void section(CodeWriter& out, uint8_t id, const CodeWriter& body) {
  out.u8(id);
  out.u32(static_cast<uint32_t>(body.out().size()));
  out.bytes(body.out().data(), body.out().size());
}

void writeElem(CodeWriter& w, const ElemSegment& e) {
  // Flags: bit 0 passive/declarative, bit 1 explicit table (active) or declarative, bit 2 exprs.
  bool exprs = e.usesExprs;
  bool implicitKind =
      e.mode == SegmentMode::Active && e.table == 0 && !e.explicitTable && e.elemType == kFuncRef;
  uint8_t flags = exprs ? 4 : 0;
  switch (e.mode) {
    case SegmentMode::Active: flags |= implicitKind ? 0 : 2; break;
    case SegmentMode::Passive: flags |= 1; break;
    case SegmentMode::Declarative: flags |= 3; break;
  }
  w.u32(flags);
  if (e.mode == SegmentMode::Active) {
    if (!implicitKind) w.u32(e.table);
    writeConstExpr(w, e.offset);
  }
  if (!implicitKind) {
    if (exprs) {
      w.valType(e.elemType);
    } else {
      w.u8(0x00);  // elemkind funcref
    }
  }
  if (exprs) {
    w.u32(static_cast<uint32_t>(e.exprs.size()));
    for (const ConstExpr& x : e.exprs) writeConstExpr(w, x);
  } else {
    w.u32(static_cast<uint32_t>(e.funcIndices.size()));
    for (uint32_t f : e.funcIndices) w.u32(f);
  }
}

void writeData(CodeWriter& w, const DataSegment& d) {
  if (d.mode == SegmentMode::Active) {
    if (d.memory == 0) {
      w.u8(0);
    } else {
      w.u8(2);
      w.u32(d.memory);
    }
    writeConstExpr(w, d.offset);
  } else {
    w.u8(1);
  }
  w.u32(static_cast<uint32_t>(d.bytes.size()));
  w.bytes(d.bytes.data(), d.bytes.size());
}

void writeNameSection(CodeWriter& out, const NameSection& names) {
  CodeWriter body;
  body.name("name");
  if (!names.module.empty()) {
    CodeWriter sub;
    sub.name(names.module);
    section(body, 0, sub);
  }
  // Subsections in id order, as other encoders write them: 1 functions, 2 locals, 3 labels,
  // 4 types,
  // 5 tables, 6 memories, 7 globals, 8 elems, 9 datas.
  auto nameMap = [&](uint8_t id, const absl::flat_hash_map<uint32_t, std::string>& map) {
    if (map.empty()) return;
    std::vector<std::pair<uint32_t, std::string_view>> sorted(map.begin(), map.end());
    std::sort(sorted.begin(), sorted.end());
    CodeWriter sub;
    sub.u32(static_cast<uint32_t>(sorted.size()));
    for (const auto& [index, n] : sorted) {
      sub.u32(index);
      sub.name(n);
    }
    section(body, id, sub);
  };
  nameMap(1, names.functions);
  auto indirectNameMap = [&](uint8_t id, const auto& map) {
    if (map.empty()) return;
    std::vector<uint32_t> funcs;
    for (const auto& entry : map) funcs.push_back(entry.first);
    std::sort(funcs.begin(), funcs.end());
    CodeWriter sub;
    sub.u32(static_cast<uint32_t>(funcs.size()));
    for (uint32_t f : funcs) {
      auto entries = map.at(f);
      std::sort(entries.begin(), entries.end());
      sub.u32(f);
      sub.u32(static_cast<uint32_t>(entries.size()));
      for (const auto& [index, n] : entries) {
        sub.u32(index);
        sub.name(n);
      }
    }
    section(body, id, sub);
  };
  indirectNameMap(2, names.locals);
  indirectNameMap(3, names.labels);
  nameMap(4, names.types);
  nameMap(5, names.tables);
  nameMap(6, names.memories);
  nameMap(7, names.globals);
  nameMap(8, names.elems);
  nameMap(9, names.datas);
  nameMap(11, names.tags);
  section(out, 0, body);
}

}  // namespace

std::vector<uint8_t> encodeModule(const Module& m) {
  CodeWriter out;
  static constexpr uint8_t kHeader[] = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  out.bytes(kHeader, sizeof kHeader);

  if (!m.types.empty()) {
    CodeWriter s;
    s.u32(static_cast<uint32_t>(m.types.size()));
    for (const FuncType& t : m.types) {
      s.u8(0x60);
      s.u32(static_cast<uint32_t>(t.params.size()));
      for (ValType v : t.params) s.valType(v);
      s.u32(static_cast<uint32_t>(t.results.size()));
      for (ValType v : t.results) s.valType(v);
    }
    section(out, 1, s);
  }
  if (!m.imports.empty()) {
    CodeWriter s;
    s.u32(static_cast<uint32_t>(m.imports.size()));
    for (const Import& i : m.imports) {
      s.name(i.module);
      s.name(i.name);
      s.u8(static_cast<uint8_t>(i.kind));
      switch (i.kind) {
        case ExternKind::Func: s.u32(i.funcType); break;
        case ExternKind::Table: writeTableType(s, i.table); break;
        case ExternKind::Memory: writeLimits(s, i.memory.limits); break;
        case ExternKind::Global: writeGlobalType(s, i.global); break;
        case ExternKind::Tag:
          s.u8(0);  // attribute: exception
          s.u32(i.funcType);
          break;
      }
    }
    section(out, 2, s);
  }
  if (!m.functions.empty()) {
    CodeWriter s;
    s.u32(static_cast<uint32_t>(m.functions.size()));
    for (const Function& f : m.functions) s.u32(f.typeIndex);
    section(out, 3, s);
  }
  if (!m.tables.empty()) {
    CodeWriter s;
    s.u32(static_cast<uint32_t>(m.tables.size()));
    for (const TableType& t : m.tables) writeTableType(s, t);
    section(out, 4, s);
  }
  if (!m.memories.empty()) {
    CodeWriter s;
    s.u32(static_cast<uint32_t>(m.memories.size()));
    for (const MemoryType& t : m.memories) writeLimits(s, t.limits);
    section(out, 5, s);
  }
  if (!m.tags.empty() || m.hasTagSection) {
    CodeWriter s;
    s.u32(static_cast<uint32_t>(m.tags.size()));
    for (const Tag& t : m.tags) {
      s.u8(0);  // attribute: exception
      s.u32(t.typeIndex);
    }
    section(out, 13, s);
  }
  if (!m.globals.empty()) {
    CodeWriter s;
    s.u32(static_cast<uint32_t>(m.globals.size()));
    for (const Global& g : m.globals) {
      writeGlobalType(s, g.type);
      writeConstExpr(s, g.init);
    }
    section(out, 6, s);
  }
  if (!m.exports.empty()) {
    CodeWriter s;
    s.u32(static_cast<uint32_t>(m.exports.size()));
    for (const Export& e : m.exports) {
      s.name(e.name);
      s.u8(static_cast<uint8_t>(e.kind));
      s.u32(e.index);
    }
    section(out, 7, s);
  }
  if (m.start) {
    CodeWriter s;
    s.u32(*m.start);
    section(out, 8, s);
  }
  if (!m.elems.empty()) {
    CodeWriter s;
    s.u32(static_cast<uint32_t>(m.elems.size()));
    for (const ElemSegment& e : m.elems) writeElem(s, e);
    section(out, 9, s);
  }
  if (m.dataCount) {
    CodeWriter s;
    s.u32(*m.dataCount);
    section(out, 12, s);
  }
  if (!m.functions.empty()) {
    CodeWriter s;
    s.u32(static_cast<uint32_t>(m.functions.size()));
    for (const Function& f : m.functions) {
      s.u32(static_cast<uint32_t>(f.body.size()));
      s.bytes(f.body.data(), f.body.size());
    }
    section(out, 10, s);
  }
  if (!m.datas.empty()) {
    CodeWriter s;
    s.u32(static_cast<uint32_t>(m.datas.size()));
    for (const DataSegment& d : m.datas) writeData(s, d);
    section(out, 11, s);
  }
  if (!m.names.empty()) writeNameSection(out, m.names);
  for (const CustomSection& c : m.customs) {
    CodeWriter s;
    s.name(c.name);
    s.bytes(c.bytes.data(), c.bytes.size());
    section(out, 0, s);
  }
  return std::move(out.out());
}

}  // namespace wcr::jit::wasm
