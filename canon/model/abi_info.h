// CanonicalAbiInfo: the Canonical ABI's static facts about types, as data (CanonicalABI.md,
// "Despecialization", "Alignment", "Element Size", "Flattening"): size and alignment in linear
// memory for 32- and 64-bit memories, discriminant and flags sizes, the flat core types of a
// value, and flatten_functype for lifts and lowers, sync and async.
//
// Decision: flat lists are computed up to kFlatLimit (= MAX_FLAT_PARAMS + 1) entries and then
// marked `flatOverflow`: every rule of the ABI only compares a flat count with MAX_FLAT_PARAMS
// or smaller, and a hostile `(list u8 1000000)` must not allocate a million-entry list. Facts
// are cached per canonical type, so structurally equal types share one entry.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "canon/model/types.h"
#include "jit/wasm/types.h"

namespace wcr::canon::model {

inline constexpr uint32_t kMaxFlatParams = 16;      // MAX_FLAT_PARAMS
inline constexpr uint32_t kMaxFlatResults = 1;      // MAX_FLAT_RESULTS
inline constexpr uint32_t kMaxFlatAsyncParams = 4;  // MAX_FLAT_ASYNC_PARAMS
inline constexpr uint32_t kFlatLimit = kMaxFlatParams + 1;

struct CanonicalAbiInfo {
  uint64_t size32 = 0;   // elem_size(t, 'i32'), saturated at 2^40
  uint32_t align32 = 1;  // alignment(t, 'i32')
  uint64_t size64 = 0;   // elem_size(t, 'i64')
  uint32_t align64 = 1;
  // flatten_type(t) with 32-bit pointers, at most kFlatLimit entries.
  std::vector<jit::wasm::ValType> flat;
  bool flatOverflow = false;  // the full list is longer than kFlatLimit
  // flatten_type(t) with 64-bit pointers (pointers become i64; joins may differ).
  std::vector<jit::wasm::ValType> flat64;
  bool flat64Overflow = false;
  // Variants (and despecialized enum/option/result): the discriminant's size in bytes and the
  // payload offset (32-bit memory); flags: the bit-vector's size.
  uint32_t discriminantSize = 0;
  uint32_t payloadOffset32 = 0;
  uint32_t payloadOffset64 = 0;
};

// discriminant_type(cases) in bytes: 1 for up to 256 cases, 2 up to 65536, else 4.
uint32_t discriminantSize(uint64_t cases);
// elem_size_flags / alignment_flags: 1 for up to 8 labels, 2 up to 16, else 4.
uint32_t flagsSize(uint64_t labels);
// join(a, b) of flatten_variant.
jit::wasm::ValType joinFlat(jit::wasm::ValType a, jit::wasm::ValType b);

// A core signature derived from a component function type.
struct FlatFuncType {
  std::vector<jit::wasm::ValType> params;
  std::vector<jit::wasm::ValType> results;
  bool paramsInMemory = false;   // params were spilled into one pointer
  bool resultsInMemory = false;  // results go through memory (pointer result or out-pointer)
  jit::wasm::FuncType core() const { return {params, results}; }
};

enum class AbiContext : uint8_t { Lift, Lower };

struct FlattenOptions {
  bool async = false;
  bool callback = false;  // async lift with a callback
  bool memory64 = false;  // opts.memory.ptr_type() is i64
};

class AbiCalculator {
 public:
  explicit AbiCalculator(const TypeTable& types) : types_(types) {}

  const CanonicalAbiInfo& info(ValType t);
  // flatten_types(ts) capped at kFlatLimit (second = overflowed).
  std::pair<std::vector<jit::wasm::ValType>, bool> flattenTypes(const std::vector<ValType>& ts,
                                                                bool memory64 = false);
  // len(flatten_types(ts)), or kFlatLimit + 1 when it is longer (every rule of the ABI compares
  // it with MAX_FLAT_PARAMS or less).
  size_t flatCount(absl::Span<const ValType> ts, bool memory64 = false);
  // flatten_functype(opts, ft, context).
  FlatFuncType flattenFuncType(FuncTypeId ft, AbiContext context, FlattenOptions opts = {});
  // flatten_functype for a parameter list and optional result directly (task.return uses
  // `(func (param $t)?)` in the lower context).
  FlatFuncType flattenSignature(const std::vector<ValType>& params,
                                const std::optional<ValType>& result, AbiContext context,
                                FlattenOptions opts = {});

 private:
  CanonicalAbiInfo compute(ValType t);
  const TypeTable& types_;
  absl::flat_hash_map<ValType, CanonicalAbiInfo> cache_;
};

}  // namespace wcr::canon::model
