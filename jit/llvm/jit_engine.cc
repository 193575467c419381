// The ORC engine: LLJITBuilder -> ObjectLinkingLayer (JITLink) with a plugin that records the
// executable ranges -> addIRModule -> lookup. llvm::Error is converted to absl::Status here.
//
// Debugging aid: WCR_LLVM_ARGS passes options to LLVM's command-line parser once, e.g.
// WCR_LLVM_ARGS='-pass-remarks-missed=loop-vectorize -pass-remarks-analysis=loop-vectorize'.
// Profiling aid: with WCR_PERF_MAP=1 the plugin also appends every linked function to
// /tmp/perf-<pid>.map (`start size name`), the file `perf report` reads to name JIT code.
#include "jit/llvm/jit_engine.h"

#include <llvm/ExecutionEngine/JITLink/JITLink.h>
#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/ExecutionEngine/Orc/MapperJITLinkMemoryManager.h>
#include <llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/CommandLine.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/StringSaver.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Target/TargetMachine.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "jit/llvm/near_code_mapper.h"

namespace wcr::jit::llvm {

namespace orc = ::llvm::orc;
namespace jitlink = ::llvm::jitlink;

namespace {

// Address space a module's code is carved from, per reservation (a bigger module gets a bigger
// one). Reserved, not committed: pages cost memory only once code is written to them.
constexpr size_t kCodeReservationBytes = size_t{1} << 20;

absl::Status toStatus(::llvm::Error err, std::string_view what) {
  std::string msg = ::llvm::toString(std::move(err));
  return absl::InternalError(absl::StrCat(std::string(what), ": ", msg));
}

void initializeLlvm() {
  static std::once_flag once;
  std::call_once(once, [] {
    ::llvm::InitializeNativeTarget();
    ::llvm::InitializeNativeTargetAsmPrinter();
    // The guarded entry trampolines hold a line of inline assembly (trampolines.cc).
    ::llvm::InitializeNativeTargetAsmParser();
    // Wasm semantics: when a store traps, the stores before it have happened. The DAG
    // combiner merges adjacent stores into one wider store, which faults as a whole when its
    // upper part is out of bounds, so the lower part is never written (e.g. i32.store at
    // 65532 then 65536 in one page must leave the first). Off for the process (LLVM is only
    // wcr's JIT here); bounds_versioning.cc keeps the loop vectorizer from doing the same.
    ::llvm::SmallVector<const char*, 8> argv{"wcr", "-combiner-store-merging=false"};
    if (const char* args = std::getenv("WCR_LLVM_ARGS")) {
      static ::llvm::BumpPtrAllocator alloc;  // options may keep pointers into it
      static ::llvm::StringSaver saver(alloc);
      ::llvm::cl::TokenizeGNUCommandLine(args, saver, argv);
    }
    ::llvm::cl::ParseCommandLineOptions(static_cast<int>(argv.size()), argv.data());
  });
}

::llvm::CodeGenOptLevel codeGenLevel(int optLevel) {
  switch (optLevel) {
    case 0:
      return ::llvm::CodeGenOptLevel::None;
    case 1:
      return ::llvm::CodeGenOptLevel::Less;
    case 3:
      return ::llvm::CodeGenOptLevel::Aggressive;
    default:
      return ::llvm::CodeGenOptLevel::Default;
  }
}

bool perfMapEnabled() {
  const char* env = std::getenv("WCR_PERF_MAP");
  return env && env[0] == '1';
}

// Appends the defined functions of an executable section to perf's map file.
void writePerfMap(jitlink::Section& section) {
  std::string path = absl::StrCat("/tmp/perf-", getpid(), ".map");
  std::FILE* file = std::fopen(path.c_str(), "a");
  if (!file) return;
  for (auto* sym : section.symbols()) {
    if (!sym->hasName() || sym->getSize() == 0) continue;
    std::fprintf(file, "%llx %llx %s\n",
                 static_cast<unsigned long long>(sym->getAddress().getValue()),
                 static_cast<unsigned long long>(sym->getSize()), sym->getName().str().c_str());
  }
  std::fclose(file);
}

// Records the address range of every executable section JITLink places in memory.
class CodeRangePlugin : public orc::ObjectLinkingLayer::Plugin {
 public:
  explicit CodeRangePlugin(std::vector<vm::CodeRange>& ranges, std::mutex& mu)
      : ranges_(ranges), mu_(mu) {}
  void modifyPassConfig(orc::MaterializationResponsibility&, jitlink::LinkGraph&,
                        jitlink::PassConfiguration& config) override {
    config.PostFixupPasses.push_back([this](jitlink::LinkGraph& g) {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& sec : g.sections()) {
        auto prot = static_cast<unsigned>(sec.getMemProt());
        if ((prot & static_cast<unsigned>(orc::MemProt::Exec)) == 0) continue;
        jitlink::SectionRange range(sec);
        if (range.empty()) continue;
        ranges_.push_back({static_cast<uintptr_t>(range.getStart().getValue()),
                           static_cast<uintptr_t>(range.getEnd().getValue())});
        if (perfMapEnabled()) writePerfMap(sec);
      }
      return ::llvm::Error::success();
    });
  }
  ::llvm::Error notifyFailed(orc::MaterializationResponsibility&) override {
    return ::llvm::Error::success();
  }
  ::llvm::Error notifyRemovingResources(orc::JITDylib&, orc::ResourceKey) override {
    return ::llvm::Error::success();
  }
  void notifyTransferringResources(orc::JITDylib&, orc::ResourceKey, orc::ResourceKey) override {}

