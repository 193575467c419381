// wasi_snapshot_preview1: configuration, import binding, memory binding and running commands.
#include "wasi/p1/wasi_p1.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_format.h"
#include "jit/vm/host_func.h"
#include "jit/vm/invoke.h"
#include "wasi/p1/host_call.h"

namespace wcr::wasi::p1 {
namespace {

using jit::vm::Extern;
using jit::wasm::ExternKind;

const absl::flat_hash_map<std::string, FunctionDef>& functionTable() {
  static const auto* table = [] {
    FunctionList list;
    addFdFunctions(list);
    addPathFunctions(list);
    addProcFunctions(list);
    auto* map = new absl::flat_hash_map<std::string, FunctionDef>();
    for (FunctionDef& def : list) map->emplace(def.name, std::move(def));
    return map;
  }();
  return *table;
}

// An import bound to one guest's state. The definition lives in functionTable(), which is
// never destroyed nor changed after it is built.
struct BoundFunction {
  std::shared_ptr<WasiState> state;
  const FunctionDef* def;
};

jit::vm::TrapCode callBound(jit::vm::VMHostContext* ctx, jit::vm::ValRaw* values) {
  const auto* bound = static_cast<const BoundFunction*>(ctx->userData);
  return bound->def->thunk(*bound->state, *bound->def, values);
}

// A stdio stream over `hostFd`, or, when it is -1, an empty one: stdin reads from a pipe whose
// write end is closed (at end of file at once, whatever /dev/null is on the host: some sandboxes
// make it a regular file that shell redirections fill), stdout and stderr write to /dev/null.
absl::StatusOr<std::shared_ptr<p3::Descriptor>> stdioStream(int hostFd, const char* what) {
  if (hostFd >= 0) return p3::Descriptor::stream(hostFd, /*owned=*/false);
  if (std::string_view(what) == "stdin") {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) == 0) {
      ::close(fds[1]);
      return p3::Descriptor::stream(fds[0], /*owned=*/true);
    }
  }
  int fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    return absl::InternalError(
        absl::StrFormat("cannot open /dev/null for %s: %s", what, std::strerror(errno)));
  }
  return p3::Descriptor::stream(fd, /*owned=*/true);
}

}  // namespace

jit::vm::TrapCode memoryNotBoundTrap(const std::string& name) {
  jit::vm::setTrapMessage(
      absl::StrFormat("wasi_snapshot_preview1.%s called before the instance's memory was bound "
                      "(a start function cannot call WASI preview1)",
                      name));
  return jit::vm::TrapCode::HostTrap;
}

WasiP1::WasiP1(std::shared_ptr<WasiState> state) : state_(std::move(state)) {}
WasiP1::~WasiP1() = default;

absl::StatusOr<std::unique_ptr<WasiP1>> WasiP1::create(WasiConfig config) {
  auto state = std::make_shared<WasiState>();
  state->environment.arguments = std::move(config.args);
  state->environment.variables = std::move(config.env);
  if (config.inheritEnv) state->environment.inheritHostVariables();
  if (absl::Status status = state->environment.validate(); !status.ok()) return status;

  const struct {
    int fd;
    const char* what;
    uint64_t rights;
  } stdio[] = {{config.stdinFd, "stdin", rights::kStdin},
               {config.stdoutFd, "stdout", rights::kStdout},
               {config.stderrFd, "stderr", rights::kStdout}};
  for (const auto& [fd, what, rights] : stdio) {
    absl::StatusOr<std::shared_ptr<p3::Descriptor>> stream = stdioStream(fd, what);
    if (!stream.ok()) return stream.status();
    FdEntry entry;
    entry.descriptor = *std::move(stream);
    entry.rightsBase = entry.rightsInheriting = rights;
    (void)state->fds.insert(std::move(entry));
  }
  for (const Preopen& preopen : config.preopens) {
    if (preopen.guestPath.empty() || preopen.guestPath.find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "preopen of %s: the guest path must be non-empty, without NUL", preopen.hostPath));
    }
    p3::ErrnoOr<std::shared_ptr<p3::Descriptor>> dir =
        p3::Descriptor::openDirectory(preopen.hostPath);
    if (!dir.ok()) {
      return absl::FailedPreconditionError(absl::StrFormat(
          "cannot preopen directory %s: %s", preopen.hostPath, std::strerror(dir.error().value)));
    }
    FdEntry entry;
    entry.descriptor = *std::move(dir);
    entry.preopenName = preopen.guestPath;
    entry.rightsBase = rights::kPreopenBase;
    entry.rightsInheriting = rights::kPreopenInheriting;
    p3::ErrnoOr<uint32_t> fd = state->fds.insert(std::move(entry));
    if (!fd.ok()) return absl::ResourceExhaustedError("too many preopened directories");
  }
  return std::unique_ptr<WasiP1>(new WasiP1(std::move(state)));
}

