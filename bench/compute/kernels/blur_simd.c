// blur_simd: separable 3-tap blur ([1 2 1] / 4, horizontally then vertically) of a 1024x1024
// float image, repeated, written with 128-bit SIMD intrinsics: <wasm_simd128.h> in the wasm
// build (-msimd128), SSE natively on x86 (same 4-lane width, same operations, so the same
// results bit for bit), plain C elsewhere. Measures how well each engine maps wasm SIMD
// (v128 loads/stores, f32x4 add/mul, unaligned neighbours) to the host's vector unit.
// Usage: blur_simd [PASSES], default 1500. Checksum: FNV-1a of the final pixels' bits.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#define WIDTH 1024   // a multiple of 4: rows split into whole vectors
#define HEIGHT 1024

// One output pixel: ((a + c) + (b + b)) * 0.25, the exact operation order of the vector code.
static float tap(float a, float b, float c) { return ((a + c) + (b + b)) * 0.25f; }

#if defined(__wasm_simd128__)
typedef v128_t vec;
static vec load(const float *p) { return wasm_v128_load(p); }
static void store(float *p, vec v) { wasm_v128_store(p, v); }
static vec tap4(vec a, vec b, vec c) {
  return wasm_f32x4_mul(wasm_f32x4_add(wasm_f32x4_add(a, c), wasm_f32x4_add(b, b)),
                        wasm_f32x4_splat(0.25f));
}
#elif defined(__SSE2__)
typedef __m128 vec;
static vec load(const float *p) { return _mm_loadu_ps(p); }
static void store(float *p, vec v) { _mm_storeu_ps(p, v); }
static vec tap4(vec a, vec b, vec c) {
  return _mm_mul_ps(_mm_add_ps(_mm_add_ps(a, c), _mm_add_ps(b, b)), _mm_set1_ps(0.25f));
}
#else
typedef struct { float f[4]; } vec;
static vec load(const float *p) { vec v; memcpy(v.f, p, sizeof v.f); return v; }
static void store(float *p, vec v) { memcpy(p, v.f, sizeof v.f); }
static vec tap4(vec a, vec b, vec c) {
  vec r;
  for (int i = 0; i < 4; i++) r.f[i] = tap(a.f[i], b.f[i], c.f[i]);
  return r;
}
#endif

static void blur_rows(const float *src, float *dst) {  // horizontal taps, edges clamped
  for (int y = 0; y < HEIGHT; y++) {
    const float *s = src + y * WIDTH;
    float *d = dst + y * WIDTH;
    d[0] = tap(s[0], s[0], s[1]);
    for (int x = 1; x < 4; x++) d[x] = tap(s[x - 1], s[x], s[x + 1]);
    for (int x = 4; x < WIDTH - 4; x += 4)
      store(d + x, tap4(load(s + x - 1), load(s + x), load(s + x + 1)));
    for (int x = WIDTH - 4; x < WIDTH - 1; x++) d[x] = tap(s[x - 1], s[x], s[x + 1]);
    d[WIDTH - 1] = tap(s[WIDTH - 2], s[WIDTH - 1], s[WIDTH - 1]);
  }
}

static void blur_columns(const float *src, float *dst) {  // vertical taps, edges clamped
  for (int y = 0; y < HEIGHT; y++) {
    const float *up = src + (y > 0 ? y - 1 : 0) * WIDTH, *mid = src + y * WIDTH;
    const float *down = src + (y < HEIGHT - 1 ? y + 1 : y) * WIDTH;
    for (int x = 0; x < WIDTH; x += 4)
      store(dst + y * WIDTH + x, tap4(load(up + x), load(mid + x), load(down + x)));
  }
}

int main(int argc, char **argv) {
  unsigned passes = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1500;
  float *image = malloc(WIDTH * HEIGHT * sizeof(float));
  float *scratch = malloc(WIDTH * HEIGHT * sizeof(float));
  if (!image || !scratch) return 1;
  uint32_t x = 2463534242u;
  for (int i = 0; i < WIDTH * HEIGHT; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    image[i] = (float)(x & 0xffff);
  }
  for (unsigned p = 0; p < passes; p++) {
    blur_rows(image, scratch);
    blur_columns(scratch, image);
    image[(p * 7919u) % (WIDTH * HEIGHT)] += 65536.0f;  // keep the image from going flat
  }
  uint64_t hash = 1469598103934665603ULL;
  for (int i = 0; i < WIDTH * HEIGHT; i++) {
    uint32_t bits;
    memcpy(&bits, &image[i], sizeof bits);
    hash = (hash ^ bits) * 1099511628211ULL;
  }
  printf("checksum: %016llx\n", (unsigned long long)hash);
  free(image);
  free(scratch);
  return 0;
}
