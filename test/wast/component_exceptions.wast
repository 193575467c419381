;; Exceptions do not cross component boundaries (CanonicalABI.md, call_and_trap_on_throw): a
;; core exception that leaves a lifted function traps, even when the calling component's core
;; code has a try_table around the call. Inside one component, exceptions flow between core
;; instances as usual. Runs fused and on the reference path; passes `wasmtime wast`.

(component
  (component $callee
    (core module $m
      (tag $t (param i32))
      (func (export "f") (param i32) (result i32)
        (if (local.get 0) (then (throw $t (local.get 0))))
        (i32.const 7))
      ;; Thrown and caught inside the callee: not a boundary.
      (func (export "g") (param i32) (result i32)
        (block $h (result i32)
          (try_table (result i32) (catch $t $h)
            (drop (call 0 (local.get 0)))
            (i32.const 0)))))
    (core instance $i (instantiate $m))
    (func (export "f") (param "x" u32) (result u32) (canon lift (core func $i "f")))
    (func (export "g") (param "x" u32) (result u32) (canon lift (core func $i "g"))))
  (instance $c (instantiate $callee))

  (core module $caller
    (import "c" "f" (func $f (param i32) (result i32)))
    ;; The try_table must not see the callee's exception: the call traps instead.
    (func (export "call-f") (param i32) (result i32)
      (block $h
        (try_table (catch_all $h) (return (call $f (local.get 0)))))
      (i32.const -1)))
  (core func $f (canon lower (func $c "f")))
  (core instance $ci (instantiate $caller (with "c" (instance (export "f" (func $f))))))
  (func (export "call-f") (param "x" u32) (result s32) (canon lift (core func $ci "call-f")))
  (export "g" (func $c "g"))
)

(assert_return (invoke "call-f" (u32.const 0)) (s32.const 7))
(assert_return (invoke "g" (u32.const 3)) (u32.const 3))
(assert_return (invoke "g" (u32.const 0)) (u32.const 0))
(assert_trap (invoke "call-f" (u32.const 5)) "uncaught exception")
;; The trap poisoned the instance.
(assert_trap (invoke "call-f" (u32.const 0)) "cannot enter component instance")
