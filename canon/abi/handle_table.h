// The per-component-instance `handles` table of CanonicalABI.md (Table, ResourceHandle) and the
// resource operations on it: resource.new / .rep / .drop, lift_own, lift_borrow, lower_own,
// lower_borrow, with the dynamic borrow rules (lend counts, borrow scopes).
//
// Decisions:
// - One table per component instance holds every kind of handle, as the spec says; index 0 is
//   reserved and the limit is 2^28 - 1. Free slots form a free list threaded through the slots
//   themselves (the "optimizing implementation" the spec suggests), most recently freed first,
//   as the spec's Python list pops.
// - Resource types are compared by identity (a ResourceType object per defining instance).
// - Destructors are not called here: resourceDrop reports the representation of a dropped own
//   handle and the caller (canon/link) runs the destructor with the lifting rules of a call.
// - Elements other than resource handles (waitables, waitable sets, error contexts, stream and
//   future ends of the async ABI) are stored as an opaque object with a kind tag, so the async
//   layer extends the table without changing it.
// - Traps use Wasmtime's wording, which the component-model suite asserts.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace wcr::canon::abi {

// CanonicalABI.md's ResourceType: the identity of a resource type at run time.
struct ResourceType {
  const void* implementer = nullptr;  // the defining component instance; null when host-defined
  std::string name;                   // for messages
  // Host-defined resources: called with the rep when a guest drops an own handle.
  std::function<void(uint32_t rep)> hostDrop;
  bool hostDefined() const { return implementer == nullptr; }
};

// The borrow bookkeeping of one call (a Task): how many borrow handles it received that are
// still live in the callee's table; the call may not finish while any remains.
struct BorrowScope {
  uint32_t numBorrows = 0;
};

class HandleTable;

// The handles lent for one subtask (lift_borrow's add_lender); released when the call returns.
class Lenders {
 public:
  void add(HandleTable& table, uint32_t index) { lent_.emplace_back(&table, index); }
  // Decrements every lend count (the subtask resolved).
  void releaseAll();
  ~Lenders() { releaseAll(); }

 private:
  std::vector<std::pair<HandleTable*, uint32_t>> lent_;
};

struct ResourceHandle {
  const ResourceType* type = nullptr;
  uint32_t rep = 0;
  bool own = false;
  BorrowScope* borrowScope = nullptr;  // borrow handles only
  uint32_t numLends = 0;
};

class HandleTable {
 public:
  static constexpr uint32_t kMaxLength = (1u << 28) - 1;

  // Kinds of the opaque (async) elements are numbered from here.
  enum class Kind : uint8_t { Empty, Resource, FirstObjectKind };

  HandleTable();

  // --- Resource operations, named after CanonicalABI.md's functions ---
  absl::StatusOr<uint32_t> resourceNew(const ResourceType* type, uint32_t rep);
  absl::StatusOr<uint32_t> resourceRep(const ResourceType* type, uint32_t index);
  struct Dropped {
    bool own = false;  // an own handle: the caller runs the type's destructor on `rep`
    uint32_t rep = 0;
  };
  absl::StatusOr<Dropped> resourceDrop(const ResourceType* type, uint32_t index);
  // Moves an own handle out of this table (lifting `own<T>`); returns its rep.
  absl::StatusOr<uint32_t> liftOwn(const ResourceType* type, uint32_t index);
  // Reads the rep of a handle lent for the duration of a call (lifting `borrow<T>`).
  absl::StatusOr<uint32_t> liftBorrow(const ResourceType* type, uint32_t index, Lenders& lenders);
  absl::StatusOr<uint32_t> lowerOwn(const ResourceType* type, uint32_t rep);
  // `instance` is the lowering component instance: a borrow of its own resource is passed as
  // the rep itself (the spec's shortcut).
  absl::StatusOr<uint32_t> lowerBorrow(const ResourceType* type, uint32_t rep, BorrowScope& scope,
                                       const void* instance);

  // --- Opaque elements of the async ABI ---
  absl::StatusOr<uint32_t> addObject(Kind kind, void* object);
  absl::StatusOr<void*> getObject(Kind kind, uint32_t index) const;
  absl::StatusOr<void*> removeObject(Kind kind, uint32_t index);

  // Lend counts, for Lenders.
  void lend(uint32_t index) { ++slots_[index].resource.numLends; }
  void unlend(uint32_t index) { --slots_[index].resource.numLends; }

  // Live elements (for tests and for dropping everything when an instance goes away).
  size_t liveCount() const { return live_; }

 private:
  struct Slot {
    Kind kind = Kind::Empty;
    uint32_t nextFree = 0;  // Empty slots: the next free index, 0 ends the list
    ResourceHandle resource;
    void* object = nullptr;
  };

  absl::StatusOr<uint32_t> add(Slot slot);
  absl::StatusOr<Slot*> get(uint32_t index);
  absl::StatusOr<const ResourceHandle*> getResource(const ResourceType* type, uint32_t index);
  void release(uint32_t index);

  std::vector<Slot> slots_;
  uint32_t freeHead_ = 0;
  size_t live_ = 0;
};

}  // namespace wcr::canon::abi
