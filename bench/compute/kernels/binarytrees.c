// binarytrees: allocate, walk and free many complete binary trees, one malloc per node, with
// one long-lived tree alive throughout. Measures the allocator (glibc malloc natively,
// wasi-libc's dlmalloc in wasm, plus memory.grow), call overhead and small-object pointer
// traffic: the shape of parsers, compilers and object-heavy code.
// Usage: binarytrees [MAX_DEPTH], default 17. Checksum: value hash xor node count.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct tree {
  struct tree *left, *right;
  uint32_t value;
};

static struct tree *build(int depth, uint32_t value) {
  struct tree *t = malloc(sizeof *t);
  if (!t) exit(1);
  t->value = value;
  t->left = depth > 0 ? build(depth - 1, value * 2 + 1) : NULL;
  t->right = depth > 0 ? build(depth - 1, value * 2 + 2) : NULL;
  return t;
}

static uint64_t walk(const struct tree *t, uint64_t *hash) {  // returns the node count
  if (!t) return 0;
  *hash = (*hash ^ t->value) * 0x100000001b3ULL;
  return 1 + walk(t->left, hash) + walk(t->right, hash);
}

static void release(struct tree *t) {
  if (!t) return;
  release(t->left);
  release(t->right);
  free(t);
}

int main(int argc, char **argv) {
  int max_depth = argc > 1 ? atoi(argv[1]) : 17;
  const int min_depth = 4;
  if (max_depth < min_depth + 2) max_depth = min_depth + 2;
  uint64_t nodes = 0, hash = 1469598103934665603ULL;
  struct tree *long_lived = build(max_depth, 0);
  for (int depth = min_depth; depth <= max_depth; depth += 2) {
    // As many nodes per depth as one tree of max_depth: each depth costs about the same.
    uint64_t iterations = (uint64_t)1 << (max_depth - depth + min_depth);
    for (uint64_t i = 0; i < iterations; i++) {
      struct tree *t = build(depth, (uint32_t)i);
      nodes += walk(t, &hash);
      release(t);
    }
  }
  nodes += walk(long_lived, &hash);
  release(long_lived);
  printf("checksum: %016llx\n", (unsigned long long)(hash ^ nodes));
  return 0;
}
