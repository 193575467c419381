// preview1 functions outside fd_* and path_*: arguments and environment, clocks, randomness,
// poll_oneoff, proc_exit / proc_raise, sched_yield and the sock_* functions.
//
// poll_oneoff: clock subscriptions (relative, or absolute on their clock) and fd_read/fd_write
// subscriptions. Regular files and directories are always ready (as poll(2) says), with the bytes
// left to read for fd_read on a file; stdio streams are waited for with ppoll (host_poll.h).
// It returns every subscription ready at the time it wakes, at least one.
// proc_exit records the exit code in the state and unwinds the guest with a HostTrap whose
// message starts with "wasi: proc_exit(" (the embedder tells it from other traps by exitCode()).
// proc_raise is NOSYS (signals are gone from WASI). The cputime clocks are implemented (Wasmtime
// answers BADF). No descriptor is a socket, so sock_* answer NOTSOCK for an open fd, as Wasmtime
// does for files, and BADF otherwise.
#include <sched.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "wasi/p1/host_call.h"
#include "wasi/p3/host_clocks.h"
#include "wasi/p3/host_poll.h"
#include "wasi/p3/host_random.h"

namespace wcr::wasi::p1 {
namespace {

using p3::Errno;
using p3::ErrnoOr;

// ---- Arguments and environment
// -------------------------------------------------------------------

std::vector<std::string> environmentStrings(const p3::Environment& environment) {
  std::vector<std::string> out;
  out.reserve(environment.variables.size());
  for (const auto& [name, value] : environment.variables) out.push_back(name + "=" + value);
  return out;
}

Errno storeSizes(Call& call, const std::vector<std::string>& strings, uint32_t countPtr,
                 uint32_t bufSizePtr) {
  uint64_t bytes = 0;
  for (const std::string& s : strings) bytes += s.size() + 1;
  WCR_WASI_TRY(call.memory.check(countPtr, 4));
  WCR_WASI_TRY(call.memory.check(bufSizePtr, 4));
  WCR_WASI_TRY(call.memory.store<uint32_t>(countPtr, static_cast<uint32_t>(strings.size())));
  return call.memory.store<uint32_t>(bufSizePtr, static_cast<uint32_t>(bytes));
}

// The pointer array at `pointers` and the NUL-terminated strings packed at `buf`.
Errno storeStrings(Call& call, const std::vector<std::string>& strings, uint32_t pointers,
                   uint32_t buf) {
  uint64_t bytes = 0;
  for (const std::string& s : strings) bytes += s.size() + 1;
  WCR_WASI_TRY(call.memory.check(pointers, uint64_t{strings.size()} * 4));
  WCR_WASI_TRY(call.memory.check(buf, bytes));
  uint32_t at = buf;
  for (size_t i = 0; i < strings.size(); ++i) {
    WCR_WASI_TRY(call.memory.store<uint32_t>(pointers + static_cast<uint32_t>(i) * 4, at));
    WCR_WASI_TRY(call.memory.storeBytes(at, strings[i].c_str(), strings[i].size() + 1));
    at += static_cast<uint32_t>(strings[i].size() + 1);
  }
  return p3::kOk;
}

Errno argsSizesGet(Call& call, uint32_t argcPtr, uint32_t bufSizePtr) {
  return storeSizes(call, call.state.environment.arguments, argcPtr, bufSizePtr);
}

Errno argsGet(Call& call, uint32_t argvPtr, uint32_t bufPtr) {
  return storeStrings(call, call.state.environment.arguments, argvPtr, bufPtr);
}

Errno environSizesGet(Call& call, uint32_t countPtr, uint32_t bufSizePtr) {
  return storeSizes(call, environmentStrings(call.state.environment), countPtr, bufSizePtr);
}

Errno environGet(Call& call, uint32_t environPtr, uint32_t bufPtr) {
  return storeStrings(call, environmentStrings(call.state.environment), environPtr, bufPtr);
}

// ---- Clocks and randomness
// ------------------------------------------------------------------------

ErrnoOr<p3::ClockId> clockOf(uint32_t id) {
  switch (id) {
    case kClockRealtime:
      return p3::ClockId::Realtime;
    case kClockMonotonic:
      return p3::ClockId::Monotonic;
    case kClockProcessCputime:
      return p3::ClockId::ProcessCputime;
    case kClockThreadCputime:
      return p3::ClockId::ThreadCputime;
    default:
      return Errno{EINVAL};
  }
}

Errno clockResGet(Call& call, uint32_t id, uint32_t resolutionPtr) {
  WCR_WASI_ASSIGN_OR_RETURN(p3::ClockId clock, clockOf(id));
  WCR_WASI_ASSIGN_OR_RETURN(uint64_t resolution, p3::clockResolution(clock));
  return call.memory.store<uint64_t>(resolutionPtr, resolution);
}

Errno clockTimeGet(Call& call, uint32_t id, uint64_t precision, uint32_t timePtr) {
  WCR_WASI_ASSIGN_OR_RETURN(p3::ClockId clock, clockOf(id));
  WCR_WASI_ASSIGN_OR_RETURN(uint64_t now, p3::clockNow(clock));
  return call.memory.store<uint64_t>(timePtr, now);
}

Errno randomGet(Call& call, uint32_t buf, uint32_t bufLen) {
  WCR_WASI_ASSIGN_OR_RETURN(uint8_t* data, call.memory.bytes(buf, bufLen));
  return p3::fillRandom(absl::MakeSpan(data, bufLen));
}

// ---- poll_oneoff
// ----------------------------------------------------------------------------------

struct Event {
  uint64_t userdata = 0;
  Errno error;
  uint8_t type = kEventClock;
  uint64_t bytes = 0;
  uint16_t flags = 0;
};

struct ClockWait {
  uint64_t userdata = 0;
  uint64_t deadline = 0;  // on the monotonic clock
};

struct StreamWait {
  uint64_t userdata = 0;
  uint8_t type = kEventFdRead;
};

uint64_t saturatingAdd(uint64_t a, uint64_t b) { return b > UINT64_MAX - a ? UINT64_MAX : a + b; }

// The event of an fd subscription on a file or directory, which never blocks.
Event immediateFdEvent(uint64_t userdata, uint8_t type, p3::Descriptor& descriptor) {
  Event event{userdata, p3::kOk, type};
  if (type == kEventFdRead && descriptor.kind() == p3::Descriptor::Kind::File) {
    ErrnoOr<p3::FileStat> stat = descriptor.stat();
    ErrnoOr<uint64_t> position = descriptor.seek(0, p3::Whence::Current);
    if (stat.ok() && position.ok() && stat->size > *position) event.bytes = stat->size - *position;
  }
  return event;
}

Errno pollOneoff(Call& call, uint32_t in, uint32_t out, uint32_t count, uint32_t neventsPtr) {
  if (count == 0) return Errno{EINVAL};
  WCR_WASI_ASSIGN_OR_RETURN(const uint8_t* subscriptions,
                            call.memory.bytes(in, uint64_t{count} * layout::kSubscriptionSize));
  WCR_WASI_TRY(call.memory.check(out, uint64_t{count} * layout::kEventSize));
  WCR_WASI_TRY(call.memory.check(neventsPtr, 4));
  auto field = [&](uint32_t index, uint32_t offset, auto zero) {
    decltype(zero) value;
    std::memcpy(&value, subscriptions + index * layout::kSubscriptionSize + offset, sizeof value);
    return value;
  };

  std::vector<Event> events;
  std::vector<ClockWait> clocks;
  std::vector<p3::PollRequest> requests;
  std::vector<StreamWait> streams;
  WCR_WASI_ASSIGN_OR_RETURN(const uint64_t start, p3::clockNow(p3::ClockId::Monotonic));
  for (uint32_t i = 0; i < count; ++i) {
    const uint64_t userdata = field(i, layout::kSubscriptionUserdata, uint64_t{});
    const uint8_t tag = field(i, layout::kSubscriptionTag, uint8_t{});
    if (tag == kEventClock) {
      ErrnoOr<p3::ClockId> clock = clockOf(field(i, layout::kSubscriptionClockId, uint32_t{}));
      if (!clock.ok()) {
        events.push_back(Event{userdata, clock.error(), kEventClock});
        continue;
      }
      uint64_t wait = field(i, layout::kSubscriptionClockTimeout, uint64_t{});
      if (field(i, layout::kSubscriptionClockFlags, uint16_t{}) & kSubclockAbstime) {
        ErrnoOr<uint64_t> now = p3::clockNow(*clock);
        if (!now.ok()) {
          events.push_back(Event{userdata, now.error(), kEventClock});
          continue;
        }
        wait = wait > *now ? wait - *now : 0;
      }
      clocks.push_back(ClockWait{userdata, saturatingAdd(start, wait)});
    } else if (tag == kEventFdRead || tag == kEventFdWrite) {
      FdEntry* entry = call.state.fds.get(field(i, layout::kSubscriptionFd, uint32_t{}));
      if (entry == nullptr) {
        events.push_back(Event{userdata, Errno{EBADF}, tag});
      } else if (entry->descriptor->kind() == p3::Descriptor::Kind::Stream) {
        p3::PollRequest request;
        request.hostFd = entry->descriptor->hostFd();
        request.write = tag == kEventFdWrite;
        requests.push_back(request);
        streams.push_back(StreamWait{userdata, tag});
      } else {
        events.push_back(immediateFdEvent(userdata, tag, *entry->descriptor));
      }
    } else {
      return Errno{EINVAL};
    }
  }

  // Waits (not at all when something is ready already, but streams are still checked) until
  // at least one subscription is ready.
  for (bool firstRound = true; firstRound || events.empty(); firstRound = false) {
    std::optional<uint64_t> timeout;
    WCR_WASI_ASSIGN_OR_RETURN(uint64_t now, p3::clockNow(p3::ClockId::Monotonic));
    for (const ClockWait& wait : clocks) {
      const uint64_t left = wait.deadline > now ? wait.deadline - now : 0;
      timeout = timeout ? std::min(*timeout, left) : left;
    }
    if (!events.empty()) timeout = 0;
    for (p3::PollRequest& request : requests) {  // clear the results of a previous round
      request.ready = request.hangup = false;
      request.error = p3::kOk;
      request.bytesAvailable = 0;
    }
    if (!requests.empty() || timeout) {
      WCR_WASI_TRY(p3::pollReady(absl::MakeSpan(requests), timeout));
    }
    WCR_WASI_ASSIGN_OR_RETURN(now, p3::clockNow(p3::ClockId::Monotonic));
    for (const ClockWait& wait : clocks) {
      if (wait.deadline <= now) events.push_back(Event{wait.userdata, p3::kOk, kEventClock});
    }
    for (size_t i = 0; i < requests.size(); ++i) {
      const p3::PollRequest& request = requests[i];
      if (!request.ready) continue;
      Event event{streams[i].userdata, request.error, streams[i].type, request.bytesAvailable};
      if (request.hangup) event.flags = kEventFdReadwriteHangup;
      events.push_back(event);
    }
  }

  for (size_t i = 0; i < events.size(); ++i) {
    GuestRecord<layout::kEventSize> record;
    record.put<uint64_t>(layout::kEventUserdata, events[i].userdata);
    record.put<uint16_t>(layout::kEventError, static_cast<uint16_t>(toWasiErrno(events[i].error)));
    record.put<uint8_t>(layout::kEventType, events[i].type);
    if (events[i].type != kEventClock) {
      record.put<uint64_t>(layout::kEventNbytes, events[i].bytes);
      record.put<uint16_t>(layout::kEventFlags, events[i].flags);
    }
    WCR_WASI_TRY(call.memory.store(out + static_cast<uint32_t>(i) * layout::kEventSize, record));
  }
  return call.memory.store<uint32_t>(neventsPtr, static_cast<uint32_t>(events.size()));
}

// ---- Process, scheduling, sockets
// -----------------------------------------------------------------

Errno procRaise(Call& call, uint32_t signal) { return Errno{ENOSYS}; }

Errno schedYield(Call& call) {
  ::sched_yield();
  return p3::kOk;
}

Errno notSocket(Call& call, uint32_t fd) {
  WCR_WASI_ASSIGN_OR_RETURN(FdEntry * entry, call.entry(fd));
  (void)entry;
  return Errno{ENOTSOCK};
}

Errno sockAccept(Call& call, uint32_t fd, uint32_t flags, uint32_t fdPtr) {
  return notSocket(call, fd);
}

Errno sockRecv(Call& call, uint32_t fd, uint32_t riData, uint32_t riDataLen, uint32_t riFlags,
               uint32_t roDatalenPtr, uint32_t roFlagsPtr) {
  return notSocket(call, fd);
}

Errno sockSend(Call& call, uint32_t fd, uint32_t siData, uint32_t siDataLen, uint32_t siFlags,
               uint32_t soDatalenPtr) {
  return notSocket(call, fd);
}

Errno sockShutdown(Call& call, uint32_t fd, uint32_t how) { return notSocket(call, fd); }

// proc_exit does not return: it has no result and unwinds the guest with a trap.
jit::vm::TrapCode procExitThunk(WasiState& state, const FunctionDef&, jit::vm::ValRaw* values) {
  const auto code = static_cast<uint32_t>(values[0].i32);
  state.exitCode = code;
  jit::vm::setTrapMessage(absl::StrFormat("wasi: proc_exit(%u)", code));
  return jit::vm::TrapCode::HostTrap;
}

FunctionDef procExit() {
  return FunctionDef{"proc_exit", jit::wasm::FuncType{{jit::wasm::kI32}, {}}, &procExitThunk};
}

}  // namespace

void addProcFunctions(FunctionList& out) {
  out.push_back(define("args_get", &argsGet));
  out.push_back(define("args_sizes_get", &argsSizesGet));
  out.push_back(define("environ_get", &environGet));
  out.push_back(define("environ_sizes_get", &environSizesGet));
  out.push_back(define("clock_res_get", &clockResGet));
  out.push_back(define("clock_time_get", &clockTimeGet));
  out.push_back(define("random_get", &randomGet));
  out.push_back(define("poll_oneoff", &pollOneoff));
  out.push_back(procExit());
  out.push_back(define("proc_raise", &procRaise));
  out.push_back(define("sched_yield", &schedYield));
  out.push_back(define("sock_accept", &sockAccept));
  out.push_back(define("sock_recv", &sockRecv));
  out.push_back(define("sock_send", &sockSend));
  out.push_back(define("sock_shutdown", &sockShutdown));
}

}  // namespace wcr::wasi::p1
