// ptrchase: traversal of a linked list whose nodes are linked in a random order (a shuffled
// permutation closed into one cycle through all nodes), over 64 MiB: every hop is a dependent
// load that misses the caches. Measures memory latency and the cost each engine adds to a
// pointer dereference (bounds handling, address computation). Nodes are 32 bytes with 64-bit
// and 32-bit pointers alike, so the working set is the same natively and in wasm.
// Usage: ptrchase [HOPS], default 3000000. Checksum: sum of visited payloads.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NODES (1u << 21)

struct node {
  uint64_t payload;  // first, so the 8-byte alignment adds no hole after a 4-byte pointer
  struct node *next;
  uint8_t pad[32 - sizeof(uint64_t) - sizeof(struct node *)];
};
_Static_assert(sizeof(struct node) == 32, "nodes must have the same size on every target");

int main(int argc, char **argv) {
  unsigned long hops = argc > 1 ? strtoul(argv[1], NULL, 10) : 3000000;
  struct node *nodes = malloc(NODES * sizeof *nodes);
  uint32_t *order = malloc(NODES * sizeof *order);
  if (!nodes || !order) return 1;
  for (uint32_t i = 0; i < NODES; i++) order[i] = i;
  uint64_t x = 0x853c49e6748fea9bULL;
  for (uint32_t i = NODES - 1; i > 0; i--) {  // Fisher-Yates shuffle
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    uint32_t j = (uint32_t)(x % (i + 1));
    uint32_t t = order[i]; order[i] = order[j]; order[j] = t;
  }
  for (uint32_t i = 0; i < NODES; i++) {
    nodes[order[i]].next = &nodes[order[(i + 1) % NODES]];
    nodes[order[i]].payload = (uint64_t)i * 2654435761u;
  }
  free(order);
  uint64_t sum = 0;
  const struct node *p = &nodes[0];
  for (unsigned long h = 0; h < hops; h++) {
    sum += p->payload;
    p = p->next;
  }
  printf("checksum: %016llx\n", (unsigned long long)(sum ^ p->payload));
  free(nodes);
  return 0;
}
