;; When a store traps, the stores before it have happened, also where LLVM would merge adjacent
;; stores into one wider store (jit/llvm/jit_engine.cc turns the DAG combiner's store merging off).
(module
  (memory 1)
  (func (export "two") (param $a i32)
    (i32.store (local.get $a) (i32.const 1))
    (i32.store offset=4 (local.get $a) (i32.const 2)))
  (func (export "bytes") (param $a i32)
    (i32.store8 (local.get $a) (i32.const 1))
    (i32.store8 offset=1 (local.get $a) (i32.const 2))
    (i32.store8 offset=2 (local.get $a) (i32.const 3))
    (i32.store8 offset=3 (local.get $a) (i32.const 4)))
  (func (export "load") (param $a i32) (result i32) (i32.load (local.get $a))))
(assert_trap (invoke "two" (i32.const 65532)) "out of bounds memory access")
(assert_return (invoke "load" (i32.const 65532)) (i32.const 1))
(assert_trap (invoke "bytes" (i32.const 65534)) "out of bounds memory access")
(assert_return (invoke "load" (i32.const 65532)) (i32.const 0x02010001))
