// Constant expression evaluation over InstrReader.
#include "jit/vm/const_expr.h"

#include <cstring>
#include <vector>

#include "absl/strings/str_format.h"
#include "jit/support/status.h"
#include "jit/wasm/instr_reader.h"

namespace wcr::jit::vm {

absl::StatusOr<ValRaw> evalConstExpr(const wasm::ConstExpr& expr, const ConstExprEnv& env) {
  wasm::InstrReader reader(support::ByteReader(expr.bytes, expr.offset));
  std::vector<ValRaw> stack;
  wasm::Instr instr;
  auto pop = [&]() {
    ValRaw v = stack.back();
    stack.pop_back();
    return v;
  };
  while (!reader.atEnd()) {
    WCR_RETURN_IF_ERROR(reader.next(instr));
    ValRaw v{};
    std::memset(&v, 0, sizeof v);
    switch (instr.op) {
      case wasm::Opcode::End:
        if (stack.size() != 1) return absl::InternalError("constant expression left no value");
        return stack.back();
      case wasm::Opcode::I32Const: v.i32 = instr.i32; break;
      case wasm::Opcode::I64Const: v.i64 = instr.i64; break;
      case wasm::Opcode::F32Const: v.f32Bits = instr.f32Bits; break;
      case wasm::Opcode::F64Const: v.f64Bits = instr.f64Bits; break;
      case wasm::Opcode::V128Const: std::memcpy(v.v128, instr.v128.data(), 16); break;
      case wasm::Opcode::GlobalGet: v = env.global(instr.index); break;
      case wasm::Opcode::RefNull: v.ref = nullptr; break;
      case wasm::Opcode::RefFunc: v.ref = env.funcRef(instr.index); break;
      case wasm::Opcode::I32Add:
      case wasm::Opcode::I32Sub:
      case wasm::Opcode::I32Mul: {
        if (stack.size() < 2) return absl::InternalError("constant expression stack underflow");
        uint32_t b = static_cast<uint32_t>(pop().i32), a = static_cast<uint32_t>(pop().i32);
        uint32_t r = instr.op == wasm::Opcode::I32Add   ? a + b
                     : instr.op == wasm::Opcode::I32Sub ? a - b
                                                        : a * b;
        v.i32 = static_cast<int32_t>(r);
        break;
      }
      case wasm::Opcode::I64Add:
      case wasm::Opcode::I64Sub:
      case wasm::Opcode::I64Mul: {
        if (stack.size() < 2) return absl::InternalError("constant expression stack underflow");
        uint64_t b = static_cast<uint64_t>(pop().i64), a = static_cast<uint64_t>(pop().i64);
        uint64_t r = instr.op == wasm::Opcode::I64Add   ? a + b
                     : instr.op == wasm::Opcode::I64Sub ? a - b
                                                        : a * b;
        v.i64 = static_cast<int64_t>(r);
        break;
      }
      default:
        return absl::UnimplementedError(absl::StrFormat(
            "instruction at offset %d is not supported in constant expressions", instr.offset));
    }
    stack.push_back(v);
  }
  return absl::InternalError("constant expression has no end");
}

}  // namespace wcr::jit::vm
