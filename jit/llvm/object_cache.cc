// The on-disk object cache. Entry format: "WCROBJ1\n", u32 count, then per object a u64 size and
// its bytes (host byte order: entries are only valid for the host that wrote them anyway).
#include "jit/llvm/object_cache.h"

#include <llvm/Config/llvm-config.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SHA256.h>
#include <llvm/Target/TargetMachine.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "codegen_id.h"
#include "jit/llvm/jit_engine.h"

namespace wcr::jit::llvm {

namespace {

constexpr char kMagic[] = "WCROBJ1\n";
constexpr char kWcrVersion[] = "wcr-0.1.0";

std::string entryPath(const std::string& dir, const std::string& key) {
  return (std::filesystem::path(dir) / (key + ".wcrobj")).string();
}

}  // namespace

std::optional<std::string> compatibilityFacts(const vm::CompileOptions& options) {
  auto tm = JitEngine::hostTargetMachine(options.optLevel);
  if (!tm.ok()) return std::nullopt;
  return absl::StrCat("opt=", options.optLevel, ";epoch=", options.epochInterruption,
                      ";fuel=", options.fuel, ";cpu=", (*tm)->getTargetCPU().str(),
                      ";features=", (*tm)->getTargetFeatureString().str(),
                      ";triple=", (*tm)->getTargetTriple().str(), ";llvm=", LLVM_VERSION_STRING,
                      ";wcr=", kWcrVersion, "+", WCR_CODEGEN_ID);
}

std::optional<std::string> objectCacheKey(const wasm::Module& module,
                                          const vm::CompileOptions& options) {
  if (!module.storage) return std::nullopt;
  std::optional<std::string> facts = compatibilityFacts(options);
  if (!facts) return std::nullopt;
  ::llvm::SHA256 sha;
  sha.update(::llvm::ArrayRef<uint8_t>(module.storage->data(), module.storage->size()));
  sha.update(::llvm::StringRef(*facts));
  auto digest = sha.final();
  std::string hex;
  for (uint8_t byte : digest) absl::StrAppend(&hex, absl::Hex(byte, absl::kZeroPad2));
  return hex;
}

std::optional<std::vector<std::unique_ptr<::llvm::MemoryBuffer>>> loadCachedObjects(
    const std::string& dir, const std::string& key) {
  std::ifstream in(entryPath(dir, key), std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream all;
  all << in.rdbuf();
  std::string data = all.str();
  size_t pos = sizeof(kMagic) - 1;
  if (data.size() < pos + 4 || data.compare(0, pos, kMagic) != 0) return std::nullopt;
  uint32_t count;
  std::memcpy(&count, data.data() + pos, 4);
  pos += 4;
  std::vector<std::unique_ptr<::llvm::MemoryBuffer>> objects;
  for (uint32_t i = 0; i < count; ++i) {
    uint64_t size;
    if (data.size() < pos + 8) return std::nullopt;
    std::memcpy(&size, data.data() + pos, 8);
    pos += 8;
    if (data.size() - pos < size) return std::nullopt;
    objects.push_back(::llvm::MemoryBuffer::getMemBufferCopy(
        ::llvm::StringRef(data.data() + pos, size), absl::StrCat(key, ".", i)));
    pos += size;
  }
  return objects;
}

void storeCachedObjects(const std::string& dir, const std::string& key,
                        const std::vector<std::unique_ptr<::llvm::MemoryBuffer>>& objects) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::string path = entryPath(dir, key);
  std::string tmp = absl::StrCat(path, ".tmp.", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out.write(kMagic, sizeof(kMagic) - 1);
    uint32_t count = static_cast<uint32_t>(objects.size());
    out.write(reinterpret_cast<const char*>(&count), 4);
    for (const auto& object : objects) {
      uint64_t size = object->getBufferSize();
      out.write(reinterpret_cast<const char*>(&size), 8);
      out.write(object->getBufferStart(), static_cast<std::streamsize>(size));
    }
    if (!out) {
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

}  // namespace wcr::jit::llvm
