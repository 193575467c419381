// JitEngine without a real compiler: a fake vm::Compiler accepts modules that define no
// functions, which is enough to exercise spectest, linking, registration, segment traps and
// reading exported globals through the WAST runner.
#include "runtime/wast/jit_engine.h"

#include <catch2/catch.hpp>

#include "runtime/wast/runner.h"

namespace {

using namespace wcr::runtime::wast;
namespace vm = wcr::jit::vm;

class NoFunctionsCode : public vm::CompiledCode {
 public:
  void* functionCode(uint32_t) const override { return nullptr; }
  vm::EntryTrampoline entryTrampoline(uint32_t) const override { return nullptr; }
  void* hostCallTrampoline(uint32_t) const override { return nullptr; }
  absl::Span<const vm::CodeRange> codeRanges() const override { return {}; }
};

class NoFunctionsCompiler : public vm::Compiler {
 public:
  absl::StatusOr<std::shared_ptr<vm::CompiledCode>> compile(
      const wcr::jit::wasm::Module& module, const vm::CompileOptions&) override {
    if (!module.functions.empty()) return absl::UnimplementedError("fake compiler: functions");
    return std::make_shared<NoFunctionsCode>();
  }
};

constexpr char kScript[] = R"(
(module
  (import "spectest" "global_i32" (global $g i32))
  (import "spectest" "global_f64" (global $f f64))
  (import "spectest" "memory" (memory 1))
  (import "spectest" "table" (table 10 funcref))
  (import "spectest" "print_i32" (func $print (param i32)))
  (global (export "g") i32 (global.get $g))
  (global (export "f") f64 (f64.const 1.5))
  (global (export "gm") (mut i64) (i64.const -1))
  (global (export "r") externref (ref.null extern))
  (global (export "fr") funcref (ref.func $print))
  (global (export "v") v128 (v128.const i32x4 1 2 3 4))
  (export "print" (func $print))
  (data (i32.const 0) "hello"))
(assert_return (get "g") (i32.const 666))
(assert_return (get "f") (f64.const 1.5))
(assert_return (get "gm") (i64.const -1))
(assert_return (get "r") (ref.null extern))
(assert_return (get "fr") (ref.func))
(assert_return (get "v") (v128.const i32x4 1 2 3 4))
(register "M")
(module $second (import "M" "g" (global i32)) (import "M" "gm" (global (mut i64)))
  (import "M" "print" (func (param i32))))
(assert_unlinkable (module (import "M" "gm" (global i64))) "incompatible import type")
(assert_unlinkable (module (import "M" "nope" (global i32))) "unknown import")
(assert_unlinkable (module (import "M" "print" (func (param i64)))) "incompatible import type")
(assert_unlinkable (module (import "spectest" "memory" (memory 3))) "incompatible import type")
(assert_unlinkable (module (import "spectest" "table" (table 10 externref)))
  "incompatible import type")
(assert_trap (module (import "spectest" "memory" (memory 1)) (data (i32.const 65535) "ab"))
  "out of bounds memory access")
(assert_trap (module (table 1 funcref) (elem (i32.const 1) func) (elem (i32.const 2) func))
  "out of bounds table access")
(module (memory 0) (data (i32.const 0) ""))
)";

TEST_CASE("JitEngine links, registers and reads globals", "[runtime][jit_engine]") {
  NoFunctionsCompiler compiler;
  JitEngine engine(compiler);
  RunOptions options;
  options.engine = &engine;
  ScriptReport report = runScriptSource(kScript, options);
  for (const DirectiveResult& d : report.directives) {
    INFO(d.line << " " << d.directive << ": " << d.message << " " << d.note);
    CHECK(d.outcome == Outcome::Passed);
    CHECK_FALSE(d.messageMismatch);
  }
  CHECK(report.passed() == 17);
}

}  // namespace
