// Conversion family: wrap/extend, sign extension, float<->int conversions (trapping truncation
// with the spec's exact bounds, saturating truncation through llvm.fpto[su]i.sat), demote/promote
// and reinterpretations.
#include <cmath>

#include "jit/llvm/function_emitter.h"

namespace wcr::jit::llvm {

using ::llvm::Value;
using wasm::Opcode;

bool FunctionEmitter::emitConversion(const wasm::Instr& in) {
  auto unary = [&](auto fn) { push(fn(pop())); };
  // Trapping truncation: NaN is an invalid conversion, anything whose truncation does not fit
  // is an overflow. Bounds are exact in the source type: for a signed N-bit result the value must
  // be > -2^(N-1) - 1 (or >= -2^(N-1) when -2^(N-1) - 1 is not representable) and < 2^(N-1);
  // unsigned: > -1 and < 2^N.
  auto truncTrap = [&](::llvm::IntegerType* to, bool isSigned) {
    unary([&](Value* x) -> Value* {
      Type* ft = x->getType();
      unsigned bits = to->getBitWidth();
      trapIf(b_.CreateFCmpUNO(x, x), vm::TrapCode::InvalidConversion);
      bool isF64 = ft->isDoubleTy();
      Value* inRange;
      if (isSigned) {
        double lo = -std::ldexp(1.0, bits - 1);
        double hi = std::ldexp(1.0, bits - 1);
        Value* lower = (isF64 && bits == 32)
                           ? b_.CreateFCmpOGT(x, ::llvm::ConstantFP::get(ft, lo - 1.0))
                           : b_.CreateFCmpOGE(x, ::llvm::ConstantFP::get(ft, lo));
        inRange = b_.CreateAnd(lower, b_.CreateFCmpOLT(x, ::llvm::ConstantFP::get(ft, hi)));
      } else {
        double hi = std::ldexp(1.0, bits);
        inRange = b_.CreateAnd(b_.CreateFCmpOGT(x, ::llvm::ConstantFP::get(ft, -1.0)),
                               b_.CreateFCmpOLT(x, ::llvm::ConstantFP::get(ft, hi)));
      }
      trapIf(b_.CreateNot(inRange), vm::TrapCode::IntegerOverflow);
      return isSigned ? b_.CreateFPToSI(x, to) : b_.CreateFPToUI(x, to);
    });
  };
  auto truncSat = [&](::llvm::IntegerType* to, bool isSigned) {
    unary([&](Value* x) {
      return b_.CreateIntrinsic(
          isSigned ? ::llvm::Intrinsic::fptosi_sat : ::llvm::Intrinsic::fptoui_sat,
          {to, x->getType()}, {x});
    });
  };
  auto signExtend = [&](::llvm::IntegerType* from) {
    unary([&](Value* x) { return b_.CreateSExt(b_.CreateTrunc(x, from), x->getType()); });
  };
  auto cast = [&](::llvm::Instruction::CastOps op, Type* to) {
    unary([&](Value* x) { return b_.CreateCast(op, x, to); });
  };
  using C = ::llvm::Instruction::CastOps;
  switch (in.op) {
    case Opcode::I32WrapI64:
      cast(C::Trunc, mc_.i32);
      return true;
    case Opcode::I64ExtendI32S:
      cast(C::SExt, mc_.i64);
      return true;
    case Opcode::I64ExtendI32U:
      cast(C::ZExt, mc_.i64);
      return true;
    case Opcode::I32TruncF32S:
    case Opcode::I32TruncF64S:
      truncTrap(mc_.i32, true);
      return true;
    case Opcode::I32TruncF32U:
    case Opcode::I32TruncF64U:
      truncTrap(mc_.i32, false);
      return true;
    case Opcode::I64TruncF32S:
    case Opcode::I64TruncF64S:
      truncTrap(mc_.i64, true);
      return true;
    case Opcode::I64TruncF32U:
    case Opcode::I64TruncF64U:
      truncTrap(mc_.i64, false);
      return true;
    case Opcode::I32TruncSatF32S:
    case Opcode::I32TruncSatF64S:
      truncSat(mc_.i32, true);
      return true;
    case Opcode::I32TruncSatF32U:
    case Opcode::I32TruncSatF64U:
      truncSat(mc_.i32, false);
      return true;
    case Opcode::I64TruncSatF32S:
    case Opcode::I64TruncSatF64S:
      truncSat(mc_.i64, true);
      return true;
    case Opcode::I64TruncSatF32U:
    case Opcode::I64TruncSatF64U:
      truncSat(mc_.i64, false);
      return true;
    case Opcode::F32ConvertI32S:
    case Opcode::F32ConvertI64S:
      cast(C::SIToFP, mc_.f32);
      return true;
    case Opcode::F32ConvertI32U:
    case Opcode::F32ConvertI64U:
      cast(C::UIToFP, mc_.f32);
      return true;
    case Opcode::F64ConvertI32S:
    case Opcode::F64ConvertI64S:
      cast(C::SIToFP, mc_.f64);
      return true;
    case Opcode::F64ConvertI32U:
    case Opcode::F64ConvertI64U:
      cast(C::UIToFP, mc_.f64);
      return true;
    case Opcode::F32DemoteF64:
      // demote(promote(x)) must quiet a signalling NaN; LLVM would fold the pair to x.
      if (::llvm::isa<::llvm::FPExtInst>(stack_.back())) stack_.back() = opaque(stack_.back());
      cast(C::FPTrunc, mc_.f32);
      return true;
    case Opcode::F64PromoteF32:
      cast(C::FPExt, mc_.f64);
      return true;
    case Opcode::I32ReinterpretF32:
      cast(C::BitCast, mc_.i32);
      return true;
    case Opcode::I64ReinterpretF64:
      cast(C::BitCast, mc_.i64);
      return true;
    case Opcode::F32ReinterpretI32:
      cast(C::BitCast, mc_.f32);
      return true;
    case Opcode::F64ReinterpretI64:
      cast(C::BitCast, mc_.f64);
      return true;
    case Opcode::I32Extend8S:
    case Opcode::I64Extend8S:
      signExtend(mc_.i8);
      return true;
    case Opcode::I32Extend16S:
    case Opcode::I64Extend16S:
      signExtend(mc_.i16);
      return true;
    case Opcode::I64Extend32S:
      signExtend(mc_.i32);
      return true;
    default:
      return false;
  }
}

}  // namespace wcr::jit::llvm
