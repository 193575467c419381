// Linear memory and tables: reservation, growth, limits.
#include "jit/vm/memory.h"

#include <catch2/catch.hpp>

#include "jit/vm/table.h"

namespace wcr::jit::vm {
namespace {

TEST_CASE("memory grows within its limits", "[vm][memory]") {
  auto memory = Memory::create(wasm::MemoryType{wasm::Limits{1, 3}});
  REQUIRE(memory.ok());
  Memory& m = **memory;
  CHECK(m.pages() == 1);
  CHECK(m.sizeBytes() == kWasmPageSize);
  CHECK(m.vm()->size == kWasmPageSize);
  m.base()[0] = 7;
  m.base()[kWasmPageSize - 1] = 8;

  uint64_t observed = 0;
  m.addSizeObserver(&observed);
  CHECK(observed == kWasmPageSize);
  CHECK(m.grow(0) == 1);
  CHECK(m.grow(2) == 1);
  CHECK(observed == 3 * kWasmPageSize);
  CHECK(m.grow(1) == -1);
  CHECK(m.pages() == 3);
  m.base()[3 * kWasmPageSize - 1] = 9;  // the new pages are writable
  CHECK(m.base()[0] == 7);
  m.removeSizeObserver(&observed);
  CHECK(m.type().limits.min == 3);
  CHECK(m.type().limits.max == 3);
}

TEST_CASE("memory without a maximum stops at 4 GiB", "[vm][memory]") {
  auto memory = Memory::create(wasm::MemoryType{wasm::Limits{0, std::nullopt}});
  REQUIRE(memory.ok());
  Memory& m = **memory;
  CHECK(m.pages() == 0);
  CHECK(m.maxPages() == wasm::kMaxPages32);
  CHECK(m.grow(wasm::kMaxPages32 + 1) == -1);
  CHECK(m.grow(0x8000) == 0);  // 2 GiB: only address space changes hands
  CHECK(m.pages() == 0x8000);
  CHECK(m.inBounds(0x8000 * kWasmPageSize - 4, 4));
  CHECK_FALSE(m.inBounds(0x8000 * kWasmPageSize - 3, 4));
  CHECK_FALSE(m.inBounds(~uint64_t{0}, 1));
}

TEST_CASE("many memories can be reserved", "[vm][memory]") {
  std::vector<std::shared_ptr<Memory>> memories;
  for (int i = 0; i < 64; ++i) {
    auto memory = Memory::create(wasm::MemoryType{wasm::Limits{1, std::nullopt}});
    REQUIRE(memory.ok());
    memories.push_back(*memory);
  }
}

TEST_CASE("tables grow and keep their elements", "[vm][table]") {
  int marker = 0;
  auto table = Table::create(wasm::TableType{wasm::kFuncRef, wasm::Limits{2, 4}});
  REQUIRE(table.ok());
  Table& t = **table;
  CHECK(t.size() == 2);
  CHECK(t.get(0) == nullptr);
  t.set(1, &marker);
  CHECK(t.grow(2, &marker) == 2);
  CHECK(t.vm()->size == 4);
  CHECK(t.vm()->elements[1] == &marker);
  CHECK(t.vm()->elements[3] == &marker);
  CHECK(t.grow(1, nullptr) == -1);
  CHECK(t.inBounds(4, 0));
  CHECK_FALSE(t.inBounds(5, 0));
  CHECK(t.type().limits.min == 4);
}

}  // namespace
}  // namespace wcr::jit::vm
