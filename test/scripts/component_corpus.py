#!/usr/bin/env python3
"""Component Model corpus test: our decoder + validator against the component-model suite.

Independent of any component text parser of ours. From every .wast file of
<suite>/{values,resources,validation,linking,binary} (and async/ with --async) it extracts:
  * top-level `(component ...)`, `(component definition ...)` and the components of
    assert_unlinkable / assert_uninstantiable                 -> expected valid
  * `(assert_invalid (component ...) "msg")`                  -> expected invalid with msg
  * `(assert_malformed (component binary ...) "msg")`         -> expected malformed with msg
  * `(component binary ...)`                                  -> expected valid
Text components are turned into binaries by jco (`parse` of @bytecodealliance/jco, the
wasm-tools text parser; all of them in one node process, cached by content hash); binary ones
are decoded from their string literals here. test/tools/component_check then says `ok` or the
error for each binary.

Counts per file and in total: valid-accepted, valid-rejected (bugs), invalid-rejected with the
right message, invalid-rejected with another message, invalid-accepted, and text that jco
could not parse (skipped: usually text-format errors the suite asserts as invalid).

A case is a mismatch when it is valid-rejected, invalid-accepted or rejected with another
message. The test fails only on mismatches that are not listed in the known-mismatches file
(`<dir>/<file>.wast:<line> # reason` per line), and on listed entries that now pass (remove
them: the list only shrinks). Exit 77 (CTest's skip) when jco is missing.
Standard library only.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections import OrderedDict

SKIP = 77
DEFAULT_DIRS = ["values", "resources", "validation", "linking", "binary"]


# --- WAST s-expression reading ------------------------------------------------------------------

class Node:
    """A parenthesized form: children are Node or token strings; span is (start, end) offsets."""

    def __init__(self, start, line):
        self.start = start
        self.end = start
        self.line = line
        self.items = []

    def head(self, i=0):
        return self.items[i] if i < len(self.items) and isinstance(self.items[i], str) else None


def parse_wast(text):
    """Returns the list of top-level Nodes. Strings stay quoted tokens ("...")."""
    top = []
    stack = []
    i = 0
    n = len(text)
    line = 1
    while i < n:
        c = text[i]
        if c == "\n":
            line += 1
            i += 1
        elif c in " \t\r":
            i += 1
        elif text.startswith(";;", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("(;", i):
            depth = 0
            while i < n:
                if text.startswith("(;", i):
                    depth += 1
                    i += 2
                elif text.startswith(";)", i):
                    depth -= 1
                    i += 2
                    if depth == 0:
                        break
                else:
                    if text[i] == "\n":
                        line += 1
                    i += 1
        elif c == "(":
            node = Node(i, line)
            if stack:
                stack[-1].items.append(node)
            else:
                top.append(node)
            stack.append(node)
            i += 1
        elif c == ")":
            node = stack.pop()
            node.end = i + 1
            i += 1
        elif c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                if text[j] == "\\":
                    j += 1
                if text[j] == "\n":
                    line += 1
                j += 1
            tok = text[i:j + 1]
            if stack:
                stack[-1].items.append(tok)
            i = j + 1
        else:
            j = i
            while j < n and text[j] not in ' \t\r\n()";':
                j += 1
            if stack:
                stack[-1].items.append(text[i:j])
            i = max(j, i + 1)
    return top


def unquote(tok):
    """A WAST string literal (with its quotes) -> bytes."""
    body = tok[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        e = body[i + 1]
        simple = {"n": b"\n", "t": b"\t", "r": b"\r", "\\": b"\\", "'": b"'", '"': b'"'}
        if e in simple:
            out += simple[e]
            i += 2
        elif e == "u":
            j = body.index("}", i)
            out += chr(int(body[i + 3:j], 16)).encode("utf-8")
            i = j + 1
        else:
            out.append(int(body[i + 1:i + 3], 16))
            i += 3
    return bytes(out)


# --- Case extraction ----------------------------------------------------------------------------

class Case:
    def __init__(self, where, expect, message, wat=None, binary=None):
        self.where = where      # "dir/file.wast:line"
        self.expect = expect    # "valid" | "invalid" | "malformed"
        self.message = message  # expected substring (None for valid)
        self.wat = wat          # component text for jco, or None
        self.binary = binary    # bytes, or None
        self.wasm_path = None
        self.parse_error = None
        self.result = None      # "ok" or the error message


def component_case(node, text, where, expect, message):
    """A (component ...) node -> Case, or None for forms that define nothing to check."""
    items = node.items
    k = 1
    if k < len(items) and items[k] in ("definition",):
        k += 1
    if k < len(items) and items[k] == "instance":
        return None  # (component instance $i $def): instantiation, nothing new to validate
    if k < len(items) and isinstance(items[k], str) and items[k].startswith("$"):
        k += 1
    if k < len(items) and items[k] == "binary":
        data = b"".join(unquote(t) for t in items[k + 1:] if isinstance(t, str))
        return Case(where, expect, message, binary=data)
    if k < len(items) and items[k] == "quote":
        return None  # quoted text: a text-format test
    # Text: drop the `definition` keyword, keep the rest verbatim.
    src = text[node.start:node.end]
    if items[1:2] == ["definition"]:
        src = src.replace("definition", "", 1)
    return Case(where, expect, message, wat=src)


def extract_cases(path, rel):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    cases = []
    for node in parse_wast(text):
        head = node.head()
        where = f"{rel}:{node.line}"
        if head == "component":
            case = component_case(node, text, where, "valid", None)
        elif head in ("assert_invalid", "assert_malformed", "assert_unlinkable",
                      "assert_uninstantiable"):
            inner = node.items[1] if len(node.items) > 1 else None
            if not isinstance(inner, Node) or inner.head() != "component":
                continue
            msg_toks = [t for t in node.items[2:] if isinstance(t, str) and t.startswith('"')]
            message = unquote(msg_toks[0]).decode("utf-8", "replace") if msg_toks else ""
            expect = {"assert_invalid": "invalid", "assert_malformed": "malformed"}.get(head,
                                                                                        "valid")
            case = component_case(inner, text, where, expect,
                                  None if expect == "valid" else message)
        else:
            continue
        if case:
            cases.append(case)
    return cases


# --- jco -----------------------------------------------------------------------------------------

NODE_BATCH = r"""
import fs from 'node:fs';
const [apiPath, listPath] = process.argv.slice(2);
const api = await import(apiPath);
const jobs = JSON.parse(fs.readFileSync(listPath, 'utf8'));
for (const [watPath, wasmPath, errPath] of jobs) {
  try {
    const bytes = await api.parse(fs.readFileSync(watPath, 'utf8'));
    fs.writeFileSync(wasmPath, bytes);
  } catch (e) {
    fs.writeFileSync(errPath, String(e));
  }
}
"""


def find_jco_api():
    jco = shutil.which("jco")
    node = shutil.which("node")
    if not jco or not node:
        return None, None
    root = os.path.dirname(os.path.dirname(os.path.realpath(jco)))
    api = os.path.join(root, "dist", "api.js")
    return (node, api) if os.path.exists(api) else (None, None)


def convert_texts(cases, work_dir, node, api):
    cache = os.path.join(work_dir, "cache")
    os.makedirs(cache, exist_ok=True)
    jobs = []
    for case in cases:
        if case.wat is None:
            continue
        h = hashlib.sha256(case.wat.encode("utf-8")).hexdigest()[:24]
        wat, wasm, err = (os.path.join(cache, h + ext) for ext in (".wat", ".wasm", ".err"))
        case.wasm_path = wasm
        case.err_path = err
        if os.path.exists(wasm) or os.path.exists(err):
            continue
        with open(wat, "w", encoding="utf-8") as f:
            f.write(case.wat)
        jobs.append([wat, wasm, err])
    if jobs:
        list_path = os.path.join(work_dir, "jobs.json")
        script = os.path.join(work_dir, "batch.mjs")
        with open(list_path, "w") as f:
            json.dump(jobs, f)
        with open(script, "w") as f:
            f.write(NODE_BATCH)
        subprocess.run([node, script, "file://" + api, list_path], check=True, timeout=1800)
    for case in cases:
        if case.wat is not None and not os.path.exists(case.wasm_path):
            with open(case.err_path, encoding="utf-8", errors="replace") as f:
                case.parse_error = f.read().strip()
            case.wasm_path = None


def write_binaries(cases, work_dir):
    out = os.path.join(work_dir, "bin")
    os.makedirs(out, exist_ok=True)
    for case in cases:
        if case.binary is not None:
            h = hashlib.sha256(case.binary).hexdigest()[:24]
            case.wasm_path = os.path.join(out, h + ".wasm")
            with open(case.wasm_path, "wb") as f:
                f.write(case.binary)


def run_checker(checker, cases):
    todo = [c for c in cases if c.wasm_path]
    # component_check prints `<path>\t<ok|error text>` per file.
    results = {}
    for i in range(0, len(todo), 200):
        chunk = sorted({c.wasm_path for c in todo[i:i + 200]})
        p = subprocess.run([checker, "--batch"] + chunk, capture_output=True, timeout=600)
        if p.returncode not in (0, 1):
            sys.stderr.write(p.stderr.decode("utf-8", "replace"))
            raise SystemExit(f"component_check crashed (exit {p.returncode}) on a chunk of "
                             f"{len(chunk)} files")
        for line in p.stdout.decode("utf-8", "replace").splitlines():
            path, _, verdict = line.partition("\t")
            results[path] = verdict
    for c in todo:
        c.result = results.get(c.wasm_path, "error: no verdict from component_check")


# --- Classification ------------------------------------------------------------------------------

CATEGORIES = ["valid-accepted", "valid-rejected", "invalid-right-message", "invalid-other-message",
              "invalid-accepted", "parse-skipped"]
MISMATCH = {"valid-rejected", "invalid-other-message", "invalid-accepted"}


def classify(case):
    if case.wasm_path is None:
        return "parse-skipped"
    ok = case.result == "ok"
    if case.expect == "valid":
        return "valid-accepted" if ok else "valid-rejected"
    if ok:
        return "invalid-accepted"
    return "invalid-right-message" if case.message in case.result else "invalid-other-message"


def read_known(path):
    known = OrderedDict()
    if not path or not os.path.exists(path):
        return known
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            key, _, reason = line.partition("#")
            known[key.strip()] = reason.strip()
    return known


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", required=True, help="path of test/tools/component_check")
    ap.add_argument("--suite", required=True, help="testsuite/component-model directory")
    ap.add_argument("--work-dir", required=True)
    ap.add_argument("--known", help="known-mismatches list")
    ap.add_argument("--async", dest="with_async", action="store_true", help="also async/")
    ap.add_argument("--verbose", "-v", action="store_true", help="print every mismatch")
    ap.add_argument("--write-known", help="write the current mismatches to this file")
    args = ap.parse_args()

    node, api = find_jco_api()
    if not node:
        print("SKIP: jco (npm @bytecodealliance/jco) or node not found on PATH")
        return SKIP
    os.makedirs(args.work_dir, exist_ok=True)

    dirs = DEFAULT_DIRS + (["async"] if args.with_async else [])
    per_file = OrderedDict()
    all_cases = []
    for d in dirs:
        full = os.path.join(args.suite, d)
        if not os.path.isdir(full):
            continue
        for name in sorted(os.listdir(full)):
            if name.endswith(".wast"):
                rel = f"{d}/{name}"
                cases = extract_cases(os.path.join(full, name), rel)
                per_file[rel] = cases
                all_cases += cases
    convert_texts(all_cases, args.work_dir, node, api)
    write_binaries(all_cases, args.work_dir)
    run_checker(args.check, all_cases)

    totals = dict.fromkeys(CATEGORIES, 0)
    mismatches = OrderedDict()
    print(f"{'file':48} " + " ".join(f"{c[:14]:>14}" for c in CATEGORIES))
    for rel, cases in per_file.items():
        counts = dict.fromkeys(CATEGORIES, 0)
        for case in cases:
            cat = classify(case)
            counts[cat] += 1
            totals[cat] += 1
            if cat in MISMATCH:
                mismatches[case.where] = (cat, case)
        print(f"{rel:48} " + " ".join(f"{counts[c]:>14}" for c in CATEGORIES))
    print(f"{'TOTAL':48} " + " ".join(f"{totals[c]:>14}" for c in CATEGORIES))

    known = read_known(args.known)
    new = [w for w in mismatches if w not in known]
    fixed = [w for w in known if w not in mismatches]
    for where, (cat, case) in mismatches.items():
        if args.verbose or where not in known:
            tag = "known" if where in known else "NEW"
            expected = "valid" if case.expect == "valid" else f"{case.expect}: {case.message!r}"
            print(f"{tag} {cat} {where}: expected {expected}; got {case.result}")
    if args.write_known:
        with open(args.write_known, "w", encoding="utf-8") as f:
            f.write("# Known mismatches of test/scripts/component_corpus.py: <case> # reason.\n"
                    "# This list only shrinks: an entry that passes must be removed.\n")
            for where, (cat, case) in mismatches.items():
                reason = known.get(where) or f"{cat}: {case.result[:120]}"
                f.write(f"{where} # {reason}\n")
    for where in fixed:
        print(f"FIXED {where}: passes now; remove it from the known list")
    print(f"{len(mismatches)} mismatches ({len(new)} new), {len(fixed)} known entries fixed")
    return 1 if new or fixed else 0


if __name__ == "__main__":
    sys.exit(main())
