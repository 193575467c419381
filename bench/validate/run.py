#!/usr/bin/env python3
"""Decode+validate benchmark: wcr vs wabt's wasm-validate on the largest real core modules at hand.

The modules come from the npm packages @bytecodealliance/componentize-js and
@bytecodealliance/jco-transpile (installed into bench/.deps on first use). For each file it measures,
in one run and interleaved:
  - wcr in process (bench_validate: decodeAndValidate only), best and median MB/s;
  - `wcr validate FILE` and `wasm-validate FILE` as whole processes (median wall time of N runs).
It writes bench/results/validate.md with the ratios. Reproduce: python3 bench/validate/run.py
"""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPS = os.path.join(ROOT, "bench", ".deps")
PACKAGES = ["@bytecodealliance/componentize-js@0.23.0", "@bytecodealliance/jco-transpile@0.15.0"]


def ensure_modules():
    files = sorted(glob.glob(os.path.join(DEPS, "node_modules", "@bytecodealliance", "*", "**", "*.wasm"),
                             recursive=True))
    if not files:
        os.makedirs(DEPS, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--prefix", DEPS, *PACKAGES], check=True)
        files = sorted(glob.glob(os.path.join(DEPS, "node_modules", "@bytecodealliance", "*", "**", "*.wasm"),
                                 recursive=True))
    # Core modules of at least 1 MB, one copy of each (nested packages repeat files).
    seen, out = set(), []
    for f in files:
        with open(f, "rb") as fh:
            head = fh.read(8)
        if head != b"\0asm\x01\0\0\0" or os.path.getsize(f) < 1_000_000:
            continue
        key = (os.path.basename(f), os.path.getsize(f))
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def time_process(cmd, runs):
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - t0)
        if r.returncode != 0:
            return None, r.stderr.decode(errors="replace").strip()
    return statistics.median(times), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "validate.md"))
    args = ap.parse_args()

    wcr = os.path.join(args.build, "wcr")
    bench = os.path.join(args.build, "bench", "bench_validate")
    for tool in (wcr, bench):
        if not os.path.exists(tool):
            sys.exit(f"missing {tool}: build first (scripts/test or cmake --build build)")
    have_wabt = shutil.which("wasm-validate") is not None
    files = ensure_modules()
    if not files:
        sys.exit("no modules found")

    rows = []
    for f in files:
        size = os.path.getsize(f)
        inproc = json.loads(subprocess.run([bench, "--min-seconds", "2", f], check=True,
                                           capture_output=True, text=True).stdout.splitlines()[0])
        # Interleave the two CLIs so machine noise hits both alike.
        wcr_t, wabt_t, err = [], [], None
        for _ in range(args.runs):
            t, e = time_process([wcr, "validate", f], 1)
            if t is None:
                err = e
                break
            wcr_t.append(t)
            if have_wabt:
                t, e = time_process(["wasm-validate", f], 1)
                wabt_t.append(t if t is not None else float("nan"))
        rows.append(dict(file=os.path.relpath(f, DEPS), mb=size / 1e6, inproc=inproc,
                         wcr=statistics.median(wcr_t) if wcr_t else None,
                         wabt=statistics.median(wabt_t) if wabt_t else None, err=err))
        print(json.dumps(rows[-1]), flush=True)

    lines = ["# Decode + validate: wcr vs wasm-validate (wabt 1.0.32)", "",
             f"Command: `python3 bench/validate/run.py` ({args.runs} interleaved process runs per file; "
             "in-process figures are from bench_validate over >= 2 s).", "",
             "| module | MB | wcr in-process MB/s (best / median) | `wcr validate` s | `wasm-validate` s | wasm-validate / wcr |",
             "|---|---:|---:|---:|---:|---:|"]
    ratios = []
    for r in rows:
        if r["err"]:
            lines.append(f"| {r['file']} | {r['mb']:.1f} | error: {r['err'][:80]} | | | |")
            continue
        ratio = r["wabt"] / r["wcr"] if r["wabt"] and r["wcr"] else None
        if ratio:
            ratios.append(ratio)
        lines.append(f"| {r['file']} | {r['mb']:.1f} | {r['inproc']['best_mb_s']:.0f} / {r['inproc']['median_mb_s']:.0f} "
                     f"| {r['wcr']:.4f} | {r['wabt']:.4f} | {ratio:.1f}x |" if ratio else
                     f"| {r['file']} | {r['mb']:.1f} | {r['inproc']['best_mb_s']:.0f} / {r['inproc']['median_mb_s']:.0f} "
                     f"| {r['wcr']:.4f} | n/a | n/a |")
    if ratios:
        geo = statistics.geometric_mean(ratios)
        lines += ["", f"Geometric mean speed-up of `wcr validate` over `wasm-validate`: **{geo:.1f}x**."]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
