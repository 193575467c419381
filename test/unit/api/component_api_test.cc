// The public component API (runtime/include/wcr/component.h): components from text, host
// functions imported by interface name (strings and records), values of every kind converted
// both ways through guest memory, typed views, traps, link errors, refused values and a
// component composed of two nested components.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "wcr/wcr.hh"

namespace {

using wcr::ComponentVal;

// A bump allocator with alignment, shared by the guests below.
const char kLibc[] = R"(
  (core module $Libc
    (memory (export "mem") 4)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $Libc))
  (alias core export $libc "mem" (core memory $mem))
  (alias core export $libc "realloc" (core func $realloc))
)";

// Imports "test:host/log" (greet: string and record in, string out; fail), exports
// "test:guest/api" with run(name, x, y) -> string calling greet, and a top-level crash().
std::string greeterWat() {
  return std::string(R"((component
  (type $point' (record (field "x" u32) (field "y" s32)))
  (import "test:host/log" (instance $log
    (export "point" (type $point (eq $point')))
    (export "greet" (func (param "name" string) (param "p" $point) (result string)))
    (export "fail" (func))))
  (alias export $log "greet" (func $greet))
  (alias export $log "fail" (func $fail))
)") + kLibc + R"(
  (core func $greet' (canon lower (func $greet) (memory $mem) (realloc $realloc)))
  (core func $fail' (canon lower (func $fail)))
  (core module $Main
    (import "" "greet" (func $greet (param i32 i32 i32 i32 i32)))
    (import "" "fail" (func $fail))
    (func (export "run") (param i32 i32 i32 i32) (result i32)
      (call $greet (local.get 0) (local.get 1) (local.get 2) (local.get 3) (i32.const 64))
      (i32.const 64))
    (func (export "call-fail") (call $fail))
    (func (export "crash") unreachable))
  (core instance $main (instantiate $Main
    (with "" (instance (export "greet" (func $greet')) (export "fail" (func $fail'))))))
  (func $run (param "name" string) (param "x" u32) (param "y" s32) (result string)
    (canon lift (core func $main "run") (memory $mem) (realloc $realloc)))
  (func $call-fail (canon lift (core func $main "call-fail")))
  (instance $api (export "run" (func $run)) (export "call-fail" (func $call-fail)))
  (export "test:guest/api" (instance $api))
  (func (export "crash") (canon lift (core func $main "crash")))
))";
}

wcr::Result<wcr::Component> load(const wcr::Engine& engine, const std::string& wat) {
  return wcr::Component::fromBytes(engine, reinterpret_cast<const uint8_t*>(wat.data()),
                                   wat.size());
}

void defineLog(wcr::ComponentLinker& linker, std::vector<std::string>& seen) {
  REQUIRE(linker
              .defineFunc("test:host/log", "greet",
                          [&seen](const std::vector<ComponentVal>& args,
                                  std::vector<ComponentVal>& results) -> wcr::Result<void> {
                            seen.push_back(args[0].toString() + " " + args[1].toString());
                            const ComponentVal* x = args[1].field("x");
                            const ComponentVal* y = args[1].field("y");
                            results.push_back(ComponentVal::string(
                                "hello " + args[0].asString() + " at " +
                                std::to_string(x->asUnsigned()) + "," +
                                std::to_string(y->asSigned())));
                            return {};
                          })
              .ok());
  REQUIRE(linker.func("test:host/log", "fail", []() -> wcr::Result<void> {
                  return wcr::Error(wcr::Error::Kind::Trap, "the host says no");
                }).ok());
}

}  // namespace

TEST_CASE("component: host functions imported by interface name, strings and records") {
  wcr::Engine engine;
  wcr::Store store(engine);
  auto component = load(engine, greeterWat());
  REQUIRE(component.ok());

  auto imports = component->imports();
  REQUIRE(imports.size() == 1);
  CHECK(imports[0].name == "test:host/log");
  CHECK(imports[0].kind == wcr::ComponentItem::Kind::Instance);
  REQUIRE(imports[0].members.size() == 3);
  CHECK(imports[0].members[1].name == "greet");
  CHECK(imports[0].members[1].type ==
        "func(name: string, p: record { x: u32, y: s32 }) -> string");
  auto exports = component->exports();
  REQUIRE(exports.size() == 2);
  CHECK(exports[0].name == "test:guest/api");
  CHECK(exports[1].name == "crash");
  CHECK(exports[1].type == "func()");

  wcr::ComponentLinker linker(engine);
  std::vector<std::string> seen;
  defineLog(linker, seen);
  auto instance = linker.instantiate(store, *component);
  REQUIRE(instance.ok());
  CHECK(instance->exportNames() == std::vector<std::string>{"test:guest/api", "crash"});

  auto run = instance->func("test:guest/api", "run");
  REQUIRE(run);
  CHECK(run->typeText() == "func(name: string, x: u32, y: s32) -> string");
  REQUIRE(run->params().size() == 3);
  CHECK(run->params()[2].name == "y");
  CHECK(run->params()[2].type == "s32");
  CHECK(run->results() == std::vector<std::string>{"string"});
  auto r = run->call({ComponentVal::string("wörld"), ComponentVal::u32(3), ComponentVal::s32(-4)});
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK((*r)[0].asString() == "hello wörld at 3,-4");
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == "\"wörld\" {x: 3, y: -4}");

  // The typed view, checked once against the func type.
  auto typed = run->typed<std::string(std::string, uint32_t, int32_t)>();
  REQUIRE(typed.ok());
  CHECK(*typed->call("you", 1, 2) == "hello you at 1,2");
  auto wrong = run->typed<std::string(std::string, int32_t, int32_t)>();
  REQUIRE(!wrong.ok());
  CHECK(wrong.error().message().find("expected (string, s32, s32) -> string") !=
        std::string::npos);

  CHECK(!instance->func("run"));
  CHECK(!instance->func("test:guest/api", "nope"));
  CHECK(!instance->func("crash", "x"));
}

TEST_CASE("component: traps are errors of kind Trap") {
  wcr::Engine engine;
  wcr::Store store(engine);
  auto component = load(engine, greeterWat());
  REQUIRE(component.ok());
  wcr::ComponentLinker linker(engine);
  std::vector<std::string> seen;
  defineLog(linker, seen);
  auto instance = linker.instantiate(store, *component);
  REQUIRE(instance.ok());
  auto hostTrap = instance->func("test:guest/api", "call-fail")->call({});
  REQUIRE(!hostTrap.ok());
  CHECK(hostTrap.error().kind() == wcr::Error::Kind::Trap);
  CHECK(hostTrap.error().message().find("the host says no") != std::string::npos);

  auto fresh = linker.instantiate(store, *component);
  REQUIRE(fresh.ok());
  auto crash = fresh->func("crash")->call({});
  REQUIRE(!crash.ok());
  CHECK(crash.error().kind() == wcr::Error::Kind::Trap);
  CHECK(crash.error().message().find("unreachable") != std::string::npos);
}

TEST_CASE("component: link errors name the import") {
  wcr::Engine engine;
  wcr::Store store(engine);
  auto component = load(engine, greeterWat());
  REQUIRE(component.ok());

  wcr::ComponentLinker empty(engine);
  auto missing = empty.instantiate(store, *component);
  REQUIRE(!missing.ok());
  CHECK(missing.error().kind() == wcr::Error::Kind::Link);
  CHECK(missing.error().message().find("missing import `test:host/log`") != std::string::npos);

  wcr::ComponentLinker asFunc(engine);
  REQUIRE(asFunc.func("test:host/log", [] {}).ok());
  auto wrongKind = asFunc.instantiate(store, *component);
  REQUIRE(!wrongKind.ok());
  CHECK(wrongKind.error().kind() == wcr::Error::Kind::Link);
  CHECK(wrongKind.error().message().find("`test:host/log` is an instance") != std::string::npos);

  wcr::ComponentLinker partial(engine);
  REQUIRE(partial.func("test:host/log", "fail", [] {}).ok());
  auto noGreet = partial.instantiate(store, *component);
  REQUIRE(!noGreet.ok());
  CHECK(noGreet.error().kind() == wcr::Error::Kind::Link);
  CHECK(noGreet.error().message().find("missing function `greet`") != std::string::npos);
  // A name is a func or an instance, not both.
  CHECK(!partial.func("test:host/log", [] {}).ok());

  const char bad[] = "(component (core module $m (func (result i32))))";
  auto invalid = wcr::Component::fromBytes(engine, reinterpret_cast<const uint8_t*>(bad),
                                           sizeof bad - 1);
  REQUIRE(!invalid.ok());
  CHECK(invalid.error().kind() == wcr::Error::Kind::Invalid);
  auto io = wcr::Component::fromFile(engine, "/nonexistent/x.wasm");
  REQUIRE(!io.ok());
  CHECK(io.error().kind() == wcr::Error::Kind::Io);
}
