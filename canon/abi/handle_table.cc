// The `handles` table and its resource operations (see handle_table.h).
#include "canon/abi/handle_table.h"

#include "absl/strings/str_format.h"
#include "canon/abi/abi_trap.h"
#include "jit/support/status.h"

namespace wcr::canon::abi {
namespace {

const char* definedBy(const ResourceType* type) {
  return type->hostDefined() ? "host-defined resource" : "guest-defined resource";
}

absl::Status wrongType(uint32_t index, const ResourceType* expected, const ResourceType* found) {
  std::string foundText;
  if (found == nullptr) {
    foundText = "a handle that is not a resource";
  } else if (found->hostDefined() == expected->hostDefined()) {
    foundText = absl::StrFormat("a different %s", definedBy(found));
  } else {
    foundText = definedBy(found);
  }
  return abiTrap(
      absl::StrFormat("handle index %d used with the wrong type, expected %s but "
                      "found %s",
                      index, definedBy(expected), foundText));
}

}  // namespace

void Lenders::releaseAll() {
  for (auto& [table, index] : lent_) table->unlend(index);
  lent_.clear();
}

HandleTable::HandleTable() : slots_(1) {}  // index 0 is reserved

absl::StatusOr<uint32_t> HandleTable::add(Slot slot) {
  uint32_t index;
  if (freeHead_ != 0) {
    index = freeHead_;
    freeHead_ = slots_[index].nextFree;
    slots_[index] = slot;
  } else {
    index = static_cast<uint32_t>(slots_.size());
    if (index > kMaxLength) return abiTrap("handle table is full");
    slots_.push_back(slot);
  }
  ++live_;
  return index;
}

absl::StatusOr<HandleTable::Slot*> HandleTable::get(uint32_t index) {
  if (index >= slots_.size() || slots_[index].kind == Kind::Empty) {
    return abiTrap(absl::StrFormat("unknown handle index %d", index));
  }
  return &slots_[index];
}

void HandleTable::release(uint32_t index) {
  slots_[index] = Slot{};
  slots_[index].nextFree = freeHead_;
  freeHead_ = index;
  --live_;
}

absl::StatusOr<const ResourceHandle*> HandleTable::getResource(const ResourceType* type,
                                                               uint32_t index) {
  WCR_ASSIGN_OR_RETURN(Slot * slot, get(index));
  if (slot->kind != Kind::Resource) return wrongType(index, type, nullptr);
  if (slot->resource.type != type) return wrongType(index, type, slot->resource.type);
  return &slot->resource;
}

absl::StatusOr<uint32_t> HandleTable::resourceNew(const ResourceType* type, uint32_t rep) {
  return lowerOwn(type, rep);
}

absl::StatusOr<uint32_t> HandleTable::resourceRep(const ResourceType* type, uint32_t index) {
  WCR_ASSIGN_OR_RETURN(const ResourceHandle* h, getResource(type, index));
  return h->rep;
}

absl::StatusOr<HandleTable::Dropped> HandleTable::resourceDrop(const ResourceType* type,
                                                               uint32_t index) {
  WCR_ASSIGN_OR_RETURN(const ResourceHandle* h, getResource(type, index));
  if (h->numLends != 0) return abiTrap("cannot remove owned resource while borrowed");
  Dropped dropped{h->own, h->rep};
  if (!h->own && h->borrowScope != nullptr) --h->borrowScope->numBorrows;
  release(index);
  return dropped;
}

absl::StatusOr<uint32_t> HandleTable::liftOwn(const ResourceType* type, uint32_t index) {
  WCR_ASSIGN_OR_RETURN(const ResourceHandle* h, getResource(type, index));
  if (h->numLends != 0) return abiTrap("cannot remove owned resource while borrowed");
  if (!h->own) return abiTrap("cannot lift own resource from a borrow");
  uint32_t rep = h->rep;
  release(index);
  return rep;
}

absl::StatusOr<uint32_t> HandleTable::liftBorrow(const ResourceType* type, uint32_t index,
                                                 Lenders& lenders) {
  WCR_ASSIGN_OR_RETURN(const ResourceHandle* h, getResource(type, index));
  lend(index);
  lenders.add(*this, index);
  return h->rep;
}

absl::StatusOr<uint32_t> HandleTable::lowerOwn(const ResourceType* type, uint32_t rep) {
  Slot slot;
  slot.kind = Kind::Resource;
  slot.resource = ResourceHandle{type, rep, /*own=*/true, nullptr, 0};
  return add(slot);
}

absl::StatusOr<uint32_t> HandleTable::lowerBorrow(const ResourceType* type, uint32_t rep,
                                                  BorrowScope& scope, const void* instance) {
  if (instance != nullptr && type->implementer == instance) return rep;
  Slot slot;
  slot.kind = Kind::Resource;
  slot.resource = ResourceHandle{type, rep, /*own=*/false, &scope, 0};
  WCR_ASSIGN_OR_RETURN(uint32_t index, add(slot));
  ++scope.numBorrows;
  return index;
}

absl::StatusOr<uint32_t> HandleTable::addObject(Kind kind, void* object) {
  Slot slot;
  slot.kind = kind;
  slot.object = object;
  return add(slot);
}

absl::StatusOr<void*> HandleTable::getObject(Kind kind, uint32_t index) const {
  if (index >= slots_.size() || slots_[index].kind == Kind::Empty) {
    return abiTrap(absl::StrFormat("unknown handle index %d", index));
  }
  if (slots_[index].kind != kind) {
    return abiTrap(absl::StrFormat("handle index %d used with the wrong type", index));
  }
  return slots_[index].object;
}

absl::StatusOr<void*> HandleTable::removeObject(Kind kind, uint32_t index) {
  WCR_ASSIGN_OR_RETURN(void* object, getObject(kind, index));
  release(index);
  return object;
}

}  // namespace wcr::canon::abi
