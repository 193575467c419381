// The public component API (runtime/include/wcr/component.h): components from text, host
// functions imported by interface name (strings and records), values of every kind converted
// both ways through guest memory, typed views, traps, link errors, refused values and a
// component composed of two nested components.
#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <string>
#include <vector>

#include "wcr/wcr.h"
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
)") + kLibc +
         R"(
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
                            results.push_back(
                                ComponentVal::string("hello " + args[0].asString() + " at " +
                                                     std::to_string(x->asUnsigned()) + "," +
                                                     std::to_string(y->asSigned())));
                            return {};
                          })
              .ok());
  REQUIRE(linker
              .func("test:host/log", "fail",
                    []() -> wcr::Result<void> {
                      return wcr::Error(wcr::Error::Kind::Trap, "the host says no");
                    })
              .ok());
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
  CHECK(imports[0].members[1].type == "func(name: string, p: record { x: u32, y: s32 }) -> string");
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
  CHECK(wrong.error().message().find("expected (string, s32, s32) -> string") != std::string::npos);

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
  auto invalid =
      wcr::Component::fromBytes(engine, reinterpret_cast<const uint8_t*>(bad), sizeof bad - 1);
  REQUIRE(!invalid.ok());
  CHECK(invalid.error().kind() == wcr::Error::Kind::Invalid);
  auto io = wcr::Component::fromFile(engine, "/nonexistent/x.wasm");
  REQUIRE(!io.ok());
  CHECK(io.error().kind() == wcr::Error::Kind::Io);
}

