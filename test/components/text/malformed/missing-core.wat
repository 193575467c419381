(component (core module $m) (instance (instantiate 0 (with "m" (module $m)))))
