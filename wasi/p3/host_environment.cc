// The guest's arguments and environment variables: validation and inheritance from the host.
#include "wasi/p3/host_environment.h"

#include <unistd.h>

#include "absl/strings/str_format.h"

extern char** environ;

namespace wcr::wasi::p3 {

absl::Status Environment::validate() const {
  for (size_t i = 0; i < arguments.size(); ++i) {
    if (arguments[i].find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrFormat("argument %d contains a NUL byte", i));
    }
  }
  for (const auto& [name, value] : variables) {
    if (name.empty() || name.find('=') != std::string::npos ||
        name.find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "environment variable name \"%s\" must be non-empty, without '=' or NUL", name));
    }
    if (value.find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrFormat("environment variable %s: value contains a NUL byte", name));
    }
  }
  return absl::OkStatus();
}

void Environment::inheritHostVariables() {
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string text = *entry;
    size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    variables.emplace_back(text.substr(0, eq), text.substr(eq + 1));
  }
}

}  // namespace wcr::wasi::p3
