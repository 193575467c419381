// `wcr wast [--validate-only] [-O N] [--verbose] [--strict-messages] [--dump-modules DIR]
// [--enable PROPOSAL]
// FILE...`: runs WAST scripts with runtime/wast, executing them with the LLVM JIT (JitEngine), and
// prints `FILE: N passed, N failed, N skipped` per file, preceded by one line per failed
// directive. Exit 0 only when nothing failed and nothing was skipped; with --validate-only,
// skipped directives (those needing execution) are allowed. An assertion rejected or trapping
// with another message than the script's passes (the spec interpreter's rule for the official
// suites, whose messages follow other engines) unless --strict-messages makes it a failure (our
// own scripts, test/wast).
//
// Scripts are WebAssembly 2.0 (whose suite asserts what later proposals allow) plus the proposals
// given with --enable and those named by a folder of the script's path (`proposals/tail-call/`,
// see jit/wasm/features.h), so a proposal's suite runs with that proposal and no flag.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "jit/llvm/llvm_compiler.h"
#include "runtime/cli/commands.h"
#include "canon/text/component_parser.h"
#include "runtime/wast/component_runner.h"
#include "runtime/wast/jit_engine.h"
#include "runtime/wast/runner.h"

namespace wcr::runtime::cli {
namespace {

namespace fs = std::filesystem;
using wast::Outcome;

struct WastArgs {
  std::vector<std::string> files;
  bool validateOnly = false;
  bool verbose = false;
  bool strictMessages = false;
  int optLevel = 2;
  std::string dumpDir;
  jit::wasm::Features features;  // --enable
};

// Writes every module a script produced as DIR/<stem>.<n>.wasm and lists them in
// DIR/<stem>.modules.tsv, one line each:
// `<wasm file>\t<valid|invalid|malformed>\t<script>:<line>\t<binary|quote>`.
class ModuleDumper {
 public:
  ModuleDumper(fs::path dir, const std::string& script)
      : dir_(std::move(dir)), script_(script), stem_(fs::path(script).stem().string()) {}

  void add(const wast::ModuleArtifact& artifact) {
    const std::string name = absl::StrCat(stem_, ".", count_++, ".wasm");
    std::ofstream out(dir_ / name, std::ios::binary);
    out.write(reinterpret_cast<const char*>(artifact.binary.data()),
              static_cast<std::streamsize>(artifact.binary.size()));
    if (!out) error_ = absl::StrCat("cannot write ", (dir_ / name).string());
    absl::StrAppendFormat(&manifest_, "%s\t%s\t%s:%d\t%s\n", name,
                          wast::toString(artifact.expectation), script_, artifact.line,
                          artifact.kind == jit::text::ScriptModule::Kind::Quote ? "quote"
                                                                                : "binary");
  }

  // Writes the manifest; returns an error text or "".
  std::string finish() {
    const fs::path path = dir_ / absl::StrCat(stem_, ".modules.tsv");
    std::ofstream out(path);
    out << manifest_;
    if (!out && error_.empty()) error_ = absl::StrCat("cannot write ", path.string());
    return error_;
  }

