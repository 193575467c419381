// wasi_run: the test driver of the preview1 guests (test/wasi/guests). It runs a command module
// through the wasi/p1 library directly, as an embedder would: decode and validate, compile with
// the LLVM JIT, create a WasiP1 with the arguments, environment and preopens given, instantiate
// with its imports, bind the memory, call _start. Its command line mirrors `wasmtime run`'s so the
// test can run both the same way:
//
//   wasi_run [--dir HOST[::GUEST]]... [--env NAME=VALUE]... [--path-walk] MODULE [ARGS...]
//
// --path-walk forces the fallback path resolution (wasi/p3/sandbox_path.h) instead of openat2.
// argv[0] of the guest is MODULE as written. Exit status: the guest's proc_exit code when below
// 126 (Wasmtime's rule; 126 and above is an error, exit 1), 0 when _start returns, 134 after a
// trap (with `error: wasm trap: MESSAGE` on stderr), 1 for a failure to load or link.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "jit/llvm/llvm_compiler.h"
#include "jit/vm/instance.h"
#include "jit/vm/type_registry.h"
#include "jit/wasm/decoder.h"
#include "jit/wasm/validator.h"
#include "wasi/p1/wasi_p1.h"
#include "wasi/p3/sandbox_path.h"

namespace {

using namespace wcr;

constexpr int kTrapExitCode = 134;

int fail(const std::string& message) {
  std::cout.flush();
  std::cerr << "error: " << message << "\n";
  return 1;
}

int usage() {
  std::cerr << "usage: wasi_run [--dir HOST[::GUEST]]... [--env NAME=VALUE]... [--path-walk] "
               "MODULE [ARGS...]\n";
  return 2;
}

int run(int argc, char** argv) {
  wasi::p1::WasiConfig config;
  int i = 1;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--dir" || arg == "--env") && i + 1 < argc) {
      std::string value = argv[++i];
      if (arg == "--dir") {
        size_t sep = value.find("::");
        if (sep == std::string::npos) {
          config.preopens.push_back({value, value});
        } else {
          config.preopens.push_back({value.substr(0, sep), value.substr(sep + 2)});
        }
      } else {
        size_t eq = value.find('=');
        if (eq == std::string::npos) return usage();
        config.env.emplace_back(value.substr(0, eq), value.substr(eq + 1));
      }
    } else if (arg == "--path-walk") {
      wasi::p3::setResolveModeForTesting(wasi::p3::ResolveMode::Walk);
    } else if (arg.rfind("--", 0) == 0) {
      return usage();
    } else {
      break;
    }
  }
  if (i >= argc) return usage();
  const std::string path = argv[i];
  for (; i < argc; ++i) config.args.push_back(argv[i]);

  std::ifstream file(path, std::ios::binary);
  if (!file) return fail(absl::StrFormat("cannot read %s", path));
  auto bytes = std::make_shared<const std::vector<uint8_t>>(std::istreambuf_iterator<char>(file),
                                                            std::istreambuf_iterator<char>());
  absl::StatusOr<jit::wasm::Module> decoded = jit::wasm::decodeModule(bytes);
  if (!decoded.ok()) return fail(absl::StrFormat("%s: %s", path, decoded.status().message()));
  if (absl::Status valid = jit::wasm::validateModule(*decoded); !valid.ok()) {
    return fail(absl::StrFormat("%s: %s", path, valid.message()));
  }
  auto module = std::make_shared<const jit::wasm::Module>(*std::move(decoded));

  absl::StatusOr<std::unique_ptr<wasi::p1::WasiP1>> wasi = wasi::p1::WasiP1::create(config);
  if (!wasi.ok()) return fail(std::string(wasi.status().message()));
  jit::vm::TypeRegistry types;
  absl::StatusOr<std::vector<jit::vm::Extern>> imports = (*wasi)->importsFor(*module, types);
  if (!imports.ok()) return fail(absl::StrFormat("%s: %s", path, imports.status().message()));

  std::unique_ptr<jit::vm::Compiler> compiler = jit::llvm::createLlvmCompiler();
  absl::StatusOr<std::shared_ptr<jit::vm::CompiledCode>> code =
      compiler->compile(*module, jit::vm::CompileOptions{});
  if (!code.ok()) return fail(absl::StrFormat("%s: %s", path, code.status().message()));
  absl::StatusOr<jit::vm::InstantiationResult> created =
      jit::vm::Instance::instantiate(module, *std::move(code), *imports, types);
  if (!created.ok()) return fail(std::string(created.status().message()));
  if (created->failure == jit::vm::InstantiationResult::Failure::Link) {
    return fail(absl::StrFormat("%s: %s", path, created->message));
  }
  if (created->failure == jit::vm::InstantiationResult::Failure::Trap) {
    std::cout.flush();
    std::cerr << "error: wasm trap: " << created->message << "\n";
    return kTrapExitCode;
  }
  absl::StatusOr<wasi::p1::CommandResult> result = (*wasi)->runCommand(*created->instance);
  if (!result.ok()) return fail(absl::StrFormat("%s: %s", path, result.status().message()));
  if (result->trap) {
    std::cerr << "error: wasm trap: " << result->trap->message << "\n";
    return kTrapExitCode;
  }
  if (*result->exitCode >= 126) {
    return fail(absl::StrFormat("exit status %u is outside [0, 126)", *result->exitCode));
  }
  return static_cast<int>(*result->exitCode);
}

}  // namespace

int main(int argc, char** argv) {
  // A guest writing to a closed pipe gets PIPE rather than killing the driver (as in Wasmtime).
  std::signal(SIGPIPE, SIG_IGN);
  return run(argc, argv);
}
