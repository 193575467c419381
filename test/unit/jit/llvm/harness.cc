// The test instance of harness.h.
#include "test/unit/jit/llvm/harness.h"

#include <signal.h>
#include <sys/mman.h>

#include <catch2/catch.hpp>
#include <cstring>

#include "jit/llvm/llvm_compiler.h"
#include "jit/support/byte_reader.h"
#include "jit/text/parser.h"
#include "jit/wasm/instr_reader.h"
#include "jit/wasm/validator.h"

namespace wcr::test::llvmjit {

namespace {

constexpr uint64_t kReservation = 8ull << 30;
constexpr uint64_t kPage = 65536;

thread_local sigjmp_buf* tlsJump = nullptr;
thread_local TrapCode tlsTrap = TrapCode::None;

void onSegv(int, siginfo_t*, void*) {
  if (!tlsJump) abort();
  tlsTrap = TrapCode::MemoryOutOfBounds;
  siglongjmp(*tlsJump, 1);
}

// Installed per instance: Catch installs its own fatal-signal handlers for every test case.
void installSignalHandler() {
  struct sigaction sa{};
  sa.sa_sigaction = onSegv;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigaction(SIGSEGV, &sa, nullptr);
  sigaction(SIGBUS, &sa, nullptr);
}

// Evaluates constant expressions: constants, global.get, ref.null, ref.func and the i32/i64
// add/sub/mul of extended-const.
void evalConst(const jit::wasm::ConstExpr& expr, uint8_t* vmctx, const jit::vm::VMOffsets& off,
               uint8_t out[16], const std::vector<jit::vm::VMGlobal>& globals = {}) {
  jit::wasm::InstrReader reader(support::ByteReader(expr.bytes, expr.offset));
  jit::wasm::Instr in;
  std::vector<jit::vm::ValRaw> stack;
  auto binary = [&](auto op32, auto op64, bool is64) {
    jit::vm::ValRaw b = stack.back();
    stack.pop_back();
    jit::vm::ValRaw& a = stack.back();
    if (is64) {
      a.i64 = static_cast<int64_t>(op64(uint64_t(a.i64), uint64_t(b.i64)));
    } else {
      a.i32 = static_cast<int32_t>(op32(uint32_t(a.i32), uint32_t(b.i32)));
    }
  };
  auto add = [](auto x, auto y) { return x + y; };
  auto sub = [](auto x, auto y) { return x - y; };
  auto mul = [](auto x, auto y) { return x * y; };
  while (reader.next(in).ok() && in.op != jit::wasm::Opcode::End) {
    jit::vm::ValRaw v{};
    switch (in.op) {
      case jit::wasm::Opcode::I32Const: v.i32 = in.i32; break;
      case jit::wasm::Opcode::I64Const: v.i64 = in.i64; break;
      case jit::wasm::Opcode::F32Const: v.f32Bits = in.f32Bits; break;
      case jit::wasm::Opcode::F64Const: v.f64Bits = in.f64Bits; break;
      case jit::wasm::Opcode::V128Const: std::memcpy(v.v128, in.v128.data(), 16); break;
      case jit::wasm::Opcode::GlobalGet: std::memcpy(&v, globals.at(in.index).bytes, 16); break;
      case jit::wasm::Opcode::RefFunc: v.ref = vmctx + off.funcRef(in.index); break;
      case jit::wasm::Opcode::I32Add: binary(add, add, false); continue;
      case jit::wasm::Opcode::I32Sub: binary(sub, sub, false); continue;
      case jit::wasm::Opcode::I32Mul: binary(mul, mul, false); continue;
      case jit::wasm::Opcode::I64Add: binary(add, add, true); continue;
      case jit::wasm::Opcode::I64Sub: binary(sub, sub, true); continue;
      case jit::wasm::Opcode::I64Mul: binary(mul, mul, true); continue;
      default: break;  // ref.null: zero
    }
    stack.push_back(v);
  }
  std::memset(out, 0, 16);
  if (!stack.empty()) std::memcpy(out, &stack.back(), 16);
}

}  // namespace

struct Libs {
  static TestInstance* self(void* vmctx) {
    TestInstance* t;
    std::memcpy(&t, static_cast<uint8_t*>(vmctx) + jit::vm::kOffsetInstance, 8);
    return t;
  }
  [[noreturn]] static void trap(void*, TrapCode code) {
    tlsTrap = code;
    siglongjmp(*tlsJump, 1);
  }
  [[noreturn]] static void trapAt(void* vmctx, TrapCode code, uint32_t) { trap(vmctx, code); }
  static jit::vm::VMMemory& mem(void* vmctx, uint32_t memory) {
    return self(vmctx)->memories_.at(memory)->vm;
  }
  static int32_t memoryGrow(void* vmctx, uint32_t memory, uint32_t delta) {
    TestInstance* t = self(vmctx);
    TestInstance::TestMemory& m = *t->memories_.at(memory);
    uint64_t old = m.vm.size / kPage;
    if (old + delta > m.maxPages) return -1;
    uint64_t size = (old + delta) * kPage;
    if (size > 0) mprotect(m.vm.base, size, PROT_READ | PROT_WRITE);
    m.vm.size = size;
    if (memory == 0) {
      std::memcpy(static_cast<uint8_t*>(vmctx) + jit::vm::kOffsetMemory0Size, &size, 8);
    }
    return static_cast<int32_t>(old);
  }
  static void memoryInit(void* vmctx, uint32_t memory, uint32_t data, uint32_t dst, uint32_t src,
                         uint32_t len) {
    TestInstance* t = self(vmctx);
    jit::vm::VMMemory& m = mem(vmctx, memory);
    const auto& seg = t->module_.datas[data];
    uint64_t size = t->dataDropped_[data] ? 0 : seg.bytes.size();
    if (uint64_t(src) + len > size || uint64_t(dst) + len > m.size) {
      trap(vmctx, TrapCode::MemoryOutOfBounds);
    }
    if (len) std::memcpy(m.base + dst, seg.bytes.data() + src, len);
  }
  static void dataDrop(void* vmctx, uint32_t data) { self(vmctx)->dataDropped_[data] = true; }
  static int32_t tableGrow(void* vmctx, uint32_t table, void* init, uint32_t delta) {
    TestInstance* t = self(vmctx);
    auto& elems = t->tableElements_[table];
    uint32_t old = static_cast<uint32_t>(elems.size());
    auto max = t->module_.tableType(table).limits.max;
    if (uint64_t(old) + delta > (max ? *max : 0xFFFFFFFFull) ||
        old + uint64_t(delta) > (1u << 24)) {
      return -1;
    }
    elems.resize(old + delta, init);
    t->tables_[table]->elements = elems.data();
    t->tables_[table]->size = elems.size();
    return static_cast<int32_t>(old);
  }
  static void tableFill(void* vmctx, uint32_t table, uint32_t dst, void* value, uint32_t len) {
    TestInstance* t = self(vmctx);
    auto& elems = t->tableElements_[table];
    if (uint64_t(dst) + len > elems.size()) trap(vmctx, TrapCode::TableOutOfBounds);
    for (uint32_t i = 0; i < len; ++i) elems[dst + i] = value;
  }
  static void tableCopy(void* vmctx, uint32_t dstTable, uint32_t srcTable, uint32_t dst,
                        uint32_t src, uint32_t len) {
    TestInstance* t = self(vmctx);
    auto& d = t->tableElements_[dstTable];
    auto& s = t->tableElements_[srcTable];
    if (uint64_t(dst) + len > d.size() || uint64_t(src) + len > s.size()) {
      trap(vmctx, TrapCode::TableOutOfBounds);
    }
    if (len) std::memmove(d.data() + dst, s.data() + src, len * sizeof(void*));
  }
  static void tableInit(void* vmctx, uint32_t table, uint32_t elem, uint32_t dst, uint32_t src,
                        uint32_t len) {
    TestInstance* t = self(vmctx);
    const auto& seg = t->module_.elems[elem];
    uint64_t size = t->elemDropped_[elem] ? 0 : seg.count();
    auto& d = t->tableElements_[table];
    if (uint64_t(src) + len > size || uint64_t(dst) + len > d.size()) {
      trap(vmctx, TrapCode::TableOutOfBounds);
    }
    for (uint32_t i = 0; i < len; ++i) d[dst + i] = t->elemRef(seg, src + i);
  }
  static void elemDrop(void* vmctx, uint32_t elem) { self(vmctx)->elemDropped_[elem] = true; }
};

namespace {
const jit::vm::Libcalls kLibcalls = {
    &Libs::trap,      &Libs::memoryGrow, &Libs::memoryInit, &Libs::dataDrop,
    &Libs::tableGrow, &Libs::tableFill,  &Libs::tableCopy,  &Libs::tableInit,
    &Libs::elemDrop,  &Libs::trapAt,
    // Exception handling needs the vm (jit/vm/exceptions.h): not in this harness.
    nullptr, nullptr, nullptr, nullptr, nullptr,
};
}  // namespace

TestInstance::TestInstance(const std::string& wat, int optLevel, std::vector<HostFunc> hosts,
                           bool epochInterruption, bool fuel) {
  auto bytes = jit::text::parseWat(wat);
  REQUIRE(bytes.ok());
  auto st = init(*bytes, optLevel, std::move(hosts), epochInterruption, fuel);
  if (!st.ok()) FAIL(st.ToString());
}

absl::StatusOr<std::unique_ptr<TestInstance>> TestInstance::create(
    const std::vector<uint8_t>& binary, int optLevel, std::vector<HostFunc> hosts) {
  std::unique_ptr<TestInstance> t(new TestInstance());
  auto st = t->init(binary, optLevel, std::move(hosts));
  if (!st.ok()) return st;
  return t;
}

absl::Status TestInstance::init(const std::vector<uint8_t>& binary, int optLevel,
                                std::vector<HostFunc> hosts, bool epochInterruption, bool fuel) {
  installSignalHandler();
  auto module = jit::wasm::decodeAndValidate(jit::wasm::Bytes(binary.data(), binary.size()),
                                             jit::wasm::Features::all());
  if (!module.ok()) return module.status();
  module_ = std::move(*module);
  jit::vm::CompileOptions options;
  options.optLevel = optLevel;
  options.epochInterruption = epochInterruption;
  options.fuel = fuel;
  auto code = jit::llvm::createLlvmCompiler()->compile(module_, options);
  if (!code.ok()) return code.status();
  code_ = *code;

  const auto& m = module_;
  offsetsStorage_ = std::make_unique<jit::vm::VMOffsets>(
      static_cast<uint32_t>(m.types.size()), m.numImportedFuncs, m.numMemories(), m.numTables(),
      m.numGlobals(), m.numFuncs(), m.numTags());
  offsets_ = offsetsStorage_.get();
  const jit::vm::VMOffsets& off = *offsets_;
  dataDropped_.assign(m.datas.size(), false);
  elemDropped_.assign(m.elems.size(), false);
  contextStorage_.assign(off.size() + 16, 0);
  vmctx_ =
      contextStorage_.data() + (16 - reinterpret_cast<uintptr_t>(contextStorage_.data()) % 16) % 16;
  auto put = [&](uint32_t offset, const void* p, size_t n) { std::memcpy(vmctx_ + offset, p, n); };
  auto putPtr = [&](uint32_t offset, const void* p) { put(offset, &p, 8); };

  for (uint32_t i = 0; i < m.numMemories(); ++i) {
    auto memory = std::make_unique<TestMemory>();
    memory->reservation =
        mmap(nullptr, kReservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (memory->reservation == MAP_FAILED) {
      memory->reservation = nullptr;
      return absl::InternalError("mmap");
    }
    memory->vm.base = static_cast<uint8_t*>(memory->reservation);
    uint64_t pages = m.memoryType(i).limits.min;
    auto max = m.memoryType(i).limits.max;
    memory->maxPages = max ? *max : 65536;
    if (i < m.numImportedMemories) {  // spectest's memory: 1 page, at most 2
      pages = 1;
      memory->maxPages = 2;
    }
    memory->vm.size = pages * kPage;
    if (memory->vm.size) mprotect(memory->vm.base, memory->vm.size, PROT_READ | PROT_WRITE);
    putPtr(off.memory(i), &memory->vm);
    if (i == 0) {
      putPtr(jit::vm::kOffsetMemory0Base, memory->vm.base);
      put(jit::vm::kOffsetMemory0Size, &memory->vm.size, 8);
    }
    memories_.push_back(std::move(memory));
  }
  uintptr_t here = reinterpret_cast<uintptr_t>(&here);
  uintptr_t limit = here - (4u << 20);
  put(jit::vm::kOffsetStackLimit, &limit, 8);
  putPtr(jit::vm::kOffsetEpochPtr, &epoch_);
  uint64_t deadline = ~0ull;
  put(jit::vm::kOffsetEpochDeadline, &deadline, 8);
  TestInstance* self = this;
  putPtr(jit::vm::kOffsetInstance, self);
  putPtr(jit::vm::kOffsetLibcalls, &kLibcalls);

  // Canonical type ids: the first index with an equal type.
  std::vector<uint32_t> typeIds(m.types.size());
  for (uint32_t t = 0; t < m.types.size(); ++t) {
    typeIds[t] = t;
    for (uint32_t u = 0; u < t; ++u) {
      if (m.types[u] == m.types[t]) {
        typeIds[t] = u;
        break;
      }
    }
    put(off.typeId(t), &typeIds[t], 4);
  }
  for (const auto& imp : m.imports) {
    if (imp.kind != jit::wasm::ExternKind::Func && imp.module != "spectest") {
      return absl::UnimplementedError("unsupported import " + imp.module + "." + imp.name);
    }
  }
  hostContexts_.resize(m.numImportedFuncs);
  for (uint32_t i = 0, f = 0; i < m.imports.size(); ++i) {
    const auto& imp = m.imports[i];
    if (imp.kind != jit::wasm::ExternKind::Func) continue;
    jit::vm::HostCallback cb = nullptr;
    for (auto& h : hosts) {
      if (h.module == imp.module && h.name == imp.name) cb = h.callback;
    }
    if (!cb) return absl::UnimplementedError("unsupported import " + imp.module + "." + imp.name);
    hostContexts_[f] = {cb, nullptr, &kLibcalls};
    putPtr(off.importedFunc(f), code_->hostCallTrampoline(imp.funcType));
    putPtr(off.importedFunc(f) + 8, &hostContexts_[f]);
    jit::vm::VMFuncRef ref{code_->hostCallTrampoline(imp.funcType), &hostContexts_[f],
                           typeIds[imp.funcType], 0};
    put(off.funcRef(f), &ref, sizeof ref);
    ++f;
  }
  for (uint32_t i = 0; i < m.functions.size(); ++i) {
    jit::vm::VMFuncRef ref{code_->functionCode(i), vmctx_, typeIds[m.functions[i].typeIndex], 0};
    put(off.funcRef(m.numImportedFuncs + i), &ref, sizeof ref);
  }
  globals_.resize(m.numGlobals());
  for (uint32_t i = 0; i < m.numImportedGlobals; ++i) {
    // spectest globals: 666 / 666.6.
    auto kind = m.globalType(i).type.kind();
    int32_t i32 = 666;
    int64_t i64 = 666;
    float f32 = 666.6f;
    double f64 = 666.6;
    if (kind == jit::wasm::ValKind::I32) std::memcpy(globals_[i].bytes, &i32, 4);
    if (kind == jit::wasm::ValKind::I64) std::memcpy(globals_[i].bytes, &i64, 8);
    if (kind == jit::wasm::ValKind::F32) std::memcpy(globals_[i].bytes, &f32, 4);
    if (kind == jit::wasm::ValKind::F64) std::memcpy(globals_[i].bytes, &f64, 8);
    putPtr(off.global(i), &globals_[i]);
  }
  for (uint32_t i = 0; i < m.globals.size(); ++i) {
    uint32_t g = m.numImportedGlobals + i;
    evalConst(m.globals[i].init, vmctx_, off, globals_[g].bytes, globals_);
    putPtr(off.global(g), &globals_[g]);
  }
  for (uint32_t i = 0; i < m.numTables(); ++i) {
    const auto& tt = m.tableType(i);
    tableElements_.emplace_back(tt.limits.min, nullptr);
    tables_.push_back(std::make_unique<jit::vm::VMTable>());
    tables_.back()->elements = tableElements_.back().data();
    tables_.back()->size = tableElements_.back().size();
    putPtr(off.table(i), tables_.back().get());
  }
  for (const auto& seg : m.elems) {
    if (seg.mode != jit::wasm::SegmentMode::Active) continue;
    uint8_t v[16];
    evalConst(seg.offset, vmctx_, off, v, globals_);
    uint32_t at;
    std::memcpy(&at, v, 4);
    if (uint64_t(at) + seg.count() > tableElements_[seg.table].size()) {
      return absl::OutOfRangeError("out of bounds table access");
    }
    for (size_t k = 0; k < seg.count(); ++k) {
      void* ref;
      ref = elemRef(seg, k);
      tableElements_[seg.table].at(at + k) = ref;
    }
  }
  for (const auto& seg : m.datas) {
    if (seg.mode != jit::wasm::SegmentMode::Active) continue;
    uint8_t v[16];
    evalConst(seg.offset, vmctx_, off, v, globals_);
    uint32_t at;
    std::memcpy(&at, v, 4);
    jit::vm::VMMemory& memory = memories_.at(seg.memory)->vm;
    if (uint64_t(at) + seg.bytes.size() > memory.size) {
      return absl::OutOfRangeError("out of bounds memory access");
    }
    std::memcpy(memory.base + at, seg.bytes.data(), seg.bytes.size());
  }
  for (size_t i = 0; i < m.elems.size(); ++i) {
    elemDropped_[i] = m.elems[i].mode != jit::wasm::SegmentMode::Passive;
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    dataDropped_[i] = m.datas[i].mode == jit::wasm::SegmentMode::Active;
  }
  if (m.start && *m.start >= m.numImportedFuncs) {
    std::vector<ValRaw> none;
    if (auto trap = callIndex(*m.start, none)) return absl::AbortedError("start function trapped");
  }
  return absl::OkStatus();
}

void* TestInstance::elemRef(const jit::wasm::ElemSegment& seg, size_t k) {
  if (!seg.usesExprs) return vmctx_ + offsets_->funcRef(seg.funcIndices[k]);
  uint8_t v[16];
  evalConst(seg.exprs[k], vmctx_, *offsets_, v, globals_);
  void* ref;
  std::memcpy(&ref, v, 8);
  return ref;
}

void TestInstance::setEpochDeadline(uint64_t deadline) {
  std::memcpy(vmctx_ + jit::vm::kOffsetEpochDeadline, &deadline, 8);
}

void TestInstance::setFuel(int64_t fuel) { std::memcpy(vmctx_ + jit::vm::kOffsetFuel, &fuel, 8); }

int64_t TestInstance::fuel() const {
  int64_t fuel;
  std::memcpy(&fuel, vmctx_ + jit::vm::kOffsetFuel, 8);
  return fuel;
}

bool TestInstance::codeInRanges(const std::string& name) const {
  for (const auto& e : module_.exports) {
    if (e.name != name || e.kind != jit::wasm::ExternKind::Func) continue;
    auto addr =
        reinterpret_cast<uintptr_t>(code_->functionCode(e.index - module_.numImportedFuncs));
    for (const auto& r : code_->codeRanges()) {
      if (addr >= r.begin && addr < r.end) return true;
    }
  }
  return false;
}

bool TestInstance::hasExport(const std::string& name) const { return exportType(name) != nullptr; }

const jit::wasm::FuncType* TestInstance::exportType(const std::string& name) const {
  for (const auto& e : module_.exports) {
    if (e.name == name && e.kind == jit::wasm::ExternKind::Func &&
        e.index >= module_.numImportedFuncs) {
      return &module_.funcType(e.index);
    }
  }
  return nullptr;
}

TestInstance::~TestInstance() = default;

TestInstance::TestMemory::~TestMemory() {
  if (reservation) munmap(reservation, kReservation);
}

std::optional<TrapCode> TestInstance::call(const std::string& name, std::vector<ValRaw>& values) {
  const jit::wasm::Export* exp = nullptr;
  for (const auto& e : module_.exports) {
    if (e.name == name && e.kind == jit::wasm::ExternKind::Func) exp = &e;
  }
  REQUIRE(exp != nullptr);
  REQUIRE(exp->index >= module_.numImportedFuncs);
  return callIndex(exp->index, values);
}

std::optional<TrapCode> TestInstance::callIndex(uint32_t funcIndex, std::vector<ValRaw>& values) {
  uint32_t defined = funcIndex - module_.numImportedFuncs;
  uint32_t typeIndex = module_.functions[defined].typeIndex;
  const auto& type = module_.types[typeIndex];
  values.resize(std::max<size_t>({type.params.size(), type.results.size(), 1}));
  auto entry = code_->entryTrampoline(typeIndex);
  void* fn = code_->functionCode(defined);
  sigjmp_buf jump;
  sigjmp_buf* saved = tlsJump;
  tlsJump = &jump;
  if (sigsetjmp(jump, 1) != 0) {
    tlsJump = saved;
    return tlsTrap;
  }
  entry(fn, vmctx_, values.data());
  tlsJump = saved;
  return std::nullopt;
}

namespace {
std::vector<ValRaw> callOk(TestInstance& t, const std::string& name, std::vector<ValRaw> args) {
  auto trap = t.call(name, args);
  REQUIRE(!trap.has_value());
  return args;
}
}  // namespace

int32_t TestInstance::i32(const std::string& name, std::vector<ValRaw> args) {
  return callOk(*this, name, std::move(args))[0].i32;
}
int64_t TestInstance::i64(const std::string& name, std::vector<ValRaw> args) {
  return callOk(*this, name, std::move(args))[0].i64;
}
uint32_t TestInstance::f32Bits(const std::string& name, std::vector<ValRaw> args) {
  return callOk(*this, name, std::move(args))[0].f32Bits;
}
uint64_t TestInstance::f64Bits(const std::string& name, std::vector<ValRaw> args) {
  return callOk(*this, name, std::move(args))[0].f64Bits;
}
std::optional<TrapCode> TestInstance::trap(const std::string& name, std::vector<ValRaw> args) {
  return call(name, args);
}

ValRaw i32v(int32_t v) {
  ValRaw r{};
  r.i32 = v;
  return r;
}
ValRaw i64v(int64_t v) {
  ValRaw r{};
  r.i64 = v;
  return r;
}
ValRaw f32v(float v) {
  ValRaw r{};
  std::memcpy(&r.f32Bits, &v, 4);
  return r;
}
ValRaw f64v(double v) {
  ValRaw r{};
  std::memcpy(&r.f64Bits, &v, 8);
  return r;
}
ValRaw f32b(uint32_t bits) {
  ValRaw r{};
  r.f32Bits = bits;
  return r;
}
ValRaw f64b(uint64_t bits) {
  ValRaw r{};
  r.f64Bits = bits;
  return r;
}

}  // namespace wcr::test::llvmjit
