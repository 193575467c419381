// textscan: string scanning over ~4 MiB of generated text: Boyer-Moore-Horspool search for a
// set of patterns, and a backtracking glob matcher (`*`, `?`) applied to every word. Measures
// byte loads, skip-table lookups and branchy, data-dependent control flow: the work of grep,
// log filters and file-name matching. Usage: textscan [ROUNDS], default 16. Checksum: a hash of
// all match counts.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEXT_BYTES (4u << 20)

static const char *const kSyllables[] = {"ka", "to", "ri", "ne", "sa", "mo", "lu", "pe", "an",
                                         "di", "qu", "ex", "or", "ve", "ti", "ba"};
static const char *const kPatterns[] = {"neri", "saka toru", "quexor", "ba ba", "luvemoti",
                                        "an", "dipeka", "orexqu", "timo lu", "kakakaka"};
static const char *const kGlobs[] = {"*ne*ri*", "ka?o*", "*ba", "??an*", "*qu?x*", "t*o*i",
                                     "*a*a*a*a*", "lu*", "*ve?", "*o*o*o*"};

static size_t horspool_count(const char *text, size_t n, const char *pat) {
  size_t m = strlen(pat), skip[256], count = 0;
  for (int i = 0; i < 256; i++) skip[i] = m;
  for (size_t i = 0; i + 1 < m; i++) skip[(unsigned char)pat[i]] = m - 1 - i;
  for (size_t pos = 0; pos + m <= n; pos += skip[(unsigned char)text[pos + m - 1]]) {
    size_t k = m;
    while (k > 0 && text[pos + k - 1] == pat[k - 1]) k--;
    if (k == 0) count++;
  }
  return count;
}

// Glob over [word, end): `*` matches any run, `?` any one byte. Backtracks to the last star.
static int glob_match(const char *glob, const char *word, const char *end) {
  const char *star = NULL, *resume = NULL;
  while (word < end) {
    if (*glob == '?' || (*glob != '*' && *glob == *word)) { glob++; word++; }
    else if (*glob == '*') { star = glob++; resume = word; }
    else if (star) { glob = star + 1; word = ++resume; }
    else return 0;
  }
  while (*glob == '*') glob++;
  return *glob == '\0';
}

int main(int argc, char **argv) {
  unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 16;
  char *text = malloc(TEXT_BYTES + 1);
  if (!text) return 1;
  uint32_t x = 0x9e3779b9u;
  size_t len = 0;
  while (len + 16 < TEXT_BYTES) {  // words of 1-6 syllables separated by spaces
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    for (uint32_t s = 0, n = 1 + x % 6; s < n; s++) {
      memcpy(text + len, kSyllables[(x >> (4 + 4 * s)) & 15], 2);
      len += 2;
    }
    text[len++] = ' ';
  }
  text[len] = '\0';
  const size_t npat = sizeof kPatterns / sizeof *kPatterns, nglob = sizeof kGlobs / sizeof *kGlobs;
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned r = 0; r < rounds; r++) {
    size_t start = r * 13;  // shift the window a little each round
    for (size_t p = 0; p < npat; p++)
      hash = (hash ^ horspool_count(text + start, len - start, kPatterns[p])) * 1099511628211ULL;
    const char *glob = kGlobs[r % nglob];
    size_t matches = 0;
    for (const char *w = text + start; *w;) {
      const char *e = w;
      while (*e && *e != ' ') e++;  // by hand, not strchr: measure compiled code, not libc
      matches += (size_t)glob_match(glob, w, e);
      w = *e ? e + 1 : e;
    }
    hash = (hash ^ matches) * 1099511628211ULL;
  }
  printf("checksum: %016llx\n", (unsigned long long)hash);
  free(text);
  return 0;
}
