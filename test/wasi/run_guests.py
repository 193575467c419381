#!/usr/bin/env python3
"""Runs one preview1 guest case (test/wasi/guests) and checks it.

Each case runs a committed guest .wasm through test/wasi/wasi_run (the wasi/p1 library, JIT
compiled) in a fresh directory laid out for the case, with ROOT/sandbox preopened as /sandbox.
It checks the exit status, stdout against test/wasi/expected/<case>.stdout, stderr, and what the
guest left on the host. When `wasmtime` is on PATH (and the case is not marked wcr-only) the same
case also runs under `wasmtime run` with the same arguments, and its exit status, stdout and
stderr must be identical to wcr's: the expected files state standard behaviour, not ours.

  run_guests.py --runner build/test/wasi_run --case files --work-dir build/test/wasi-guests
  run_guests.py --runner build/wcr run --case files ...   # the same through the CLI
  run_guests.py --update --case files ...   # rewrite the expected stdout from Wasmtime's run
"""

import argparse
import difflib
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
GUESTS = os.path.join(HERE, "guests")
EXPECTED = os.path.join(HERE, "expected")

STDERR_LINE = "a line on stderr\n"


def layout_escape(root):
    """ROOT/outside.txt beside the sandbox, and links inside it that lead out (or stay in)."""
    sandbox = os.path.join(root, "sandbox")
    os.makedirs(os.path.join(sandbox, "sub"))
    with open(os.path.join(root, "outside.txt"), "w") as f:
        f.write("outside\n")
    with open(os.path.join(sandbox, "sub", "file"), "w") as f:
        f.write("inside\n")
    os.symlink("/etc", os.path.join(sandbox, "etc-link"))
    os.symlink("../outside.txt", os.path.join(sandbox, "up-link"))
    os.symlink("up-link", os.path.join(sandbox, "chain"))
    os.symlink("sub/file", os.path.join(sandbox, "inner"))


def check_escape(root):
    """Nothing was created, removed or changed outside the sandbox."""
    problems = []
    if sorted(os.listdir(root)) != ["outside.txt", "sandbox"]:
        problems.append("the directory around the sandbox now holds %s" % sorted(os.listdir(root)))
    with open(os.path.join(root, "outside.txt")) as f:
        if f.read() != "outside\n":
            problems.append("outside.txt changed")
    return problems


def check_files(root):
    """The guest's writes landed in the preopened host directory, and only there."""
    sandbox = os.path.join(root, "sandbox")
    problems = []
    if sorted(os.listdir(sandbox)) != ["kept.txt"]:
        problems.append("sandbox holds %s, expected only kept.txt" % sorted(os.listdir(sandbox)))
    elif open(os.path.join(sandbox, "kept.txt")).read() != "kept\n":
        problems.append("kept.txt does not hold 'kept\\n'")
    if sorted(os.listdir(root)) != ["sandbox"]:
        problems.append("files appeared beside the sandbox: %s" % sorted(os.listdir(root)))
    return problems


HELLO_ENV = [("GREETING", "hi there"), ("EMPTY", ""), ("WITH_EQUALS", "a=b=c")]

# name: guest, args, env, stdin, expected exit, expected stdout file, layout, check, wcr-only,
# extra wasi_run flags, whether stderr is the guest's own (compared exactly).
CASES = {
    "hello": dict(guest="hello", args=["one", "two words", ""], env=HELLO_ENV, exit=0),
    "hello-exit": dict(guest="hello", args=["exit", "7"], exit=7),
    "hello-return": dict(guest="hello", args=["return", "9"], exit=9),
    # Exit codes from 126 up are refused (Wasmtime's rule, kept by wasi_run): status 1.
    "hello-exit-126": dict(guest="hello", args=["exit", "126"], exit=1, guest_stderr=False),
    "hello-trap": dict(guest="hello", args=["trap"], exit=134, guest_stderr=False),
    "files": dict(guest="files", args=["/sandbox"], exit=0, check=check_files),
    "escape": dict(guest="escape", args=["/sandbox"], exit=0, layout=layout_escape,
                   check=check_escape),
    # The same with the fallback resolution (no openat2): the same answers.
    "escape-walk": dict(guest="escape", args=["/sandbox"], exit=0, layout=layout_escape,
                        check=check_escape, flags=["--path-walk"], expected="escape"),
    "clocks": dict(guest="clocks", exit=0),
    # The CPU-time clocks: Wasmtime answers BADF, so wcr only.
    "clocks-cputime": dict(guest="clocks", args=["cputime"], exit=0, wcr_only=True),
    "stdin": dict(guest="stdin", stdin=b"hello\nworld\nlast line without newline", exit=0),
}


