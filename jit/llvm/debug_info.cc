// Debug info for trap backtraces: DIBuilder on the emitting side, DWARFContext on the reading side.
#include "jit/llvm/debug_info.h"

#include <llvm/BinaryFormat/Dwarf.h>
#include <llvm/DebugInfo/DIContext.h>
#include <llvm/DebugInfo/DWARF/DWARFContext.h>
#include <llvm/IR/DIBuilder.h>
#include <llvm/IR/DebugInfoMetadata.h>
#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>
#include <llvm/Object/ObjectFile.h>
#include <llvm/Object/SymbolSize.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>

namespace wcr::jit::llvm {

namespace {

constexpr std::string_view kFunctionPrefix = "wasm_func_";  // definedFunctionName()
constexpr std::string_view kExportEntryPrefix = "wasm_guarded_export_";  // guardedExportEntryName()

// The defined index in a wasm function's (or, with kExportEntryPrefix, an export entry's) symbol
// or subprogram name.
std::optional<uint32_t> definedIndexOf(std::string_view name,
                                       std::string_view prefix = kFunctionPrefix) {
  if (name.substr(0, prefix.size()) != prefix) return std::nullopt;
  std::string_view digits = name.substr(prefix.size());
  uint32_t index = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
  if (ec != std::errc() || end != digits.data() + digits.size()) return std::nullopt;
  return index;
}

}  // namespace

// ---- Emitting ------------------------------------------------------------------------------
WasmDebugInfo::WasmDebugInfo(::llvm::Module& module)
    : module_(module), builder_(std::make_unique<::llvm::DIBuilder>(module)) {
  module.addModuleFlag(::llvm::Module::Warning, "Debug Info Version",
                       ::llvm::DEBUG_METADATA_VERSION);
  module.addModuleFlag(::llvm::Module::Warning, "Dwarf Version", 4);
  file_ = builder_->createFile("module.wasm", "");
  builder_->createCompileUnit(::llvm::dwarf::DW_LANG_C99, file_, "wcr", /*isOptimized=*/true,
                              /*Flags=*/"", /*RV=*/0, /*SplitName=*/"",
                              ::llvm::DICompileUnit::LineTablesOnly, /*DWOId=*/0,
                              /*SplitDebugInlining=*/false, /*DebugInfoForProfiling=*/false,
                              ::llvm::DICompileUnit::DebugNameTableKind::None);
  type_ = builder_->createSubroutineType(builder_->getOrCreateTypeArray({}));
}

WasmDebugInfo::~WasmDebugInfo() = default;

void WasmDebugInfo::attach(::llvm::Function& fn) {
  auto* subprogram = builder_->createFunction(
      file_, fn.getName(), /*LinkageName=*/"", file_, /*LineNo=*/0, type_, /*ScopeLine=*/0,
      ::llvm::DINode::FlagZero,
      ::llvm::DISubprogram::SPFlagDefinition | ::llvm::DISubprogram::SPFlagOptimized);
  fn.setSubprogram(subprogram);
}

void WasmDebugInfo::attachEntry(::llvm::Function& fn) {
  attach(fn);
  // Line 0 everywhere (no wasm instruction): the verifier wants a location on the call of a
  // function with debug info, and what LLVM inlines at it is scoped inside this one.
  auto* location = ::llvm::DILocation::get(fn.getContext(), 0, 0, fn.getSubprogram());
  for (::llvm::BasicBlock& block : fn) {
    for (::llvm::Instruction& instruction : block) instruction.setDebugLoc(location);
  }
}

void WasmDebugInfo::finalize() {
  builder_->finalize();
  for (::llvm::Function& fn : module_) {
    if (!fn.isDeclaration()) fn.addFnAttr("frame-pointer", "all");
  }
}

// ---- Reading -------------------------------------------------------------------------------
struct WasmSymbolizer::Object {
  std::unique_ptr<::llvm::MemoryBuffer> buffer;
  std::unique_ptr<::llvm::object::ObjectFile> file;  // null when it does not parse
  std::unique_ptr<::llvm::DWARFContext> dwarf;       // parsed at the first lookup in it
};

WasmSymbolizer::WasmSymbolizer(std::vector<std::unique_ptr<::llvm::MemoryBuffer>> objects) {
  for (auto& buffer : objects) objects_.push_back(Object{std::move(buffer), nullptr, nullptr});
}

WasmSymbolizer::~WasmSymbolizer() = default;

std::vector<std::unique_ptr<::llvm::MemoryBuffer>> WasmSymbolizer::objectViews() const {
  std::vector<std::unique_ptr<::llvm::MemoryBuffer>> views;
  for (const Object& object : objects_) {
    views.push_back(::llvm::MemoryBuffer::getMemBuffer(object.buffer->getMemBufferRef(),
                                                       /*RequiresNullTerminator=*/false));
  }
  return views;
}

// Function symbols give each wasm function's section, offset and size in its object; their
// runtime addresses (functions_) place them in memory.
void WasmSymbolizer::indexFunctions() const {
  indexed_ = true;
  for (uint32_t o = 0; o < objects_.size(); ++o) {
    Object& object = objects_[o];
    auto file = ::llvm::object::ObjectFile::createObjectFile(object.buffer->getMemBufferRef());
    if (!file) {
      ::llvm::consumeError(file.takeError());
      continue;
    }
    object.file = std::move(*file);
    for (const auto& [symbol, size] : ::llvm::object::computeSymbolSizes(*object.file)) {
      auto name = symbol.getName();
      auto value = symbol.getValue();
      auto section = symbol.getSection();
      if (!name || !value || !section) {
        if (!name) ::llvm::consumeError(name.takeError());
        if (!value) ::llvm::consumeError(value.takeError());
        if (!section) ::llvm::consumeError(section.takeError());
        continue;
      }
      std::string_view symbolName(name->data(), name->size());
      if (*section == object.file->section_end()) continue;
      uintptr_t begin = 0;
      bool exportEntry = false;
      std::optional<uint32_t> index = definedIndexOf(symbolName);
      if (index && *index < functions_.size()) {
        begin = reinterpret_cast<uintptr_t>(functions_[*index]);
      } else if ((index = definedIndexOf(symbolName, kExportEntryPrefix))) {
        auto entry = exportEntries_.find(*index);
        if (entry == exportEntries_.end()) continue;
        begin = reinterpret_cast<uintptr_t>(entry->second);
        exportEntry = true;
      } else {
        continue;
      }
      ranges_.push_back(
          {begin, begin + size, *index, o, (*section)->getIndex(), *value, exportEntry});
    }
  }
  std::sort(ranges_.begin(), ranges_.end(),
            [](const FunctionRange& a, const FunctionRange& b) { return a.begin < b.begin; });
}

std::vector<vm::WasmCodeFrame> WasmSymbolizer::framesAt(uintptr_t pc) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!indexed_) indexFunctions();
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), pc,
                             [](uintptr_t p, const FunctionRange& r) { return p < r.begin; });
  if (it == ranges_.begin() || pc >= std::prev(it)->end) return {};
  const FunctionRange& range = *std::prev(it);
  Object& object = objects_[range.object];
  if (!object.dwarf) {
    auto ignore = [](::llvm::Error error) { ::llvm::consumeError(std::move(error)); };
    object.dwarf = ::llvm::DWARFContext::create(
        *object.file, ::llvm::DWARFContext::ProcessDebugRelocations::Process, nullptr, "", ignore,
        ignore);
  }
  // Raw line numbers: no file names are built.
  ::llvm::DILineInfoSpecifier spec(
      ::llvm::DILineInfoSpecifier::FileLineInfoKind::RawValue,
      ::llvm::DILineInfoSpecifier::FunctionNameKind::ShortName);
  ::llvm::DIInliningInfo inlining = object.dwarf->getInliningInfoForAddress(
      {range.sectionStart + (pc - range.begin), range.section}, spec);
  // Line-tables-only DWARF describes only functions that inline or are inlined: elsewhere the
  // one frame comes from the line table alone, without a function name, and the function is the
  // one the symbol says (so is the outermost frame anyway).
  std::vector<vm::WasmCodeFrame> frames;
  uint32_t count = inlining.getNumberOfFrames();
  // An export entry is no wasm frame itself (its frame is the outermost): only what LLVM
  // inlined into it is, its function and that one's callees; the return address of a call it
  // made names nothing.
  if (range.exportEntry && count > 0) --count;
  for (uint32_t i = 0; i < count; ++i) {
    const ::llvm::DILineInfo& info = inlining.getFrame(i);
    std::optional<uint32_t> index =
        i + 1 == count ? range.definedIndex : definedIndexOf(info.FunctionName);
    if (!index) continue;
    frames.push_back({*index, info.Line != 0 ? info.Line : vm::kUnknownWasmOffset});
  }
  // No line information at all (an object without DWARF): still the function.
  if (frames.empty() && !range.exportEntry) {
    frames.push_back({range.definedIndex, vm::kUnknownWasmOffset});
  }
  return frames;
}

}  // namespace wcr::jit::llvm
