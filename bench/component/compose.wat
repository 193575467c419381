;; The component-call benchmark of bench/component: a callee component exports
;; f(r: record {a: u32, b: u32, c: u64, d: f64}, s: string) -> u32, a caller component imports it
;; and calls it n times in a core wasm loop with a 16-byte string. Both are instantiated and
;; composed here; `run(n)` measures component-to-component calls, `f` host-to-component calls.
(component
  (component $Callee
    (type $rec (record (field "a" u32) (field "b" u32) (field "c" u64) (field "d" f64)))
    (export $rec' "rec" (type $rec))
    (core module $M
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 4096))
      ;; A bump allocator that starts over when the page fills (callers never keep strings).
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (if (i32.gt_u (i32.add (global.get $next) (local.get 3)) (i32.const 65536))
          (then (global.set $next (i32.const 4096))))
        (local.set $p (global.get $next))
        (global.set $next (i32.add (global.get $next) (local.get 3)))
        (local.get $p))
      ;; a + the string's length + its first byte
      (func (export "f") (param i32 i32 i64 f64 i32 i32) (result i32)
        (global.set $next (i32.const 4096))
        (i32.add (i32.add (local.get 0) (local.get 5)) (i32.load8_u (local.get 4)))))
    (core instance $m (instantiate $M))
    (func (export "f") (param "r" $rec') (param "s" string) (result u32)
      (canon lift (core func $m "f") (memory (core memory $m "mem"))
        (realloc (core func $m "realloc")))))
  (component $Caller
    (type $r (record (field "a" u32) (field "b" u32) (field "c" u64) (field "d" f64)))
    (import "rec" (type $rec (eq $r)))
    (import "f" (func $f (param "r" $rec) (param "s" string) (result u32)))
    (core module $Libc (memory (export "mem") 1) (data (i32.const 100) "0123456789abcdef"))
    (core instance $libc (instantiate $Libc))
    (core func $f' (canon lower (func $f) (memory (core memory $libc "mem"))))
    (core module $Main
      (import "" "f" (func $f (param i32 i32 i64 f64 i32 i32) (result i32)))
      (func (export "run") (param $n i32) (result i32)
        (local $acc i32)
        (block $done
          (loop $next
            (br_if $done (i32.eqz (local.get $n)))
            (local.set $acc (i32.add (local.get $acc)
              (call $f (i32.const 1) (i32.const 2) (i64.const 3) (f64.const 4) (i32.const 100)
                       (i32.const 16))))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br $next)))
        (local.get $acc)))
    (core instance $main (instantiate $Main (with "" (instance (export "f" (func $f'))))))
    (func (export "run") (param "n" u32) (result u32) (canon lift (core func $main "run"))))
  (instance $callee (instantiate $Callee))
  (alias export $callee "rec" (type $crec))
  (export $xrec "rec" (type $crec))
  (alias export $callee "f" (func $cf))
  (export "f" (func $cf) (func (param "r" $xrec) (param "s" string) (result u32)))
  (instance $caller (instantiate $Caller (with "rec" (type $crec)) (with "f" (func $cf))))
  (export "run" (func $caller "run"))
)
