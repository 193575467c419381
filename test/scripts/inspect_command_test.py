#!/usr/bin/env python3
"""`wcr inspect`: the imports and exports of a module with their types, in text-format syntax, and
of a component as WIT; `wcr validate` on components; bad input gets `error:` and exit 1.
Usage: inspect_command_test.py WCR WORK_DIR"""
import os
import subprocess
import sys

MODULE = r'''(module
  (import "env" "f" (func (param i32 i64) (result f32)))
  (import "env" "mem" (memory 1 2))
  (import "env" "g" (global (mut i32)))
  (import "env" "t" (table 3 funcref))
  (global $h f64 (f64.const 0))
  (table $u 1 10 externref)
  (func $run (export "run") (param i32))
  (export "mem" (memory 0))
  (export "g" (global 0))
  (export "h" (global $h))
  (export "t2" (table $u))
  (export "f" (func 0))
  (export "quote\"d" (func $run)))
'''

EXPECTED = '''(module
  (import "env" "f" (func (param i32 i64) (result f32)))
  (import "env" "mem" (memory 1 2))
  (import "env" "g" (global (mut i32)))
  (import "env" "t" (table 3 funcref))
  (export "run" (func (param i32)))
  (export "mem" (memory 1 2))
  (export "g" (global (mut i32)))
  (export "h" (global f64))
  (export "t2" (table 1 10 externref))
  (export "f" (func (param i32 i64) (result f32)))
  (export "quote\\"d" (func (param i32)))
)
'''


COMPONENT = r'''(component
  (import "host:demo/log@1.0.0" (instance
    (export "log" (func (param "msg" string)))
    (export "level" (type (sub resource)))))
  (type $point (record (field "x" s32) (field "y" s32)))
  (export "point" (type $point))
  (core module $M (func (export "f") (param i32) (result i32) local.get 0))
  (core instance $m (instantiate $M))
  (func (export "ident") (param "v" u32) (result u32) (canon lift (core func $m "f"))))
'''

COMPONENT_WIT = """world root {
  import host:demo/log@1.0.0: interface {
    log: func(msg: string);
    level: resource;
  }
  export point: type = record { x: s32, y: s32 };
  export ident: func(v: u32) -> u32;
}
"""


def main():
    wcr, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    failures = 0
    path = os.path.join(work, "inspect.wat")
    with open(path, "w") as f:
        f.write(MODULE)
    r = subprocess.run([wcr, "inspect", path], capture_output=True, text=True, timeout=60)
    if r.returncode != 0 or r.stdout != EXPECTED:
        print("FAIL module:", r.returncode, r.stderr, "\n" + r.stdout)
        failures += 1
    cpath = os.path.join(work, "component.wat")
    with open(cpath, "w") as f:
        f.write(COMPONENT)
    for cmd, want in [(["inspect", cpath], COMPONENT_WIT), (["validate", cpath], "")]:
        r = subprocess.run([wcr] + cmd, capture_output=True, text=True, timeout=60)
        if r.returncode != 0 or r.stdout != want:
            print("FAIL component", cmd[0], r.returncode, r.stderr, "\n" + r.stdout)
            failures += 1
    badc = os.path.join(work, "bad-component.wat")
    with open(badc, "w") as f:
        f.write('(component (func (export "x") (canon lift (core func 0))))')
    r = subprocess.run([wcr, "validate", badc], capture_output=True, text=True, timeout=60)
    if r.returncode != 1 or "out of bounds" not in r.stderr:
        print("FAIL invalid component:", r.returncode, r.stderr)
        failures += 1
    bad = os.path.join(work, "bad.wasm")
    with open(bad, "wb") as f:
        f.write(b"\0asm\1\0\0\0\1\xff")
    for name, args in [("malformed", [bad]), ("missing", [os.path.join(work, "nope.wasm")])]:
        r = subprocess.run([wcr, "inspect"] + args, capture_output=True, text=True, timeout=60)
        if r.returncode != 1 or not r.stderr.startswith("error:"):
            print(f"FAIL {name}:", r.returncode, r.stderr)
            failures += 1
    print(f"inspect: {6 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
