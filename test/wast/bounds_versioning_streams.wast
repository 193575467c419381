;; Stream bases of jit/llvm/bounds_versioning.cc: in the in-bounds copy of a loop, accesses a
;; constant apart share one opaque base and different streams get different bases, so the loop
;; vectorizer checks only pairs of streams for overlap at run time. The vectorized loop must
;; compute what the scalar loop computes whatever the distance between the streams: disjoint,
;; x one element above y (reads ahead of the writes), x one element below y (each iteration
;; reads what the previous one wrote), x == y, and streams that are not element-aligned.
(module
  (memory 1)
  ;; y[i] += a * x[i] for i in [0, n), f64, unrolled by two as clang emits matmul's inner loop.
  (func (export "axpy") (param $y i32) (param $x i32) (param $a f64) (param $n i32)
    (local $i i32) (local $p i32) (local $q i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $p (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $q (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3))))
        (f64.store (local.get $p)
          (f64.add (f64.load (local.get $p)) (f64.mul (local.get $a) (f64.load (local.get $q)))))
        (f64.store (i32.add (local.get $p) (i32.const 8))
          (f64.add (f64.load (i32.add (local.get $p) (i32.const 8)))
                   (f64.mul (local.get $a) (f64.load (i32.add (local.get $q) (i32.const 8))))))
        (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 2)))
                            (local.get $n))))))
  ;; a[i] = i + 1 (f64) for i in [0, n).
  (func (export "iota") (param $a i32) (param $n i32)
    (local $i i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (f64.store (i32.add (local.get $a) (i32.shl (local.get $i) (i32.const 3)))
                   (f64.convert_i32_u (i32.add (local.get $i) (i32.const 1))))
        (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))))
  ;; Sum of the f64s [a, a + 8n).
  (func (export "sum") (param $a i32) (param $n i32) (result f64)
    (local $s f64)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $s (f64.add (local.get $s) (f64.load (local.get $a))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $s))
  ;; y[i] = up[i] + x[i] with up = x + select(c, 0, -8) (blur_simd's row above): the lifted
  ;; address of up has the zero-extended select, 2^32 - 8, in it (see the window in liftOffset).
  (func (export "add_up") (param $y i32) (param $x i32) (param $c i32) (param $n i32)
    (local $i i32) (local $up i32)
    (local.set $up (i32.add (local.get $x) (select (i32.const 0) (i32.const -8) (local.get $c))))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (f64.store (i32.add (local.get $y) (i32.shl (local.get $i) (i32.const 3)))
          (f64.add (f64.load (i32.add (local.get $up) (i32.shl (local.get $i) (i32.const 3))))
                   (f64.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 3))))))
        (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))))
  (func (export "loadf64") (param $a i32) (result f64) (f64.load (local.get $a)))
  (func (export "storef64") (param $a i32) (param $v f64) (f64.store (local.get $a) (local.get $v))))

;; Disjoint: y = 1..200, x = 1..200: y[i] = 3 (i + 1); sum 3 * 20100.
(assert_return (invoke "iota" (i32.const 0) (i32.const 200)))
(assert_return (invoke "iota" (i32.const 4000) (i32.const 200)))
(assert_return (invoke "axpy" (i32.const 0) (i32.const 4000) (f64.const 2) (i32.const 200)))
(assert_return (invoke "sum" (i32.const 0) (i32.const 200)) (f64.const 60300))
(assert_return (invoke "loadf64" (i32.const 1592)) (f64.const 600))

;; x = y + 8: y[i] = (i + 1) + 2 (i + 2) = 3i + 5, reading y[i + 1] before it is written.
(assert_return (invoke "iota" (i32.const 8000) (i32.const 201)))
(assert_return (invoke "axpy" (i32.const 8000) (i32.const 8008) (f64.const 2) (i32.const 200)))
(assert_return (invoke "loadf64" (i32.const 8000)) (f64.const 5))
(assert_return (invoke "loadf64" (i32.const 9592)) (f64.const 602))
(assert_return (invoke "loadf64" (i32.const 9600)) (f64.const 201))
(assert_return (invoke "sum" (i32.const 8000) (i32.const 200)) (f64.const 60700))

