// EpochTimer: one thread that waits out the delay (or a cancellation) and bumps the epoch.
#include "jit/vm/interrupt.h"

namespace wcr::jit::vm {

EpochTimer::EpochTimer(EpochCounter& epoch, std::chrono::nanoseconds delay) {
  auto deadline = std::chrono::steady_clock::now() + delay;
  thread_ = std::thread([this, &epoch, deadline] {
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_until(lock, deadline, [this] { return cancelled_; })) return;
    epoch.increment();
    fired_.store(true);
  });
}

EpochTimer::~EpochTimer() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

}  // namespace wcr::jit::vm
