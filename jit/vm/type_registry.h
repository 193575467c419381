// The engine-wide signature registry: every distinct function type gets one uint32 id, so that
// call_indirect and import checks compare types by one integer (VMContext typeIds, VMFuncRef).
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "jit/wasm/types.h"

namespace wcr::jit::vm {

class TypeRegistry {
 public:
  // Ids start at 1, so a zeroed id is never a valid one. Thread safe.
  uint32_t intern(const wasm::FuncType& type);
  // The type of an id returned by intern().
  wasm::FuncType type(uint32_t id) const;

 private:
  static std::string key(const wasm::FuncType& type);

  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, uint32_t> ids_;
  std::vector<wasm::FuncType> types_;
};

}  // namespace wcr::jit::vm
