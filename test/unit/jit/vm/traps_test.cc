// Trap machinery: raiseTrap from nested calls, faults in registered code ranges becoming traps,
// faults elsewhere staying crashes, per-thread activations, the stack limit.
#include "jit/vm/traps.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "jit/vm/memory.h"

namespace wcr::jit::vm {
namespace {

void (*volatile gRaise)(TrapCode) = raiseTrap;  // opaque, so the recursion below may end

__attribute__((noinline)) int nestedRaise(int depth) {
  if (depth == 0) {
    gRaise(TrapCode::IntegerOverflow);
    return 0;
  }
  return nestedRaise(depth - 1) + 1;
}

// Stand-ins for compiled code: their address range is registered as JIT code.
__attribute__((noinline)) void storeByte(volatile uint8_t* p) { *p = 1; }
__attribute__((noinline)) int divide(int a, int b) {
  volatile int x = a, y = b;
  return x / y;
}
constexpr uintptr_t kFakeCodeSize = 256;

uintptr_t addressOf(void (*f)(volatile uint8_t*)) { return reinterpret_cast<uintptr_t>(f); }
uintptr_t addressOf(int (*f)(int, int)) { return reinterpret_cast<uintptr_t>(f); }

TEST_CASE("trap messages follow the spec", "[vm][traps]") {
  CHECK(std::string(trapMessage(TrapCode::MemoryOutOfBounds)) == "out of bounds memory access");
  CHECK(std::string(trapMessage(TrapCode::StackOverflow)) == "call stack exhausted");
  CHECK(std::string(trapMessage(TrapCode::InvalidConversion)) ==
        "invalid conversion to integer");
  CHECK(std::string(trapMessage(TrapCode::IndirectCallTypeMismatch)) ==
        "indirect call type mismatch");
}

TEST_CASE("raiseTrap unwinds to the innermost entry", "[vm][traps]") {
  Trap ok = callWithTrapHandling([] {});
  CHECK(ok.ok());
  CHECK_FALSE(inTrapHandlingScope());

  Trap trap = callWithTrapHandling([] { nestedRaise(10); });
  CHECK(trap.code == TrapCode::IntegerOverflow);
  CHECK(trap.message == "integer overflow");
  CHECK_FALSE(inTrapHandlingScope());

  // A trap in a nested entry returns to it; the outer entry continues normally.
  TrapCode inner = TrapCode::None;
  Trap outer = callWithTrapHandling([&] {
    inner = callWithTrapHandling([] { raiseTrap(TrapCode::Unreachable); }).code;
    CHECK(inTrapHandlingScope());
  });
  CHECK(outer.ok());
  CHECK(inner == TrapCode::Unreachable);

  Trap host = callWithTrapHandling([] {
    setTrapMessage("host said no");
    raiseTrap(TrapCode::HostTrap);
  });
  CHECK(host.code == TrapCode::HostTrap);
  CHECK(host.message == "host said no");
}

TEST_CASE("faults in registered code become traps", "[vm][traps]") {
  reinstallTrapHandlers();  // Catch2 installs its own handlers around each test case
  auto memory = Memory::create(wasm::MemoryType{wasm::Limits{1, 2}});
  REQUIRE(memory.ok());
  uint8_t* base = (*memory)->base();
  registerCodeRange(addressOf(storeByte), addressOf(storeByte) + kFakeCodeSize);
  registerCodeRange(addressOf(divide), addressOf(divide) + kFakeCodeSize);

  Trap inBounds = callWithTrapHandling([&] { storeByte(base + 65535); });
  CHECK(inBounds.ok());
  CHECK(base[65535] == 1);

  for (int i = 0; i < 3; ++i) {  // repeatedly: the handler must stay usable after a jump
    Trap trap = callWithTrapHandling([&] { storeByte(base + 65536); });
    CHECK(trap.code == TrapCode::MemoryOutOfBounds);
    CHECK(trap.message == "out of bounds memory access");
  }
  Trap far = callWithTrapHandling([&] { storeByte(base + (uint64_t{8} << 30) - 1); });
  CHECK(far.code == TrapCode::MemoryOutOfBounds);

  // After growth the page is accessible.
  CHECK((*memory)->grow(1) == 1);
  CHECK(callWithTrapHandling([&] { storeByte(base + 65536); }).ok());

  int result = 0;
  Trap div = callWithTrapHandling([&] { result = divide(7, 0); });
  CHECK(div.code == TrapCode::IntegerDivideByZero);
  CHECK(callWithTrapHandling([&] { result = divide(7, 2); }).ok());
  CHECK(result == 3);

  unregisterCodeRange(addressOf(storeByte));
  unregisterCodeRange(addressOf(divide));
}

TEST_CASE("faults outside registered code stay crashes", "[vm][traps]") {
  reinstallTrapHandlers();
  auto memory = Memory::create(wasm::MemoryType{wasm::Limits{1, 1}});
  REQUIRE(memory.ok());
  uint8_t* base = (*memory)->base();
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // Not registered as code: even inside an activation, this must kill the process. The
    // handler chains to the previous one, here the default action (not Catch2's reporter).
    for (int sig : {SIGSEGV, SIGBUS}) signal(sig, SIG_DFL);
    reinstallTrapHandlers();
    callWithTrapHandling([&] { storeByte(base + 65536); });
    _exit(0);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGSEGV);
}

TEST_CASE("traps work on other threads", "[vm][traps]") {
  reinstallTrapHandlers();
  auto memory = Memory::create(wasm::MemoryType{wasm::Limits{0, 1}});
  REQUIRE(memory.ok());
  uint8_t* base = (*memory)->base();
  registerCodeRange(addressOf(storeByte), addressOf(storeByte) + kFakeCodeSize);
  TrapCode seen[2] = {TrapCode::None, TrapCode::None};
  std::thread a([&] { seen[0] = callWithTrapHandling([&] { storeByte(base + 5); }).code; });
  std::thread b([&] { seen[1] = callWithTrapHandling([] { nestedRaise(3); }).code; });
  a.join();
  b.join();
  CHECK(seen[0] == TrapCode::MemoryOutOfBounds);
  CHECK(seen[1] == TrapCode::IntegerOverflow);
  unregisterCodeRange(addressOf(storeByte));
}

TEST_CASE("the stack limit lies inside this thread's stack", "[vm][traps]") {
  int probe = 0;
  auto sp = reinterpret_cast<uintptr_t>(&probe);
  uintptr_t limit = threadStackLimit();
  REQUIRE(limit != 0);
  CHECK(limit < sp);
  CHECK(sp - limit < (uintptr_t{1} << 30));
}

}  // namespace
}  // namespace wcr::jit::vm
