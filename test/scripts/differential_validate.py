#!/usr/bin/env python3
"""Differential validation of wcr against the wasm-2.0 suite and wabt.

For every .wast file of the suite:
  1. `wast2json` extracts its modules. Each has a verdict from the suite: `module` (and the
     modules of assert_unlinkable / assert_uninstantiable) -> valid, assert_invalid -> invalid,
     assert_malformed -> malformed (binary .wasm, or quoted text that wast2json writes as .wat).
     `wcr validate` must agree: exit 0 for valid, exit 1 for invalid or malformed. A .wat is
     text to wcr because it does not start with a NUL byte (binaries start with `\\0asm`);
     quoted text may be a whole `(module ...)` or bare fields, and parseWat accepts both, as
     the reference interpreter does. wcr does not label rejections malformed or invalid
     (function bodies are decoded while validating), so only accept/reject is compared.
  2. `wasm-validate` (wabt) runs on the same binaries; where wabt disagrees with the suite the
     case is listed, with the spec rule when it is a known wabt gap. Informational.
  3. `wcr wast --validate-only --dump-modules` writes every module wcr encoded; each that the
     suite says is valid must be accepted by `wasm-validate` (checks our text encoder).

Exit 0 when wcr agrees with the suite on every module and wabt accepts every valid module we
encoded; 1 otherwise; 77 (CTest's skip) when wast2json or wasm-validate is missing.
Standard library only.
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

SKIP = 77

VERDICT_OF = {
    "module": "valid",
    "assert_unlinkable": "valid",
    "assert_uninstantiable": "valid",
    "assert_invalid": "invalid",
    "assert_malformed": "malformed",
}

# Known places where wabt 1.0.32 disagrees with the suite: (file stem, text that appears in the
# command's source, explanation).
KNOWN_WABT_GAPS = [
    ("data", "empty instruction sequence",
     "wabt 1.0.32 accepts an empty offset expression. Spec (Validation > Modules > Data "
     "segments): an active data segment's offset must satisfy C |- expr : [i32] and be "
     "constant; an empty expression has type [], so the module is invalid (type mismatch)."),
    ("elem", "empty instruction sequence",
     "wabt 1.0.32 accepts an empty offset expression. Spec (Validation > Modules > Element "
     "segments): an active element segment's offset must satisfy C |- expr : [i32] and be "
     "constant; an empty expression has type [], so the module is invalid (type mismatch)."),
]


def run(cmd, timeout=60):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, "timeout"
    return p.returncode, p.stderr.decode("utf-8", "replace").strip()


def wcr_verdict(wcr, path):
    """('valid'|'rejected'|'error', message) from `wcr validate`."""
    rc, err = run([wcr, "validate", path])
    if rc == 0:
        return "valid", ""
    if rc == 1 and err.startswith("error:") and len(err.splitlines()) == 1:
        return "rejected", err
    return "error", f"exit {rc}: {err}"


def wabt_accepts(path):
    rc, err = run(["wasm-validate", path])
    return rc == 0, err


def source_snippet(lines, line):
    return "\n".join(lines[max(line - 1, 0):line + 8])


def check_file(wast, args):
    stem = os.path.splitext(os.path.basename(wast))[0]
    work = os.path.join(args.work_dir, stem)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    out = {"stem": stem, "modules": 0, "agree": 0, "disagree": [], "wabt_disagree": [],
           "encoded_valid": 0, "encoded_rejected": [], "errors": []}
    with open(wast, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")

    json_path = os.path.join(work, stem + ".json")
    rc, err = run(["wast2json", wast, "-o", json_path])
    if rc != 0:
        out["errors"].append(f"{stem}.wast: wast2json failed: {err}")
        return out
    with open(json_path) as f:
        commands = json.load(f)["commands"]

    for cmd in commands:
        verdict = VERDICT_OF.get(cmd["type"])
        if verdict is None or "filename" not in cmd:
            continue
        path = os.path.join(work, cmd["filename"])
        where = f"{stem}.wast:{cmd['line']}"
        ours, message = wcr_verdict(args.wcr, path)
        out["modules"] += 1
        if ours == "error":
            out["disagree"].append(f"{where} ({cmd['filename']}): suite says {verdict}, "
                                   f"wcr failed: {message}")
        elif (ours == "valid") == (verdict == "valid"):
            out["agree"] += 1
        else:
            got = "valid" if ours == "valid" else f"{ours} ({message})"
            out["disagree"].append(f"{where} ({cmd['filename']}): suite says {verdict} "
                                   f"\"{cmd.get('text', '')}\", wcr says {got}")
        if path.endswith(".wasm"):
            accepted, werr = wabt_accepts(path)
            if accepted != (verdict == "valid"):
                snippet = source_snippet(lines, cmd["line"])
                known = next((why for s, text, why in KNOWN_WABT_GAPS
                              if s == stem and text in snippet), None)
                wabt_says = "accepts" if accepted else "rejects"
                if not accepted and werr:
                    wabt_says += ": " + werr.splitlines()[0]
                out["wabt_disagree"].append(
                    (f"{where}: suite says {verdict}, wasm-validate {wabt_says}", known))

    # Every module wcr encoded that should be valid must be valid to wabt too.
    dump = os.path.join(work, "dump")
    rc, err = run([args.wcr, "wast", "--validate-only", "--dump-modules", dump, wast], timeout=300)
    manifest = os.path.join(dump, stem + ".modules.tsv")
    if not os.path.exists(manifest):
        out["errors"].append(f"{stem}.wast: wcr wast --dump-modules wrote no manifest "
                             f"(exit {rc}): {err}")
    else:
        with open(manifest) as f:
            for row in f:
                name, expectation, where, _kind = row.rstrip("\n").split("\t")
                if expectation != "valid":
                    continue
                out["encoded_valid"] += 1
                accepted, werr = wabt_accepts(os.path.join(dump, name))
                if not accepted:
                    out["encoded_rejected"].append(
                        f"{os.path.basename(where)} ({name}): wasm-validate rejects what wcr "
                        f"encoded: {werr}")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wcr", required=True, help="path of the wcr executable")
    parser.add_argument("--suite", required=True, help="directory with the wasm-2.0 .wast files")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--work-dir", help="scratch directory (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep extracted and dumped modules")
    args = parser.parse_args()

    missing = [t for t in ("wast2json", "wasm-validate") if shutil.which(t) is None]
    if missing:
        print(f"SKIPPED: {', '.join(missing)} not found (install wabt, e.g. scripts/install-deps)")
        return SKIP
    if not os.access(args.wcr, os.X_OK):
        print(f"error: wcr not found at {args.wcr}")
        return 1
    files = sorted(glob.glob(os.path.join(args.suite, "*.wast")))
    if not files:
        print(f"error: no .wast files in {args.suite}")
        return 1

    temp = None
    if args.work_dir is None:
        temp = tempfile.mkdtemp(prefix="wcr-differential-")
        args.work_dir = temp
    os.makedirs(args.work_dir, exist_ok=True)
    start = time.time()
    try:
        with ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
            results = list(pool.map(lambda f: check_file(f, args), files))
    finally:
        if temp and not args.keep:
            shutil.rmtree(temp, ignore_errors=True)

    modules = sum(r["modules"] for r in results)
    agree = sum(r["agree"] for r in results)
    disagree = [d for r in results for d in r["disagree"]]
    wabt = [d for r in results for d in r["wabt_disagree"]]
    encoded_valid = sum(r["encoded_valid"] for r in results)
    encoded_rejected = [d for r in results for d in r["encoded_rejected"]]
    errors = [e for r in results for e in r["errors"]]

    print(f"differential-validate: {len(files)} files of {args.suite}, "
          f"{time.time() - start:.1f}s")
    if wabt:
        print(f"\nwabt (wasm-validate) disagrees with the suite on {len(wabt)} modules "
              "(informational):")
        for what, known in wabt:
            print(f"  {what}")
            print(f"    {'known: ' + known if known else 'unexplained'}")
    print(f"\nmodules wcr encoded that the suite says are valid: {encoded_valid}, "
          f"accepted by wasm-validate: {encoded_valid - len(encoded_rejected)}, "
          f"rejected: {len(encoded_rejected)}")
    for d in encoded_rejected:
        print(f"  {d}")
    for e in errors:
        print(f"error: {e}")
    if disagree:
        print(f"\nwcr disagrees with the suite on {len(disagree)} modules:")
        for d in disagree:
            print(f"  {d}")
    print(f"\n{modules} modules: {agree} agree with the suite, {len(disagree)} disagree")
    return 1 if disagree or encoded_rejected or errors else 0


if __name__ == "__main__":
    sys.exit(main())
