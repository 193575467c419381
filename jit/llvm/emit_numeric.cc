// Numeric family: constants, comparisons, integer and float arithmetic with exact wasm semantics:
// division traps (by zero, INT_MIN / -1), shift counts are masked, rotates are funnel shifts,
// min/max propagate NaN and order -0 < +0, nearest rounds to even. No fast-math anywhere: LLVM's
// NaN rules (any NaN input gives a quiet NaN) are wasm's.
#include <cmath>
#include <cstring>

#include "jit/llvm/function_emitter.h"

namespace wcr::jit::llvm {

using ::llvm::CmpInst;
using ::llvm::Value;
using ::llvm::Intrinsic::ID;
using wasm::Opcode;

Value* FunctionEmitter::canonicalizeNaN(Value* v) {
  // llvm.minimum/maximum may hand a signalling NaN input back unquieted on some targets; wasm
  // wants an arithmetic NaN, and the canonical NaN is one.
  Type* t = v->getType();
  Type* scalar = t->getScalarType();
  Value* nan = ::llvm::ConstantFP::getQNaN(scalar);
  if (t->isVectorTy())
    nan = b_.CreateVectorSplat(::llvm::cast<::llvm::FixedVectorType>(t)->getNumElements(), nan);
  return b_.CreateSelect(b_.CreateFCmpUNO(v, v), nan, v);
}

Value* FunctionEmitter::opaque(Value* v) {
  // An empty inline asm that returns its operand: the optimizer cannot see through it.
  Type* t = v->getType();
  Type* asInt = b_.getIntNTy(t->getPrimitiveSizeInBits());
  auto* fnType = ::llvm::FunctionType::get(asInt, {asInt}, false);
  auto* asm_ = ::llvm::InlineAsm::get(fnType, "", "=r,0", false);
  return b_.CreateBitCast(b_.CreateCall(fnType, asm_, {b_.CreateBitCast(v, asInt)}), t);
}

Value* FunctionEmitter::hideIdentityOperand(Value* v) {
  // LLVM folds x - 0, x * 1, x / -1 (...) to x or -x, which hands a signalling NaN back
  // unquieted; wasm wants an arithmetic NaN. Hide the constants that enable such folds.
  auto* c = ::llvm::dyn_cast<::llvm::ConstantFP>(v);
  if (!c) return v;
  const ::llvm::APFloat& f = c->getValueAPF();
  if (f.isZero() || (f.isFinite() && std::fabs(f.convertToDouble()) == 1.0)) return opaque(v);
  return v;
}

bool FunctionEmitter::emitNumeric(const wasm::Instr& in) {
  auto unary = [&](auto fn) { push(fn(pop())); };
  auto binary = [&](auto fn) {
    Value* rhs = pop();
    Value* lhs = pop();
    push(fn(lhs, rhs));
  };
  auto floatBinary = [&](auto fn) {
    Value* rhs = hideIdentityOperand(pop());
    Value* lhs = hideIdentityOperand(pop());
    push(fn(lhs, rhs));
  };
  auto icmp = [&](CmpInst::Predicate p) {
    binary([&](Value* a, Value* c) { return boolToI32(b_.CreateICmp(p, a, c)); });
  };
  auto fcmp = [&](CmpInst::Predicate p) {
    binary([&](Value* a, Value* c) { return boolToI32(b_.CreateFCmp(p, a, c)); });
  };
  auto intrinsic1 = [&](ID id) { unary([&](Value* a) { return b_.CreateUnaryIntrinsic(id, a); }); };
  auto bitCount = [&](ID id) {
    unary([&](Value* a) { return b_.CreateIntrinsic(id, {a->getType()}, {a, b_.getFalse()}); });
  };
  auto shift = [&](::llvm::Instruction::BinaryOps opc) {
    binary([&](Value* a, Value* c) {
      unsigned bits = a->getType()->getIntegerBitWidth();
      Value* mask = ::llvm::ConstantInt::get(a->getType(), bits - 1);
      return b_.CreateBinOp(opc, a, b_.CreateAnd(c, mask));
    });
  };
  auto rotate = [&](ID id) {
    binary([&](Value* a, Value* c) { return b_.CreateIntrinsic(id, {a->getType()}, {a, a, c}); });
  };
  auto divRem = [&](bool isSigned, bool isRem) {
    binary([&](Value* a, Value* c) -> Value* {
      Type* t = a->getType();
      trapIf(b_.CreateICmpEQ(c, ::llvm::ConstantInt::get(t, 0)), vm::TrapCode::IntegerDivideByZero);
      if (!isSigned) return isRem ? b_.CreateURem(a, c) : b_.CreateUDiv(a, c);
      unsigned bits = t->getIntegerBitWidth();
      Value* minusOne = ::llvm::ConstantInt::getSigned(t, -1);
      Value* overflow = b_.CreateAnd(
          b_.CreateICmpEQ(a, ::llvm::ConstantInt::get(t, ::llvm::APInt::getSignedMinValue(bits))),
          b_.CreateICmpEQ(c, minusOne));
      if (!isRem) {
        trapIf(overflow, vm::TrapCode::IntegerOverflow);
        return b_.CreateSDiv(a, c);
      }
      // INT_MIN rem -1 is 0 in wasm and undefined in LLVM: divide by 1 instead.
      return b_.CreateSRem(a, b_.CreateSelect(overflow, ::llvm::ConstantInt::get(t, 1), c));
    });
  };
  auto minMax = [&](ID id) {
    binary([&](Value* a, Value* c) { return canonicalizeNaN(b_.CreateBinaryIntrinsic(id, a, c)); });
  };

  using P = CmpInst::Predicate;
  switch (in.op) {
    case Opcode::I32Const:
      push(constI32(static_cast<uint32_t>(in.i32)));
      return true;
    case Opcode::I64Const:
      push(constI64(static_cast<uint64_t>(in.i64)));
      return true;
    case Opcode::F32Const:
      push(::llvm::ConstantFP::get(
          mc_.ctx, ::llvm::APFloat(::llvm::APFloat::IEEEsingle(), ::llvm::APInt(32, in.f32Bits))));
      return true;
    case Opcode::F64Const:
      push(::llvm::ConstantFP::get(
          mc_.ctx, ::llvm::APFloat(::llvm::APFloat::IEEEdouble(), ::llvm::APInt(64, in.f64Bits))));
      return true;

    case Opcode::I32Eqz:
    case Opcode::I64Eqz:
      unary([&](Value* a) { return boolToI32(b_.CreateIsNull(a)); });
      return true;
    case Opcode::I32Eq:
    case Opcode::I64Eq:
      icmp(P::ICMP_EQ);
      return true;
    case Opcode::I32Ne:
    case Opcode::I64Ne:
      icmp(P::ICMP_NE);
      return true;
    case Opcode::I32LtS:
    case Opcode::I64LtS:
      icmp(P::ICMP_SLT);
      return true;
    case Opcode::I32LtU:
    case Opcode::I64LtU:
      icmp(P::ICMP_ULT);
      return true;
    case Opcode::I32GtS:
    case Opcode::I64GtS:
      icmp(P::ICMP_SGT);
      return true;
    case Opcode::I32GtU:
    case Opcode::I64GtU:
      icmp(P::ICMP_UGT);
      return true;
    case Opcode::I32LeS:
    case Opcode::I64LeS:
      icmp(P::ICMP_SLE);
      return true;
    case Opcode::I32LeU:
    case Opcode::I64LeU:
      icmp(P::ICMP_ULE);
      return true;
    case Opcode::I32GeS:
    case Opcode::I64GeS:
      icmp(P::ICMP_SGE);
      return true;
    case Opcode::I32GeU:
    case Opcode::I64GeU:
      icmp(P::ICMP_UGE);
      return true;
    // Ordered comparisons are false on NaN; ne is unordered (true on NaN).
    case Opcode::F32Eq:
    case Opcode::F64Eq:
      fcmp(P::FCMP_OEQ);
      return true;
    case Opcode::F32Ne:
    case Opcode::F64Ne:
      fcmp(P::FCMP_UNE);
      return true;
    case Opcode::F32Lt:
    case Opcode::F64Lt:
      fcmp(P::FCMP_OLT);
      return true;
    case Opcode::F32Gt:
    case Opcode::F64Gt:
      fcmp(P::FCMP_OGT);
      return true;
    case Opcode::F32Le:
    case Opcode::F64Le:
      fcmp(P::FCMP_OLE);
      return true;
    case Opcode::F32Ge:
    case Opcode::F64Ge:
      fcmp(P::FCMP_OGE);
      return true;

    case Opcode::I32Clz:
    case Opcode::I64Clz:
      bitCount(::llvm::Intrinsic::ctlz);
      return true;
    case Opcode::I32Ctz:
    case Opcode::I64Ctz:
      bitCount(::llvm::Intrinsic::cttz);
      return true;
    case Opcode::I32Popcnt:
    case Opcode::I64Popcnt:
      intrinsic1(::llvm::Intrinsic::ctpop);
      return true;
    case Opcode::I32Add:
    case Opcode::I64Add:
      binary([&](Value* a, Value* c) { return b_.CreateAdd(a, c); });
      return true;
    case Opcode::I32Sub:
    case Opcode::I64Sub:
      binary([&](Value* a, Value* c) { return b_.CreateSub(a, c); });
      return true;
    case Opcode::I32Mul:
    case Opcode::I64Mul:
      binary([&](Value* a, Value* c) { return b_.CreateMul(a, c); });
      return true;
    case Opcode::I32DivS:
    case Opcode::I64DivS:
      divRem(true, false);
      return true;
    case Opcode::I32DivU:
    case Opcode::I64DivU:
      divRem(false, false);
      return true;
    case Opcode::I32RemS:
    case Opcode::I64RemS:
      divRem(true, true);
      return true;
    case Opcode::I32RemU:
    case Opcode::I64RemU:
      divRem(false, true);
      return true;
    case Opcode::I32And:
    case Opcode::I64And:
      binary([&](Value* a, Value* c) { return b_.CreateAnd(a, c); });
      return true;
    case Opcode::I32Or:
    case Opcode::I64Or:
      binary([&](Value* a, Value* c) { return b_.CreateOr(a, c); });
      return true;
    case Opcode::I32Xor:
    case Opcode::I64Xor:
      binary([&](Value* a, Value* c) { return b_.CreateXor(a, c); });
      return true;
    case Opcode::I32Shl:
    case Opcode::I64Shl:
      shift(::llvm::Instruction::Shl);
      return true;
    case Opcode::I32ShrS:
    case Opcode::I64ShrS:
      shift(::llvm::Instruction::AShr);
      return true;
    case Opcode::I32ShrU:
    case Opcode::I64ShrU:
      shift(::llvm::Instruction::LShr);
      return true;
    case Opcode::I32Rotl:
    case Opcode::I64Rotl:
      rotate(::llvm::Intrinsic::fshl);
      return true;
    case Opcode::I32Rotr:
    case Opcode::I64Rotr:
      rotate(::llvm::Intrinsic::fshr);
      return true;

    case Opcode::F32Abs:
    case Opcode::F64Abs:
      intrinsic1(::llvm::Intrinsic::fabs);
      return true;
    case Opcode::F32Neg:
    case Opcode::F64Neg:
      unary([&](Value* a) { return b_.CreateFNeg(a); });
      return true;
    case Opcode::F32Ceil:
    case Opcode::F64Ceil:
      intrinsic1(::llvm::Intrinsic::ceil);
      return true;
    case Opcode::F32Floor:
    case Opcode::F64Floor:
      intrinsic1(::llvm::Intrinsic::floor);
      return true;
    case Opcode::F32Trunc:
    case Opcode::F64Trunc:
      intrinsic1(::llvm::Intrinsic::trunc);
      return true;
    case Opcode::F32Nearest:
    case Opcode::F64Nearest:
      intrinsic1(::llvm::Intrinsic::roundeven);
      return true;
    case Opcode::F32Sqrt:
    case Opcode::F64Sqrt:
      intrinsic1(::llvm::Intrinsic::sqrt);
      return true;
    case Opcode::F32Add:
    case Opcode::F64Add:
      floatBinary([&](Value* a, Value* c) { return b_.CreateFAdd(a, c); });
      return true;
    case Opcode::F32Sub:
    case Opcode::F64Sub:
      floatBinary([&](Value* a, Value* c) { return b_.CreateFSub(a, c); });
      return true;
    case Opcode::F32Mul:
    case Opcode::F64Mul:
      floatBinary([&](Value* a, Value* c) { return b_.CreateFMul(a, c); });
      return true;
    case Opcode::F32Div:
    case Opcode::F64Div:
      floatBinary([&](Value* a, Value* c) { return b_.CreateFDiv(a, c); });
      return true;
    case Opcode::F32Min:
    case Opcode::F64Min:
      minMax(::llvm::Intrinsic::minimum);
      return true;
    case Opcode::F32Max:
    case Opcode::F64Max:
      minMax(::llvm::Intrinsic::maximum);
      return true;
    case Opcode::F32Copysign:
    case Opcode::F64Copysign:
      binary([&](Value* a, Value* c) {
        return b_.CreateBinaryIntrinsic(::llvm::Intrinsic::copysign, a, c);
      });
      return true;
    default:
      return false;
  }
}

}  // namespace wcr::jit::llvm
