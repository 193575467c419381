// wast_record: runs a WAST script with wcr's JIT and writes it back with every bare action turned
// into an assertion of what wcr observed, so that another engine (`wasmtime wast`) can check that
// it behaves identically. Used by test/scripts/differential_exec.py.
//
//   wast_record [-O N] IN.wast OUT.wast
//
// The input must hold one directive per line (the differential generator writes it that way):
// each line holding a bare `(invoke ...)` becomes `(assert_return (invoke ...) RESULTS)`,
// `(assert_trap (invoke ...) "MESSAGE")` or `(assert_exhaustion (invoke ...) "...")`. NaN
// results (also NaN-looking v128 lanes) are written as `nan:canonical` / `nan:arithmetic` when
// they are quiet NaNs (their payload is nondeterministic by the spec), bit for bit otherwise.
// Actions returning a non-null reference stay bare actions. Exit status: 0 when every module and
// action ran (traps included), 1 when a directive failed in wcr itself (e.g. a module did not
// instantiate), 2 on usage or I/O errors.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "jit/llvm/llvm_compiler.h"
#include "runtime/wast/jit_engine.h"
#include "runtime/wast/runner.h"

namespace {

using wcr::jit::text::Command;
using wcr::jit::text::Value;
using wcr::runtime::wast::ActionResult;
using wcr::runtime::wast::Failure;

// A float constant with these bits, in text form that parses back to exactly the same bits.
std::string floatLiteral(uint64_t bits, bool isF32) {
  const int mantissaBits = isF32 ? 23 : 52;
  const uint64_t expMask = isF32 ? 0xffull : 0x7ffull;
  const uint64_t mantissa = bits & ((1ull << mantissaBits) - 1);
  const uint64_t exponent = (bits >> mantissaBits) & expMask;
  const bool negative = (bits >> (isF32 ? 31 : 63)) & 1;
  const char* sign = negative ? "-" : "";
  if (exponent == expMask) {
    if (mantissa == 0) return absl::StrCat(sign, "inf");
    return absl::StrFormat("%snan:0x%x", sign, mantissa);
  }
  double value;
  if (isF32) {
    float f;
    uint32_t b = static_cast<uint32_t>(bits);
    std::memcpy(&f, &b, 4);
    value = f;
  } else {
    std::memcpy(&value, &bits, 8);
  }
  return absl::StrFormat("%a", value);  // exact hexadecimal float; -0 prints as -0x0p+0
}

// A float lane or value: exact bits, or nan:canonical / nan:arithmetic for a quiet NaN (whose
// payload the spec leaves nondeterministic).
std::string floatPattern(uint64_t bits, bool isF32) {
  const int mantissaBits = isF32 ? 23 : 52;
  const uint64_t mantissa = bits & ((1ull << mantissaBits) - 1);
  const uint64_t exponent = (bits >> mantissaBits) & (isF32 ? 0xff : 0x7ff);
  const uint64_t quietBit = 1ull << (mantissaBits - 1);
  if (exponent == (isF32 ? 0xffu : 0x7ffu) && mantissa != 0 && (mantissa & quietBit)) {
    return mantissa == quietBit ? "nan:canonical" : "nan:arithmetic";
  }
  return floatLiteral(bits, isF32);
}

bool isNan(uint64_t bits, bool isF32) {
  return isF32 ? (bits & 0x7fffffffu) > 0x7f800000u
               : (bits & 0x7fffffffffffffffull) > 0x7ff0000000000000ull;
}

// A v128 result. Its lane types are unknown, so NaN-looking lanes are matched as NaNs (their
// payload may differ between engines): as f64x2 when a 64-bit lane is a NaN, else as f32x4,
// whose exact-float lanes still fix every bit of non-NaN lanes.
std::string v128Pattern(const Value& v) {
  uint64_t halves[2];
  std::memcpy(halves, v.v128.data(), 16);
  std::string lanes;
  if (isNan(halves[0], false) || isNan(halves[1], false)) {
    for (uint64_t half : halves) absl::StrAppend(&lanes, " ", floatPattern(half, false));
    return absl::StrCat("(v128.const f64x2", lanes, ")");
  }
  for (int lane = 0; lane < 4; ++lane) {
    uint32_t word;
    std::memcpy(&word, v.v128.data() + 4 * lane, 4);
    absl::StrAppend(&lanes, " ", floatPattern(word, true));
  }
  return absl::StrCat("(v128.const f32x4", lanes, ")");
}

// The expected-result text for one value, or "" when it cannot be asserted portably.
std::string resultPattern(const Value& v) {
  switch (v.type) {
    case Value::Type::I32:
      return absl::StrFormat("(i32.const 0x%x)", static_cast<uint32_t>(v.bits));
    case Value::Type::I64:
      return absl::StrFormat("(i64.const 0x%x)", v.bits);
    case Value::Type::F32:
      return absl::StrFormat("(f32.const %s)", floatPattern(v.bits, true));
    case Value::Type::F64:
      return absl::StrFormat("(f64.const %s)", floatPattern(v.bits, false));
    case Value::Type::V128:
      return v128Pattern(v);
    case Value::Type::FuncRef:
      return v.isNull ? "(ref.null func)" : "";
    case Value::Type::ExternRef:
      return v.isNull ? "(ref.null extern)" : "";
    case Value::Type::ExnRef:
      return v.isNull ? "(ref.null exn)" : "";
  }
  return "";
}

// The assertion replacing a bare action line, or the line itself when nothing can be asserted.
std::string assertionFor(const std::string& actionText, const ActionResult& result) {
  switch (result.failure) {
    case Failure::Trap:
      return absl::StrFormat("(assert_trap %s \"%s\")", actionText, result.message);
    case Failure::Exhaustion:
      return absl::StrFormat("(assert_exhaustion %s \"call stack exhausted\")", actionText);
    case Failure::Exception:
      return absl::StrFormat("(assert_exception %s)", actionText);
    case Failure::Unlinkable:
      return actionText;
    case Failure::None:
      break;
  }
  std::string patterns;
  for (const Value& v : result.values) {
    std::string p = resultPattern(v);
    if (p.empty()) return actionText;
    absl::StrAppend(&patterns, " ", p);
  }
  return absl::StrCat("(assert_return ", actionText, patterns, ")");
}

int usage() {
  std::cerr << "usage: wast_record [-O N] IN.wast OUT.wast\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int optLevel = 2;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-O" && i + 1 < argc) {
      optLevel = std::atoi(argv[++i]);
    } else if (arg.size() == 3 && arg.rfind("-O", 0) == 0) {
      optLevel = arg[2] - '0';
    } else {
      files.push_back(arg);
    }
  }
  if (files.size() != 2 || optLevel < 0 || optLevel > 3) return usage();

  std::ifstream in(files[0], std::ios::binary);
  if (!in) {
    std::cerr << "wast_record: cannot read " << files[0] << "\n";
    return 2;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string source = buffer.str();
  std::vector<std::string> lines;
  std::istringstream split(source);
  for (std::string line; std::getline(split, line);) lines.push_back(line);

  std::unique_ptr<wcr::jit::vm::Compiler> compiler = wcr::jit::llvm::createLlvmCompiler();
  wcr::jit::vm::CompileOptions compileOptions;
  compileOptions.optLevel = optLevel;
  wcr::runtime::wast::JitEngine engine(*compiler, compileOptions);
  wcr::runtime::wast::RunOptions options;
  options.engine = &engine;
  absl::flat_hash_map<uint32_t, std::string> replacements;  // 1-based line -> new text
  options.onAction = [&](const Command& command, const ActionResult& result) {
    if (command.kind != Command::Kind::Action || command.line == 0 || command.line > lines.size()) {
      return;
    }
    std::string text = lines[command.line - 1];
    const size_t begin = text.find_first_not_of(" \t");
    const size_t end = text.find_last_not_of(" \t\r");
    if (begin == std::string::npos) return;
    replacements[command.line] = assertionFor(text.substr(begin, end - begin + 1), result);
  };
  const wcr::runtime::wast::ScriptReport report =
      wcr::runtime::wast::runScriptSource(source, options);

  std::ofstream out(files[1], std::ios::binary | std::ios::trunc);
  for (uint32_t i = 0; i < lines.size(); ++i) {
    auto it = replacements.find(i + 1);
    out << (it != replacements.end() ? it->second : lines[i]) << "\n";
  }
  out.close();
  if (!out) {
    std::cerr << "wast_record: cannot write " << files[1] << "\n";
    return 2;
  }
  int status = 0;
  for (const auto& d : report.directives) {
    // A bare action that trapped is an outcome to record, not a failure of the script.
    if (d.outcome != wcr::runtime::wast::Outcome::Passed && !replacements.contains(d.line)) {
      std::cerr << files[0] << ":" << d.line << ": " << d.directive << ": " << d.message << "\n";
      status = 1;
    }
  }
  return status;
}
