// CanonicalAbiInfo computation, following CanonicalABI.md's Python definitions line by line
// (despecialize, alignment, elem_size, flatten_type, flatten_variant, join, flatten_functype).
#include "canon/model/abi_info.h"

#include <algorithm>

namespace wcr::canon::model {

using CoreType = jit::wasm::ValType;
namespace wasm = jit::wasm;

namespace {

constexpr uint64_t kSaturate = uint64_t{1} << 40;
uint64_t alignTo(uint64_t n, uint64_t a) { return (n + a - 1) / a * a; }
uint64_t satAdd(uint64_t a, uint64_t b) { return std::min(a + b, kSaturate); }
uint64_t satMul(uint64_t a, uint64_t b) {
  if (a != 0 && b > kSaturate / a) return kSaturate;
  return std::min(a * b, kSaturate);
}

void appendFlat(std::vector<CoreType>& out, bool& overflow, const std::vector<CoreType>& more,
                bool moreOverflow) {
  for (CoreType t : more) {
    if (out.size() >= kFlatLimit) {
      overflow = true;
      return;
    }
    out.push_back(t);
  }
  overflow |= moreOverflow;
}

}  // namespace

uint32_t discriminantSize(uint64_t cases) {
  if (cases <= 256) return 1;
  if (cases <= 65536) return 2;
  return 4;
}

uint32_t flagsSize(uint64_t labels) {
  if (labels <= 8) return 1;
  if (labels <= 16) return 2;
  return 4;
}

CoreType joinFlat(CoreType a, CoreType b) {
  if (a == b) return a;
  if ((a == wasm::kI32 && b == wasm::kF32) || (a == wasm::kF32 && b == wasm::kI32))
    return wasm::kI32;
  return wasm::kI64;
}

size_t AbiCalculator::flatCount(absl::Span<const ValType> ts, bool memory64) {
  // flatten_types concatenates: the cached per-type lengths add up (no list is built per call).
  size_t n = 0;
  for (ValType t : ts) {
    const CanonicalAbiInfo& i = info(t);
    if (memory64 ? i.flat64Overflow : i.flatOverflow) return kFlatLimit + 1;
    n += (memory64 ? i.flat64 : i.flat).size();
    if (n > kFlatLimit) return kFlatLimit + 1;
  }
  return n;
}

const CanonicalAbiInfo& AbiCalculator::info(ValType t) {
  ValType key = types_.canonical(t);
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  CanonicalAbiInfo computed = compute(key);
  return cache_.emplace(key, std::move(computed)).first->second;
}

CanonicalAbiInfo AbiCalculator::compute(ValType t) {
  CanonicalAbiInfo out;
  auto scalar = [&](uint32_t size, CoreType flat) {
    out.size32 = out.size64 = size;
    out.align32 = out.align64 = size;
    out.flat = out.flat64 = {flat};
  };
  if (t.isPrimitive()) {
    switch (t.prim()) {
      case PrimType::Bool:
      case PrimType::S8:
      case PrimType::U8:
        scalar(1, wasm::kI32);
        break;
      case PrimType::S16:
      case PrimType::U16:
        scalar(2, wasm::kI32);
        break;
      case PrimType::S32:
      case PrimType::U32:
      case PrimType::Char:
      case PrimType::ErrorContext:
        scalar(4, wasm::kI32);
        break;
      case PrimType::S64:
      case PrimType::U64:
        scalar(8, wasm::kI64);
        break;
      case PrimType::F32:
        scalar(4, wasm::kF32);
        break;
      case PrimType::F64:
        scalar(8, wasm::kF64);
        break;
      case PrimType::String:
        out.size32 = 8, out.align32 = 4, out.size64 = 16, out.align64 = 8;
        out.flat = {wasm::kI32, wasm::kI32};
        out.flat64 = {wasm::kI64, wasm::kI64};
        break;
    }
    return out;
  }

  const DefinedType& d = types_.defined(t.definedId());
  // Records and tuples (and fixed lists, which flatten like tuples).
  auto record = [&](const std::vector<ValType>& members) {
    uint64_t s32 = 0, s64 = 0;
    for (ValType m : members) {
      const CanonicalAbiInfo& mi = info(m);
      s32 = satAdd(alignTo(s32, mi.align32), mi.size32);
      s64 = satAdd(alignTo(s64, mi.align64), mi.size64);
      out.align32 = std::max(out.align32, mi.align32);
      out.align64 = std::max(out.align64, mi.align64);
      appendFlat(out.flat, out.flatOverflow, mi.flat, mi.flatOverflow);
      appendFlat(out.flat64, out.flat64Overflow, mi.flat64, mi.flat64Overflow);
    }
    out.size32 = alignTo(s32, out.align32);
    out.size64 = alignTo(s64, out.align64);
  };
  // Variants (and enum, option, result after despecialization).
  auto variant = [&](const std::vector<std::optional<ValType>>& cases) {
    uint32_t disc = discriminantSize(cases.size());
    out.discriminantSize = disc;
    uint32_t caseAlign32 = 1, caseAlign64 = 1;
    uint64_t caseSize32 = 0, caseSize64 = 0;
    std::vector<CoreType> flat, flat64;
    bool overflow = false, overflow64 = false;
    auto join = [](std::vector<CoreType>& acc, bool& accOverflow, const CanonicalAbiInfo& ci,
                   const std::vector<CoreType>& f, bool fOverflow) {
      for (size_t i = 0; i < f.size(); ++i) {
        if (i < acc.size()) {
          acc[i] = joinFlat(acc[i], f[i]);
        } else if (acc.size() < kFlatLimit) {
          acc.push_back(f[i]);
        } else {
          accOverflow = true;
        }
      }
      accOverflow |= fOverflow;
    };
    for (const auto& c : cases) {
      if (!c) continue;
      const CanonicalAbiInfo& ci = info(*c);
      caseAlign32 = std::max(caseAlign32, ci.align32);
      caseAlign64 = std::max(caseAlign64, ci.align64);
      caseSize32 = std::max(caseSize32, ci.size32);
      caseSize64 = std::max(caseSize64, ci.size64);
      join(flat, overflow, ci, ci.flat, ci.flatOverflow);
      join(flat64, overflow64, ci, ci.flat64, ci.flat64Overflow);
    }
    out.align32 = std::max(disc, caseAlign32);
    out.align64 = std::max(disc, caseAlign64);
    out.payloadOffset32 = static_cast<uint32_t>(alignTo(disc, caseAlign32));
    out.payloadOffset64 = static_cast<uint32_t>(alignTo(disc, caseAlign64));
    out.size32 = alignTo(satAdd(out.payloadOffset32, caseSize32), out.align32);
    out.size64 = alignTo(satAdd(out.payloadOffset64, caseSize64), out.align64);
    out.flat = out.flat64 = {wasm::kI32};
    appendFlat(out.flat, out.flatOverflow, flat, overflow);
    appendFlat(out.flat64, out.flat64Overflow, flat64, overflow64);
  };

  switch (d.kind) {
    case DefinedKind::Record: {
      std::vector<ValType> members;
      for (const Field& f : d.fields) members.push_back(f.type);
      record(members);
      break;
    }
    case DefinedKind::Tuple:
      record(d.types);
      break;
    case DefinedKind::FixedList: {
      const CanonicalAbiInfo& ei = info(*d.first);
      out.align32 = ei.align32;
      out.align64 = ei.align64;
      out.size32 = satMul(ei.size32, d.length);
      out.size64 = satMul(ei.size64, d.length);
      for (uint32_t i = 0; i < d.length && !out.flatOverflow; ++i)
        appendFlat(out.flat, out.flatOverflow, ei.flat, ei.flatOverflow);
      for (uint32_t i = 0; i < d.length && !out.flat64Overflow; ++i)
        appendFlat(out.flat64, out.flat64Overflow, ei.flat64, ei.flat64Overflow);
      break;
    }
    case DefinedKind::List:
    case DefinedKind::Map:
      out.size32 = 8, out.align32 = 4, out.size64 = 16, out.align64 = 8;
      out.flat = {wasm::kI32, wasm::kI32};
      out.flat64 = {wasm::kI64, wasm::kI64};
      break;
    case DefinedKind::Variant: {
      std::vector<std::optional<ValType>> cases;
      for (const Case& c : d.cases) cases.push_back(c.type);
      variant(cases);
      break;
    }
    case DefinedKind::Enum:
      variant(std::vector<std::optional<ValType>>(d.labels.size()));
      break;
    case DefinedKind::Option:
      variant({std::nullopt, d.first});
      break;
    case DefinedKind::Result:
      variant({d.first, d.second});
      break;
    case DefinedKind::Flags: {
      uint32_t n = flagsSize(d.labels.size());
      out.size32 = out.size64 = n;
      out.align32 = out.align64 = n;
      out.discriminantSize = n;
      out.flat = out.flat64 = {wasm::kI32};
      break;
    }
    case DefinedKind::Own:
    case DefinedKind::Borrow:
    case DefinedKind::Stream:
    case DefinedKind::Future:
      scalar(4, wasm::kI32);
      break;
    case DefinedKind::Primitive:
      break;
  }
  return out;
}

std::pair<std::vector<CoreType>, bool> AbiCalculator::flattenTypes(
    const std::vector<model::ValType>& ts, bool memory64) {
  std::vector<CoreType> out;
  bool overflow = false;
  for (model::ValType t : ts) {
    const CanonicalAbiInfo& i = info(t);
    appendFlat(out, overflow, memory64 ? i.flat64 : i.flat,
               memory64 ? i.flat64Overflow : i.flatOverflow);
  }
  return {out, overflow};
}

FlatFuncType AbiCalculator::flattenSignature(const std::vector<model::ValType>& params,
                                             const std::optional<model::ValType>& result,
                                             AbiContext context, FlattenOptions opts) {
  CoreType ptr = opts.memory64 ? wasm::kI64 : wasm::kI32;
  auto [flatParams, paramsOverflow] = flattenTypes(params, opts.memory64);
  std::vector<model::ValType> resultList;
  if (result) resultList.push_back(*result);
  auto [flatResults, resultsOverflow] = flattenTypes(resultList, opts.memory64);
  size_t nParams = paramsOverflow ? kFlatLimit + 1 : flatParams.size();
  size_t nResults = resultsOverflow ? kFlatLimit + 1 : flatResults.size();
  FlatFuncType out;
  out.params = std::move(flatParams);
  out.results = std::move(flatResults);
  if (!opts.async) {
    if (nParams > kMaxFlatParams) {
      out.params = {ptr};
      out.paramsInMemory = true;
    }
    if (nResults > kMaxFlatResults) {
      out.resultsInMemory = true;
      if (context == AbiContext::Lift) {
        out.results = {ptr};
      } else {
        out.params.push_back(ptr);
        out.results.clear();
      }
    }
    return out;
  }
  if (context == AbiContext::Lift) {
    if (nParams > kMaxFlatParams) {
      out.params = {ptr};
      out.paramsInMemory = true;
    }
    out.results = opts.callback ? std::vector<CoreType>{wasm::kI32} : std::vector<CoreType>{};
  } else {
    if (nParams > kMaxFlatAsyncParams) {
      out.params = {ptr};
      out.paramsInMemory = true;
    }
    if (nResults > 0) {
      out.params.push_back(ptr);
      out.resultsInMemory = true;
    }
    out.results = {wasm::kI32};
  }
  return out;
}

FlatFuncType AbiCalculator::flattenFuncType(FuncTypeId id, AbiContext context,
                                            FlattenOptions opts) {
  const FuncType& ft = types_.func(id);
  std::vector<model::ValType> params;
  for (const Field& p : ft.params) params.push_back(p.type);
  return flattenSignature(params, ft.result, context, opts);
}

}  // namespace wcr::canon::model