namespace {

// One identity function per kind: the export `K` lowers its argument into guest memory, the
// guest calls the host import `id-K` with it (lifting it back out), the host's result is
// lowered into guest memory and lifted as the export's result.
struct KindCase {
  const char* name;
  const char* type;        // component type text
  const char* coreParams;  // the flattened parameter
  const char* coreResult;  // the flat result, or "" for a return pointer
};

const KindCase kKinds[] = {
    {"bool", "bool", "i32", "i32"},
    {"s8", "s8", "i32", "i32"},
    {"u8", "u8", "i32", "i32"},
    {"s16", "s16", "i32", "i32"},
    {"u16", "u16", "i32", "i32"},
    {"s32", "s32", "i32", "i32"},
    {"u32", "u32", "i32", "i32"},
    {"s64", "s64", "i64", "i64"},
    {"u64", "u64", "i64", "i64"},
    {"f32", "f32", "f32", "f32"},
    {"f64", "f64", "f64", "f64"},
    {"char", "char", "i32", "i32"},
    {"string", "string", "i32 i32", ""},
    {"list", "(list u32)", "i32 i32", ""},
    {"record", "$rec", "i32 i32 i32", ""},
    {"tuple", "(tuple u32 f64)", "i32 f64", ""},
    {"variant", "$var", "i32 i32 i32", ""},
    {"enum", "$color", "i32", "i32"},
    {"option", "(option u32)", "i32 i32", ""},
    {"result", "(result string (error u32))", "i32 i32 i32", ""},
    {"flags", "$perms", "i32", "i32"},
    {"nested", "(list (tuple string (option s16)))", "i32 i32", ""},
};

std::string kindsWat() {
  std::string wat = R"((component
  (type $rec' (record (field "a" u8) (field "b" string)))
  (import "rec" (type $rec (eq $rec')))
  (type $var' (variant (case "nothing") (case "num" u32) (case "text" string)))
  (import "var" (type $var (eq $var')))
  (type $color' (enum "red" "green" "blue"))
  (import "color" (type $color (eq $color')))
  (type $perms' (flags "read" "write" "exec"))
  (import "perms" (type $perms (eq $perms')))
)";
  for (const KindCase& k : kKinds) {
    wat += std::string("  (import \"id-") + k.name + "\" (func $id-" + k.name + " (param \"v\" " +
           k.type + ") (result " + k.type + ")))\n";
  }
  wat += kLibc;
  std::string main = "  (core module $Main\n";
  std::string funcs;
  std::string with = "  (core instance $main (instantiate $Main (with \"\" (instance\n";
  std::string lifts;
  for (const KindCase& k : kKinds) {
    std::string n = k.name;
    bool retptr = std::string(k.coreResult).empty();
    wat += "  (core func $l-" + n + " (canon lower (func $id-" + n +
           ") (memory $mem) (realloc $realloc)))\n";
    std::string params = k.coreParams;
    size_t count = 1 + std::count(params.begin(), params.end(), ' ');
    std::string args;
    for (size_t i = 0; i < count; ++i) args += " (local.get " + std::to_string(i) + ")";
    if (retptr) {
      main += "    (import \"\" \"" + n + "\" (func $" + n + " (param " + params + " i32)))\n";
      funcs += "    (func (export \"" + n + "\") (param " + params + ") (result i32) (call $" + n +
               args + " (i32.const 64)) (i32.const 64))\n";
    } else {
      main += "    (import \"\" \"" + n + "\" (func $" + n + " (param " + params + ") (result " +
              k.coreResult + ")))\n";
      funcs += "    (func (export \"" + n + "\") (param " + params + ") (result " + k.coreResult +
               ") (call $" + n + args + "))\n";
    }
    with += "    (export \"" + n + "\" (func $l-" + n + "))\n";
    lifts += "  (func (export \"" + n + "\") (param \"v\" " + k.type + ") (result " + k.type +
             ") (canon lift (core func $main \"" + n + "\") (memory $mem) (realloc $realloc)))\n";
  }
  return wat + main + funcs + "  )\n" + with + "  ))))\n" + lifts + ")";
}

struct KindsFixture {
  wcr::Engine engine;
  wcr::Store store{engine};
  std::vector<ComponentVal> hostSaw;
  std::optional<wcr::ComponentInstance> instance;
  std::optional<ComponentVal> hostReply;  // replaces the host's echo when set

  KindsFixture() {
    auto component = load(engine, kindsWat());
    if (!component.ok()) FAIL(component.error().message());
    wcr::ComponentLinker linker(engine);
    for (const KindCase& k : kKinds) {
      REQUIRE(linker
                  .defineFunc(std::string("id-") + k.name,
                              [this](const std::vector<ComponentVal>& args,
                                     std::vector<ComponentVal>& results) -> wcr::Result<void> {
                                hostSaw.push_back(args[0]);
                                results.push_back(hostReply ? *hostReply : args[0]);
                                return {};
                              })
                  .ok());
    }
    auto created = linker.instantiate(store, *component);
    if (!created.ok()) FAIL(created.error().message());
    instance = *created;
  }

  wcr::Result<std::vector<ComponentVal>> call(const std::string& name, const ComponentVal& v) {
    auto f = instance->func(name);
    REQUIRE(f);
    return f->call({v});
  }
};

}  // namespace

TEST_CASE("component: values of every kind round-trip through guest memory and the host") {
  KindsFixture fx;
  const std::vector<std::pair<std::string, ComponentVal>> cases = {
      {"bool", ComponentVal::boolean(true)},
      {"s8", ComponentVal::s8(-128)},
      {"u8", ComponentVal::u8(255)},
      {"s16", ComponentVal::s16(-32768)},
      {"u16", ComponentVal::u16(65535)},
      {"s32", ComponentVal::s32(-123456789)},
      {"u32", ComponentVal::u32(4000000000u)},
      {"s64", ComponentVal::s64(-(int64_t{1} << 62))},
      {"u64", ComponentVal::u64(~uint64_t{0})},
      {"f32", ComponentVal::f32(1.5f)},
      {"f64", ComponentVal::f64(-2.25)},
      {"char", ComponentVal::character(U'€')},
      {"string", ComponentVal::string("héllo, wörld")},
      {"list",
       ComponentVal::list({ComponentVal::u32(1), ComponentVal::u32(2), ComponentVal::u32(3)})},
      {"record",
       ComponentVal::record({{"a", ComponentVal::u8(7)}, {"b", ComponentVal::string("bee")}})},
      {"tuple", ComponentVal::tuple({ComponentVal::u32(9), ComponentVal::f64(0.5)})},
      {"variant", ComponentVal::variant("text", ComponentVal::string("payload"))},
      {"variant", ComponentVal::variant("num", ComponentVal::u32(77))},
      {"variant", ComponentVal::variant("nothing")},
      {"enum", ComponentVal::enumCase("blue")},
      {"option", ComponentVal::some(ComponentVal::u32(5))},
      {"option", ComponentVal::none()},
      {"result", ComponentVal::ok(ComponentVal::string("fine"))},
      {"result", ComponentVal::err(ComponentVal::u32(404))},
      {"flags", ComponentVal::flags({"read", "exec"})},
      {"flags", ComponentVal::flags({})},
      {"nested",
       ComponentVal::list({ComponentVal::tuple({ComponentVal::string("x"),
                                                ComponentVal::some(ComponentVal::s16(-2))}),
                           ComponentVal::tuple({ComponentVal::string(""), ComponentVal::none()})})},
  };
  for (const auto& [name, value] : cases) {
    INFO(name << " " << value.toString());
    fx.hostSaw.clear();
    auto r = fx.call(name, value);
    if (!r.ok()) FAIL(r.error().message());
    REQUIRE(r->size() == 1);
    CHECK((*r)[0] == value);
    REQUIRE(fx.hostSaw.size() == 1);
    CHECK(fx.hostSaw[0] == value);
  }
  CHECK(fx.call("record", cases[14].second)->at(0).toString() == "{a: 7, b: \"bee\"}");
  CHECK(fx.call("nested", cases.back().second)->at(0).toString() ==
        "[(\"x\", some(-2)), (\"\", none)]");
  CHECK(fx.call("flags", cases[24].second)->at(0).toString() == "{read, exec}");
  CHECK(fx.call("result", cases[23].second)->at(0).toString() == "err(404)");
  CHECK(fx.call("char", cases[11].second)->at(0).toString() == "'€'");
  // Integers convert between kinds when they fit.
  CHECK(fx.call("u8", ComponentVal::s64(200))->at(0) == ComponentVal::u8(200));
  CHECK(fx.call("s16", ComponentVal::u32(300))->at(0) == ComponentVal::s16(300));
  // Record fields may come in any order.
  CHECK(fx.call("record", ComponentVal::record(
                              {{"b", ComponentVal::string("z")}, {"a", ComponentVal::u8(1)}}))
            ->at(0) ==
        ComponentVal::record({{"a", ComponentVal::u8(1)}, {"b", ComponentVal::string("z")}}));
}

TEST_CASE("component: values that do not fit the type are refused with clear errors") {
  KindsFixture fx;
  auto refused = [&](const std::string& name, const ComponentVal& v) {
    auto r = fx.call(name, v);
    REQUIRE(!r.ok());
    CHECK(r.error().kind() == wcr::Error::Kind::Invalid);
    return r.error().message();
  };
  CHECK(refused("u32", ComponentVal::string("7")) ==
        "argument 0 `v`: expected a value of type u32, got the string \"7\"");
  CHECK(refused("u8", ComponentVal::s32(256)) == "argument 0 `v`: 256 is out of range for u8");
  CHECK(refused("u64", ComponentVal::s8(-1)) == "argument 0 `v`: -1 is out of range for u64");
  CHECK(refused("s8", ComponentVal::u64(128)) == "argument 0 `v`: 128 is out of range for s8");
  CHECK(refused("char", ComponentVal::character(0xD800)).find("not a valid char") !=
        std::string::npos);
  CHECK(refused("char", ComponentVal::character(0x110000)).find("not a valid char") !=
        std::string::npos);
  CHECK(refused("string", ComponentVal::string("ok\xff")) ==
        "argument 0 `v`: the string is not valid UTF-8 (at byte 2)");
  CHECK(refused("nested",
                ComponentVal::list({ComponentVal::tuple(
                    {ComponentVal::string("a"), ComponentVal::some(ComponentVal::s32(70000))})})) ==
        "argument 0 `v`[0].1.some: 70000 is out of range for s16");
  CHECK(refused("variant", ComponentVal::variant("nope")).find("unknown case `nope`") !=
        std::string::npos);
  CHECK(refused("variant", ComponentVal::variant("num")).find("a payload is required") !=
        std::string::npos);
  CHECK(refused("variant", ComponentVal::variant("nothing", ComponentVal::u32(1)))
            .find("this case has no payload") != std::string::npos);
  CHECK(refused("enum", ComponentVal::enumCase("purple")).find("unknown case `purple`") !=
        std::string::npos);
  CHECK(refused("flags", ComponentVal::flags({"read", "fly"})).find("unknown flag `fly`") !=
        std::string::npos);
  CHECK(refused("record", ComponentVal::record({{"a", ComponentVal::u8(1)}}))
            .find("missing field `b`") != std::string::npos);
  CHECK(refused("record", ComponentVal::record({{"a", ComponentVal::u8(1)},
                                                {"b", ComponentVal::string("")},
                                                {"c", ComponentVal::u8(1)}}))
            .find("unknown field `c`") != std::string::npos);
  CHECK(refused("tuple", ComponentVal::tuple({ComponentVal::u32(1)})).find("has 1 elements") !=
        std::string::npos);
  CHECK(refused("option", ComponentVal::ok()).find("expected a value of type option<u32>") !=
        std::string::npos);
  auto arity = fx.instance->func("u32")->call({});
  REQUIRE(!arity.ok());
  CHECK(arity.error().message().find("takes 1 arguments, 0 given") != std::string::npos);
  CHECK(fx.hostSaw.empty());  // nothing refused reached the host

  // A host result that does not fit the import's type traps the guest.
  fx.hostReply = ComponentVal::string("not a u32");
  auto bad = fx.call("u32", ComponentVal::u32(1));
  REQUIRE(!bad.ok());
  CHECK(bad.error().kind() == wcr::Error::Kind::Trap);
  CHECK(bad.error().message().find("host function `id-u32` result: expected a value of type u32") !=
        std::string::npos);
}

TEST_CASE("component: a component composed of two nested components and a host import") {
  const char wat[] = R"((component
    (import "scale" (func $scale (param "x" u32) (result u32)))
    (component $C
      (import "scale" (func $scale (param "x" u32) (result u32)))
      (core func $scale' (canon lower (func $scale)))
      (core module $M
        (import "" "scale" (func $scale (param i32) (result i32)))
        (memory (export "mem") 1)
        (global $next (mut i32) (i32.const 256))
        (func (export "realloc") (param i32 i32 i32 i32) (result i32)
          (local $p i32)
          (local.set $p (global.get $next))
          (global.set $next (i32.add (global.get $next) (local.get 3)))
          (local.get $p))
        ;; scale(the first byte of the string)
        (func (export "first") (param i32 i32) (result i32)
          (call $scale (i32.load8_u (local.get 0)))))
      (core instance $m (instantiate $M (with "" (instance (export "scale" (func $scale'))))))
      (func (export "first") (param "s" string) (result u32)
        (canon lift (core func $m "first") (memory (core memory $m "mem"))
          (realloc (core func $m "realloc")))))
    (component $D
      (import "first" (func $f (param "s" string) (result u32)))
      (core module $Libc (memory (export "mem") 1) (data (i32.const 100) "Abc"))
      (core instance $libc (instantiate $Libc))
      (core func $f' (canon lower (func $f) (memory (core memory $libc "mem"))))
      (core module $Main
        (import "" "f" (func $f (param i32 i32) (result i32)))
        (func (export "run") (result i32) (call $f (i32.const 100) (i32.const 3))))
      (core instance $main (instantiate $Main (with "" (instance (export "f" (func $f'))))))
      (func (export "run") (result u32) (canon lift (core func $main "run"))))
    (instance $c (instantiate $C (with "scale" (func $scale))))
    (instance $d (instantiate $D (with "first" (func $c "first"))))
    (func (export "run") (alias export $d "run"))
    (func (export "first") (alias export $c "first"))
  ))";
  wcr::Engine engine;
  wcr::Store store(engine);
  auto component =
      wcr::Component::fromBytes(engine, reinterpret_cast<const uint8_t*>(wat), sizeof wat - 1);
  REQUIRE(component.ok());
  wcr::ComponentLinker linker(engine);
  REQUIRE(linker.func("scale", [](uint32_t x) { return x * 10; }).ok());
  auto instance = linker.instantiate(store, *component);
  REQUIRE(instance.ok());
  auto run = instance->func("run")->typed<uint32_t()>();
  REQUIRE(run.ok());
  CHECK(*run->call() == 'A' * 10);
  auto first = instance->func("first")->typed<uint32_t(std::string)>();
  REQUIRE(first.ok());
  CHECK(*first->call("z") == 'z' * 10);

  // A typed host function whose C++ parameters do not match the import traps when called.
  wcr::ComponentLinker mismatched(engine);
  REQUIRE(mismatched.func("scale", [](int64_t x) { return uint32_t(x); }).ok());
  auto other = mismatched.instantiate(store, *component);
  REQUIRE(other.ok());
  auto trapped = other->func("run")->call({});
  REQUIRE(!trapped.ok());
  CHECK(trapped.error().kind() == wcr::Error::Kind::Trap);
  CHECK(trapped.error().message().find("takes s64 for argument 0, the import passes u32") !=
        std::string::npos);
}

namespace {

// A C host function for "test:host/shout" "shout": (s: string, n: u32) -> string.
wcr_error_t* cShout(void* env, const wcr_component_val_t* args, size_t numArgs,
                    wcr_component_val_t* results) {
  ++*static_cast<int*>(env);
  if (numArgs != 2 || args[0].kind != WCR_CV_STRING || args[1].kind != WCR_CV_U32) {
    return wcr_error_new("unexpected arguments");
  }
  std::string s(args[0].of.string.data, args[0].of.string.size);
  if (s == "boom") return wcr_error_new("the C host says boom");
  std::string out;
  for (uint64_t i = 0; i < args[1].of.u64; ++i) out += s + "!";
  *results = wcr_component_val_string(out.data(), out.size());
  return nullptr;
}

}  // namespace

TEST_CASE("component: the C API calls and defines functions over scalars and strings") {
  const std::string wat = std::string(R"((component
  (import "test:host/shout" (instance $h
    (export "shout" (func (param "s" string) (param "n" u32) (result string)))))
  (alias export $h "shout" (func $shout))
)") + kLibc + R"(
  (core func $shout' (canon lower (func $shout) (memory $mem) (realloc $realloc)))
  (core module $Main
    (import "" "shout" (func $shout (param i32 i32 i32 i32)))
    (func (export "run") (param i32 i32 i32) (result i32)
      (call $shout (local.get 0) (local.get 1) (local.get 2) (i32.const 64)) (i32.const 64))
    (func (export "add") (param i32 i32) (result i64)
      (i64.add (i64.extend_i32_s (local.get 0)) (i64.extend_i32_u (local.get 1)))))
  (core instance $main (instantiate $Main (with "" (instance (export "shout" (func $shout'))))))
  (func (export "run") (param "s" string) (param "n" u32) (result string)
    (canon lift (core func $main "run") (memory $mem) (realloc $realloc)))
  (func (export "add") (param "a" s8) (param "b" u16) (result s64)
    (canon lift (core func $main "add")))
))";
  wcr_engine_t* engine = wcr_engine_new(2, nullptr);
  wcr_component_t* component = nullptr;
  REQUIRE(wcr_component_new(engine, reinterpret_cast<const uint8_t*>(wat.data()), wat.size(),
                            &component) == nullptr);
  wcr_store_t* store = wcr_store_new(engine);
  wcr_component_linker_t* linker = wcr_component_linker_new(engine);
  int calls = 0;
  wcr_component_instance_t* instance = nullptr;
  wcr_error_t* missing = wcr_component_linker_instantiate(linker, store, component, &instance);
  REQUIRE(missing != nullptr);
  CHECK(wcr_error_kind(missing) == WCR_ERROR_LINK);
  wcr_error_delete(missing);
  REQUIRE(wcr_component_linker_define_func(linker, "test:host/shout", "shout", cShout, &calls) ==
          nullptr);
  REQUIRE(wcr_component_linker_instantiate(linker, store, component, &instance) == nullptr);

  wcr_component_func_t* run = wcr_component_instance_func(instance, nullptr, "run");
  REQUIRE(run);
  wcr_component_val_t args[2];
  args[0].kind = WCR_CV_STRING;
  args[0].of.string.data = const_cast<char*>("hey");
  args[0].of.string.size = 3;
  args[1].kind = WCR_CV_U32;
  args[1].of.u64 = 2;
  wcr_component_val_t result;
  REQUIRE(wcr_component_func_call(run, args, 2, &result, 1) == nullptr);
  REQUIRE(result.kind == WCR_CV_STRING);
  CHECK(std::string(result.of.string.data, result.of.string.size) == "hey!hey!");
  wcr_component_val_free(&result);
  CHECK(calls == 1);

  // Integers are range-checked against the type.
  args[1].of.u64 = ~uint64_t{0};
  wcr_error_t* range = wcr_component_func_call(run, args, 2, &result, 1);
  REQUIRE(range != nullptr);
  CHECK(wcr_error_kind(range) == WCR_ERROR_INVALID);
  CHECK(std::string(wcr_error_message(range)).find("out of range for u32") != std::string::npos);
  wcr_error_delete(range);

  wcr_component_func_t* add = wcr_component_instance_func(instance, nullptr, "add");
  REQUIRE(add);
  args[0].kind = WCR_CV_S8;
  args[0].of.s64 = -100;
  args[1].kind = WCR_CV_U16;
  args[1].of.u64 = 60000;
  REQUIRE(wcr_component_func_call(add, args, 2, &result, 1) == nullptr);
  CHECK(result.kind == WCR_CV_S64);
  CHECK(result.of.s64 == 59900);
  wcr_component_func_delete(add);

  args[0].kind = WCR_CV_STRING;
  args[0].of.string.data = const_cast<char*>("boom");
  args[0].of.string.size = 4;
  args[1].kind = WCR_CV_U32;
  args[1].of.u64 = 1;
  wcr_error_t* trap = wcr_component_func_call(run, args, 2, &result, 1);
  REQUIRE(trap != nullptr);
  CHECK(wcr_error_kind(trap) == WCR_ERROR_TRAP);
  CHECK(std::string(wcr_error_message(trap)).find("the C host says boom") != std::string::npos);
  wcr_error_delete(trap);

  CHECK(wcr_component_instance_func(instance, "nope", "run") == nullptr);
  wcr_component_func_delete(run);
  wcr_component_instance_delete(instance);
  wcr_component_linker_delete(linker);
  wcr_store_delete(store);
  wcr_component_delete(component);
  wcr_engine_delete(engine);
}

TEST_CASE("component: host resources: constructors, methods, handles to and from the host") {
  const std::string wat = std::string(R"((component
  (import "test:host/counters" (instance $h
    (export "counter" (type $c (sub resource)))
    (export "[constructor]counter" (func (param "start" u32) (result (own $c))))
    (export "[method]counter.get" (func (param "self" (borrow $c)) (result u32)))))
  (alias export $h "counter" (type $counter))
  (alias export $h "[constructor]counter" (func $new))
  (alias export $h "[method]counter.get" (func $get))
  (core func $new' (canon lower (func $new)))
  (core func $get' (canon lower (func $get)))
  (core func $drop (canon resource.drop $counter))
  (core module $Main
    (import "" "new" (func $new (param i32) (result i32)))
    (import "" "get" (func $get (param i32) (result i32)))
    (import "" "drop" (func $drop (param i32)))
    ;; new(start), get, drop: returns what get saw
    (func (export "run") (param i32) (result i32)
      (local $h i32) (local $v i32)
      (local.set $h (call $new (local.get 0)))
      (local.set $v (call $get (local.get $h)))
      (call $drop (local.get $h))
      (local.get $v))
    (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
    ;; a borrowed handle must be dropped before the call returns
    (func (export "peek") (param i32) (result i32)
      (local $v i32)
      (local.set $v (call $get (local.get 0)))
      (call $drop (local.get 0))
      (local.get $v))
    (func (export "consume") (param i32) (call $drop (local.get 0))))
  (core instance $main (instantiate $Main (with "" (instance
    (export "new" (func $new')) (export "get" (func $get')) (export "drop" (func $drop))))))
  (func (export "run") (param "start" u32) (result u32) (canon lift (core func $main "run")))
  (func (export "make") (param "start" u32) (result (own $counter))
    (canon lift (core func $main "make")))
  (func (export "peek") (param "c" (borrow $counter)) (result u32)
    (canon lift (core func $main "peek")))
  (func (export "consume") (param "c" (own $counter)) (canon lift (core func $main "consume")))
))");
  wcr::Engine engine;
  wcr::Store store(engine);
  auto component = load(engine, wat);
  if (!component.ok()) FAIL(component.error().message());

  // The host's counters: rep is the index.
  std::vector<uint32_t> counters;
  std::vector<uint32_t> dropped;
  wcr::ComponentLinker linker(engine);
  auto missing = linker.instantiate(store, *component);
  REQUIRE(!missing.ok());
  CHECK(missing.error().kind() == wcr::Error::Kind::Link);

  auto counter = linker.defineResource("test:host/counters", "counter",
                                       [&](uint32_t rep) { dropped.push_back(rep); });
  REQUIRE(counter.ok());
  CHECK(counter->name() == "counter");
  CHECK(counter->hostDefined());
  wcr::ResourceType type = *counter;
  REQUIRE(linker
              .defineFunc("test:host/counters", "[constructor]counter",
                          [&](const std::vector<ComponentVal>& args,
                              std::vector<ComponentVal>& results) -> wcr::Result<void> {
                            counters.push_back(static_cast<uint32_t>(args[0].asUnsigned()));
                            results.push_back(ComponentVal::own(
                                type, static_cast<uint32_t>(counters.size() - 1)));
                            return {};
                          })
              .ok());
  REQUIRE(linker
              .defineFunc("test:host/counters", "[method]counter.get",
                          [&](const std::vector<ComponentVal>& args,
                              std::vector<ComponentVal>& results) -> wcr::Result<void> {
                            if (args[0].kind() != wcr::ComponentValKind::Borrow ||
                                !(args[0].resourceType() == type)) {
                              return wcr::Error(wcr::Error::Kind::Trap, "not a counter");
                            }
                            results.push_back(ComponentVal::u32(counters.at(args[0].rep()) + 1));
                            return {};
                          })
              .ok());
  auto instance = linker.instantiate(store, *component);
  if (!instance.ok()) FAIL(instance.error().message());

  // Inside the guest: construct, call a method, drop (the host hears of the drop).
  auto run = instance->func("run")->typed<uint32_t(uint32_t)>();
  REQUIRE(run.ok());
  CHECK(*run->call(41) == 42);
  CHECK(dropped == std::vector<uint32_t>{0});

  // A handle comes out to the host, is lent back, then given back and dropped by the guest.
  auto made = instance->func("make")->call({ComponentVal::u32(9)});
  REQUIRE(made.ok());
  const ComponentVal& handle = (*made)[0];
  REQUIRE(handle.kind() == wcr::ComponentValKind::Own);
  CHECK(handle.resourceType() == type);
  CHECK(handle.rep() == 1);
  CHECK(handle.toString() == "own<counter>#1");
  auto peeked = instance->func("peek")->call({handle});
  if (!peeked.ok()) FAIL(peeked.error().message());
  CHECK((*peeked)[0] == ComponentVal::u32(10));
  auto lent = instance->func("peek")->call({ComponentVal::borrow(type, 1)});
  REQUIRE(lent.ok());
  CHECK((*lent)[0] == ComponentVal::u32(10));
  REQUIRE(instance->func("consume")->call({handle}).ok());
  CHECK(dropped == std::vector<uint32_t>{0, 1});

  // A borrow is not an own.
  auto wrong = instance->func("consume")->call({ComponentVal::borrow(type, 1)});
  REQUIRE(!wrong.ok());
  CHECK(wrong.error().kind() == wcr::Error::Kind::Invalid);
  CHECK(wrong.error().message().find("expected a value of type own<") != std::string::npos);
}
