// wcr::Engine: compiles modules (LLVM JIT, with the on-disk code cache) and holds what every
// Store made from it shares. wcr::Config: how it compiles.
//
// Decision: Engine, Module, Store, Instance, Func and Linker are cheap handles to shared state
// (copying one copies a reference), as in Wasmtime's C++ API; what a handle refers to lives as
// long as some handle or instance needs it.
#pragma once

#include <memory>
#include <string>

namespace wcr {

struct Config {
  int optLevel = 2;                // LLVM optimization level, 0..3
  std::string cacheDir;            // directory of the compiled-code cache; empty: no cache
};

class Engine {
 public:
  explicit Engine(Config config = {});
  const Config& config() const;

  struct Impl;
  const std::shared_ptr<Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace wcr
