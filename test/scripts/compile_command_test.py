#!/usr/bin/env python3
"""`wcr compile` and loading compiled code: a precompiled artifact runs like its module; damaged,
truncated, stale or foreign artifacts are refused with a clear error (exit 1, never a crash); the
object cache makes the second `wcr run` of a module load instead of compile.
Usage: compile_command_test.py WCR GUESTS_WAT WORK_DIR"""
import os
import shutil
import subprocess
import sys


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


def main():
    wcr, guests, work = sys.argv[1], sys.argv[2], sys.argv[3]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    results = []

    def check(name, ok, detail):
        results.append(ok)
        if not ok:
            print(f"FAIL {name}: {detail}")

    artifact = os.path.join(work, "guests.cwasm")
    r = run([wcr, "compile", guests, "-o", artifact])
    check("compile", r.returncode == 0 and os.path.exists(artifact), r.stderr)
    with open(artifact, "rb") as f:
        good = f.read()

    r = run([wcr, "run", artifact, "--invoke", "fac", "20", "--no-cache", "--verbose"])
    check("run artifact", r.returncode == 0 and r.stdout == "2432902008176640000\n"
          and "precompiled" in r.stderr, (r.returncode, r.stdout, r.stderr))
    r = run([wcr, "run", artifact, "--invoke", "oob", "--no-cache"])
    check("artifact trap", r.returncode == 134 and "out of bounds memory access" in r.stderr,
          (r.returncode, r.stderr))

    def refused(name, data, expect):
        path = os.path.join(work, name + ".cwasm")
        with open(path, "wb") as f:
            f.write(data)
        r = run([wcr, "run", path, "--invoke", "fac", "3", "--no-cache"])
        check(name, r.returncode == 1 and expect in r.stderr and "error:" in r.stderr,
              (r.returncode, r.stderr))

    middle = len(good) // 2
    refused("damaged", good[:middle] + bytes([good[middle] ^ 0xFF]) + good[middle + 1:], "damaged")
    refused("truncated", good[:len(good) // 3], "truncated")
    refused("header-only", good[:10], "truncated")
    version_at = good.index(b"llvm=") + len(b"llvm=")
    refused("stale", good[:version_at] + b"0" + good[version_at + 1:], "recompile it")
    cpu_at = good.index(b"cpu=") + len(b"cpu=")
    refused("foreign", good[:cpu_at] + b"Z" + good[cpu_at + 1:], "another wcr, LLVM or CPU")
    r = run([wcr, "validate", artifact])
    check("validate refuses artifact", r.returncode == 1 and "precompiled artifact" in r.stderr,
          (r.returncode, r.stderr))

    cache = os.path.join(work, "cache")
    first = run([wcr, "run", guests, "--invoke", "fac", "5", "--cache-dir", cache, "--verbose"])
    second = run([wcr, "run", guests, "--invoke", "fac", "5", "--cache-dir", cache, "--verbose"])
    check("cache miss then hit",
          first.stdout == second.stdout == "120\n" and "compiled" in first.stderr
          and "from the cache" in second.stderr, (first.stderr, second.stderr))
    nocache = run([wcr, "run", guests, "--invoke", "fac", "5", "--no-cache", "--verbose"])
    check("--no-cache compiles", nocache.stdout == "120\n" and "compiled" in nocache.stderr,
          nocache.stderr)

    passed = sum(results)
    print(f"compile-command: {passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
