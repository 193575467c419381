// ComponentBuilder: the component text format -> component binary, encoded while parsing.
// Internal to canon/text; component_parser.cc holds the definitions (modules, instances, aliases,
// imports, exports, start, custom sections), component_types.cc the type syntax (value types,
// function, component, instance, resource and core module types), canon_parser.cc the canonical
// built-ins, component_encoder.{h,cc} the sections and the `component-name` section.
//
// Decisions:
//  - Like wasm-tools' `wast` crate, every abbreviation is expanded in place: an inline alias
//    (`(func $i "f")`, `(core memory $i "m")`), an inline type (`(list u8)` in a parameter, a
//    `(func ...)` type in an import) or an inline instance (`(with "x" (instance (export ...)))`)
//    becomes a definition emitted just before the one that uses it; inline exports become
//    export definitions just after it. Consecutive definitions of one kind share a section.
//  - A `$name` defined in an enclosing scope (component or type) but not in the current one is
//    reached through an automatically inserted `(alias outer ...)`, as wasm-tools does.
//  - Identifiers may be used before their definition (wasm-tools accepts that and lets the
//    validator judge the index). The builder parses the whole form up to four times: each pass
//    resolves forward references with the index tables the previous pass ended with, until two
//    passes agree (one pass when nothing is referenced before its definition).
//  - Only the strict reference syntax is accepted (wasm-tools' default, and its behaviour with
//    WAST_STRICT_COMPONENT_INDICES=1): `(memory (core memory $i "m"))`, not `(memory $i "m")`.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "canon/text/component_encoder.h"
#include "jit/text/cursor.h"

namespace wcr::canon::text {

using jit::text::Cursor;
using jit::text::Token;
using jit::text::TokenKind;

class ComponentBuilder {
 public:
  explicit ComponentBuilder(Cursor& cursor) : c_(cursor) {}

  // Parses the rest of a component after `(component`: `$id?` and its definitions, up to and
  // including the closing `)`. Returns the binary.
  absl::StatusOr<std::vector<uint8_t>> build();

  // Nesting of scopes and type expressions is bounded so hostile input cannot exhaust the stack.
  static constexpr uint32_t kMaxNesting = 500;

 private:
  enum class ScopeKind : uint8_t { Component, ComponentType, InstanceType, ModuleType };

  struct Scope {
    ScopeKind kind = ScopeKind::Component;
    uint32_t ordinal = 0;  // order of opening within the pass; keys the forward-name tables
    std::optional<std::string> id;
    std::array<uint32_t, kSortCount> counts{};
    std::array<absl::flat_hash_map<std::string, uint32_t>, kSortCount> names;
    // `$id`s reached through automatically inserted outer aliases (not forward-resolvable).
    std::array<absl::flat_hash_map<std::string, uint32_t>, kSortCount> outerNames;
    ComponentSections sections;  // Component scopes
    DeclList decls;              // type scopes
    NameMap nameMap;             // Component scopes: the `component-name` entries
    std::vector<std::pair<Sort, std::vector<uint8_t>>> appendedExports;  // inline exports
  };
  using NameTables = std::array<absl::flat_hash_map<std::string, uint32_t>, kSortCount>;

  // A definition's `$id` and inline `(export ...)`s, bound once its index is known.
  struct Binding {
    const Token* id = nullptr;
    std::vector<ExportName> exports;
  };

  absl::StatusOr<std::vector<uint8_t>> runPass();

  // ---- scopes, identifiers and indices (component_parser.cc) ----
  absl::Status enter();
  void leave() { --depth_; }
  Scope& scope() { return *scopes_.back(); }
  void openScope(ScopeKind kind, const Token* id);
  std::unique_ptr<Scope> closeScope();
  static std::string idName(const Token& t);
  void forgetOuterAliases();  // `$x` / `$"x"` -> "x"
  // Allocates the next index of `sort` in the current scope, binds `id` and records the name.
  absl::StatusOr<uint32_t> define(Sort sort, const Token* id, bool named = true);
  absl::Status bindExports(Sort sort, uint32_t index, const Binding& b);
  absl::Status flushAppendedExports();
  bool peekIndex() const;
  absl::StatusOr<uint32_t> parseU32();
  // `$id` or a number, in `sort`'s space (with automatic outer aliases for `$id`s).
  absl::StatusOr<uint32_t> parseIndex(Sort sort);
  absl::StatusOr<uint32_t> resolveId(Sort sort, const Token& t);
  // `$c` or a number naming an enclosing scope: the outer count.
  absl::StatusOr<uint32_t> parseOuterCount();

  // A reference to an item: `idx`, `(sort idx)`, `(sort idx "name"+)`, with the `core` prefix
  // as `core` says. `allowBare` accepts a plain index without the parenthesized sort.
  absl::StatusOr<uint32_t> parseRef(Sort sort, bool allowBare);
  // Inside `(sort ...`: `idx "name"*`, emitting the aliases the names call for.
  absl::StatusOr<uint32_t> parseRefBody(Sort sort);
  // `(func ...)`, `(core module ...)`, ... of an export or `with`: the sort and index.
  absl::StatusOr<std::pair<Sort, uint32_t>> parseSortRef();
  absl::StatusOr<Sort> parseSort(bool core);     // after `(`: `func`, `core func`, ...
  absl::StatusOr<Binding> parseBinding();        // `$id? (export "n" ...)*`
  absl::StatusOr<ExportName> parseExternName();  // `"name" attribute*`

