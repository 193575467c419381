// Binary encodings and printable names of the core wasm types.
#include "jit/wasm/types.h"

namespace wcr::jit::wasm {

uint8_t ValType::toByte() const {
  switch (kind_) {
    case ValKind::I32: return 0x7F;
    case ValKind::I64: return 0x7E;
    case ValKind::F32: return 0x7D;
    case ValKind::F64: return 0x7C;
    case ValKind::V128: return 0x7B;
    case ValKind::FuncRef: return 0x70;
    case ValKind::ExternRef: return 0x6F;
    case ValKind::ExnRef: return 0x69;
  }
  return 0x7F;
}

std::optional<ValType> ValType::fromByte(uint8_t b) {
  switch (b) {
    case 0x7F: return kI32;
    case 0x7E: return kI64;
    case 0x7D: return kF32;
    case 0x7C: return kF64;
    case 0x7B: return kV128;
    case 0x70: return kFuncRef;
    case 0x6F: return kExternRef;
    case 0x69: return kExnRef;
    default: return std::nullopt;
  }
}

const char* ValType::name() const {
  switch (kind_) {
    case ValKind::I32: return "i32";
    case ValKind::I64: return "i64";
    case ValKind::F32: return "f32";
    case ValKind::F64: return "f64";
    case ValKind::V128: return "v128";
    case ValKind::FuncRef: return "funcref";
    case ValKind::ExternRef: return "externref";
    case ValKind::ExnRef: return "exnref";
  }
  return "?";
}

static void appendList(std::string& out, const std::vector<ValType>& types) {
  out.push_back('(');
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) out += ", ";
    out += types[i].name();
  }
  out.push_back(')');
}

std::string toString(const FuncType& type) {
  std::string out;
  appendList(out, type.params);
  out += " -> ";
  appendList(out, type.results);
  return out;
}

const char* toString(ExternKind kind) {
  switch (kind) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
    case ExternKind::Tag: return "tag";
  }
  return "?";
}

}  // namespace wcr::jit::wasm
