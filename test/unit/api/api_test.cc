// The public C++ API (runtime/include/wcr): modules from text and binary, typed and dynamic
// calls, host functions (typed lambdas, traps), linking instances, memory, and its errors.
#include <catch2/catch.hpp>
#include <cstring>
#include <string>
#include <tuple>

#include "wcr/wcr.hh"

namespace {

const char kGuest[] = R"((module
  (import "host" "add" (func $add (param i32 i32) (result i32)))
  (import "host" "fail" (func $fail))
  (memory (export "mem") 1 3)
  (data (i32.const 16) "hi")
  (func (export "twice_add") (param i32 i32) (result i32)
    (i32.mul (call $add (local.get 0) (local.get 1)) (i32.const 2)))
  (func (export "mix") (param i64 f32 f64) (result f64 i64)
    (f64.add (f64.promote_f32 (local.get 1)) (local.get 2)) (local.get 0))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "call_fail") (call $fail)))
)";

wcr::Result<wcr::Instance> instantiateGuest(wcr::Engine& engine, wcr::Store& store) {
  wcr::Linker linker(engine);
  REQUIRE(linker.func("host", "add", [](int32_t a, int32_t b) { return a + b; }).ok());
  REQUIRE(linker.func("host", "fail", []() -> wcr::Result<void> {
                  return wcr::Error(wcr::Error::Kind::Trap, "the host says no");
                }).ok());
  auto module = wcr::Module::fromBytes(engine, reinterpret_cast<const uint8_t*>(kGuest),
                                       sizeof kGuest - 1);
  REQUIRE(module.ok());
  return linker.instantiate(store, *module);
}

TEST_CASE("typed and dynamic calls, host functions, memory") {
  wcr::Engine engine;
  wcr::Store store(engine);
  auto instance = instantiateGuest(engine, store);
  REQUIRE(instance.ok());

  auto twiceAdd = instance->func("twice_add")->typed<int32_t(int32_t, int32_t)>();
  REQUIRE(twiceAdd.ok());
  CHECK(*twiceAdd->call(20, 1) == 42);

  auto mix = instance->func("mix")->typed<std::tuple<double, int64_t>(int64_t, float, double)>();
  REQUIRE(mix.ok());
  auto [sum, passed] = *mix->call(int64_t{1} << 40, 1.5f, 2.25);
  CHECK(sum == 3.75);
  CHECK(passed == int64_t{1} << 40);

  auto dynamic = instance->func("div")->call({wcr::Val(int32_t{-9}), wcr::Val(int32_t{2})});
  REQUIRE(dynamic.ok());
  REQUIRE(dynamic->size() == 1);
  CHECK((*dynamic)[0].i32() == -4);

  auto mem = instance->memory("mem");
  REQUIRE(mem);
  CHECK(mem->size() == 65536);
  CHECK(std::memcmp(mem->data() + 16, "hi", 2) == 0);
  CHECK(*mem->grow(1) == 1);
  CHECK(mem->size() == 2 * 65536);
  CHECK(!mem->grow(5).ok());  // the maximum is 3 pages
  CHECK(!instance->func("mem"));
  CHECK(!instance->memory("div"));
  CHECK(instance->exports().size() == 5);
}

TEST_CASE("traps come back as errors and the instance stays usable") {
  wcr::Engine engine;
  wcr::Store store(engine);
  auto instance = instantiateGuest(engine, store);
  REQUIRE(instance.ok());
  auto div = *instance->func("div")->typed<int32_t(int32_t, int32_t)>();
  auto trapped = div.call(1, 0);
  REQUIRE(!trapped.ok());
  CHECK(trapped.error().kind() == wcr::Error::Kind::Trap);
  CHECK(trapped.error().message().find("integer divide by zero") == 0);
  CHECK(trapped.error().message().find("wasm backtrace:") != std::string::npos);
  auto hostTrap = instance->func("call_fail")->call({});
  REQUIRE(!hostTrap.ok());
  CHECK(hostTrap.error().message().find("the host says no") != std::string::npos);
  CHECK(*div.call(7, 2) == 3);
}

TEST_CASE("errors: bad modules, missing imports, wrong signatures and arguments") {
  wcr::Engine engine;
  wcr::Store store(engine);
  const char bad[] = "(module (func (result i32)))";
  auto invalid = wcr::Module::fromBytes(engine, reinterpret_cast<const uint8_t*>(bad),
                                        sizeof bad - 1);
  REQUIRE(!invalid.ok());
  CHECK(invalid.error().kind() == wcr::Error::Kind::Invalid);
  auto missing = wcr::Module::fromFile(engine, "/nonexistent/x.wasm");
  REQUIRE(!missing.ok());
  CHECK(missing.error().kind() == wcr::Error::Kind::Io);

  auto module = wcr::Module::fromBytes(engine, reinterpret_cast<const uint8_t*>(kGuest),
                                       sizeof kGuest - 1);
  REQUIRE(module.ok());
  CHECK(module->imports().size() == 2);
  CHECK(module->imports()[0].func == wcr::FuncType{{wcr::ValKind::I32, wcr::ValKind::I32},
                                                   {wcr::ValKind::I32}});
  wcr::Linker empty(engine);
  auto unlinked = empty.instantiate(store, *module);
  REQUIRE(!unlinked.ok());
  CHECK(unlinked.error().kind() == wcr::Error::Kind::Link);
  CHECK(unlinked.error().message() == "unknown import \"host\" \"add\"");

  wcr::Linker wrong(engine);
  REQUIRE(wrong.func("host", "add", [](int64_t a) { return a; }).ok());
  REQUIRE(wrong.func("host", "fail", []() {}).ok());
  auto mistyped = wrong.instantiate(store, *module);
  REQUIRE(!mistyped.ok());
  CHECK(mistyped.error().kind() == wcr::Error::Kind::Link);

  auto instance = instantiateGuest(engine, store);
  REQUIRE(instance.ok());
  auto typed = instance->func("div")->typed<int64_t(int32_t, int32_t)>();
  REQUIRE(!typed.ok());
  CHECK(typed.error().message().find("function type mismatch") == 0);
  auto wrongArg = instance->func("div")->call({wcr::Val(1.0), wcr::Val(int32_t{1})});
  REQUIRE(!wrongArg.ok());
  CHECK(wrongArg.error().message() == "argument 0 is f64, the function takes i32");
}

TEST_CASE("one instance's exports satisfy another's imports") {
  wcr::Engine engine;
  wcr::Store store(engine);
  wcr::Linker linker(engine);
  const char lib[] = "(module (func (export \"sq\") (param i64) (result i64) "
                     "(i64.mul (local.get 0) (local.get 0))))";
  const char app[] = "(module (import \"lib\" \"sq\" (func $sq (param i64) (result i64))) "
                     "(func (export \"quad\") (param i64) (result i64) "
                     "(call $sq (call $sq (local.get 0)))))";
  auto libModule =
      wcr::Module::fromBytes(engine, reinterpret_cast<const uint8_t*>(lib), sizeof lib - 1);
  auto appModule =
      wcr::Module::fromBytes(engine, reinterpret_cast<const uint8_t*>(app), sizeof app - 1);
  REQUIRE(libModule.ok());
  REQUIRE(appModule.ok());
  auto libInstance = linker.instantiate(store, *libModule);
  REQUIRE(libInstance.ok());
  REQUIRE(linker.defineInstance("lib", *libInstance).ok());
  auto appInstance = linker.instantiate(store, *appModule);
  REQUIRE(appInstance.ok());
  CHECK(*appInstance->func("quad")->typed<int64_t(int64_t)>()->call(3) == 81);
}

}  // namespace
