// examples/embed: a native program that embeds wcr through the installed package. It loads a
// module (text or binary), defines two host functions with typed C++ lambdas, calls an export
// with a typed signature, and shows how a trap comes back as an error.
#include <cstdio>

#include "wcr/wcr.hh"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s GUEST.wat|GUEST.wasm\n", argv[0]);
    return 2;
  }
  wcr::Engine engine;
  wcr::Store store(engine);
  wcr::Linker linker(engine);
  int64_t reported = -1;
  linker.func("host", "square", [](int32_t x) { return int64_t{x} * x; });
  linker.func("host", "report", [&reported](int64_t total) { reported = total; });

  wcr::Result<wcr::Module> module = wcr::Module::fromFile(engine, argv[1]);
  if (!module) {
    std::fprintf(stderr, "error: %s\n", module.error().message().c_str());
    return 1;
  }
  wcr::Result<wcr::Instance> instance = linker.instantiate(store, *module);
  if (!instance) {
    std::fprintf(stderr, "error: %s\n", instance.error().message().c_str());
    return 1;
  }
  auto sumSquares = instance->func("sum_squares")->typed<int64_t(int32_t)>();
  if (!sumSquares) {
    std::fprintf(stderr, "error: %s\n", sumSquares.error().message().c_str());
    return 1;
  }
  wcr::Result<int64_t> total = sumSquares->call(100);
  std::printf("sum_squares(100) = %lld (host saw %lld)\n", static_cast<long long>(*total),
              static_cast<long long>(reported));

  auto divide = instance->func("divide")->typed<int32_t(int32_t, int32_t)>();
  wcr::Result<int32_t> quotient = divide->call(7, 0);
  if (!quotient) {
    std::printf("divide(7, 0) trapped: %s\n",
                quotient.error().message().substr(0, quotient.error().message().find('\n')).c_str());
  }
  return *total == 338350 && reported == 338350 && !quotient ? 0 : 1;
}
