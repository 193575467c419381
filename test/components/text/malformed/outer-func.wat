(component (import "x" (func $x)) (component (export "x" (func $x))))
