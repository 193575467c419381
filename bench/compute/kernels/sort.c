// sort: our quicksort (median of three, insertion sort below 16) and a bottom-up mergesort on
// the same generated 32-bit integers. Measures data-dependent branches (quicksort partitioning)
// and streaming loads/stores between two buffers (merging). Usage: sort [N], default 4000000.
// Checksum: a position-weighted hash of both sorted arrays (which must agree).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void insertion_sort(int32_t *a, long n) {
  for (long i = 1; i < n; i++) {
    int32_t v = a[i];
    long j = i - 1;
    for (; j >= 0 && a[j] > v; j--) a[j + 1] = a[j];
    a[j + 1] = v;
  }
}

static void swap(int32_t *a, int32_t *b) { int32_t t = *a; *a = *b; *b = t; }

static void quicksort(int32_t *a, long n) {
  while (n > 16) {
    long mid = n / 2;
    if (a[mid] < a[0]) swap(&a[mid], &a[0]);
    if (a[n - 1] < a[0]) swap(&a[n - 1], &a[0]);
    if (a[n - 1] < a[mid]) swap(&a[n - 1], &a[mid]);
    int32_t pivot = a[mid];
    long i = 0, j = n - 1;
    for (;;) {  // Hoare partition
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i >= j) break;
      swap(&a[i++], &a[j--]);
    }
    // Recurse into the smaller half, loop on the larger: stack depth stays O(log n).
    if (j + 1 < n - j - 1) { quicksort(a, j + 1); a += j + 1; n -= j + 1; }
    else { quicksort(a + j + 1, n - j - 1); n = j + 1; }
  }
  insertion_sort(a, n);
}

static void mergesort(int32_t *a, int32_t *tmp, long n) {
  int32_t *src = a, *dst = tmp;  // ping-pong between the two buffers, one pass per width
  for (long width = 1; width < n; width *= 2) {
    for (long lo = 0; lo < n; lo += 2 * width) {
      long mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      long i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    int32_t *t = src; src = dst; dst = t;
  }
  if (src != a) memcpy(a, src, (size_t)n * sizeof *a);
}

int main(int argc, char **argv) {
  long n = argc > 1 ? strtol(argv[1], NULL, 10) : 4000000;
  int32_t *q = malloc((size_t)n * sizeof *q), *m = malloc((size_t)n * sizeof *m);
  int32_t *tmp = malloc((size_t)n * sizeof *tmp);
  if (!q || !m || !tmp) return 1;
  uint32_t x = 2463534242u;
  for (long i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    q[i] = m[i] = (int32_t)(x % 1000000007u) - 500000000;  // some duplicates, both signs
  }
  quicksort(q, n);
  mergesort(m, tmp, n);
  uint64_t hash = 1469598103934665603ULL;
  for (long i = 0; i < n; i++) {
    if (q[i] != m[i] || (i > 0 && q[i - 1] > q[i])) { printf("checksum: unsorted\n"); return 1; }
    hash = (hash ^ (uint32_t)q[i]) * 1099511628211ULL;
  }
  printf("checksum: %016llx\n", (unsigned long long)hash);
  free(q); free(m); free(tmp);
  return 0;
}
