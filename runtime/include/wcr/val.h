// wcr::Val: a core WebAssembly value crossing the public API (i32, i64, f32, f64).
#pragma once

#include <cstdint>
#include <string>

namespace wcr {

enum class ValKind : uint8_t { I32, I64, F32, F64 };

const char* toString(ValKind kind);  // "i32", ...

class Val {
 public:
  Val() : Val(int32_t{0}) {}
  Val(int32_t v) : kind_(ValKind::I32) { u_.i32 = v; }  // NOLINT: implicit on purpose
  Val(int64_t v) : kind_(ValKind::I64) { u_.i64 = v; }  // NOLINT
  Val(float v) : kind_(ValKind::F32) { u_.f32 = v; }    // NOLINT
  Val(double v) : kind_(ValKind::F64) { u_.f64 = v; }   // NOLINT

  ValKind kind() const { return kind_; }
  int32_t i32() const { return u_.i32; }
  int64_t i64() const { return u_.i64; }
  float f32() const { return u_.f32; }
  double f64() const { return u_.f64; }
  std::string toString() const;  // "42", "1.5"

 private:
  ValKind kind_;
  union {
    int32_t i32;
    int64_t i64;
    float f32;
    double f64;
  } u_;
};

}  // namespace wcr
