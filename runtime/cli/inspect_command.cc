// `wcr inspect FILE`: prints what a module imports and exports, with their types, in the text
// format's syntax (`(import "env" "f" (func (param i32) (result i32)))`), one per line, so the
// output can be read by people and grepped by scripts. Components are printed as WIT once
// canon/model lands in the CLI.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "runtime/cli/commands.h"

namespace wcr::runtime::cli {
namespace {

using jit::wasm::ExternKind;
using jit::wasm::Module;

std::string limitsText(const jit::wasm::Limits& limits) {
  std::string text = absl::StrFormat("%d", limits.min);
  if (limits.max) absl::StrAppendFormat(&text, " %d", *limits.max);
  return text;
}

std::string funcTypeText(const jit::wasm::FuncType& type) {
  std::string text = "func";
  if (!type.params.empty()) {
    text += " (param";
    for (auto t : type.params) absl::StrAppend(&text, " ", t.name());
    text += ")";
  }
  if (!type.results.empty()) {
    text += " (result";
    for (auto t : type.results) absl::StrAppend(&text, " ", t.name());
    text += ")";
  }
  return text;
}

std::string tableText(const jit::wasm::TableType& type) {
  return absl::StrFormat("table %s %s", limitsText(type.limits), type.elem.name());
}
std::string memoryText(const jit::wasm::MemoryType& type) {
  return absl::StrFormat("memory %s%s", type.limits.is64 ? "i64 " : "", limitsText(type.limits));
}
std::string globalText(const jit::wasm::GlobalType& type) {
  return type.mut ? absl::StrFormat("global (mut %s)", type.type.name())
                  : absl::StrFormat("global %s", type.type.name());
}

// The type of entity `index` of `kind` in the module's index spaces.
std::string entityText(const Module& m, ExternKind kind, uint32_t index) {
  switch (kind) {
    case ExternKind::Func:
      return funcTypeText(m.funcType(index));
    case ExternKind::Table:
      for (const auto& imp : m.imports) {
        if (imp.kind == ExternKind::Table && index-- == 0) return tableText(imp.table);
      }
      return tableText(m.tables[index]);
    case ExternKind::Memory:
      for (const auto& imp : m.imports) {
        if (imp.kind == ExternKind::Memory && index-- == 0) return memoryText(imp.memory);
      }
      return memoryText(m.memories[index]);
    case ExternKind::Global:
      for (const auto& imp : m.imports) {
        if (imp.kind == ExternKind::Global && index-- == 0) return globalText(imp.global);
      }
      return globalText(m.globals[index].type);
  }
  return "?";
}

std::string quoted(const std::string& name) {
  std::string out = "\"";
  for (unsigned char c : name) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c == 0x7F) {
      absl::StrAppendFormat(&out, "\\%02x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

void printModule(const Module& m, std::ostream& out) {
  out << "(module\n";
  for (const auto& imp : m.imports) {
    std::string type;
    switch (imp.kind) {
      case ExternKind::Func: type = funcTypeText(m.types[imp.funcType]); break;
      case ExternKind::Table: type = tableText(imp.table); break;
      case ExternKind::Memory: type = memoryText(imp.memory); break;
      case ExternKind::Global: type = globalText(imp.global); break;
    }
    out << "  (import " << quoted(imp.module) << " " << quoted(imp.name) << " (" << type
        << "))\n";
  }
  for (const auto& exp : m.exports) {
    out << "  (export " << quoted(exp.name) << " (" << entityText(m, exp.kind, exp.index)
        << "))\n";
  }
  out << ")\n";
}

}  // namespace

void addInspectCommand(CLI::App& app, int& exitCode) {
  auto path = std::make_shared<std::string>();
  auto features = std::make_shared<jit::wasm::Features>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Print the imports and exports of a module (.wasm or .wat) with their types");
  cmd->add_option("FILE", *path, "module file")->required()->type_name("FILE");
  addFeatureOption(*cmd, *features);
  cmd->callback([path, features, &exitCode] {
    absl::StatusOr<Module> module = loadModule(*path, *features);
    if (!module.ok()) {
      std::cerr << "error: " << module.status().message() << "\n";
      exitCode = 1;
      return;
    }
    printModule(*module, std::cout);
    exitCode = 0;
  });
}

}  // namespace wcr::runtime::cli
