// decodeModule: binary format -> Module, checking everything the binary format defines
// (section order and sizes, LEB128s, UTF-8 names, counts that must agree). Typing rules are the
// validator's (validator.h); validateModule runs both.
//
// Decision: function bodies are not decoded here (module.h: they are streamed on demand). Their
// binary-format errors (locals, opcodes, immediates, the final `end`, "data count section
// required") are reported by validateModule, which reads each body once and reports such a
// malformed-body error in preference to any typing error, as the spec's decoder-first order does.
// Constant expressions are decoded here since their extent is only known by reading them.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "jit/wasm/module.h"

namespace wcr::jit::wasm {

// Takes shared ownership of the bytes; the returned Module points into them.
absl::StatusOr<Module> decodeModule(std::shared_ptr<const std::vector<uint8_t>> bytes);

// Convenience: copies `bytes`.
absl::StatusOr<Module> decodeModule(Bytes bytes);

// Function body locals: the expanded list of declared locals (not params) and the offset of the
// first instruction within `body`. Errors: "too many locals", "unexpected end".
struct BodyLocals {
  std::vector<std::pair<uint32_t, ValType>> runs;  // (count, type) as declared
  uint64_t total = 0;
  size_t codeStart = 0;  // index into Function::body where instructions begin
};
absl::StatusOr<BodyLocals> decodeLocals(const Function& func);
// Same, reusing `out`'s storage (the validator calls it once per function).
absl::Status decodeLocals(const Function& func, BodyLocals& out);

}  // namespace wcr::jit::wasm
