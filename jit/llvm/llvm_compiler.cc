// LlvmCompiler: wasm module -> batches of functions, each emitted into its own LLVMContext and
// module, optimized (PassBuilder) and compiled to an object on a worker thread -> ORC LLJIT
// (JITLink) links the objects. The CompiledCode it returns owns the JIT and with it the code.
#include "jit/llvm/llvm_compiler.h"

#include <llvm/IR/Verifier.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <optional>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "jit/llvm/debug_info.h"
#include "jit/llvm/function_emitter.h"
#include "jit/llvm/jit_engine.h"
#include "jit/llvm/module_context.h"
#include "jit/llvm/object_cache.h"
#include "jit/llvm/optimizer.h"
#include "jit/llvm/pipeline.h"

namespace wcr::jit::llvm {

namespace {

class LlvmCompiledCode : public vm::CompiledCode {
 public:
  // Per type index: the trampolines (code.h); guardedEntries and directHostCalls hold null where
  // there is none (another target, a type without a direct host call).
  struct Trampolines {
    std::vector<void*> entries, hostCalls, guardedEntries, directHostCalls;
    absl::flat_hash_map<uint32_t, void*> exportEntries;  // by defined index
  };
  LlvmCompiledCode(std::unique_ptr<JitEngine> engine, std::vector<void*> functions,
                   Trampolines trampolines)
      : engine_(std::move(engine)),
        functions_(std::move(functions)),
        trampolines_(std::move(trampolines)) {}

  void* functionCode(uint32_t definedIndex) const override { return functions_.at(definedIndex); }
  vm::EntryTrampoline entryTrampoline(uint32_t typeIndex) const override {
    return reinterpret_cast<vm::EntryTrampoline>(trampolines_.entries.at(typeIndex));
  }
  void* hostCallTrampoline(uint32_t typeIndex) const override {
    return trampolines_.hostCalls.at(typeIndex);
  }
  vm::GuardedEntryTrampoline guardedEntryTrampoline(uint32_t typeIndex) const override {
    return reinterpret_cast<vm::GuardedEntryTrampoline>(trampolines_.guardedEntries.at(typeIndex));
  }
  vm::GuardedEntryTrampoline guardedExportEntry(uint32_t definedIndex) const override {
    auto it = trampolines_.exportEntries.find(definedIndex);
    return it == trampolines_.exportEntries.end()
               ? nullptr
               : reinterpret_cast<vm::GuardedEntryTrampoline>(it->second);
  }
  void* directHostCallTrampoline(uint32_t typeIndex) const override {
    return trampolines_.directHostCalls.at(typeIndex);
  }
  absl::Span<const vm::CodeRange> codeRanges() const override { return engine_->codeRanges(); }
  bool loadedFromCache() const override { return fromCache_; }
  void setLoadedFromCache() { fromCache_ = true; }
  std::vector<vm::WasmCodeFrame> wasmFramesAt(uintptr_t pc) const override {
    return symbolizer_ ? symbolizer_->framesAt(pc) : std::vector<vm::WasmCodeFrame>{};
  }
  void setSymbolizer(std::unique_ptr<WasmSymbolizer> symbolizer) {
    symbolizer_ = std::move(symbolizer);
  }

