// interp: a small stack-machine bytecode interpreter (switch dispatch) running a Collatz
// step-count program. Measures indirect-branch dispatch (a jump table / br_table), loads and
// stores of the operand stack and locals, and short dependent integer ops: the inner loop of
// every interpreter (Lua, Python, regex VMs). Usage: interp [LIMIT], default 250000 (the program
// sums Collatz steps for 1..LIMIT-1). Checksum: the step total and final locals.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum op { PUSH, GET, SET, ADD, MUL, AND, SHR, NE, LT, JZ, JMP, HALT };
enum local { I, N, STEPS, LIMIT, LOCALS };

struct assembler { int32_t code[128]; int len; };

static void emit(struct assembler *a, int32_t op, int32_t arg) {
  a->code[a->len++] = op;
  if (op == PUSH || op == GET || op == SET || op == JZ || op == JMP) a->code[a->len++] = arg;
}
static int here(const struct assembler *a) { return a->len; }
static int jump(struct assembler *a, int32_t op) { emit(a, op, -1); return a->len - 1; }
static void patch(struct assembler *a, int at, int target) { a->code[at] = target; }

static int64_t run(const int32_t *code, int64_t *locals) {
  int64_t stack[16];
  int sp = 0, pc = 0;
  for (;;) {
    switch ((enum op)code[pc++]) {
      case PUSH: stack[sp++] = code[pc++]; break;
      case GET: stack[sp++] = locals[code[pc++]]; break;
      case SET: locals[code[pc++]] = stack[--sp]; break;
      case ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case AND: sp--; stack[sp - 1] &= stack[sp]; break;
      case SHR: sp--; stack[sp - 1] >>= stack[sp]; break;
      case NE: sp--; stack[sp - 1] = stack[sp - 1] != stack[sp]; break;
      case LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
      case JZ: if (stack[--sp] == 0) pc = code[pc]; else pc++; break;
      case JMP: pc = code[pc]; break;
      case HALT: return locals[STEPS];
    }
  }
}

int main(int argc, char **argv) {
  int64_t limit = argc > 1 ? strtoll(argv[1], NULL, 10) : 250000;
  struct assembler a = {{0}, 0};
  emit(&a, PUSH, 1); emit(&a, SET, I);
  int loop_i = here(&a);  // while (i < limit)
  emit(&a, GET, I); emit(&a, GET, LIMIT); emit(&a, LT, 0);
  int to_end = jump(&a, JZ);
  emit(&a, GET, I); emit(&a, SET, N);
  int loop_n = here(&a);  // while (n != 1)
  emit(&a, GET, N); emit(&a, PUSH, 1); emit(&a, NE, 0);
  int to_next = jump(&a, JZ);
  emit(&a, GET, N); emit(&a, PUSH, 1); emit(&a, AND, 0);
  int to_even = jump(&a, JZ);
  emit(&a, GET, N); emit(&a, PUSH, 3); emit(&a, MUL, 0); emit(&a, PUSH, 1); emit(&a, ADD, 0);
  emit(&a, SET, N);
  int to_count = jump(&a, JMP);
  patch(&a, to_even, here(&a));  // n >>= 1
  emit(&a, GET, N); emit(&a, PUSH, 1); emit(&a, SHR, 0); emit(&a, SET, N);
  patch(&a, to_count, here(&a));  // steps++
  emit(&a, GET, STEPS); emit(&a, PUSH, 1); emit(&a, ADD, 0); emit(&a, SET, STEPS);
  emit(&a, JMP, loop_n);
  patch(&a, to_next, here(&a));  // i++
  emit(&a, GET, I); emit(&a, PUSH, 1); emit(&a, ADD, 0); emit(&a, SET, I);
  emit(&a, JMP, loop_i);
  patch(&a, to_end, here(&a));
  emit(&a, HALT, 0);

  int64_t locals[LOCALS] = {0, 0, 0, limit};
  int64_t steps = run(a.code, locals);
  uint64_t checksum = (uint64_t)steps * 1000003u ^ (uint64_t)locals[I] ^ (uint64_t)locals[N] << 32;
  printf("checksum: %016llx\n", (unsigned long long)checksum);
  return 0;
}
