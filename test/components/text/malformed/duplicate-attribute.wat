(component (import "a" (implements "a:b/c") (implements "a:b/c") (instance)))
