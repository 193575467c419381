// The "name" custom section, read best-effort: custom sections never affect validity, so a
// malformed subsection just ends the parse, keeping what was read before it.
#include "jit/support/byte_reader.h"
#include "jit/wasm/module.h"

namespace wcr::jit::wasm {

namespace {

constexpr uint8_t kModuleNames = 0;
constexpr uint8_t kFunctionNames = 1;

absl::Status parseSubsections(support::ByteReader& r, NameSection& out) {
  while (!r.atEnd()) {
    WCR_ASSIGN_OR_RETURN(uint8_t id, r.readByte());
    WCR_ASSIGN_OR_RETURN(uint32_t size, r.readLength());
    WCR_ASSIGN_OR_RETURN(support::ByteReader sub, r.subReader(size));
    if (id == kModuleNames) {
      WCR_ASSIGN_OR_RETURN(std::string_view name, sub.readName());
      out.module = std::string(name);
    } else if (id == kFunctionNames) {
      WCR_ASSIGN_OR_RETURN(uint32_t count, sub.readLength());
      out.functions.reserve(std::min<size_t>(count, sub.remaining()));
      for (uint32_t i = 0; i < count; ++i) {
        WCR_ASSIGN_OR_RETURN(uint32_t index, sub.readVarU32());
        WCR_ASSIGN_OR_RETURN(std::string_view name, sub.readName());
        out.functions.insert_or_assign(index, std::string(name));
      }
    }
    // Other subsections (locals, labels, types, ...) are skipped.
  }
  return absl::OkStatus();
}

}  // namespace

void parseNameSection(Bytes payload, size_t offset, NameSection& out) {
  support::ByteReader r(payload, offset);
  (void)parseSubsections(r, out);
}

}  // namespace wcr::jit::wasm
