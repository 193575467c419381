// Precompiled artifacts. Layout (integers little-endian, as every host wcr targets is):
//   "WCRCWASM"  magic (8 bytes)
//   u32         format version (kFormatVersion)
//   u32 + bytes compatibility facts (object_cache.h compatibilityFacts)
//   u32 optLevel, u8 epochInterruption, u8 fuel
//   u64 + bytes the wasm module
//   u32         number of objects, then per object u64 size + bytes
//   32 bytes    SHA-256 of everything before
#include "jit/llvm/artifact.h"

#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Support/SHA256.h>

#include <array>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "jit/llvm/object_cache.h"
#include "jit/llvm/pipeline.h"
#include "jit/wasm/decoder.h"
#include "jit/wasm/features.h"
#include "jit/wasm/validator.h"

namespace wcr::jit::llvm {

namespace {

constexpr char kMagic[8] = {'W', 'C', 'R', 'C', 'W', 'A', 'S', 'M'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kDigestSize = 32;

void putU32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void putU64(std::vector<uint8_t>& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void putBytes(std::vector<uint8_t>& out, const void* data, size_t size) {
  const auto* p = static_cast<const uint8_t*>(data);
  out.insert(out.end(), p, p + size);
}

// Reads the fields in order; any read past the end makes ok() false.
class Reader {
 public:
  explicit Reader(absl::Span<const uint8_t> bytes) : bytes_(bytes) {}
  bool ok() const { return ok_; }
  uint64_t uint(int width) {
    if (!take(width)) return 0;
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) v |= static_cast<uint64_t>(bytes_[pos_ - width + i]) << (8 * i);
    return v;
  }
  absl::Span<const uint8_t> bytes(uint64_t size) {
    if (!take(size)) return {};
    return bytes_.subspan(pos_ - size, size);
  }

 private:
  bool take(uint64_t n) {
    if (!ok_ || bytes_.size() - pos_ < n) return ok_ = false;
    pos_ += n;
    return true;
  }
  absl::Span<const uint8_t> bytes_;
  size_t pos_ = 0;
  bool ok_ = true;
};

std::array<uint8_t, kDigestSize> sha256(absl::Span<const uint8_t> bytes) {
  ::llvm::SHA256 sha;
  sha.update(::llvm::ArrayRef<uint8_t>(bytes.data(), bytes.size()));
  return sha.final();
}

// "opt=2;cpu=znver3;..." -> the first fact that differs, for the error message.
std::string firstDifference(const std::string& theirs, const std::string& ours) {
  std::vector<std::string> a = absl::StrSplit(theirs, ';');
  std::vector<std::string> b = absl::StrSplit(ours, ';');
  for (size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    std::string x = i < a.size() ? a[i] : "(none)";
    std::string y = i < b.size() ? b[i] : "(none)";
    if (x != y) return absl::StrFormat("it has %s, this host and wcr have %s", x, y);
  }
  return "";
}

}  // namespace

bool isArtifact(absl::Span<const uint8_t> bytes) {
  return bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

absl::StatusOr<std::vector<uint8_t>> compileArtifact(const wasm::Module& module,
                                                     const vm::CompileOptions& options) {
  if (!module.storage) return absl::InvalidArgumentError("the module keeps no bytes to store");
  std::optional<std::string> facts = compatibilityFacts(options);
  if (!facts) return absl::InternalError("cannot detect the host target");
  auto objects = compileObjects(module, options);
  if (!objects.ok()) return objects.status();

  std::vector<uint8_t> out;
  putBytes(out, kMagic, sizeof kMagic);
  putU32(out, kFormatVersion);
  putU32(out, static_cast<uint32_t>(facts->size()));
  putBytes(out, facts->data(), facts->size());
  putU32(out, static_cast<uint32_t>(options.optLevel));
  out.push_back(options.epochInterruption ? 1 : 0);
  out.push_back(options.fuel ? 1 : 0);
  putU64(out, module.storage->size());
  putBytes(out, module.storage->data(), module.storage->size());
  putU32(out, static_cast<uint32_t>(objects->size()));
  for (const auto& object : *objects) {
    putU64(out, object->getBufferSize());
    putBytes(out, object->getBufferStart(), object->getBufferSize());
  }
  std::array<uint8_t, kDigestSize> digest = sha256(out);
  putBytes(out, digest.data(), digest.size());
  return out;
}

absl::StatusOr<LoadedArtifact> loadArtifact(absl::Span<const uint8_t> bytes) {
  if (!isArtifact(bytes)) return absl::InvalidArgumentError("not a wcr precompiled artifact");
  Reader r(bytes.subspan(sizeof kMagic));
  const uint32_t version = static_cast<uint32_t>(r.uint(4));
  if (r.ok() && version != kFormatVersion) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "artifact format version %d, this wcr reads version %d: recompile it with `wcr compile`",
        version, kFormatVersion));
  }
  const absl::Span<const uint8_t> factBytes = r.bytes(r.uint(4));
  LoadedArtifact loaded;
  loaded.options.optLevel = static_cast<int>(r.uint(4));
  loaded.options.epochInterruption = r.uint(1) != 0;
  loaded.options.fuel = r.uint(1) != 0;
  if (!r.ok()) return absl::DataLossError("the artifact is truncated");
  const std::string theirs(factBytes.begin(), factBytes.end());
  std::optional<std::string> ours = compatibilityFacts(loaded.options);
  if (!ours) return absl::InternalError("cannot detect the host target");
  if (theirs != *ours) {
    return absl::FailedPreconditionError(absl::StrFormat(
        "the artifact was compiled for another wcr, LLVM or CPU (%s): recompile it with "
        "`wcr compile`",
        firstDifference(theirs, *ours)));
  }
  if (bytes.size() < sizeof kMagic + kDigestSize) {
    return absl::DataLossError("the artifact is truncated");
  }
  const absl::Span<const uint8_t> body = bytes.subspan(0, bytes.size() - kDigestSize);
  if (std::memcmp(sha256(body).data(), bytes.data() + body.size(), kDigestSize) != 0) {
    return absl::DataLossError("the artifact is damaged (checksum mismatch)");
  }
  // The rest is read through the same reader, now that the checksum vouches for it.
  const absl::Span<const uint8_t> wasmBytes = r.bytes(r.uint(8));
  std::vector<std::unique_ptr<::llvm::MemoryBuffer>> objects;
  const uint32_t count = static_cast<uint32_t>(r.uint(4));
  for (uint32_t i = 0; r.ok() && i < count; ++i) {
    absl::Span<const uint8_t> object = r.bytes(r.uint(8));
    objects.push_back(::llvm::MemoryBuffer::getMemBufferCopy(
        ::llvm::StringRef(reinterpret_cast<const char*>(object.data()), object.size()),
        absl::StrCat("artifact.", i)));
  }
  if (!r.ok()) return absl::DataLossError("the artifact is truncated");

  // It validated with the features it was compiled with; the checksum vouches for the bytes.
  absl::StatusOr<wasm::Module> module = wasm::decodeAndValidate(wasmBytes, wasm::Features::all());
  if (!module.ok()) {
    return absl::DataLossError(
        absl::StrCat("the artifact's module is invalid: ", module.status().message()));
  }
  loaded.module = std::make_shared<const wasm::Module>(*std::move(module));
  auto code = link(*loaded.module, loaded.options, std::move(objects));
  if (!code.ok()) {
    return absl::DataLossError(
        absl::StrCat("the artifact's code does not link: ", code.status().message()));
  }
  loaded.code = *std::move(code);
  return loaded;
}

}  // namespace wcr::jit::llvm
