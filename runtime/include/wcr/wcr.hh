// The wcr C++ API: everything an embedder includes.
#pragma once

#include "wcr/component.h"
#include "wcr/component_val.h"
#include "wcr/engine.h"
#include "wcr/instance.h"
#include "wcr/linker.h"
#include "wcr/module.h"
#include "wcr/result.h"
#include "wcr/val.h"
