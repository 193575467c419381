// Guest: standard input. Waits for stdin with poll(), then echoes every line upper-cased with
// its number, and reports the line count and the bytes read at end of file.
#include <ctype.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  struct pollfd fds[1] = {{.fd = 0, .events = POLLIN}};
  int ready = poll(fds, 1, 5000);
  printf("poll stdin: %d, POLLIN %d\n", ready, (fds[0].revents & POLLIN) != 0);
  char line[256];
  int lines = 0;
  size_t bytes = 0;
  while (fgets(line, sizeof line, stdin)) {
    bytes += strlen(line);
    for (char* c = line; *c; ++c) *c = (char)toupper((unsigned char)*c);
    printf("%d: %s", ++lines, line);
  }
  printf("%d lines, %zu bytes, eof %d\n", lines, bytes, feof(stdin));
  return 0;
}
