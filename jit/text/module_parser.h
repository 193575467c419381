// ModuleBuilder: the text format's module fields -> wasm::Module -> binary (encoder.h).
// Internal to jit/text; module_parser.cc holds the fields and index spaces, instr_parser.cc the
// instructions.
//
// Decision: two passes over the fields. The first records every identifier in its index space
// (and parses type definitions, which other fields match inline types against); the second
// parses everything in text order, so implicit type definitions are appended in the order the
// spec prescribes and forward references resolve. Numeric indices are encoded as written, valid
// or not: the validator judges them.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "jit/text/cursor.h"
#include "jit/wasm/encoder.h"
#include "jit/wasm/module.h"

namespace wcr::jit::text {

class ModuleBuilder {
 public:
  explicit ModuleBuilder(Cursor& cursor) : c_(cursor) {}

  // Parses module fields from the cursor up to (not including) the `)` that closes the module,
  // or up to Eof for a bare list of fields, and returns the encoded binary.
  absl::StatusOr<std::vector<uint8_t>> build(std::optional<std::string> moduleName);

 private:
  enum class Space : uint8_t { Type, Func, Table, Memory, Global, Elem, Data, Tag, kCount };
  struct IndexSpace {
    absl::flat_hash_map<std::string, uint32_t> names;
    uint32_t count = 0;
  };

  // An unresolved type use: `(type x)? (param ...)* (result ...)*`.
  struct TypeUse {
    const Token* at = nullptr;
    std::optional<uint32_t> index;  // from (type x)
    bool hasInline = false;         // (param) / (result) groups with at least one type
    wasm::FuncType type;            // the inline signature
    std::vector<const Token*> paramIds;  // per parameter, null when unnamed
  };

  // Per function body (or constant expression) state.
  struct FuncState {
    wasm::CodeWriter w;
    absl::flat_hash_map<std::string, uint32_t> locals;
    std::vector<std::optional<std::string>> labels;  // innermost last
    uint32_t depth = 0;  // nesting of folded instructions and blocks
    std::optional<uint32_t> funcIndex;  // function bodies (for label names)
    uint32_t blocks = 0;                // block instructions so far (label names)
  };
  // Instructions nest by recursion; this bound keeps the stack small (about 1 KiB per level
  // in release builds), also on fibers and in sanitizer builds.
  static constexpr uint32_t kMaxNesting = 1000;
  absl::Status enter(FuncState& f);

  // An instruction whose immediates are parsed but whose type use is resolved only when it is
  // emitted (after its folded operands), the order in which implicit types are appended.
  struct PendingInstr {
    wasm::Instr in;
    std::optional<TypeUse> typeUse;      // CallIndirect, block types
    std::vector<uint32_t> targets;       // BrTable
    std::vector<wasm::ValType> selectTypes;
  };

  // ---- module_parser.cc: fields ----
  absl::Status scanFields();
  absl::Status scanField();
  absl::Status parseField();
  absl::Status parseImport();
  absl::Status parseFunc();
  absl::Status parseTable();
  absl::Status parseMemory();
  absl::Status parseGlobal();
  absl::Status parseTag();
  // The rest of a field with an inline `(import "m" "n")`: `imp` has its kind and type.
  absl::Status finishInlineImport(std::pair<std::string, std::string> names, wasm::Import imp);
  absl::Status parseExport();
  absl::Status parseStart();
  absl::Status parseElem();
  absl::Status parseData();
  absl::Status parseInlineExports(wasm::ExternKind kind, uint32_t index);
  absl::StatusOr<std::optional<std::pair<std::string, std::string>>> parseInlineImport();
  absl::StatusOr<wasm::FuncType> parseTypeDef();
  absl::Status noteImport(const Token& at);
  void noteDefinition(const char* kind);

  // Identifiers and indices.
  static std::string idKey(const Token& t);
  absl::Status bindId(Space space, const Token* id, uint32_t index);
  absl::StatusOr<uint32_t> parseIndex(Space space);
  bool peekIndex() const;
  absl::StatusOr<uint32_t> parseU32(const char* rangeMessage);

  // Types.
  absl::StatusOr<wasm::ValType> parseValType();
  absl::StatusOr<wasm::ValType> parseRefType();
  absl::StatusOr<wasm::ValType> parseHeapType();
  absl::StatusOr<TypeUse> parseTypeUse(bool allowNames);
  absl::StatusOr<uint32_t> resolveTypeUse(const TypeUse& use);
  absl::StatusOr<wasm::Limits> parseLimits();
  absl::StatusOr<wasm::GlobalType> parseGlobalType();
  absl::StatusOr<wasm::TableType> parseTableType();
  // A tag's type use: its function type index (results must be empty, which validation checks).
  absl::StatusOr<uint32_t> parseTagType();

  // Byte ranges that the Module's spans point into.
  wasm::Bytes store(std::vector<uint8_t> bytes);
  wasm::ConstExpr storeExpr(FuncState& f);

  // ---- instr_parser.cc: instructions ----
  absl::Status parseInstrs(FuncState& f);
  absl::Status parsePlain(FuncState& f);
  absl::Status parseFolded(FuncState& f);
  absl::Status parseBlockPlain(FuncState& f, wasm::Opcode op);
  absl::Status parseBlockFolded(FuncState& f, wasm::Opcode op);
  // try_table's catch clauses, whose labels resolve outside the try_table.
  absl::Status parseCatches(FuncState& f, std::vector<wasm::Catch>& out);
  std::optional<std::string> parseLabel();
  absl::Status checkEndLabel(const std::optional<std::string>& label);
  void noteLabel(FuncState& f, const std::optional<std::string>& label);
  absl::StatusOr<wasm::BlockType> resolveBlockType(const TypeUse& use);
  absl::Status parseImmediates(FuncState& f, const Token& opToken, PendingInstr& p);
  absl::Status emit(FuncState& f, PendingInstr& p);
  absl::StatusOr<uint32_t> parseLabelIndex(FuncState& f);
  absl::StatusOr<uint32_t> parseLocalIndex(FuncState& f);
  absl::Status parseMemArg(wasm::Opcode op, wasm::MemArg& m);
  absl::StatusOr<uint8_t> parseLaneIndex();
  absl::Status parseV128Const(std::array<uint8_t, 16>& out);
  absl::Status parseShuffle(std::array<uint8_t, 16>& out);
  // Instructions up to the closing `)` of the enclosing form, then `end`: a constant expression.
  absl::StatusOr<wasm::ConstExpr> parseExpr();
  // One folded instruction as a constant expression (offset and item abbreviations).
  absl::StatusOr<wasm::ConstExpr> parseFoldedExpr();

  Cursor& c_;
  wasm::Module m_;
  std::deque<std::vector<uint8_t>> storage_;
  IndexSpace spaces_[static_cast<size_t>(Space::kCount)];
  std::vector<size_t> fieldStarts_;  // token index of each field's `(`
  std::vector<bool> memoryIs64_;     // by memory index, from the first pass
  const char* firstDefinition_ = nullptr;  // "function", "table", ... for "import after ..."
  bool usesDataCount_ = false;

  IndexSpace& space(Space s) { return spaces_[static_cast<size_t>(s)]; }
};

}  // namespace wcr::jit::text
