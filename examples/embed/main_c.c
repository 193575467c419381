/* examples/embed, in C: the same guest through the C API (wcr.h). */
#include <stdio.h>

#include "wcr/wcr.h"

static wcr_error_t* square(void* env, const wcr_val_t* args, wcr_val_t* results) {
  (void)env;
  results[0].kind = WCR_I64;
  results[0].of.i64 = (int64_t)args[0].of.i32 * args[0].of.i32;
  return NULL;
}

static wcr_error_t* report(void* env, const wcr_val_t* args, wcr_val_t* results) {
  (void)results;
  *(int64_t*)env = args[0].of.i64;
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s GUEST.wat|GUEST.wasm\n", argv[0]);
    return 2;
  }
  int status = 1;
  int64_t reported = -1;
  wcr_engine_t* engine = wcr_engine_new(2, NULL);
  wcr_store_t* store = wcr_store_new(engine);
  wcr_linker_t* linker = wcr_linker_new(engine);
  wcr_module_t* module = NULL;
  wcr_instance_t* instance = NULL;
  wcr_func_t* func = NULL;
  const wcr_valkind_t i32 = WCR_I32, i64 = WCR_I64;
  wcr_linker_define_func(linker, "host", "square", &i32, 1, &i64, 1, square, NULL);
  wcr_linker_define_func(linker, "host", "report", &i64, 1, NULL, 0, report, &reported);

  wcr_error_t* error = wcr_module_from_file(engine, argv[1], &module);
  if (!error) error = wcr_linker_instantiate(linker, store, module, &instance);
  if (!error) {
    func = wcr_instance_func(instance, "sum_squares");
    wcr_val_t arg = {WCR_I32, {.i32 = 100}};
    wcr_val_t result;
    if (func) error = wcr_func_call(func, &arg, 1, &result, 1);
    if (func && !error) {
      printf("C: sum_squares(100) = %lld (host saw %lld)\n", (long long)result.of.i64,
             (long long)reported);
      status = result.of.i64 == 338350 && reported == 338350 ? 0 : 1;
    }
  }
  if (error) {
    fprintf(stderr, "error: %s\n", wcr_error_message(error));
    wcr_error_delete(error);
  }
  wcr_func_delete(func);
  wcr_instance_delete(instance);
  wcr_module_delete(module);
  wcr_linker_delete(linker);
  wcr_store_delete(store);
  wcr_engine_delete(engine);
  return status;
}
