;; Hostile components: each must end in a validation error or a trap, never a host crash, and
;; the runner goes on with the next directive. A trap leaves its instance unusable (CanonicalABI.md),
;; so each trap gets a fresh instance of a definition.

;; A string whose length lies: 2^31 - 1 bytes from a 1-page memory.
(component
  (core module $M
    (memory (export "mem") 1)
    (func (export "f") (result i32)
      (i32.store (i32.const 0) (i32.const 16))
      (i32.store (i32.const 4) (i32.const 0x7fffffff))
      (i32.const 0)))
  (core instance $m (instantiate $M))
  (func (export "f") (result string) (canon lift (core func $m "f") (memory (core memory $m "mem")))))
(assert_trap (invoke "f") "string pointer/length out of bounds of memory")

;; A list whose pointer plus length wraps around 2^32.
(component
  (core module $M
    (memory (export "mem") 1)
    (func (export "f") (result i32)
      (i32.store (i32.const 0) (i32.const 0xfffffff0))
      (i32.store (i32.const 4) (i32.const 0x20))
      (i32.const 0)))
  (core instance $m (instantiate $M))
  (func (export "f") (result (list u8)) (canon lift (core func $m "f") (memory (core memory $m "mem")))))
(assert_trap (invoke "f") "list pointer/length out of bounds of memory")

;; Forged handles: never-allocated, index 0, and the top of the index space.
(component definition $Handles
  (type $R (resource (rep i32)))
  (core func $drop (canon resource.drop $R))
  (core func $rep (canon resource.rep $R))
  (core module $M
    (import "" "drop" (func $drop (param i32)))
    (import "" "rep" (func $rep (param i32) (result i32)))
    (func (export "drop-forged") (call $drop (i32.const 12345)))
    (func (export "rep-zero") (result i32) (call $rep (i32.const 0)))
    (func (export "rep-max") (result i32) (call $rep (i32.const -1))))
  (core instance $m (instantiate $M (with "" (instance (export "drop" (func $drop)) (export "rep" (func $rep))))))
  (func (export "drop-forged") (canon lift (core func $m "drop-forged")))
  (func (export "rep-zero") (result u32) (canon lift (core func $m "rep-zero")))
  (func (export "rep-max") (result u32) (canon lift (core func $m "rep-max"))))
(component instance $h $Handles)
(assert_trap (invoke "drop-forged") "unknown handle index 12345")
(assert_trap (invoke "drop-forged") "cannot enter component instance")
(component instance $h $Handles)
(assert_trap (invoke "rep-zero") "unknown handle index 0")
(component instance $h $Handles)
(assert_trap (invoke "rep-max") "unknown handle index 4294967295")

;; A variant discriminant out of range, a char that is a surrogate.
(component definition $Bad
  (core module $M
    (func (export "v") (result i32) (i32.const 7))
    (func (export "c") (result i32) (i32.const 0xdfff)))
  (core instance $m (instantiate $M))
  (type $e (enum "a" "b"))
  (export $e' "e" (type $e))
  (func (export "v") (result $e') (canon lift (core func $m "v")))
  (func (export "c") (result char) (canon lift (core func $m "c"))))
(component instance $b $Bad)
(assert_trap (invoke "v") "discriminant 7 out of range [0..2)")
(component instance $b $Bad)
(assert_trap (invoke "c") "converted integer out of range for `char`")

;; A function import instantiated with the wrong type.
(assert_invalid
  (component
    (component $C (import "f" (func (param "x" u32))))
    (core module $M (func (export "g") (param i64)))
    (core instance $m (instantiate $M))
    (func $g (param "x" u64) (canon lift (core func $m "g")))
    (instance (instantiate $C (with "f" (func $g)))))
  "type mismatch")

;; A core module import with the wrong signature.
(assert_invalid
  (component
    (core module $A (func (export "f") (param i32)))
    (core module $B (import "a" "f" (func (param i64))))
    (core instance $a (instantiate $A))
    (core instance (instantiate $B (with "a" (instance $a)))))
  "type mismatch")

;; Still fine afterwards.
(component
  (core module $M (func (export "f") (result i32) (i32.const 42)))
  (core instance $m (instantiate $M))
  (func (export "f") (result u32) (canon lift (core func $m "f"))))
(assert_return (invoke "f") (u32.const 42))
