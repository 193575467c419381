// matmul: dense double-precision matrix multiply C = A * B (N x N, i-k-j loop order).
// Measures floating-point throughput and how well each compiler vectorizes a streaming inner
// loop over rows (the classic dense linear algebra shape; no blocking, so large N also stresses
// the cache hierarchy). Usage: matmul [N], default 1200. Checksum: bits of the sum of C.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// A double in [-1, 1) with 20 significant bits, so sums stay exact-ish and reproducible.
static double random_entry(uint64_t *state) {
  return (double)(int64_t)((splitmix64(state) >> 44) - (1u << 19)) / (double)(1u << 19);
}

int main(int argc, char **argv) {
  size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1200;
  double *a = malloc(n * n * sizeof(double));
  double *b = malloc(n * n * sizeof(double));
  double *c = calloc(n * n, sizeof(double));
  if (!a || !b || !c) return 1;
  uint64_t seed = 42;
  for (size_t i = 0; i < n * n; i++) a[i] = random_entry(&seed);
  for (size_t i = 0; i < n * n; i++) b[i] = random_entry(&seed);

  for (size_t i = 0; i < n; i++) {
    double *row = c + i * n;
    for (size_t k = 0; k < n; k++) {
      double aik = a[i * n + k];
      const double *brow = b + k * n;
      for (size_t j = 0; j < n; j++) row[j] += aik * brow[j];
    }
  }

  double sum = 0;
  for (size_t i = 0; i < n * n; i++) sum += c[i] * (double)((i % 7) + 1);
  uint64_t bits;
  memcpy(&bits, &sum, sizeof bits);
  printf("checksum: %016llx\n", (unsigned long long)bits);
  free(a);
  free(b);
  free(c);
  return 0;
}
