// Instances: a module's compiled code bound to its imports, with the VMContext that compiled code
// reads (laid out by VMOffsets), its memories, tables, globals and segments. instantiate() follows
// the spec's order: check imports, allocate, evaluate globals and element segments, apply active
// element then data segments (a trap keeps what earlier segments wrote), then run start.
// Interruption (interrupt.h): an instance's epoch deadline and fuel live in its VMContext; they
// are set from an InterruptConfig before start runs, and by the setters below afterwards.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "jit/vm/code.h"
#include "jit/vm/extern.h"
#include "jit/vm/interrupt.h"
#include "jit/vm/traps.h"
#include "jit/vm/type_registry.h"
#include "jit/vm/vm_offsets.h"
#include "jit/wasm/module.h"

namespace wcr::jit::vm {

class Instance;

struct InstantiationResult {
  enum class Failure : uint8_t { None, Link, Trap } failure = Failure::None;
  std::string message;           // Link: what does not match; Trap: the trap's text
  TrapCode trap = TrapCode::None;
  std::vector<WasmFrame> backtrace;  // Trap: the wasm frames of the start function's trap
  uint64_t omittedFrames = 0;
  // Set unless the imports did not link. After a trap the instance exists (segments already
  // applied to shared memories and tables stay applied) but should not be used.
  std::shared_ptr<Instance> instance;
};

class Instance : public std::enable_shared_from_this<Instance> {
 public:
  // `imports` holds one external per module.imports entry, in order (the embedder resolves
  // names). A non-OK status is a resource or internal failure, not a wasm outcome.
  static absl::StatusOr<InstantiationResult> instantiate(
      std::shared_ptr<const wasm::Module> module, std::shared_ptr<const CompiledCode> code,
      absl::Span<const Extern> imports, TypeRegistry& types,
      const InterruptConfig& interrupts = {});
  ~Instance();
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  static Instance* fromVMContext(void* vmctx);

  const wasm::Module& module() const { return *module_; }
  const CompiledCode& code() const { return *code_; }
  uint8_t* vmctx() const { return vmctx_; }
  const VMOffsets& offsets() const { return offsets_; }

  // The export named `name`, if any.
  std::optional<Extern> exportByName(std::string_view name);
  Extern exportOf(wasm::ExternKind kind, uint32_t index);
  std::shared_ptr<const Func> func(uint32_t funcIndex);

  Memory* memory(uint32_t index) const { return memories_[index].get(); }
  Table* table(uint32_t index) const { return tables_[index].get(); }
  Global* global(uint32_t index) const { return globals_[index].get(); }
  const Tag* tag(uint32_t index) const { return tags_[index].get(); }
  // Takes ownership of an exception an exnref now points to (exceptions.cc): it lives as long
  // as this instance.
  void keepException(VMException* exn);
  VMFuncRef* funcRef(uint32_t funcIndex) const;

  // Passive segments for the bulk memory and table libcalls; dropped ones are empty.
  wasm::Bytes data(uint32_t index) const { return datas_[index]; }
  void dropData(uint32_t index) { datas_[index] = {}; }
  absl::Span<void* const> elem(uint32_t index) const { return elems_[index]; }
  void dropElem(uint32_t index) { elems_[index].clear(); }

  // Sets VMContext::stackLimit for the calling thread (done at every host->wasm entry).
  void refreshStackLimit();

  // Interruption; effective only in code compiled with CompileOptions::epochInterruption /
  // ::fuel. Calls made after the deadline set here trap with "interrupt" once `epoch` advanced
  // `ticksBeyondCurrent` times (0: at the first check). `epoch` must outlive the instance.
  void setEpochDeadline(const EpochCounter& epoch, uint64_t ticksBeyondCurrent);
  // Fuel left for this instance's code (capped at INT64_MAX); 0 once consumed.
  void setFuel(uint64_t fuel);
  uint64_t fuel() const;

 private:
  Instance(std::shared_ptr<const wasm::Module> module, std::shared_ptr<const CompiledCode> code);

  absl::Status link(absl::Span<const Extern> imports, TypeRegistry& types, std::string& linkError);
  absl::Status allocate(TypeRegistry& types);
  Trap initialize();
  Trap runStart();
  // The code of an import slot for host function `f` of type `typeIndex`: the direct host-call
  // trampoline when `f` has a direct callback and the type has one, else the general one.
  void* hostCallTrampolineFor(const Func& f, uint32_t typeIndex) const;
  template <typename T>
  T& field(uint32_t offset) const {
    return *reinterpret_cast<T*>(vmctx_ + offset);
  }

  std::shared_ptr<const wasm::Module> module_;
  std::shared_ptr<const CompiledCode> code_;
  VMOffsets offsets_;
  uint8_t* vmctx_ = nullptr;
  std::vector<std::shared_ptr<Memory>> memories_;
  std::vector<std::shared_ptr<Table>> tables_;
  std::vector<std::shared_ptr<Global>> globals_;
  std::vector<std::shared_ptr<const Tag>> tags_;
  std::vector<std::shared_ptr<const Func>> importedFuncs_;
  std::vector<wasm::Bytes> datas_;
  std::vector<std::vector<void*>> elems_;
  absl::flat_hash_map<std::string, uint32_t> exportIndex_;  // name -> module.exports position
  bool codeRetained_ = false;
  std::vector<std::unique_ptr<VMException, void (*)(VMException*)>> keptExceptions_;
};

}  // namespace wcr::jit::vm
