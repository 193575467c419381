// The guest's command-line environment, shared by WASI 0.3 (wasi:cli/environment) and preview1:
// its arguments (the first is the program name) and its environment variables. The embedder
// decides all of it; nothing of the host process leaks in unless it asks (inheritHostVariables).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace wcr::wasi::p3 {

struct Environment {
  std::vector<std::string> arguments;
  std::vector<std::pair<std::string, std::string>> variables;  // (name, value), in order

  // Arguments and variables cross into C strings: no NUL bytes anywhere, and a name is
  // non-empty and holds no '='. InvalidArgument names the offending entry.
  absl::Status validate() const;
  // Appends the host process's variables (after those already present).
  void inheritHostVariables();
};

}  // namespace wcr::wasi::p3
