;; legacy syntax: `(realloc (func ...))` must be `(realloc (core func ...))`
(component
  (core module $m (func (export "r") (param i32 i32 i32 i32) (result i32) unreachable))
  (core instance $i (instantiate $m))
  (import "f" (func $f))
  (core func (canon lower (func $f) (realloc (func $i "r")))))
