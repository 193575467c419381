// probe: the smallest WASI command (one printf, exit 0). run.py runs it first on every engine to
// tell "this engine cannot run WASI programs at all" (reported, not a failure) from "a kernel
// fails or computes the wrong checksum" (a failure).
#include <stdio.h>

int main(void) {
  printf("checksum: 42\n");
  return 0;
}
