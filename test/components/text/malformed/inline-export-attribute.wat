(component (func (export "a") (export "b" (versionsuffix "x")) (import "f")))
