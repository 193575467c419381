// Proposal names and the features a script's path implies (see features.h).
#include "jit/wasm/features.h"

#include <array>

namespace wcr::jit::wasm {
namespace {

struct Proposal {
  std::string_view name;
  bool Features::*flag;
};
constexpr std::array<Proposal, 4> kProposals = {{
    {"tail-call", &Features::tailCall},
    {"extended-const", &Features::extendedConst},
    {"multi-memory", &Features::multiMemory},
    {"exception-handling", &Features::exceptions},
}};

}  // namespace

bool enableFeature(Features& features, std::string_view name) {
  if (name == "all") {
    features = Features::all();
    return true;
  }
  for (const Proposal& p : kProposals) {
    if (p.name == name) {
      features.*p.flag = true;
      return true;
    }
  }
  return false;
}

std::string featureNames() {
  std::string out;
  for (const Proposal& p : kProposals) {
    out.append(p.name);
    out.append(", ");
  }
  out.append("all");
  return out;
}

std::optional<Features> featuresForScriptPath(std::string_view path) {
  Features features;
  bool found = false;
  // Every folder of the path (the last component is the file itself).
  for (size_t start = 0, slash; (slash = path.find('/', start)) != std::string_view::npos;
       start = slash + 1) {
    std::string_view folder = path.substr(start, slash - start);
    if (folder == "wasm-3.0") {  // the 3.0 spec suite: every proposal 3.0 merged that we have
      features |= Features::all();
      found = true;
    }
    for (const Proposal& p : kProposals) {
      if (p.name == folder) {
        features.*p.flag = true;
        found = true;
      }
    }
  }
  if (!found) return std::nullopt;
  return features;
}

}  // namespace wcr::jit::wasm
