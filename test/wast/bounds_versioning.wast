;; Loops that copy, fill or stream through linear memory: at -O2 jit/llvm/bounds_versioning.cc
;; runs them in a vectorizable copy when the whole loop is in bounds and in the original loop
;; otherwise. A loop that runs off the end (or wraps below address 0) must trap at exactly the
;; first out-of-bounds access, after exactly the stores before it; in-bounds loops must compute
;; what the byte-by-byte loop computes (overlapping copies included), also after memory.grow.
(module
  (memory 1 3)
  ;; dst[i] = src[i] for i in [0, n), one byte at a time (forward).
  (func (export "copy") (param $dst i32) (param $src i32) (param $n i32)
    (local $i i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (i32.store8 (i32.add (local.get $dst) (local.get $i))
                    (i32.load8_u (i32.add (local.get $src) (local.get $i))))
        (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))))
  ;; dst[i] = v for i in [0, n).
  (func (export "fill") (param $dst i32) (param $v i32) (param $n i32)
    (local $i i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (i32.store8 (i32.add (local.get $dst) (local.get $i)) (local.get $v))
        (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))))
  ;; dst - i = v for i in [0, n): walks down, wrapping below address 0.
  (func (export "fill_down") (param $dst i32) (param $v i32) (param $n i32)
    (local $i i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (i32.store8 (i32.sub (local.get $dst) (local.get $i)) (local.get $v))
        (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))))
  ;; i64 words: dst[i] = src[i] + 1, with a static offset on the store; a word that straddles
  ;; the end traps without writing any of its bytes.
  (func (export "copy64") (param $dst i32) (param $src i32) (param $n i32)
    (local $i i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (i64.store offset=8 (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 3)))
          (i64.add (i64.load (i32.add (local.get $src) (i32.shl (local.get $i) (i32.const 3))))
                   (i64.const 1)))
        (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (local.get $n))))))
  ;; y[i] += a * x[i] over f64 (matmul's inner loop), unrolled by two as clang emits it.
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
  ;; Sum of bytes [a, a + n) (unsigned), to check what the loops wrote.
  (func (export "sum") (param $a i32) (param $n i32) (result i32)
    (local $s i32)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $a))))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $s))
  (func (export "load8") (param $a i32) (result i32) (i32.load8_u (local.get $a)))
  (func (export "load64") (param $a i32) (result i64) (i64.load (local.get $a)))
  (func (export "loadf64") (param $a i32) (result f64) (f64.load (local.get $a)))
  (func (export "storef64") (param $a i32) (param $v f64) (f64.store (local.get $a) (local.get $v)))
  (func (export "grow") (param $pages i32) (result i32) (memory.grow (local.get $pages)))
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\11\12\13\14"))

;; In bounds: plain copies and fills.
(assert_return (invoke "copy" (i32.const 1000) (i32.const 0) (i32.const 20)))
(assert_return (invoke "sum" (i32.const 1000) (i32.const 20)) (i32.const 210))
(assert_return (invoke "fill" (i32.const 2000) (i32.const 7) (i32.const 300)))
(assert_return (invoke "sum" (i32.const 2000) (i32.const 301)) (i32.const 2100))
;; Overlapping forward copy by one byte: the byte loop smears byte 1000 over the range.
(assert_return (invoke "copy" (i32.const 1001) (i32.const 1000) (i32.const 100)))
(assert_return (invoke "sum" (i32.const 1000) (i32.const 101)) (i32.const 101))
;; Overlapping by 3 (shorter than a vector): period-3 pattern 1 2 3 1 2 3 ...
(assert_return (invoke "copy" (i32.const 3003) (i32.const 0) (i32.const 3)))
(assert_return (invoke "copy" (i32.const 3006) (i32.const 3003) (i32.const 60)))
(assert_return (invoke "sum" (i32.const 3003) (i32.const 63)) (i32.const 126))

