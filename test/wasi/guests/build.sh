#!/bin/sh
# Builds the preview1 test guests (*.c beside this script) into the *.wasm files committed with
# them, with Debian's wasi-libc: clang-19 --target=wasm32-wasi --sysroot=/usr -O2 (the DWARF
# that wasi-libc's objects carry is stripped to keep the committed binaries small).
# Needs the Debian packages clang-19, lld-19 and wasi-libc (libclang-rt-19-dev-wasm32 for the
# builtins). Run it after changing a guest; the tests use the committed .wasm files.
set -eu
cd "$(dirname "$0")"
CC=${CC:-clang-19}
for source in *.c; do
  "$CC" --target=wasm32-wasi --sysroot=/usr -O2 -Wall -Wextra -Werror \
    -Wl,--strip-debug -o "${source%.c}.wasm" "$source"
  echo "built ${source%.c}.wasm"
done
