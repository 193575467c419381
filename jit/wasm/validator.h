// Validation of a decoded Module against the WebAssembly 2.0 typing rules (and the proposals
// enabled in Features, features.h). Messages follow the spec test suite's wording ("type mismatch",
// "unknown function 3", "alignment must not be larger than natural", ...) and say where:
// "func 4 at offset 0x1f3: type mismatch: expected i32, found i64".
#pragma once

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "jit/wasm/features.h"
#include "jit/wasm/module.h"

namespace wcr::jit::wasm {

absl::Status validateModule(const Module& module, const Features& features = {});

// decodeModule + validateModule.
absl::StatusOr<Module> decodeAndValidate(Bytes bytes, const Features& features = {});

}  // namespace wcr::jit::wasm
