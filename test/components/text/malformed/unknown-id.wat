(component (type (list $nope)))
