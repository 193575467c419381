#!/usr/bin/env python3
"""`wcr run --invoke`: results printed as values; traps (stack exhaustion, out-of-bounds memory,
interrupts from --timeout, running out of --fuel) ending the guest with exit 134, the spec message
and a wasm backtrace; bad arguments refused with exit 1, bad flags with exit 2; a frame larger
than the stack's guard gap traps too.
Each case is its own process; together they show a trapping guest never takes the host down.

The backtraces' offsets are checked exactly on a module assembled here byte by byte, so the
offset of every instruction is known. When Wasmtime is available (`wasmtime` on PATH, or the
WASMTIME environment variable naming its binary), its backtraces for the same traps must equal
ours line for line; without it that comparison is skipped and says so.
Usage: run_command_test.py WCR GUESTS_WAT"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TRAP = 134

# (args, exit code, stdout, strings stderr must contain, at most this many seconds)
CASES = [
    (["--invoke", "fac", "20"], 0, "2432902008176640000\n", [], None),
    (["--invoke", "half", "3"], 0, "1.5\n", [], None),
    (["--invoke", "recurse", "1"], TRAP, "",
     ["error: wasm trap: call stack exhausted\nwasm backtrace:\n    0: <unknown>!rec\n",
      "    1:     0x", " - <unknown>!rec\n", "\n   63:     0x", "more frames\n"], None),
    (["--invoke", "oob"], TRAP, "",
     ["error: wasm trap: out of bounds memory access\nwasm backtrace:\n    0:     0x",
      " - <unknown>!wasm-function[2]\n"], None),
    (["--invoke", "spin", "--timeout", "200ms"], TRAP, "",
     ["error: wasm trap: interrupt\nwasm backtrace:\n    0:     0x", " - <unknown>!spin\n"], 5),
    (["--invoke", "spin", "--fuel", "1000"], TRAP, "",
     ["error: wasm trap: all fuel consumed\nwasm backtrace:\n    0:     0x",
      " - <unknown>!spin\n"], 5),
    (["--invoke", "fac", "20", "--fuel", "1000"], 0, "2432902008176640000\n", [], None),
    (["--invoke", "fac", "20", "--fuel", "10"], TRAP, "", ["wasm trap: all fuel consumed"], None),
    # A guest that finishes does not wait for its timeout.
    (["--invoke", "fac", "20", "--timeout", "60s"], 0, "2432902008176640000\n", [], 5),
    (["--invoke", "fac", "x"], 1, "", ["not a valid i64"], None),
    (["--invoke", "fac"], 1, "", ["takes 1 arguments, 0 given"], None),
    (["--invoke", "nope"], 1, "", ["no exported function"], None),
    (["--invoke", "spin", "--timeout", "soon"], 2, "", ["not a duration"], None),
    (["--invoke", "spin", "--timeout", "-1s"], 2, "", ["not a duration"], None),
    (["--invoke", "spin", "--fuel", "lots"], 2, "", ["--fuel"], None),
]


# ---- A module with a known layout --------------------------------------------------------------
def uleb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        done = (n == 0 and not byte & 0x40) or (n == -1 and byte & 0x40)
        out.append(byte | (0 if done else 0x80))
        if done:
            return bytes(out)


def vec(items):
    return uleb(len(items)) + b"".join(items)


def name(text):
    return uleb(len(text.encode())) + text.encode()


def section(section_id, payload):
    return bytes([section_id]) + uleb(len(payload)) + payload


I32 = 0x7F
# (name, type index, instruction bytes, index of the marked instruction in those bytes)
FUNCS = [
    ("div", 0, b"\x20\x00\x20\x01\x6d\x0b", 4),                  # i32.div_s
    ("caller", 1, b"\x41\x01\x20\x00\x10\x00\x0b", 4),           # call $div
    ("load", 1, b"\x20\x00\x28\x02\x00\x0b", 2),                 # i32.load
    ("oob", 3, b"\x41" + sleb(65536) + b"\x10\x02\x0b", 4),      # call $load
    ("spin", 2, b"\x03\x40\x0c\x00\x0b\x0b", 0),                 # loop
]


def assemble():
    """The module's bytes and, per function name, the offset of its marked instruction."""
    types = [([I32, I32], [I32]), ([I32], [I32]), ([], []), ([], [I32])]
    out = b"\0asm\x01\0\0\0"
    out += section(1, vec([b"\x60" + vec([bytes([p]) for p in params]) +
                           vec([bytes([r]) for r in results]) for params, results in types]))
    out += section(3, vec([uleb(f[1]) for f in FUNCS]))
    out += section(5, vec([b"\x00\x01"]))
    out += section(7, vec([name(n) + b"\x00" + uleb(i) for i, (n, _, _, _) in enumerate(FUNCS)
                           if n in ("caller", "oob", "spin")]))
    bodies = [b"\x00" + code for _, _, code, _ in FUNCS]  # no locals
    payload = uleb(len(bodies)) + b"".join(uleb(len(b)) + b for b in bodies)
    offsets = {}
    at = len(out) + 1 + len(uleb(len(payload))) + len(uleb(len(bodies)))
    for (fname, _, _, mark), body in zip(FUNCS, bodies):
        at += len(uleb(len(body)))
        offsets[fname] = at + 1 + mark  # after the empty locals vector
        at += len(body)
    out += section(10, payload)
    names = section(0, name("layout")) + section(
        1, vec([uleb(i) + name(n) for i, (n, _, _, _) in enumerate(FUNCS)]))
    out += section(0, name("name") + names)
    return out, offsets


