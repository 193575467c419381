;; A small core module: a memory holding a greeting, a function that adds two numbers and one
;; that returns the greeting's address and length (two results: multi-value).
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello, WebAssembly!")
  (func $add (export "add") (param $a i32) (param $b i32) (result i32)
    local.get $a
    local.get $b
    i32.add)
  (func (export "greeting") (result i32 i32)
    (i32.const 16) (i32.const 19)))
