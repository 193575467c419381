;; Exception handling (try_table, throw, throw_ref, exnref): what the JIT's setjmp-based handlers
;; must get right beyond the spec suite. Passes `wasmtime wast -W exceptions=y,tail-call=y`.
;; wcr-enable: exception-handling tail-call

(module $tags
  (tag $e0 (export "e0"))
  (tag $ei (export "ei") (param i32))
  (func (export "throw-ei") (param i32) (throw $ei (local.get 0)))
)
(register "tags" $tags)

(module
  (tag $e0 (import "tags" "e0"))
  (tag $ei (import "tags" "ei") (param i32))
  (func $throw-ei (import "tags" "throw-ei") (param i32))
  (tag $local (param i32))
  (tag $mixed (param i32 i64 f32 f64 v128 funcref externref))
  (elem declare func $thrower)
  (table $t 1 funcref)
  (memory 1)
  (global $g (mut i32) (i32.const 0))

  (func $thrower (param i32)
    (if (local.get 0) (then (throw $ei (local.get 0)))))
  (func $div (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))

  ;; A local set inside the body is read after the landing: it must hold the latest value.
  (func (export "local-after-throw") (param i32) (result i32)
    (local $x i32)
    (local.set $x (i32.const 1))
    (block $h
      (try_table (catch_all $h)
        (local.set $x (i32.const 2))
        (call $thrower (local.get 0))
        (local.set $x (i32.const 3))))
    (local.get $x))

  ;; The same in a loop: every iteration sets, throws and reads back.
  (func (export "loop-sum") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $next
      (block $h (result i32)
        (try_table (result i32) (catch $ei $h)
          (local.set $sum (i32.add (local.get $sum) (i32.const 1)))
          (call $throw-ei (local.get $i))
          (i32.const 1000)))
      (local.set $sum (i32.add (local.get $sum)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))

  ;; A value on the operand stack below the try_table survives the landing.
  (func (export "stack-below") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 10))
    (block $h
      (try_table (catch_all $h) (call $thrower (i32.const 1))))
    (i32.add (i32.const 5)))

  ;; A catch that leaves an enclosing try_table too: the outer handler is unlinked, so the next
  ;; throw is not caught by it (it reaches the caller instead of returning 66).
  (func $leave-two (result i32)
    (block $done
      (block $out (result i32)
        (try_table (catch_all $done)
          (try_table (catch $ei $out)
            (call $thrower (i32.const 5))))
        (return (i32.const 77)))
      (drop)
      (call $thrower (i32.const 9))
      (return (i32.const 0)))
    (i32.const 66))
  (func (export "leave-two") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $ei $h) (call $leave-two))))

  ;; Branches out of a try_table unlink it: br, br_if, br_table, return.
  (func $exit-by (param $how i32) (result i32)
    (block $out
      (try_table (catch_all $out)
        (block $b0
          (block $b1
            (block $b2
              (br_table $b0 $b1 $b2 (local.get $how)))
            ;; how = 2: return from inside
            (return (i32.const 2)))
          ;; how = 1: br_if out
          (br_if $out (i32.const 1))
          (unreachable))
        ;; how = 0: br out
        (br $out)))
    (i32.const 0))
  (func (export "exit-then-throw") (param i32) (result i32)
    (local $r i32)
    (block $h (result i32)
      (try_table (result i32) (catch $ei $h)
        (local.set $r (call $exit-by (local.get 0)))
        (call $thrower (i32.add (i32.const 100) (local.get $r)))
        (i32.const -1))))

  ;; A trap inside a try_table is not caught, and leaves no handler behind.
  (func (export "trap-in-try") (param i32 i32) (result i32)
    (block $h
      (try_table (catch_all $h)
        (return (call $div (local.get 0) (local.get 1)))))
    (i32.const -1))
  (func (export "throw-uncaught") (call $thrower (i32.const 1)))

  ;; Recursion with a try_table per level; the exception thrown at the bottom is caught by the
  ;; level that matches its depth.
  (func $recurse (param $depth i32) (param $catchAt i32) (result i32)
    (local $v i32)
    (block $h (result i32)
      (try_table (result i32) (catch $local $h)
        (if (i32.eqz (local.get $depth)) (then (throw $local (i32.const 0))))
        (return (call $recurse (i32.sub (local.get $depth) (i32.const 1)) (local.get $catchAt)))))
    (local.set $v)
    (if (i32.lt_u (local.get $depth) (local.get $catchAt))
      (then (throw $local (i32.add (local.get $v) (i32.const 1)))))
    (i32.add (local.get $v) (i32.const 1000)))
  (func (export "recurse") (param i32 i32) (result i32)
    (call $recurse (local.get 0) (local.get 1)))

  ;; Payload of every value type.
  (func (export "mixed") (result i32 i64 f32 f64 v128 i32 i32)
    (local $fr funcref) (local $er externref)
    (block $h (result i32 i64 f32 f64 v128 funcref externref)
      (try_table (catch $mixed $h)
        (throw $mixed (i32.const -7) (i64.const 0x1234567890) (f32.const 1.5) (f64.const -2.25)
                      (v128.const i32x4 1 2 3 4) (ref.func $thrower) (ref.null extern)))
      (unreachable))
    (local.set $er) (local.set $fr)
    (ref.is_null (local.get $fr))
    (ref.is_null (local.get $er)))

  ;; catch_ref keeps the exception; throw_ref rethrows it with its payload.
  (func (export "rethrow") (param i32) (result i32)
    (local $x exnref)
    (block $h (result i32)
      (try_table (result i32) (catch $ei $h)
        (block $r (result i32 exnref)
          (try_table (catch_ref $ei $r) (call $throw-ei (local.get 0)))
          (unreachable))
        (local.set $x)
        (global.set $g)
        (throw_ref (local.get $x)))))
  (func (export "g") (result i32) (global.get $g))
  (func (export "throw-null") (block (throw_ref (ref.null exn))))
  (func (export "exnref-in-local") (result i32)
    (local $x exnref)
    (block $r (result exnref)
      (try_table (catch_all_ref $r) (throw $e0))
      (unreachable))
    (local.set $x)
    (block $h
      (try_table (catch $e0 $h) (throw_ref (local.get $x))))
    (i32.const 42))

  ;; Tags are compared by identity: an imported tag matches the exporter's throws.
  (func (export "cross-module") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $ei $h) (call $throw-ei (i32.const 31)) (i32.const 0))))
  (func (export "wrong-tag") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $local $h) (call $throw-ei (i32.const 1)) (i32.const 0))))

  ;; try_table with parameters.
  (func (export "params") (result i32)
    (i32.const 3) (i32.const 4)
    (block $h (param i32 i32) (result i32)
      (try_table (param i32 i32) (result i32) (catch $ei $h)
        (i32.add)
        (throw $ei)))
    (i32.mul (i32.const 2)))

  ;; return_call from inside a try_table leaves it: the callee's throw is not caught here.
  (func (export "tail-call-in-try") (result i32)
    (block $h
      (try_table (catch_all $h) (return_call $div (i32.const 1) (i32.const 1))))
    (i32.const -1))
  (func $throw-result (result i32) (call $thrower (i32.const 3)) (i32.const 0))
  (func (export "tail-call-throws") (result i32)
    (block $h
      (try_table (catch_all $h) (return_call $throw-result)))
    (i32.const -1))
)

