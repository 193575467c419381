// wcr::Engine, wcr::Module and wcr::Val (runtime/include/wcr).
#include <cmath>
#include <fstream>
#include <iterator>

#include "absl/strings/str_format.h"
#include "jit/llvm/llvm_compiler.h"
#include "jit/text/parser.h"
#include "jit/wasm/decoder.h"
#include "jit/wasm/validator.h"
#include "runtime/api/api_impl.h"

namespace wcr {

namespace wasm = jit::wasm;

Error toError(const absl::Status& status, Error::Kind kind) {
  return Error(kind, std::string(status.message()));
}

ValKind toValKind(wasm::ValType type) {
  switch (type.kind()) {
    case wasm::ValKind::I32: return ValKind::I32;
    case wasm::ValKind::I64: return ValKind::I64;
    case wasm::ValKind::F32: return ValKind::F32;
    default: return ValKind::F64;
  }
}

FuncType toFuncType(const wasm::FuncType& type) {
  FuncType out;
  for (auto t : type.params) out.params.push_back(toValKind(t));
  for (auto t : type.results) out.results.push_back(toValKind(t));
  return out;
}

ExportType toExportType(const wasm::Module& module, const wasm::Export& e) {
  ExportType out;
  out.name = e.name;
  out.kind = static_cast<ExternKind>(e.kind);
  if (e.kind == wasm::ExternKind::Func) out.func = toFuncType(module.funcType(e.index));
  return out;
}

const char* toString(ValKind kind) {
  switch (kind) {
    case ValKind::I32: return "i32";
    case ValKind::I64: return "i64";
    case ValKind::F32: return "f32";
    case ValKind::F64: return "f64";
  }
  return "?";
}

std::string Val::toString() const {
  switch (kind_) {
    case ValKind::I32: return absl::StrFormat("%d", u_.i32);
    case ValKind::I64: return absl::StrFormat("%d", u_.i64);
    case ValKind::F32: return absl::StrFormat("%g", u_.f32);
    case ValKind::F64: return absl::StrFormat("%g", u_.f64);
  }
  return "?";
}

Engine::Engine(Config config) : impl_(std::make_shared<Impl>()) {
  impl_->config = std::move(config);
  impl_->compiler = jit::llvm::createLlvmCompiler();
  jit::vm::CompileOptions options;
  options.optLevel = impl_->config.optLevel;
  options.cacheDir = impl_->config.cacheDir;
  impl_->adapters = std::make_unique<canon::link::AdapterCompiler>(*impl_->compiler, options);
}

const Config& Engine::config() const { return impl_->config; }

Result<Module> Module::fromBytes(const Engine& engine, const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  if (size == 0 || data[0] != 0) {  // text format (binary starts with the \0asm magic)
    absl::StatusOr<std::vector<uint8_t>> binary =
        jit::text::parseWat(std::string_view(reinterpret_cast<const char*>(data), size));
    if (!binary.ok()) return toError(binary.status());
    bytes = *std::move(binary);
  }
  absl::StatusOr<wasm::Module> decoded =
      wasm::decodeModule(std::make_shared<const std::vector<uint8_t>>(std::move(bytes)));
  if (!decoded.ok()) return toError(decoded.status());
  if (absl::Status valid = wasm::validateModule(*decoded); !valid.ok()) return toError(valid);
  auto impl = std::make_shared<Impl>();
  impl->engine = engine.impl();
  impl->module = std::make_shared<const wasm::Module>(*std::move(decoded));
  jit::vm::CompileOptions options;
  options.optLevel = engine.config().optLevel;
  options.cacheDir = engine.config().cacheDir;
  absl::StatusOr<std::shared_ptr<jit::vm::CompiledCode>> code =
      engine.impl()->compiler->compile(*impl->module, options);
  if (!code.ok()) return toError(code.status(), Error::Kind::Internal);
  impl->code = *std::move(code);
  return Module(std::move(impl));
}

Result<Module> Module::fromFile(const Engine& engine, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(Error::Kind::Io, absl::StrFormat("%s: cannot open the file", path));
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  Result<Module> module = fromBytes(engine, bytes.data(), bytes.size());
  if (!module.ok()) {
    return Error(module.error().kind(), absl::StrFormat("%s: %s", path, module.error().message()));
  }
  return module;
}

std::vector<ImportType> Module::imports() const {
  std::vector<ImportType> out;
  for (const wasm::Import& imp : impl_->module->imports) {
    ImportType t;
    t.module = imp.module;
    t.name = imp.name;
    t.kind = static_cast<ExternKind>(imp.kind);
    if (imp.kind == wasm::ExternKind::Func) t.func = toFuncType(impl_->module->types[imp.funcType]);
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<ExportType> Module::exports() const {
  std::vector<ExportType> out;
  for (const wasm::Export& e : impl_->module->exports) {
    out.push_back(toExportType(*impl_->module, e));
  }
  return out;
}

}  // namespace wcr
