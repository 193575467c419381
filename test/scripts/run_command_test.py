#!/usr/bin/env python3
"""`wcr run --invoke`: results printed as values, traps (stack exhaustion, out-of-bounds memory)
ending the guest with exit 134 and the spec message, bad arguments refused with exit 1.
Each case is its own process; together they show a trapping guest never takes the host down.
Usage: run_command_test.py WCR GUESTS_WAT"""
import subprocess
import sys

CASES = [
    (["--invoke", "fac", "20"], 0, "2432902008176640000\n", ""),
    (["--invoke", "half", "3"], 0, "1.5\n", ""),
    (["--invoke", "recurse", "1"], 134, "", "wasm trap: call stack exhausted"),
    (["--invoke", "oob"], 134, "", "wasm trap: out of bounds memory access"),
    (["--invoke", "fac", "x"], 1, "", "not a valid i64"),
    (["--invoke", "fac"], 1, "", "takes 1 arguments, 0 given"),
    (["--invoke", "nope"], 1, "", "no exported function"),
]


def main():
    wcr, guests = sys.argv[1], sys.argv[2]
    passed = failed = 0
    for args, code, out, err in CASES:
        r = subprocess.run([wcr, "run", guests, *args], capture_output=True, text=True, timeout=120)
        ok = r.returncode == code and r.stdout == out and err in r.stderr
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {args}: exit {r.returncode}, stdout {r.stdout!r}, stderr {r.stderr!r}")
    print(f"run-command: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
