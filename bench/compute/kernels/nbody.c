// nbody: gravitational N-body simulation (64 bodies, all pairs, symplectic Euler steps).
// Measures scalar double arithmetic with a square root and a division in the inner loop, the
// pattern of physics codes; data fits in L1, so this is pure FP latency/throughput.
// Usage: nbody [STEPS], default 45000. Checksum: bits of the final total energy.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BODIES 64

struct system {
  double x[BODIES], y[BODIES], z[BODIES];
  double vx[BODIES], vy[BODIES], vz[BODIES];
  double mass[BODIES];
};

static double next_unit(uint64_t *state) {  // xorshift64*, mapped to [0, 1)
  *state ^= *state >> 12; *state ^= *state << 25; *state ^= *state >> 27;
  return (double)((*state * 0x2545f4914f6cdd1dULL) >> 11) / 9007199254740992.0;
}

static void advance(struct system *s, double dt) {
  for (int i = 0; i < BODIES; i++) {
    for (int j = i + 1; j < BODIES; j++) {
      double dx = s->x[i] - s->x[j], dy = s->y[i] - s->y[j], dz = s->z[i] - s->z[j];
      double d2 = dx * dx + dy * dy + dz * dz + 0.01;  // softened
      double mag = dt / (d2 * sqrt(d2));
      s->vx[i] -= dx * s->mass[j] * mag; s->vy[i] -= dy * s->mass[j] * mag;
      s->vz[i] -= dz * s->mass[j] * mag;
      s->vx[j] += dx * s->mass[i] * mag; s->vy[j] += dy * s->mass[i] * mag;
      s->vz[j] += dz * s->mass[i] * mag;
    }
  }
  for (int i = 0; i < BODIES; i++) {
    s->x[i] += dt * s->vx[i]; s->y[i] += dt * s->vy[i]; s->z[i] += dt * s->vz[i];
  }
}

static double energy(const struct system *s) {
  double e = 0;
  for (int i = 0; i < BODIES; i++) {
    e += 0.5 * s->mass[i] * (s->vx[i] * s->vx[i] + s->vy[i] * s->vy[i] + s->vz[i] * s->vz[i]);
    for (int j = i + 1; j < BODIES; j++) {
      double dx = s->x[i] - s->x[j], dy = s->y[i] - s->y[j], dz = s->z[i] - s->z[j];
      e -= s->mass[i] * s->mass[j] / sqrt(dx * dx + dy * dy + dz * dz + 0.01);
    }
  }
  return e;
}

int main(int argc, char **argv) {
  unsigned long steps = argc > 1 ? strtoul(argv[1], NULL, 10) : 45000;
  static struct system s;
  uint64_t state = 88172645463325252ULL;
  for (int i = 0; i < BODIES; i++) {
    s.x[i] = next_unit(&state) * 20 - 10; s.y[i] = next_unit(&state) * 20 - 10;
    s.z[i] = next_unit(&state) * 20 - 10;
    s.vx[i] = next_unit(&state) - 0.5; s.vy[i] = next_unit(&state) - 0.5;
    s.vz[i] = next_unit(&state) - 0.5;
    s.mass[i] = 0.5 + next_unit(&state);
  }
  for (unsigned long step = 0; step < steps; step++) advance(&s, 0.001);
  double e = energy(&s);
  uint64_t bits;
  memcpy(&bits, &e, sizeof bits);
  printf("checksum: %016llx\n", (unsigned long long)bits);
  return 0;
}
