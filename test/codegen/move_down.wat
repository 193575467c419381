;; memmove's backward byte loop (wasi-libc, unrolled by 4, `n -= 4; br_if n`): the in-bounds
;; copy must be a copy loop that calls llvm.memmove (bounds_versioning.cc, matchCopy).
(module
  (memory 1)
  (func (export "move_down") (param $d i32) (param $s i32) (param $n i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 4)))
      (i32.store8 offset=3 (i32.add (local.get $d) (local.get $n))
        (i32.load8_u offset=3 (i32.add (local.get $s) (local.get $n))))
      (i32.store8 offset=2 (i32.add (local.get $d) (local.get $n))
        (i32.load8_u offset=2 (i32.add (local.get $s) (local.get $n))))
      (i32.store8 offset=1 (i32.add (local.get $d) (local.get $n))
        (i32.load8_u offset=1 (i32.add (local.get $s) (local.get $n))))
      (i32.store8 (i32.add (local.get $d) (local.get $n))
        (i32.load8_u (i32.add (local.get $s) (local.get $n))))
      (br_if $l (local.get $n)))))
