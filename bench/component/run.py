#!/usr/bin/env python3
"""Component-call benchmark, wcr and Wasmtime side by side in one run.

wcr: build/bench/bench_component (Google Benchmark; wall time) on bench/component/compose.wat:
host-to-component `f(record, 16-byte string)` and component-to-component `run(n)` (ns per inner
call), the latter through fused adapters and through the reference lift-then-lower path. Wasmtime: the same composition encoded by `jco parse`, precompiled with `wasmtime compile`,
timed as `wasmtime run --allow-precompiled --invoke 'run(N)'` for a small and a large N; the
difference divided by the difference in N is the time of one component-to-component call (start-up
cancels out). Writes bench/results/component.md.

Usage: python3 bench/component/run.py [--reps 5] [--calls 2000000] [--build build]
"""
import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def wcr_numbers(build, reps):
    exe = os.path.join(build, "bench", "bench_component")
    out = subprocess.run([exe, os.path.join(HERE, "compose.wat"), f"--benchmark_repetitions={reps}",
                          "--benchmark_report_aggregates_only=true", "--benchmark_format=json"],
                         capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    host = c2c = ref = None
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        if b["run_name"].startswith("HostToComponent"):
            host = b["real_time"]  # ns
        elif b["run_name"].startswith("ComponentToComponent"):
            ns = b["ns_per_call"] * 1e9 if b["ns_per_call"] < 1e-3 else b["ns_per_call"]
            if "fused:1" in b["run_name"]:
                c2c = ns
            else:
                ref = ns
    return host, c2c, ref


def wasmtime_c2c(reps, calls):
    if not shutil.which("wasmtime") or not shutil.which("jco"):
        return None, "wasmtime or jco missing"
    work = tempfile.mkdtemp(prefix="wcr-bench-component-")
    wasm = os.path.join(work, "compose.wasm")
    cwasm = os.path.join(work, "compose.cwasm")
    subprocess.run(["jco", "parse", os.path.join(HERE, "compose.wat"), "-o", wasm], check=True,
                   capture_output=True)
    subprocess.run(["wasmtime", "compile", wasm, "-o", cwasm], check=True, capture_output=True)

    def once(n):
        t0 = time.perf_counter()
        r = subprocess.run(["wasmtime", "run", "--allow-precompiled", "--invoke", f"run({n})", cwasm],
                           capture_output=True, text=True, check=True)
        dt = time.perf_counter() - t0
        if int(r.stdout.strip()) != (n * (1 + 16 + ord("0"))) % 2**32:
            raise SystemExit(f"wasmtime: wrong result {r.stdout!r}")
        return dt

    small, large = [], []
    for _ in range(reps):  # interleaved
        small.append(once(1))
        large.append(once(calls))
    shutil.rmtree(work, ignore_errors=True)
    return (statistics.median(large) - statistics.median(small)) / (calls - 1) * 1e9, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--calls", type=int, default=2_000_000)
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    args = ap.parse_args()
    host, c2c, ref = wcr_numbers(args.build, args.reps)
    wt, why = wasmtime_c2c(args.reps, args.calls)
    version = subprocess.run(["wasmtime", "--version"], capture_output=True, text=True).stdout.strip() \
        if shutil.which("wasmtime") else "absent"
    lines = [
        "# Component calls: wcr and Wasmtime",
        "",
        f"Command: `python3 bench/component/run.py --reps {args.reps} --calls {args.calls}` "
        f"({datetime.datetime.utcnow():%Y-%m-%d %H:%M} UTC; {version}). Medians of wall time; the "
        "machine has 2 cores and may be shared with other work.",
        "",
        "Arguments: a record of four fields (u32, u32, u64, f64) and a 16-byte string; result u32. "
        "Component-to-component: the loop runs inside the caller component (bench/component/compose.wat).",
        "",
        "| call | wcr ns | Wasmtime ns | wcr/Wasmtime | goal |",
        "|---|---:|---:|---:|---|",
        f"| host -> component | {host:.0f} | n/a (no host-call CLI) | | |",
        f"| component -> component (fused adapter) | {c2c:.1f} | " +
        (f"{wt:.1f} | {c2c / wt:.2f}" if wt else f"{why} |") + " | <= 20 ns |",
        f"| component -> component (reference path, WCR_NO_FUSED_ADAPTERS) | {ref:.0f} | | | |",
        "",
        "Both runtimes compile a fused adapter per (lower, lift) pair: wcr generates a core wasm "
        "module (canon/link/adapter_builder.h) and compiles it with its LLVM JIT, so the call is "
        "wasm -> adapter -> callee with no host transition. The reference path lifts the arguments "
        "into dynamic `canon::abi::Value`s and lowers them again (the spec's definition, kept as "
        "the executable reference that tests compare against). Host -> component calls still take "
        "the Value path.",
    ]
    text = "\n".join(lines) + "\n"
    out = os.path.join(ROOT, "bench", "results", "component.md")
    with open(out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    sys.exit(main())
