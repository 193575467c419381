#!/usr/bin/env bash
# Builds the compute kernels (bench/compute/kernels/*.c) natively and to wasm32-wasi with the
# same clang, so native and wasm differ only in the target. Usage: build.sh [OUT_DIR]
# (default bench/compute/out). Writes OUT_DIR/native/K and OUT_DIR/wasm/K.wasm; skips outputs
# newer than their source and this script. Needs Debian's clang-19, lld-19 (wasm-ld-19),
# wasi-libc and libclang-rt-19-dev-wasm32 (scripts/install-deps installs them).
#
# Flag choices:
# - Native: -O2 -march=native. Wasmtime, V8 and wcr all compile wasm for the CPU they run on
#   (they detect AVX2, BMI, ... at run time), so the honest native baseline is also compiled for
#   this CPU; a generic x86-64 build would handicap native, not the engines.
# - -ffp-contract=off natively: clang's default (=on) fuses a*b+c into FMA with -march=native,
#   which rounds once instead of twice; wasm has no fused multiply-add, so floating-point
#   kernels would print different checksums. Off gives both builds IEEE-identical arithmetic.
# - Wasm: --target=wasm32-wasi --sysroot=/usr. Debian's wasi-libc puts headers in
#   /usr/include/wasm32-wasi and crt1/libc in /usr/lib/wasm32-wasi, which is the layout clang's
#   WASI driver expects under a sysroot of /usr; the builtins come from
#   /usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a and clang finds the
#   linker (wasm-ld-19, Debian's name for wasm-ld) itself. No -fuse-ld or PATH changes needed.
# - Wasm features: WebAssembly 2.0 without SIMD, i.e. clang 19's generic CPU plus -mbulk-memory
#   and -mnontrapping-fptoint. Both are part of wasm 2.0, clang 20 turns them on by default, and
#   wcr, Wasmtime and V8 all implement them. With bulk memory, clang lowers memcpy/memmove/memset
#   to memory.copy/memory.fill, which each engine implements natively; without it they call
#   wasi-libc's C loops (Debian builds wasi-libc without bulk memory), which measures the libc
#   port, not the engine (memops under clang 19's defaults: wcr 2.2x native, Wasmtime 7x).
#   The SIMD kernel (*_simd.c) adds -msimd128; the others stay scalar, as a default build is.
# - Wasm compile and link are separate steps on purpose: when clang links with an -O flag it
#   also runs binaryen's wasm-opt if one is on PATH, so the module would depend on whether
#   binaryen is installed. Linking without -O keeps the module exactly what LLVM produced.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-$HERE/out}
CC=${CC:-clang-19}
WARNINGS=(-Wall -Wextra -Werror)
NATIVE_FLAGS=(-O2 -march=native -ffp-contract=off)
WASM_FLAGS=(--target=wasm32-wasi --sysroot=/usr -O2 -mbulk-memory -mnontrapping-fptoint)

fail() { echo "build.sh: $*" >&2; exit 1; }
command -v "$CC" >/dev/null || fail "$CC not found (run scripts/install-deps)"
[ -f /usr/lib/wasm32-wasi/libc.a ] || fail "wasi-libc missing (run scripts/install-deps)"
[ -f /usr/lib/llvm-19/lib/clang/19/lib/wasi/libclang_rt.builtins-wasm32.a ] ||
  fail "wasm32 compiler-rt builtins missing (run scripts/install-deps: libclang-rt-19-dev-wasm32)"
mkdir -p "$OUT/native" "$OUT/wasm"

# up_to_date OUTPUT SOURCE: the output exists and is newer than the source and this script.
up_to_date() { [ "$1" -nt "$2" ] && [ "$1" -nt "${BASH_SOURCE[0]}" ]; }

build_one() {  # build_one SOURCE NAME
  local src=$1 name=$2 simd=()
  [[ $name == *_simd ]] && simd=(-msimd128)
  if ! up_to_date "$OUT/native/$name" "$src"; then
    "$CC" "${NATIVE_FLAGS[@]}" "${WARNINGS[@]}" "$src" -o "$OUT/native/$name" -lm
  fi
  if ! up_to_date "$OUT/wasm/$name.wasm" "$src"; then
    "$CC" "${WASM_FLAGS[@]}" "${simd[@]}" "${WARNINGS[@]}" -c "$src" -o "$OUT/wasm/$name.o"
    "$CC" --target=wasm32-wasi --sysroot=/usr "$OUT/wasm/$name.o" -o "$OUT/wasm/$name.wasm" -lm
    rm -f "$OUT/wasm/$name.o"
  fi
}

build_one "$HERE/probe.c" probe
count=0
for src in "$HERE"/kernels/*.c; do
  build_one "$src" "$(basename "$src" .c)"
  count=$((count + 1))
done
echo "build.sh: $count kernels + probe in $OUT (native/, wasm/)"
