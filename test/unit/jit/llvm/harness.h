// A minimal instance for testing jit/llvm without jit/vm: a hand-built VMContext (VMOffsets),
// an 8 GiB reservation per memory, tables, globals, funcrefs, a stub Libcalls table whose trap
// records the code and longjmps back, and a SIGSEGV handler for guard-page faults. Modules are
// validated with every proposal wcr implements enabled (jit/wasm/features.h).
#pragma once

#include <csetjmp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "jit/vm/code.h"
#include "jit/vm/libcalls.h"
#include "jit/vm/vm_offsets.h"
#include "jit/wasm/module.h"

namespace wcr::test::llvmjit {

using jit::vm::TrapCode;
using jit::vm::ValRaw;

struct HostFunc {
  std::string module, name;
  jit::vm::HostCallback callback;
};

class TestInstance {
 public:
  // Parses, validates, compiles (at `optLevel`) and instantiates; fails the test on error.
  explicit TestInstance(const std::string& wat, int optLevel = 2, std::vector<HostFunc> hosts = {},
                        bool epochInterruption = false, bool fuel = false);
  ~TestInstance();
  // From a binary, without failing the test: spectest imports are provided, other imports fail.
  static absl::StatusOr<std::unique_ptr<TestInstance>> create(const std::vector<uint8_t>& binary,
                                                              int optLevel,
                                                              std::vector<HostFunc> hosts);
  bool hasExport(const std::string& name) const;
  void setEpochDeadline(uint64_t deadline);
  void setFuel(int64_t fuel);
  int64_t fuel() const;
  // Whether the code of an exported function lies in the CompiledCode's code ranges.
  bool codeInRanges(const std::string& name) const;
  const jit::wasm::FuncType* exportType(const std::string& name) const;

  // Calls an exported function; returns the trap, if any. Results are written to `values`.
  std::optional<TrapCode> call(const std::string& name, std::vector<ValRaw>& values);

  // Convenience wrappers for single-result calls.
  int32_t i32(const std::string& name, std::vector<ValRaw> args = {});
  int64_t i64(const std::string& name, std::vector<ValRaw> args = {});
  uint32_t f32Bits(const std::string& name, std::vector<ValRaw> args = {});
  uint64_t f64Bits(const std::string& name, std::vector<ValRaw> args = {});
  std::optional<TrapCode> trap(const std::string& name, std::vector<ValRaw> args = {});

  uint8_t* memory(uint32_t index = 0) const { return memories_.at(index)->vm.base; }
  uint64_t memorySize(uint32_t index = 0) const { return memories_.at(index)->vm.size; }
  friend struct Libs;

 private:
  TestInstance() = default;
  absl::Status init(const std::vector<uint8_t>& binary, int optLevel, std::vector<HostFunc> hosts,
                    bool epochInterruption = false, bool fuel = false);

  jit::wasm::Module module_;
  std::shared_ptr<jit::vm::CompiledCode> code_;
  std::vector<uint8_t> contextStorage_;
  uint8_t* vmctx_ = nullptr;
  struct TestMemory {
    jit::vm::VMMemory vm;
    void* reservation = nullptr;
    uint64_t maxPages = 65536;
    ~TestMemory();
  };
  std::vector<std::unique_ptr<TestMemory>> memories_;
  std::vector<std::unique_ptr<jit::vm::VMTable>> tables_;
  std::vector<std::vector<void*>> tableElements_;
  std::vector<jit::vm::VMGlobal> globals_;
  std::vector<jit::vm::VMHostContext> hostContexts_;
  uint64_t epoch_ = 0;
  std::vector<bool> dataDropped_, elemDropped_;
  jit::vm::VMOffsets* offsets_ = nullptr;
  std::unique_ptr<jit::vm::VMOffsets> offsetsStorage_;
  void* elemRef(const jit::wasm::ElemSegment& seg, size_t k);
  std::optional<TrapCode> callIndex(uint32_t funcIndex, std::vector<ValRaw>& values);
};

ValRaw i32v(int32_t v);
ValRaw i64v(int64_t v);
ValRaw f32v(float v);
ValRaw f64v(double v);
ValRaw f32b(uint32_t bits);
ValRaw f64b(uint64_t bits);

}  // namespace wcr::test::llvmjit
