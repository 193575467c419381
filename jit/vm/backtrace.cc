// Trap backtraces: the frame-pointer walk (async-signal-safe), frame naming and formatting.
#include "jit/vm/backtrace.h"

#include "absl/strings/str_format.h"

namespace wcr::jit::vm {

void walkFramePointers(uintptr_t fp, uintptr_t low, uintptr_t high, bool (*isCode)(uintptr_t),
                       uint32_t maxLeadingHostFrames, RawBacktrace& out) {
  bool sawCode = false;
  uint32_t hostFrames = 0;
  // A frame record is two words: the caller's fp, then the return address.
  while (fp >= low && fp <= high - 2 * sizeof(uintptr_t) && fp % sizeof(uintptr_t) == 0) {
    const auto* record = reinterpret_cast<const uintptr_t*>(fp);
    uintptr_t callerFp = record[0];
    uintptr_t returnAddress = record[1];
    if (isCode(returnAddress)) {
      sawCode = true;
      out.add(returnAddress);
    } else if (sawCode || ++hostFrames > maxLeadingHostFrames) {
      return;
    }
    if (callerFp <= fp) return;  // frames only move up the stack
    low = fp + 2 * sizeof(uintptr_t);
    fp = callerFp;
  }
}

WasmFrame makeWasmFrame(const wasm::Module& module, uint32_t funcIndex,
                        std::optional<uint32_t> offset) {
  WasmFrame frame;
  frame.funcIndex = funcIndex;
  frame.offset = offset;
  auto name = module.names.functions.find(funcIndex);
  frame.funcName = name != module.names.functions.end()
                       ? name->second
                       : absl::StrFormat("wasm-function[%d]", funcIndex);
  frame.moduleName = module.names.module;
  return frame;
}

std::string formatBacktrace(const std::vector<WasmFrame>& frames, uint64_t omittedFrames) {
  if (frames.empty()) return "";
  std::string out = "wasm backtrace:\n";
  for (size_t i = 0; i < frames.size(); ++i) {
    const WasmFrame& f = frames[i];
    absl::StrAppendFormat(&out, "  %3d: ", i);
    if (f.offset) absl::StrAppendFormat(&out, "%#8x - ", *f.offset);
    absl::StrAppendFormat(&out, "%s!%s\n", f.moduleName.empty() ? "<unknown>" : f.moduleName,
                          f.funcName);
  }
  if (omittedFrames > 0) absl::StrAppendFormat(&out, "  ... %d more frames\n", omittedFrames);
  return out;
}

}  // namespace wcr::jit::vm
