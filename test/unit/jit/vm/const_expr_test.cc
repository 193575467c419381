// Constant expressions and the type registry.
#include "jit/vm/const_expr.h"

#include <catch2/catch.hpp>
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
