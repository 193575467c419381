;; The guest of examples/embed: sums the squares 1..n, asking the host to square each number,
;; and reports the total through a host function.
(module
  (import "host" "square" (func $square (param i32) (result i64)))
  (import "host" "report" (func $report (param i64)))
  (func (export "sum_squares") (param $n i32) (result i64)
    (local $i i32) (local $sum i64)
    (block $done
      (loop $next
        (br_if $done (i32.gt_s (local.get $i) (local.get $n)))
        (local.set $sum (i64.add (local.get $sum) (call $square (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (call $report (local.get $sum))
    (local.get $sum))
  (func (export "divide") (param i32 i32) (result i32)
    (i32.div_u (local.get 0) (local.get 1))))
