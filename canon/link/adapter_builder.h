// Fused adapters: a core wasm module that implements one `canon lower` (the caller's import)
// calling one `canon lift` (the callee's export) directly, as CanonicalABI.md defines the pair:
// may_leave of the caller, lifting the arguments out of the caller's memory (every check the
// lift makes), may_enter of the callee's entering set, lowering into the callee (its realloc run
// with may_leave cleared), the call, the same two steps for the results, post-return, leave.
// The module is compiled by the JIT like any other, so a component-to-component call is a
// wasm-to-wasm call into native code with no host transition.
//
// Decisions:
// - Built as a core module (DESIGN.md's first option, Wasmtime's "FACT" approach) rather than as
//   LLVM IR directly: it reuses decoder, validator, compiler, object cache and trap machinery
//   unchanged, it is validated before it runs (a generator bug is an error, not memory
//   corruption), and wasm bounds checks on both memories come for free. Measured by
//   bench/component (2026-12-03): 12.9 ns per call with a record and a 16-byte string (Wasmtime
//   54.8 ns, goal 20 ns). What is left is three native calls (adapter, callee's realloc, callee)
//   and the flag updates, which emitting LLVM IR directly would not remove, so it was not built.
// - Two passes per direction: first every lift check on the source (bounds, alignment, UTF-8,
//   chars, discriminants, and the lifting of handles), touching nothing else; then allocation
//   and copying. So a trap is the one the spec's lift-everything-then-lower order raises, and a
//   hostile source can never make the destination's realloc run first.
// - Only what the generator covers is fused (adapterSupports): every value type except streams,
//   futures and handles inside lists (maps are lists of pairs). Other functions keep the
//   reference path (component_instance.h), which stays the executable spec.
// - Strings between two UTF-8 sides are checked (ASCII inline) and copied inline; any other
//   pair of encodings calls host intrinsics ("string_check_*", "string_copy_*") that run the
//   reference transcoders of canon/abi/strings.h with the destination's realloc.
// - Handles go through host intrinsics on the two handle tables: "lift_handle" in the check pass
//   (removing an own handle or lending a borrowed one, as lifting does), its rep kept in a local
//   per handle position until "lower_handle" adds it to the destination's table; "end_call"
//   checks the callee's borrow scope and releases the lent handles. Their state is per adapter
//   instance, so adapters with borrows need a non-empty entering set (no reentrance).
// - Traps call the imported host function "trap" with an AdapterTrap code (Wasmtime's adapter
//   wording); invalid non-ASCII UTF-8 is reported by the host validators "utf8_caller" and
//   "utf8_callee" (ASCII is checked inline, 8 bytes at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "canon/model/abi_info.h"
#include "canon/model/types.h"
#include "jit/wasm/types.h"

namespace wcr::canon::link {

enum class AdapterTrap : int32_t {
  CannotLeave,
  CannotEnter,
  UnalignedPointer,
  PointerOutOfBounds,
  StringOutOfBounds,
  ListOutOfBounds,
  InvalidChar,
  InvalidDiscriminant,
  UncaughtException,
};
const char* adapterTrapMessage(int32_t code);  // null for an unknown code

struct AdapterSpec {
  const model::TypeTable* types = nullptr;
  model::AbiCalculator* abi = nullptr;
  std::vector<model::ValType> params;
  std::optional<model::ValType> result;
  jit::wasm::FuncType lowerType;  // the caller's core signature: the adapter's own type
  jit::wasm::FuncType liftType;   // the callee's core function
  bool callerMemory = false, calleeMemory = false;
  bool callerRealloc = false, calleeRealloc = false, postReturn = false;
  bool utf8Only = true;        // both sides' string encoding is UTF-8: strings are copied inline
  uint32_t enteringCount = 0;  // instances whose may_enter the call checks and clears
  // The callee's core code may throw: the call runs in a try_table whose catch_all traps
  // (AdapterTrap::UncaughtException), as an exception must not cross a component boundary.
  bool exceptionBarrier = false;
};

// Whether the generator handles `t` (see the decisions above).
bool adapterSupports(const model::TypeTable& types, model::ValType t, bool inList = false);

// The `kind` argument of the handle intrinsics.
inline constexpr int32_t kHandleOwn = 0;     // own<T> from the caller to the callee
inline constexpr int32_t kHandleBorrow = 1;  // borrow<T> from the caller to the callee
inline constexpr int32_t kHandleResult = 2;  // own<T> from the callee's result to the caller

// The imports of a built module, all from module "", in order. Funcs: "trap" (i32), then when
// present "utf8_caller" and "utf8_callee" (i32 i32), "callee", "callee_realloc",
// "caller_realloc", without utf8Only "string_check_caller" and "string_check_callee" (i32 i32)
// and "string_copy_params" and "string_copy_results" (i32 i32) -> (i32 i32), "lift_handle" and
// "lower_handle" (i32 kind, i32 resource, i32 index or rep)
// -> i32, "end_call", "post_return"; memories "caller_memory", "callee_memory"; mutable i32
// globals "caller_flags", "callee_flags", "enter0".. (ComponentInstance flags). The export
// "adapter" has type spec.lowerType.
struct AdapterModule {
  std::vector<uint8_t> bytes;
  std::vector<std::string> importNames;
  // The handle intrinsics' `resource` argument indexes this list (ids of spec.types).
  std::vector<model::ResourceId> resources;
  bool borrowState = false;  // "end_call" is imported: per-call borrow state is needed
};

absl::StatusOr<AdapterModule> buildAdapterModule(const AdapterSpec& spec);

}  // namespace wcr::canon::link
