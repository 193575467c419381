// canon/link end to end: component text -> binary -> decode + validate -> compile core modules
// with the LLVM JIT -> instantiate -> calls from the host and between components, post-return,
// may_leave, reentrance and resources.
#include <catch2/catch.hpp>
#include <string>

#include "canon/abi/abi_trap.h"
#include "canon/link/instantiate.h"
#include "canon/model/validator.h"
#include "canon/text/component_parser.h"
#include "jit/llvm/llvm_compiler.h"

namespace wcr::canon::link {
namespace {

using abi::Value;

struct Harness {
  std::unique_ptr<jit::vm::Compiler> compiler = jit::llvm::createLlvmCompiler();
  jit::vm::TypeRegistry registry;

  InstantiateResult instantiate(const std::string& wat) {
    auto bytes = text::parseComponentWat(wat);
    INFO((bytes.ok() ? "" : bytes.status().ToString()));
    REQUIRE(bytes.ok());
    auto component = model::decodeAndValidate(*bytes);
    INFO((component.ok() ? "" : component.status().ToString()));
    REQUIRE(component.ok());
    auto shared = std::make_shared<const model::Component>(*std::move(component));
    auto compiled = compileComponent(shared, *compiler, jit::vm::CompileOptions{});
    REQUIRE(compiled.ok());
    auto result = link::instantiate(*compiled, InstanceItem{}, registry);
    INFO((result.ok() ? "" : result.status().ToString()));
    REQUIRE(result.ok());
    REQUIRE(result->failure == InstantiateResult::Failure::None);
    return *std::move(result);
  }
};

absl::StatusOr<std::vector<Value>> call(const InstantiateResult& inst, const std::string& name,
                                        std::vector<Value> args = {}) {
  const Item* item = inst.exports->find(name);
  if (!item || !item->func) return absl::NotFoundError(name);
  std::vector<Value> out;
  absl::Status s = item->func->call(nullptr, args, [&](std::vector<Value>& results) {
    out = std::move(results);
    return absl::OkStatus();
  });
  if (!s.ok()) return s;
  return out;
}

TEST_CASE("a lifted export returns a string from linear memory") {
  Harness h;
  auto inst = h.instantiate(R"((component
    (core module $M
      (memory (export "mem") 1)
      (data (i32.const 8) "\e2\98\83!")
      (func (export "f") (result i32)
        (i32.store (i32.const 0) (i32.const 8))
        (i32.store (i32.const 4) (i32.const 4))
        (i32.const 0))
      (func (export "bad") (result i32)
        (i32.store (i32.const 0) (i32.const 65535))
        (i32.store (i32.const 4) (i32.const 2))
        (i32.const 0)))
    (core instance $m (instantiate $M))
    (func (export "f") (result string) (canon lift (core func $m "f") (memory (core memory $m "mem"))))
    (func (export "bad") (result string) (canon lift (core func $m "bad") (memory (core memory $m "mem"))))
  ))");
  auto r = call(inst, "f");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].string.utf8 == "\xE2\x98\x83!");
  auto bad = call(inst, "bad");
  REQUIRE(!bad.ok());
  CHECK(abi::isAbiTrap(bad.status()));
  CHECK(bad.status().message() == "string pointer/length out of bounds of memory");
}

TEST_CASE("arguments are lowered with realloc, results lifted, post-return runs") {
  Harness h;
  auto inst = h.instantiate(R"((component
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (global $posts (mut i32) (i32.const 0))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $next))
        (global.set $next (i32.add (global.get $next) (local.get 3)))
        (local.get $p))
      ;; len(s) + x
      (func (export "len_plus") (param i32 i32 i32) (result i32)
        (i32.add (local.get 1) (local.get 2)))
      (func (export "post") (param i32) (global.set $posts (i32.add (global.get $posts) (i32.const 1))))
      (func (export "posts") (result i32) (global.get $posts)))
    (core instance $m (instantiate $M))
    (func (export "len-plus") (param "s" string) (param "x" u32) (result u32)
      (canon lift (core func $m "len_plus") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")) (post-return (core func $m "post"))))
    (func (export "posts") (result u32) (canon lift (core func $m "posts")))
  ))");
  auto r = call(inst, "len-plus", {Value::str("hello"), Value::scalar(Value::Kind::U32, 10)});
  REQUIRE(r.ok());
  CHECK((*r)[0].bits == 15);
  auto posts = call(inst, "posts");
  REQUIRE(posts.ok());
  CHECK((*posts)[0].bits == 1);
}

