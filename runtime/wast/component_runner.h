// The WAST runner for Component Model scripts (the component-model suite's `.wast` files):
// component modules, `(component definition $d ...)` and `(component instance $i $d)`,
// `invoke` with component values, assert_return / assert_trap / assert_invalid /
// assert_malformed / assert_unlinkable. Components are decoded and validated by canon/model,
// compiled and instantiated by canon/link; core modules in such scripts are decoded and
// validated (the suites only assert their validity).
//
// Decision: a separate runner rather than a second Engine behind runner.h, because components
// differ in every step the core Engine abstracts (values are typed by the export's component
// type, instantiation walks definitions, failures have other kinds). It reports with the same
// ScriptReport, so `wcr wast` prints both alike.
#pragma once

#include "jit/text/script.h"
#include "jit/vm/code.h"
#include "runtime/wast/runner.h"

namespace wcr::runtime::wast {

struct ComponentRunOptions {
  jit::vm::Compiler* compiler = nullptr;  // absent: only decode and validate
  jit::vm::CompileOptions compileOptions;
  jit::wasm::Features features;  // for core modules
};

// True when the script has a component form (then runComponentScript runs it).
bool isComponentScript(const jit::text::Script& script);

ScriptReport runComponentScript(const jit::text::Script& script,
                                const ComponentRunOptions& options);

}  // namespace wcr::runtime::wast
