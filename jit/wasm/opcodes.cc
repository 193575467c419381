// Tables generated from opcodes.def: per-opcode facts and the byte / name lookups.
#include "jit/wasm/opcodes.h"

#include "absl/container/flat_hash_map.h"

namespace wcr::jit::wasm {
namespace detail {
namespace {

struct Entry {
  uint8_t prefix;
  uint32_t code;
};
constexpr Entry kEntries[] = {
#define WCR_OP(name, prefix, code, text, imm, sig, width, feature) {prefix, code},
#include "jit/wasm/opcodes.def"
#undef WCR_OP
};
static_assert(sizeof(kEntries) / sizeof(kEntries[0]) == kOpcodeCount);

// Dense decode table of one prefix (0, 0xFC or 0xFD); all sub-opcodes are < 256 in wasm 2.0.
constexpr std::array<uint16_t, 256> buildDecodeTable(uint8_t prefix) {
  std::array<uint16_t, 256> t{};
  for (auto& v : t) v = kNoOpcode;
  for (size_t i = 0; i < kOpcodeCount; ++i) {
    if (kEntries[i].prefix == prefix && kEntries[i].code <= 0xFF) {
      t[kEntries[i].code] = static_cast<uint16_t>(i);
    }
  }
  return t;
}

}  // namespace

const OpcodeInfo kOpcodeInfo[kOpcodeCount] = {
#define WCR_OP(name, prefix, code, text, imm, sig, width, feature) \
  {text, prefix, code, ImmKind::imm, Sig::sig, width, Feature::feature},
#include "jit/wasm/opcodes.def"
#undef WCR_OP
};

const std::array<uint16_t, 256> kOpcodeBySingleByte = buildDecodeTable(0x00);
const std::array<uint16_t, 256> kOpcodeByFC = buildDecodeTable(0xFC);
const std::array<uint16_t, 256> kOpcodeByFD = buildDecodeTable(0xFD);

}  // namespace detail

std::optional<Opcode> opcodeFromPrefixed(uint8_t prefix, uint32_t code) {
  if (code > 0xFF) return std::nullopt;
  uint16_t v = detail::kNoOpcode;
  if (prefix == 0xFC) v = detail::kOpcodeByFC[code];
  else if (prefix == 0xFD) v = detail::kOpcodeByFD[code];
  if (v == detail::kNoOpcode) return std::nullopt;
  return static_cast<Opcode>(v);
}

std::optional<Opcode> opcodeFromName(std::string_view name) {
  static const auto* table = [] {
    auto* map = new absl::flat_hash_map<std::string_view, Opcode>();
    map->reserve(kOpcodeCount);
    for (size_t i = 0; i < kOpcodeCount; ++i) {
      // `select` names both Select and SelectT; the first (untyped) one wins.
      map->emplace(detail::kOpcodeInfo[i].name, static_cast<Opcode>(i));
    }
    return map;
  }();
  auto it = table->find(name);
  if (it == table->end()) return std::nullopt;
  return it->second;
}

}  // namespace wcr::jit::wasm
