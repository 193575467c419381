;; Loops with latches ScalarEvolution cannot count (jit/llvm/trip_count_solver.cc) and copy
;; loops that the in-bounds copy turns into one memmove (jit/llvm/bounds_versioning.cc,
;; matchCopy), shaped like wasi-libc's memcpy/memmove loops. Each runs in bounds (disjoint,
;; overlapping both ways, in place, short and long), off the end of memory, and with counts
;; that make the induction wrap (the solver's conditions fail and the original loop must trap
;; at exactly the access where wasm traps, after exactly the stores before it). Memory is
;; compared through an FNV-1a hash of byte ranges; the expected values come from a model of
;; the loops (the script also passes `wasmtime wast`).
(module
  (memory 1)
  (func (export "init")
    (local $i i32)
    (loop $l
      (i32.store8 (local.get $i)
        (i32.add (i32.mul (local.get $i) (i32.const 7)) (i32.shr_u (local.get $i) (i32.const 8))))
      (br_if $l (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                        (i32.const 65536)))))
  (func (export "hash") (param $a i32) (param $n i32) (result i32)
    (local $h i32)
    (local.set $h (i32.const 0x811c9dc5))
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $l
        (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (local.get $a)))
                               (i32.const 16777619)))
        (local.set $a (i32.add (local.get $a) (i32.const 1)))
        (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (local.get $h))
  ;; memmove's backward byte loop, unrolled by 4: n -= 4 ... while (n != 0).
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
      (br_if $l (local.get $n))))
  ;; memmove's backward word loop: n -= 16, four words ... while (n > 3).
  (func (export "move_down_words") (param $d i32) (param $s i32) (param $n i32)
    (loop $l
      (local.set $n (i32.sub (local.get $n) (i32.const 16)))
      (i32.store offset=12 (i32.add (local.get $d) (local.get $n))
        (i32.load offset=12 (i32.add (local.get $s) (local.get $n))))
      (i32.store offset=8 (i32.add (local.get $d) (local.get $n))
        (i32.load offset=8 (i32.add (local.get $s) (local.get $n))))
      (i32.store offset=4 (i32.add (local.get $d) (local.get $n))
        (i32.load offset=4 (i32.add (local.get $s) (local.get $n))))
      (i32.store (i32.add (local.get $d) (local.get $n))
        (i32.load (i32.add (local.get $s) (local.get $n))))
      (br_if $l (i32.gt_u (local.get $n) (i32.const 3)))))
  ;; memcpy's aligned loop: four i64 words, d += 32, s += 32 ... while ((n -= 32) > 15).
  (func (export "copy_up") (param $d i32) (param $s i32) (param $n i32)
    (loop $l
      (i64.store (local.get $d) (i64.load (local.get $s)))
      (i64.store offset=8 (local.get $d) (i64.load offset=8 (local.get $s)))
      (i64.store offset=16 (local.get $d) (i64.load offset=16 (local.get $s)))
      (i64.store offset=24 (local.get $d) (i64.load offset=24 (local.get $s)))
      (local.set $d (i32.add (local.get $d) (i32.const 32)))
      (local.set $s (i32.add (local.get $s) (i32.const 32)))
      (br_if $l (i32.gt_u (local.tee $n (i32.sub (local.get $n) (i32.const 32)))
                          (i32.const 15)))))
  ;; Two bytes per iteration ... while ((i += 2) < n).
  (func (export "copy_up_lt") (param $d i32) (param $s i32) (param $n i32)
    (local $i i32)
    (loop $l
      (i32.store8 (i32.add (local.get $d) (local.get $i))
        (i32.load8_u (i32.add (local.get $s) (local.get $i))))
      (i32.store8 offset=1 (i32.add (local.get $d) (local.get $i))
        (i32.load8_u offset=1 (i32.add (local.get $s) (local.get $i))))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 2)))
                          (local.get $n)))))
  ;; Three bytes per iteration, walking down ... while ((i -= 3) >= 0), signed.
  (func (export "fill_down_signed") (param $d i32) (param $v i32) (param $i i32)
    (loop $l
      (i32.store8 (i32.add (local.get $d) (local.get $i)) (local.get $v))
      (i32.store8 offset=1 (i32.add (local.get $d) (local.get $i)) (local.get $v))
      (i32.store8 offset=2 (i32.add (local.get $d) (local.get $i)) (local.get $v))
      (br_if $l (i32.ge_s (local.tee $i (i32.sub (local.get $i) (i32.const 3)))
                          (i32.const 0))))))

(assert_return (invoke "init"))

