// component_parse IN.wat OUT.wasm: encodes a `(component ...)` text file with canon/text (used by
// test/scripts/component_text_corpus.py to compare with `jco parse`). Exit 1 with an `error:` line
// on failure.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "canon/text/component_parser.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: component_parse IN.wat OUT.wasm\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "error: cannot read %s\n", argv[1]);
    return 1;
  }
  std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bytes = wcr::canon::text::parseComponentWat(source);
  if (!bytes.ok()) {
    std::fprintf(stderr, "error: %s: %s\n", argv[1], std::string(bytes.status().message()).c_str());
    return 1;
  }
  std::ofstream out(argv[2], std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes->data()), static_cast<std::streamsize>(bytes->size()));
  if (!out) {
    std::fprintf(stderr, "error: cannot write %s\n", argv[2]);
    return 1;
  }
  return 0;
}
