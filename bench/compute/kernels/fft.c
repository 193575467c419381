// fft: iterative radix-2 complex FFT (double precision), forward then inverse, repeated.
// Measures strided floating-point access, bit-reversal permutation and butterfly arithmetic on a
// 1 MiB working set. Twiddles come from our own Taylor-series sin/cos (only +,-,*,/) so every
// platform computes bit-identical results (libm sin/cos differ in the last ulp between glibc and
// wasi-libc). Usage: fft [ROUNDS], default 120 rounds of 2^16 points. Checksum: bits of a sum.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOG2_POINTS 16
#define POINTS (1u << LOG2_POINTS)
static const double kPi = 3.14159265358979323846;

// sin(x) for |x| <= pi by its Taylor series (enough terms for double accuracy).
static double taylor_sin(double x) {
  double term = x, sum = x;
  for (int k = 1; k < 30; k++) {
    term = -term * x * x / (double)((2 * k) * (2 * k + 1));
    sum += term;
  }
  return sum;
}

static double taylor_cos(double x) {
  double term = 1, sum = 1;
  for (int k = 1; k < 30; k++) {
    term = -term * x * x / (double)((2 * k - 1) * (2 * k));
    sum += term;
  }
  return sum;
}

static void fft(double *re, double *im, const double *twr, const double *twi, int inverse) {
  for (uint32_t i = 1, j = 0; i < POINTS; i++) {  // bit-reversal permutation
    uint32_t bit = POINTS >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j |= bit;
    if (i < j) {
      double t = re[i]; re[i] = re[j]; re[j] = t;
      t = im[i]; im[i] = im[j]; im[j] = t;
    }
  }
  for (uint32_t len = 2; len <= POINTS; len <<= 1) {
    uint32_t half = len >> 1, step = POINTS / len;
    for (uint32_t start = 0; start < POINTS; start += len) {
      for (uint32_t k = 0; k < half; k++) {
        double wr = twr[k * step], wi = inverse ? -twi[k * step] : twi[k * step];
        uint32_t p = start + k, q = p + half;
        double xr = re[q] * wr - im[q] * wi;
        double xi = re[q] * wi + im[q] * wr;
        re[q] = re[p] - xr; im[q] = im[p] - xi;
        re[p] += xr; im[p] += xi;
      }
    }
  }
  if (inverse) {
    double scale = 1.0 / POINTS;
    for (uint32_t i = 0; i < POINTS; i++) { re[i] *= scale; im[i] *= scale; }
  }
}

int main(int argc, char **argv) {
  unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 120;
  double *re = malloc(POINTS * sizeof(double)), *im = malloc(POINTS * sizeof(double));
  double *twr = malloc(POINTS / 2 * sizeof(double)), *twi = malloc(POINTS / 2 * sizeof(double));
  if (!re || !im || !twr || !twi) return 1;
  for (uint32_t k = 0; k < POINTS / 2; k++) {
    double angle = -2 * kPi * k / POINTS;  // in (-pi, 0]
    twr[k] = taylor_cos(angle);
    twi[k] = taylor_sin(angle);
  }
  uint32_t x = 2463534242u;  // xorshift32
  for (uint32_t i = 0; i < POINTS; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    re[i] = (double)(x % 2001) - 1000.0;
    im[i] = 0;
  }
  double acc = 0;
  for (unsigned r = 0; r < rounds; r++) {
    fft(re, im, twr, twi, 0);
    acc += re[r % POINTS] + im[(r * 7) % POINTS];
    fft(re, im, twr, twi, 1);
  }
  for (uint32_t i = 0; i < POINTS; i++) acc += re[i] * (double)(i & 15) + im[i];
  uint64_t bits;
  memcpy(&bits, &acc, sizeof bits);
  printf("checksum: %016llx\n", (unsigned long long)bits);
  free(re); free(im); free(twr); free(twi);
  return 0;
}