 private:
  std::unique_ptr<JitEngine> engine_;
  std::vector<void*> functions_;
  Trampolines trampolines_;
  bool fromCache_ = false;
  std::unique_ptr<WasmSymbolizer> symbolizer_;  // trap backtraces; owns the objects
};

class LlvmCompiler : public vm::Compiler {
 public:
  absl::StatusOr<std::shared_ptr<vm::CompiledCode>> compile(
      const wasm::Module& module, const vm::CompileOptions& options) override;
};

// One batch of defined functions [begin, end): its own LLVMContext, module and target machine,
// emitted, verified, optimized and turned into an object file on one worker. Batch 0 also holds
// the trampolines. Calls to functions of other batches are calls to declarations that the JIT
// links by name.
absl::StatusOr<std::unique_ptr<::llvm::MemoryBuffer>> compileBatch(
    const wasm::Module& wasm, const vm::CompileOptions& options, uint32_t begin, uint32_t end,
    bool withTrampolines) {
  auto tm = JitEngine::hostTargetMachine(options.optLevel);
  if (!tm.ok()) return tm.status();
  ::llvm::LLVMContext context;
  ::llvm::Module module("wasm", context);
  module.setDataLayout((*tm)->createDataLayout());
  module.setTargetTriple((*tm)->getTargetTriple().str());

  ModuleContext mc(wasm, context, module, options);
  for (uint32_t i = 0; i < wasm.functions.size(); ++i) {
    auto* fn =
        ::llvm::Function::Create(mc.functionType(wasm.types[wasm.functions[i].typeIndex]),
                                 ::llvm::Function::ExternalLinkage, definedFunctionName(i), module);
    // tailcc: return_call is a guaranteed tail call (module_context.h).
    fn->setCallingConv(kWasmCallingConv);
    addWasmCodeAttributes(*fn);
    // Recursion must exhaust the stack (the prologue check), not become a loop; return_call's
    // `musttail` calls are exempt.
    fn->addFnAttr("disable-tail-calls", "true");
    mc.definedFunctions.push_back(fn);
  }
  // Trap backtraces: line tables (line = wasm offset) and frame pointers (debug_info.h).
  WasmDebugInfo debugInfo(module);
  for (uint32_t i = begin; i < end; ++i) debugInfo.attach(*mc.definedFunctions[i]);
  // Trampolines first: import calls compare with the direct host-call trampolines' addresses.
  if (withTrampolines) emitTrampolines(mc);
  for (uint32_t i = begin; i < end; ++i) {
    FunctionEmitter emitter(mc, i);
    if (auto st = emitter.emit(); !st.ok()) return st;
  }
  for (::llvm::Function* entry : emitExportEntries(mc, begin, end)) debugInfo.attachEntry(*entry);
  debugInfo.finalize();

  // Debugging aids: WCR_LLVM_DUMP=1 prints the IR before optimization, =2 after it, =3 both;
  // WCR_LLVM_OBJ_DIR=DIR writes each batch's object file to DIR/batch-<first function>.o
  // (`objdump -d` shows the machine code; symbols are wasm_func_<defined index>).
  const char* dump = std::getenv("WCR_LLVM_DUMP");
  int dumpMode = dump ? std::atoi(dump) : 0;
  if (dumpMode & 1) module.print(::llvm::errs(), nullptr);
  std::string errors;
  ::llvm::raw_string_ostream os(errors);
  if (::llvm::verifyModule(module, &os)) {
    return absl::InternalError(absl::StrCat("LLVM IR verification failed: ", os.str()));
  }
  optimizeModule(module, **tm, options.optLevel);
  if (dumpMode & 2) module.print(::llvm::errs(), nullptr);
  auto object = JitEngine::emitObject(module, **tm);
  if (const char* dir = std::getenv("WCR_LLVM_OBJ_DIR"); dir && object.ok()) {
    std::error_code ec;
    ::llvm::raw_fd_ostream out(absl::StrCat(dir, "/batch-", begin, ".o"), ec);
    if (!ec) out << (*object)->getBuffer();
  }
  return object;
}

// Batches of about kBatchBytes of function bodies: small modules stay one batch (and keep
// inlining across all their functions), big ones spread over the cores.
constexpr size_t kBatchBytes = 64 * 1024;

absl::StatusOr<std::shared_ptr<vm::CompiledCode>> LlvmCompiler::compile(
    const wasm::Module& wasm, const vm::CompileOptions& options) {
  std::optional<std::string> cacheKey;
  if (!options.cacheDir.empty()) cacheKey = objectCacheKey(wasm, options);
  std::optional<std::vector<std::unique_ptr<::llvm::MemoryBuffer>>> cached;
  if (cacheKey) cached = loadCachedObjects(options.cacheDir, *cacheKey);
  if (cached) {
    // A damaged entry that does not link is recompiled (and overwritten) below.
    if (auto code = link(wasm, options, std::move(*cached)); code.ok()) {
      static_cast<LlvmCompiledCode&>(**code).setLoadedFromCache();
      return code;
    }
  }
  auto compiled = compileObjects(wasm, options);
  if (!compiled.ok()) return compiled.status();
  if (cacheKey) storeCachedObjects(options.cacheDir, *cacheKey, *compiled);
  return link(wasm, options, std::move(*compiled));
}

}  // namespace

absl::StatusOr<std::vector<std::unique_ptr<::llvm::MemoryBuffer>>> compileObjects(
    const wasm::Module& wasm, const vm::CompileOptions& options) {
  size_t batchBytes = kBatchBytes;
  // Testing aid: WCR_LLVM_BATCH_BYTES=1 compiles every function in its own batch.
  if (const char* env = std::getenv("WCR_LLVM_BATCH_BYTES"))
    batchBytes = std::strtoull(env, nullptr, 10);
  std::vector<std::pair<uint32_t, uint32_t>> batches;
  uint32_t begin = 0;
  size_t bytes = 0;
  for (uint32_t i = 0; i < wasm.functions.size(); ++i) {
    bytes += wasm.functions[i].body.size();
    if (bytes >= batchBytes) {
      batches.push_back({begin, i + 1});
      begin = i + 1;
      bytes = 0;
    }
  }
  if (begin < wasm.functions.size() || batches.empty()) {
    batches.push_back({begin, static_cast<uint32_t>(wasm.functions.size())});
  }

  std::vector<absl::StatusOr<std::unique_ptr<::llvm::MemoryBuffer>>> objects;
  for (size_t b = 0; b < batches.size(); ++b)
    objects.emplace_back(absl::UnknownError("not compiled"));
  std::atomic<size_t> next{0};
  auto worker = [&] {
    for (size_t b; (b = next.fetch_add(1)) < batches.size();) {
      objects[b] = compileBatch(wasm, options, batches[b].first, batches[b].second, b == 0);
    }
  };
  size_t numWorkers =
      std::min<size_t>(batches.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> threads;
  for (size_t w = 1; w < numWorkers; ++w) threads.emplace_back(worker);
  worker();
  for (auto& t : threads) t.join();

  std::vector<std::unique_ptr<::llvm::MemoryBuffer>> buffers;
  for (auto& object : objects) {
    if (!object.ok()) return object.status();
    buffers.push_back(std::move(*object));
  }
  return buffers;
}

absl::StatusOr<std::shared_ptr<vm::CompiledCode>> link(
    const wasm::Module& wasm, const vm::CompileOptions& options,
    std::vector<std::unique_ptr<::llvm::MemoryBuffer>> buffers) {
  std::vector<std::string> names;
  for (uint32_t i = 0; i < wasm.functions.size(); ++i) names.push_back(definedFunctionName(i));
  for (uint32_t t = 0; t < wasm.types.size(); ++t) names.push_back(entryTrampolineName(t));
  for (uint32_t t = 0; t < wasm.types.size(); ++t) names.push_back(hostTrampolineName(t));
  for (uint32_t t = 0; t < wasm.types.size() && kGuardedEntries; ++t) {
    names.push_back(guardedEntryTrampolineName(t));
  }
  for (uint32_t t = 0; t < wasm.types.size(); ++t) {
    if (vm::hasDirectHostCall(wasm.types[t])) names.push_back(directHostTrampolineName(t));
  }
  const std::vector<uint32_t> exported =
      kGuardedEntries ? exportedDefinedFunctions(wasm) : std::vector<uint32_t>{};
  for (uint32_t i : exported) names.push_back(guardedExportEntryName(i));
  std::vector<void*> addresses;
  // The symbolizer keeps the objects for trap backtraces; the JIT links views of them.
  auto symbolizer = std::make_unique<WasmSymbolizer>(std::move(buffers));
  auto engine = JitEngine::create(symbolizer->objectViews(), options.optLevel, names, addresses);
  if (!engine.ok()) return engine.status();
  size_t nf = wasm.functions.size(), nt = wasm.types.size();
  auto next = addresses.begin();
  auto take = [&](size_t n) {
    std::vector<void*> taken(next, next + n);
    next += n;
    return taken;
  };
  std::vector<void*> functions = take(nf);
  LlvmCompiledCode::Trampolines trampolines;
  trampolines.entries = take(nt);
  trampolines.hostCalls = take(nt);
  trampolines.guardedEntries = kGuardedEntries ? take(nt) : std::vector<void*>(nt, nullptr);
  trampolines.directHostCalls.resize(nt);
  for (uint32_t t = 0; t < nt; ++t) {
    if (vm::hasDirectHostCall(wasm.types[t])) trampolines.directHostCalls[t] = *next++;
  }
  for (uint32_t i : exported) trampolines.exportEntries[i] = *next++;
  symbolizer->setFunctionAddresses(functions);
  symbolizer->setExportEntryAddresses(trampolines.exportEntries);
  auto code = std::make_shared<LlvmCompiledCode>(std::move(*engine), std::move(functions),
                                                 std::move(trampolines));
  code->setSymbolizer(std::move(symbolizer));
  return code;
}

std::unique_ptr<vm::Compiler> createLlvmCompiler() { return std::make_unique<LlvmCompiler>(); }

}  // namespace wcr::jit::llvm
