// examples/embed/component.cc: a native program that embeds a WebAssembly component through
// the installed package. It defines a host function for an imported interface, calls exports
// dynamically (ComponentVal) and through a typed view, and shows a trap coming back as an error.
#include <cstdio>

#include "wcr/wcr.hh"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s COMPONENT.wat|COMPONENT.wasm\n", argv[0]);
    return 2;
  }
  wcr::Engine engine;
  wcr::Store store(engine);
  wcr::ComponentLinker linker(engine);
  // log: func(line: string), inside the imported instance "example:log/sink".
  linker.func("example:log/sink", "log",
              [](const std::string& line) { std::printf("guest says: %s\n", line.c_str()); });

  wcr::Result<wcr::Component> component = wcr::Component::fromFile(engine, argv[1]);
  if (!component) {
    std::fprintf(stderr, "error: %s\n", component.error().message().c_str());
    return 1;
  }
  for (const wcr::ComponentItem& e : component->exports()) {
    std::printf("export %s: %s\n", e.name.c_str(), e.type.c_str());
  }
  wcr::Result<wcr::ComponentInstance> instance = linker.instantiate(store, *component);
  if (!instance) {
    std::fprintf(stderr, "error: %s\n", instance.error().message().c_str());
    return 1;
  }

  // A dynamic call with component values.
  auto greeted = instance->func("greet")->call({wcr::ComponentVal::string("component world")});
  if (!greeted) {
    std::fprintf(stderr, "error: %s\n", greeted.error().message().c_str());
    return 1;
  }
  std::printf("greet returned %s\n", (*greeted)[0].toString().c_str());

  // A typed call, checked against the func type once.
  auto fib = instance->func("fib")->typed<uint64_t(uint32_t)>();
  if (!fib) {
    std::fprintf(stderr, "error: %s\n", fib.error().message().c_str());
    return 1;
  }
  std::printf("fib(50) = %llu\n", static_cast<unsigned long long>(*fib->call(50)));

  auto failed = instance->func("fail")->call({});
  if (!failed && failed.error().kind() == wcr::Error::Kind::Trap) {
    std::printf("fail trapped: %s\n", failed.error().message().c_str());
  }
  return 0;
}