;; x = y - 8: a recurrence, y[i] += 2 y[i - 1] (new value): with y[-1] = 1 and y = 0,
;; y[i] = 2^(i + 1).
(assert_return (invoke "storef64" (i32.const 12000) (f64.const 1)))
(assert_return (invoke "axpy" (i32.const 12008) (i32.const 12000) (f64.const 2) (i32.const 200)))
(assert_return (invoke "loadf64" (i32.const 12008)) (f64.const 2))
(assert_return (invoke "loadf64" (i32.const 12016)) (f64.const 4))
(assert_return (invoke "loadf64" (i32.const 13600)) (f64.const 0x1p200))
(assert_return (invoke "loadf64" (i32.const 13608)) (f64.const 0))

;; x == y: y[i] *= 3.
(assert_return (invoke "iota" (i32.const 16000) (i32.const 200)))
(assert_return (invoke "axpy" (i32.const 16000) (i32.const 16000) (f64.const 2) (i32.const 200)))
(assert_return (invoke "sum" (i32.const 16000) (i32.const 200)) (f64.const 60300))

;; x = y + 4 (half an element): y[i] += 2 * (the f64 whose bytes straddle y[i] and y[i + 1]).
;; All bytes zero but y[100] = 1.0 (bytes 00 00 00 00 00 00 f0 3f): only x[100] (bytes f0 3f
;; then zeros: the subnormal 0x3ff00000 * 2^-1074) is non-zero, and 1 + 2 * that rounds to 1.
(assert_return (invoke "storef64" (i32.const 20800) (f64.const 1)))
(assert_return (invoke "axpy" (i32.const 20000) (i32.const 20004) (f64.const 2) (i32.const 200)))
(assert_return (invoke "loadf64" (i32.const 20800)) (f64.const 1))
(assert_return (invoke "sum" (i32.const 20000) (i32.const 100)) (f64.const 0))
;; And from 1..200: y[i] = (i + 1) + 2 * (bits of y[i] high half, y[i + 1] low half), compared
;; at a few points against values wasmtime computes for the same scalar semantics.
(assert_return (invoke "iota" (i32.const 24000) (i32.const 201)))
(assert_return (invoke "axpy" (i32.const 24000) (i32.const 24004) (f64.const 2) (i32.const 200)))
(assert_return (invoke "loadf64" (i32.const 24000)) (f64.const 1))
(assert_return (invoke "sum" (i32.const 24000) (i32.const 201)) (f64.const 20301))
;; up = x - 8, in bounds: x[i] = i + 2 (iota from 28000, x = 28008), y[i] = 2i + 3.
(assert_return (invoke "iota" (i32.const 28000) (i32.const 50)))
(assert_return (invoke "add_up" (i32.const 29000) (i32.const 28008) (i32.const 0) (i32.const 49)))
(assert_return (invoke "loadf64" (i32.const 29000)) (f64.const 3))
(assert_return (invoke "loadf64" (i32.const 29384)) (f64.const 99))
(assert_return (invoke "sum" (i32.const 29000) (i32.const 49)) (f64.const 2499))
;; up = x: y[i] = 2 x[i].
(assert_return (invoke "add_up" (i32.const 29000) (i32.const 28008) (i32.const 1) (i32.const 49)))
(assert_return (invoke "sum" (i32.const 29000) (i32.const 49)) (f64.const 2548))
;; x = 0: up = -8 wraps to 0xfffffff8, the first load traps and nothing is stored.
(assert_return (invoke "storef64" (i32.const 30000) (f64.const 7)))
(assert_trap (invoke "add_up" (i32.const 30000) (i32.const 0) (i32.const 0) (i32.const 10))
             "out of bounds memory access")
(assert_return (invoke "loadf64" (i32.const 30000)) (f64.const 7))
;; y runs off the end: the elements below the end are stored, then the store traps.
(assert_trap (invoke "add_up" (i32.const 65512) (i32.const 28008) (i32.const 0) (i32.const 10))
             "out of bounds memory access")
(assert_return (invoke "loadf64" (i32.const 65512)) (f64.const 3))
(assert_return (invoke "loadf64" (i32.const 65528)) (f64.const 7))
