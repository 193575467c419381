// wcr::Module: a core WebAssembly module, decoded, validated and compiled by an Engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wcr/engine.h"
#include "wcr/result.h"
#include "wcr/val.h"

namespace wcr {

struct FuncType {
  std::vector<ValKind> params;
  std::vector<ValKind> results;
  bool operator==(const FuncType&) const = default;
};

enum class ExternKind : uint8_t { Func, Table, Memory, Global };

struct ImportType {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  FuncType func;  // kind == Func
};

struct ExportType {
  std::string name;
  ExternKind kind = ExternKind::Func;
  FuncType func;  // kind == Func
};

class Module {
 public:
  // Binary (`\0asm`) or text format, told apart by the content. Compiles the module, or loads
  // its code from the engine's cache.
  static Result<Module> fromBytes(const Engine& engine, const uint8_t* data, size_t size);
  static Result<Module> fromFile(const Engine& engine, const std::string& path);

  std::vector<ImportType> imports() const;
  std::vector<ExportType> exports() const;

  struct Impl;
  const std::shared_ptr<const Impl>& impl() const { return impl_; }

 private:
  explicit Module(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace wcr
