// decodeComponent: component binary (Binary.md) -> Component IR (component.h).
//
// Checks everything the binary format defines: the preamble, section ids and sizes, LEB128s,
// UTF-8, every opcode and leading byte, counts that must be consumed exactly; embedded core
// modules go through jit::wasm's decoder. Errors are "malformed" errors worded as wasmparser
// words them (the component-model suite's binary.wast expects these substrings), prefixed by
// the absolute byte offset: "at offset 0x1c: invalid leading byte (0x62) for component defined
// type". Typing rules are the validator's (validator.h).
//
// Hostile input: counts are checked against the bytes left before anything is reserved, and
// nesting (components in components, types in types) is bounded, so neither memory nor stack
// grows with a forged count or depth.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "canon/model/component.h"

namespace wcr::canon::model {

// True when `bytes` start with the component preamble's magic and layer (a component, not a core
// module).
bool isComponentBinary(absl::Span<const uint8_t> bytes);

absl::StatusOr<Component> decodeComponent(absl::Span<const uint8_t> bytes);

}  // namespace wcr::canon::model
