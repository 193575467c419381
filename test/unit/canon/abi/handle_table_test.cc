// canon/abi handle table: index allocation and reuse, and the resource rules of CanonicalABI.md
// with the trap messages the component-model suite asserts.
#include "canon/abi/handle_table.h"

#include <catch2/catch.hpp>
#include <string>

#include "canon/abi/abi_trap.h"

namespace wcr::canon::abi {
namespace {

template <typename T>
std::string trapOf(const absl::StatusOr<T>& r) {
  REQUIRE(!r.ok());
  REQUIRE(isAbiTrap(r.status()));
  return std::string(r.status().message());
}

int instanceA, instanceB;
const ResourceType kR1{&instanceA, "r1", {}};
const ResourceType kR2{&instanceA, "r2", {}};
const ResourceType kHost{nullptr, "host", {}};

TEST_CASE("index 0 is reserved; freed indices are reused most recent first") {
  HandleTable t;
  CHECK(*t.resourceNew(&kR1, 100) == 1);
  CHECK(*t.resourceNew(&kR1, 101) == 2);
  CHECK(*t.resourceNew(&kR1, 102) == 3);
  CHECK(t.resourceDrop(&kR1, 1).ok());
  CHECK(t.resourceDrop(&kR1, 3).ok());
  CHECK(*t.resourceNew(&kR1, 103) == 3);
  CHECK(*t.resourceNew(&kR1, 104) == 1);
  CHECK(*t.resourceNew(&kR1, 105) == 4);
  CHECK(t.liveCount() == 4);
}

TEST_CASE("rep, drop and the unknown-index traps") {
  HandleTable t;
  uint32_t h = *t.resourceNew(&kR1, 42);
  CHECK(*t.resourceRep(&kR1, h) == 42);
  CHECK(trapOf(t.resourceRep(&kR1, 5)) == "unknown handle index 5");
  CHECK(trapOf(t.resourceDrop(&kR1, 0)) == "unknown handle index 0");
  CHECK(trapOf(t.resourceDrop(&kR1, 4294967295u)) == "unknown handle index 4294967295");
  auto dropped = t.resourceDrop(&kR1, h);
  REQUIRE(dropped.ok());
  CHECK(dropped->own);
  CHECK(dropped->rep == 42);
  CHECK(trapOf(t.resourceDrop(&kR1, h)) == "unknown handle index 1");
}

TEST_CASE("resource types are compared by identity") {
  HandleTable t;
  uint32_t h = *t.resourceNew(&kR1, 7);
  CHECK(trapOf(t.resourceDrop(&kR2, h)) ==
        "handle index 1 used with the wrong type, expected guest-defined resource but found a "
        "different guest-defined resource");
  CHECK(trapOf(t.resourceRep(&kHost, h)) ==
        "handle index 1 used with the wrong type, expected host-defined resource but found "
        "guest-defined resource");
  CHECK(*t.resourceRep(&kR1, h) == 7);  // the failed checks left it in place
}

TEST_CASE("lift_own moves the handle out; a lent handle cannot move or drop") {
  HandleTable t;
  uint32_t h = *t.lowerOwn(&kR1, 9);
  {
    Lenders lenders;
    CHECK(*t.liftBorrow(&kR1, h, lenders) == 9);
    CHECK(trapOf(t.resourceDrop(&kR1, h)) == "cannot remove owned resource while borrowed");
    CHECK(trapOf(t.liftOwn(&kR1, h)) == "cannot remove owned resource while borrowed");
  }  // the call returned: the lend is released
  CHECK(*t.liftOwn(&kR1, h) == 9);
  CHECK(trapOf(t.resourceRep(&kR1, h)) == "unknown handle index 1");
}

TEST_CASE("lower_borrow: borrow scopes count live borrows; own resources pass their rep") {
  HandleTable callee;
  BorrowScope scope;
  uint32_t b = *callee.lowerBorrow(&kR1, 11, scope, &instanceB);
  CHECK(scope.numBorrows == 1);
  CHECK(*callee.resourceRep(&kR1, b) == 11);
  CHECK(trapOf(callee.liftOwn(&kR1, b)) == "cannot lift own resource from a borrow");
  HandleTable callee2;
  uint32_t b2 = *callee2.lowerBorrow(&kR1, 12, scope, &instanceB);
  CHECK(scope.numBorrows == 2);
  auto dropped = callee2.resourceDrop(&kR1, b2);
  REQUIRE(dropped.ok());
  CHECK_FALSE(dropped->own);
  CHECK(scope.numBorrows == 1);
  // Borrowing a resource into the instance that implements it passes the rep.
  CHECK(*callee.lowerBorrow(&kR1, 77, scope, &instanceA) == 77);
  CHECK(scope.numBorrows == 1);
}

TEST_CASE("opaque elements share the index space and are kind-checked") {
  HandleTable t;
  int object = 0;
  constexpr auto kWaitable = HandleTable::Kind::FirstObjectKind;
  uint32_t r = *t.resourceNew(&kR1, 1);
  uint32_t o = *t.addObject(kWaitable, &object);
  CHECK(o == r + 1);
  CHECK(*t.getObject(kWaitable, o) == &object);
  CHECK(!t.getObject(kWaitable, r).ok());
  CHECK(!t.resourceRep(&kR1, o).ok());
  CHECK(*t.removeObject(kWaitable, o) == &object);
  CHECK(trapOf(t.getObject(kWaitable, o)) == "unknown handle index 2");
}

}  // namespace
}  // namespace wcr::canon::abi
