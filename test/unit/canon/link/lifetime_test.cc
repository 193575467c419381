// Lifetimes of component instances: dropping the result of an instantiation frees every
// instance of its tree, also when functions point back up the tree (a parent handing its own
// lifted function to a child), on the reference path and with fused adapters; an instance
// used as another instantiation's import lives as long as that instantiation; a function that
// outlives its instance fails cleanly.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "canon/link/instantiate.h"
#include "canon/model/validator.h"
#include "canon/text/component_parser.h"
#include "jit/llvm/llvm_compiler.h"

namespace wcr::canon::link {
namespace {

using abi::Value;

// A parent lifts a function from its own core instance and passes it to a child it
// instantiates, which lowers it (the "donut" wrapping of the Component Model's examples).
constexpr const char* kDonut = R"((component
  (core module $M
    (memory (export "mem") 1)
    (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))
  (core instance $m (instantiate $M))
  (func $twice (param "x" u32) (result u32) (canon lift (core func $m "twice")))
  (component $Child
    (import "twice" (func $twice (param "x" u32) (result u32)))
    (core func $twice' (canon lower (func $twice)))
    (core module $N
      (import "" "twice" (func $twice (param i32) (result i32)))
      (func (export "run") (param i32) (result i32) (call $twice (call $twice (local.get 0)))))
    (core instance $n (instantiate $N (with "" (instance (export "twice" (func $twice'))))))
    (func (export "run") (param "x" u32) (result u32) (canon lift (core func $n "run"))))
  (instance $child (instantiate $Child (with "twice" (func $twice))))
  (export "run" (func $child "run"))
  (export "twice" (func $twice))
))";

// Imports a function and calls it.
constexpr const char* kUser = R"((component
  (import "twice" (func $twice (param "x" u32) (result u32)))
  (core func $twice' (canon lower (func $twice)))
  (core module $N
    (import "" "twice" (func $twice (param i32) (result i32)))
    (func (export "run") (param i32) (result i32) (call $twice (local.get 0))))
  (core instance $n (instantiate $N (with "" (instance (export "twice" (func $twice'))))))
  (func (export "run") (param "x" u32) (result u32) (canon lift (core func $n "run")))
))";

struct Harness {
  explicit Harness(bool fused) {
    if (fused) adapters = std::make_unique<AdapterCompiler>(*compiler, jit::vm::CompileOptions{});
  }
  std::unique_ptr<jit::vm::Compiler> compiler = jit::llvm::createLlvmCompiler();
  std::unique_ptr<AdapterCompiler> adapters;
  jit::vm::TypeRegistry registry;

  InstantiateResult instantiate(const std::string& wat, const InstanceItem& imports = {}) {
    auto bytes = text::parseComponentWat(wat);
    REQUIRE(bytes.ok());
    auto component = model::decodeAndValidate(*bytes);
    REQUIRE(component.ok());
    auto compiled =
        compileComponent(std::make_shared<const model::Component>(*std::move(component)), *compiler,
                         jit::vm::CompileOptions{});
    REQUIRE(compiled.ok());
    auto result = link::instantiate(*compiled, imports, registry, adapters.get());
    REQUIRE(result.ok());
    REQUIRE(result->failure == InstantiateResult::Failure::None);
    return *std::move(result);
  }
};

uint64_t callU32(const std::shared_ptr<Func>& f, uint32_t x) {
  uint64_t out = 0;
  absl::Status s = f->call(nullptr, {Value::scalar(Value::Kind::U32, x)}, [&](auto& r) {
    out = r[0].bits;
    return absl::OkStatus();
  });
  REQUIRE(s.ok());
  return out;
}

TEST_CASE("dropping an instantiation frees a tree whose functions point back up") {
  for (bool fused : {false, true}) {
    INFO("fused adapters: " << fused);
    Harness h(fused);
    std::weak_ptr<ComponentInstance> root;
    {
      InstantiateResult inst = h.instantiate(kDonut);
      root = inst.instance;
      CHECK(callU32(inst.exports->find("run")->func, 5) == 20);
    }
    CHECK(root.expired());
  }
}

TEST_CASE("an instance imported by another instantiation lives as long as the importer") {
  for (bool fused : {false, true}) {
    INFO("fused adapters: " << fused);
    Harness h(fused);
    std::weak_ptr<ComponentInstance> provider, user;
    std::shared_ptr<Func> run;
    {
      auto importer = std::make_unique<InstantiateResult>();
      {
        InstantiateResult donut = h.instantiate(kDonut);
        provider = donut.instance;
        InstanceItem imports;
        imports.exports.emplace_back("twice", *donut.exports->find("twice"));
        *importer = h.instantiate(kUser, imports);
      }
      user = importer->instance;
      run = importer->exports->find("run")->func;
      CHECK(!provider.expired());  // the importer keeps what it imported alive
      CHECK(callU32(run, 21) == 42);
    }
    CHECK(user.expired());
    CHECK(provider.expired());
    // A function outliving its instance is an error, not a use after free.
    absl::Status s = run->call(nullptr, {Value::scalar(Value::Kind::U32, 1)},
                               [](auto&) { return absl::OkStatus(); });
    CHECK(s.code() == absl::StatusCode::kFailedPrecondition);
  }
}

}  // namespace
}  // namespace wcr::canon::link
