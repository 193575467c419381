// Fused `canon lower`s: when the function a component lowers is a `canon lift` of another
// component instance, the lowered core function is a generated adapter module
// (adapter_builder.h) compiled by the JIT and instantiated against both instances' memories,
// reallocs, core function, post-return and may_enter/may_leave flags.
//
// Decisions:
// - Adapters are built at instantiation, when caller and callee are known (Wasmtime finds the
//   pairs at compile time by inlining the component graph; here instantiation is eager and
//   cheap enough). Compiled code is memoized per generated module (its bytes are the key) in
//   an AdapterCompiler that lives as long as its engine, so a second instantiation of the same
//   composition only instantiates.
// - Adapters are compiled without epoch or fuel checks: their loops are bounded by list
//   lengths already checked against memory.
// - A pair is not fused (the reference path of component_instance.h runs) when a type is not
//   covered (adapterSupports), the encodings differ or are not UTF-8, the two sides share a
//   memory (the two-pass order would read what the callee's realloc wrote), the callee's core
//   signature is not the one its type implies, or WCR_NO_FUSED_ADAPTERS is set (tests compare
//   both paths).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "canon/link/component_instance.h"
#include "jit/vm/code.h"
#include "jit/vm/type_registry.h"

namespace wcr::canon::link {

class AdapterCompiler {
 public:
  AdapterCompiler(jit::vm::Compiler& compiler, jit::vm::CompileOptions options);

  struct Compiled {
    std::shared_ptr<const jit::wasm::Module> module;
    std::shared_ptr<const jit::vm::CompiledCode> code;
  };
  // Decodes, validates and compiles a generated module, or returns the memoized result.
  absl::StatusOr<Compiled> compile(std::vector<uint8_t> bytes);

  // How many adapters were requested (memoized or not) so far (for tests).
  size_t requests();

  // False when WCR_NO_FUSED_ADAPTERS is set in the environment.
  bool enabled() const { return enabled_; }

 private:
  jit::vm::Compiler& compiler_;
  jit::vm::CompileOptions options_;
  bool enabled_ = true;
  std::mutex mutex_;
  absl::flat_hash_map<std::string, Compiled> cache_;
  size_t requests_ = 0;
};

// The fused lowering of `callee` into `caller` (type and core signature of the `canon lower`),
// or null when the pair is not fused. A non-OK status is an internal failure.
absl::StatusOr<std::shared_ptr<const jit::vm::Func>> makeFusedLoweredFunc(
    AdapterCompiler& adapters, jit::vm::TypeRegistry& registry,
    const std::shared_ptr<ComponentInstance>& caller, model::FuncTypeId type,
    const jit::wasm::FuncType& coreType, const std::shared_ptr<Func>& callee,
    const CanonOptions& callerOptions);

}  // namespace wcr::canon::link