def prepare(root, case):
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    layout = case.get("layout")
    if layout:
        layout(root)
    else:
        os.makedirs(os.path.join(root, "sandbox"))


def run(command, root, case):
    env = dict(os.environ, RUST_BACKTRACE="0")
    result = subprocess.run(command, cwd=root, input=case.get("stdin", b""),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=240, env=env)
    return result.returncode, result.stdout.decode("utf-8", "replace"), \
        result.stderr.decode("utf-8", "replace")


def guest_command(case):
    command = ["--dir", "sandbox::/sandbox"]
    for name, value in case.get("env", []):
        command += ["--env", "%s=%s" % (name, value)]
    return command + [os.path.join(GUESTS, case["guest"] + ".wasm")] + case.get("args", [])


def diff(expected, actual, what):
    return "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                        "expected " + what, "actual " + what))


def check_run(label, outcome, expected_stdout, case, root):
    code, stdout, stderr = outcome
    problems = []
    if code != case["exit"]:
        problems.append("%s: exit status %d, expected %d" % (label, code, case["exit"]))
    if stdout != expected_stdout:
        problems.append("%s: stdout differs:\n%s"
                        % (label, diff(expected_stdout, stdout, "stdout")))
    if case.get("guest_stderr", True) and case["guest"] == "hello" and stderr != STDERR_LINE:
        problems.append("%s: stderr is %r, expected %r" % (label, stderr, STDERR_LINE))
    if case.get("guest_stderr", True) and case["guest"] != "hello" and stderr != "":
        problems.append("%s: unexpected stderr %r" % (label, stderr))
    if not case.get("guest_stderr", True) and "error" not in stderr.lower():
        problems.append("%s: no error reported on stderr: %r" % (label, stderr))
    if case.get("check"):
        problems += ["%s: %s" % (label, p) for p in case["check"](root)]
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runner", required=True, nargs="+",
                        help="the wasi_run driver, or `wcr run` (a command of several words)")
    parser.add_argument("--case", required=True, choices=sorted(CASES))
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--update", action="store_true",
                        help="write the expected stdout from Wasmtime's run")
    args = parser.parse_args()
    case = CASES[args.case]
    expected_path = os.path.join(EXPECTED, case.get("expected", args.case) + ".stdout")
    wasmtime = shutil.which("wasmtime")
    wasmtime_wanted = not case.get("wcr_only", False)

    if args.update:
        if not wasmtime_wanted or not wasmtime:
            sys.exit("--update needs wasmtime and a case Wasmtime can run")
        root = os.path.join(args.work_dir, args.case, "wasmtime")
        prepare(root, case)
        _, stdout, _ = run([wasmtime, "run"] + guest_command(case), root, case)
        with open(expected_path, "w") as f:
            f.write(stdout)
        print("wrote %s" % expected_path)
        return 0

    with open(expected_path) as f:
        expected_stdout = f.read()
    root = os.path.join(args.work_dir, args.case, "wcr")
    prepare(root, case)
    ours = run(args.runner + case.get("flags", []) + guest_command(case), root, case)
    problems = check_run("wcr", ours, expected_stdout, case, root)
    print("wcr: exit %d, %d stdout lines" % (ours[0], ours[1].count("\n")))

    if not wasmtime_wanted:
        print("wasmtime: not compared (the case uses what only wcr provides)")
    elif not wasmtime:
        print("wasmtime: not on PATH, comparison skipped")
    else:
        root = os.path.join(args.work_dir, args.case, "wasmtime")
        prepare(root, case)
        theirs = run([wasmtime, "run"] + guest_command(case), root, case)
        print("wasmtime: exit %d, %d stdout lines" % (theirs[0], theirs[1].count("\n")))
        problems += check_run("wasmtime", theirs, expected_stdout, case, root)
        if theirs[0] != ours[0]:
            problems.append("exit status: wcr %d, wasmtime %d" % (ours[0], theirs[0]))
        if theirs[1] != ours[1]:
            problems.append("stdout: wcr and wasmtime differ:\n%s" % diff(theirs[1], ours[1],
                                                                          "stdout"))
        if case.get("guest_stderr", True) and theirs[2] != ours[2]:
            problems.append("stderr: wcr %r, wasmtime %r" % (ours[2], theirs[2]))

    for problem in problems:
        print("FAIL " + problem)
    if problems:
        return 1
    print("PASS %s" % args.case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
