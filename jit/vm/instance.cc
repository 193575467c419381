// Instance creation (linking, allocation, segment initialization, start) and exports.
#include "jit/vm/instance.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "absl/strings/str_format.h"
#include "jit/support/status.h"
#include "jit/vm/const_expr.h"
#include "jit/vm/host_func.h"
#include "jit/vm/libcalls.h"

namespace wcr::jit::vm {
namespace {

// Instances created without an engine epoch read this counter, which never advances.
const uint64_t kFrozenEpoch = 0;

bool limitsMatch(const wasm::Limits& actual, const wasm::Limits& expected) {
  if (actual.min < expected.min) return false;
  if (!expected.max) return true;
  return actual.max && *actual.max <= *expected.max;
}

ValRaw readGlobal(const Global& global) {
  ValRaw v;
  std::memcpy(&v, global.storage.bytes, sizeof v);
  return v;
}

VMOffsets offsetsFor(const wasm::Module& m) {
  return VMOffsets(static_cast<uint32_t>(m.types.size()), m.numImportedFuncs, m.numMemories(),
                   m.numTables(), m.numGlobals(), m.numFuncs(), m.numTags());
}

}  // namespace

Instance::Instance(std::shared_ptr<const wasm::Module> module,
                   std::shared_ptr<const CompiledCode> code)
    : module_(std::move(module)), code_(std::move(code)), offsets_(offsetsFor(*module_)) {
  size_t size = (offsets_.size() + 15) & ~size_t{15};
  vmctx_ = static_cast<uint8_t*>(std::aligned_alloc(16, size));
  std::memset(vmctx_, 0, size);
}

Instance::~Instance() {
  if (!memories_.empty() && memories_[0]) {
    memories_[0]->removeSizeObserver(&field<uint64_t>(kOffsetMemory0Size));
  }
  if (codeRetained_) releaseCodeRanges(*code_);
  std::free(vmctx_);
}

void Instance::keepException(VMException* exn) {
  keptExceptions_.emplace_back(exn, [](VMException* e) { std::free(e); });
}

Instance* Instance::fromVMContext(void* vmctx) {
  return *reinterpret_cast<Instance**>(static_cast<uint8_t*>(vmctx) + kOffsetInstance);
}

VMFuncRef* Instance::funcRef(uint32_t funcIndex) const {
  return &field<VMFuncRef>(offsets_.funcRef(funcIndex));
}

void* Instance::hostCallTrampolineFor(const Func& f, uint32_t typeIndex) const {
  if (static_cast<const VMHostContext*>(f.ref.context)->direct) {
    if (void* direct = code_->directHostCallTrampoline(typeIndex)) return direct;
  }
  return code_->hostCallTrampoline(typeIndex);
}

void Instance::refreshStackLimit() { field<uintptr_t>(kOffsetStackLimit) = threadStackLimit(); }

void Instance::setEpochDeadline(const EpochCounter& epoch, uint64_t ticksBeyondCurrent) {
  uint64_t now = epoch.current();
  uint64_t deadline = ticksBeyondCurrent > std::numeric_limits<uint64_t>::max() - now
                          ? std::numeric_limits<uint64_t>::max()
                          : now + ticksBeyondCurrent;
  // Relaxed atomic stores: code running on another thread may read them at any time.
  __atomic_store_n(&field<const uint64_t*>(kOffsetEpochPtr), epoch.address(), __ATOMIC_RELAXED);
  __atomic_store_n(&field<uint64_t>(kOffsetEpochDeadline), deadline, __ATOMIC_RELAXED);
}

void Instance::setFuel(uint64_t fuel) {
  auto max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  field<int64_t>(kOffsetFuel) = static_cast<int64_t>(std::min(fuel, max));
}

uint64_t Instance::fuel() const {
  int64_t left = field<int64_t>(kOffsetFuel);
  return left > 0 ? static_cast<uint64_t>(left) : 0;
}

absl::StatusOr<InstantiationResult> Instance::instantiate(
    std::shared_ptr<const wasm::Module> module, std::shared_ptr<const CompiledCode> code,
    absl::Span<const Extern> imports, TypeRegistry& types, const InterruptConfig& interrupts) {
  std::shared_ptr<Instance> instance(new Instance(std::move(module), std::move(code)));
  InstantiationResult result;
  std::string linkError;
  WCR_RETURN_IF_ERROR(instance->link(imports, types, linkError));
  if (!linkError.empty()) {
    result.failure = InstantiationResult::Failure::Link;
    result.message = std::move(linkError);
    return result;
  }
  WCR_RETURN_IF_ERROR(instance->allocate(types));
  if (interrupts.epoch) {
    instance->setEpochDeadline(*interrupts.epoch, interrupts.epochDeadlineTicks);
  }
  if (interrupts.fuel) instance->setFuel(*interrupts.fuel);
  result.instance = instance;
  Trap trap = instance->initialize();
  if (trap.ok()) trap = instance->runStart();
  if (!trap.ok()) {
    result.failure = InstantiationResult::Failure::Trap;
    result.trap = trap.code;
    result.message = std::move(trap.message);
    result.backtrace = std::move(trap.backtrace);
    result.omittedFrames = trap.omittedFrames;
  }
  return result;
}

// Checks every import against its declared type and binds it; a mismatch fills `linkError`.
absl::Status Instance::link(absl::Span<const Extern> imports, TypeRegistry& types,
                            std::string& linkError) {
  const wasm::Module& m = *module_;
  if (imports.size() != m.imports.size()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "module has %d imports, %d were given", m.imports.size(), imports.size()));
  }
  for (size_t i = 0; i < imports.size(); ++i) {
    const wasm::Import& imp = m.imports[i];
    const Extern& ext = imports[i];
    auto fail = [&](const char* why) {
      linkError = absl::StrFormat("incompatible import type for \"%s\" \"%s\": %s", imp.module,
                                  imp.name, why);
    };
    if (ext.kind != imp.kind) {
      fail("wrong kind");
      return absl::OkStatus();
    }
    switch (imp.kind) {
      case wasm::ExternKind::Func:
        if (!ext.func || ext.func->ref.typeId != types.intern(m.types[imp.funcType])) {
          fail("function type mismatch");
          return absl::OkStatus();
        }
        importedFuncs_.push_back(ext.func);
        break;
      case wasm::ExternKind::Table: {
        if (!ext.table) return absl::InvalidArgumentError("table import without a table");
        wasm::TableType actual = ext.table->type();
        if (actual.elem != imp.table.elem || !limitsMatch(actual.limits, imp.table.limits)) {
          fail("table type mismatch");
          return absl::OkStatus();
        }
        tables_.push_back(ext.table);
        break;
      }
      case wasm::ExternKind::Memory:
        if (!ext.memory) return absl::InvalidArgumentError("memory import without a memory");
        if (!limitsMatch(ext.memory->type().limits, imp.memory.limits)) {
          fail("memory type mismatch");
          return absl::OkStatus();
        }
        memories_.push_back(ext.memory);
        break;
      case wasm::ExternKind::Global:
        if (!ext.global) return absl::InvalidArgumentError("global import without a global");
        if (ext.global->type.type != imp.global.type || ext.global->type.mut != imp.global.mut) {
          fail("global type mismatch");
          return absl::OkStatus();
        }
        globals_.push_back(ext.global);
        break;
      case wasm::ExternKind::Tag:
        if (!ext.tag) return absl::InvalidArgumentError("tag import without a tag");
        if (!(ext.tag->type == m.types[imp.funcType])) {
          fail("tag type mismatch");
          return absl::OkStatus();
        }
        tags_.push_back(ext.tag);
        break;
    }
  }
  return absl::OkStatus();
}

