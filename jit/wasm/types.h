// Core WebAssembly types: value types, function types, limits, table/memory/global types.
// ValType is a small value class rather than a bare enum so that typed references of later
// proposals (function references, GC) can carry a type index without changing its users.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wcr::jit::wasm {

enum class ValKind : uint8_t { I32, I64, F32, F64, V128, FuncRef, ExternRef, ExnRef };

class ValType {
 public:
  constexpr ValType() = default;
  constexpr ValType(ValKind k) : kind_(k) {}  // NOLINT: implicit on purpose, ValType{ValKind::I32}
  constexpr ValKind kind() const { return kind_; }
  constexpr bool isRef() const {
    return kind_ == ValKind::FuncRef || kind_ == ValKind::ExternRef || kind_ == ValKind::ExnRef;
  }
  constexpr bool isNum() const { return !isRef() && kind_ != ValKind::V128; }
  constexpr bool operator==(const ValType&) const = default;

  // Binary encoding (0x7F i32 ... 0x6F externref, 0x69 exnref) and back; fromByte returns nullopt when unknown.
  uint8_t toByte() const;
  static std::optional<ValType> fromByte(uint8_t b);
  const char* name() const;  // "i32", "funcref", ...

 private:
  ValKind kind_ = ValKind::I32;
};

inline constexpr ValType kI32{ValKind::I32};
inline constexpr ValType kI64{ValKind::I64};
inline constexpr ValType kF32{ValKind::F32};
inline constexpr ValType kF64{ValKind::F64};
inline constexpr ValType kV128{ValKind::V128};
inline constexpr ValType kFuncRef{ValKind::FuncRef};
inline constexpr ValType kExternRef{ValKind::ExternRef};
// exnref, `(ref null exn)`: a caught exception (exception-handling proposal).
inline constexpr ValType kExnRef{ValKind::ExnRef};

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};
std::string toString(const FuncType& type);  // "(i32, i64) -> (f32)"

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
  bool shared = false;  // threads proposal; rejected for now
  bool is64 = false;    // memory64 / table64; rejected for now
  bool operator==(const Limits&) const = default;
};

struct TableType {
  ValType elem = kFuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;
};

struct GlobalType {
  ValType type;
  bool mut = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 };
const char* toString(ExternKind kind);  // "func", "table", "memory", "global", "tag"

// Spec limits the validator enforces.
inline constexpr uint64_t kMaxPages32 = 65536;        // 4 GiB of 64 KiB pages
inline constexpr uint64_t kMaxTableSize = 0xFFFFFFFF;  // table limits are u32

// Implementation limit (not in the spec, which allows 2^32-1): params + locals of one function.
// V8 and Wasmtime use the same bound; it keeps the compiler's frames and the validator bounded.
inline constexpr uint64_t kMaxFunctionLocals = 50000;

}  // namespace wcr::jit::wasm