  // ---- definitions (component_parser.cc) ----
  absl::Status parseFields();  // up to the closing `)` of the scope
  absl::Status parseField();
  absl::Status parseCoreModule(const Token& open);
  absl::Status parseCoreInstance();
  absl::Status parseInstance();
  absl::Status parseNestedComponent();
  absl::Status parseAlias(const Token* forcedId, std::optional<Sort> forcedSort);
  absl::Status parseImport();
  absl::Status parseExport();
  absl::Status parseStart();
  absl::Status parseCustom();
  absl::Status parseCoreFunc();
  absl::Status parseFunc();
  absl::Status parseItemWithSort(Sort sort);  // `(table ...)` etc. of core sorts: alias only
  // An instance built from `(export ...)`s, as in `(with "x" (instance (export ...)*))`.
  absl::StatusOr<uint32_t> emitInlineInstance(bool core);
  void emitAlias(std::vector<uint8_t> bytes);
  bool atAliasSugar() const;
  bool atInlineImport() const;
  // `alias export` / `alias core export` of `name` from `instance`.
  absl::StatusOr<uint32_t> aliasExport(Sort sort, uint32_t instance, const std::string& name,
                                       const Token* id, bool named, bool coreExport);

  // ---- types (component_types.cc) ----
  absl::Status parseTypeField();      // `(type $id? ...)`
  absl::Status parseCoreTypeField();  // `(core type $id? ...)`
  // A deftype after `(type $id?`, up to (not including) the `)`.
  absl::StatusOr<std::vector<uint8_t>> parseDefType();
  absl::Status writeValType(jit::wasm::CodeWriter& w);  // index, primitive or inline (emitted)
  absl::StatusOr<std::vector<uint8_t>> parseDefValType(std::string_view keyword);
  absl::StatusOr<std::vector<uint8_t>> parseFuncType();       // after `func`
  absl::StatusOr<std::vector<uint8_t>> parseComponentType();  // after `component`
  absl::StatusOr<std::vector<uint8_t>> parseInstanceType();   // after `instance`
  absl::Status parseTypeDecls(bool component);
  absl::Status parseDeclImportExport(bool isImport);
  // An externtype `(func $id? ...)`, `(type $id? (sub resource))`, ... for an import or export
  // declaration; binds the `$id` in the current scope.
  absl::Status writeExternType(jit::wasm::CodeWriter& w, bool bindIds);
  absl::StatusOr<uint32_t> emitType(std::vector<uint8_t> bytes, const Token* id, bool named);
  absl::StatusOr<uint32_t> emitCoreType(std::vector<uint8_t> bytes, const Token* id);
  absl::StatusOr<std::vector<uint8_t>> parseCoreDefType();  // after `(core type $id?`
  absl::StatusOr<std::vector<uint8_t>> parseModuleType();   // after `module`
  absl::Status writeCoreValType(jit::wasm::CodeWriter& w);
  absl::Status writeCoreFuncSig(jit::wasm::CodeWriter& w);  // `(param ...)* (result ...)*`
  absl::Status writeCoreExternType(jit::wasm::CodeWriter& w, bool bindIds);

  // ---- canonical built-ins (canon_parser.cc) ----
  // `(canon ...)` at the cursor (after `(canon`); `outerId` is the `$id` of a `(func $f (canon
  // ...))` / `(core func $f (canon ...))` wrapper, `outerBinding` its inline exports.
  absl::Status parseCanon(const Binding* outer, bool wrappedInFunc, bool wrappedInCoreFunc);
  absl::Status writeCanonOpts(jit::wasm::CodeWriter& w, uint32_t& count);
  bool atCanonOpt() const;

  Cursor& c_;
  std::vector<std::unique_ptr<Scope>> scopes_;
  uint32_t depth_ = 0;
  uint32_t scopeCounter_ = 0;
  // Forward-reference tables: the names each scope (by ordinal) had at the end of the last pass.
  std::vector<NameTables> previous_;
  std::vector<NameTables> current_;
  bool havePrevious_ = false;
  bool unresolved_ = false;                // a `$id` was not found in this pass (first pass only)
  const Token* pendingScopeId_ = nullptr;  // `$T` of `(type $T (component ...))`
  bool inCoreContext_ = false;
  uint32_t lastDefined_ = 0;  // the index `define` returned last  // inside `(core instance ...)`:
                              // sorts are core without `core`
  // Module type scopes: inline function signatures already declared, to their type index.
  std::vector<absl::flat_hash_map<std::string, uint32_t>> moduleTypeSigs_;
};

}  // namespace wcr::canon::text
