(component (@custom "x" (after first) "y"))