 private:
  std::vector<vm::CodeRange>& ranges_;
  std::mutex& mu_;
};

}  // namespace

struct JitEngine::Impl {
  std::unique_ptr<orc::LLJIT> jit;
  std::vector<vm::CodeRange> ranges;
  std::mutex mu;
};

JitEngine::~JitEngine() = default;

const std::vector<vm::CodeRange>& JitEngine::codeRanges() const { return impl_->ranges; }

absl::StatusOr<std::unique_ptr<::llvm::TargetMachine>> JitEngine::hostTargetMachine(int optLevel) {
  initializeLlvm();
  auto jtmb = orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) return toStatus(jtmb.takeError(), "detecting the host target");
  jtmb->setCodeGenOptLevel(codeGenLevel(optLevel));
  // Small code model and PIC, as LLJIT configures JITLink targets (a JIT target machine defaults
  // to the large model on x86-64): wasm calls wasm with direct calls, not movabs + call *reg;
  // JITLink adds stubs for what lies beyond +-2 GiB. Direct calls also keep tailcc's callee-pop
  // returns (module_context.h) cheap.
  jtmb->setCodeModel(::llvm::CodeModel::Small);
  jtmb->setRelocationModel(::llvm::Reloc::PIC_);
  auto tm = jtmb->createTargetMachine();
  if (!tm) return toStatus(tm.takeError(), "creating the target machine");
  return std::move(*tm);
}

absl::StatusOr<std::unique_ptr<::llvm::MemoryBuffer>> JitEngine::emitObject(
    ::llvm::Module& module, ::llvm::TargetMachine& target) {
  orc::SimpleCompiler compiler(target);
  auto object = compiler(module);
  if (!object) return toStatus(object.takeError(), "generating machine code");
  return std::move(*object);
}

absl::StatusOr<std::unique_ptr<JitEngine>> JitEngine::create(
    std::vector<std::unique_ptr<::llvm::MemoryBuffer>> objects, int optLevel,
    const std::vector<std::string>& names, std::vector<void*>& addresses) {
  initializeLlvm();
  std::unique_ptr<JitEngine> engine(new JitEngine());
  engine->impl_ = std::make_unique<Impl>();
  Impl* impl = engine->impl_.get();

  auto jtmb = orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) return toStatus(jtmb.takeError(), "detecting the host target");
  jtmb->setCodeGenOptLevel(codeGenLevel(optLevel));
  auto jit =
      orc::LLJITBuilder()
          .setJITTargetMachineBuilder(std::move(*jtmb))
          .setObjectLinkingLayerCreator(
              [impl](orc::ExecutionSession& es,
                     const ::llvm::Triple&) -> ::llvm::Expected<std::unique_ptr<orc::ObjectLayer>> {
                // Code near the binary: host calls and returns are cheaper (near_code_mapper.h).
                auto layer = std::make_unique<orc::ObjectLinkingLayer>(
                    es, std::make_unique<orc::MapperJITLinkMemoryManager>(
                            kCodeReservationBytes, createNearCodeMapper()));
                layer->addPlugin(std::make_unique<CodeRangePlugin>(impl->ranges, impl->mu));
                return layer;
              })
          .create();
  if (!jit) return toStatus(jit.takeError(), "creating the JIT");
  impl->jit = std::move(*jit);

  // LLVM may call memcpy/memset or libm helpers: resolve them in this process.
  auto generator = orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      impl->jit->getDataLayout().getGlobalPrefix());
  if (!generator) return toStatus(generator.takeError(), "process symbols");
  impl->jit->getMainJITDylib().addGenerator(std::move(*generator));

  for (auto& object : objects) {
    if (auto err = impl->jit->addObjectFile(std::move(object))) {
      return toStatus(std::move(err), "adding an object");
    }
  }
  addresses.clear();
  for (const auto& name : names) {
    auto sym = impl->jit->lookup(name);
    if (!sym) return toStatus(sym.takeError(), absl::StrCat("looking up ", name));
    addresses.push_back(sym->toPtr<void*>());
  }
  return engine;
}

}  // namespace wcr::jit::llvm
