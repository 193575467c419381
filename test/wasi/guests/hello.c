// Guest: stdout, stderr, arguments, environment and exit status.
//   hello [exit N | return N | trap]
// Prints a greeting, its arguments (argv[0] as a base name) and its environment (sorted), writes
// a line to stderr, then exits as asked: exit(N), return N from main, or trap.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char** environ;

static int compareStrings(const void* a, const void* b) {
  return strcmp(*(char* const*)a, *(char* const*)b);
}

int main(int argc, char** argv) {
  printf("hello from wasi\n");
  printf("argc=%d\n", argc);
  const char* slash = strrchr(argv[0], '/');
  printf("argv[0]=%s\n", slash ? slash + 1 : argv[0]);
  for (int i = 1; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  int count = 0;
  while (environ[count]) ++count;
  char** sorted = malloc(sizeof(char*) * (count + 1));
  memcpy(sorted, environ, sizeof(char*) * count);
  qsort(sorted, count, sizeof(char*), compareStrings);
  printf("environ has %d entries\n", count);
  for (int i = 0; i < count; ++i) printf("env %s\n", sorted[i]);
  const char* greeting = getenv("GREETING");
  printf("getenv(GREETING)=%s\n", greeting ? greeting : "(null)");
  printf("getenv(MISSING)=%s\n", getenv("MISSING") ? "set" : "(null)");
  fprintf(stderr, "a line on stderr\n");
  fflush(stdout);
  if (argc > 2 && strcmp(argv[1], "exit") == 0) exit(atoi(argv[2]));
  if (argc > 2 && strcmp(argv[1], "return") == 0) return atoi(argv[2]);
  if (argc > 1 && strcmp(argv[1], "trap") == 0) __builtin_trap();
  return 0;
}
