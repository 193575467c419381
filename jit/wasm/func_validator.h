// Function-body validation (internal to jit/wasm): the operand/control stack algorithm of the
// spec's validation appendix, streaming InstrReader over the body once. The module-level
// validator (validator.cc) builds a ValidationContext and runs one FuncValidator over every body.
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "jit/wasm/decoder.h"
#include "jit/wasm/features.h"
#include "jit/wasm/instr_reader.h"
#include "jit/wasm/module.h"

namespace wcr::jit::wasm {

// Module-level facts with the index spaces flattened (imports first), so body validation
// never walks the import list.
struct ValidationContext {
  std::vector<uint32_t> funcTypes;     // type index of every function
  std::vector<ValType> tableElems;     // element type of every table
  std::vector<GlobalType> globals;     // every global
  std::vector<ValType> elemTypes;      // element type of every element segment
  uint32_t numMemories = 0;
  uint32_t numDatas = 0;
  bool hasDataCount = false;
  std::vector<bool> declaredFuncRefs;  // functions that ref.func may name in bodies
  std::vector<uint32_t> tagTypes;      // type index of every tag
  Features features;
};

class FuncValidator {
 public:
  FuncValidator(const ValidationContext& ctx, const Module& module);

  // Validates the body of `func` (function index `funcIndex`): binary format and typing.
  absl::Status validate(uint32_t funcIndex, const Function& func);

  // Only the binary format of the body: locals, opcodes and immediates, block structure, the
  // final `end`, and "data count section required". Used after a typing error to find a
  // malformed body, which the spec reports first.
  absl::Status checkMalformed(uint32_t funcIndex, const Function& func);

 private:
  // Operand types on the stack: ValKind values, plus kUnknown for the bottom type of
  // unreachable code.
  static constexpr uint8_t kUnknown = 0x10;
  static constexpr uint8_t kNoType = 0xFF;  // "nothing" in error messages

  struct Frame {
    Opcode kind;  // Block, Loop, If (Else after `else`), TryTable, or End for the function
    bool unreachable;
    uint32_t height;
    const ValType* params;
    uint32_t numParams;
    const ValType* results;
    uint32_t numResults;
    // The types a branch to this frame carries.
    const ValType* labelTypes() const { return kind == Opcode::Loop ? params : results; }
    uint32_t labelArity() const { return kind == Opcode::Loop ? numParams : numResults; }
  };

  absl::Status run(const Function& func);
  absl::Status setUpLocals(const FuncType& type);
  absl::Status bodyEndedEarly(const Function& func);
  absl::Status instr(const Instr& in);
  absl::Status numeric(const Instr& in);
  absl::Status control(const Instr& in);
  absl::Status variable(const Instr& in);
  absl::Status memoryOrTable(const Instr& in);
  absl::Status blockType(const BlockType& bt, const ValType*& params, uint32_t& numParams,
                         const ValType*& results, uint32_t& numResults);

  // Stack primitives; false means a type error, described by mismatch().
  bool pop(uint8_t expected);
  bool popAny(uint8_t& out);
  bool popRef(uint8_t& out);
  bool popTypes(const ValType* types, uint32_t n);
  bool checkTypesAtTop(const ValType* types, uint32_t n);  // br_table: compare without popping
  void pushTypes(const ValType* types, uint32_t n);
  void push(uint8_t t) {
    if (sp_ == stack_.size()) [[unlikely]] stack_.resize(stack_.size() * 2);
    stack_[sp_++] = t;
  }
  void setUnreachable();
  absl::Status endFrame(const Instr& in);

  absl::Status mismatch();
  absl::Status fail(std::string_view message);
  absl::Status failAt(size_t offset, std::string_view message);
  absl::Status inFunc(const absl::Status& st);
  absl::Status localType(uint32_t index, uint8_t& out);
  absl::Status checkMemory(uint32_t memory);
  // wasm 2.0 writes the memory index of memory.size/grow/fill/copy/init as one 0x00 byte.
  absl::Status checkMemIndexEncoding(const Instr& in);
  absl::Status checkTailCallEnabled(const Instr& in);
  absl::Status checkExceptionsEnabled(const Instr& in);
  absl::Status checkTag(uint32_t tag, const FuncType*& type);
  absl::Status checkCatch(const Catch& c);  // against the labels outside the try_table
  absl::Status checkReturnTypes(const FuncType& callee);  // return_call*: same results
  absl::Status checkMemArg(const MemArg& mem, uint32_t naturalLog2);
  absl::Status checkTable(uint32_t table, uint8_t& elem);

  const ValidationContext& ctx_;
  const Module& module_;
  InstrReader reader_;
  BodyLocals locals_;
  std::vector<uint8_t> localTypes_;        // params then locals, one type code each
  uint64_t numLocals_ = 0;
  // The operand stack: stack_[0, sp_) with stack_.size() as its capacity (the hot loop indexes
  // it directly), starting with kStackGuard filler slots.
  static constexpr uint32_t kStackGuard = 4;
  std::vector<uint8_t> stack_;
  size_t sp_ = 0;
  std::vector<uint8_t> open_;  // checkMalformed's open blocks
  std::vector<Frame> ctrl_;
  const FuncType* funcType_ = nullptr;
  uint32_t funcIndex_ = 0;
  size_t instrOffset_ = 0;
  uint8_t expected_ = kNoType;  // for mismatch()
  uint8_t found_ = kNoType;
};

}  // namespace wcr::jit::wasm