TEST_CASE("component-to-component calls through canon lower and canon lift") {
  Harness h;
  auto inst = h.instantiate(R"((component
    (component $C
      (core module $M
        (memory (export "mem") 1)
        (global $next (mut i32) (i32.const 256))
        (func (export "realloc") (param i32 i32 i32 i32) (result i32)
          (local $p i32)
          (local.set $p (global.get $next))
          (global.set $next (i32.add (global.get $next) (local.get 3)))
          (local.get $p))
        ;; returns the first byte of the string times 2
        (func (export "first2") (param i32 i32) (result i32)
          (i32.mul (i32.load8_u (local.get 0)) (i32.const 2))))
      (core instance $m (instantiate $M))
      (func (export "first2") (param "s" string) (result u32)
        (canon lift (core func $m "first2") (memory (core memory $m "mem"))
          (realloc (core func $m "realloc")))))
    (component $D
      (import "first2" (func $f (param "s" string) (result u32)))
      (core module $Libc (memory (export "mem") 1) (data (i32.const 100) "Abc"))
      (core instance $libc (instantiate $Libc))
      (core func $f' (canon lower (func $f) (memory (core memory $libc "mem"))))
      (core module $Main
        (import "" "f" (func $f (param i32 i32) (result i32)))
        (func (export "run") (result i32) (call $f (i32.const 100) (i32.const 3)))
        (func (export "oob") (result i32) (call $f (i32.const 65535) (i32.const 2))))
      (core instance $main (instantiate $Main (with "" (instance (export "f" (func $f'))))))
      (func (export "run") (result u32) (canon lift (core func $main "run")))
      (func (export "oob") (result u32) (canon lift (core func $main "oob"))))
    (instance $c (instantiate $C))
    (instance $d (instantiate $D (with "first2" (func $c "first2"))))
    (func (export "run") (alias export $d "run"))
    (func (export "oob") (alias export $d "oob"))
  ))");
  auto r = call(inst, "run");
  REQUIRE(r.ok());
  CHECK((*r)[0].bits == 'A' * 2);
  auto oob = call(inst, "oob");
  REQUIRE(!oob.ok());
  CHECK(oob.status().message().find("string content out-of-bounds") != std::string::npos);
}

TEST_CASE("post-return may not leave the instance; resources new/rep/drop; traps poison") {
  Harness h;
  const std::string wat = R"((component
    (type $R (resource (rep i32)))
    (core func $new (canon resource.new $R))
    (core func $rep (canon resource.rep $R))
    (core func $drop (canon resource.drop $R))
    (core module $M
      (import "" "new" (func $new (param i32) (result i32)))
      (import "" "rep" (func $rep (param i32) (result i32)))
      (import "" "drop" (func $drop (param i32)))
      (func (export "roundtrip") (result i32)
        (local $h i32)
        (local.set $h (call $new (i32.const 42)))
        (call $rep (local.get $h))
        (call $drop (local.get $h)))
      (func (export "use-after-drop") (result i32)
        (local $h i32)
        (local.set $h (call $new (i32.const 7)))
        (call $drop (local.get $h))
        (call $rep (local.get $h)))
      (func (export "nop") (result i32) (i32.const 0))
      (func (export "post-new") (param i32) (drop (call $new (i32.const 1)))))
    (core instance $m (instantiate $M (with "" (instance
      (export "new" (func $new)) (export "rep" (func $rep)) (export "drop" (func $drop))))))
    (func (export "roundtrip") (result u32) (canon lift (core func $m "roundtrip")))
    (func (export "use-after-drop") (result u32) (canon lift (core func $m "use-after-drop")))
    (func (export "trap-in-post") (result u32)
      (canon lift (core func $m "nop") (post-return (core func $m "post-new"))))
  ))";
  auto inst = h.instantiate(wat);
  auto r = call(inst, "roundtrip");
  REQUIRE(r.ok());
  CHECK((*r)[0].bits == 42);
  auto uad = call(inst, "use-after-drop");
  REQUIRE(!uad.ok());
  CHECK(uad.status().message() == "unknown handle index 1");
  // A trap leaves the instance entered (CanonicalABI.md's Store.lift): it cannot be used again.
  auto again = call(inst, "roundtrip");
  REQUIRE(!again.ok());
  CHECK(again.status().message() == "cannot enter component instance");
  auto fresh = h.instantiate(wat);
  auto post = call(fresh, "trap-in-post");
  REQUIRE(!post.ok());
  CHECK(post.status().message() == "cannot leave component instance");
}

}  // namespace
}  // namespace wcr::canon::link