absl::StatusOr<std::vector<Extern>> WasiP1::importsFor(const jit::wasm::Module& module,
                                                       jit::vm::TypeRegistry& types) {
  return importsFor(module, types,
                    [](const jit::wasm::Import&) -> std::optional<Extern> { return std::nullopt; });
}

absl::StatusOr<std::vector<Extern>> WasiP1::importsFor(const jit::wasm::Module& module,
                                                       jit::vm::TypeRegistry& types,
                                                       ImportResolver other) {
  std::vector<Extern> externs;
  externs.reserve(module.imports.size());
  for (const jit::wasm::Import& import : module.imports) {
    if (import.module != kModuleName) {
      std::optional<Extern> resolved = other(import);
      if (!resolved) {
        return absl::NotFoundError(
            absl::StrFormat("unknown import \"%s\" \"%s\"", import.module, import.name));
      }
      externs.push_back(*std::move(resolved));
      continue;
    }
    const auto& table = functionTable();
    auto found = table.find(import.name);
    if (found == table.end()) {
      return absl::NotFoundError(
          absl::StrFormat("unknown import \"%s\" \"%s\": not a function of %s", import.module,
                          import.name, kModuleName));
    }
    const FunctionDef& def = found->second;
    if (import.kind != ExternKind::Func) {
      return absl::InvalidArgumentError(
          absl::StrFormat("import \"%s\" \"%s\" is a %s, but %s provides a function", import.module,
                          import.name, jit::wasm::toString(import.kind), kModuleName));
    }
    const jit::wasm::FuncType& wanted = module.types.at(import.funcType);
    if (!(wanted == def.type)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "import \"%s\" \"%s\" has type %s, but %s.%s has type %s", import.module, import.name,
          jit::wasm::toString(wanted), kModuleName, import.name, jit::wasm::toString(def.type)));
    }
    Extern ext;
    ext.kind = ExternKind::Func;
    auto bound = std::make_shared<BoundFunction>(BoundFunction{state_, &def});
    BoundFunction* data = bound.get();
    ext.func = jit::vm::makeHostFunc(types, def.type, &callBound, data, std::move(bound));
    externs.push_back(std::move(ext));
  }
  return externs;
}

absl::Status WasiP1::bindMemory(jit::vm::Instance& instance) {
  std::optional<Extern> memory = instance.exportByName("memory");
  if (!memory || memory->kind != ExternKind::Memory || !memory->memory) {
    return absl::FailedPreconditionError(
        "the module exports no memory named \"memory\", which WASI preview1 needs");
  }
  state_->memory = memory->memory;
  return absl::OkStatus();
}

void WasiP1::bindMemory(std::shared_ptr<jit::vm::Memory> memory) {
  state_->memory = std::move(memory);
}

absl::StatusOr<CommandResult> WasiP1::runCommand(jit::vm::Instance& instance) {
  if (!state_->memory) {
    if (absl::Status status = bindMemory(instance); !status.ok()) return status;
  }
  std::optional<Extern> start = instance.exportByName("_start");
  if (!start || start->kind != ExternKind::Func) {
    return absl::NotFoundError("the module exports no function \"_start\"");
  }
  const jit::wasm::FuncType& type = start->func->type;
  if (!type.params.empty() || !type.results.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "\"_start\" has type %s, a command's must be () -> ()", jit::wasm::toString(type)));
  }
  jit::vm::ValRaw values[1] = {};
  jit::vm::Trap trap = jit::vm::invoke(*start->func, values);
  CommandResult result;
  if (trap.ok()) {
    result.exitCode = 0;
  } else if (state_->exitCode) {
    result.exitCode = state_->exitCode;
  } else {
    result.trap = std::move(trap);
  }
  return result;
}

std::optional<uint32_t> WasiP1::exitCode() const { return state_->exitCode; }

std::vector<std::string> WasiP1::functionNames() {
  std::vector<std::string> names;
  for (const auto& [name, def] : functionTable()) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<jit::wasm::FuncType> WasiP1::functionType(std::string_view name) {
  const auto& table = functionTable();
  auto found = table.find(std::string(name));
  if (found == table.end()) return std::nullopt;
  return found->second.type;
}

}  // namespace wcr::wasi::p1
