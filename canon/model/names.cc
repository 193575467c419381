// Import/export names (Explainer.md "Import and Export Definitions"): kebab-case labels, plain
// names with [constructor]/[method]/[static] annotations, interface names with semver versions,
// strong uniqueness, and the labels of records, variants, flags, enums and parameters.
#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "canon/model/validator_impl.h"

namespace wcr::canon::model::internal {
namespace {

bool isLower(char c) { return c >= 'a' && c <= 'z'; }
bool isUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool isDigit(char c) { return c >= '0' && c <= '9'; }

// `words` of an interface name's namespace and package: lowercase words only.
bool isWords(std::string_view s) {
  if (s.empty()) return false;
  bool first = true;
  size_t i = 0;
  while (true) {
    size_t j = s.find('-', i);
    std::string_view w = s.substr(i, j == std::string_view::npos ? s.size() - i : j - i);
    if (w.empty()) return false;
    if (first && !isLower(w[0])) return false;
    for (char c : w)
      if (!isLower(c) && !isDigit(c)) return false;
    first = false;
    if (j == std::string_view::npos) return true;
    i = j + 1;
  }
}

std::string kebabError(std::string_view s) {
  return absl::StrCat("`", std::string(s), "` is not in kebab case");
}

// A strict semver (https://semver.org): the reason when invalid, else empty.
std::string checkSemver(std::string_view v) {
  if (v.empty()) return "empty string";
  size_t i = 0;
  auto unexpected = [&](size_t at) {
    return at >= v.size() ? std::string("unexpected end of input")
                          : absl::StrCat("unexpected character '", std::string(1, v[at]),
                                         "' while parsing version");
  };
  for (int part = 0; part < 3; ++part) {
    if (i >= v.size()) return "unexpected end of input";
    if (!isDigit(v[i])) return unexpected(i);
    size_t start = i;
    while (i < v.size() && isDigit(v[i])) ++i;
    if (i - start > 1 && v[start] == '0') return "invalid leading zero";
    if (part < 2) {
      if (i >= v.size()) return "unexpected end of input";
      if (v[i] != '.') return unexpected(i);
      ++i;
    }
  }
  auto identifiers = [&](bool pre) -> std::string {
    while (true) {
      size_t start = i;
      while (i < v.size() && (std::isalnum(static_cast<unsigned char>(v[i])) || v[i] == '-')) ++i;
      if (i == start) return "empty identifier segment";
      if (pre) {
        std::string_view seg = v.substr(start, i - start);
        bool numeric = true;
        for (char c : seg) numeric &= isDigit(c);
        if (numeric && seg.size() > 1 && seg[0] == '0') return "invalid leading zero";
      }
      if (i < v.size() && v[i] == '.') {
        ++i;
        continue;
      }
      return "";
    }
  };
  if (i < v.size() && v[i] == '-') {
    ++i;
    std::string e = identifiers(true);
    if (!e.empty()) return e;
  }
  if (i < v.size() && v[i] == '+') {
    ++i;
    std::string e = identifiers(false);
    if (!e.empty()) return e;
  }
  if (i < v.size()) return unexpected(i);
  return "";
}

}  // namespace

bool isCanonVersion(std::string_view v) {
  auto number = [](std::string_view n) {
    if (n.empty() || n[0] == '0') return false;
    for (char c : n)
      if (!isDigit(c)) return false;
    return true;
  };
  if (v == "0.0.0") return true;
  if (v.substr(0, 4) == "0.0.") return number(v.substr(4));
  if (v.substr(0, 2) == "0.") return number(v.substr(2));
  return number(v);
}

std::string checkVersionSuffix(std::string_view name, std::string_view suffix) {
  size_t at = name.rfind('@');
  if (name.find(':') == std::string_view::npos || at == std::string_view::npos ||
      !isCanonVersion(name.substr(at + 1))) {
    return "a `versionsuffix` requires an interface name with a canonical version";
  }
  for (char c : suffix) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '+' && c != '-') {
      return absl::StrCat("invalid character in `versionsuffix` `", std::string(suffix), "`");
    }
  }
  std::string full = absl::StrCat(std::string(name.substr(at + 1)), std::string(suffix));
  std::string e = checkSemver(full);
  if (!e.empty()) return absl::StrCat("version `", full, "` is not a valid semver: ", e);
  return "";
}

