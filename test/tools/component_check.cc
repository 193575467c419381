// component_check: decodes and validates component binaries with canon/model and prints the
// verdict. `component_check FILE.wasm` prints `ok` or `error: <message>` (exit 0 / 1);
// `component_check --batch FILE...` prints `<file>\t<ok|error: message>` per file (exit 0 when
// all are ok, 1 otherwise), which test/scripts/component_corpus.py uses.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "canon/model/validator.h"

namespace {

std::string verdict(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string("error: cannot read ") + path;
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  auto result = wcr::canon::model::decodeAndValidate(bytes);
  if (!result.ok()) {
    std::string msg(result.status().message());
    for (char& c : msg)
      if (c == '\n' || c == '\t') c = ' ';
    return "error: " + msg;
  }
  return "ok";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: component_check FILE.wasm | --batch FILE...\n");
    return 2;
  }
  bool batch = std::string(argv[1]) == "--batch";
  int status = 0;
  for (int i = batch ? 2 : 1; i < argc; ++i) {
    std::string v = verdict(argv[i]);
    if (v != "ok") status = 1;
    if (batch) {
      std::cout << argv[i] << '\t' << v << '\n';
    } else {
      std::cout << v << '\n';
    }
  }
  return status;
}
