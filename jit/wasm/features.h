// The WebAssembly proposals beyond 2.0 that a module may use, as the validator's switch.
//
// Decision: WebAssembly 2.0 is always on and is the default; each later proposal is off unless
// enabled, because the 2.0 spec suite asserts the very rules the proposals lift ("multiple
// memories", "zero byte expected", `i32.add` is not constant). Only the validator consults
// Features: the instruction decoder reads the most general encoding (a memory index is a u32
// LEB128, memarg bit 6 announces one, 0x12/0x13 are tail calls) and records how it was written,
// and the validator rejects what the enabled features do not allow. The compiler and the vm
// then handle whatever validated.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wcr::jit::wasm {

struct Features {
  bool tailCall = false;       // return_call, return_call_indirect
  bool extendedConst = false;  // i32/i64 add, sub and mul in constant expressions
  bool multiMemory = false;    // several memories; memory indices on every memory instruction
  bool exceptions = false;     // tags, throw, throw_ref, try_table, exnref

  // Every proposal wcr implements.
  static Features all() { return Features{true, true, true, true}; }
  bool operator==(const Features&) const = default;
  Features& operator|=(const Features& other) {
    tailCall |= other.tailCall;
    extendedConst |= other.extendedConst;
    multiMemory |= other.multiMemory;
    exceptions |= other.exceptions;
    return *this;
  }
};

// Enables a proposal by the name of its repository (the suite's folder name): "tail-call",
// "extended-const", "multi-memory", "exception-handling", or "all". False for an unknown name.
bool enableFeature(Features& features, std::string_view name);

// The proposal names enableFeature accepts, for help texts: "tail-call, extended-const, ...".
std::string featureNames();

// WAST scripts of a proposal live in a folder named after it (`proposals/tail-call/x.wast` in the
// spec repositories, `misc_testsuite/multi-memory/x.wast` in Wasmtime's): the features that the
// folders of `path` name (a `wasm-3.0` folder names them all), nullopt when none does.
std::optional<Features> featuresForScriptPath(std::string_view path);

}  // namespace wcr::jit::wasm
