// hashtable: open-addressing hash map (linear probing, backward-shift deletion) from 64-bit keys
// to 64-bit values, driven by a random mix of inserts, lookups and deletes over a key space
// larger than the table holds. Measures hashing arithmetic, unpredictable branches and random
// accesses to a 16 MiB table (the shape of symbol tables, caches and dedup maps).
// Usage: hashtable [OPS], default 16000000. Checksum: a hash of every lookup result and the
// final table population.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define LOG2_SLOTS 20
#define SLOTS (1u << LOG2_SLOTS)
#define KEYS (SLOTS / 4 * 3)  // fewer keys than slots: the table never fills, probes always end
#define EMPTY 0                   // key 0 is never used

struct slot { uint64_t key, value; };

static uint32_t home_slot(uint64_t key) {  // multiplicative (Fibonacci) hashing
  return (uint32_t)((key * 0x9e3779b97f4a7c15ULL) >> (64 - LOG2_SLOTS));
}

static struct slot *find(struct slot *table, uint64_t key) {
  for (uint32_t i = home_slot(key);; i = (i + 1) & (SLOTS - 1)) {
    if (table[i].key == key) return &table[i];
    if (table[i].key == EMPTY) return NULL;
  }
}

static int insert(struct slot *table, uint64_t key, uint64_t value) {  // 1 if newly added
  for (uint32_t i = home_slot(key);; i = (i + 1) & (SLOTS - 1)) {
    if (table[i].key == key) { table[i].value = value; return 0; }
    if (table[i].key == EMPTY) { table[i].key = key; table[i].value = value; return 1; }
  }
}

static int erase(struct slot *table, uint64_t key) {  // 1 if it was present
  uint32_t hole = home_slot(key);
  for (;; hole = (hole + 1) & (SLOTS - 1)) {
    if (table[hole].key == EMPTY) return 0;
    if (table[hole].key == key) break;
  }
  // Backward-shift: move later entries of the probe run into the hole when their home slot
  // allows it, so lookups never need tombstones.
  for (uint32_t next = (hole + 1) & (SLOTS - 1); table[next].key != EMPTY;
       next = (next + 1) & (SLOTS - 1)) {
    uint32_t home = home_slot(table[next].key);
    if (((next - home) & (SLOTS - 1)) >= ((next - hole) & (SLOTS - 1))) {
      table[hole] = table[next];
      hole = next;
    }
  }
  table[hole].key = EMPTY;
  table[hole].value = 0;
  return 1;
}

int main(int argc, char **argv) {
  unsigned long ops = argc > 1 ? strtoul(argv[1], NULL, 10) : 16000000;
  struct slot *table = calloc(SLOTS, sizeof *table);
  if (!table) return 1;
  uint64_t state = 0x2545f4914f6cdd1dULL, hash = 0, population = 0;
  for (unsigned long op = 0; op < ops; op++) {
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;  // xorshift64
    // 3/8 inserts, 1/8 deletes, 1/2 lookups: the population settles near 3/4 of KEYS (~56% load).
    uint64_t key = (state >> 8) % KEYS + 1, kind = state & 7;
    if (kind < 3) {
      population += (uint64_t)insert(table, key, op);
    } else if (kind == 3) {
      population -= (uint64_t)erase(table, key);
    } else {
      struct slot *s = find(table, key);
      hash = (hash ^ (s ? s->value + 1 : 0)) * 0x100000001b3ULL;
    }
  }
  printf("checksum: %016llx\n", (unsigned long long)(hash ^ population << 40));
  free(table);
  return 0;
}
