// Trap handling: activation chain, raiseTrap, the fault handlers and the registries they consult,
// and the capture and symbolization of trap backtraces. Compiled with frame pointers
// (CMakeLists.txt): raiseTrap starts its backtrace walk at its own frame.
#include "jit/vm/traps.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/mman.h>
#include <ucontext.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "jit/vm/code.h"
#include "jit/vm/exceptions.h"
#include "jit/vm/vm_offsets.h"

namespace wcr::jit::vm {
namespace {

// ---- Registries ----------------------------------------------------------------------------
// Sorted, immutable range tables published through an atomic pointer: the signal handler reads
// without locks; a writer swaps in a new table and frees the old one once no reader is inside.
class RangeRegistry {
 public:
  void add(uintptr_t begin, uintptr_t end) {
    std::lock_guard<std::mutex> lock(mu_);
    auto next = std::make_unique<Table>(current_.load() ? *current_.load() : Table{});
    Range range{begin, end};
    next->insert(std::upper_bound(next->begin(), next->end(), range, byBegin), range);
    publish(std::move(next));
  }

  void remove(uintptr_t begin) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!current_.load()) return;
    auto next = std::make_unique<Table>(*current_.load());
    next->erase(std::remove_if(next->begin(), next->end(),
                               [&](const Range& r) { return r.begin == begin; }),
                next->end());
    publish(std::move(next));
  }

  // Async-signal-safe: no allocation, no lock.
  bool contains(uintptr_t addr) const {
    readers_.fetch_add(1);
    bool found = false;
    if (const Table* table = current_.load()) {
      auto it = std::upper_bound(table->begin(), table->end(), Range{addr, addr}, byBegin);
      found = it != table->begin() && addr < std::prev(it)->end;
    }
    readers_.fetch_sub(1);
    return found;
  }

 private:
  struct Range {
    uintptr_t begin, end;
  };
  using Table = std::vector<Range>;
  static bool byBegin(const Range& a, const Range& b) { return a.begin < b.begin; }

  void publish(std::unique_ptr<Table> next) {
    const Table* old = current_.exchange(next.release());
    while (readers_.load() != 0) std::this_thread::yield();
    delete old;
  }

  std::mutex mu_;
  std::atomic<const Table*> current_{nullptr};
  mutable std::atomic<int> readers_{0};
};

// Never destroyed: signal handlers may run during static destruction.
RangeRegistry& codeRanges() {
  static RangeRegistry* registry = new RangeRegistry;
  return *registry;
}
RangeRegistry& memoryReservations() {
  static RangeRegistry* registry = new RangeRegistry;
  return *registry;
}

// ---- Per-thread state ----------------------------------------------------------------------
// The jump buffer is __builtin_setjmp's (five words: frame pointer, resume address, stack
// pointer, and room the target may use). GCC has it on every target, Clang on x86-64 only;
// elsewhere Clang builds use _setjmp/_longjmp, which save no signal mask either.
#if defined(__clang__) && !defined(__x86_64__)
using JumpBuffer = jmp_buf;
#define WCR_SETJMP(buf) _setjmp(buf)
#define WCR_LONGJMP(buf) _longjmp(buf, 1)
#else
using JumpBuffer = void* [5];
#define WCR_SETJMP(buf) __builtin_setjmp(buf)
#define WCR_LONGJMP(buf) __builtin_longjmp(buf, 1)
#endif

// An activation whose jump point the host set (callWithTrapHandling, enterWasm). Its VMActivation
// comes first: the chain links and the backtrace bounds use that address.
struct HostActivation {
  VMActivation base;
  JumpBuffer jmp;
};
using Activation = VMActivation;

// The trap on its way from a raise (or the signal handler) to its landing. Trivially
// destructible: the signal handler writes it.
struct PendingTrap {
  TrapCode code = TrapCode::None;
  const Activation* activation = nullptr;  // the record it unwinds to
  RawBacktrace backtrace;
};

constexpr size_t kAltStackSize = 64 * 1024;
// Faults this far below the stack bottom are in the guard gap (the kernel keeps 1 MiB).
constexpr uintptr_t kStackGuardGap = 1024 * 1024;

