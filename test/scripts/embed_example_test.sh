#!/usr/bin/env bash
# Installs wcr from the build tree into a scratch prefix, builds examples/embed against the
# installed CMake package (and once more with pkg-config), and runs both programs.
# Usage: embed_example_test.sh BUILD_DIR SOURCE_DIR WORK_DIR
set -euo pipefail
build=$1 src=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
cmake --install "$build" --prefix "$work/prefix" >/dev/null
cmake -S "$src/examples/embed" -B "$work/cmake-build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake-build" >/dev/null
out=$("$work/cmake-build/embed" "$src/examples/embed/guest.wat")
echo "$out"
grep -q "sum_squares(100) = 338350 (host saw 338350)" <<<"$out"
grep -q "divide(7, 0) trapped: integer divide by zero" <<<"$out"
"$work/cmake-build/embed_c" "$src/examples/embed/guest.wat" | tee /dev/stderr | grep -q "C: sum_squares(100) = 338350 (host saw 338350)"

out=$("$work/cmake-build/embed_component" "$src/examples/embed/component.wat")
echo "$out"
grep -q "guest says: component world" <<<"$out"
grep -q "greet returned 15" <<<"$out"
grep -q "fib(50) = 12586269025" <<<"$out"
grep -q "fail trapped: .*unreachable" <<<"$out"

# pkg-config: the same program with a plain compiler command line.
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
c++ -O1 "$src/examples/embed/main.cc" -o "$work/embed-pc" $(pkg-config --cflags --libs wcr)
"$work/embed-pc" "$src/examples/embed/guest.wat" | grep -q "338350 (host saw 338350)"
c++ -O1 "$src/examples/embed/component.cc" -o "$work/embed-component-pc" $(pkg-config --cflags --libs wcr)
"$work/embed-component-pc" "$src/examples/embed/component.wat" | grep -q "fib(50) = 12586269025"
echo "embed example: cmake package and pkg-config builds pass"