// Fills the VMContext and creates what the module defines; evaluates globals and element
// segments. Nothing here can trap.
absl::Status Instance::allocate(TypeRegistry& types) {
  const wasm::Module& m = *module_;
  const VMOffsets& off = offsets_;
  retainCodeRanges(*code_, module_);
  codeRetained_ = true;

  field<Instance*>(kOffsetInstance) = this;
  field<const Libcalls*>(kOffsetLibcalls) = &defaultLibcalls();
  field<const uint64_t*>(kOffsetEpochPtr) = &kFrozenEpoch;
  field<uint64_t>(kOffsetEpochDeadline) = std::numeric_limits<uint64_t>::max();
  field<int64_t>(kOffsetFuel) = std::numeric_limits<int64_t>::max();
  refreshStackLimit();

  std::vector<uint32_t> typeIds(m.types.size());
  for (size_t t = 0; t < m.types.size(); ++t) {
    typeIds[t] = types.intern(m.types[t]);
    field<uint32_t>(off.typeId(static_cast<uint32_t>(t))) = typeIds[t];
  }

  // Functions: imported slots, then a VMFuncRef for every function (ref.func, tables).
  for (uint32_t i = 0; i < m.numImportedFuncs; ++i) {
    const Func& f = *importedFuncs_[i];
    uint32_t typeIndex = m.funcTypeIndex(i);
    VMImportedFunc& slot = field<VMImportedFunc>(off.importedFunc(i));
    slot.code = f.isHost() ? hostCallTrampolineFor(f, typeIndex) : f.ref.code;
    slot.context = f.ref.context;
    VMFuncRef& ref = *funcRef(i);
    ref.code = slot.code;
    ref.context = slot.context;
    ref.typeId = typeIds[typeIndex];
  }
  for (uint32_t d = 0; d < m.functions.size(); ++d) {
    VMFuncRef& ref = *funcRef(m.numImportedFuncs + d);
    ref.code = code_->functionCode(d);
    ref.context = vmctx_;
    ref.typeId = typeIds[m.functions[d].typeIndex];
  }

  for (const wasm::MemoryType& type : m.memories) {
    WCR_ASSIGN_OR_RETURN(std::shared_ptr<Memory> memory, Memory::create(type));
    memories_.push_back(std::move(memory));
  }
  for (uint32_t i = 0; i < memories_.size(); ++i) {
    field<VMMemory*>(off.memory(i)) = memories_[i]->vm();
  }
  if (!memories_.empty()) {
    field<uint8_t*>(kOffsetMemory0Base) = memories_[0]->base();
    memories_[0]->addSizeObserver(&field<uint64_t>(kOffsetMemory0Size));
  }

  for (const wasm::TableType& type : m.tables) {
    WCR_ASSIGN_OR_RETURN(std::shared_ptr<Table> table, Table::create(type));
    tables_.push_back(std::move(table));
  }
  for (uint32_t i = 0; i < tables_.size(); ++i) field<VMTable*>(off.table(i)) = tables_[i]->vm();

  auto globalValue = [&](uint32_t index) { return readGlobal(*globals_[index]); };
  auto refFunc = [&](uint32_t index) -> void* { return funcRef(index); };
  ConstExprEnv env{globalValue, refFunc};
  for (const wasm::Global& g : m.globals) {
    WCR_ASSIGN_OR_RETURN(ValRaw value, evalConstExpr(g.init, env));
    auto global = std::make_shared<Global>();
    global->type = g.type;
    std::memcpy(global->storage.bytes, &value, sizeof value);
    globals_.push_back(std::move(global));
  }
  for (uint32_t i = 0; i < globals_.size(); ++i) {
    field<VMGlobal*>(off.global(i)) = &globals_[i]->storage;
  }

  for (const wasm::Tag& t : m.tags) {
    auto tag = std::make_shared<Tag>();
    tag->type = m.types[t.typeIndex];
    tags_.push_back(std::move(tag));
  }
  for (uint32_t i = 0; i < tags_.size(); ++i) field<const Tag*>(off.tag(i)) = tags_[i].get();

  for (const wasm::ElemSegment& seg : m.elems) {
    std::vector<void*> refs;
    refs.reserve(seg.count());
    if (seg.usesExprs) {
      for (const wasm::ConstExpr& expr : seg.exprs) {
        WCR_ASSIGN_OR_RETURN(ValRaw value, evalConstExpr(expr, env));
        refs.push_back(value.ref);
      }
    } else {
      for (uint32_t funcIndex : seg.funcIndices) refs.push_back(funcRef(funcIndex));
    }
    elems_.push_back(std::move(refs));
  }
  for (const wasm::DataSegment& seg : m.datas) datas_.push_back(seg.bytes);

  for (uint32_t i = 0; i < m.exports.size(); ++i) exportIndex_.try_emplace(m.exports[i].name, i);
  return absl::OkStatus();
}