// Owns the thread's alternate signal stack. Only initThreadState touches it: a thread_local with
// a destructor is reached through a TLS wrapper call, too slow for every host->wasm entry, so
// the hot per-thread facts live in the trivially destructible thread_locals below.
struct ThreadState {
  void* altStack = nullptr;

  ~ThreadState() {
    if (!altStack) return;
    stack_t disable{};
    disable.ss_flags = SS_DISABLE;
    sigaltstack(&disable, nullptr);
    munmap(altStack, kAltStackSize);
  }
};

// The hot thread_locals: trivially destructible (no TLS wrapper call) and initial-exec (no
// __tls_get_addr, also when linked into a shared library).
// tlsVMThread (traps.h) is one of them: the activation chain, and the stack limit compiled code
// checks on this thread, 0 until initThreadStateSlow ran (then kNoStackLimit when the stack's
// bounds are unknown).
constexpr uintptr_t kNoStackLimit = 1;  // no stack pointer is below it
constinit thread_local PendingTrap tlsPending;
thread_local ThreadState tlsThread;
thread_local uintptr_t tlsStackLow = 0;
// A host function's message for the trap it is about to raise, and the activation it was set
// under (a message never outlives the entry it was meant for). Not touched by signal handlers.
thread_local std::string tlsTrapMessage;
thread_local const Activation* tlsTrapMessageFor = nullptr;

void installTrapHandlersOnce();

// Returns the thread's stack limit. Runs once per thread, at its first entry.
__attribute__((noinline, cold)) uintptr_t initThreadStateSlow() {
  installTrapHandlersOnce();
  ThreadState& state = tlsThread;
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    void* addr = nullptr;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
      tlsStackLow = reinterpret_cast<uintptr_t>(addr);
    }
    pthread_attr_destroy(&attr);
  }
  stack_t current{};
  if (sigaltstack(nullptr, &current) == 0 &&
      ((current.ss_flags & SS_DISABLE) || current.ss_size < kAltStackSize)) {
    void* mem = mmap(nullptr, kAltStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                     -1, 0);
    if (mem != MAP_FAILED) {
      stack_t stack{};
      stack.ss_sp = mem;
      stack.ss_size = kAltStackSize;
      if (sigaltstack(&stack, nullptr) == 0) {
        state.altStack = mem;
      } else {
        munmap(mem, kAltStackSize);
      }
    }
  }
  tlsVMThread.stackLimit = tlsStackLow ? tlsStackLow + kStackSafetyMargin : kNoStackLimit;
  return tlsVMThread.stackLimit;
}

inline uintptr_t initThreadState() {
  uintptr_t limit = tlsVMThread.stackLimit;
  return __builtin_expect(limit != 0, 1) ? limit : initThreadStateSlow();
}

// ---- Signal handling -----------------------------------------------------------------------
constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL};
struct sigaction gPrevious[std::size(kSignals)];

int signalSlot(int sig) {
  for (size_t i = 0; i < std::size(kSignals); ++i) {
    if (kSignals[i] == sig) return static_cast<int>(i);
  }
  return -1;
}

// The faulting context's pc, stack pointer and frame pointer.
struct FaultRegisters {
  uintptr_t pc, sp, fp;
};
FaultRegisters faultRegisters(void* ucontext) {
  auto* uc = static_cast<ucontext_t*>(ucontext);
#if defined(__x86_64__)
  return {static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RIP]),
          static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RSP]),
          static_cast<uintptr_t>(uc->uc_mcontext.gregs[REG_RBP])};
#elif defined(__aarch64__)
  return {static_cast<uintptr_t>(uc->uc_mcontext.pc), static_cast<uintptr_t>(uc->uc_mcontext.sp),
          static_cast<uintptr_t>(uc->uc_mcontext.regs[29])};
#else
#error "unsupported architecture"
#endif
}

bool isJitCode(uintptr_t pc) { return codeRanges().contains(pc); }

// Async-signal-safe. The faulting instruction, then the return addresses of the wasm frames
// above it, up to the activation record (which lives in the host frame that entered wasm).
void captureFaultBacktrace(const Activation& act, const FaultRegisters& regs, RawBacktrace& out) {
  out.clear();
  out.firstIsFaultPc = true;
  out.add(regs.pc);
  walkFramePointers(regs.fp, regs.sp, reinterpret_cast<uintptr_t>(&act), isJitCode,
                    /*maxLeadingHostFrames=*/0, out);
}

