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

/* ---- Components (wcr/component.h) ----
 * The C API passes component values that are scalars or strings; a function that takes or
 * returns anything else (lists, records, variants, ...) is called from C++.
 * Strings: what wcr hands out (func_call results) is allocated with malloc and owned by the
 * caller (free it with wcr_component_val_free); what the caller hands in as an argument is
 * borrowed; what a host callback returns must be malloc'd (wcr_component_val_string does it)
 * and wcr takes it over. Signed integers of any width travel in `of.s64`, unsigned ones in
 * `of.u64`; they are range-checked against the function's type. */
typedef struct wcr_component wcr_component_t;
typedef struct wcr_component_linker wcr_component_linker_t;
typedef struct wcr_component_instance wcr_component_instance_t;
typedef struct wcr_component_func wcr_component_func_t;

typedef enum {
  WCR_CV_BOOL = 0,
  WCR_CV_S8 = 1,
  WCR_CV_U8 = 2,
  WCR_CV_S16 = 3,
  WCR_CV_U16 = 4,
  WCR_CV_S32 = 5,
  WCR_CV_U32 = 6,
  WCR_CV_S64 = 7,
  WCR_CV_U64 = 8,
  WCR_CV_F32 = 9,
  WCR_CV_F64 = 10,
  WCR_CV_CHAR = 11,
  WCR_CV_STRING = 12,
  WCR_CV_NONE = 255 /* no value (a host callback's result slot it leaves unset) */
} wcr_component_valkind_t;

typedef struct {
  wcr_component_valkind_t kind;
  union {
    int boolean;
    int64_t s64;       /* s8, s16, s32, s64 */
    uint64_t u64;      /* u8, u16, u32, u64 */
    float f32;
    double f64;
    uint32_t code_point; /* char */
    struct {
      char* data; /* UTF-8, not NUL-terminated */
      size_t size;
    } string;
  } of;
} wcr_component_val_t;

/* A string value holding a malloc'd copy of `size` bytes at `data`. */
wcr_component_val_t wcr_component_val_string(const char* data, size_t size);
/* Frees the string of a value wcr handed out (nothing for other kinds). */
void wcr_component_val_free(wcr_component_val_t* value);

/* Text (`(component ...)`) or binary. */
wcr_error_t* wcr_component_new(const wcr_engine_t* engine, const uint8_t* bytes, size_t size,
                               wcr_component_t** out);
wcr_error_t* wcr_component_from_file(const wcr_engine_t* engine, const char* path,
                                     wcr_component_t** out);
void wcr_component_delete(wcr_component_t* component);

/* A host function of a component import. `results` has one slot preset to WCR_CV_NONE: set it
 * when the import returns a value. Return NULL, or an error (wcr_error_new) to trap. */
typedef wcr_error_t* (*wcr_component_callback_t)(void* env, const wcr_component_val_t* args,
                                                 size_t num_args, wcr_component_val_t* results);

wcr_component_linker_t* wcr_component_linker_new(const wcr_engine_t* engine);
void wcr_component_linker_delete(wcr_component_linker_t* linker);
/* interface_name NULL: the top-level func import `name`; else the func `name` of the imported
 * instance `interface_name` (e.g. "wasi:cli/stdout@0.3.0"). */
wcr_error_t* wcr_component_linker_define_func(wcr_component_linker_t* linker,
                                              const char* interface_name, const char* name,
                                              wcr_component_callback_t callback, void* env);
wcr_error_t* wcr_component_linker_instantiate(const wcr_component_linker_t* linker,
                                              wcr_store_t* store,
                                              const wcr_component_t* component,
                                              wcr_component_instance_t** out);
void wcr_component_instance_delete(wcr_component_instance_t* instance);

/* interface_name NULL: a top-level export. NULL when there is no such function. */
wcr_component_func_t* wcr_component_instance_func(const wcr_component_instance_t* instance,
                                                  const char* interface_name, const char* name);
void wcr_component_func_delete(wcr_component_func_t* func);
/* num_results must be the number of results of the function (0 or 1). */
wcr_error_t* wcr_component_func_call(const wcr_component_func_t* func,
                                     const wcr_component_val_t* args, size_t num_args,
                                     wcr_component_val_t* results, size_t num_results);

#ifdef __cplusplus
}
#endif

#endif /* WCR_H */
