// Tables: creation, limits, growth.
#include "jit/vm/table.h"

#include <algorithm>

namespace wcr::jit::vm {

absl::StatusOr<std::shared_ptr<Table>> Table::create(const wasm::TableType& type, void* init) {
  if (type.limits.is64) return absl::UnimplementedError("table64 is not supported");
  uint64_t maxSize = std::min(type.limits.max.value_or(wasm::kMaxTableSize), kMaxTableElements);
  if (type.limits.min > maxSize) {
    return absl::ResourceExhaustedError("table size exceeds the implementation limit");
  }
  std::shared_ptr<Table> table(new Table);
  table->elemType_ = type.elem;
  table->declaredMax_ = type.limits.max;
  table->maxSize_ = maxSize;
  table->elements_.assign(type.limits.min, init);
  table->vm_.elements = table->elements_.data();
  table->vm_.size = table->elements_.size();
  return table;
}

wasm::TableType Table::type() const {
  wasm::TableType type;
  type.elem = elemType_;
  type.limits.min = size();
  type.limits.max = declaredMax_;
  return type;
}

int64_t Table::grow(uint64_t delta, void* init) {
  uint64_t old = size();
  if (delta > maxSize_ - old) return -1;
  elements_.resize(old + delta, init);
  vm_.elements = elements_.data();
  vm_.size = elements_.size();
  return static_cast<int64_t>(old);
}

}  // namespace wcr::jit::vm
