;; Guests for test/scripts/run_command_test.py (`wcr run --invoke`): results, traps, and loops
;; that only an interrupt (--timeout) or running out of fuel (--fuel) ends.
(module
  (memory 1)
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  (func $rec (export "recurse") (param i32) (result i32) (i32.add (call $rec (local.get 0)) (i32.const 1)))
  (func (export "oob") (result i32) (i32.load (i32.const 65535)))
  (func (export "half") (param f64) (result f64) (f64.mul (local.get 0) (f64.const 0.5)))
  (func $spin (export "spin") (loop $forever (br $forever))))