// From a host frame below the wasm code (raiseTrap's): skips raiseTrap and the libcall frames.
void captureHostBacktrace(const Activation& act, void* frameAddress, RawBacktrace& out) {
  out.clear();
  auto fp = reinterpret_cast<uintptr_t>(frameAddress);
  walkFramePointers(fp, fp, reinterpret_cast<uintptr_t>(&act), isJitCode,
                    /*maxLeadingHostFrames=*/4, out);
}

// Async-signal-safe. Hands `code` to the landing of `act` (popping it) and jumps there; the
// backtrace is already in tlsPending. A guarded entry trampoline's buffer is what LLVM's
// llvm.eh.sjlj.longjmp restores on x86-64: frame pointer, then stack pointer, then a jump to the
// resume address (the landing reloads everything else from its frame).
[[noreturn]] void unwindTo(Activation* act, TrapCode code) {
  tlsPending.code = code;
  tlsPending.activation = act;
  dropHandlersOf(act);
  tlsVMThread.activation = act->prev;
#if defined(__x86_64__)
  if (act->jump[1] != nullptr) {  // set by a guarded entry trampoline
    asm volatile(
        "movq 0(%%rdi), %%rbp\n\t"
        "movq 16(%%rdi), %%rsp\n\t"
        "jmpq *8(%%rdi)"
        :
        : "D"(act->jump)
        : "memory");
    __builtin_unreachable();
  }
#endif
  WCR_LONGJMP(reinterpret_cast<HostActivation*>(act)->jmp);
}

TrapCode classifyFault(int sig, siginfo_t* info) {
  switch (sig) {
    case SIGSEGV:
    case SIGBUS: {
      auto addr = reinterpret_cast<uintptr_t>(info->si_addr);
      if (memoryReservations().contains(addr)) return TrapCode::MemoryOutOfBounds;
      uintptr_t low = tlsStackLow;
      if (low && addr + kStackGuardGap >= low && addr < low + kStackSafetyMargin) {
        return TrapCode::StackOverflow;
      }
      return TrapCode::None;
    }
    case SIGFPE:
      return info->si_code == FPE_INTOVF ? TrapCode::IntegerOverflow
                                         : TrapCode::IntegerDivideByZero;
    case SIGILL:
      return TrapCode::Unreachable;
    default:
      return TrapCode::None;
  }
}

// Not ours: hand the signal to whoever had it before, or restore the default action and return,
// so that the faulting instruction runs again and the process dies as it would have.
void chainSignal(int sig, siginfo_t* info, void* ucontext) {
  int slot = signalSlot(sig);
  const struct sigaction& prev = gPrevious[slot];
  if (prev.sa_flags & SA_SIGINFO) {
    if (prev.sa_sigaction) {
      prev.sa_sigaction(sig, info, ucontext);
      return;
    }
  } else if (prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    prev.sa_handler(sig);
    return;
  }
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  sigaction(sig, &dfl, nullptr);
}

void handleSignal(int sig, siginfo_t* info, void* ucontext) {
  Activation* act = tlsVMThread.activation;
  FaultRegisters regs = faultRegisters(ucontext);
  if (act && codeRanges().contains(regs.pc)) {
    TrapCode code = classifyFault(sig, info);
    if (code != TrapCode::None) {
      captureFaultBacktrace(*act, regs, tlsPending.backtrace);
      unwindTo(act, code);
    }
  }
  chainSignal(sig, info, ucontext);
}

void installHandlers() {
  for (size_t i = 0; i < std::size(kSignals); ++i) {
    struct sigaction current {};
    sigaction(kSignals[i], nullptr, &current);
    bool ours = (current.sa_flags & SA_SIGINFO) && current.sa_sigaction == handleSignal;
    if (ours) continue;
    struct sigaction action {};
    action.sa_sigaction = handleSignal;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(kSignals[i], &action, &gPrevious[i]);
  }
}

Activation* activationOrAbort(TrapCode code) {
  Activation* act = tlsVMThread.activation;
  if (!act) {
    std::fprintf(stderr, "wcr: trap \"%s\" raised outside of any wasm activation\n",
                 trapMessage(code));
    std::abort();
  }
  return act;
}

