;; legacy syntax: `(memory $i "name")` must be `(memory (core memory $i "name"))`
(component
  (core module $m (memory (export "mem") 1))
  (core instance $i (instantiate $m))
  (import "f" (func $f (param "x" string)))
  (core func (canon lower (func $f) (memory $i "mem"))))
