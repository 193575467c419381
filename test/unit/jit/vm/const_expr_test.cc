// Constant expressions and the type registry.
#include "jit/vm/const_expr.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "jit/vm/type_registry.h"

namespace wcr::jit::vm {
namespace {

absl::StatusOr<ValRaw> eval(const std::vector<uint8_t>& bytes) {
  wasm::ConstExpr expr{wasm::Bytes(bytes.data(), bytes.size()), 0};
  static int funcMarker[8];
  auto global = [](uint32_t index) {
    ValRaw v{};
    v.i64 = 1000 + index;
    return v;
  };
  auto funcRef = [](uint32_t index) -> void* { return &funcMarker[index]; };
  return evalConstExpr(expr, ConstExprEnv{global, funcRef});
}

TEST_CASE("constant expressions evaluate", "[vm][const]") {
  CHECK(eval({0x41, 0x2A, 0x0B})->i32 == 42);
  CHECK(eval({0x41, 0x7F, 0x0B})->i32 == -1);
  CHECK(eval({0x42, 0x80, 0x01, 0x0B})->i64 == 128);
  CHECK(eval({0x43, 0x00, 0x00, 0x80, 0x3F, 0x0B})->f32Bits == 0x3F800000u);
  CHECK(eval({0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x0B})->f64Bits == 0x3FF0000000000000ull);
  CHECK(eval({0x23, 0x03, 0x0B})->i64 == 1003);
  CHECK(eval({0xD0, 0x70, 0x0B})->ref == nullptr);
  CHECK(eval({0xD2, 0x02, 0x0B})->ref != nullptr);
  CHECK(eval({0xD2, 0x02, 0x0B})->ref != eval({0xD2, 0x01, 0x0B})->ref);
  // Extended constant expressions: 5 + 7 * 3.
  CHECK(eval({0x41, 0x05, 0x41, 0x07, 0x41, 0x03, 0x6C, 0x6A, 0x0B})->i32 == 26);
  std::vector<uint8_t> v128 = {0xFD, 0x0C};
  for (int i = 0; i < 16; ++i) v128.push_back(static_cast<uint8_t>(i));
  v128.push_back(0x0B);
  auto value = eval(v128);
  REQUIRE(value.ok());
  CHECK(value->v128[15] == 15);
  CHECK_FALSE(eval({0x01, 0x0B}).ok());  // nop is not constant
}

TEST_CASE("extended constant expressions wrap like the instructions", "[vm][const]") {
  // i32: 0x7fffffff + 1 wraps; 3 - 5 = -2; 0x10000 * 0x10000 = 0.
  CHECK(eval({0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x41, 0x01, 0x6A, 0x0B})->i32 == INT32_MIN);
  CHECK(eval({0x41, 0x03, 0x41, 0x05, 0x6B, 0x0B})->i32 == -2);
  CHECK(eval({0x41, 0x80, 0x80, 0x04, 0x41, 0x80, 0x80, 0x04, 0x6C, 0x0B})->i32 == 0);
  // i64: (global 2 = 1002) * 3 - 6 = 3000; INT64_MIN - 1 wraps.
  CHECK(eval({0x23, 0x02, 0x42, 0x03, 0x7E, 0x42, 0x06, 0x7D, 0x0B})->i64 == 3000);
  CHECK(eval({0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F, 0x42, 0x01, 0x7D,
              0x0B})->i64 == INT64_MAX);
  // Nested: (i32.add (i32.mul (i32.const 20) (i32.const 2)) (i32.sub (i32.const 4) (i32.const 2)))
  CHECK(eval({0x41, 0x14, 0x41, 0x02, 0x6C, 0x41, 0x04, 0x41, 0x02, 0x6B, 0x6A, 0x0B})->i32 == 42);
  // Other arithmetic stays unsupported.
  CHECK_FALSE(eval({0x41, 0x01, 0x41, 0x01, 0x6D, 0x0B}).ok());
}

TEST_CASE("the type registry gives one id per signature", "[vm][types]") {
  TypeRegistry registry;
  wasm::FuncType a{{wasm::kI32, wasm::kI64}, {wasm::kF32}};
  wasm::FuncType b{{wasm::kI32}, {wasm::kI64, wasm::kF32}};
  wasm::FuncType empty;
  uint32_t ia = registry.intern(a);
  CHECK(ia != 0);
  CHECK(registry.intern(a) == ia);
  CHECK(registry.intern(b) != ia);
  CHECK(registry.intern(empty) != ia);
  CHECK(registry.intern(empty) != registry.intern(b));
  CHECK(registry.type(ia) == a);
}

}  // namespace
}  // namespace wcr::jit::vm
