// `wcr inspect FILE`: prints what a module imports and exports, with their types, in the text
// format's syntax (`(import "env" "f" (func (param i32) (result i32)))`), one per line, so the
// output can be read by people and grepped by scripts. A component is printed as a WIT world:
// `import name: func(x: u32) -> string;`, instances as inline interfaces, types structurally
// (`record { a: u32 }`) where WIT would need a name.
#include <iostream>
#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "canon/model/validator.h"
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
// `tag (param ...)`: a tag's type is a function type without results.
std::string tagText(const jit::wasm::FuncType& type) {
  return "tag" + funcTypeText(type).substr(4);
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
    case ExternKind::Tag:
      return tagText(m.tagType(index));
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
      case ExternKind::Func:
        type = funcTypeText(m.types[imp.funcType]);
        break;
      case ExternKind::Table:
        type = tableText(imp.table);
        break;
      case ExternKind::Memory:
        type = memoryText(imp.memory);
        break;
      case ExternKind::Global:
        type = globalText(imp.global);
        break;
      case ExternKind::Tag:
        type = tagText(m.types[imp.funcType]);
        break;
    }
    out << "  (import " << quoted(imp.module) << " " << quoted(imp.name) << " (" << type << "))\n";
  }
  for (const auto& exp : m.exports) {
    out << "  (export " << quoted(exp.name) << " (" << entityText(m, exp.kind, exp.index) << "))\n";
  }
  out << ")\n";
}

std::string witName(const std::string& name) {
  // Interface names (`ns:pkg/iface@1.0.0`) are printed as they are; plain names are WIT ids.
  return name;
}

void printWitExtern(const canon::model::TypeTable& types, const char* keyword,
                    const std::string& name, const canon::model::ExternType& ext,
                    const std::string& indent, std::ostream& out, int depth);

void printWitInstance(const canon::model::TypeTable& types, canon::model::InstanceTypeId id,
                      const std::string& indent, std::ostream& out, int depth) {
  for (const auto& [name, ext] : types.instance(id).exports) {
    printWitExtern(types, "", name, ext, indent, out, depth + 1);
  }
}

void printWitExtern(const canon::model::TypeTable& types, const char* keyword,
                    const std::string& name, const canon::model::ExternType& ext,
                    const std::string& indent, std::ostream& out, int depth) {
  using canon::model::AnyType;
  using canon::model::ExternType;
  out << indent << keyword << witName(name) << ": ";
  switch (ext.kind) {
    case ExternType::Func:
      out << types.toString(ext.type.func()) << ";\n";
      return;
    case ExternType::Instance:
      if (depth > 8) {
        out << "interface { ... }\n";
        return;
      }
      out << "interface {\n";
      printWitInstance(types, ext.type.instance(), indent + "  ", out, depth);
      out << indent << "}\n";
      return;
    case ExternType::Type:
      if (ext.type.kind == AnyType::Resource) {
        out << "resource;\n";
      } else if (ext.type.kind == AnyType::Value) {
        out << "type = " << types.toString(ext.type.value) << ";\n";
      } else if (ext.type.kind == AnyType::Func) {
        out << "type = " << types.toString(ext.type.func()) << ";\n";
      } else {
        out << "type (" << canon::model::toString(ext.type.kind) << ");\n";
      }
      return;
    case ExternType::Value:
      out << "value " << types.toString(ext.type.value) << ";\n";
      return;
    case ExternType::Module:
      out << "core module;\n";
      return;
    case ExternType::Component:
      out << "component;\n";
      return;
  }
}

void printComponent(const canon::model::Component& c, std::ostream& out) {
  const canon::model::TypeTable& types = *c.info->types;
  const canon::model::ComponentType& ct = types.component(c.info->type);
  out << "world root {\n";
  for (const auto& [name, ext] : ct.imports)
    printWitExtern(types, "import ", name, ext, "  ", out, 0);
  for (const auto& [name, ext] : ct.exports)
    printWitExtern(types, "export ", name, ext, "  ", out, 0);
  out << "}\n";
}

}  // namespace

void addInspectCommand(CLI::App& app, int& exitCode) {
  auto path = std::make_shared<std::string>();
  auto features = std::make_shared<jit::wasm::Features>();
  CLI::App* cmd = app.add_subcommand("inspect",
                                     "Print the imports and exports of a module (text format) or "
                                     "component (WIT) with their types");
  cmd->add_option("FILE", *path, "module file")->required()->type_name("FILE");
  addFeatureOption(*cmd, *features);
  cmd->callback([path, features, &exitCode] {
    absl::StatusOr<std::vector<uint8_t>> bytes = readFile(*path);
    if (bytes.ok() && isComponentFile(*bytes)) {
      absl::StatusOr<canon::model::Component> component = decodeComponentFile(*path, *bytes);
      if (!component.ok()) {
        std::cerr << "error: " << component.status().message() << "\n";
        exitCode = 1;
        return;
      }
      printComponent(*component, std::cout);
      exitCode = 0;
      return;
    }
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
