// `wcr run FILE [--invoke NAME] [--fuel N] [--timeout DURATION] [ARGS...]`: compiles a core
// module with the LLVM JIT, instantiates it and calls an export (`--invoke NAME`, arguments
// written as wasm values and parsed by the export's parameter types; results printed one per
// line, as Wasmtime does) or, without --invoke, its `_start`. A trap prints
// `error: wasm trap: MESSAGE`, then the wasm backtrace (jit/vm/backtrace.h), and exits 134, the
// status Wasmtime uses. A module with imports gets WASI preview1 (wasi/p1): `--dir HOST[::GUEST]`
// preopens a directory, `--env NAME[=VALUE]` sets a variable, and without --invoke the ARGS are
// the program's arguments; proc_exit's code becomes wcr's exit status.
//
// FILE may be a precompiled artifact (`wcr compile`). A module is compiled through the on-disk
// object cache (load_executable.cc): `--cache-dir DIR`, `--no-cache`; `-v` says which happened.
//
// Interruption (jit/vm/interrupt.h): `--fuel N` compiles fuel accounting in and gives the
// instance N units ("all fuel consumed" when they run out); `--timeout DURATION` (`500ms`, `2s`,
// `1m`: absl::ParseDuration) compiles epoch checks in, sets the instance's deadline one epoch
// tick ahead and starts a timer thread that ticks once DURATION after compilation ("interrupt").
// The clock covers instantiation (the start function) and the call. Without the flags the code
// is compiled without any check.
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
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "jit/vm/instance.h"
#include "jit/vm/interrupt.h"
#include "jit/vm/invoke.h"
#include "jit/vm/type_registry.h"
#include "runtime/cli/commands.h"
#include "wasi/p1/wasi_p1.h"

