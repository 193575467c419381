(component (type $t u8) (type $t u16))
