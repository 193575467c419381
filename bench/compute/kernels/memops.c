// memops: memcpy, memmove and memset of mixed sizes (16 B to 64 KiB, mostly small) at
// pseudo-random offsets in a 16 MiB arena, the traffic of serializers, string builders and
// buffer management. Measures block copies as each platform builds them: glibc's vectorized
// assembly natively; in wasm, memory.copy/memory.fill (build.sh enables bulk memory, so clang
// lowers these calls to them) as each engine implements them. Usage: memops [OPS], default
// 2000000. Checksum: FNV-1a of samples of the arena.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BYTES (16u << 20)
#define MAX_BLOCK (64u << 10)

int main(int argc, char **argv) {
  unsigned long ops = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
  uint8_t *arena = malloc(ARENA_BYTES);
  if (!arena) return 1;
  uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (size_t i = 0; i < ARENA_BYTES; i++) arena[i] = (uint8_t)(i * 131 + (i >> 9));
  for (unsigned long op = 0; op < ops; op++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    // Block sizes: 3/4 small (16..271 bytes), 1/4 large (up to 64 KiB), like real copy traffic.
    size_t size = (x & 3) ? 16 + ((x >> 2) & 255) : 1 + ((x >> 2) & (MAX_BLOCK - 1));
    // memcpy needs disjoint ranges (overlap is undefined and gives different bytes per libc):
    // it copies from the lower half of the arena into the upper half.
    size_t half = ARENA_BYTES / 2 - 2 * MAX_BLOCK;
    size_t lo = (size_t)((x >> 20) % half), hi = ARENA_BYTES / 2 + (size_t)((x >> 40) % half);
    switch ((x >> 60) & 3) {
      case 0: memcpy(arena + hi, arena + lo, size); break;
      case 1: memcpy(arena + lo, arena + hi, size); break;
      case 2: memmove(arena + lo + (size & 63), arena + lo, size); break;  // overlapping move
      default: memset(arena + hi, (int)(op & 0xff), size); break;
    }
  }
  uint64_t hash = 1469598103934665603ULL;
  for (size_t i = 0; i < ARENA_BYTES; i += 61) hash = (hash ^ arena[i]) * 1099511628211ULL;
  printf("checksum: %016llx\n", (unsigned long long)hash);
  free(arena);
  return 0;
}