(assert_return (invoke "local-after-throw" (i32.const 1)) (i32.const 2))
(assert_return (invoke "local-after-throw" (i32.const 0)) (i32.const 3))
(assert_return (invoke "loop-sum" (i32.const 1000)) (i32.const 500500))
(assert_return (invoke "stack-below" (i32.const 4)) (i32.const 45))
(assert_return (invoke "leave-two") (i32.const 9))
(assert_return (invoke "exit-then-throw" (i32.const 0)) (i32.const 100))
(assert_return (invoke "exit-then-throw" (i32.const 1)) (i32.const 100))
(assert_return (invoke "exit-then-throw" (i32.const 2)) (i32.const 102))
(assert_return (invoke "trap-in-try" (i32.const 6) (i32.const 3)) (i32.const 2))
(assert_trap (invoke "trap-in-try" (i32.const 6) (i32.const 0)) "integer divide by zero")
(assert_exception (invoke "throw-uncaught"))
(assert_return (invoke "recurse" (i32.const 50) (i32.const 0)) (i32.const 1000))
(assert_return (invoke "recurse" (i32.const 50) (i32.const 20)) (i32.const 1020))
(assert_exception (invoke "recurse" (i32.const 50) (i32.const 51)))
(assert_return (invoke "recurse" (i32.const 3) (i32.const 3)) (i32.const 1003))
(assert_return (invoke "mixed")
  (i32.const -7) (i64.const 0x1234567890) (f32.const 1.5) (f64.const -2.25)
  (v128.const i32x4 1 2 3 4) (i32.const 0) (i32.const 1))