namespace {

std::string checkInterfaceName(std::string_view name) {
  size_t colon = name.find(':');
  std::string_view ns = name.substr(0, colon);
  std::string_view rest = name.substr(colon + 1);
  if (!isKebab(ns)) return kebabError(ns);
  if (!isWords(ns)) return absl::StrCat("`", std::string(ns), "` is not lowercase in namespace");
  size_t slash = rest.find('/');
  size_t colon2 = rest.find(':');
  if (colon2 != std::string_view::npos && (slash == std::string_view::npos || colon2 < slash)) {
    return "expected `/` after package name";
  }
  std::string_view pkg = rest.substr(0, slash);
  if (!isKebab(pkg)) return kebabError(pkg);
  if (!isWords(pkg))
    return absl::StrCat("`", std::string(pkg), "` is not lowercase in package name");
  if (slash == std::string_view::npos) return "expected `/` after package name";
  std::string_view tail = rest.substr(slash + 1);
  size_t at = tail.find('@');
  std::string_view iface = tail.substr(0, at);
  size_t slash2 = iface.find('/');
  if (slash2 != std::string_view::npos) {
    std::string_view first = iface.substr(0, slash2);
    if (!isKebab(first)) return kebabError(first);
    return absl::StrCat("trailing characters found: `", std::string(iface.substr(slash2)), "`");
  }
  if (!isKebab(iface)) return kebabError(iface);
  if (at != std::string_view::npos) {
    std::string_view version = tail.substr(at + 1);
    // 🔗 a canonical version ("1", "0.2", "0.0.3") is an interface version of its own.
    if (isCanonVersion(version)) return "";
    std::string e = checkSemver(version);
    if (!e.empty()) return e;
  }
  return "";
}

}  // namespace

bool isKebab(std::string_view s) {
  if (s.empty()) return false;
  size_t i = 0;
  bool first = true;
  while (true) {
    size_t j = s.find('-', i);
    std::string_view w = s.substr(i, j == std::string_view::npos ? s.size() - i : j - i);
    if (w.empty()) return false;
    if (first && !isLower(w[0]) && !isUpper(w[0])) return false;
    bool lower = true, upper = true;
    for (char c : w) {
      lower &= isLower(c) || isDigit(c);
      upper &= isUpper(c) || isDigit(c);
    }
    if (!lower && !upper) return false;
    first = false;
    if (j == std::string_view::npos) return true;
    i = j + 1;
  }
}

Annotation parseAnnotation(std::string_view name) {
  Annotation a;
  auto take = [&](std::string_view prefix, Annotation::Kind kind) {
    if (name.substr(0, prefix.size()) != prefix) return false;
    a.kind = kind;
    std::string_view rest = name.substr(prefix.size());
    a.resource =
        std::string(kind == Annotation::Constructor ? rest : rest.substr(0, rest.find('.')));
    return true;
  };
  take("[constructor]", Annotation::Constructor) || take("[method]", Annotation::Method) ||
      take("[static]", Annotation::Static);
  return a;
}

std::string checkExternName(std::string_view name) {
  if (name.find(':') != std::string_view::npos) return checkInterfaceName(name);
  if (!name.empty() && name[0] == '[') {
    for (std::string_view prefix : {"[method]", "[static]"}) {
      if (name.substr(0, prefix.size()) != prefix) continue;
      std::string_view rest = name.substr(prefix.size());
      size_t dot = rest.find('.');
      if (dot == std::string_view::npos) return "failed to find `.` character";
      std::string_view res = rest.substr(0, dot), fn = rest.substr(dot + 1);
      if (!isKebab(res)) return kebabError(res);
      if (!isKebab(fn)) return kebabError(fn);
      return "";
    }
    std::string_view prefix = "[constructor]";
    if (name.substr(0, prefix.size()) == prefix) {
      std::string_view res = name.substr(prefix.size());
      return isKebab(res) ? "" : kebabError(res);
    }
    return absl::StrCat("unknown annotation in `", std::string(name), "`");
  }
  return isKebab(name) ? "" : kebabError(name);
}

std::string uniquenessKey(std::string_view name) {
  std::string s = absl::AsciiStrToLower(std::string(name));
  for (std::string_view prefix : {"[method]", "[static]"}) {
    if (s.rfind(prefix, 0) != 0) continue;
    std::string rest = s.substr(prefix.size());
    size_t dot = rest.find('.');
    if (dot != std::string::npos && rest.substr(0, dot) == rest.substr(dot + 1)) {
      return rest.substr(0, dot);
    }
    return rest;
  }
  return s;
}

absl::Status checkLabels(const std::vector<std::string>& labels, const char* what,
                         const char* previous, size_t offset) {
  absl::flat_hash_map<std::string, size_t> seen;  // lower-cased label -> first index
  seen.reserve(labels.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    const std::string& l = labels[i];
    if (l.empty()) return errorAt(offset, "%s name cannot be empty", what);
    if (!isKebab(l)) return errorAt(offset, "%s name `%s` is not in kebab case", what, l);
    auto [it, inserted] = seen.emplace(absl::AsciiStrToLower(l), i);
    if (!inserted) {
      return errorAt(offset, "%s name `%s` conflicts with previous %s name `%s`", what, l, previous,
                     labels[it->second]);
    }
  }
  return absl::OkStatus();
}

}  // namespace wcr::canon::model::internal
