// JitEngine: the WAST runner's Engine (engine.h) on top of jit/vm. Modules are compiled by the
// vm::Compiler it is given (so this file never sees LLVM), instantiated with imports resolved by
// name against registered instances and the `spectest` host module, and invoked through their
// entry trampolines under trap handling.
//
// Decisions: every instance lives as long as the engine, including those whose instantiation
// trapped (their functions may already sit in shared tables). An externref written
// `(ref.extern N)` is the opaque pointer value N + 1: non-null, distinct per N, and mapped back
// to N when it comes out. Stack exhaustion is reported as Failure::Exhaustion, every other trap
// as Failure::Trap with the spec's message.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "jit/vm/code.h"
#include "jit/vm/extern.h"
#include "jit/vm/instance.h"
#include "jit/vm/type_registry.h"
#include "runtime/wast/engine.h"

namespace wcr::runtime::wast {

class JitEngine : public Engine {
 public:
  explicit JitEngine(jit::vm::Compiler& compiler, jit::vm::CompileOptions options = {});
  ~JitEngine() override;

  absl::StatusOr<InstantiateResult> instantiate(const jit::wasm::Module& module) override;
  absl::StatusOr<ActionResult> invoke(InstanceId instance, std::string_view field,
                                      absl::Span<const jit::text::Value> args) override;
  absl::StatusOr<ActionResult> get(InstanceId instance, std::string_view field) override;
  absl::Status registerInstance(std::string_view name, InstanceId instance) override;

 private:
  using Namespace = absl::flat_hash_map<std::string, jit::vm::Extern>;

  void addSpectest();
  absl::StatusOr<jit::vm::Extern> findExport(InstanceId instance, std::string_view field) const;

  jit::vm::Compiler& compiler_;
  jit::vm::CompileOptions options_;
  jit::vm::TypeRegistry types_;
  std::vector<std::shared_ptr<jit::vm::Instance>> instances_;  // indexed by InstanceId
  absl::flat_hash_map<std::string, Namespace> registered_;     // module name -> exports
};

}  // namespace wcr::runtime::wast