;; Backward byte moves (memmove's tail loop, n a multiple of 4): disjoint, overlapping by a
;; few bytes both ways, exactly in place, short (loop) and long (memmove).
(assert_return (invoke "move_down" (i32.const 1000) (i32.const 3000) (i32.const 400)))
(assert_return (invoke "hash" (i32.const 992) (i32.const 2416)) (i32.const 1560813349))  ;; d=1000 s=3000 n=400
(assert_return (invoke "move_down" (i32.const 5001) (i32.const 5000) (i32.const 400)))
(assert_return (invoke "hash" (i32.const 4992) (i32.const 417)) (i32.const 1096983082))  ;; d=5001 s=5000 n=400
(assert_return (invoke "move_down" (i32.const 6005) (i32.const 6000) (i32.const 64)))
(assert_return (invoke "hash" (i32.const 5992) (i32.const 85)) (i32.const 1728753422))  ;; d=6005 s=6000 n=64
(assert_return (invoke "move_down" (i32.const 7000) (i32.const 7003) (i32.const 400)))
(assert_return (invoke "hash" (i32.const 6992) (i32.const 419)) (i32.const 1726157019))  ;; d=7000 s=7003 n=400
(assert_return (invoke "move_down" (i32.const 8000) (i32.const 8000) (i32.const 64)))
(assert_return (invoke "hash" (i32.const 7992) (i32.const 80)) (i32.const 577709445))  ;; d=8000 s=8000 n=64
(assert_return (invoke "move_down" (i32.const 9100) (i32.const 9000) (i32.const 8)))
(assert_return (invoke "hash" (i32.const 8992) (i32.const 124)) (i32.const 707575945))  ;; d=9100 s=9000 n=8
(assert_return (invoke "move_down" (i32.const 9500) (i32.const 9501) (i32.const 12)))
(assert_return (invoke "hash" (i32.const 9492) (i32.const 29)) (i32.const -1512933436))  ;; d=9500 s=9501 n=12

;; n not a multiple of 4: n wraps past 0 and the loop walks down through memory until
;; address 0 - 1 traps; every byte below d + n is written first.
(assert_trap (invoke "move_down" (i32.const 300) (i32.const 40000) (i32.const 6)) "out of bounds memory access")
(assert_return (invoke "hash" (i32.const 0) (i32.const 400)) (i32.const 220891165))  ;; bytes 0..305 copied from 39994.. before the trap

;; Off the end: the first store of the first iteration is out of bounds: nothing written.
(assert_trap (invoke "move_down" (i32.const 65500) (i32.const 100) (i32.const 40)) "out of bounds memory access")
(assert_return (invoke "hash" (i32.const 65400) (i32.const 136)) (i32.const -26780411))  ;; untouched

;; The source runs off the end: the top bytes are read first, so it traps at once.
(assert_trap (invoke "move_down" (i32.const 100) (i32.const 65520) (i32.const 40)) "out of bounds memory access")
(assert_return (invoke "hash" (i32.const 0) (i32.const 200)) (i32.const -832348267))  ;; untouched

;; Backward word moves, `n -= 16; n > 3` (ugt).
(assert_return (invoke "move_down_words" (i32.const 11000) (i32.const 13000) (i32.const 403)))
(assert_return (invoke "hash" (i32.const 10992) (i32.const 2419)) (i32.const -1300070226))  ;; d=11000 s=13000 n=403
(assert_return (invoke "move_down_words" (i32.const 14004) (i32.const 14000) (i32.const 400)))
(assert_return (invoke "hash" (i32.const 13992) (i32.const 420)) (i32.const 898759553))  ;; d=14004 s=14000 n=400
(assert_return (invoke "move_down_words" (i32.const 15000) (i32.const 15008) (i32.const 400)))
(assert_return (invoke "hash" (i32.const 14992) (i32.const 424)) (i32.const 1801207453))  ;; d=15000 s=15008 n=400
(assert_return (invoke "move_down_words" (i32.const 16000) (i32.const 16000) (i32.const 19)))
(assert_return (invoke "hash" (i32.const 15992) (i32.const 35)) (i32.const 2123101336))  ;; d=16000 s=16000 n=19

;; n = 8 (< 16): the first n -= 16 wraps; the loop runs down to address 0 and traps.
(assert_trap (invoke "move_down_words" (i32.const 40) (i32.const 20000) (i32.const 8)) "out of bounds memory access")
(assert_return (invoke "hash" (i32.const 0) (i32.const 64)) (i32.const -815295267))  ;; after the wrap

;; The destination straddles the end in the first iteration: nothing written.
(assert_trap (invoke "move_down_words" (i32.const 65440) (i32.const 2000) (i32.const 100)) "out of bounds memory access")
(assert_return (invoke "hash" (i32.const 65400) (i32.const 136)) (i32.const -26780411))  ;; untouched

;; Forward i64 copies, `n -= 32; n > 15` (memcpy's aligned loop).
(assert_return (invoke "copy_up" (i32.const 21000) (i32.const 23000) (i32.const 480)))
(assert_return (invoke "hash" (i32.const 20992) (i32.const 2528)) (i32.const 1230609245))  ;; d=21000 s=23000 n=480
(assert_return (invoke "copy_up" (i32.const 24000) (i32.const 24008) (i32.const 480)))
(assert_return (invoke "hash" (i32.const 23992) (i32.const 536)) (i32.const 1613560485))  ;; d=24000 s=24008 n=480
(assert_return (invoke "copy_up" (i32.const 25008) (i32.const 25000) (i32.const 480)))
(assert_return (invoke "hash" (i32.const 24992) (i32.const 536)) (i32.const -718856075))  ;; d=25008 s=25000 n=480
(assert_return (invoke "copy_up" (i32.const 26000) (i32.const 26001) (i32.const 40)))
(assert_return (invoke "hash" (i32.const 25992) (i32.const 89)) (i32.const 1186405008))  ;; d=26000 s=26001 n=40
(assert_return (invoke "copy_up" (i32.const 27000) (i32.const 27000) (i32.const 64)))
(assert_return (invoke "hash" (i32.const 26992) (i32.const 112)) (i32.const 1462984453))  ;; d=27000 s=27000 n=64

;; Runs off the end after some iterations: the words below the end are written, the
;; word that straddles it is not.
(assert_trap (invoke "copy_up" (i32.const 65300) (i32.const 30000) (i32.const 480)) "out of bounds memory access")
(assert_return (invoke "hash" (i32.const 65200) (i32.const 336)) (i32.const -389606467))  ;; partial

;; n = 8: n - 32 wraps to a huge value > 15, so the loop copies until it leaves memory.
(assert_trap (invoke "copy_up" (i32.const 60000) (i32.const 1000) (i32.const 8)) "out of bounds memory access")
(assert_return (invoke "hash" (i32.const 59990) (i32.const 5546)) (i32.const 1077263198))  ;; to the end

;; Forward bytes, `i += 2; i < n` (ult with step 2): odd n copies one byte more.
(assert_return (invoke "copy_up_lt" (i32.const 31000) (i32.const 33000) (i32.const 301)))
(assert_return (invoke "hash" (i32.const 30992) (i32.const 2317)) (i32.const -1669805155))  ;; d=31000 s=33000 n=301
(assert_return (invoke "copy_up_lt" (i32.const 34001) (i32.const 34000) (i32.const 300)))
(assert_return (invoke "hash" (i32.const 33992) (i32.const 317)) (i32.const -26024654))  ;; d=34001 s=34000 n=300
(assert_return (invoke "copy_up_lt" (i32.const 35000) (i32.const 35003) (i32.const 300)))
(assert_return (invoke "hash" (i32.const 34992) (i32.const 319)) (i32.const 1109061220))  ;; d=35000 s=35003 n=300
(assert_return (invoke "copy_up_lt" (i32.const 36000) (i32.const 36002) (i32.const 30)))
(assert_return (invoke "hash" (i32.const 35992) (i32.const 48)) (i32.const -837959571))  ;; d=36000 s=36002 n=30

;; n = 0xffffffff: i + 2 wraps at the top, never below n: runs off the end of memory.
(assert_trap (invoke "copy_up_lt" (i32.const 65000) (i32.const 100) (i32.const 4294967295)) "out of bounds memory access")
(assert_return (invoke "hash" (i32.const 64990) (i32.const 546)) (i32.const -7900492))  ;; to the end

;; Signed, `i -= 3; i >= 0` (sge) with a step that is not a power of two.
(assert_return (invoke "fill_down_signed" (i32.const 40000) (i32.const 90) (i32.const 299)))
(assert_return (invoke "hash" (i32.const 39990) (i32.const 320)) (i32.const 1370771921))  ;; fill
(assert_trap (invoke "fill_down_signed" (i32.const 65400) (i32.const 51) (i32.const 300)) "out of bounds memory access")
(assert_return (invoke "hash" (i32.const 65390) (i32.const 146)) (i32.const -786668628))  ;; off the end: the top store traps first
(assert_return (invoke "fill_down_signed" (i32.const 5) (i32.const 68) (i32.const 10)))
(assert_return (invoke "hash" (i32.const 0) (i32.const 24)) (i32.const 1903835909))  ;; i = 10, 7, 4, 1: the last stores at d + 1..3
