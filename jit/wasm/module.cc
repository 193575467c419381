// Index-space lookups of Module (imports first, then definitions).
#include "jit/wasm/module.h"

namespace wcr::jit::wasm {
namespace {

// The import of kind `kind` with per-kind index `index`.
const Import& importOfKind(const Module& m, ExternKind kind, uint32_t index) {
  const auto& slots = m.importsByKind[static_cast<size_t>(kind)];
  if (index < slots.size()) return m.imports[slots[index]];
  for (const Import& imp : m.imports) {
    if (imp.kind == kind && index-- == 0) return imp;
  }
  return m.imports.front();  // unreachable for valid indices
}

}  // namespace

uint32_t Module::funcTypeIndex(uint32_t funcIndex) const {
  if (funcIndex < numImportedFuncs) {
    return importOfKind(*this, ExternKind::Func, funcIndex).funcType;
  }
  return functions[funcIndex - numImportedFuncs].typeIndex;
}

const FuncType& Module::funcType(uint32_t funcIndex) const {
  return types[funcTypeIndex(funcIndex)];
}

const TableType& Module::tableType(uint32_t tableIndex) const {
  if (tableIndex < numImportedTables) {
    return importOfKind(*this, ExternKind::Table, tableIndex).table;
  }
  return tables[tableIndex - numImportedTables];
}

const MemoryType& Module::memoryType(uint32_t memoryIndex) const {
  if (memoryIndex < numImportedMemories) {
    return importOfKind(*this, ExternKind::Memory, memoryIndex).memory;
  }
  return memories[memoryIndex - numImportedMemories];
}

const GlobalType& Module::globalType(uint32_t globalIndex) const {
  if (globalIndex < numImportedGlobals) {
    return importOfKind(*this, ExternKind::Global, globalIndex).global;
  }
  return globals[globalIndex - numImportedGlobals].type;
}

uint32_t Module::tagTypeIndex(uint32_t tagIndex) const {
  if (tagIndex < numImportedTags) return importOfKind(*this, ExternKind::Tag, tagIndex).funcType;
  return tags[tagIndex - numImportedTags].typeIndex;
}

}  // namespace wcr::jit::wasm
