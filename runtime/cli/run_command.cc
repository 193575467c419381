// `wcr run FILE [--invoke NAME] [ARGS...]`: compiles a core module with the LLVM JIT,
// instantiates it and calls an export (`--invoke NAME`, arguments written as wasm values and
// parsed by the export's parameter types; results printed one per line, as Wasmtime does) or,
// without --invoke, its `_start`. A trap prints `error: wasm trap: MESSAGE` and exits 134, the
// status Wasmtime uses. WASI preview1 imports come with the next issue: a module with imports is
// refused with the name of the first one.
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "jit/llvm/llvm_compiler.h"
#include "jit/vm/instance.h"
#include "jit/vm/invoke.h"
#include "jit/vm/type_registry.h"
#include "runtime/cli/commands.h"

namespace wcr::runtime::cli {
namespace {

using jit::wasm::ValKind;

struct RunArgs {
  std::string file;
  std::string invoke;
  std::vector<std::string> args;
  int optLevel = 2;
};

constexpr int kTrapExitCode = 134;

absl::StatusOr<jit::vm::ValRaw> parseArg(jit::wasm::ValType type, const std::string& text) {
  jit::vm::ValRaw raw{};
  bool ok = false;
  switch (type.kind()) {
    case ValKind::I32: {
      int64_t v = 0;
      ok = absl::SimpleAtoi(text, &v) && v >= INT32_MIN && v <= UINT32_MAX;
      raw.i32 = static_cast<int32_t>(static_cast<uint32_t>(v));
      break;
    }
    case ValKind::I64: {
      int64_t v = 0;
      uint64_t u = 0;
      if (absl::SimpleAtoi(text, &v)) {
        ok = true;
      } else if (absl::SimpleAtoi(text, &u)) {
        ok = true;
        v = static_cast<int64_t>(u);
      }
      raw.i64 = v;
      break;
    }
    case ValKind::F32: {
      float f = 0;
      ok = absl::SimpleAtof(text, &f);
      std::memcpy(&raw.f32Bits, &f, 4);
      break;
    }
    case ValKind::F64: {
      double d = 0;
      ok = absl::SimpleAtod(text, &d);
      std::memcpy(&raw.f64Bits, &d, 8);
      break;
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrFormat("parameters of type %s cannot be passed on the command line", type.name()));
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrFormat("argument \"%s\" is not a valid %s", text, type.name()));
  }
  return raw;
}

std::string formatFloat(double v, bool isF32) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[64];
  auto res = isF32 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v))
                   : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string formatResult(jit::wasm::ValType type, const jit::vm::ValRaw& raw) {
  switch (type.kind()) {
    case ValKind::I32:
      return std::to_string(raw.i32);
    case ValKind::I64:
      return std::to_string(raw.i64);
    case ValKind::F32: {
      float f;
      std::memcpy(&f, &raw.f32Bits, 4);
      return formatFloat(f, true);
    }
    case ValKind::F64: {
      double d;
      std::memcpy(&d, &raw.f64Bits, 8);
      return formatFloat(d, false);
    }
    case ValKind::V128: {
      std::string out = "0x";
      for (int i = 15; i >= 0; --i) out += absl::StrFormat("%02x", raw.v128[i]);
      return out;
    }
    default:
      return raw.ref ? "ref" : "null";
  }
}

int run(const RunArgs& args) {
  absl::StatusOr<jit::wasm::Module> decoded = loadModule(args.file);
  if (!decoded.ok()) {
    std::cerr << "error: " << decoded.status().message() << "\n";
    return 1;
  }
  auto module = std::make_shared<const jit::wasm::Module>(*std::move(decoded));
  if (!module->imports.empty()) {
    const jit::wasm::Import& imp = module->imports.front();
    std::cerr << absl::StrFormat("error: %s: unknown import \"%s\" \"%s\" (host imports are not "
                                 "provided yet)\n", args.file, imp.module, imp.name);
    return 1;
  }
  std::unique_ptr<jit::vm::Compiler> compiler = jit::llvm::createLlvmCompiler();
  jit::vm::CompileOptions options;
  options.optLevel = args.optLevel;
  absl::StatusOr<std::shared_ptr<jit::vm::CompiledCode>> code = compiler->compile(*module, options);
  if (!code.ok()) {
    std::cerr << "error: " << args.file << ": " << code.status().message() << "\n";
    return 1;
  }
  jit::vm::TypeRegistry types;
  absl::StatusOr<jit::vm::InstantiationResult> created =
      jit::vm::Instance::instantiate(module, *std::move(code), {}, types);
  if (!created.ok()) {
    std::cerr << "error: " << args.file << ": " << created.status().message() << "\n";
    return 1;
  }
  if (created->failure == jit::vm::InstantiationResult::Failure::Trap) {
    std::cerr << "error: wasm trap: " << created->message << "\n";
    return kTrapExitCode;
  }
  if (created->failure != jit::vm::InstantiationResult::Failure::None) {
    std::cerr << "error: " << args.file << ": " << created->message << "\n";
    return 1;
  }
  const std::string name = args.invoke.empty() ? "_start" : args.invoke;
  std::optional<jit::vm::Extern> ext = created->instance->exportByName(name);
  if (!ext || ext->kind != jit::wasm::ExternKind::Func) {
    if (args.invoke.empty()) return 0;  // no _start: instantiation (and start) was the program
    std::cerr << absl::StrFormat("error: %s: no exported function \"%s\"\n", args.file, name);
    return 1;
  }
  const jit::wasm::FuncType& type = ext->func->type;
  if (args.args.size() != type.params.size()) {
    std::cerr << absl::StrFormat("error: \"%s\" takes %d arguments, %d given\n", name,
                                 type.params.size(), args.args.size());
    return 1;
  }
  std::vector<jit::vm::ValRaw> values(std::max<size_t>({type.params.size(), type.results.size(), 1}));
  for (size_t i = 0; i < args.args.size(); ++i) {
    absl::StatusOr<jit::vm::ValRaw> v = parseArg(type.params[i], args.args[i]);
    if (!v.ok()) {
      std::cerr << "error: " << v.status().message() << "\n";
      return 1;
    }
    values[i] = *v;
  }
  jit::vm::Trap trap = jit::vm::invoke(*ext->func, values.data());
  if (!trap.ok()) {
    std::cerr << "error: wasm trap: " << trap.message << "\n";
    return kTrapExitCode;
  }
  for (size_t i = 0; i < type.results.size(); ++i) {
    std::cout << formatResult(type.results[i], values[i]) << "\n";
  }
  return 0;
}

}  // namespace

void addRunCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* cmd = app.add_subcommand("run", "Compile a core module with the JIT and run it");
  cmd->add_option("FILE", args->file, "module (.wasm or .wat)")->required()->type_name("FILE");
  cmd->add_option("--invoke", args->invoke, "exported function to call (default: _start)")
      ->type_name("NAME");
  cmd->add_option("-O,--opt-level", args->optLevel, "LLVM optimization level, 0 to 3 (default 2)")
      ->check(CLI::Range(0, 3));
  cmd->add_option("ARGS", args->args, "arguments, as wasm values")->type_name("ARGS...");
  cmd->callback([args, &exitCode] { exitCode = run(*args); });
}

}  // namespace wcr::runtime::cli
