// Guest: clocks, sleeping, poll timeouts, randomness (getentropy -> random_get), sched_yield.
//   clocks [cputime]
// Prints only facts that hold on every run (monotonic time advances across a sleep at least by
// the time slept, random buffers differ, ...). With "cputime" it also reads the process and
// thread CPU-time clocks, which wcr provides and Wasmtime does not (BADF).
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static long long nanoseconds(clockid_t clock) {
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0) return -1;
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char** argv) {
  long long realtime = nanoseconds(CLOCK_REALTIME);
  printf("realtime after 2020: %d\n", realtime > 1577836800LL * 1000000000LL);
  printf("time() agrees with realtime: %d\n",
         (long long)time(NULL) - realtime / 1000000000LL <= 1);
  struct timespec res;
  printf("clock_getres monotonic: %d, positive %d\n", clock_getres(CLOCK_MONOTONIC, &res),
         res.tv_sec > 0 || res.tv_nsec > 0);

  long long before = nanoseconds(CLOCK_MONOTONIC);
  struct timespec nap = {0, 50 * 1000000};
  printf("nanosleep 50ms: %d\n", nanosleep(&nap, NULL));
  long long slept = nanoseconds(CLOCK_MONOTONIC) - before;
  printf("monotonic advanced >= 50ms: %d, < 5s: %d\n", slept >= 50000000LL, slept < 5000000000LL);

  before = nanoseconds(CLOCK_MONOTONIC);
  printf("poll(no fds, 30ms): %d\n", poll(NULL, 0, 30));
  long long waited = nanoseconds(CLOCK_MONOTONIC) - before;
  printf("poll waited >= 30ms: %d\n", waited >= 30000000LL);

  // An absolute realtime deadline 20ms ahead, and a relative one 1s ahead: the first fires.
  __wasi_timestamp_t now = 0;
  (void)!__wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &now);
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 11;
  subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[0].u.u.clock.id = __WASI_CLOCKID_REALTIME;
  subs[0].u.u.clock.timeout = now + 20 * 1000000;
  subs[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
  subs[1].userdata = 22;
  subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[1].u.u.clock.timeout = 1000000000;
  __wasi_event_t events[2];
  __wasi_size_t count = 0;
  __wasi_errno_t error = __wasi_poll_oneoff(subs, events, 2, &count);
  printf("poll_oneoff: errno %d, %lu event(s), first userdata %llu type %d error %d\n", error,
         (unsigned long)count, (unsigned long long)events[0].userdata, events[0].type,
         events[0].error);

  unsigned char a[64] = {0}, b[64] = {0};
  printf("getentropy: %d %d\n", getentropy(a, sizeof a), getentropy(b, sizeof b));
  int zero = 1;
  for (size_t i = 0; i < sizeof a; ++i) zero &= a[i] == 0;
  printf("random buffers differ: %d, first not all zero: %d\n", memcmp(a, b, sizeof a) != 0,
         !zero);
  printf("sched_yield: %d\n", sched_yield());

  if (argc > 1 && strcmp(argv[1], "cputime") == 0) {
    __wasi_timestamp_t start = 0, end = 0;
    printf("process cputime: errno %d\n",
           __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &start));
    volatile unsigned long spin = 0;
    for (unsigned long i = 0; i < 20000000; ++i) spin += i;
    (void)!__wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &end);
    printf("process cputime advanced: %d\n", end > start);
    printf("thread cputime: errno %d\n",
           __wasi_clock_time_get(__WASI_CLOCKID_THREAD_CPUTIME_ID, 1, &start));
  }
  return 0;
}
