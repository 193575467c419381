/* The wcr C API: the basics of the C++ API (runtime/include/wcr/wcr.hh) for C and other
 * languages' FFIs. Objects are opaque and owned by the caller (free each with its _delete).
 * Fallible calls return a wcr_error_t*: NULL on success, else an error the caller deletes. */
#ifndef WCR_H
#define WCR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wcr_engine wcr_engine_t;
typedef struct wcr_module wcr_module_t;
typedef struct wcr_store wcr_store_t;
typedef struct wcr_linker wcr_linker_t;
typedef struct wcr_instance wcr_instance_t;
typedef struct wcr_func wcr_func_t;
typedef struct wcr_error wcr_error_t;

typedef enum { WCR_I32 = 0, WCR_I64 = 1, WCR_F32 = 2, WCR_F64 = 3 } wcr_valkind_t;

typedef struct {
  wcr_valkind_t kind;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
  } of;
} wcr_val_t;

typedef enum {
  WCR_ERROR_INVALID = 0,
  WCR_ERROR_LINK = 1,
  WCR_ERROR_TRAP = 2,
  WCR_ERROR_IO = 3,
  WCR_ERROR_INTERNAL = 4
} wcr_error_kind_t;

wcr_error_kind_t wcr_error_kind(const wcr_error_t* error);
/* Valid until the error is deleted. */
const char* wcr_error_message(const wcr_error_t* error);
void wcr_error_delete(wcr_error_t* error);

/* opt_level 0..3 (2 is the default); cache_dir may be NULL (no compiled-code cache). */
wcr_engine_t* wcr_engine_new(int opt_level, const char* cache_dir);
void wcr_engine_delete(wcr_engine_t* engine);

wcr_error_t* wcr_module_new(const wcr_engine_t* engine, const uint8_t* bytes, size_t size,
                            wcr_module_t** out);
wcr_error_t* wcr_module_from_file(const wcr_engine_t* engine, const char* path,
                                  wcr_module_t** out);
void wcr_module_delete(wcr_module_t* module);

wcr_store_t* wcr_store_new(const wcr_engine_t* engine);
void wcr_store_delete(wcr_store_t* store);

/* A host function. Return NULL on success, or an error (made with wcr_error_new) to trap. */
typedef wcr_error_t* (*wcr_host_callback_t)(void* env, const wcr_val_t* args, wcr_val_t* results);
wcr_error_t* wcr_error_new(const char* message);

wcr_linker_t* wcr_linker_new(const wcr_engine_t* engine);
void wcr_linker_delete(wcr_linker_t* linker);
wcr_error_t* wcr_linker_define_func(wcr_linker_t* linker, const char* module, const char* name,
                                    const wcr_valkind_t* params, size_t num_params,
                                    const wcr_valkind_t* results, size_t num_results,
                                    wcr_host_callback_t callback, void* env);
wcr_error_t* wcr_linker_instantiate(const wcr_linker_t* linker, wcr_store_t* store,
                                    const wcr_module_t* module, wcr_instance_t** out);
void wcr_instance_delete(wcr_instance_t* instance);

/* NULL when the instance has no function export of that name. */
wcr_func_t* wcr_instance_func(const wcr_instance_t* instance, const char* name);
void wcr_func_delete(wcr_func_t* func);
wcr_error_t* wcr_func_call(const wcr_func_t* func, const wcr_val_t* args, size_t num_args,
                           wcr_val_t* results, size_t num_results);

/* The exported memory `name`: its bytes and size; returns 0 when there is none. */
int wcr_instance_memory(const wcr_instance_t* instance, const char* name, uint8_t** data,
                        uint64_t* size);

#ifdef __cplusplus
}
#endif

#endif /* WCR_H */
