// Validation of canon definitions (CanonicalABI.md "Canonical Definitions"): canonopt rules,
// lift and lower signatures (flatten_functype), and the core signature every built-in is given.
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "canon/model/validator_impl.h"

namespace wcr::canon::model {

const char* toString(CanonKind kind) {
  switch (kind) {
    case CanonKind::Lift:
      return "lift";
    case CanonKind::Lower:
      return "lower";
    case CanonKind::ResourceNew:
      return "resource.new";
    case CanonKind::ResourceDrop:
      return "resource.drop";
    case CanonKind::ResourceRep:
      return "resource.rep";
    case CanonKind::TaskCancel:
      return "task.cancel";
    case CanonKind::SubtaskCancel:
      return "subtask.cancel";
    case CanonKind::TaskReturn:
      return "task.return";
    case CanonKind::ContextGet:
      return "context.get";
    case CanonKind::ContextSet:
      return "context.set";
    case CanonKind::ThreadYield:
      return "thread.yield";
    case CanonKind::SubtaskDrop:
      return "subtask.drop";
    case CanonKind::StreamNew:
      return "stream.new";
    case CanonKind::StreamRead:
      return "stream.read";
    case CanonKind::StreamWrite:
      return "stream.write";
    case CanonKind::StreamCancelRead:
      return "stream.cancel-read";
    case CanonKind::StreamCancelWrite:
      return "stream.cancel-write";
    case CanonKind::StreamDropReadable:
      return "stream.drop-readable";
    case CanonKind::StreamDropWritable:
      return "stream.drop-writable";
    case CanonKind::FutureNew:
      return "future.new";
    case CanonKind::FutureRead:
      return "future.read";
    case CanonKind::FutureWrite:
      return "future.write";
    case CanonKind::FutureCancelRead:
      return "future.cancel-read";
    case CanonKind::FutureCancelWrite:
      return "future.cancel-write";
    case CanonKind::FutureDropReadable:
      return "future.drop-readable";
    case CanonKind::FutureDropWritable:
      return "future.drop-writable";
    case CanonKind::ErrorContextNew:
      return "error-context.new";
    case CanonKind::ErrorContextDebugMessage:
      return "error-context.debug-message";
    case CanonKind::ErrorContextDrop:
      return "error-context.drop";
    case CanonKind::WaitableSetNew:
      return "waitable-set.new";
    case CanonKind::WaitableSetWait:
      return "waitable-set.wait";
    case CanonKind::WaitableSetPoll:
      return "waitable-set.poll";
    case CanonKind::WaitableSetDrop:
      return "waitable-set.drop";
    case CanonKind::WaitableJoin:
      return "waitable.join";
    case CanonKind::BackpressureInc:
      return "backpressure.inc";
    case CanonKind::BackpressureDec:
      return "backpressure.dec";
    case CanonKind::ThreadIndex:
      return "thread.index";
    case CanonKind::ThreadNewIndirect:
      return "thread.new-indirect";
    case CanonKind::ThreadResumeLater:
      return "thread.resume-later";
    case CanonKind::ThreadSuspend:
      return "thread.suspend";
    case CanonKind::ThreadSuspendThenResume:
      return "thread.suspend-then-resume";
    case CanonKind::ThreadYieldThenResume:
      return "thread.yield-then-resume";
    case CanonKind::ThreadSuspendThenPromote:
      return "thread.suspend-then-promote";
    case CanonKind::ThreadYieldThenPromote:
      return "thread.yield-then-promote";
    case CanonKind::ThreadSpawnRef:
      return "thread.spawn-ref";
    case CanonKind::ThreadSpawnIndirect:
      return "thread.spawn-indirect";
    case CanonKind::ThreadAvailableParallelism:
      return "thread.available-parallelism";
  }
  return "?";
}

namespace internal {
namespace {

namespace wasm = jit::wasm;
using CoreTypes = std::vector<wasm::ValType>;

absl::Status outOfBoundsCore(CoreSort sort, uint32_t index, size_t offset) {
  const char* what = sort == CoreSort::Func     ? "function"
                     : sort == CoreSort::Memory ? "memory"
                     : sort == CoreSort::Table  ? "table"
                                                : "type";
  return errorAt(offset, "unknown %s %u: %s index out of bounds", what, index, what);
}

std::string debugTypes(const CoreTypes& ts) {
  std::vector<std::string> parts;
  for (wasm::ValType t : ts) {
    switch (t.kind()) {
      case wasm::ValKind::I32:
        parts.push_back("I32");
        break;
      case wasm::ValKind::I64:
        parts.push_back("I64");
        break;
      case wasm::ValKind::F32:
        parts.push_back("F32");
        break;
      case wasm::ValKind::F64:
        parts.push_back("F64");
        break;
      default:
        parts.push_back(t.name());
        break;
    }
  }
  return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
}

// The options of one canon definition after the per-option checks.
struct Options {
  std::optional<uint32_t> memory, realloc, postReturn, callback;
  std::optional<StringEncoding> encoding;
  bool async = false;
};

}  // namespace

// canonopt validation (CanonicalABI.md "canonopt Validation"), except the requirements that
// depend on the function type, which the callers check.
static absl::StatusOr<Options> checkOptions(const CanonDef& c, Scope& s) {
  Options o;
  for (const CanonOpt& opt : c.opts) {
    switch (opt.kind) {
      case CanonOpt::Utf8:
      case CanonOpt::Utf16:
      case CanonOpt::Latin1Utf16: {
        StringEncoding e = opt.kind == CanonOpt::Utf8    ? StringEncoding::Utf8
                           : opt.kind == CanonOpt::Utf16 ? StringEncoding::Utf16
                                                         : StringEncoding::Latin1Utf16;
        if (o.encoding) {
          return errorAt(c.offset, "canonical encoding option `%s` conflicts with option `%s`",
                         toString(*o.encoding), toString(e));
        }
        o.encoding = e;
        break;
      }
      case CanonOpt::Memory:
        if (o.memory)
          return errorAt(c.offset, "canonical option `memory` is specified more than once");
        if (opt.index >= s.info.coreMemories.size()) {
          return outOfBoundsCore(CoreSort::Memory, opt.index, c.offset);
        }
        if (s.info.coreMemories[opt.index].limits.is64) {
          return errorAt(c.offset, "canonical option `memory` must be a 32-bit memory");
        }
        o.memory = opt.index;
        break;
      case CanonOpt::Realloc:
        if (o.realloc)
          return errorAt(c.offset, "canonical option `realloc` is specified more than once");
        if (opt.index >= s.info.coreFuncs.size())
          return outOfBoundsCore(CoreSort::Func, opt.index, c.offset);
        if (!(s.info.coreFuncs[opt.index] ==
              wasm::FuncType{{wasm::kI32, wasm::kI32, wasm::kI32, wasm::kI32}, {wasm::kI32}})) {
          return errorAt(
              c.offset,
              "canonical option `realloc` uses a core function with an incorrect signature");
        }
        o.realloc = opt.index;
        break;
      case CanonOpt::PostReturn:
        if (o.postReturn) {
          return errorAt(c.offset, "canonical option `post-return` is specified more than once");
        }
        if (opt.index >= s.info.coreFuncs.size())
          return outOfBoundsCore(CoreSort::Func, opt.index, c.offset);
        o.postReturn = opt.index;
        break;
      case CanonOpt::Async:
        if (o.async)
          return errorAt(c.offset, "canonical option `async` is specified more than once");
        o.async = true;
        break;
      case CanonOpt::Callback:
        if (o.callback)
          return errorAt(c.offset, "canonical option `callback` is specified more than once");
        if (opt.index >= s.info.coreFuncs.size())
          return outOfBoundsCore(CoreSort::Func, opt.index, c.offset);
        if (!(s.info.coreFuncs[opt.index] ==
              wasm::FuncType{{wasm::kI32, wasm::kI32, wasm::kI32}, {wasm::kI32}})) {
          return errorAt(
              c.offset,
              "canonical option `callback` uses a core function with an incorrect signature");
        }
        o.callback = opt.index;
        break;
    }
  }
  if (o.realloc && !o.memory) {
    return errorAt(c.offset, "canonical option `realloc` requires `memory` to also be specified");
  }
  if (o.callback && !o.async) {
    return errorAt(c.offset, "canonical option `callback` requires `async` to also be specified");
  }
  if (o.postReturn && o.async) {
    return errorAt(c.offset, "canonical option `post-return` cannot be specified with `async`");
  }
  bool liftLike = c.kind == CanonKind::Lift;
  if (o.postReturn && !liftLike) {
    return errorAt(c.offset, "canonical option `post-return` cannot be specified for lowerings");
  }
  if (o.callback && !liftLike) {
    return errorAt(c.offset, "canonical option `callback` is only allowed when lifting");
  }
  return o;
}

absl::Status Validator::canon(const CanonDef& c, Scope& s, CanonInfo& out) {
  WCR_ASSIGN_OR_RETURN(Options o, checkOptions(c, s));
  out.memory = o.memory;
  out.realloc = o.realloc;
  out.postReturn = o.postReturn;
  out.callback = o.callback;
  out.encoding = o.encoding.value_or(StringEncoding::Utf8);
  out.async = o.async;
  AbiCalculator abi(types());
  auto requireMemory = [&]() -> absl::Status {
    if (!o.memory) {
      return errorAt(c.offset, "canonical option `memory` is required (canon %s)",
                     toString(c.kind));
    }
    return absl::OkStatus();
  };
  auto requireRealloc = [&]() -> absl::Status {
    if (!o.realloc) {
      return errorAt(c.offset, "canonical option `realloc` is required (canon %s)",
                     toString(c.kind));
    }
    return absl::OkStatus();
  };
  auto onlyOptions = [&](bool memory, bool encoding, bool async) -> absl::Status {
    for (const CanonOpt& opt : c.opts) {
      bool ok = (opt.kind == CanonOpt::Memory && memory) ||
                (opt.kind <= CanonOpt::Latin1Utf16 && encoding) ||
                (opt.kind == CanonOpt::Async && async);
      if (!ok) {
        return errorAt(c.offset, "canonical option is not allowed for `canon %s`",
                       toString(c.kind));
      }
    }
    return absl::OkStatus();
  };
  auto coreFunc = [&](CoreTypes params, CoreTypes results) {
    out.coreType = {std::move(params), std::move(results)};
  };
  // The type index of a resource, stream or future built-in.
  auto resourceAt = [&](uint32_t index) -> absl::StatusOr<ResourceId> {
    if (index >= s.info.typeSpace.size()) {
      return errorAt(c.offset, "unknown type %u: type index out of bounds", index);
    }
    const AnyType& a = s.info.typeSpace[index];
    if (a.kind != AnyType::Resource)
      return errorAt(c.offset, "type index %u is not a resource type", index);
    return a.resource();
  };
  auto asyncValueAt = [&](uint32_t index, DefinedKind kind) -> absl::StatusOr<DefinedTypeId> {
    if (index >= s.info.typeSpace.size()) {
      return errorAt(c.offset, "unknown type %u: type index out of bounds", index);
    }
    const AnyType& a = s.info.typeSpace[index];
    if (a.kind != AnyType::Value || a.value.isPrimitive() ||
        types().defined(a.value.definedId()).kind != kind) {
      return errorAt(c.offset, "`%u` is not a %s type", index, toString(kind));
    }
    return a.value.definedId();
  };

  switch (c.kind) {
    case CanonKind::Lift: {
      if (c.func >= s.info.coreFuncs.size())
        return outOfBoundsCore(CoreSort::Func, c.func, c.offset);
      if (c.type >= s.info.typeSpace.size()) {
        return errorAt(c.offset, "unknown type %u: type index out of bounds", c.type);
      }
      if (s.info.typeSpace[c.type].kind != AnyType::Func) {
        return errorAt(c.offset, "type index %u is not a function type", c.type);
      }
      FuncTypeId ft = s.info.typeSpace[c.type].func();
      const FuncType& f = types().func(ft);
      if (o.async && !f.async) {
        return errorAt(c.offset, "the `async` canonical option requires an async function type");
      }
      FlatFuncType flat =
          abi.flattenFuncType(ft, AbiContext::Lift, {o.async, o.callback.has_value(), false});
      const wasm::FuncType& core = s.info.coreFuncs[c.func];
      if (core.params != flat.params) {
        return errorAt(c.offset,
                       "lowered parameter types `%s` do not match parameter types `%s` of "
                       "core function %u",
                       debugTypes(flat.params), debugTypes(core.params), c.func);
      }
      if (core.results != flat.results) {
        return errorAt(c.offset,
                       "lowered result types `%s` do not match result types `%s` of core "
                       "function %u",
                       debugTypes(flat.results), debugTypes(core.results), c.func);
      }
      bool paramsList = false;
      for (const Field& p : f.params) paramsList |= types().containsList(p.type);
      if (paramsList || flat.paramsInMemory) {
        WCR_RETURN_IF_ERROR(requireMemory());
        WCR_RETURN_IF_ERROR(requireRealloc());
      }
      bool resultList = f.result && types().containsList(*f.result);
      if (resultList || flat.resultsInMemory) WCR_RETURN_IF_ERROR(requireMemory());
      if (o.async && f.result) {
        auto [resFlat, overflow] = abi.flattenTypes({*f.result});
        if (overflow || resFlat.size() > kMaxFlatParams) WCR_RETURN_IF_ERROR(requireMemory());
      }
      if (o.postReturn) {
        if (!(s.info.coreFuncs[*o.postReturn] == wasm::FuncType{flat.results, {}})) {
          return errorAt(c.offset,
                         "canonical option `post-return` uses a core function with an incorrect "
                         "signature");
        }
      }
      out.funcType = ft;
      out.coreType = core;
      s.info.funcs.push_back(ft);
      return absl::OkStatus();
    }
    case CanonKind::Lower: {
      if (c.func >= s.info.funcs.size()) {
        return errorAt(c.offset, "unknown function %u: function index out of bounds", c.func);
      }
      FuncTypeId ft = s.info.funcs[c.func];
      const FuncType& f = types().func(ft);
      if (o.async && !f.async) {
        return errorAt(c.offset, "the `async` canonical option requires an async function type");
      }
      FlatFuncType flat = abi.flattenFuncType(ft, AbiContext::Lower, {o.async, false, false});
      bool paramsList = false;
      for (const Field& p : f.params) paramsList |= types().containsList(p.type);
      if (paramsList || flat.paramsInMemory) WCR_RETURN_IF_ERROR(requireMemory());
      bool resultList = f.result && types().containsList(*f.result);
      if (resultList) {
        WCR_RETURN_IF_ERROR(requireMemory());
        WCR_RETURN_IF_ERROR(requireRealloc());
      }
      // An async lower passes its results (and spilled params) through memory; with few
      // params and no result it needs none (wasmparser's rule, which the async suite relies on).
      if (flat.resultsInMemory) WCR_RETURN_IF_ERROR(requireMemory());
      out.funcType = ft;
      coreFunc(flat.params, flat.results);
      break;
    }
    case CanonKind::ResourceNew:
    case CanonKind::ResourceRep: {
      WCR_ASSIGN_OR_RETURN(ResourceId r, resourceAt(c.type));
      const ResourceType& rt = types().resource(r);
      if (!rt.rep || rt.definingComponent != s.id) {
        return errorAt(c.offset, "type index %u is not a local resource", c.type);
      }
      out.resource = r;
      if (c.kind == CanonKind::ResourceNew) {
        coreFunc({*rt.rep}, {wasm::kI32});
      } else {
        coreFunc({wasm::kI32}, {*rt.rep});
      }
      break;
    }
    case CanonKind::ResourceDrop: {
      WCR_ASSIGN_OR_RETURN(out.resource, resourceAt(c.type));
      coreFunc({wasm::kI32}, {});
      break;
    }
    case CanonKind::TaskReturn: {
      WCR_RETURN_IF_ERROR(onlyOptions(true, true, false));
      std::vector<ValType> params;
      if (c.result) {
        WCR_ASSIGN_OR_RETURN(ValType r, valType(*c.result, s, c.offset));
        if (types().containsBorrow(r)) {
          return errorAt(c.offset, "function result cannot contain a `borrow` type");
        }
        params.push_back(r);
        if (types().containsList(r)) WCR_RETURN_IF_ERROR(requireMemory());
      }
      FlatFuncType flat = abi.flattenSignature(params, std::nullopt, AbiContext::Lower);
      if (flat.paramsInMemory) WCR_RETURN_IF_ERROR(requireMemory());
      coreFunc(flat.params, flat.results);
      break;
    }
    case CanonKind::ContextGet:
    case CanonKind::ContextSet: {
      if (c.coreValType != wasm::kI32) {
        return errorAt(c.offset, "`canon %s` is only supported for `i32`", toString(c.kind));
      }
      if (c.index >= 2) {
        return errorAt(c.offset, "`canon %s` index %u is out of range", toString(c.kind), c.index);
      }
      if (s.contextType && *s.contextType != c.coreValType) {
        return errorAt(c.offset, "`context.get` and `context.set` must use the same type");
      }
      s.contextType = c.coreValType;
      if (c.kind == CanonKind::ContextGet) {
        coreFunc({}, {c.coreValType});
      } else {
        coreFunc({c.coreValType}, {});
      }
      break;
    }
    case CanonKind::BackpressureInc:
    case CanonKind::BackpressureDec:
    case CanonKind::TaskCancel:
      coreFunc({}, {});
      break;
    case CanonKind::SubtaskCancel:
      coreFunc({wasm::kI32}, {wasm::kI32});
      break;
    case CanonKind::SubtaskDrop:
    case CanonKind::WaitableSetDrop:
    case CanonKind::ErrorContextDrop:
    case CanonKind::ThreadResumeLater:
      coreFunc({wasm::kI32}, {});
      break;
    case CanonKind::WaitableSetNew:
    case CanonKind::ThreadIndex:
    case CanonKind::ThreadYield:
    case CanonKind::ThreadSuspend:
    case CanonKind::ThreadAvailableParallelism:
      coreFunc({}, {wasm::kI32});
      break;
    case CanonKind::ThreadSuspendThenResume:
    case CanonKind::ThreadYieldThenResume:
    case CanonKind::ThreadSuspendThenPromote:
    case CanonKind::ThreadYieldThenPromote:
      coreFunc({wasm::kI32}, {wasm::kI32});
      break;
    case CanonKind::WaitableJoin:
      coreFunc({wasm::kI32, wasm::kI32}, {});
      break;
    case CanonKind::WaitableSetWait:
    case CanonKind::WaitableSetPoll:
      if (c.memory >= s.info.coreMemories.size()) {
        return outOfBoundsCore(CoreSort::Memory, c.memory, c.offset);
      }
      out.memory = c.memory;
      coreFunc({wasm::kI32, wasm::kI32}, {wasm::kI32});
      break;
    case CanonKind::StreamNew:
    case CanonKind::FutureNew: {
      DefinedKind kind = c.kind == CanonKind::StreamNew ? DefinedKind::Stream : DefinedKind::Future;
      WCR_ASSIGN_OR_RETURN(out.streamOrFuture, asyncValueAt(c.type, kind));
      coreFunc({}, {wasm::kI64});
      break;
    }
    case CanonKind::StreamRead:
    case CanonKind::StreamWrite:
    case CanonKind::FutureRead:
    case CanonKind::FutureWrite: {
      bool stream = c.kind == CanonKind::StreamRead || c.kind == CanonKind::StreamWrite;
      WCR_ASSIGN_OR_RETURN(out.streamOrFuture, asyncValueAt(c.type, stream ? DefinedKind::Stream
                                                                           : DefinedKind::Future));
      const DefinedType& d = types().defined(out.streamOrFuture);
      if (d.first) {
        WCR_RETURN_IF_ERROR(requireMemory());
        bool read = c.kind == CanonKind::StreamRead || c.kind == CanonKind::FutureRead;
        if (read && types().containsList(*d.first)) WCR_RETURN_IF_ERROR(requireRealloc());
      }
      if (stream) {
        coreFunc({wasm::kI32, wasm::kI32, wasm::kI32}, {wasm::kI32});
      } else {
        coreFunc({wasm::kI32, wasm::kI32}, {wasm::kI32});
      }
      break;
    }
    case CanonKind::StreamCancelRead:
    case CanonKind::StreamCancelWrite:
    case CanonKind::FutureCancelRead:
    case CanonKind::FutureCancelWrite: {
      bool stream = c.kind == CanonKind::StreamCancelRead || c.kind == CanonKind::StreamCancelWrite;
      WCR_ASSIGN_OR_RETURN(out.streamOrFuture, asyncValueAt(c.type, stream ? DefinedKind::Stream
                                                                           : DefinedKind::Future));
      coreFunc({wasm::kI32}, {wasm::kI32});
      break;
    }
    case CanonKind::StreamDropReadable:
    case CanonKind::StreamDropWritable:
    case CanonKind::FutureDropReadable:
    case CanonKind::FutureDropWritable: {
      bool stream =
          c.kind == CanonKind::StreamDropReadable || c.kind == CanonKind::StreamDropWritable;
      WCR_ASSIGN_OR_RETURN(out.streamOrFuture, asyncValueAt(c.type, stream ? DefinedKind::Stream
                                                                           : DefinedKind::Future));
      coreFunc({wasm::kI32}, {});
      break;
    }
    case CanonKind::ErrorContextNew:
    case CanonKind::ErrorContextDebugMessage: {
      WCR_RETURN_IF_ERROR(onlyOptions(true, true, false));
      WCR_RETURN_IF_ERROR(requireMemory());
      if (c.kind == CanonKind::ErrorContextNew) {
        coreFunc({wasm::kI32, wasm::kI32}, {wasm::kI32});
      } else {
        coreFunc({wasm::kI32, wasm::kI32}, {});
      }
      break;
    }
    case CanonKind::ThreadNewIndirect:
    case CanonKind::ThreadSpawnIndirect: {
      if (c.type >= s.info.coreTypes.size())
        return outOfBoundsCore(CoreSort::Type, c.type, c.offset);
      const CoreTypeEntry& e = s.info.coreTypes[c.type];
      if (e.isModule || !(e.func == wasm::FuncType{{wasm::kI32}, {}})) {
        return errorAt(c.offset, "start function must take a single `i32` argument");
      }
      if (c.table >= s.info.coreTables.size())
        return outOfBoundsCore(CoreSort::Table, c.table, c.offset);
      if (s.info.coreTables[c.table].elem != wasm::kFuncRef) {
        return errorAt(c.offset, "table must have a `funcref` element type");
      }
      coreFunc({wasm::kI32, wasm::kI32}, {wasm::kI32});
      break;
    }
    case CanonKind::ThreadSpawnRef:
      return errorAt(c.offset,
                     "`canon thread.spawn-ref` requires the shared-everything-threads "
                     "proposal, which is not supported");
  }
  s.info.coreFuncs.push_back(out.coreType);
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace wcr::canon::model
