;; A component script: a component instantiates a nested one and exports its `greet`; the host's
;; strings are lowered into the component's memory (through its realloc) and the result is lifted
;; back, by the canonical ABI.
(component
  (component $Greeter
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 1024))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $next))
        (global.set $next (i32.add (global.get $next) (local.get 3)))
        (local.get $p))
      ;; greet(name) -> "hi " ++ name, written at 512 as (ptr, len) for the lifted result
      (func (export "greet") (param $ptr i32) (param $len i32) (result i32)
        (i32.store8 (i32.const 600) (i32.const 104))  ;; h
        (i32.store8 (i32.const 601) (i32.const 105))  ;; i
        (i32.store8 (i32.const 602) (i32.const 32))
        (memory.copy (i32.const 603) (local.get $ptr) (local.get $len))
        (i32.store (i32.const 512) (i32.const 600))
        (i32.store (i32.const 516) (i32.add (local.get $len) (i32.const 3)))
        (i32.const 512)))
    (core instance $m (instantiate $M))
    (func (export "greet") (param "name" string) (result string)
      (canon lift (core func $m "greet") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")))))
  (instance $g (instantiate $Greeter))
  (export "greet" (func $g "greet")))

(assert_return (invoke "greet" (str.const "wasm")) (str.const "hi wasm"))
(assert_return (invoke "greet" (str.const "☃")) (str.const "hi ☃"))
