// The engine-wide signature registry.
#include "jit/vm/type_registry.h"

namespace wcr::jit::vm {

std::string TypeRegistry::key(const wasm::FuncType& type) {
  std::string out;
  out.reserve(type.params.size() + type.results.size() + 1);
  for (wasm::ValType t : type.params) out.push_back(static_cast<char>(t.toByte()));
  out.push_back('\0');  // no value type encodes as 0, so the split is unambiguous
  for (wasm::ValType t : type.results) out.push_back(static_cast<char>(t.toByte()));
  return out;
}

uint32_t TypeRegistry::intern(const wasm::FuncType& type) {
  std::string k = key(type);
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, inserted] = ids_.try_emplace(std::move(k), static_cast<uint32_t>(types_.size() + 1));
  if (inserted) types_.push_back(type);
  return it->second;
}

wasm::FuncType TypeRegistry::type(uint32_t id) const {
  std::lock_guard<std::mutex> lock(mu_);
  return id >= 1 && id <= types_.size() ? types_[id - 1] : wasm::FuncType{};
}

}  // namespace wcr::jit::vm
