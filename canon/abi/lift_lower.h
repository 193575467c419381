// Lifting and lowering of component values (CanonicalABI.md "Loading", "Storing", "Flat
// Lifting", "Flat Lowering", "Lifting and Lowering Values"): load/store in linear memory,
// lift_flat/lower_flat over core values, and lift_flat_values/lower_flat_values with the
// MAX_FLAT spill to memory. Every trap of those sections, in the suite's wording.
//
// Decisions:
// - Driven by the model's types and their CanonicalAbiInfo (canon/model): sizes, alignments,
//   flat lists and variant payload offsets are looked up, never recomputed here.
// - Core values are jit::vm::ValRaw slots, the form calls into compiled code take. Because the
//   slot is a little-endian union, the reinterpretations `join` needs when lifting a variant
//   (i32 as f32, the low half of an i64) read the same slot; lowering zero-fills each slot so
//   32-bit payloads widened to i64 are zero-extended, as the spec does.
// - NaNs are canonicalized on lifting and lowered canonical (the deterministic profile).
// - Streams, futures and error contexts (the async ABI) are reported as unimplemented.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "canon/abi/handle_table.h"
#include "canon/abi/strings.h"
#include "canon/abi/value.h"
#include "canon/model/abi_info.h"
#include "canon/model/types.h"
#include "jit/vm/code.h"

namespace wcr::canon::abi {

using jit::vm::ValRaw;

// CanonicalABI.md's LiftLowerContext: the canon definition's options and the component instance
// whose handles table values move through.
struct LiftLowerContext {
  const model::TypeTable* types = nullptr;
  model::AbiCalculator* abi = nullptr;
  GuestMemory* memory = nullptr;  // memory and realloc options; null when the options have none
  StringEncoding encoding = StringEncoding::Utf8;
  HandleTable* handles = nullptr;      // the current instance's table
  const void* instance = nullptr;      // the current component instance (lower_borrow's shortcut)
  BorrowScope* borrowScope = nullptr;  // lowering borrow<T>: the callee task's count
  Lenders* lenders = nullptr;          // lifting borrow<T>: the caller subtask's lends
  // The run-time identity of a resource type of the model (of this instance).
  std::function<const ResourceType*(model::ResourceId)> resourceType;
  TrapWording wording = TrapWording::Adapter;
};

// load(cx, ptr, t): `ptr` must be aligned and in bounds (the callers check ranges).
absl::StatusOr<Value> load(LiftLowerContext& cx, uint64_t ptr, model::ValType t);
// store(cx, v, t, ptr).
absl::Status store(LiftLowerContext& cx, const Value& v, model::ValType t, uint64_t ptr);

// lift_flat_values: `values` are the core values of the params or results.
absl::StatusOr<std::vector<Value>> liftFlatValues(LiftLowerContext& cx, uint32_t maxFlat,
                                                  absl::Span<const ValRaw> values,
                                                  absl::Span<const model::ValType> types);
// lower_flat_values: appends the core values to `out`. With `outParam`, a spilled tuple is
// stored at that pointer (the caller's buffer) instead of a realloc'd one.
absl::Status lowerFlatValues(LiftLowerContext& cx, uint32_t maxFlat, absl::Span<const Value> vs,
                             absl::Span<const model::ValType> types, std::vector<ValRaw>& out,
                             std::optional<uint64_t> outParam = std::nullopt);

// Checks that `v` has the shape of `t` (kinds, lengths, case indices, flag bits), so that a
// value made by the host cannot make lowering read out of bounds. Lifted values always do.
absl::Status checkValue(const model::TypeTable& types, const Value& v, model::ValType t);

}  // namespace wcr::canon::abi