 private:
  fs::path dir_;
  std::string script_;
  std::string stem_;
  size_t count_ = 0;
  std::string manifest_;
  std::string error_;
};

struct FileTotals {
  size_t passed = 0, failed = 0, skipped = 0;
};

FileTotals runFile(const std::string& path, const WastArgs& args) {
  FileTotals totals;
  absl::StatusOr<std::vector<uint8_t>> bytes = readFile(path);
  if (!bytes.ok()) {
    std::cerr << "error: " << bytes.status().message() << "\n";
    totals.failed = 1;
    return totals;
  }
  std::unique_ptr<ModuleDumper> dumper;
  wast::RunOptions options;
  options.features = args.features;
  std::error_code ec;  // the absolute path, so that `cd proposals/tail-call; wcr wast x.wast` works
  const fs::path absolute = fs::absolute(path, ec);
  if (std::optional<jit::wasm::Features> implied =
          jit::wasm::featuresForScriptPath(ec ? path : absolute.string())) {
    options.features |= *implied;
  }
  // Each script gets a fresh engine, as each .wast file is its own world (spectest, registers).
  std::unique_ptr<jit::vm::Compiler> compiler;
  std::unique_ptr<wast::JitEngine> engine;
  if (!args.validateOnly) {
    compiler = jit::llvm::createLlvmCompiler();
    jit::vm::CompileOptions compileOptions;
    compileOptions.optLevel = args.optLevel;
    engine = std::make_unique<wast::JitEngine>(*compiler, compileOptions);
    options.engine = engine.get();
  }
  if (!args.dumpDir.empty()) {
    dumper = std::make_unique<ModuleDumper>(args.dumpDir, path);
    options.onModule = [&dumper](const wast::ModuleArtifact& a) { dumper->add(a); };
  }
  const std::string_view source(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  // One parser for both kinds of script: the component hooks only add forms core scripts lack.
  wast::ScriptReport report;
  absl::StatusOr<jit::text::Script> script = canon::text::parseComponentScript(source);
  if (!script.ok()) {
    wast::DirectiveResult failed;
    failed.directive = "script";
    failed.outcome = Outcome::Failed;
    failed.message = absl::StrCat("script does not parse: ", script.status().message());
    for (char& c : failed.message) {
      if (c == '\n') c = ' ';
    }
    report.directives.push_back(std::move(failed));
  } else if (wast::isComponentScript(*script)) {
    wast::ComponentRunOptions componentOptions;
    componentOptions.compiler = compiler.get();
    componentOptions.compileOptions.optLevel = args.optLevel;
    componentOptions.features = options.features;
    report = wast::runComponentScript(*script, componentOptions);
  } else {
    report = wast::runScript(*script, options);
  }

  std::map<std::string, size_t> skippedByDirective;
  for (const wast::DirectiveResult& d : report.directives) {
    if (d.outcome == Outcome::Failed) {
      std::cout << path << ":" << d.line << ": " << d.directive << ": FAILED: " << d.message
                << "\n";
    } else if (args.strictMessages && d.messageMismatch) {
      std::cout << path << ":" << d.line << ": " << d.directive << ": FAILED: " << d.note << "\n";
    } else if (d.outcome == Outcome::Skipped) {
      ++skippedByDirective[d.directive];
      if (args.verbose) {
        std::cout << path << ":" << d.line << ": " << d.directive << ": skipped: " << d.message
                  << "\n";
      }
    }
    if (args.verbose && d.messageMismatch) {
      std::cout << path << ":" << d.line << ": " << d.directive << ": note: " << d.note << "\n";
    }
  }
  size_t strictFailures = args.strictMessages ? report.messageMismatches() : 0;
  totals.passed = report.passed() - strictFailures;
  totals.failed = report.failed() + strictFailures;
  totals.skipped = report.skipped();
  if (dumper) {
    if (std::string error = dumper->finish(); !error.empty()) {
      std::cerr << "error: " << error << "\n";
      ++totals.failed;
    }
  }
  if (args.verbose) {
    std::string skipped;
    for (const auto& [directive, n] : skippedByDirective) {
      absl::StrAppend(&skipped, skipped.empty() ? "" : ", ", n, " ", directive);
    }
    if (!skipped.empty()) std::cout << path << ": skipped: " << skipped << "\n";
    std::cout << path << ": " << report.messageMismatches()
              << " rejected as expected but with a different message\n";
  }
  std::cout << absl::StrFormat("%s: %d passed, %d failed, %d skipped\n", path, totals.passed,
                               totals.failed, totals.skipped);
  return totals;
}

}  // namespace

void addWastCommand(CLI::App& app, int& exitCode) {
  auto args = std::make_shared<WastArgs>();
  CLI::App* cmd = app.add_subcommand("wast", "Run WebAssembly script (.wast) files");
  cmd->add_option("FILE", args->files, "script files")->required()->type_name("FILE");
  cmd->add_flag("--validate-only", args->validateOnly,
                "only decode and validate: directives that need execution are skipped and "
                "do not fail the run");
  cmd->add_option("-O,--opt-level", args->optLevel, "LLVM optimization level, 0 to 3 (default 2)")
      ->check(CLI::Range(0, 3));
  cmd->add_flag("--verbose", args->verbose,
                "also print skipped counts and assertions rejected with a different message");
  cmd->add_flag("--strict-messages", args->strictMessages,
                "fail assertions rejected or trapping with a different message");
  cmd->add_option("--dump-modules", args->dumpDir,
                  "write every module binary as DIR/<stem>.<n>.wasm with DIR/<stem>.modules.tsv")
      ->type_name("DIR");
  addFeatureOption(*cmd, args->features);
  cmd->callback([args, &exitCode] {
    if (!args->dumpDir.empty()) {
      std::error_code ec;
      fs::create_directories(args->dumpDir, ec);
      if (ec) {
        std::cerr << "error: " << args->dumpDir << ": " << ec.message() << "\n";
        exitCode = 1;
        return;
      }
    }
    bool ok = true;
    for (const std::string& file : args->files) {
      const FileTotals totals = runFile(file, *args);
      if (totals.failed != 0 || (totals.skipped != 0 && !args->validateOnly)) ok = false;
    }
    exitCode = ok ? 0 : 1;
  });
}

}  // namespace wcr::runtime::cli