def frame(index, offset, func):
    return f"  {index:>3}: {offset:#8x} - layout!{func}"


FRAME_LINE = re.compile(r"^\s+\d+:\s+0x[0-9a-f]+ - \S+!\S+$")


def frame_lines(stderr):
    return [line for line in stderr.splitlines() if FRAME_LINE.match(line)]


def find_wasmtime():
    candidates = [os.environ.get("WASMTIME"), shutil.which("wasmtime")]
    for path in filter(None, candidates):
        try:
            r = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
        except OSError:
            continue
        if r.returncode == 0:
            return path
    return None


def check_layout(wcr, work_dir):
    """Exact offsets on the assembled module, and agreement with Wasmtime when it is there."""
    binary, offsets = assemble()
    path = os.path.join(work_dir, "layout.wasm")
    with open(path, "wb") as f:
        f.write(binary)
    # (wcr args, wasmtime args, expected frames)
    traps = [
        (["--invoke", "caller", "0"], ["--invoke", "caller"], "0",
         [frame(0, offsets["div"], "div"), frame(1, offsets["caller"], "caller")]),
        (["--invoke", "oob"], ["--invoke", "oob"], None,
         [frame(0, offsets["load"], "load"), frame(1, offsets["oob"], "oob")]),
        (["--invoke", "spin", "--timeout", "200ms"], ["-W", "timeout=200ms", "--invoke", "spin"],
         None, [frame(0, offsets["spin"], "spin")]),
        (["--invoke", "spin", "--fuel", "100"], ["-W", "fuel=100", "--invoke", "spin"], None,
         [frame(0, offsets["spin"], "spin")]),
    ]
    wasmtime = find_wasmtime()
    if not wasmtime:
        print("SKIP comparison with Wasmtime: no runnable `wasmtime` on PATH and WASMTIME unset")
    failures = 0
    for wcr_args, wt_args, wt_arg, expected in traps:
        r = subprocess.run([wcr, "run", path, *wcr_args], capture_output=True, text=True,
                           timeout=120)
        ours = frame_lines(r.stderr)
        if r.returncode != TRAP or ours != expected:
            failures += 1
            print(f"FAIL layout {wcr_args}: exit {r.returncode}, frames {ours}, "
                  f"expected {expected}; stderr {r.stderr!r}")
        if wasmtime:
            w = subprocess.run([wasmtime, "run", *wt_args, path, *([wt_arg] if wt_arg else [])],
                               capture_output=True, text=True, timeout=120)
            theirs = frame_lines(w.stderr)
            if theirs != ours:
                failures += 1
                print(f"FAIL layout {wcr_args}: Wasmtime's frames {theirs} != ours {ours}")
    checked = len(traps) * (2 if wasmtime else 1)
    return checked - failures, failures


def check_huge_frame(wcr, work_dir):
    """A recursive function whose frame (3.8 MB of call-result slots) is larger than the stack's
    guard gap: the recursion must end in the stack-exhaustion trap, not in a fault past the guard
    (which crashed the host before functions probed their frames)."""
    calls = " ".join(["(drop (drop (drop (call $three))))"] * 80000)
    path = os.path.join(work_dir, "huge_frame.wat")
    with open(path, "w") as f:
        f.write("(module (func $three (result i32 i32 i32) (i32.const 1) (i32.const 2) (i32.const 3))"
                f" (func $f (export \"big\") (param i32) {calls}"
                " (call $f (i32.add (local.get 0) (i32.const 1)))))")
    r = subprocess.run([wcr, "run", "--no-cache", "-O", "0", "--invoke", "big", path, "0"],
                       capture_output=True, text=True, timeout=300)
    if r.returncode == TRAP and "wasm trap: call stack exhausted" in r.stderr:
        return 1, 0
    print(f"FAIL huge frame: exit {r.returncode}, stderr {r.stderr[:500]!r}")
    return 0, 1


def main():
    wcr, guests = sys.argv[1], sys.argv[2]
    passed = failed = 0
    for args, code, out, err_parts, max_seconds in CASES:
        start = time.monotonic()
        r = subprocess.run([wcr, "run", guests, *args], capture_output=True, text=True, timeout=120)
        elapsed = time.monotonic() - start
        ok = r.returncode == code and r.stdout == out and all(p in r.stderr for p in err_parts)
        if max_seconds is not None and elapsed > max_seconds:
            ok = False
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {args}: exit {r.returncode}, {elapsed:.1f} s, stdout {r.stdout!r}, "
                  f"stderr {r.stderr[:2000]!r}")
    with tempfile.TemporaryDirectory() as work_dir:
        layout_passed, layout_failed = check_layout(wcr, work_dir)
        frame_passed, frame_failed = check_huge_frame(wcr, work_dir)
    passed += layout_passed + frame_passed
    failed += layout_failed + frame_failed
    print(f"run-command: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
