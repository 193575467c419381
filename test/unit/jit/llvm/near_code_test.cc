// JIT code is placed near the binary (jit/llvm/near_code_mapper.h): within 2 GiB of this test
// executable's code, for many modules alive at once and again after they are freed, and the
// code runs.
#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <vector>

#include "jit/llvm/llvm_compiler.h"
#include "jit/text/parser.h"
#include "jit/wasm/validator.h"

using namespace wcr::jit;

namespace {

void anchorInThisBinary() {}

int32_t run(const vm::CompiledCode& code) {
  alignas(16) uint8_t vmctx[256] = {};  // stack limit 0: the prologue check passes
  vm::ValRaw values[1] = {};
  code.entryTrampoline(0)(code.functionCode(0), vmctx, values);
  return values[0].i32;
}

uint64_t distance(const void* a, const void* b) {
  auto x = reinterpret_cast<uintptr_t>(a), y = reinterpret_cast<uintptr_t>(b);
  return x > y ? x - y : y - x;
}

}  // namespace

TEST_CASE("llvm: JIT code lies within 2 GiB of the binary", "[llvm][memory]") {
  const void* self = reinterpret_cast<const void*>(&anchorInThisBinary);
  if (reinterpret_cast<uintptr_t>(self) < (uintptr_t{2} << 30)) {
    WARN("the test binary is mapped below 2 GiB (not PIE): nothing below it to place code in");
    return;
  }
  auto bytes = text::parseWat("(module (func (export \"f\") (result i32) (i32.const 7)))");
  REQUIRE(bytes.ok());
  auto module = wasm::decodeAndValidate(wasm::Bytes(bytes->data(), bytes->size()));
  REQUIRE(module.ok());
  auto compiler = llvm::createLlvmCompiler();
  for (int round = 0; round < 2; ++round) {  // the second round reuses freed space
    std::vector<std::shared_ptr<vm::CompiledCode>> alive;
    for (int i = 0; i < 200; ++i) {
      auto code = compiler->compile(*module, vm::CompileOptions{});
      REQUIRE(code.ok());
      CHECK(distance((*code)->functionCode(0), self) < (uint64_t{2} << 30));
      CHECK(run(**code) == 7);
      alive.push_back(*std::move(code));
    }
  }
}