namespace wcr::runtime::cli {
namespace {

using jit::wasm::ValKind;

struct RunArgs {
  std::string file;
  std::string invoke;
  std::vector<std::string> args;
  int optLevel = 2;
  jit::wasm::Features features;  // --enable
  std::optional<uint64_t> fuel;
  std::string timeout;  // empty: none
  std::string cacheDir;
  bool noCache = false;
  bool verbose = false;
  std::vector<std::string> env;   // --env NAME[=VALUE]
  std::vector<std::string> dirs;  // --dir HOST[::GUEST]
};

constexpr int kTrapExitCode = 134;

// `error: wasm trap: MESSAGE` and the backtrace, on stderr.
int reportTrap(const std::string& message, const std::vector<jit::vm::WasmFrame>& backtrace,
               uint64_t omittedFrames) {
  std::cerr << "error: wasm trap: " << message << "\n"
            << jit::vm::formatBacktrace(backtrace, omittedFrames);
  return kTrapExitCode;
}

// Accepts what absl::ParseDuration does ("500ms", "2s", "1.5m", "1h30m"), but not negative.
std::string checkTimeout(const std::string& text) {
  absl::Duration duration;
  if (!absl::ParseDuration(text, &duration) || duration < absl::ZeroDuration() ||
      duration == absl::InfiniteDuration()) {
    return absl::StrFormat("\"%s\" is not a duration such as 500ms or 2s", text);
  }
  return "";
}

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
      return absl::InvalidArgumentError(absl::StrFormat(
          "parameters of type %s cannot be passed on the command line", type.name()));
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

// The WASI configuration of a run: argv (the file name, then ARGS unless they are --invoke's
// wasm values), --env NAME=VALUE (NAME alone copies the host's value) and --dir HOST[::GUEST].
absl::StatusOr<wasi::p1::WasiConfig> wasiConfig(const RunArgs& args) {
  wasi::p1::WasiConfig config;
  config.args.push_back(args.file);
  if (args.invoke.empty())
    config.args.insert(config.args.end(), args.args.begin(), args.args.end());
  for (const std::string& var : args.env) {
    const size_t eq = var.find('=');
    if (eq == 0) return absl::InvalidArgumentError(absl::StrCat("--env ", var, ": empty name"));
    if (eq != std::string::npos) {
      config.env.emplace_back(var.substr(0, eq), var.substr(eq + 1));
    } else if (const char* value = std::getenv(var.c_str())) {
      config.env.emplace_back(var, value);
    }
  }
  for (const std::string& dir : args.dirs) {
    const size_t sep = dir.find("::");
    wasi::p1::Preopen preopen;
    preopen.hostPath = dir.substr(0, sep);
    preopen.guestPath = sep == std::string::npos ? dir : dir.substr(sep + 2);
    if (preopen.hostPath.empty() || preopen.guestPath.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("--dir ", dir, ": expected HOST[::GUEST]"));
    }
    config.preopens.push_back(std::move(preopen));
  }
  return config;
}

// Runs `_start` as a WASI command. Exit status as Wasmtime's: proc_exit's code when below 126
// (else 1, with a message), 0 when _start returns, 134 on a trap.
int runWasiCommand(wasi::p1::WasiP1& wasi, jit::vm::Instance& instance, const std::string& file) {
  absl::StatusOr<wasi::p1::CommandResult> result = wasi.runCommand(instance);
  if (!result.ok()) {
    std::cerr << "error: " << file << ": " << result.status().message() << "\n";
    return 1;
  }
  if (result->trap) {
    return reportTrap(result->trap->message, result->trap->backtrace, result->trap->omittedFrames);
  }
  const uint32_t code = result->exitCode.value_or(0);
  if (code >= 126) {
    std::cerr << absl::StrFormat("error: %s: exit with invalid exit status outside of [0..126)\n",
                                 file);
    return 1;
  }
  return static_cast<int>(code);
}

int run(const RunArgs& args) {
  jit::vm::CompileOptions options;
  options.optLevel = args.optLevel;
  // Checks are compiled in only when asked for: code run without the flags has none.
  options.fuel = args.fuel.has_value();
  options.epochInterruption = !args.timeout.empty();
  if (!args.noCache) options.cacheDir = args.cacheDir.empty() ? defaultCacheDir() : args.cacheDir;
  absl::StatusOr<ExecutableModule> loaded = loadExecutable(args.file, options, args.features);
  if (!loaded.ok()) {
    std::cerr << "error: " << loaded.status().message() << "\n";
    return 1;
  }
  if (args.verbose) {
    const char* how = loaded->source == ExecutableModule::Source::Artifact ? "loaded precompiled"
                      : loaded->source == ExecutableModule::Source::Cache  ? "loaded from the cache"
                                                                           : "compiled";
    std::cerr << absl::StrFormat("wcr: %s: %s in %.1f ms (-O%d)\n", args.file, how,
                                 loaded->milliseconds, loaded->options.optLevel);
  }
  const std::shared_ptr<const jit::wasm::Module>& module = loaded->module;
  jit::vm::TypeRegistry types;
  // WASI preview1: a module importing anything gets wasi_snapshot_preview1 (other imports are
  // unknown). Without --invoke, ARGS are the program's arguments, after its name.
  std::unique_ptr<wasi::p1::WasiP1> wasi;
  std::vector<jit::vm::Extern> imports;
  if (!module->imports.empty()) {
    absl::StatusOr<wasi::p1::WasiConfig> config = wasiConfig(args);
    if (!config.ok()) {
      std::cerr << "error: " << config.status().message() << "\n";
      return 1;
    }
    absl::StatusOr<std::unique_ptr<wasi::p1::WasiP1>> created =
        wasi::p1::WasiP1::create(*std::move(config));
    if (!created.ok()) {
      std::cerr << "error: " << created.status().message() << "\n";
      return 1;
    }
    wasi = *std::move(created);
    absl::StatusOr<std::vector<jit::vm::Extern>> resolved = wasi->importsFor(*module, types);
    if (!resolved.ok()) {
      std::cerr << "error: " << args.file << ": " << resolved.status().message() << "\n";
      return 1;
    }
    imports = *std::move(resolved);
  }
  jit::vm::EpochCounter epoch;
  jit::vm::InterruptConfig interrupts;
  interrupts.fuel = args.fuel;
  std::optional<jit::vm::EpochTimer> timer;
  if (!args.timeout.empty()) {
    absl::Duration timeout;
    (void)absl::ParseDuration(args.timeout, &timeout);  // checked by the option's validator
    interrupts.epoch = &epoch;
    interrupts.epochDeadlineTicks = 1;
    timer.emplace(epoch, absl::ToChronoNanoseconds(timeout));
  }
  absl::StatusOr<jit::vm::InstantiationResult> created =
      jit::vm::Instance::instantiate(module, loaded->code, imports, types, interrupts);
  if (!created.ok()) {
    std::cerr << "error: " << args.file << ": " << created.status().message() << "\n";
    return 1;
  }
  if (created->failure == jit::vm::InstantiationResult::Failure::Trap) {
    return reportTrap(created->message, created->backtrace, created->omittedFrames);
  }
  if (created->failure != jit::vm::InstantiationResult::Failure::None) {
    std::cerr << "error: " << args.file << ": " << created->message << "\n";
    return 1;
  }
  if (wasi) {
    // A module without a "memory" export can still run: its WASI calls then trap, saying why.
    (void)wasi->bindMemory(*created->instance);
    if (args.invoke.empty()) return runWasiCommand(*wasi, *created->instance, args.file);
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
  std::vector<jit::vm::ValRaw> values(
      std::max<size_t>({type.params.size(), type.results.size(), 1}));
  for (size_t i = 0; i < args.args.size(); ++i) {
    absl::StatusOr<jit::vm::ValRaw> v = parseArg(type.params[i], args.args[i]);
    if (!v.ok()) {
      std::cerr << "error: " << v.status().message() << "\n";
      return 1;
    }
    values[i] = *v;
  }
  jit::vm::Trap trap = jit::vm::invoke(*ext->func, values.data());
  if (!trap.ok()) return reportTrap(trap.message, trap.backtrace, trap.omittedFrames);
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
  cmd->add_option("--fuel", args->fuel,
                  "run with N units of fuel (1 per instruction); trap when they run out")
      ->type_name("N");
  cmd->add_option("--timeout", args->timeout,
                  "interrupt the guest after DURATION (e.g. 500ms, 2s), measured from the end "
                  "of compilation")
      ->type_name("DURATION")
      ->check(CLI::Validator(checkTimeout, "DURATION"));
  cmd->add_option("--cache-dir", args->cacheDir,
                  "directory of the compiled-code cache (default: $WCR_CACHE_DIR, "
                  "$XDG_CACHE_HOME/wcr or ~/.cache/wcr)")
      ->type_name("DIR");
  cmd->add_flag("--no-cache", args->noCache, "compile without reading or writing the cache");
  cmd->add_option("--dir", args->dirs,
                  "give a WASI program the host directory HOST, named GUEST (default: HOST)")
      ->type_name("HOST[::GUEST]")
      ->allow_extra_args(false);  // one value per --dir: what follows is FILE and ARGS
  cmd->add_option("--env", args->env,
                  "set an environment variable of a WASI program (NAME alone: the host's value)")
      ->type_name("NAME[=VALUE]")
      ->allow_extra_args(false);
  cmd->add_flag("-v,--verbose", args->verbose,
                "report whether the code was compiled, loaded from the cache or precompiled");
  addFeatureOption(*cmd, args->features);
  cmd->add_option("ARGS", args->args,
                  "the program's arguments (WASI), or --invoke's arguments as wasm values; "
                  "put `--` before arguments that start with -")
      ->type_name("ARGS...");
  cmd->callback([args, &exitCode] { exitCode = run(*args); });
}

}  // namespace wcr::runtime::cli