std::vector<WasmFrame> symbolize(const RawBacktrace& raw);

}  // namespace

constinit thread_local VMThreadState tlsVMThread __attribute__((tls_model("initial-exec")));

uintptr_t setUpThread() { return initThreadStateSlow(); }

// The landing of a trap: its code, and the whole trap in *out when asked for.
__attribute__((noinline, cold)) TrapCode landTrap(Trap* out) {
  TrapCode code = tlsPending.code;
  bool hasMessage = tlsTrapMessageFor != nullptr && tlsTrapMessageFor == tlsPending.activation;
  if (out) {
    const RawBacktrace& raw = tlsPending.backtrace;
    out->code = code;
    out->message = hasMessage ? std::move(tlsTrapMessage) : std::string(trapMessage(code));
    out->backtrace = symbolize(raw);
    out->omittedFrames = raw.total - raw.count;
  }
  if (tlsTrapMessageFor) {  // any landing ends a message's life, used or not
    tlsTrapMessage.clear();
    tlsTrapMessageFor = nullptr;
  }
  tlsPending.activation = nullptr;
  return code;
}

namespace {

std::atomic<bool> gHandlersInstalled{false};

void installTrapHandlersOnce() {
  static std::once_flag once;
  std::call_once(once, [] { installHandlers(); });
  gHandlersInstalled.store(true, std::memory_order_release);
}

}  // namespace

// ---- Public interface ------------------------------------------------------------------------
void installTrapHandlers() {
  if (!gHandlersInstalled.load(std::memory_order_acquire)) installTrapHandlersOnce();
}

void reinstallTrapHandlers() {
  installTrapHandlers();
  installHandlers();
}

// The activation record lives in these two functions' frames; both must stay out of line
// (GCC never inlines a function that calls __builtin_setjmp). Nothing read after the landing is
// kept in a register across it: the landing reads per-thread storage only.
// Its thread's first entry takes this detour (a tail call, so that the fast path keeps its
// arguments in registers: a call there would make GCC spill them all at entry).
__attribute__((noinline, cold)) TrapCode enterWasmFirstOnThread(EntryTrampoline entry, void* code,
                                                               void* ctx, ValRaw* values,
                                                               uint8_t* vmctx, Trap* trap) {
  initThreadStateSlow();
  return enterWasm(entry, code, ctx, values, vmctx, trap);
}

TrapCode enterWasm(EntryTrampoline entry, void* code, void* ctx, ValRaw* values, uint8_t* vmctx,
                   Trap* trap) {
  uintptr_t limit = tlsVMThread.stackLimit;
  if (__builtin_expect(limit == 0, 0)) {
    return enterWasmFirstOnThread(entry, code, ctx, values, vmctx, trap);
  }
  if (vmctx) *reinterpret_cast<uintptr_t*>(vmctx + kOffsetStackLimit) = limit;
  HostActivation act;
  act.base.jump[1] = nullptr;
  act.base.prev = tlsVMThread.activation;
  tlsVMThread.activation = &act.base;
  if (WCR_SETJMP(act.jmp) == 0) {
    entry(code, ctx, values);
    tlsVMThread.activation = act.base.prev;
    return TrapCode::None;
  }
  return landTrap(trap);
}

Trap callWithTrapHandling(absl::FunctionRef<void()> fn) {
  initThreadState();
  Trap trap;
  HostActivation act;
  act.base.jump[1] = nullptr;
  act.base.prev = tlsVMThread.activation;
  tlsVMThread.activation = &act.base;
  if (WCR_SETJMP(act.jmp) == 0) {
    fn();
    tlsVMThread.activation = act.base.prev;
    return trap;
  }
  landTrap(&trap);
  return trap;
}

// Both raise functions take the backtrace from their own frame (__builtin_frame_address(0) keeps
// a frame pointer in them with GCC and Clang alike).
void raiseTrap(TrapCode code) {
  Activation* act = activationOrAbort(code);
  captureHostBacktrace(*act, __builtin_frame_address(0), tlsPending.backtrace);
  unwindTo(act, code);
}

