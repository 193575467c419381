#!/usr/bin/env python3
"""Hostile inputs for `wcr validate`: each must end with exit code 1 and an `error:` line on stderr,
never a crash (signal), a hang (timeout) or a silent exit. Usage: bad_input_test.py WCR_BINARY"""
import os
import random
import subprocess
import sys
import tempfile

HEADER = b"\0asm\x01\0\0\0"


def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def section(sid, payload):
    return bytes([sid]) + leb(len(payload)) + payload


def func_module(body_code, locals_=b"\x00"):
    types = section(1, b"\x01\x60\x00\x00")
    funcs = section(3, b"\x01\x00")
    body = locals_ + body_code + b"\x0b"
    code = section(10, b"\x01" + leb(len(body)) + body)
    return HEADER + types + funcs + code


def cases():
    rnd = random.Random(1234)
    valid = func_module(b"\x41\x01\x1a")  # i32.const 1; drop
    yield "empty file", b"", ".wasm"
    yield "header only truncated", HEADER[:5], ".wasm"
    # Cuts at a section boundary leave a valid module; every other cut must be rejected.
    boundaries, pos = {8}, 8
    while pos < len(valid):
        size, shift, p = 0, 0, pos + 1
        while True:
            size |= (valid[p] & 0x7F) << shift
            shift += 7
            p += 1
            if valid[p - 1] < 0x80:
                break
        pos = p + size
        boundaries.add(pos)
    for cut in range(9, len(valid)):
        if cut not in boundaries:
            yield f"truncated valid module at {cut}", valid[:cut], ".wasm"
    yield "huge LEB128 section size", HEADER + b"\x01\xff\xff\xff\xff\x0f", ".wasm"
    yield "overlong LEB128", HEADER + b"\x01\x80\x80\x80\x80\x80\x80\x00", ".wasm"
    yield "bogus section size (too big)", HEADER + b"\x01\x7f\x01\x60\x00\x00", ".wasm"
    yield "bogus section size (too small)", HEADER + b"\x01\x01\x01\x60\x00\x00", ".wasm"
    yield "huge vector count", HEADER + section(1, b"\xff\xff\xff\xff\x0f"), ".wasm"
    # 2^32-1 locals is well-formed binary; wcr's implementation limit (as V8's and Wasmtime's) rejects it.
    yield "huge local count", func_module(b"", b"\x01\xff\xff\xff\xff\x0f\x7f"), ".wasm"
    yield "deeply nested blocks (unterminated)", func_module(b"\x02\x40" * 200000), ".wasm"
    yield "deeply nested text", b"(module (func " + b"(block " * 200000 + b"))", ".wat"
    yield "deeply nested text parens", b"(" * 500000, ".wat"
    yield "unterminated text string", b'(module (import "a', ".wat"
    yield "random text", bytes(rnd.randrange(32, 127) for _ in range(100000)), ".wat"
    for i in range(20):
        n = rnd.randrange(1, 4096)
        yield f"noise {i}", HEADER + bytes(rnd.randrange(256) for _ in range(n)), ".wasm"
    yield "100 MB of noise", HEADER + os.urandom(100 * 1024 * 1024), ".wasm"


def main():
    wcr = sys.argv[1]
    failed = passed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, data, ext in cases():
            path = os.path.join(tmp, "input" + ext)
            with open(path, "wb") as fh:
                fh.write(data)
            try:
                r = subprocess.run([wcr, "validate", path], capture_output=True, timeout=60)
                ok = r.returncode == 1 and b"error:" in r.stderr
                why = f"exit {r.returncode}, stderr {r.stderr[:200]!r}"
            except subprocess.TimeoutExpired:
                ok, why = False, "timed out after 60 s"
            if ok:
                passed += 1
            else:
                failed += 1
                print(f"FAIL {name}: {why}")
    print(f"bad-input: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
