;; y[i] += a * x[i], unrolled by two as clang emits matmul's inner loop, with an `i < n` latch
;; (step 2: trip_count_solver.cc). At -O2 the in-bounds copy must vectorize with exactly one
;; runtime overlap check, x against y: with one check per pair of accesses, y[i] against
;; y[i + 1] always overlaps and the vector loop never runs (test/CMakeLists.txt, codegen/).
(module
  (memory 1)
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
                            (local.get $n)))))))
