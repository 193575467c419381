// SIMD family: v128 operators through LLVM vector operations. A v128 travels as <2 x i64>; each
// operator bitcasts to its lane shape, which is read from the opcode table's text name
// ("i8x16.add" -> <16 x i8>). Saturating, widening, narrowing and pairwise operators are built from
// target-independent intrinsics (sadd.sat, smin, fptosi.sat, ...) and shuffles; float min/max
// follow the scalar rules (NaN propagating, canonical NaN out).
#include <string_view>

#include "jit/llvm/function_emitter.h"

namespace wcr::jit::llvm {

using ::llvm::CmpInst;
using ::llvm::FixedVectorType;
using ::llvm::Value;
using wasm::Opcode;

namespace {

// Lane shape of an operator from its text name, or nullptr for v128.* operators.
FixedVectorType* shapeOf(const ModuleContext& mc, Opcode op) {
  std::string_view name = wasm::info(op).name;
  if (name.starts_with("i8x16")) return mc.i8x16;
  if (name.starts_with("i16x8")) return mc.i16x8;
  if (name.starts_with("i32x4")) return mc.i32x4;
  if (name.starts_with("i64x2")) return mc.v128;
  if (name.starts_with("f32x4")) return mc.f32x4;
  if (name.starts_with("f64x2")) return mc.f64x2;
  return nullptr;
}

std::vector<int> range(int begin, int count, int step = 1) {
  std::vector<int> out;
  for (int i = 0; i < count; ++i) out.push_back(begin + i * step);
  return out;
}

}  // namespace

bool FunctionEmitter::emitSimdMemory(const wasm::Instr& in) {
  auto extendLoad = [&](unsigned lanes, ::llvm::IntegerType* lane, bool isSigned) {
    Value* addr = memoryAddress(in.mem, pop());
    auto* narrow = FixedVectorType::get(lane, lanes);
    Value* v = loadMemory(narrow, addr);
    auto* wide =
        FixedVectorType::get(::llvm::IntegerType::get(mc_.ctx, lane->getBitWidth() * 2), lanes);
    push(toV128(isSigned ? b_.CreateSExt(v, wide) : b_.CreateZExt(v, wide)));
  };
  auto splatLoad = [&](::llvm::IntegerType* lane) {
    Value* addr = memoryAddress(in.mem, pop());
    Value* v = loadMemory(lane, addr);
    push(toV128(b_.CreateVectorSplat(128 / lane->getBitWidth(), v)));
  };
  auto zeroLoad = [&](::llvm::IntegerType* lane) {
    Value* addr = memoryAddress(in.mem, pop());
    Value* v = loadMemory(lane, addr);
    auto* vt = FixedVectorType::get(lane, 128 / lane->getBitWidth());
    push(toV128(b_.CreateInsertElement(::llvm::Constant::getNullValue(vt), v, uint64_t{0})));
  };
  auto laneLoad = [&](::llvm::IntegerType* lane) {
    auto* vt = FixedVectorType::get(lane, 128 / lane->getBitWidth());
    Value* vec = asVec(pop(), vt);
    Value* addr = memoryAddress(in.mem, pop());
    Value* v = loadMemory(lane, addr);
    push(toV128(b_.CreateInsertElement(vec, v, uint64_t{in.lane})));
  };
  auto laneStore = [&](::llvm::IntegerType* lane) {
    auto* vt = FixedVectorType::get(lane, 128 / lane->getBitWidth());
    Value* vec = asVec(pop(), vt);
    Value* addr = memoryAddress(in.mem, pop());
    b_.CreateAlignedStore(b_.CreateExtractElement(vec, uint64_t{in.lane}), addr, ::llvm::Align(1));
  };
  switch (in.op) {
    case Opcode::V128Load: {
      Value* addr = memoryAddress(in.mem, pop());
      push(loadMemory(mc_.v128, addr));
      return true;
    }
    case Opcode::V128Store: {
      Value* v = pop();
      Value* addr = memoryAddress(in.mem, pop());
      b_.CreateAlignedStore(v, addr, ::llvm::Align(1));
      return true;
    }
    case Opcode::V128Load8x8S:
      extendLoad(8, mc_.i8, true);
      return true;
    case Opcode::V128Load8x8U:
      extendLoad(8, mc_.i8, false);
      return true;
    case Opcode::V128Load16x4S:
      extendLoad(4, mc_.i16, true);
      return true;
    case Opcode::V128Load16x4U:
      extendLoad(4, mc_.i16, false);
      return true;
    case Opcode::V128Load32x2S:
      extendLoad(2, mc_.i32, true);
      return true;
    case Opcode::V128Load32x2U:
      extendLoad(2, mc_.i32, false);
      return true;
    case Opcode::V128Load8Splat:
      splatLoad(mc_.i8);
      return true;
    case Opcode::V128Load16Splat:
      splatLoad(mc_.i16);
      return true;
    case Opcode::V128Load32Splat:
      splatLoad(mc_.i32);
      return true;
    case Opcode::V128Load64Splat:
      splatLoad(mc_.i64);
      return true;
    case Opcode::V128Load32Zero:
      zeroLoad(mc_.i32);
      return true;
    case Opcode::V128Load64Zero:
      zeroLoad(mc_.i64);
      return true;
    case Opcode::V128Load8Lane:
      laneLoad(mc_.i8);
      return true;
    case Opcode::V128Load16Lane:
      laneLoad(mc_.i16);
      return true;
    case Opcode::V128Load32Lane:
      laneLoad(mc_.i32);
      return true;
    case Opcode::V128Load64Lane:
      laneLoad(mc_.i64);
      return true;
    case Opcode::V128Store8Lane:
      laneStore(mc_.i8);
      return true;
    case Opcode::V128Store16Lane:
      laneStore(mc_.i16);
      return true;
    case Opcode::V128Store32Lane:
      laneStore(mc_.i32);
      return true;
    case Opcode::V128Store64Lane:
      laneStore(mc_.i64);
      return true;
    default:
      return false;
  }
}

bool FunctionEmitter::emitSimd(const wasm::Instr& in) {
  FixedVectorType* vt = shapeOf(mc_, in.op);
  using P = CmpInst::Predicate;
  namespace I = ::llvm::Intrinsic;

  auto unary = [&](auto fn) { push(toV128(fn(asVec(pop(), vt)))); };
  auto binary = [&](auto fn) {
    Value* c = asVec(pop(), vt);
    Value* a = asVec(pop(), vt);
    push(toV128(fn(a, c)));
  };
  auto binaryIntrinsic = [&](::llvm::Intrinsic::ID id) {
    binary([&](Value* a, Value* c) { return b_.CreateBinaryIntrinsic(id, a, c); });
  };
  auto unaryIntrinsic = [&](::llvm::Intrinsic::ID id) {
    unary([&](Value* a) { return b_.CreateUnaryIntrinsic(id, a); });
  };
  auto compare = [&](P p) {
    auto* intTy = FixedVectorType::getInteger(vt);
    binary([&](Value* a, Value* c) {
      Value* m = CmpInst::isFPPredicate(p) ? b_.CreateFCmp(p, a, c) : b_.CreateICmp(p, a, c);
      return b_.CreateSExt(m, intTy);
    });
  };
  auto shift = [&](::llvm::Instruction::BinaryOps opc) {
    Value* count = pop();
    Value* v = asVec(pop(), vt);
    auto* lane = ::llvm::cast<::llvm::IntegerType>(vt->getElementType());
    count = b_.CreateAnd(count, constI32(lane->getBitWidth() - 1));
    count = b_.CreateZExtOrTrunc(count, lane);
    push(toV128(b_.CreateBinOp(opc, v, b_.CreateVectorSplat(vt->getNumElements(), count))));
  };
  // Lanes [first, first + n) of a vector of `vt`, widened to twice the lane width.
  auto widenHalf = [&](Value* v, bool high, bool isSigned) {
    unsigned n = vt->getNumElements();
    Value* half = b_.CreateShuffleVector(v, range(high ? n / 2 : 0, n / 2));
    auto* wide = FixedVectorType::get(
        ::llvm::IntegerType::get(mc_.ctx, vt->getScalarSizeInBits() * 2), n / 2);
    return isSigned ? b_.CreateSExt(half, wide) : b_.CreateZExt(half, wide);
  };
  // The source shape of widening ops is the narrower one: i16x8.extend_low_i8x16 reads i8x16.
  auto narrowerOf = [&](FixedVectorType* t) {
    return FixedVectorType::get(::llvm::IntegerType::get(mc_.ctx, t->getScalarSizeInBits() / 2),
                                t->getNumElements() * 2);
  };
  auto extend = [&](bool high, bool isSigned) {
    vt = narrowerOf(vt);
    push(toV128(widenHalf(asVec(pop(), vt), high, isSigned)));
  };
  auto extmul = [&](bool high, bool isSigned) {
    vt = narrowerOf(vt);
    Value* c = widenHalf(asVec(pop(), vt), high, isSigned);
    Value* a = widenHalf(asVec(pop(), vt), high, isSigned);
    push(toV128(b_.CreateMul(a, c)));
  };
  auto extaddPairwise = [&](bool isSigned) {
    FixedVectorType* dst = vt;
    FixedVectorType* src = narrowerOf(dst);
    Value* v = asVec(pop(), src);
    unsigned n = dst->getNumElements();
    Value* even = b_.CreateShuffleVector(v, range(0, n, 2));
    Value* odd = b_.CreateShuffleVector(v, range(1, n, 2));
    auto ext = [&](Value* x) { return isSigned ? b_.CreateSExt(x, dst) : b_.CreateZExt(x, dst); };
    push(toV128(b_.CreateAdd(ext(even), ext(odd))));
  };
  auto narrow = [&](bool isSigned) {
    FixedVectorType* dst = vt;
    auto* src =
        FixedVectorType::get(::llvm::IntegerType::get(mc_.ctx, dst->getScalarSizeInBits() * 2),
                             dst->getNumElements() / 2);
    Value* c = asVec(pop(), src);
    Value* a = asVec(pop(), src);
    Value* both = b_.CreateShuffleVector(a, c, range(0, dst->getNumElements()));
    auto* bothTy = ::llvm::cast<FixedVectorType>(both->getType());
    unsigned bits = dst->getScalarSizeInBits();
    auto splat = [&](const ::llvm::APInt& v) {
      return ::llvm::ConstantInt::get(bothTy, v.sext(bits * 2));
    };
    Value* lo = isSigned ? splat(::llvm::APInt::getSignedMinValue(bits))
                         : ::llvm::ConstantInt::get(bothTy, 0);
    Value* hi = isSigned ? splat(::llvm::APInt::getSignedMaxValue(bits))
                         : ::llvm::ConstantInt::get(
                               bothTy, ::llvm::APInt::getMaxValue(bits).zext(bits * 2));
    Value* clamped =
        b_.CreateBinaryIntrinsic(I::smin, b_.CreateBinaryIntrinsic(I::smax, both, lo), hi);
    push(toV128(b_.CreateTrunc(clamped, dst)));
  };
  auto avgr = [&]() {
    auto* wide = FixedVectorType::get(
        ::llvm::IntegerType::get(mc_.ctx, vt->getScalarSizeInBits() * 2), vt->getNumElements());
    binary([&](Value* a, Value* c) {
      Value* sum = b_.CreateAdd(b_.CreateZExt(a, wide), b_.CreateZExt(c, wide));
      sum = b_.CreateAdd(sum, ::llvm::ConstantInt::get(wide, 1));
      return b_.CreateTrunc(b_.CreateLShr(sum, ::llvm::ConstantInt::get(wide, 1)), vt);
    });
  };
  auto allTrue = [&]() {
    Value* v = asVec(pop(), vt);
    Value* nonZero = b_.CreateICmpNE(v, ::llvm::Constant::getNullValue(vt));
    Value* mask = b_.CreateBitCast(nonZero, b_.getIntNTy(vt->getNumElements()));
    push(boolToI32(b_.CreateICmpEQ(mask, ::llvm::Constant::getAllOnesValue(mask->getType()))));
  };
  auto bitmask = [&]() {
    Value* v = asVec(pop(), vt);
    Value* neg = b_.CreateICmpSLT(v, ::llvm::Constant::getNullValue(vt));
    push(b_.CreateZExt(b_.CreateBitCast(neg, b_.getIntNTy(vt->getNumElements())), mc_.i32));
  };
  auto floatMinMax = [&](::llvm::Intrinsic::ID id) {
    binary([&](Value* a, Value* c) { return canonicalizeNaN(b_.CreateBinaryIntrinsic(id, a, c)); });
  };
  auto truncSat = [&](FixedVectorType* from, bool isSigned, bool zeroHigh) {
    Value* v = asVec(pop(), from);
    auto* to = FixedVectorType::get(mc_.i32, from->getNumElements());
    Value* r = b_.CreateIntrinsic(isSigned ? I::fptosi_sat : I::fptoui_sat, {to, from}, {v});
    if (zeroHigh) r = b_.CreateShuffleVector(r, ::llvm::Constant::getNullValue(to), range(0, 4));
    push(toV128(r));
  };

  switch (in.op) {
    case Opcode::V128Const: {
      uint64_t lo = 0, hi = 0;
      for (int i = 7; i >= 0; --i) lo = (lo << 8) | in.v128[i];
      for (int i = 15; i >= 8; --i) hi = (hi << 8) | in.v128[i];
      push(::llvm::ConstantVector::get({b_.getInt64(lo), b_.getInt64(hi)}));
      return true;
    }
    case Opcode::I8x16Shuffle: {
      Value* c = asVec(pop(), mc_.i8x16);
      Value* a = asVec(pop(), mc_.i8x16);
      std::vector<int> mask(in.v128.begin(), in.v128.end());
      push(toV128(b_.CreateShuffleVector(a, c, mask)));
      return true;
    }
    case Opcode::I8x16Swizzle: {
      Value* idx = asVec(pop(), mc_.i8x16);
      Value* a = asVec(pop(), mc_.i8x16);
      Value* out = ::llvm::Constant::getNullValue(mc_.i8x16);
      for (uint64_t i = 0; i < 16; ++i) {
        Value* k = b_.CreateExtractElement(idx, i);
        Value* lane = b_.CreateExtractElement(a, b_.CreateAnd(k, b_.getInt8(15)));
        lane = b_.CreateSelect(b_.CreateICmpULT(k, b_.getInt8(16)), lane, b_.getInt8(0));
        out = b_.CreateInsertElement(out, lane, i);
      }
      push(toV128(out));
      return true;
    }
    case Opcode::I8x16Splat:
    case Opcode::I16x8Splat:
    case Opcode::I32x4Splat:
    case Opcode::I64x2Splat:
    case Opcode::F32x4Splat:
    case Opcode::F64x2Splat: {
      Value* v = pop();
      if (vt->getElementType() != v->getType()) v = b_.CreateTrunc(v, vt->getElementType());
      push(toV128(b_.CreateVectorSplat(vt->getNumElements(), v)));
      return true;
    }
    case Opcode::I8x16ExtractLaneS:
    case Opcode::I16x8ExtractLaneS:
      push(b_.CreateSExt(b_.CreateExtractElement(asVec(pop(), vt), uint64_t{in.lane}), mc_.i32));
      return true;
    case Opcode::I8x16ExtractLaneU:
    case Opcode::I16x8ExtractLaneU:
      push(b_.CreateZExt(b_.CreateExtractElement(asVec(pop(), vt), uint64_t{in.lane}), mc_.i32));
      return true;
    case Opcode::I32x4ExtractLane:
    case Opcode::I64x2ExtractLane:
    case Opcode::F32x4ExtractLane:
    case Opcode::F64x2ExtractLane:
      push(b_.CreateExtractElement(asVec(pop(), vt), uint64_t{in.lane}));
      return true;
    case Opcode::I8x16ReplaceLane:
    case Opcode::I16x8ReplaceLane:
    case Opcode::I32x4ReplaceLane:
    case Opcode::I64x2ReplaceLane:
    case Opcode::F32x4ReplaceLane:
    case Opcode::F64x2ReplaceLane: {
      Value* v = pop();
      Value* vec = asVec(pop(), vt);
      if (vt->getElementType() != v->getType()) v = b_.CreateTrunc(v, vt->getElementType());
      push(toV128(b_.CreateInsertElement(vec, v, uint64_t{in.lane})));
      return true;
    }

    case Opcode::I8x16Eq:
    case Opcode::I16x8Eq:
    case Opcode::I32x4Eq:
    case Opcode::I64x2Eq:
      compare(P::ICMP_EQ);
      return true;
    case Opcode::I8x16Ne:
    case Opcode::I16x8Ne:
    case Opcode::I32x4Ne:
    case Opcode::I64x2Ne:
      compare(P::ICMP_NE);
      return true;
    case Opcode::I8x16LtS:
    case Opcode::I16x8LtS:
    case Opcode::I32x4LtS:
    case Opcode::I64x2LtS:
      compare(P::ICMP_SLT);
      return true;
    case Opcode::I8x16LtU:
    case Opcode::I16x8LtU:
    case Opcode::I32x4LtU:
      compare(P::ICMP_ULT);
      return true;
    case Opcode::I8x16GtS:
    case Opcode::I16x8GtS:
    case Opcode::I32x4GtS:
    case Opcode::I64x2GtS:
      compare(P::ICMP_SGT);
      return true;
    case Opcode::I8x16GtU:
    case Opcode::I16x8GtU:
    case Opcode::I32x4GtU:
      compare(P::ICMP_UGT);
      return true;
    case Opcode::I8x16LeS:
    case Opcode::I16x8LeS:
    case Opcode::I32x4LeS:
    case Opcode::I64x2LeS:
      compare(P::ICMP_SLE);
      return true;
    case Opcode::I8x16LeU:
    case Opcode::I16x8LeU:
    case Opcode::I32x4LeU:
      compare(P::ICMP_ULE);
      return true;
    case Opcode::I8x16GeS:
    case Opcode::I16x8GeS:
    case Opcode::I32x4GeS:
    case Opcode::I64x2GeS:
      compare(P::ICMP_SGE);
      return true;
    case Opcode::I8x16GeU:
    case Opcode::I16x8GeU:
    case Opcode::I32x4GeU:
      compare(P::ICMP_UGE);
      return true;
    case Opcode::F32x4Eq:
    case Opcode::F64x2Eq:
      compare(P::FCMP_OEQ);
      return true;
    case Opcode::F32x4Ne:
    case Opcode::F64x2Ne:
      compare(P::FCMP_UNE);
      return true;
    case Opcode::F32x4Lt:
    case Opcode::F64x2Lt:
      compare(P::FCMP_OLT);
      return true;
    case Opcode::F32x4Gt:
    case Opcode::F64x2Gt:
      compare(P::FCMP_OGT);
      return true;
    case Opcode::F32x4Le:
    case Opcode::F64x2Le:
      compare(P::FCMP_OLE);
      return true;
    case Opcode::F32x4Ge:
    case Opcode::F64x2Ge:
      compare(P::FCMP_OGE);
      return true;

    case Opcode::V128Not:
      push(b_.CreateNot(pop()));
      return true;
    case Opcode::V128And: {
      Value* c = pop();
      push(b_.CreateAnd(pop(), c));
      return true;
    }
    case Opcode::V128Andnot: {
      Value* c = pop();
      push(b_.CreateAnd(pop(), b_.CreateNot(c)));
      return true;
    }
    case Opcode::V128Or: {
      Value* c = pop();
      push(b_.CreateOr(pop(), c));
      return true;
    }
    case Opcode::V128Xor: {
      Value* c = pop();
      push(b_.CreateXor(pop(), c));
      return true;
    }
    case Opcode::V128Bitselect: {
      Value* mask = pop();
      Value* v2 = pop();
      Value* v1 = pop();
      push(b_.CreateOr(b_.CreateAnd(v1, mask), b_.CreateAnd(v2, b_.CreateNot(mask))));
      return true;
    }
    case Opcode::V128AnyTrue:
      push(boolToI32(b_.CreateICmpNE(b_.CreateBitCast(pop(), b_.getInt128Ty()),
                                     ::llvm::ConstantInt::get(b_.getInt128Ty(), 0))));
      return true;

    case Opcode::I8x16Abs:
    case Opcode::I16x8Abs:
    case Opcode::I32x4Abs:
    case Opcode::I64x2Abs:
      unary([&](Value* a) { return b_.CreateBinaryIntrinsic(I::abs, a, b_.getFalse()); });
      return true;
    case Opcode::I8x16Neg:
    case Opcode::I16x8Neg:
    case Opcode::I32x4Neg:
    case Opcode::I64x2Neg:
      unary([&](Value* a) { return b_.CreateNeg(a); });
      return true;
    case Opcode::I8x16Popcnt:
      unaryIntrinsic(I::ctpop);
      return true;
    case Opcode::I8x16AllTrue:
    case Opcode::I16x8AllTrue:
    case Opcode::I32x4AllTrue:
    case Opcode::I64x2AllTrue:
      allTrue();
      return true;
    case Opcode::I8x16Bitmask:
    case Opcode::I16x8Bitmask:
    case Opcode::I32x4Bitmask:
    case Opcode::I64x2Bitmask:
      bitmask();
      return true;
    case Opcode::I8x16NarrowI16x8S:
    case Opcode::I16x8NarrowI32x4S:
      narrow(true);
      return true;
    case Opcode::I8x16NarrowI16x8U:
    case Opcode::I16x8NarrowI32x4U:
      narrow(false);
      return true;
    case Opcode::I8x16Shl:
    case Opcode::I16x8Shl:
    case Opcode::I32x4Shl:
    case Opcode::I64x2Shl:
      shift(::llvm::Instruction::Shl);
      return true;
    case Opcode::I8x16ShrS:
    case Opcode::I16x8ShrS:
    case Opcode::I32x4ShrS:
    case Opcode::I64x2ShrS:
      shift(::llvm::Instruction::AShr);
      return true;
    case Opcode::I8x16ShrU:
    case Opcode::I16x8ShrU:
    case Opcode::I32x4ShrU:
    case Opcode::I64x2ShrU:
      shift(::llvm::Instruction::LShr);
      return true;
    case Opcode::I8x16Add:
    case Opcode::I16x8Add:
    case Opcode::I32x4Add:
    case Opcode::I64x2Add:
      binary([&](Value* a, Value* c) { return b_.CreateAdd(a, c); });
      return true;
    case Opcode::I8x16Sub:
    case Opcode::I16x8Sub:
    case Opcode::I32x4Sub:
    case Opcode::I64x2Sub:
      binary([&](Value* a, Value* c) { return b_.CreateSub(a, c); });
      return true;
    case Opcode::I16x8Mul:
    case Opcode::I32x4Mul:
    case Opcode::I64x2Mul:
      binary([&](Value* a, Value* c) { return b_.CreateMul(a, c); });
      return true;
    case Opcode::I8x16AddSatS:
    case Opcode::I16x8AddSatS:
      binaryIntrinsic(I::sadd_sat);
      return true;
    case Opcode::I8x16AddSatU:
    case Opcode::I16x8AddSatU:
      binaryIntrinsic(I::uadd_sat);
      return true;
    case Opcode::I8x16SubSatS:
    case Opcode::I16x8SubSatS:
      binaryIntrinsic(I::ssub_sat);
      return true;
    case Opcode::I8x16SubSatU:
    case Opcode::I16x8SubSatU:
      binaryIntrinsic(I::usub_sat);
      return true;
    case Opcode::I8x16MinS:
    case Opcode::I16x8MinS:
    case Opcode::I32x4MinS:
      binaryIntrinsic(I::smin);
      return true;
    case Opcode::I8x16MinU:
    case Opcode::I16x8MinU:
    case Opcode::I32x4MinU:
      binaryIntrinsic(I::umin);
      return true;
    case Opcode::I8x16MaxS:
    case Opcode::I16x8MaxS:
    case Opcode::I32x4MaxS:
      binaryIntrinsic(I::smax);
      return true;
    case Opcode::I8x16MaxU:
    case Opcode::I16x8MaxU:
    case Opcode::I32x4MaxU:
      binaryIntrinsic(I::umax);
      return true;
    case Opcode::I8x16AvgrU:
    case Opcode::I16x8AvgrU:
      avgr();
      return true;
    case Opcode::I16x8Q15mulrSatS: {
      auto* wide = FixedVectorType::get(mc_.i32, 8);
      binary([&](Value* a, Value* c) {
        Value* p = b_.CreateMul(b_.CreateSExt(a, wide), b_.CreateSExt(c, wide));
        p = b_.CreateAShr(b_.CreateAdd(p, ::llvm::ConstantInt::get(wide, 0x4000)),
                          ::llvm::ConstantInt::get(wide, 15));
        p = b_.CreateBinaryIntrinsic(I::smin, p, ::llvm::ConstantInt::get(wide, 0x7FFF));
        return b_.CreateTrunc(p, vt);
      });
      return true;
    }
    case Opcode::I16x8ExtaddPairwiseI8x16S:
    case Opcode::I32x4ExtaddPairwiseI16x8S:
      extaddPairwise(true);
      return true;
    case Opcode::I16x8ExtaddPairwiseI8x16U:
    case Opcode::I32x4ExtaddPairwiseI16x8U:
      extaddPairwise(false);
      return true;
    case Opcode::I16x8ExtendLowI8x16S:
    case Opcode::I32x4ExtendLowI16x8S:
    case Opcode::I64x2ExtendLowI32x4S:
      extend(false, true);
      return true;
    case Opcode::I16x8ExtendHighI8x16S:
    case Opcode::I32x4ExtendHighI16x8S:
    case Opcode::I64x2ExtendHighI32x4S:
      extend(true, true);
      return true;
    case Opcode::I16x8ExtendLowI8x16U:
    case Opcode::I32x4ExtendLowI16x8U:
    case Opcode::I64x2ExtendLowI32x4U:
      extend(false, false);
      return true;
    case Opcode::I16x8ExtendHighI8x16U:
    case Opcode::I32x4ExtendHighI16x8U:
    case Opcode::I64x2ExtendHighI32x4U:
      extend(true, false);
      return true;
    case Opcode::I16x8ExtmulLowI8x16S:
    case Opcode::I32x4ExtmulLowI16x8S:
    case Opcode::I64x2ExtmulLowI32x4S:
      extmul(false, true);
      return true;
    case Opcode::I16x8ExtmulHighI8x16S:
    case Opcode::I32x4ExtmulHighI16x8S:
    case Opcode::I64x2ExtmulHighI32x4S:
      extmul(true, true);
      return true;
    case Opcode::I16x8ExtmulLowI8x16U:
    case Opcode::I32x4ExtmulLowI16x8U:
    case Opcode::I64x2ExtmulLowI32x4U:
      extmul(false, false);
      return true;
    case Opcode::I16x8ExtmulHighI8x16U:
    case Opcode::I32x4ExtmulHighI16x8U:
    case Opcode::I64x2ExtmulHighI32x4U:
      extmul(true, false);
      return true;
    case Opcode::I32x4DotI16x8S: {
      auto* wide = FixedVectorType::get(mc_.i32, 8);
      Value* c = b_.CreateSExt(asVec(pop(), mc_.i16x8), wide);
      Value* a = b_.CreateSExt(asVec(pop(), mc_.i16x8), wide);
      Value* p = b_.CreateMul(a, c);
      Value* even = b_.CreateShuffleVector(p, range(0, 4, 2));
      Value* odd = b_.CreateShuffleVector(p, range(1, 4, 2));
      push(toV128(b_.CreateAdd(even, odd)));
      return true;
    }

    case Opcode::F32x4Ceil:
    case Opcode::F64x2Ceil:
      unaryIntrinsic(I::ceil);
      return true;
    case Opcode::F32x4Floor:
    case Opcode::F64x2Floor:
      unaryIntrinsic(I::floor);
      return true;
    case Opcode::F32x4Trunc:
    case Opcode::F64x2Trunc:
      unaryIntrinsic(I::trunc);
      return true;
    case Opcode::F32x4Nearest:
    case Opcode::F64x2Nearest:
      unaryIntrinsic(I::roundeven);
      return true;
    case Opcode::F32x4Abs:
    case Opcode::F64x2Abs:
      unaryIntrinsic(I::fabs);
      return true;
    case Opcode::F32x4Sqrt:
    case Opcode::F64x2Sqrt:
      unaryIntrinsic(I::sqrt);
      return true;
    case Opcode::F32x4Neg:
    case Opcode::F64x2Neg:
      unary([&](Value* a) { return b_.CreateFNeg(a); });
      return true;
    case Opcode::F32x4Add:
    case Opcode::F64x2Add:
      binary([&](Value* a, Value* c) { return b_.CreateFAdd(a, c); });
      return true;
    case Opcode::F32x4Sub:
    case Opcode::F64x2Sub:
      binary([&](Value* a, Value* c) { return b_.CreateFSub(a, c); });
      return true;
    case Opcode::F32x4Mul:
    case Opcode::F64x2Mul:
      binary([&](Value* a, Value* c) { return b_.CreateFMul(a, c); });
      return true;
    case Opcode::F32x4Div:
    case Opcode::F64x2Div:
      binary([&](Value* a, Value* c) { return b_.CreateFDiv(a, c); });
      return true;
    case Opcode::F32x4Min:
    case Opcode::F64x2Min:
      floatMinMax(I::minimum);
      return true;
    case Opcode::F32x4Max:
    case Opcode::F64x2Max:
      floatMinMax(I::maximum);
      return true;
    // pmin(a, b) = b < a ? b : a; pmax(a, b) = a < b ? b : a (no NaN or zero special cases).
    case Opcode::F32x4Pmin:
    case Opcode::F64x2Pmin:
      binary([&](Value* a, Value* c) { return b_.CreateSelect(b_.CreateFCmpOLT(c, a), c, a); });
      return true;
    case Opcode::F32x4Pmax:
    case Opcode::F64x2Pmax:
      binary([&](Value* a, Value* c) { return b_.CreateSelect(b_.CreateFCmpOLT(a, c), c, a); });
      return true;

    case Opcode::I32x4TruncSatF32x4S:
      truncSat(mc_.f32x4, true, false);
      return true;
    case Opcode::I32x4TruncSatF32x4U:
      truncSat(mc_.f32x4, false, false);
      return true;
    case Opcode::I32x4TruncSatF64x2SZero:
      truncSat(mc_.f64x2, true, true);
      return true;
    case Opcode::I32x4TruncSatF64x2UZero:
      truncSat(mc_.f64x2, false, true);
      return true;
    case Opcode::F32x4ConvertI32x4S:
      push(toV128(b_.CreateSIToFP(asVec(pop(), mc_.i32x4), mc_.f32x4)));
      return true;
    case Opcode::F32x4ConvertI32x4U:
      push(toV128(b_.CreateUIToFP(asVec(pop(), mc_.i32x4), mc_.f32x4)));
      return true;
    case Opcode::F64x2ConvertLowI32x4S:
    case Opcode::F64x2ConvertLowI32x4U: {
      Value* low = b_.CreateShuffleVector(asVec(pop(), mc_.i32x4), range(0, 2));
      bool isSigned = in.op == Opcode::F64x2ConvertLowI32x4S;
      push(toV128(isSigned ? b_.CreateSIToFP(low, mc_.f64x2) : b_.CreateUIToFP(low, mc_.f64x2)));
      return true;
    }
    case Opcode::F32x4DemoteF64x2Zero: {
      Value* narrowed = b_.CreateFPTrunc(asVec(pop(), mc_.f64x2), FixedVectorType::get(mc_.f32, 2));
      push(toV128(b_.CreateShuffleVector(
          narrowed, ::llvm::Constant::getNullValue(narrowed->getType()), range(0, 4))));
      return true;
    }
    case Opcode::F64x2PromoteLowF32x4: {
      Value* low = b_.CreateShuffleVector(asVec(pop(), mc_.f32x4), range(0, 2));
      push(toV128(b_.CreateFPExt(low, mc_.f64x2)));
      return true;
    }
    default:
      return false;
  }
}

}  // namespace wcr::jit::llvm
