// The C API (wcr.h): errors with kinds and messages, host functions that trap, calls.
#include "wcr/wcr.h"

#include <catch2/catch.hpp>
#include <cstring>
#include <string>

namespace {

wcr_error_t* refuse(void*, const wcr_val_t*, wcr_val_t*) { return wcr_error_new("refused"); }

wcr_module_t* compile(wcr_engine_t* engine, const char* text, wcr_error_t** error) {
  wcr_module_t* module = nullptr;
  *error = wcr_module_new(engine, reinterpret_cast<const uint8_t*>(text), std::strlen(text),
                          &module);
  return module;
}

TEST_CASE("C API: modules, host traps, calls and their errors") {
  wcr_engine_t* engine = wcr_engine_new(0, nullptr);
  wcr_error_t* error = nullptr;
  compile(engine, "(module (func (result i32)))", &error);
  REQUIRE(error);
  CHECK(wcr_error_kind(error) == WCR_ERROR_INVALID);
  CHECK(std::string(wcr_error_message(error)).find("type mismatch") != std::string::npos);
  wcr_error_delete(error);

  wcr_module_t* module = compile(engine,
                                 "(module (import \"h\" \"no\" (func $no))"
                                 " (func (export \"add\") (param i64 i64) (result i64)"
                                 "   (i64.add (local.get 0) (local.get 1)))"
                                 " (func (export \"ask\") (call $no)))",
                                 &error);
  REQUIRE(!error);
  wcr_store_t* store = wcr_store_new(engine);
  wcr_linker_t* linker = wcr_linker_new(engine);
  wcr_instance_t* instance = nullptr;
  error = wcr_linker_instantiate(linker, store, module, &instance);
  REQUIRE(error);
  CHECK(wcr_error_kind(error) == WCR_ERROR_LINK);
  wcr_error_delete(error);
  REQUIRE(!wcr_linker_define_func(linker, "h", "no", nullptr, 0, nullptr, 0, refuse, nullptr));
  REQUIRE(!wcr_linker_instantiate(linker, store, module, &instance));

  wcr_func_t* add = wcr_instance_func(instance, "add");
  REQUIRE(add);
  wcr_val_t args[2] = {{WCR_I64, {.i64 = 40}}, {WCR_I64, {.i64 = 2}}};
  wcr_val_t result;
  REQUIRE(!wcr_func_call(add, args, 2, &result, 1));
  CHECK(result.kind == WCR_I64);
  CHECK(result.of.i64 == 42);
  error = wcr_func_call(add, args, 2, nullptr, 0);
  REQUIRE(error);
  CHECK(wcr_error_kind(error) == WCR_ERROR_INVALID);
  wcr_error_delete(error);

  wcr_func_t* ask = wcr_instance_func(instance, "ask");
  error = wcr_func_call(ask, nullptr, 0, nullptr, 0);
  REQUIRE(error);
  CHECK(wcr_error_kind(error) == WCR_ERROR_TRAP);
  CHECK(std::string(wcr_error_message(error)).find("refused") == 0);
  wcr_error_delete(error);
  CHECK(wcr_instance_func(instance, "missing") == nullptr);
  uint8_t* data;
  uint64_t size;
  CHECK(wcr_instance_memory(instance, "mem", &data, &size) == 0);

  wcr_func_delete(ask);
  wcr_func_delete(add);
  wcr_instance_delete(instance);
  wcr_linker_delete(linker);
  wcr_store_delete(store);
  wcr_module_delete(module);
  wcr_engine_delete(engine);
}

}  // namespace
