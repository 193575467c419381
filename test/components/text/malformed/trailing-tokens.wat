(component (type (func (param "a" u32)) (param "b" u32)))
