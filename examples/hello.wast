;; A small WAST script: a module, an assertion that needs execution, and three modules that
;; must be rejected (invalid, malformed text, malformed binary).
(module
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1))))

(assert_return (invoke "add" (i32.const 2) (i32.const 3)) (i32.const 5))

(assert_invalid
  (module (func (result i32) (i64.const 1)))
  "type mismatch")

(assert_malformed
  (module quote "(func (result i32) (i32.add_wrong))")
  "unknown operator")

(assert_malformed
  (module binary "\00asm\02\00\00\00")
  "unknown binary version")
