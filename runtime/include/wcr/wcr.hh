// The wcr C++ API: everything an embedder includes.
#pragma once

#include "wcr/engine.h"
#include "wcr/instance.h"
#include "wcr/linker.h"
#include "wcr/module.h"
#include "wcr/result.h"
#include "wcr/val.h"
