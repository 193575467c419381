// Fused adapters against the reference path, differentially: random component function types
// (every value type the generator covers, nested), random argument and result values lowered
// by canon/abi into the caller's and the callee's memories, sometimes corrupted, then one call
// through a fused adapter and one through the reference lift-then-lower. Both must end the same
// way: the same trap message, or the same bytes in both memories (what the callee's core
// function received, what its realloc was asked for, what the caller got back).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "canon/abi/abi_trap.h"
#include "canon/abi/lift_lower.h"
#include "canon/link/instantiate.h"
#include "canon/model/validator.h"
#include "canon/text/component_parser.h"
#include "jit/llvm/llvm_compiler.h"

namespace wcr::canon::link {
namespace {

using abi::Value;
using model::DefinedKind;
using model::PrimType;
using model::ValType;
namespace wasm = jit::wasm;

// ---- Random types, as component text ----

class TypeGen {
 public:
  explicit TypeGen(std::mt19937& rng) : rng_(rng) {}

  std::string type(int depth) {
    static const char* kLeaves[] = {"bool", "s8",  "u8",  "s16", "u16",  "s32",   "u32",
                                    "s64",  "u64", "f32", "f64", "char", "string"};
    if (depth == 0 || pick(3) == 0) return kLeaves[pick(13)];
    switch (pick(9)) {
      case 0:
        return absl::StrCat("(list ", type(depth - 1), ")");
      case 1: {
        std::string out = "(record";
        for (int i = 0, n = 1 + pick(4); i < n; ++i) {
          absl::StrAppend(&out, " (field \"f", i, "\" ", type(depth - 1), ")");
        }
        return out + ")";
      }
      case 2: {
        std::string out = "(tuple";
        for (int i = 0, n = 1 + pick(3); i < n; ++i) absl::StrAppend(&out, " ", type(depth - 1));
        return out + ")";
      }
      case 3: {
        std::string out = "(variant";
        for (int i = 0, n = 1 + pick(4); i < n; ++i) {
          std::string payload = pick(3) ? absl::StrCat(" ", type(depth - 1)) : std::string();
          absl::StrAppend(&out, " (case \"c", i, "\"", payload, ")");
        }
        return out + ")";
      }
      case 4: {
        std::string out = "(enum";
        for (int i = 0, n = 1 + pick(5); i < n; ++i) absl::StrAppend(&out, " \"e", i, "\"");
        return out + ")";
      }
      case 5:
        return absl::StrCat("(option ", type(depth - 1), ")");
      case 6: {
        std::string ok = pick(3) ? type(depth - 1) : "", err = pick(3) ? type(depth - 1) : "";
        std::string out = "(result";
        if (!ok.empty()) absl::StrAppend(&out, " ", ok);
        if (!err.empty()) absl::StrAppend(&out, " (error ", err, ")");
        return out + ")";
      }
      case 7: {
        std::string out = "(flags";
        for (int i = 0, n = 1 + pick(12); i < n; ++i) absl::StrAppend(&out, " \"g", i, "\"");
        return out + ")";
      }
      default:
        static const char* kKeys[] = {"bool", "u8", "s16", "u32", "s64", "char", "string"};
        return absl::StrCat("(map ", kKeys[pick(7)], " ", type(depth - 1), ")");
    }
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  std::mt19937& rng_;
};

// ---- Random values of a model type ----

class ValueGen {
 public:
  ValueGen(std::mt19937& rng, const model::TypeTable& types) : rng_(rng), types_(types) {}

