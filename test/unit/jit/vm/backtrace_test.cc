// The frame-pointer walk of trap backtraces on a synthetic stack: which return addresses it
// keeps, where it stops (host code after wasm frames, the bounds, a chain that does not move up),
// how many leading host frames it skips, and the cap on stored frames.
#include "jit/vm/backtrace.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

namespace wcr::jit::vm {
namespace {

// "Code" is [0x1000, 0x2000); anything else is host code.
bool isFakeCode(uintptr_t pc) { return pc >= 0x1000 && pc < 0x2000; }

// A stack of frame records (caller fp, return address), innermost first, in one array.
struct FakeStack {
  std::vector<uintptr_t> words;
  explicit FakeStack(const std::vector<uintptr_t>& returnAddresses)
      : words(2 * returnAddresses.size() + 2, 0) {
    for (size_t i = 0; i < returnAddresses.size(); ++i) {
      words[2 * i] = reinterpret_cast<uintptr_t>(&words[2 * i + 2]);  // the caller's record
      words[2 * i + 1] = returnAddresses[i];
    }
  }
  uintptr_t fp() const { return reinterpret_cast<uintptr_t>(&words[0]); }
  uintptr_t high() const { return reinterpret_cast<uintptr_t>(words.data() + words.size()); }
};

std::vector<uintptr_t> pcs(const RawBacktrace& raw) {
  return std::vector<uintptr_t>(raw.pcs, raw.pcs + raw.count);
}

TEST_CASE("frame walk: code frames up to the first host frame", "[vm][backtrace]") {
  FakeStack stack({0x1100, 0x1200, 0x1300, 0x9000, 0x1400});
  RawBacktrace raw;
  walkFramePointers(stack.fp(), stack.fp(), stack.high(), isFakeCode, 0, raw);
  CHECK(pcs(raw) == std::vector<uintptr_t>{0x1100, 0x1200, 0x1300});
  CHECK(raw.total == 3);
}

TEST_CASE("frame walk: leading host frames are skipped up to a limit", "[vm][backtrace]") {
  FakeStack stack({0x9000, 0x9100, 0x1100, 0x1200, 0x9200});
  RawBacktrace raw;
  walkFramePointers(stack.fp(), stack.fp(), stack.high(), isFakeCode, 2, raw);
  CHECK(pcs(raw) == std::vector<uintptr_t>{0x1100, 0x1200});
  raw.clear();
  walkFramePointers(stack.fp(), stack.fp(), stack.high(), isFakeCode, 1, raw);
  CHECK(raw.count == 0);
}

TEST_CASE("frame walk: stays inside its bounds and only moves up", "[vm][backtrace]") {
  FakeStack stack({0x1100, 0x1200, 0x1300});
  RawBacktrace raw;
  // The upper bound cuts the chain after two records.
  walkFramePointers(stack.fp(), stack.fp(), stack.fp() + 4 * sizeof(uintptr_t), isFakeCode, 0,
                    raw);
  CHECK(pcs(raw) == std::vector<uintptr_t>{0x1100, 0x1200});
  // A start below the lower bound, or misaligned, reads nothing.
  raw.clear();
  walkFramePointers(stack.fp(), stack.fp() + 1, stack.high(), isFakeCode, 0, raw);
  CHECK(raw.count == 0);
  walkFramePointers(stack.fp() + 1, stack.fp(), stack.high(), isFakeCode, 0, raw);
  CHECK(raw.count == 0);
  // A record pointing back down ends the walk.
  stack.words[2] = stack.fp();
  walkFramePointers(stack.fp(), stack.fp(), stack.high(), isFakeCode, 0, raw);
  CHECK(pcs(raw) == std::vector<uintptr_t>{0x1100, 0x1200});
}

TEST_CASE("frame walk: deep stacks keep kMaxFrames pcs and count the rest", "[vm][backtrace]") {
  std::vector<uintptr_t> returns(RawBacktrace::kMaxFrames + 10, 0x1500);
  FakeStack stack(returns);
  RawBacktrace raw;
  walkFramePointers(stack.fp(), stack.fp(), stack.high(), isFakeCode, 0, raw);
  CHECK(raw.count == RawBacktrace::kMaxFrames);
  CHECK(raw.total == RawBacktrace::kMaxFrames + 10);
}

}  // namespace
}  // namespace wcr::jit::vm
