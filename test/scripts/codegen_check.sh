#!/bin/sh
# Code-shape regression check: compiles a module at -O2 with the optimized IR on stderr
# (WCR_LLVM_DUMP=2) and requires that exactly COUNT lines contain PATTERN (grep -E). Catches
# optimizations that stay correct but stop working (a loop that silently no longer vectorizes),
# which the semantic tests cannot see. Only the wasm functions count: an exported function may
# also be inlined into its guarded export entry (jit/llvm/trampolines.cc), a second copy of the
# same code. Usage: codegen_check.sh WCR MODULE PATTERN COUNT
set -u
wcr=$1 module=$2 pattern=$3 expected=$4
count=$(WCR_LLVM_DUMP=2 "$wcr" compile "$module" -o /dev/null 2>&1 |
  awk '/^define .*@wasm_guarded_export_/ { skip = 1 } !skip { print } skip && /^}/ { skip = 0 }' |
  grep -cE -- "$pattern")
if [ "$count" != "$expected" ]; then
  echo "codegen_check: $module: $count lines match '$pattern', expected $expected" >&2
  exit 1
fi
echo "codegen_check: $module: $count x '$pattern'"
