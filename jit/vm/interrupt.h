// Interrupting running wasm: the engine's epoch counter, a timer that advances it, and the
// per-instance settings (epoch deadline, fuel) that Instance applies (instance.h).
//
// Decisions (the model is Wasmtime's):
//  - Epochs. Code compiled with CompileOptions::epochInterruption loads the counter its
//    VMContext points to at every function entry and loop header and traps with "interrupt"
//    once it reaches the instance's deadline. Host threads only increment the counter (one
//    relaxed atomic add; the compiled code's volatile load sees it at its next check), so an
//    interrupt costs the guest nothing until it happens. One counter serves an engine; each
//    instance sets its deadline as a number of ticks beyond the counter's current value.
//  - Fuel. Code compiled with CompileOptions::fuel subtracts the cost of the instructions it ran
//    (1 each; nop, drop, block, loop, else, end, return and unreachable are free, as in
//    Wasmtime) from VMContext::fuel at every control instruction, and traps with "all fuel
//    consumed" at a function entry or loop header once it went below zero. Fuel is per instance.
//  - Code compiled without these options has no checks at all; the settings then do nothing.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

namespace wcr::jit::vm {

class EpochCounter {
 public:
  EpochCounter() = default;
  EpochCounter(const EpochCounter&) = delete;
  EpochCounter& operator=(const EpochCounter&) = delete;

  uint64_t current() const { return value_.load(std::memory_order_relaxed); }
  // Any thread, any time.
  void increment() { value_.fetch_add(1, std::memory_order_relaxed); }
  // What VMContext::epochPtr points to: compiled code reads the counter as a plain uint64_t.
  const uint64_t* address() const { return reinterpret_cast<const uint64_t*>(&value_); }

 private:
  static_assert(std::atomic<uint64_t>::is_always_lock_free &&
                sizeof(std::atomic<uint64_t>) == sizeof(uint64_t));
  std::atomic<uint64_t> value_{0};
};

// Increments `epoch` once, `delay` after construction, on a thread of its own; destroying the
// timer first cancels it (and joins the thread). `wcr run --timeout` is one of these.
class EpochTimer {
 public:
  EpochTimer(EpochCounter& epoch, std::chrono::nanoseconds delay);
  ~EpochTimer();
  EpochTimer(const EpochTimer&) = delete;
  EpochTimer& operator=(const EpochTimer&) = delete;
  bool fired() const { return fired_.load(); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
  std::atomic<bool> fired_{false};
  std::thread thread_;
};

// Interruption settings an instance gets before anything of it runs (the start function too).
struct InterruptConfig {
  const EpochCounter* epoch = nullptr;  // null: an epoch that never advances, no deadline
  uint64_t epochDeadlineTicks = 0;      // with `epoch`: interrupt once it advanced this much
  std::optional<uint64_t> fuel;         // unset: as good as unlimited (INT64_MAX)
};

}  // namespace wcr::jit::vm
