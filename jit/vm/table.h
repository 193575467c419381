// Tables: a growable array of references (VMFuncRef* for funcref, opaque host pointers for
// externref; null is 0) behind the VMTable that compiled code reads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "jit/vm/vm_offsets.h"
#include "jit/wasm/types.h"

namespace wcr::jit::vm {

// Implementation limit on table elements (the spec allows 2^32-1; growth past this fails).
inline constexpr uint64_t kMaxTableElements = 10'000'000;

class Table {
 public:
  static absl::StatusOr<std::shared_ptr<Table>> create(const wasm::TableType& type,
                                                       void* init = nullptr);
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  VMTable* vm() { return &vm_; }
  uint64_t size() const { return vm_.size; }
  wasm::ValType elemType() const { return elemType_; }
  // The table's type as an import sees it: the current size as minimum.
  wasm::TableType type() const;

  void* get(uint64_t index) const { return elements_[index]; }
  void set(uint64_t index, void* value) { elements_[index] = value; }
  bool inBounds(uint64_t offset, uint64_t length) const {
    return offset <= vm_.size && length <= vm_.size - offset;
  }

  // table.grow: returns the old size, or -1 past the maximum.
  int64_t grow(uint64_t delta, void* init);

 private:
  Table() = default;

  VMTable vm_;
  wasm::ValType elemType_ = wasm::kFuncRef;
  std::optional<uint64_t> declaredMax_;
  uint64_t maxSize_ = 0;
  std::vector<void*> elements_;
};

}  // namespace wcr::jit::vm
