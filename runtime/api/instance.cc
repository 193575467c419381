// wcr::Store, wcr::Instance, wcr::Func and wcr::Memory (runtime/include/wcr).
#include <algorithm>
#include <cstring>

#include "absl/strings/str_format.h"
#include "jit/vm/backtrace.h"
#include "jit/vm/invoke.h"
#include "runtime/api/api_impl.h"

namespace wcr {

namespace vm = jit::vm;
namespace wasm = jit::wasm;

Store::Store(const Engine& engine) : impl_(std::make_shared<Impl>()) {
  impl_->engine = engine.impl();
}

namespace detail {
Error typeMismatch(const FuncType& expected, const FuncType& actual) {
  auto text = [](const FuncType& t) {
    std::string s = "(";
    for (size_t i = 0; i < t.params.size(); ++i) {
      s += (i ? ", " : "") + std::string(toString(t.params[i]));
    }
    s += ") -> (";
    for (size_t i = 0; i < t.results.size(); ++i) {
      s += (i ? ", " : "") + std::string(toString(t.results[i]));
    }
    return s + ")";
  };
  return Error(Error::Kind::Invalid,
               absl::StrFormat("function type mismatch: expected %s, the function has %s",
                               text(expected), text(actual)));
}
}  // namespace detail

const FuncType& Func::type() const { return impl_->type; }

namespace {

bool apiCanPass(const wasm::FuncType& type) {
  return std::all_of(type.params.begin(), type.params.end(), [](auto t) { return t.isNum(); }) &&
         std::all_of(type.results.begin(), type.results.end(), [](auto t) { return t.isNum(); });
}

vm::ValRaw toRaw(const Val& v) {
  vm::ValRaw raw;
  std::memset(&raw, 0, sizeof raw);
  switch (v.kind()) {
    case ValKind::I32: raw.i32 = v.i32(); break;
    case ValKind::I64: raw.i64 = v.i64(); break;
    case ValKind::F32: { float f = v.f32(); std::memcpy(&raw.f32Bits, &f, 4); break; }
    case ValKind::F64: { double d = v.f64(); std::memcpy(&raw.f64Bits, &d, 8); break; }
  }
  return raw;
}

Val fromRaw(ValKind kind, const vm::ValRaw& raw) {
  switch (kind) {
    case ValKind::I32: return Val(raw.i32);
    case ValKind::I64: return Val(raw.i64);
    case ValKind::F32: { float f; std::memcpy(&f, &raw.f32Bits, 4); return Val(f); }
    case ValKind::F64: { double d; std::memcpy(&d, &raw.f64Bits, 8); return Val(d); }
  }
  return Val();
}

std::string trapText(const vm::Trap& trap) {
  if (trap.backtrace.empty()) return trap.message;
  return trap.message + "\n" + vm::formatBacktrace(trap.backtrace, trap.omittedFrames);
}

}  // namespace

Result<std::vector<Val>> Func::call(const std::vector<Val>& args) const {
  const FuncType& type = impl_->type;
  if (!apiCanPass(impl_->func->type)) {
    return Error(Error::Kind::Invalid,
                 "the function takes or returns v128 or reference values, which the C++ API "
                 "does not pass yet");
  }
  if (args.size() != type.params.size()) {
    return Error(Error::Kind::Invalid, absl::StrFormat("the function takes %d arguments, %d given",
                                                       type.params.size(), args.size()));
  }
  std::vector<vm::ValRaw> values(std::max<size_t>({type.params.size(), type.results.size(), 1}));
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i].kind() != type.params[i]) {
      return Error(Error::Kind::Invalid,
                   absl::StrFormat("argument %d is %s, the function takes %s", i,
                                   toString(args[i].kind()), toString(type.params[i])));
    }
    values[i] = toRaw(args[i]);
  }
  vm::Trap trap = vm::invoke(*impl_->func, values.data());
  if (!trap.ok()) return Error(Error::Kind::Trap, trapText(trap));
  std::vector<Val> results;
  results.reserve(type.results.size());
  for (size_t i = 0; i < type.results.size(); ++i) {
    results.push_back(fromRaw(type.results[i], values[i]));
  }
  return results;
}

uint8_t* Memory::data() const { return impl_->memory->base(); }
uint64_t Memory::size() const { return impl_->memory->sizeBytes(); }
Result<uint64_t> Memory::grow(uint64_t pages) const {
  int64_t old = impl_->memory->grow(pages);
  if (old < 0) {
    return Error(Error::Kind::Invalid,
                 absl::StrFormat("cannot grow the memory by %d pages", pages));
  }
  return static_cast<uint64_t>(old);
}

std::optional<Func> Instance::func(std::string_view name) const {
  std::optional<vm::Extern> ext = impl_->instance->exportByName(name);
  if (!ext || ext->kind != wasm::ExternKind::Func) return std::nullopt;
  auto impl = std::make_shared<Func::Impl>();
  impl->type = toFuncType(ext->func->type);
  impl->func = std::move(ext->func);
  return Func(std::move(impl));
}

std::optional<Memory> Instance::memory(std::string_view name) const {
  std::optional<vm::Extern> ext = impl_->instance->exportByName(name);
  if (!ext || ext->kind != wasm::ExternKind::Memory) return std::nullopt;
  auto impl = std::make_shared<Memory::Impl>();
  impl->memory = std::move(ext->memory);
  return Memory(std::move(impl));
}

std::vector<ExportType> Instance::exports() const {
  std::vector<ExportType> out;
  const wasm::Module& module = impl_->instance->module();
  for (const wasm::Export& e : module.exports) out.push_back(toExportType(module, e));
  return out;
}

}  // namespace wcr
