// component_parse IN.wat OUT.wasm: encodes a `(component ...)` text file with canon/text (used by
// test/scripts/component_text_corpus.py to compare with `jco parse`).
// component_parse --script FILE.wast: parses a component WAST script (component forms and
// component values) and prints what it found per command kind.
// Exit 1 with an `error:` line on failure.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "canon/text/component_parser.h"

namespace {

bool readFile(const char* path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

int parseScriptFile(const char* path) {
  using wcr::jit::text::Command;
  using wcr::jit::text::ScriptModule;
  std::string source;
  if (!readFile(path, source)) {
    std::fprintf(stderr, "error: cannot read %s\n", path);
    return 1;
  }
  auto script = wcr::canon::text::parseComponentScript(source);
  if (!script.ok()) {
    std::fprintf(stderr, "error: %s: %s\n", path, std::string(script.status().message()).c_str());
    return 1;
  }
  size_t components = 0, quoted = 0, coreModules = 0, componentValues = 0;
  std::map<int, size_t> kinds;
  for (const Command& c : script->commands) {
    ++kinds[static_cast<int>(c.kind)];
    if (c.module) {
      if (c.module->kind != ScriptModule::Kind::Component)
        ++coreModules;
      else if (c.module->componentQuote)
        ++quoted;
      else
        ++components;
      if (c.module->componentQuote) {
        // A quoted component must at least be readable; whether it parses is the assertion's.
        (void)wcr::canon::text::parseQuotedComponent(c.module->quote);
      }
    }
    if (c.action) {
      for (const auto& v : c.action->args) componentValues += v.extension != nullptr;
    }
    for (const auto& r : c.expected) componentValues += r.value.extension != nullptr;
  }
  std::printf(
      "%s: %zu commands, %zu components, %zu quoted components, %zu core modules, "
      "%zu component values\n",
      path, script->commands.size(), components, quoted, coreModules, componentValues);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "--script") return parseScriptFile(argv[2]);
  if (argc != 3) {
    std::fprintf(stderr, "usage: component_parse IN.wat OUT.wasm | --script FILE.wast\n");
    return 2;
  }
  std::string source;
  if (!readFile(argv[1], source)) {
    std::fprintf(stderr, "error: cannot read %s\n", argv[1]);
    return 1;
  }
  auto bytes = wcr::canon::text::parseComponentWat(source);
  if (!bytes.ok()) {
    std::fprintf(stderr, "error: %s: %s\n", argv[1], std::string(bytes.status().message()).c_str());
    return 1;
  }
  std::ofstream out(argv[2], std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes->data()),
            static_cast<std::streamsize>(bytes->size()));
  if (!out) {
    std::fprintf(stderr, "error: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
