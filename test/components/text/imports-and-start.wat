;; Inline imports of every definition kind, nested export names and `start` (🪙).
(component $imports
  (type $f (func))
  (import "i" (instance $i (export "a" (instance (export "b" (func))))))
  (export "x" (func $i "a" "b"))
  (func $y (import "y") (type $f))
  (func (import "y2") (param "p" u32) (result string))
  (instance $z (import "z") (export "q" (func (type $f))))
  (core module $m (import "m") (import "x" "y" (func)) (export "f" (func)))
  (component $c (import "c") (import "q" (func $q)) (export "w" (func (type $f))))
  (import "n" (func $n (result u32)))
  (start $n (result (value $r)))
  (export "r" (value $r))
)
