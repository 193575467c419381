// Module: the decoded form of one core WebAssembly module.
//
// Decision: function bodies and constant expressions are kept as byte ranges of the binary and are
// read on demand with InstrReader (instr_reader.h), never materialized as instruction vectors.
// The validator, the printer and the LLVM emitters all stream the same bytes, which keeps decoding
// fast and leaves one instruction decoder. A Module keeps the buffer its spans point into alive
// (`storage`), so it may outlive the bytes it was decoded from.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "jit/wasm/types.h"

namespace wcr::jit::wasm {

using Bytes = absl::Span<const uint8_t>;

// A constant expression (global initializers, segment offsets, element expressions): the
// instruction bytes up to and including the final `end`.
struct ConstExpr {
  Bytes bytes;
  size_t offset = 0;  // absolute offset in the binary, for error messages
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t funcType = 0;  // kind == Func, or Tag (the tag's function type): type index
  TableType table;        // kind == Table
  MemoryType memory;      // kind == Memory
  GlobalType global;      // kind == Global
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

// An exception tag (exception-handling proposal): the function type of its payload, whose
// results are empty.
struct Tag {
  uint32_t typeIndex = 0;
};

// A function defined in this module (not imported).
struct Function {
  uint32_t typeIndex = 0;
  Bytes body;              // the code entry: locals declarations then instructions, ending in `end`
  size_t bodyOffset = 0;   // absolute offset of body[0]
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Passive;
  uint32_t table = 0;  // Active only
  ConstExpr offset;    // Active only
  // Active: `(table x)` was written, so the encoder names the table even when it is 0 (flag 2),
  // as wasm-tools does.
  bool explicitTable = false;
  ValType elemType = kFuncRef;
  // Exactly one of these is used: function indices (the elemkind 0x00 forms) or expressions.
  std::vector<uint32_t> funcIndices;
  std::vector<ConstExpr> exprs;
  bool usesExprs = false;
  size_t count() const { return usesExprs ? exprs.size() : funcIndices.size(); }
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Passive;  // never Declarative
  uint32_t memory = 0;                      // Active only
  ConstExpr offset;                         // Active only
  Bytes bytes;
};

struct CustomSection {
  std::string name;
  Bytes bytes;  // payload after the name
  size_t offset = 0;
};

// Names from the "name" custom section; filled best-effort (a malformed name section is ignored,
// as the spec says custom sections never affect validity).
struct NameSection {
  std::string module;
  absl::flat_hash_map<uint32_t, std::string> functions;
  // Written by the encoder (the text parser fills them from `$id`s); the decoder reads only the
  // module and function names. Locals: function index -> (local index, name).
  absl::flat_hash_map<uint32_t, std::vector<std::pair<uint32_t, std::string>>> locals, labels;
  absl::flat_hash_map<uint32_t, std::string> types, tables, memories, globals, elems, datas, tags;
  bool empty() const {
    return module.empty() && functions.empty() && locals.empty() && labels.empty() &&
           types.empty() && tables.empty() && memories.empty() && globals.empty() &&
           elems.empty() && datas.empty() && tags.empty();
  }
};

struct Module {
  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<Function> functions;  // defined functions, after the imported ones in the index space
  std::vector<TableType> tables;    // defined tables
  std::vector<MemoryType> memories; // defined memories
  std::vector<Global> globals;      // defined globals
  std::vector<Tag> tags;            // defined tags
  bool hasTagSection = false;       // even an empty one: wasm 2.0 has no section 13
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> dataCount;  // from the data count section
  std::vector<CustomSection> customs;
  NameSection names;

  // Counts of imports of each kind; index spaces are imports first, then definitions.
  uint32_t numImportedFuncs = 0;
  uint32_t numImportedTables = 0;
  uint32_t numImportedMemories = 0;
  uint32_t numImportedGlobals = 0;
  uint32_t numImportedTags = 0;

  // For each ExternKind, the position in `imports` of each import of that kind, in index order.
  // Filled by the decoder so the lookups below are O(1); they scan `imports` when it is empty.
  std::array<std::vector<uint32_t>, 5> importsByKind;

  // Keeps the bytes that every Bytes above points into alive.
  std::shared_ptr<const std::vector<uint8_t>> storage;

  uint32_t numFuncs() const { return numImportedFuncs + static_cast<uint32_t>(functions.size()); }
  uint32_t numTables() const { return numImportedTables + static_cast<uint32_t>(tables.size()); }
  uint32_t numMemories() const { return numImportedMemories + static_cast<uint32_t>(memories.size()); }
  uint32_t numGlobals() const { return numImportedGlobals + static_cast<uint32_t>(globals.size()); }
  uint32_t numTags() const { return numImportedTags + static_cast<uint32_t>(tags.size()); }

  // Type lookups across the whole index space (imports included). Callers pass valid indices.
  const FuncType& funcType(uint32_t funcIndex) const;
  uint32_t funcTypeIndex(uint32_t funcIndex) const;
  const TableType& tableType(uint32_t tableIndex) const;
  const MemoryType& memoryType(uint32_t memoryIndex) const;
  const GlobalType& globalType(uint32_t globalIndex) const;
  uint32_t tagTypeIndex(uint32_t tagIndex) const;
  const FuncType& tagType(uint32_t tagIndex) const { return types[tagTypeIndex(tagIndex)]; }
};

}  // namespace wcr::jit::wasm