// Active element segments, then active data segments, each as table.init / memory.init
// followed by a drop; declarative element segments are dropped.
Trap Instance::initialize() {
  const wasm::Module& m = *module_;
  auto globalValue = [&](uint32_t index) { return readGlobal(*globals_[index]); };
  auto refFunc = [&](uint32_t index) -> void* { return funcRef(index); };
  ConstExprEnv env{globalValue, refFunc};
  auto offsetOf = [&](const wasm::ConstExpr& expr) -> uint64_t {
    absl::StatusOr<ValRaw> value = evalConstExpr(expr, env);
    return value.ok() ? static_cast<uint32_t>(value->i32) : ~uint64_t{0};
  };
  for (uint32_t i = 0; i < m.elems.size(); ++i) {
    const wasm::ElemSegment& seg = m.elems[i];
    if (seg.mode == wasm::SegmentMode::Active) {
      uint64_t offset = offsetOf(seg.offset);
      Table& table = *tables_[seg.table];
      const std::vector<void*>& refs = elems_[i];
      if (!table.inBounds(offset, refs.size())) {
        return Trap{TrapCode::TableOutOfBounds, trapMessage(TrapCode::TableOutOfBounds)};
      }
      for (size_t k = 0; k < refs.size(); ++k) table.set(offset + k, refs[k]);
    }
    if (seg.mode != wasm::SegmentMode::Passive) dropElem(i);
  }
  for (uint32_t i = 0; i < m.datas.size(); ++i) {
    const wasm::DataSegment& seg = m.datas[i];
    if (seg.mode != wasm::SegmentMode::Active) continue;
    uint64_t offset = offsetOf(seg.offset);
    Memory& memory = *memories_[seg.memory];
    if (!memory.inBounds(offset, seg.bytes.size())) {
      return Trap{TrapCode::MemoryOutOfBounds, trapMessage(TrapCode::MemoryOutOfBounds)};
    }
    if (!seg.bytes.empty()) std::memcpy(memory.base() + offset, seg.bytes.data(), seg.bytes.size());
    dropData(i);
  }
  return Trap{};
}

