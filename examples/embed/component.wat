;; examples/embed/component.wat: a small component for examples/embed/component.cc. It imports
;; a logging interface from the host and exports three functions: greet (a string through the
;; host and back), fib (pure computation) and fail (a trap).
(component
  (import "example:log/sink" (instance $sink
    (export "log" (func (param "line" string)))))
  (alias export $sink "log" (func $log))

  ;; Linear memory and a bump allocator (`realloc`) for strings crossing the boundary.
  (core module $Libc
    (memory (export "mem") 1)
    (global $next (mut i32) (i32.const 1024))
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get 2))))
      (global.set $next (i32.add (local.get $p) (local.get 3)))
      (local.get $p)))
  (core instance $libc (instantiate $Libc))
  (core func $log' (canon lower (func $log) (memory (core memory $libc "mem"))))

  (core module $Main
    (import "sink" "log" (func $log (param i32 i32)))
    ;; greet(name): logs the name and returns its length in bytes
    (func (export "greet") (param $ptr i32) (param $len i32) (result i32)
      (call $log (local.get $ptr) (local.get $len))
      (local.get $len))
    (func (export "fib") (param $n i32) (result i64)
      (local $a i64) (local $b i64) (local $t i64)
      (local.set $b (i64.const 1))
      (block $done
        (loop $next
          (br_if $done (i32.eqz (local.get $n)))
          (local.set $t (i64.add (local.get $a) (local.get $b)))
          (local.set $a (local.get $b))
          (local.set $b (local.get $t))
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (br $next)))
      (local.get $a))
    (func (export "fail") unreachable))
  (core instance $main (instantiate $Main (with "sink" (instance (export "log" (func $log'))))))

  (func (export "greet") (param "name" string) (result u32)
    (canon lift (core func $main "greet") (memory (core memory $libc "mem"))
      (realloc (core func $libc "realloc"))))
  (func (export "fib") (param "n" u32) (result u64) (canon lift (core func $main "fib")))
  (func (export "fail") (canon lift (core func $main "fail")))
)
