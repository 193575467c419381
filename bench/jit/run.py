#!/usr/bin/env python3
"""JIT benchmarks: compile throughput, cached and precompiled loads, call overhead.

In one run:
  - bench_compile on real core modules (the largest at hand, from the npm packages that
    bench/validate uses): LLVM compile at -O0 and -O2 in MB of code section per second, the
    first compile into the object cache and the load from it, and the load of a precompiled
    artifact (`wcr compile`), with the cache speed-up as a ratio;
  - `wasmtime compile` (Cranelift) on the same files, interleaved, for the wcr/Wasmtime ratio;
  - bench_calls (Google Benchmark): host->wasm and wasm->host nop calls, wasm call_indirect.
Writes bench/results/jit.md. Reproduce: python3 bench/jit/run.py [--files N] [--runs N]
"""
import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load_validate_helpers():
    spec = importlib.util.spec_from_file_location("validate_run",
                                                  os.path.join(ROOT, "bench", "validate", "run.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wasmtime_compile(path, runs):
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            t0 = time.perf_counter()
            r = subprocess.run(["wasmtime", "compile", path, "-o", os.path.join(tmp, "m.cwasm")],
                               capture_output=True)
            times.append(time.perf_counter() - t0)
            if r.returncode != 0:
                return None
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--files", type=int, default=2, help="how many modules (smallest first)")
    ap.add_argument("--runs", type=int, default=1, help="runs per measurement (median)")
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "jit.md"))
    args = ap.parse_args()
    bench_compile = os.path.join(args.build, "bench", "bench_compile")
    bench_calls = os.path.join(args.build, "bench", "bench_calls")
    for tool in (bench_compile, bench_calls):
        if not os.path.exists(tool):
            sys.exit(f"missing {tool}: build first (scripts/test or cmake --build build)")
    files = sorted(load_validate_helpers().ensure_modules(), key=os.path.getsize)[:args.files]
    have_wasmtime = shutil.which("wasmtime") is not None

    rows = []
    for f in files:
        samples, wt = [], []
        for _ in range(args.runs):  # interleaved: wcr, then wasmtime, per repetition
            out = subprocess.run([bench_compile, f], check=True, capture_output=True, text=True)
            samples.append(json.loads(out.stdout.splitlines()[0]))
            if have_wasmtime:
                t = wasmtime_compile(f, 1)
                if t is not None:
                    wt.append(t)
        row = {k: statistics.median(s[k] for s in samples) for k in samples[0]
               if k.endswith("_s")}
        row.update(file=os.path.basename(os.path.dirname(f)) + "/" + os.path.basename(f),
                   mb=samples[0]["code_bytes"] / 1e6, functions=samples[0]["functions"],
                   wasmtime=statistics.median(wt) if wt else None)
        rows.append(row)
        print(json.dumps(row), flush=True)

    calls = json.loads(subprocess.run(
        [bench_calls, "--benchmark_format=json", "--benchmark_repetitions=5",
         "--benchmark_report_aggregates_only=true"], check=True, capture_output=True,
        text=True).stdout)
    call_ns = {}
    for b in calls["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        name = b["run_name"]
        call_ns[name] = b["time/call"] * 1e9 if "time/call" in b else b["real_time"]

    lines = ["# JIT: compile throughput, cached loads, call overhead", "",
             f"Command: `python3 bench/jit/run.py --files {args.files} --runs {args.runs}` "
             "(medians; wcr and `wasmtime compile` interleaved; 2 cores).", "",
             "| module | code MB | funcs | -O0 MB/s | -O2 MB/s | `wasmtime compile` s | wcr -O2 / Wasmtime |"
             " cache load s | -O2 compile / cache load | artifact load s |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    speedups = []
    for r in rows:
        speed = r["compile_o2_s"] / r["cache_load_s"]
        speedups.append(speed)
        ratio = f"{r['compile_o2_s'] / r['wasmtime']:.1f}x" if r["wasmtime"] else "n/a"
        wt = f"{r['wasmtime']:.2f}" if r["wasmtime"] else "n/a"
        lines.append(f"| {r['file']} | {r['mb']:.2f} | {r['functions']} | "
                     f"{r['mb'] / r['compile_o0_s']:.2f} | {r['mb'] / r['compile_o2_s']:.2f} | {wt} | "
                     f"{ratio} | {r['cache_load_s']:.3f} | {speed:.0f}x | {r['artifact_load_s']:.3f} |")
    if speedups:
        lines += ["", f"Cache load vs first compile, geometric mean: **{statistics.geometric_mean(speedups):.0f}x** "
                  "faster (goal: at least 20x)."]
    lines += ["", "| call (bench_calls, median of 5) | ns per call | goal |", "|---|---:|---:|"]
    goals = {"HostToWasmNop": "<= 5", "WasmToHostNop": "<= 3", "WasmCallIndirect": ""}
    for name, ns in call_ns.items():
        lines.append(f"| {name} | {ns:.2f} | {goals.get(name, '')} |")
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