void raiseTrapAt(TrapCode code, uint32_t wasmOffset) {
  Activation* act = activationOrAbort(code);
  captureHostBacktrace(*act, __builtin_frame_address(0), tlsPending.backtrace);
  tlsPending.backtrace.hasTrapOffset = true;
  tlsPending.backtrace.trapOffset = wasmOffset;
  unwindTo(act, code);
}

void setTrapMessage(std::string message) {
  if (Activation* act = tlsVMThread.activation) {
    tlsTrapMessage = std::move(message);
    tlsTrapMessageFor = act;
  }
}

bool inTrapHandlingScope() { return tlsVMThread.activation != nullptr; }

void registerCodeRange(uintptr_t begin, uintptr_t end) { codeRanges().add(begin, end); }
void unregisterCodeRange(uintptr_t begin) { codeRanges().remove(begin); }
void registerMemoryReservation(uintptr_t begin, uintptr_t end) {
  memoryReservations().add(begin, end);
}
void unregisterMemoryReservation(uintptr_t begin) { memoryReservations().remove(begin); }

uintptr_t threadStackLimit() {
  uintptr_t limit = initThreadState();
  return limit == kNoStackLimit ? 0 : limit;
}

}  // namespace wcr::jit::vm

// ---- Compiled code registration ------------------------------------------------------------
namespace wcr::jit::vm {
namespace {
struct RetainedCode {
  int count = 0;
  std::shared_ptr<const wasm::Module> module;  // names the frames of backtraces
};
std::mutex gRetainMu;
absl::flat_hash_map<const CompiledCode*, RetainedCode>& retainedCode() {
  static auto* retained = new absl::flat_hash_map<const CompiledCode*, RetainedCode>;
  return *retained;
}

// Holding gRetainMu: the code whose ranges contain `pc`, or null.
const std::pair<const CompiledCode* const, RetainedCode>* findRetainedCode(uintptr_t pc) {
  for (const auto& entry : retainedCode()) {
    for (const CodeRange& range : entry.first->codeRanges()) {
      if (pc >= range.begin && pc < range.end) return &entry;
    }
  }
  return nullptr;
}

// Raw pcs -> wasm frames. A return address is looked up one byte back, inside its call
// instruction; pcs outside wasm functions (trampolines) give no frame. Holding gRetainMu keeps
// the code alive meanwhile (an instance releases its code before destroying it).
std::vector<WasmFrame> symbolize(const RawBacktrace& raw) {
  std::vector<WasmFrame> frames;
  if (raw.count == 0) return frames;
  std::lock_guard<std::mutex> lock(gRetainMu);
  for (uint32_t i = 0; i < raw.count; ++i) {
    uintptr_t pc = i == 0 && raw.firstIsFaultPc ? raw.pcs[i] : raw.pcs[i] - 1;
    const auto* entry = findRetainedCode(pc);
    if (!entry) continue;
    const wasm::Module& module = *entry->second.module;
    std::vector<WasmCodeFrame> found = entry->first->wasmFramesAt(pc);
    for (size_t k = 0; k < found.size(); ++k) {
      uint32_t offset = found[k].wasmOffset;
      if (i == 0 && k == 0 && raw.hasTrapOffset) offset = raw.trapOffset;
      frames.push_back(makeWasmFrame(module, module.numImportedFuncs + found[k].definedIndex,
                                     offset == kUnknownWasmOffset ? std::nullopt
                                                                  : std::optional(offset)));
    }
  }
  return frames;
}
}  // namespace

void retainCodeRanges(const CompiledCode& code, std::shared_ptr<const wasm::Module> module) {
  std::lock_guard<std::mutex> lock(gRetainMu);
  RetainedCode& retained = retainedCode()[&code];
  if (retained.count++ > 0) return;
  retained.module = std::move(module);
  for (const CodeRange& range : code.codeRanges()) registerCodeRange(range.begin, range.end);
}

void releaseCodeRanges(const CompiledCode& code) {
  std::lock_guard<std::mutex> lock(gRetainMu);
  auto it = retainedCode().find(&code);
  if (it == retainedCode().end() || --it->second.count > 0) return;
  retainedCode().erase(it);
  for (const CodeRange& range : code.codeRanges()) unregisterCodeRange(range.begin);
}

}  // namespace wcr::jit::vm