;; In bounds over f64 (x[0..2] = 1.5, 2.5, -4).
(assert_return (invoke "storef64" (i32.const 8000) (f64.const 1.5)))
(assert_return (invoke "storef64" (i32.const 8008) (f64.const 2.5)))
(assert_return (invoke "storef64" (i32.const 8016) (f64.const -4)))
(assert_return (invoke "axpy" (i32.const 9000) (i32.const 8000) (f64.const 2) (i32.const 100)))
(assert_return (invoke "loadf64" (i32.const 9000)) (f64.const 3))
(assert_return (invoke "loadf64" (i32.const 9008)) (f64.const 5))
(assert_return (invoke "loadf64" (i32.const 9016)) (f64.const -8))
(assert_return (invoke "loadf64" (i32.const 9024)) (f64.const 0))

;; y runs off the end in the second unrolled iteration: y[2] is stored, loading y[3] traps.
(assert_trap (invoke "axpy" (i32.const 65512) (i32.const 8000) (f64.const 2) (i32.const 4))
             "out of bounds memory access")
(assert_return (invoke "loadf64" (i32.const 65512)) (f64.const 3))
(assert_return (invoke "loadf64" (i32.const 65520)) (f64.const 5))
(assert_return (invoke "loadf64" (i32.const 65528)) (f64.const -8))

;; Off the end: the 10 in-bounds bytes are written, then the 11th traps.
(assert_trap (invoke "fill" (i32.const 65526) (i32.const 9) (i32.const 20))
             "out of bounds memory access")
(assert_return (invoke "sum" (i32.const 65526) (i32.const 10)) (i32.const 90))
(assert_trap (invoke "copy" (i32.const 65530) (i32.const 0) (i32.const 100))
             "out of bounds memory access")
(assert_return (invoke "sum" (i32.const 65530) (i32.const 6)) (i32.const 21))
;; The source runs off the end: the bytes before the faulting load are copied.
(assert_trap (invoke "copy" (i32.const 4000) (i32.const 65534) (i32.const 50))
             "out of bounds memory access")
(assert_return (invoke "load8" (i32.const 4000)) (i32.const 5))
(assert_return (invoke "load8" (i32.const 4001)) (i32.const 6))
(assert_return (invoke "load8" (i32.const 4002)) (i32.const 0))
(assert_trap (invoke "fill" (i32.const 65536) (i32.const 5) (i32.const 1))
             "out of bounds memory access")
;; Wrapping below 0: addresses 5, 4, ..., 0 are written, then 0xffffffff traps.
(assert_trap (invoke "fill_down" (i32.const 5) (i32.const 1) (i32.const 100))
             "out of bounds memory access")
(assert_return (invoke "sum" (i32.const 0) (i32.const 6)) (i32.const 6))
(assert_return (invoke "load8" (i32.const 6)) (i32.const 7))
;; Words (bytes 0..15 are now 1 1 1 1 1 1 7 8 9 .. 16): two stores fit below the end (the
;; static offset included), the third straddles it and writes none of its bytes.
(assert_trap (invoke "copy64" (i32.const 65508) (i32.const 0) (i32.const 4))
             "out of bounds memory access")
(assert_return (invoke "load64" (i32.const 65516)) (i64.const 0x0807010101010102))
(assert_return (invoke "load64" (i32.const 65524)) (i64.const 0x100f0e0d0c0b0a0a))
(assert_return (invoke "sum" (i32.const 65532) (i32.const 4)) (i32.const 18))
(assert_return (invoke "load8" (i32.const 65515)) (i32.const 0))

;; After memory.grow the same loops run in bounds up to the new end.
(assert_return (invoke "grow" (i32.const 1)) (i32.const 1))
(assert_return (invoke "fill" (i32.const 65526) (i32.const 2) (i32.const 20)))
(assert_return (invoke "sum" (i32.const 65526) (i32.const 20)) (i32.const 40))
(assert_trap (invoke "fill" (i32.const 131000) (i32.const 1) (i32.const 1000))
             "out of bounds memory access")
(assert_return (invoke "sum" (i32.const 131000) (i32.const 72)) (i32.const 72))