Trap Instance::runStart() {
  const wasm::Module& m = *module_;
  if (!m.start) return Trap{};
  uint32_t typeIndex = m.funcTypeIndex(*m.start);
  const VMFuncRef& ref = *funcRef(*m.start);
  if (!ref.code) {  // a host function imported and used as start, and no trampoline
    return Trap{TrapCode::HostTrap, "start function has no code"};
  }
  ValRaw values[1];
  Trap trap;
  if (GuardedEntryTrampoline guarded = code_->guardedEntryTrampoline(typeIndex)) {
    enterWasmGuarded(guarded, ref.code, ref.context, values, vmctx_, &trap);
  } else {
    enterWasm(code_->entryTrampoline(typeIndex), ref.code, ref.context, values, vmctx_, &trap);
  }
  return trap;
}

std::shared_ptr<const Func> Instance::func(uint32_t funcIndex) {
  auto f = std::make_shared<Func>();
  f->ref = *funcRef(funcIndex);
  f->type = module_->funcType(funcIndex);
  f->entry = code_->entryTrampoline(module_->funcTypeIndex(funcIndex));
  f->guardedEntry = code_->guardedEntryTrampoline(module_->funcTypeIndex(funcIndex));
  if (funcIndex >= module_->numImportedFuncs) {
    if (GuardedEntryTrampoline own =
            code_->guardedExportEntry(funcIndex - module_->numImportedFuncs)) {
      f->guardedEntry = own;
    }
  }
  f->callerVmctx = vmctx_;
  f->owner = shared_from_this();
  return f;
}

Extern Instance::exportOf(wasm::ExternKind kind, uint32_t index) {
  Extern ext;
  ext.kind = kind;
  switch (kind) {
    case wasm::ExternKind::Func: ext.func = func(index); break;
    case wasm::ExternKind::Table: ext.table = tables_[index]; break;
    case wasm::ExternKind::Memory: ext.memory = memories_[index]; break;
    case wasm::ExternKind::Global: ext.global = globals_[index]; break;
    case wasm::ExternKind::Tag: ext.tag = tags_[index]; break;
  }
  return ext;
}

std::optional<Extern> Instance::exportByName(std::string_view name) {
  auto it = exportIndex_.find(std::string(name));
  if (it == exportIndex_.end()) return std::nullopt;
  const wasm::Export& e = module_->exports[it->second];
  return exportOf(e.kind, e.index);
}

}  // namespace wcr::jit::vm