  Value value(ValType t) {
    if (t.isPrimitive()) {
      switch (t.prim()) {
        case PrimType::Bool:
          return Value::boolean(pick(2));
        case PrimType::S8:
          return Value::scalar(Value::Kind::S8, static_cast<uint64_t>(int64_t{pick(256)} - 128));
        case PrimType::U8:
          return Value::scalar(Value::Kind::U8, pick(256));
        case PrimType::S16:
          return Value::scalar(Value::Kind::S16,
                               static_cast<uint64_t>(int64_t{pick(65536)} - 32768));
        case PrimType::U16:
          return Value::scalar(Value::Kind::U16, pick(65536));
        case PrimType::S32:
          return Value::scalar(Value::Kind::S32, static_cast<uint64_t>(int64_t{int32_t(bits())}));
        case PrimType::U32:
          return Value::scalar(Value::Kind::U32, static_cast<uint32_t>(bits()));
        case PrimType::S64:
          return Value::scalar(Value::Kind::S64, bits());
        case PrimType::U64:
          return Value::scalar(Value::Kind::U64, bits());
        case PrimType::F32:
          return Value::scalar(Value::Kind::F32, static_cast<uint32_t>(bits()));
        case PrimType::F64:
          return Value::scalar(Value::Kind::F64, bits());
        case PrimType::Char:
          return Value::scalar(Value::Kind::Char, character());
        case PrimType::String:
          return Value::str(text());
        default:
          return Value();
      }
    }
    const model::DefinedType& d = types_.defined(t.definedId());
    switch (d.kind) {
      case DefinedKind::List: {
        std::vector<Value> items;
        for (int i = 0, n = pick(4); i < n; ++i) items.push_back(value(*d.first));
        return Value::list(std::move(items));
      }
      case DefinedKind::Map: {
        std::vector<Value> items;
        for (int i = 0, n = pick(4); i < n; ++i) {
          items.push_back(Value::record({value(*d.first), value(*d.second)}));
        }
        return Value::list(std::move(items));
      }
      case DefinedKind::Record: {
        std::vector<Value> fields;
        for (const model::Field& f : d.fields) fields.push_back(value(f.type));
        return Value::record(std::move(fields));
      }
      case DefinedKind::Tuple: {
        std::vector<Value> fields;
        for (ValType f : d.types) fields.push_back(value(f));
        return Value::record(std::move(fields));
      }
      case DefinedKind::Variant: {
        uint32_t c = pick(static_cast<int>(d.cases.size()));
        if (d.cases[c].type) return Value::variant(c, value(*d.cases[c].type));
        return Value::variant(c);
      }
      case DefinedKind::Enum:
        return Value::variant(pick(static_cast<int>(d.labels.size())));
      case DefinedKind::Option:
        return pick(2) ? Value::variant(1, value(*d.first)) : Value::variant(0);
      case DefinedKind::Result: {
        uint32_t c = pick(2);
        const std::optional<ValType>& payload = c == 0 ? d.first : d.second;
        return payload ? Value::variant(c, value(*payload)) : Value::variant(c);
      }
      case DefinedKind::Flags:
        return Value::scalar(Value::Kind::Flags, bits() & ((uint64_t{1} << d.labels.size()) - 1));
      default:
        return Value();
    }
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  uint64_t bits() {
    uint64_t v = (uint64_t{rng_()} << 32) | rng_();
    if (pick(8) == 0) v |= 0x7ff0000000000000ull;  // now and then a NaN or infinity
    return v;
  }
  uint32_t character() {
    switch (pick(3)) {
      case 0:
        return 0x20 + pick(0x5f);
      case 1:
        return 0x80 + pick(0xD800 - 0x80);
      default:
        return 0xE000 + pick(0x110000 - 0xE000);
    }
  }
  std::string text() {
    static const char* kPieces[] = {
        "a", "hello", "\xc3\xa9", "\xe2\x98\x83", "0123456789", "\xf0\x9f\x98\x80", " ", "xyz"};
    std::string out;
    for (int i = 0, n = pick(6); i < n; ++i) out += kPieces[pick(8)];
    if (pick(6) == 0) out += std::string(70, 'q');  // past the adapters' inline copy
    return out;
  }

  std::mt19937& rng_;
  const model::TypeTable& types_;
};

// A linear-memory image the reference lowering writes into, with a bump realloc.
class ImageMemory : public abi::GuestMemory {
 public:
  explicit ImageMemory(uint64_t next) : bytes_(65536), next_(next), start_(next) {}
  abi::MemoryView memory() override { return {bytes_.data(), bytes_.size()}; }
  absl::StatusOr<uint64_t> realloc(uint64_t, uint64_t, uint32_t alignment,
                                   uint64_t newSize) override {
    uint64_t p = (next_ + alignment - 1) / alignment * alignment;
    if (p + newSize > bytes_.size()) return abi::abiTrap("image full");
    next_ = p + newSize;
    return p;
  }
  std::vector<uint8_t>& bytes() { return bytes_; }
  uint64_t start() const { return start_; }
  uint64_t end() const { return next_; }

