// The C API (runtime/include/wcr/wcr.h) on top of the C++ API.
#include "wcr/wcr.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "wcr/wcr.hh"

struct wcr_engine {
  wcr::Engine engine;
};
struct wcr_module {
  wcr::Module module;
};
struct wcr_store {
  wcr::Store store;
};
struct wcr_linker {
  wcr::Linker linker;
};
struct wcr_instance {
  wcr::Instance instance;
};
struct wcr_func {
  wcr::Func func;
};
struct wcr_error {
  wcr::Error error;
};
struct wcr_component {
  wcr::Component component;
};
struct wcr_component_linker {
  wcr::ComponentLinker linker;
};
struct wcr_component_instance {
  wcr::ComponentInstance instance;
};
struct wcr_component_func {
  wcr::ComponentFunc func;
};

namespace {

wcr_error_t* toC(const wcr::Error& error) { return new wcr_error{error}; }

wcr::Val toVal(const wcr_val_t& v) {
  switch (v.kind) {
    case WCR_I32: return wcr::Val(v.of.i32);
    case WCR_I64: return wcr::Val(v.of.i64);
    case WCR_F32: return wcr::Val(v.of.f32);
    case WCR_F64: return wcr::Val(v.of.f64);
  }
  return wcr::Val();
}

wcr_val_t fromVal(const wcr::Val& v) {
  wcr_val_t out;
  out.kind = static_cast<wcr_valkind_t>(v.kind());
  switch (v.kind()) {
    case wcr::ValKind::I32: out.of.i32 = v.i32(); break;
    case wcr::ValKind::I64: out.of.i64 = v.i64(); break;
    case wcr::ValKind::F32: out.of.f32 = v.f32(); break;
    case wcr::ValKind::F64: out.of.f64 = v.f64(); break;
  }
  return out;
}

bool validKind(wcr_valkind_t k) { return k >= WCR_I32 && k <= WCR_F64; }

wcr::Error invalid(std::string message) {
  return wcr::Error(wcr::Error::Kind::Invalid, std::move(message));
}

wcr::Result<wcr::ComponentVal> toComponentVal(const wcr_component_val_t& v) {
  using wcr::ComponentVal;
  switch (v.kind) {
    case WCR_CV_BOOL: return ComponentVal::boolean(v.of.boolean != 0);
    case WCR_CV_S8:
    case WCR_CV_S16:
    case WCR_CV_S32:
    case WCR_CV_S64: return ComponentVal::s64(v.of.s64);  // range-checked by the type
    case WCR_CV_U8:
    case WCR_CV_U16:
    case WCR_CV_U32:
    case WCR_CV_U64: return ComponentVal::u64(v.of.u64);
    case WCR_CV_F32: return ComponentVal::f32(v.of.f32);
    case WCR_CV_F64: return ComponentVal::f64(v.of.f64);
    case WCR_CV_CHAR: return ComponentVal::character(v.of.code_point);
    case WCR_CV_STRING:
      return ComponentVal::string(v.of.string.size ? std::string(v.of.string.data, v.of.string.size)
                                                   : std::string());
    case WCR_CV_NONE: break;
  }
  return invalid("bad component value kind");
}

// Strings are malloc'd copies the receiver owns.
wcr::Result<wcr_component_val_t> fromComponentVal(const wcr::ComponentVal& v) {
  using K = wcr::ComponentValKind;
  wcr_component_val_t out;
  std::memset(&out, 0, sizeof out);
  switch (v.kind()) {
    case K::Bool: out.of.boolean = v.asBool(); break;
    case K::S8:
    case K::S16:
    case K::S32:
    case K::S64: out.of.s64 = v.asSigned(); break;
    case K::U8:
    case K::U16:
    case K::U32:
    case K::U64: out.of.u64 = v.asUnsigned(); break;
    case K::F32: out.of.f32 = v.asF32(); break;
    case K::F64: out.of.f64 = v.asF64(); break;
    case K::Char: out.of.code_point = v.asChar(); break;
    case K::String: {
      const std::string& s = v.asString();
      out = wcr_component_val_string(s.data(), s.size());
      return out;
    }
    default:
      return invalid(std::string("the C API passes scalars and strings only, not a ") +
                     wcr::toString(v.kind()));
  }
  out.kind = static_cast<wcr_component_valkind_t>(v.kind());
  return out;
}

}  // namespace