(assert_return (invoke "rethrow" (i32.const 8)) (i32.const 8))
(assert_return (invoke "g") (i32.const 8))
(assert_trap (invoke "throw-null") "null exception reference")
(assert_return (invoke "exnref-in-local") (i32.const 42))
(assert_return (invoke "cross-module") (i32.const 31))
(assert_exception (invoke "wrong-tag"))
(assert_return (invoke "params") (i32.const 14))
(assert_return (invoke "tail-call-in-try") (i32.const 1))
(assert_exception (invoke "tail-call-throws"))
;; After all of the above, the handler chain is empty: a plain call still works.
(assert_return (invoke "local-after-throw" (i32.const 0)) (i32.const 3))

;; Each instantiation defines its own tags: a second instance's exception does not match.
(module $maker
  (tag $t (export "t") (param i32))
  (func (export "throw") (param i32) (throw $t (local.get 0))))
(register "a" $maker)
(module $maker2
  (tag $t (export "t") (param i32))
  (func (export "throw") (param i32) (throw $t (local.get 0))))
(register "b" $maker2)
(module
  (tag $ta (import "a" "t") (param i32))
  (func $throw-a (import "a" "throw") (param i32))
  (func $throw-b (import "b" "throw") (param i32))
  (func (export "catch-a") (param i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $ta $h)
        (if (local.get 0) (then (call $throw-b (i32.const 2))) (else (call $throw-a (i32.const 1))))
        (i32.const 0)))))
(assert_return (invoke "catch-a" (i32.const 0)) (i32.const 1))
(assert_exception (invoke "catch-a" (i32.const 1)))

;; exnref in tables and globals.
(module
  (tag $t (param i32))
  (table $tab 2 exnref)
  (global $g (mut exnref) (ref.null exn))
  (func (export "store") (param i32)
    (block $r (result i32 exnref)
      (try_table (catch_ref $t $r) (throw $t (local.get 0)))
      (unreachable))
    (global.set $g)
    (drop)
    (table.set $tab (i32.const 1) (global.get $g)))
  (func (export "rethrow-table") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $t $h) (throw_ref (table.get $tab (i32.const 1))))))
  (func (export "rethrow-global") (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $t $h) (throw_ref (global.get $g)))))
  (func (export "null-slot") (result i32) (ref.is_null (table.get $tab (i32.const 0))))
  (func (export "grow") (result i32) (table.grow $tab (global.get $g) (i32.const 3)))
  (func (export "size") (result i32) (table.size $tab))
  (func (export "get-null") (result exnref) (table.get $tab (i32.const 0)))
)
(assert_return (invoke "null-slot") (i32.const 1))
(assert_return (invoke "get-null") (ref.null exn))
(invoke "store" (i32.const 77))
(assert_return (invoke "rethrow-table") (i32.const 77))
(assert_return (invoke "rethrow-global") (i32.const 77))
(assert_return (invoke "grow") (i32.const 2))
(assert_return (invoke "size") (i32.const 5))

;; Tag imports are checked by type.
(assert_unlinkable
  (module (tag (import "a" "t") (param i64)))
  "incompatible import type")
(assert_unlinkable
  (module (tag (import "a" "throw") (param i32)))
  "incompatible import type")

;; Validation.
(assert_invalid (module (tag (param i32) (result i32))) "non-empty tag result type")
(assert_invalid (module (func (throw 0))) "unknown tag 0")
(assert_invalid
  (module (tag (param i32)) (func (result i32) (block $h (result i64) (try_table (catch 0 0)) (i64.const 0)) (drop) (i32.const 0)))
  "type mismatch")
(assert_invalid (module (func (try_table (catch_all 1)))) "unknown label")
(assert_invalid (module (func (throw_ref (ref.null extern)))) "type mismatch")
