// Reading input files for the subcommands (see commands.h).
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "canon/model/decoder.h"
#include "canon/model/validator.h"
#include "canon/text/component_parser.h"
#include "jit/llvm/artifact.h"
#include "jit/text/parser.h"
#include "jit/wasm/decoder.h"
#include "jit/wasm/validator.h"
#include "runtime/cli/commands.h"

namespace wcr::runtime::cli {

absl::StatusOr<std::vector<uint8_t>> readFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  std::vector<uint8_t> bytes;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  if (size > 0) bytes.reserve(static_cast<size_t>(size));
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return bytes;
}

bool isBinaryModule(const std::vector<uint8_t>& bytes, const std::string& path) {
  if (bytes.empty()) return std::filesystem::path(path).extension() != ".wat";
  return bytes[0] == 0x00;
}

absl::StatusOr<jit::wasm::Module> loadModule(const std::string& path,
                                             const jit::wasm::Features& features) {
  absl::StatusOr<std::vector<uint8_t>> file = readFile(path);
  if (!file.ok()) return file.status();
  return decodeModuleFile(path, *std::move(file), features);
}

absl::StatusOr<jit::wasm::Module> decodeModuleFile(const std::string& path,
                                                   std::vector<uint8_t> contents,
                                                   const jit::wasm::Features& features) {
  if (jit::llvm::isArtifact(contents)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        ": is a precompiled artifact (made by `wcr compile`), not a module; `wcr run` runs it"));
  }
  auto bytes = std::make_shared<const std::vector<uint8_t>>(std::move(contents));
  auto withPath = [&path](const absl::Status& st) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", st.message()));
  };
  if (!isBinaryModule(*bytes, path)) {
    std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    absl::StatusOr<std::vector<uint8_t>> encoded = jit::text::parseWat(text);
    if (!encoded.ok()) return withPath(encoded.status());
    bytes = std::make_shared<const std::vector<uint8_t>>(*std::move(encoded));
  }
  absl::StatusOr<jit::wasm::Module> module = jit::wasm::decodeModule(bytes);
  if (!module.ok()) return withPath(module.status());
  absl::Status valid = jit::wasm::validateModule(*module, features);
  if (!valid.ok()) return withPath(valid);
  return module;
}

bool isComponentFile(const std::vector<uint8_t>& bytes) {
  if (canon::model::isComponentBinary(bytes)) return true;
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
    } else if (text.substr(i, 2) == ";;") {
      size_t end = text.find('\n', i);
      i = end == std::string_view::npos ? text.size() : end + 1;
    } else if (text.substr(i, 2) == "(;") {
      size_t end = text.find(";)", i + 2);  // nested block comments are rare in headers
      i = end == std::string_view::npos ? text.size() : end + 2;
    } else {
      break;
    }
  }
  text.remove_prefix(std::min(i, text.size()));
  if (text.substr(0, 1) != "(") return false;
  text.remove_prefix(1);
  while (!text.empty() && (text[0] == ' ' || text[0] == '\t' || text[0] == '\n')) {
    text.remove_prefix(1);
  }
  return text.substr(0, 9) == "component" &&
         (text.size() == 9 || !std::isalnum(static_cast<unsigned char>(text[9])));
}

absl::StatusOr<canon::model::Component> decodeComponentFile(const std::string& path,
                                                            const std::vector<uint8_t>& contents) {
  auto withPath = [&path](const absl::Status& st) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", st.message()));
  };
  std::vector<uint8_t> encoded;
  absl::Span<const uint8_t> bytes = contents;
  if (!canon::model::isComponentBinary(contents)) {
    std::string_view text(reinterpret_cast<const char*>(contents.data()), contents.size());
    absl::StatusOr<std::vector<uint8_t>> parsed = canon::text::parseComponentWat(text);
    if (!parsed.ok()) return withPath(parsed.status());
    encoded = *std::move(parsed);
    bytes = encoded;
  }
  absl::StatusOr<canon::model::Component> component = canon::model::decodeAndValidate(bytes);
  if (!component.ok()) return withPath(component.status());
  return component;
}

void addFeatureOption(CLI::App& cmd, jit::wasm::Features& features) {
  auto known = [](std::string& name) -> std::string {
    jit::wasm::Features ignored;
    if (jit::wasm::enableFeature(ignored, name)) return {};
    return absl::StrCat("unknown proposal '", name, "' (known: ", jit::wasm::featureNames(), ")");
  };
  cmd.add_option_function<std::vector<std::string>>(
         "--enable",
         [&features](const std::vector<std::string>& names) {
           for (const std::string& name : names) jit::wasm::enableFeature(features, name);
         },
         absl::StrCat("let modules use a WebAssembly proposal beyond 2.0 (repeatable): ",
                      jit::wasm::featureNames()))
      ->type_name("PROPOSAL")
      ->allow_extra_args(false)  // `--enable tail-call FILE`: FILE is not a proposal
      ->delimiter(',')
      ->check(CLI::Validator(known, ""));
}

}  // namespace wcr::runtime::cli