 private:
  std::vector<uint8_t> bytes_;
  uint64_t next_, start_;
};

std::string dataSegment(uint64_t at, const uint8_t* p, size_t n) {
  std::string out = absl::StrFormat("(data (i32.const %d) \"", at);
  for (size_t i = 0; i < n; ++i) absl::StrAppendFormat(&out, "\\%02x", p[i]);
  return out + "\")";
}

const char* typeName(wasm::ValType t) {
  switch (t.kind()) {
    case wasm::ValKind::I64:
      return "i64";
    case wasm::ValKind::F32:
      return "f32";
    case wasm::ValKind::F64:
      return "f64";
    default:
      return "i32";
  }
}

std::string constOf(wasm::ValType t, const jit::vm::ValRaw& v) {
  switch (t.kind()) {
    case wasm::ValKind::I64:
      return absl::StrFormat("(i64.const %d)", v.i64);
    case wasm::ValKind::F32:
      return absl::StrFormat("(f32.reinterpret_i32 (i32.const %d))", v.i32);
    case wasm::ValKind::F64:
      return absl::StrFormat("(f64.reinterpret_i64 (i64.const %d))", v.i64);
    default:
      return absl::StrFormat("(i32.const %d)", v.i32);
  }
}

constexpr const char* kBump = R"(
      (func (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (i32.and (i32.add (global.get $next) (i32.sub (local.get 2) (i32.const 1)))
                               (i32.sub (i32.const 0) (local.get 2))))
        (if (i32.gt_u (i32.add (local.get $p) (local.get 3)) (i32.const 65536)) (then unreachable))
        (global.set $next (i32.add (local.get $p) (local.get 3)))
        (local.get $p)))";

constexpr const char* kHash = R"(
      (func $hash (export "hash") (result i64)
        (local $i i32) (local $h i64)
        (local.set $h (i64.const 0xcbf29ce484222325))
        (block $d (loop $l
          (br_if $d (i32.ge_u (local.get $i) (i32.const 65536)))
          (local.set $h (i64.mul (i64.xor (local.get $h) (i64.load (local.get $i)))
                                 (i64.const 0x100000001b3)))
          (local.set $i (i32.add (local.get $i) (i32.const 8)))
          (br $l)))
        (local.get $h)))";

// The component of one case: the callee's core module A (records its flat params at 16.., its
// result payload pre-lowered at 32768..), the caller's memory B (flat args at 0.., their payload
// at 4096..) and the caller's code C (calls with the args, stores its result at 1024 or passes
// 2048 as the out-pointer). `run` returns a hash of B's memory, `hash-a` one of A's.
struct Case {
  std::string funcType;  // (param ...) (result ...)
  bool hasResult = false;
  wasm::FuncType lift, lower;
  std::string aData, bData;
  std::vector<jit::vm::ValRaw> calleeResults;
};

std::string componentText(const Case& c) {
  std::string recordParams, calleeReturn, loadArgs;
  for (size_t i = 0; i < c.lift.params.size(); ++i) {
    absl::StrAppendFormat(&recordParams, "(%s.store offset=%d (i32.const 0) (local.get %d))\n",
                          typeName(c.lift.params[i]), 16 + 8 * i, i);
  }
  for (size_t i = 0; i < c.lift.results.size(); ++i) {
    calleeReturn += constOf(c.lift.results[i], c.calleeResults[i]);
  }
  std::string lowerParams, lowerResults, liftParams, liftResults;
  for (wasm::ValType t : c.lift.params) absl::StrAppend(&liftParams, " ", typeName(t));
  for (wasm::ValType t : c.lift.results) absl::StrAppend(&liftResults, " ", typeName(t));
  for (wasm::ValType t : c.lower.params) absl::StrAppend(&lowerParams, " ", typeName(t));
  for (wasm::ValType t : c.lower.results) absl::StrAppend(&lowerResults, " ", typeName(t));
  bool outPointer = c.hasResult && c.lower.results.empty();  // the result spills
  size_t argCount = c.lower.params.size() - (outPointer ? 1 : 0);
  for (size_t i = 0; i < argCount; ++i) {
    absl::StrAppendFormat(&loadArgs, "(%s.load offset=%d (i32.const 0))\n",
                          typeName(c.lower.params[i]), 8 * i);
  }
  if (outPointer) loadArgs += "(i32.const 2048)\n";
  std::string storeResult =
      c.lower.results.empty()
          ? ""
          : absl::StrFormat("(local.set $r) (%s.store offset=1024 (i32.const 0) (local.get $r))",
                            typeName(c.lower.results[0]));
  std::string resultLocal =
      c.lower.results.empty() ? "" : absl::StrFormat("(local $r %s)", typeName(c.lower.results[0]));
  return absl::StrCat(
      R"((component
    (core module $A
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 8192)))",
      kBump, kHash, "\n(func (export \"f\") (param", liftParams, ")",
      liftResults.empty() ? std::string() : absl::StrCat(" (result", liftResults, ")"), "\n",
      recordParams, calleeReturn, ")\n", c.aData, R"()
    (core instance $a (instantiate $A))
    (func $f )",
      c.funcType, R"(
      (canon lift (core func $a "f") (memory (core memory $a "mem")) (realloc (core func $a "realloc"))))
    (core module $B
      (memory (export "mem") 1)
      (global $next (mut i32) (i32.const 40960)))",
      kBump, "\n", c.bData, R"()
    (core instance $b (instantiate $B))
    (core func $f' (canon lower (func $f) (memory (core memory $b "mem")) (realloc (core func $b "realloc"))))
    (core module $C
      (import "b" "mem" (memory 1))
      (import "" "f" (func $f (param)",
      lowerParams, ")",
      lowerResults.empty() ? std::string() : absl::StrCat(" (result", lowerResults, ")"),
      R"())
      (func (export "run") (result i64) )",
      resultLocal, "\n", loadArgs, "(call $f)\n", storeResult, R"(
        (call $hash))
      )",
      kHash, R"()
    (core instance $c (instantiate $C (with "b" (instance $b)) (with "" (instance (export "f" (func $f'))))))
    (func (export "run") (result u64) (canon lift (core func $c "run")))
    (func (export "hash-a") (result u64) (canon lift (core func $a "hash"))))
)");
}

struct Outcome {
  std::string trap;
  uint64_t hashB = 0, hashA = 0;
  bool operator==(const Outcome&) const = default;
};

struct Runner {
  std::unique_ptr<jit::vm::Compiler> compiler = jit::llvm::createLlvmCompiler();
  jit::vm::CompileOptions options;
  AdapterCompiler adapters{*compiler, options};
  jit::vm::TypeRegistry registry;

  absl::StatusOr<std::shared_ptr<const CompiledComponent>> compile(const std::string& wat) {
    auto bytes = text::parseComponentWat(wat);
    if (!bytes.ok()) return bytes.status();
    auto component = model::decodeAndValidate(*bytes);
    if (!component.ok()) return component.status();
    return compileComponent(std::make_shared<const model::Component>(*std::move(component)),
                            *compiler, options);
  }

  Outcome run(const std::shared_ptr<const CompiledComponent>& compiled, bool fused) {
    auto inst = link::instantiate(compiled, InstanceItem{}, registry, fused ? &adapters : nullptr);
    REQUIRE(inst.ok());
    REQUIRE(inst->failure == InstantiateResult::Failure::None);
    Outcome out;
    auto call = [&](const char* name, uint64_t& result) {
      return inst->exports->find(name)->func->call(nullptr, {}, [&](std::vector<Value>& r) {
        result = r[0].bits;
        return absl::OkStatus();
      });
    };
    absl::Status s = call("run", out.hashB);
    if (!s.ok()) {
      out.trap = std::string(s.message());
      return out;
    }
    REQUIRE(call("hash-a", out.hashA).ok());
    return out;
  }
};

TEST_CASE("fused adapters and the reference path agree on random types and values") {
  Runner runner;
  int fusedCount = 0, trapped = 0;
  // WCR_FUSED_DIFF_CASES=N runs N cases (a longer fuzzing run) instead of 120.
  const char* env = std::getenv("WCR_FUSED_DIFF_CASES");
  const int kCases = env ? std::max(30, std::atoi(env)) : 120;
  for (int seed = 1; seed <= kCases; ++seed) {
    std::mt19937 rng(seed);
    TypeGen gen(rng);
    Case c;
    int numParams = std::uniform_int_distribution<int>(1, 3)(rng);
    for (int i = 0; i < numParams; ++i) {
      absl::StrAppend(&c.funcType, "(param \"p", i, "\" ", gen.type(3), ") ");
    }
    c.hasResult = rng() % 4 != 0;
    if (c.hasResult) absl::StrAppend(&c.funcType, "(result ", gen.type(3), ")");

    // A probe component defining this function type gives its model types and flat signatures
    // (values are structural, so they fit the real component's types too).
    auto bytes =
        text::parseComponentWat(absl::StrCat("(component (type (func ", c.funcType, ")))"));
    INFO(c.funcType);
    REQUIRE(bytes.ok());
    auto model = model::decodeAndValidate(*bytes);
    REQUIRE(model.ok());
    const model::ComponentInfo& info = *model->info;
    REQUIRE(info.typeSpace.size() >= 1);
    REQUIRE(info.typeSpace.back().kind == model::AnyType::Func);
    model::FuncTypeId ft = info.typeSpace.back().func();
    model::AbiCalculator abi(*info.types);
    c.lift = abi.flattenFuncType(ft, model::AbiContext::Lift).core();
    c.lower = abi.flattenFuncType(ft, model::AbiContext::Lower).core();

    // Arguments, lowered into B's image; the result, lowered into A's image.
    ValueGen values(rng, *info.types);
    const model::FuncType& type = info.types->func(ft);
    std::vector<Value> args;
    std::vector<ValType> paramTypes;
    for (const model::Field& f : type.params) {
      paramTypes.push_back(f.type);
      args.push_back(values.value(f.type));
    }
    ImageMemory bImage(4096), aImage(32768);
    abi::LiftLowerContext cx;
    cx.types = info.types.get();
    cx.abi = &abi;
    cx.memory = &bImage;
    std::vector<jit::vm::ValRaw> flatArgs;
    REQUIRE(abi::lowerFlatValues(cx, model::kMaxFlatParams, args, paramTypes, flatArgs).ok());
    if (type.result) {
      std::vector<Value> result = {values.value(*type.result)};
      cx.memory = &aImage;
      REQUIRE(
          abi::lowerFlatValues(cx, model::kMaxFlatResults, result, {*type.result}, c.calleeResults)
              .ok());
    }
    // Every other case: one byte of either payload set at random, or a bit of a flat argument
    // flipped.
    if (rng() % 2 == 0) {
      ImageMemory& image = rng() % 2 ? aImage : bImage;
      if (image.end() > image.start() && rng() % 4) {
        image.bytes()[image.start() + rng() % (image.end() - image.start())] = rng() & 0xFF;
      } else if (!flatArgs.empty()) {
        flatArgs[rng() % flatArgs.size()].i32 ^= 1 << (rng() % 32);
      }
    }
    std::vector<uint8_t> slots(8 * flatArgs.size());
    for (size_t i = 0; i < flatArgs.size(); ++i) std::memcpy(&slots[8 * i], &flatArgs[i], 8);
    c.bData = dataSegment(0, slots.data(), slots.size()) +
              dataSegment(bImage.start(), bImage.bytes().data() + bImage.start(),
                          bImage.end() - bImage.start());
    c.aData = dataSegment(aImage.start(), aImage.bytes().data() + aImage.start(),
                          aImage.end() - aImage.start());

    std::string wat = componentText(c);
    INFO(wat);
    auto compiled = runner.compile(wat);
    INFO((compiled.ok() ? "" : compiled.status().ToString()));
    REQUIRE(compiled.ok());
    Outcome reference = runner.run(*compiled, false);
    size_t adaptersBefore = runner.adapters.requests();
    Outcome fused = runner.run(*compiled, true);
    INFO("reference trap: " << reference.trap << "; fused trap: " << fused.trap);
    CHECK(fused == reference);
    trapped += !reference.trap.empty();
    fusedCount += runner.adapters.requests() > adaptersBefore;
  }
  WARN("cases: " << kCases << ", trapped: " << trapped << ", fused: " << fusedCount);
  // Both outcomes occur (a test that only ever traps, or never does, proves little).
  CHECK(trapped > 5);
  CHECK(trapped < kCases * 5 / 6);
  CHECK(fusedCount == kCases);  // every case built an adapter: the fused path ran
}

}  // namespace
}  // namespace wcr::canon::link