extern "C" {

wcr_error_kind_t wcr_error_kind(const wcr_error_t* error) {
  return static_cast<wcr_error_kind_t>(error->error.kind());
}
const char* wcr_error_message(const wcr_error_t* error) { return error->error.message().c_str(); }
void wcr_error_delete(wcr_error_t* error) { delete error; }
wcr_error_t* wcr_error_new(const char* message) {
  return toC(wcr::Error(wcr::Error::Kind::Trap, message ? message : ""));
}

wcr_engine_t* wcr_engine_new(int opt_level, const char* cache_dir) {
  wcr::Config config;
  config.optLevel = opt_level < 0 ? 0 : opt_level > 3 ? 3 : opt_level;
  if (cache_dir) config.cacheDir = cache_dir;
  return new wcr_engine{wcr::Engine(config)};
}
void wcr_engine_delete(wcr_engine_t* engine) { delete engine; }

wcr_error_t* wcr_module_new(const wcr_engine_t* engine, const uint8_t* bytes, size_t size,
                            wcr_module_t** out) {
  wcr::Result<wcr::Module> m = wcr::Module::fromBytes(engine->engine, bytes, size);
  if (!m) return toC(m.error());
  *out = new wcr_module{*std::move(m)};
  return nullptr;
}
wcr_error_t* wcr_module_from_file(const wcr_engine_t* engine, const char* path,
                                  wcr_module_t** out) {
  wcr::Result<wcr::Module> m = wcr::Module::fromFile(engine->engine, path);
  if (!m) return toC(m.error());
  *out = new wcr_module{*std::move(m)};
  return nullptr;
}
void wcr_module_delete(wcr_module_t* module) { delete module; }

wcr_store_t* wcr_store_new(const wcr_engine_t* engine) {
  return new wcr_store{wcr::Store(engine->engine)};
}
void wcr_store_delete(wcr_store_t* store) { delete store; }

wcr_linker_t* wcr_linker_new(const wcr_engine_t* engine) {
  return new wcr_linker{wcr::Linker(engine->engine)};
}
void wcr_linker_delete(wcr_linker_t* linker) { delete linker; }

wcr_error_t* wcr_linker_define_func(wcr_linker_t* linker, const char* module, const char* name,
                                    const wcr_valkind_t* params, size_t num_params,
                                    const wcr_valkind_t* results, size_t num_results,
                                    wcr_host_callback_t callback, void* env) {
  wcr::FuncType type;
  for (size_t i = 0; i < num_params; ++i) {
    if (!validKind(params[i])) return toC(wcr::Error(wcr::Error::Kind::Invalid, "bad value kind"));
    type.params.push_back(static_cast<wcr::ValKind>(params[i]));
  }
  for (size_t i = 0; i < num_results; ++i) {
    if (!validKind(results[i])) return toC(wcr::Error(wcr::Error::Kind::Invalid, "bad value kind"));
    type.results.push_back(static_cast<wcr::ValKind>(results[i]));
  }
  wcr::HostCallback fn = [type, callback, env](const wcr::Val* args,
                                               wcr::Val* out) -> wcr::Result<void> {
    wcr_val_t cArgs[16], cResults[16];
    if (type.params.size() > 16 || type.results.size() > 16) {
      return wcr::Error(wcr::Error::Kind::Trap, "the C API passes at most 16 values");
    }
    for (size_t i = 0; i < type.params.size(); ++i) cArgs[i] = fromVal(args[i]);
    for (size_t i = 0; i < type.results.size(); ++i) cResults[i] = fromVal(out[i]);
    if (wcr_error_t* error = callback(env, cArgs, cResults)) {
      wcr::Error copy = error->error;
      delete error;
      return copy;
    }
    for (size_t i = 0; i < type.results.size(); ++i) out[i] = toVal(cResults[i]);
    return {};
  };
  wcr::Result<void> r = linker->linker.defineFunc(module, name, std::move(type), std::move(fn));
  return r ? nullptr : toC(r.error());
}

wcr_error_t* wcr_linker_instantiate(const wcr_linker_t* linker, wcr_store_t* store,
                                    const wcr_module_t* module, wcr_instance_t** out) {
  wcr::Result<wcr::Instance> i = linker->linker.instantiate(store->store, module->module);
  if (!i) return toC(i.error());
  *out = new wcr_instance{*std::move(i)};
  return nullptr;
}
void wcr_instance_delete(wcr_instance_t* instance) { delete instance; }

wcr_func_t* wcr_instance_func(const wcr_instance_t* instance, const char* name) {
  std::optional<wcr::Func> f = instance->instance.func(name);
  return f ? new wcr_func{*std::move(f)} : nullptr;
}
void wcr_func_delete(wcr_func_t* func) { delete func; }

wcr_error_t* wcr_func_call(const wcr_func_t* func, const wcr_val_t* args, size_t num_args,
                           wcr_val_t* results, size_t num_results) {
  std::vector<wcr::Val> in;
  in.reserve(num_args);
  for (size_t i = 0; i < num_args; ++i) {
    if (!validKind(args[i].kind)) return toC(wcr::Error(wcr::Error::Kind::Invalid, "bad value kind"));
    in.push_back(toVal(args[i]));
  }
  if (num_results != func->func.type().results.size()) {
    return toC(wcr::Error(wcr::Error::Kind::Invalid, "wrong number of result slots"));
  }
  wcr::Result<std::vector<wcr::Val>> r = func->func.call(in);
  if (!r) return toC(r.error());
  for (size_t i = 0; i < num_results; ++i) results[i] = fromVal((*r)[i]);
  return nullptr;
}

int wcr_instance_memory(const wcr_instance_t* instance, const char* name, uint8_t** data,
                        uint64_t* size) {
  std::optional<wcr::Memory> m = instance->instance.memory(name);
  if (!m) return 0;
  *data = m->data();
  *size = m->size();
  return 1;
}

wcr_component_val_t wcr_component_val_string(const char* data, size_t size) {
  wcr_component_val_t out;
  out.kind = WCR_CV_STRING;
  out.of.string.data = static_cast<char*>(std::malloc(size ? size : 1));
  if (size) std::memcpy(out.of.string.data, data, size);
  out.of.string.size = size;
  return out;
}

void wcr_component_val_free(wcr_component_val_t* value) {
  if (value->kind != WCR_CV_STRING) return;
  std::free(value->of.string.data);
  value->of.string.data = nullptr;
  value->of.string.size = 0;
}

wcr_error_t* wcr_component_new(const wcr_engine_t* engine, const uint8_t* bytes, size_t size,
                               wcr_component_t** out) {
  wcr::Result<wcr::Component> c = wcr::Component::fromBytes(engine->engine, bytes, size);
  if (!c) return toC(c.error());
  *out = new wcr_component{*std::move(c)};
  return nullptr;
}
wcr_error_t* wcr_component_from_file(const wcr_engine_t* engine, const char* path,
                                     wcr_component_t** out) {
  wcr::Result<wcr::Component> c = wcr::Component::fromFile(engine->engine, path);
  if (!c) return toC(c.error());
  *out = new wcr_component{*std::move(c)};
  return nullptr;
}
void wcr_component_delete(wcr_component_t* component) { delete component; }

wcr_component_linker_t* wcr_component_linker_new(const wcr_engine_t* engine) {
  return new wcr_component_linker{wcr::ComponentLinker(engine->engine)};
}
void wcr_component_linker_delete(wcr_component_linker_t* linker) { delete linker; }

wcr_error_t* wcr_component_linker_define_func(wcr_component_linker_t* linker,
                                              const char* interface_name, const char* name,
                                              wcr_component_callback_t callback, void* env) {
  if (!callback || !name) return toC(invalid("define_func: no callback or no name"));
  wcr::ComponentHostCallback fn =
      [callback, env](const std::vector<wcr::ComponentVal>& args,
                      std::vector<wcr::ComponentVal>& results) -> wcr::Result<void> {
    std::vector<wcr_component_val_t> cArgs;
    auto freeArgs = [&] {
      for (wcr_component_val_t& a : cArgs) wcr_component_val_free(&a);
    };
    for (const wcr::ComponentVal& a : args) {
      wcr::Result<wcr_component_val_t> c = fromComponentVal(a);
      if (!c) {
        freeArgs();
        return wcr::Error(wcr::Error::Kind::Trap, c.error().message());
      }
      cArgs.push_back(*c);
    }
    wcr_component_val_t result;
    std::memset(&result, 0, sizeof result);
    result.kind = WCR_CV_NONE;
    wcr_error_t* error = callback(env, cArgs.data(), cArgs.size(), &result);
    freeArgs();
    if (error) {
      wcr::Error copy = error->error;
      delete error;
      wcr_component_val_free(&result);
      return copy;
    }
    if (result.kind == WCR_CV_NONE) return {};
    wcr::Result<wcr::ComponentVal> v = toComponentVal(result);
    wcr_component_val_free(&result);  // the callback's string is ours
    if (!v) return wcr::Error(wcr::Error::Kind::Trap, v.error().message());
    results.push_back(*std::move(v));
    return {};
  };
  wcr::Result<void> r = interface_name
                            ? linker->linker.defineFunc(interface_name, name, std::move(fn))
                            : linker->linker.defineFunc(name, std::move(fn));
  return r ? nullptr : toC(r.error());
}

wcr_error_t* wcr_component_linker_instantiate(const wcr_component_linker_t* linker,
                                              wcr_store_t* store,
                                              const wcr_component_t* component,
                                              wcr_component_instance_t** out) {
  wcr::Result<wcr::ComponentInstance> i =
      linker->linker.instantiate(store->store, component->component);
  if (!i) return toC(i.error());
  *out = new wcr_component_instance{*std::move(i)};
  return nullptr;
}
void wcr_component_instance_delete(wcr_component_instance_t* instance) { delete instance; }

wcr_component_func_t* wcr_component_instance_func(const wcr_component_instance_t* instance,
                                                  const char* interface_name, const char* name) {
  std::optional<wcr::ComponentFunc> f = interface_name
                                            ? instance->instance.func(interface_name, name)
                                            : instance->instance.func(name);
  return f ? new wcr_component_func{*std::move(f)} : nullptr;
}
void wcr_component_func_delete(wcr_component_func_t* func) { delete func; }

wcr_error_t* wcr_component_func_call(const wcr_component_func_t* func,
                                     const wcr_component_val_t* args, size_t num_args,
                                     wcr_component_val_t* results, size_t num_results) {
  if (num_results != func->func.results().size()) {
    return toC(invalid("wrong number of result slots"));
  }
  std::vector<wcr::ComponentVal> in;
  in.reserve(num_args);
  for (size_t i = 0; i < num_args; ++i) {
    wcr::Result<wcr::ComponentVal> v = toComponentVal(args[i]);
    if (!v) return toC(v.error());
    in.push_back(*std::move(v));
  }
  wcr::Result<std::vector<wcr::ComponentVal>> r = func->func.call(in);
  if (!r) return toC(r.error());
  for (size_t i = 0; i < num_results; ++i) {
    wcr::Result<wcr_component_val_t> c = fromComponentVal((*r)[i]);
    if (!c) {
      for (size_t j = 0; j < i; ++j) wcr_component_val_free(&results[j]);
      return toC(c.error());
    }
    results[i] = *c;
  }
  return nullptr;
}

}  // extern "C"
