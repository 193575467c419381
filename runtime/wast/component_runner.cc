// The component script runner (see component_runner.h): per-directive dispatch, component
// preparation (quote parsing, decoding, validation, compilation), instances by name, and the
// conversion of script values to and from canonical-ABI values by the export's type.
#include "runtime/wast/component_runner.h"

#include <cmath>
#include <cstring>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "canon/abi/abi_trap.h"
#include "canon/link/instantiate.h"
#include "canon/model/decoder.h"
#include "canon/model/validator.h"
#include "canon/text/component_parser.h"
#include "canon/text/script_values.h"
#include "jit/support/status.h"
#include "jit/text/parser.h"
#include "jit/wasm/decoder.h"
#include "jit/wasm/validator.h"

namespace wcr::runtime::wast {
namespace {

using canon::abi::Value;
using canon::model::DefinedKind;
using canon::model::PrimType;
using canon::model::ValType;
using canon::text::ComponentValue;
using jit::text::Command;
using jit::text::ScriptModule;

enum class Stage : uint8_t { Parse, Decode, Validate, Compile, Ok };

const char* rejectedBy(Stage stage) {
  switch (stage) {
    case Stage::Parse:
      return "the text parser";
    case Stage::Decode:
      return "the decoder";
    case Stage::Validate:
      return "the validator";
    case Stage::Compile:
      return "the compiler";
    default:
      return "nothing";
  }
}

struct Prepared {
  Stage stage = Stage::Ok;
  std::string error;
  bool unsupported = false;  // the compiler refused a feature we lack (reported as skipped)
  std::shared_ptr<const canon::link::CompiledComponent> component;  // components only
};

// ---- Script values <-> canonical ABI values ----

uint64_t signExtend(uint64_t v, uint32_t bits) {
  if (bits >= 64) return v;
  uint64_t m = uint64_t{1} << (bits - 1);
  v &= (uint64_t{1} << bits) - 1;
  return (v ^ m) - m;
}

struct PrimInfo {
  ComponentValue::Kind kind;
  Value::Kind value;
  uint32_t bits;
  bool isSigned;
};

std::optional<PrimInfo> primInfo(PrimType p) {
  using K = ComponentValue::Kind;
  using V = Value::Kind;
  switch (p) {
    case PrimType::Bool:
      return PrimInfo{K::Bool, V::Bool, 1, false};
    case PrimType::S8:
      return PrimInfo{K::S8, V::S8, 8, true};
    case PrimType::U8:
      return PrimInfo{K::U8, V::U8, 8, false};
    case PrimType::S16:
      return PrimInfo{K::S16, V::S16, 16, true};
    case PrimType::U16:
      return PrimInfo{K::U16, V::U16, 16, false};
    case PrimType::S32:
      return PrimInfo{K::S32, V::S32, 32, true};
    case PrimType::U32:
      return PrimInfo{K::U32, V::U32, 32, false};
    case PrimType::S64:
      return PrimInfo{K::S64, V::S64, 64, true};
    case PrimType::U64:
      return PrimInfo{K::U64, V::U64, 64, false};
    case PrimType::F32:
      return PrimInfo{K::F32, V::F32, 32, false};
    case PrimType::F64:
      return PrimInfo{K::F64, V::F64, 64, false};
    case PrimType::Char:
      return PrimInfo{K::Char, V::Char, 32, false};
    case PrimType::String:
      return PrimInfo{K::String, V::String, 0, false};
    default:
      return std::nullopt;
  }
}

absl::Status mismatch(const canon::model::TypeTable& types, ValType t, const ComponentValue& v) {
  return absl::InvalidArgumentError(absl::StrFormat("script value %s does not have type %s",
                                                    canon::text::toString(v), types.toString(t)));
}

absl::StatusOr<Value> toValue(const canon::model::TypeTable& types, const ComponentValue& v,
                              ValType t) {
  using K = ComponentValue::Kind;
  if (t.isPrimitive()) {
    std::optional<PrimInfo> info = primInfo(t.prim());
    if (!info || info->kind != v.kind) return mismatch(types, t, v);
    if (info->value == Value::Kind::String) return Value::str(v.text);
    uint64_t bits = info->isSigned ? signExtend(v.bits, info->bits) : v.bits;
    return Value::scalar(info->value, bits);
  }
  const canon::model::DefinedType& d = types.defined(t.definedId());
  auto caseByName = [&](const std::string& name) -> std::optional<uint32_t> {
    for (uint32_t i = 0; i < d.cases.size(); ++i) {
      if (d.cases[i].name == name) return i;
    }
    for (uint32_t i = 0; i < d.labels.size(); ++i) {
      if (d.labels[i] == name) return i;
    }
    return std::nullopt;
  };
  switch (d.kind) {
    case DefinedKind::List:
    case DefinedKind::FixedList: {
      if (v.kind != K::List) return mismatch(types, t, v);
      std::vector<Value> items;
      for (const ComponentValue& e : v.elements) {
        WCR_ASSIGN_OR_RETURN(Value item, toValue(types, e, *d.first));
        items.push_back(std::move(item));
      }
      return Value::list(std::move(items));
    }
    case DefinedKind::Record: {
      if (v.kind != K::Record || v.elements.size() != d.fields.size()) {
        return mismatch(types, t, v);
      }
      std::vector<Value> fields;
      for (size_t i = 0; i < d.fields.size(); ++i) {
        size_t at = i;
        for (size_t j = 0; j < v.labels.size(); ++j) {
          if (v.labels[j] == d.fields[i].name) at = j;
        }
        WCR_ASSIGN_OR_RETURN(Value f, toValue(types, v.elements[at], d.fields[i].type));
        fields.push_back(std::move(f));
      }
      return Value::record(std::move(fields));
    }
    case DefinedKind::Tuple: {
      if (v.kind != K::Tuple || v.elements.size() != d.types.size()) return mismatch(types, t, v);
      std::vector<Value> fields;
      for (size_t i = 0; i < d.types.size(); ++i) {
        WCR_ASSIGN_OR_RETURN(Value f, toValue(types, v.elements[i], d.types[i]));
        fields.push_back(std::move(f));
      }
      return Value::record(std::move(fields));
    }
    case DefinedKind::Variant:
    case DefinedKind::Enum: {
      if (v.kind != (d.kind == DefinedKind::Enum ? K::Enum : K::Variant)) {
        return mismatch(types, t, v);
      }
      std::optional<uint32_t> index = caseByName(v.text);
      if (!index) return mismatch(types, t, v);
      if (d.kind == DefinedKind::Enum) return Value::variant(*index);
      const std::optional<ValType>& payload = d.cases[*index].type;
      if (payload.has_value() != !v.elements.empty()) return mismatch(types, t, v);
      if (!payload) return Value::variant(*index);
      WCR_ASSIGN_OR_RETURN(Value p, toValue(types, v.elements[0], *payload));
      return Value::variant(*index, std::move(p));
    }
    case DefinedKind::Option: {
      if (v.kind != K::Option) return mismatch(types, t, v);
      if (!v.present) return Value::variant(0);
      if (v.elements.empty()) return mismatch(types, t, v);
      WCR_ASSIGN_OR_RETURN(Value p, toValue(types, v.elements[0], *d.first));
      return Value::variant(1, std::move(p));
    }
    case DefinedKind::Result: {
      if (v.kind != K::Result) return mismatch(types, t, v);
      uint32_t index = v.present ? 0 : 1;
      const std::optional<ValType>& payload = v.present ? d.first : d.second;
      if (payload.has_value() != !v.elements.empty()) return mismatch(types, t, v);
      if (!payload) return Value::variant(index);
      WCR_ASSIGN_OR_RETURN(Value p, toValue(types, v.elements[0], *payload));
      return Value::variant(index, std::move(p));
    }
    case DefinedKind::Flags: {
      if (v.kind != K::Flags) return mismatch(types, t, v);
      uint64_t bits = 0;
      for (const std::string& label : v.labels) {
        std::optional<uint32_t> index = caseByName(label);
        if (!index) return mismatch(types, t, v);
        bits |= uint64_t{1} << *index;
      }
      return Value::scalar(Value::Kind::Flags, bits);
    }
    default:
      return absl::UnimplementedError(
          absl::StrFormat("script values of type %s", types.toString(t)));
  }
}

// A script argument or expected result: a component value, or a core f32/f64 written at the
// top level (the text parser keeps those as core values).
absl::StatusOr<Value> scriptValue(const canon::model::TypeTable& types, const jit::text::Value& v,
                                  ValType t) {
  if (v.extension) {
    const auto* cv = dynamic_cast<const ComponentValue*>(v.extension.get());
    if (!cv) return absl::InvalidArgumentError("not a component value");
    return toValue(types, *cv, t);
  }
  ComponentValue cv;
  switch (v.type) {
    case jit::text::Value::Type::F32:
      cv.kind = ComponentValue::Kind::F32;
      break;
    case jit::text::Value::Type::F64:
      cv.kind = ComponentValue::Kind::F64;
      break;
    default:
      return absl::InvalidArgumentError("a core value where a component value is expected");
  }
  cv.bits = v.bits;
  return toValue(types, cv, t);
}

bool isNan(const Value& v) {
  if (v.kind == Value::Kind::F32) {
    float f;
    uint32_t b = static_cast<uint32_t>(v.bits);
    std::memcpy(&f, &b, 4);
    return std::isnan(f);
  }
  if (v.kind == Value::Kind::F64) {
    double d;
    std::memcpy(&d, &v.bits, 8);
    return std::isnan(d);
  }
  return false;
}

// Equality of lifted results with expectations; any NaN matches any NaN (lifting canonicalizes).
bool sameValue(const Value& a, const Value& b) {
  if (a.kind != b.kind) return false;
  if (isNan(a) || isNan(b)) return isNan(a) && isNan(b);
  if (a.bits != b.bits || a.string.utf8 != b.string.utf8 || a.items.size() != b.items.size()) {
    return false;
  }
  for (size_t i = 0; i < a.items.size(); ++i) {
    if (!sameValue(a.items[i], b.items[i])) return false;
  }
  return true;
}

std::string describe(const Value& v) {
  switch (v.kind) {
    case Value::Kind::String:
      return absl::StrFormat("\"%s\"", v.string.utf8);
    case Value::Kind::List:
    case Value::Kind::Record: {
      std::string s = v.kind == Value::Kind::List ? "[" : "{";
      for (size_t i = 0; i < v.items.size(); ++i) {
        absl::StrAppend(&s, i ? ", " : "", describe(v.items[i]));
      }
      return s + (v.kind == Value::Kind::List ? "]" : "}");
    }
    case Value::Kind::Variant:
      return v.items.empty() ? absl::StrFormat("case %d", v.bits)
                             : absl::StrFormat("case %d(%s)", v.bits, describe(v.items[0]));
    default:
      return absl::StrFormat("%d", static_cast<int64_t>(v.bits));
  }
}

// ---- The runner ----

class ComponentRunner {
 public:
  explicit ComponentRunner(const ComponentRunOptions& options) : options_(options) {
    if (options_.compiler) {
      adapters_ = std::make_unique<canon::link::AdapterCompiler>(*options_.compiler,
                                                                 options_.compileOptions);
    }
  }

  DirectiveResult run(const Command& command) {
    switch (command.kind) {
      case Command::Kind::Module:
        return runModule(command);
      case Command::Kind::AssertInvalid:
        return runRejected(command, "invalid");
      case Command::Kind::AssertMalformed:
        return runRejected(command, "malformed");
      case Command::Kind::AssertUnlinkable:
        return runUninstantiable(command, canon::link::InstantiateResult::Failure::Link);
      case Command::Kind::AssertUninstantiable:
        return runUninstantiable(command, canon::link::InstantiateResult::Failure::Trap);
      case Command::Kind::AssertTrap:
        if (command.module) {
          return runUninstantiable(command, canon::link::InstantiateResult::Failure::Trap);
        }
        return runAction(command);
      case Command::Kind::Action:
      case Command::Kind::AssertReturn:
        return runAction(command);
      case Command::Kind::ModuleInstance:
        return runInstance(command);
      case Command::Kind::AssertExhaustion:
      case Command::Kind::AssertException:  // exceptions do not cross a lift: they trap
      case Command::Kind::Register:
        return makeResult(command, Outcome::Skipped, "not supported in component scripts yet");
    }
    return makeResult(command, Outcome::Failed, "unknown directive");
  }

 private:
  Prepared prepare(const ScriptModule& source, bool compile) {
    Prepared out;
    if (source.kind != ScriptModule::Kind::Component) return prepareCore(source);
    std::vector<uint8_t> quoted;
    absl::Span<const uint8_t> bytes = source.binary;
    if (source.componentQuote) {
      absl::StatusOr<std::vector<uint8_t>> parsed = canon::text::parseQuotedComponent(source.quote);
      if (!parsed.ok()) {
        out.stage = Stage::Parse;
        out.error = std::string(parsed.status().message());
        return out;
      }
      quoted = *std::move(parsed);
      bytes = quoted;
    }
    absl::StatusOr<canon::model::Component> decoded = canon::model::decodeComponent(bytes);
    if (!decoded.ok()) {
      out.stage = Stage::Decode;
      out.error = std::string(decoded.status().message());
      return out;
    }
    if (absl::Status valid = canon::model::validateComponent(*decoded); !valid.ok()) {
      out.stage = Stage::Validate;
      out.error = std::string(valid.message());
      return out;
    }
    if (!compile || !options_.compiler) return out;
    auto shared = std::make_shared<const canon::model::Component>(*std::move(decoded));
    absl::StatusOr<std::shared_ptr<const canon::link::CompiledComponent>> compiled =
        canon::link::compileComponent(shared, *options_.compiler, options_.compileOptions);
    if (!compiled.ok()) {
      out.stage = Stage::Compile;
      out.error = std::string(compiled.status().message());
      out.unsupported = compiled.status().code() == absl::StatusCode::kUnimplemented;
      return out;
    }
    out.component = *std::move(compiled);
    return out;
  }

  Prepared prepareCore(const ScriptModule& source) {
    Prepared out;
    std::vector<uint8_t> quoted;
    absl::Span<const uint8_t> bytes = source.binary;
    if (source.kind == ScriptModule::Kind::Quote) {
      absl::StatusOr<std::vector<uint8_t>> parsed = jit::text::parseQuotedModule(source.quote);
      if (!parsed.ok()) {
        out.stage = Stage::Parse;
        out.error = std::string(parsed.status().message());
        return out;
      }
      quoted = *std::move(parsed);
      bytes = quoted;
    }
    absl::StatusOr<jit::wasm::Module> decoded = jit::wasm::decodeModule(bytes);
    if (!decoded.ok()) {
      out.stage = Stage::Decode;
      out.error = std::string(decoded.status().message());
      return out;
    }
    if (absl::Status valid = jit::wasm::validateModule(*decoded, options_.features); !valid.ok()) {
      out.stage = Stage::Validate;
      out.error = std::string(valid.message());
    }
    return out;
  }

  // A module or component that must be valid (and compiled); the failure otherwise.
  std::optional<DirectiveResult> prepareValid(const Command& command, Prepared& prepared) {
    if (!command.module) return makeResult(command, Outcome::Failed, "directive has no module");
    prepared = prepare(*command.module, /*compile=*/true);
    if (prepared.unsupported) {
      noteUnsupported(command, prepared.error);
      return makeResult(command, Outcome::Skipped, prepared.error);
    }
    if (prepared.stage != Stage::Ok) {
      return makeResult(
          command, Outcome::Failed,
          absl::StrCat("rejected by ", rejectedBy(prepared.stage), ": ", prepared.error));
    }
    return std::nullopt;
  }

  DirectiveResult runModule(const Command& command) {
    Prepared prepared;
    if (auto failed = prepareValid(command, prepared)) {
      current_.reset();
      return *failed;
    }
    const ScriptModule& source = *command.module;
    if (source.kind != ScriptModule::Kind::Component) {
      current_.reset();  // core modules of component scripts are only validated
      return makeResult(command, Outcome::Passed);
    }
    if (!options_.compiler) return makeResult(command, Outcome::Passed);
    if (source.isDefinition) {
      if (source.id) definitions_.insert_or_assign(*source.id, prepared.component);
      return makeResult(command, Outcome::Passed);
    }
    return instantiateAndBind(command, prepared.component, source.id);
  }

  DirectiveResult runInstance(const Command& command) {
    if (!options_.compiler) return makeResult(command, Outcome::Skipped, "needs the compiler");
    if (!command.definitionId) return makeResult(command, Outcome::Failed, "no definition");
    auto it = definitions_.find(*command.definitionId);
    if (it == definitions_.end()) {
      auto why = unsupportedDefinitions_.find(*command.definitionId);
      if (why != unsupportedDefinitions_.end()) {
        noteUnsupported(command, why->second);
        return makeResult(command, Outcome::Skipped, why->second);
      }
      return makeResult(command, Outcome::Failed,
                        absl::StrCat("unknown component definition ", *command.definitionId));
    }
    return instantiateAndBind(command, it->second, command.instanceId);
  }

  DirectiveResult instantiateAndBind(
      const Command& command, std::shared_ptr<const canon::link::CompiledComponent> component,
      const std::optional<std::string>& id) {
    absl::StatusOr<canon::link::InstantiateResult> result =
        canon::link::instantiate(component, canon::link::InstanceItem{}, registry_,
                                 adapters_.get());
    current_.reset();
    currentUnsupported_.clear();
    if (!result.ok()) {
      bool unsupported = result.status().code() == absl::StatusCode::kUnimplemented;
      if (unsupported) noteUnsupported(command, std::string(result.status().message()));
      return makeResult(command, unsupported ? Outcome::Skipped : Outcome::Failed,
                        std::string(result.status().message()));
    }
    if (result->failure != canon::link::InstantiateResult::Failure::None) {
      return makeResult(command, Outcome::Failed,
                        absl::StrCat("instantiation failed: ", result->message));
    }
    auto instance = std::make_shared<canon::link::InstantiateResult>(*std::move(result));
    current_ = instance;
    if (id) {
      instances_.insert_or_assign(*id, instance);
      unsupportedInstances_.erase(*id);
    }
    return makeResult(command, Outcome::Passed);
  }

  DirectiveResult runRejected(const Command& command, const char* want) {
    if (!command.module) return makeResult(command, Outcome::Failed, "directive has no module");
    Prepared prepared = prepare(*command.module, /*compile=*/false);
    if (prepared.stage == Stage::Ok) {
      return makeResult(
          command, Outcome::Failed,
          absl::StrFormat("expected %s (\"%s\"), but it was accepted", want, command.message));
    }
    DirectiveResult result = makeResult(command, Outcome::Passed);
    if (!messageMatches(prepared.error, command.message)) {
      result.messageMismatch = true;
      result.note =
          oneLine(absl::StrFormat("expected %s \"%s\", rejected by %s: %s", want, command.message,
                                  rejectedBy(prepared.stage), prepared.error));
    }
    return result;
  }

  DirectiveResult runUninstantiable(const Command& command,
                                    canon::link::InstantiateResult::Failure expected) {
    Prepared prepared;
    if (auto failed = prepareValid(command, prepared)) return *failed;
    if (!options_.compiler || !prepared.component) {
      return makeResult(command, Outcome::Skipped, "needs the compiler");
    }
    absl::StatusOr<canon::link::InstantiateResult> result =
        canon::link::instantiate(prepared.component, canon::link::InstanceItem{}, registry_,
                                 adapters_.get());
    if (!result.ok()) {
      bool unsupported = result.status().code() == absl::StatusCode::kUnimplemented;
      return makeResult(command, unsupported ? Outcome::Skipped : Outcome::Failed,
                        std::string(result.status().message()));
    }
    if (result->failure != expected) {
      return makeResult(
          command, Outcome::Failed,
          absl::StrFormat("expected failure \"%s\", got %s", command.message,
                          result->failure == canon::link::InstantiateResult::Failure::None
                              ? "success"
                              : result->message));
    }
    return expectedText(command, result->message);
  }

  static DirectiveResult expectedText(const Command& command, std::string_view message) {
    DirectiveResult out = makeResult(command, Outcome::Passed);
    if (!messageMatches(message, command.message)) {
      out.messageMismatch = true;
      out.note = oneLine(absl::StrFormat("expected \"%s\", got \"%s\"", command.message, message));
    }
    return out;
  }

  DirectiveResult runAction(const Command& command) {
    if (!options_.compiler) return makeResult(command, Outcome::Skipped, "needs the compiler");
    if (!command.action) return makeResult(command, Outcome::Failed, "directive has no action");
    const jit::text::Action& action = *command.action;
    std::shared_ptr<canon::link::InstantiateResult> instance = current_;
    if (action.moduleId) {
      auto it = instances_.find(*action.moduleId);
      instance = it == instances_.end() ? nullptr : it->second;
    }
    if (!instance) {
      // An instance we could not create because a feature is missing: the action is skipped.
      const std::string* why = &currentUnsupported_;
      if (action.moduleId) {
        auto it = unsupportedInstances_.find(*action.moduleId);
        why = it == unsupportedInstances_.end() ? nullptr : &it->second;
      }
      if (why && !why->empty()) {
        return makeResult(command, Outcome::Skipped, absl::StrCat("its instance needs ", *why));
      }
      return makeResult(command, Outcome::Failed, "no component instance");
    }
    if (action.kind != jit::text::Action::Kind::Invoke) {
      return makeResult(command, Outcome::Skipped, "`get` is not supported for components");
    }
    const canon::link::Item* item = instance->exports->find(action.field);
    if (!item || !item->func) {
      return makeResult(command, Outcome::Failed,
                        absl::StrFormat("no exported function \"%s\"", action.field));
    }
    canon::link::Func& func = *item->func;
    const canon::model::FuncType& ft = func.types().func(func.type());
    if (action.args.size() != ft.params.size()) {
      return makeResult(command, Outcome::Failed,
                        absl::StrFormat("\"%s\" takes %d arguments, %d given", action.field,
                                        ft.params.size(), action.args.size()));
    }
    std::vector<Value> args;
    for (size_t i = 0; i < action.args.size(); ++i) {
      absl::StatusOr<Value> v = scriptValue(func.types(), action.args[i], ft.params[i].type);
      if (!v.ok()) return makeResult(command, Outcome::Failed, std::string(v.status().message()));
      args.push_back(*std::move(v));
    }
    std::vector<Value> results;
    absl::Status status = func.call(nullptr, args, [&](std::vector<Value>& r) {
      results = std::move(r);
      return absl::OkStatus();
    });
    if (!status.ok() && !canon::abi::isAbiTrap(status)) {
      bool unsupported = status.code() == absl::StatusCode::kUnimplemented;
      return makeResult(command, unsupported ? Outcome::Skipped : Outcome::Failed,
                        absl::StrCat("call failed: ", status.message()));
    }
    if (command.kind == Command::Kind::AssertTrap) {
      if (status.ok()) {
        return makeResult(
            command, Outcome::Failed,
            absl::StrFormat("expected trap \"%s\", the call returned", command.message));
      }
      // Reported as Wasmtime reports guest traps (the suite matches a substring of this).
      return expectedText(command, absl::StrCat("wasm trap: ", status.message()));
    }
    if (!status.ok()) {
      return makeResult(command, Outcome::Failed, absl::StrCat("trap: ", status.message()));
    }
    if (command.kind != Command::Kind::AssertReturn) return makeResult(command, Outcome::Passed);
    std::vector<ValType> resultTypes;
    if (ft.result) resultTypes.push_back(*ft.result);
    if (command.expected.size() != resultTypes.size() || results.size() != resultTypes.size()) {
      return makeResult(
          command, Outcome::Failed,
          absl::StrFormat("expected %d results, got %d", command.expected.size(), results.size()));
    }
    for (size_t i = 0; i < resultTypes.size(); ++i) {
      const jit::text::ResultPattern& pattern = command.expected[i];
      jit::text::Value expected = pattern.value;
      if (pattern.kind == jit::text::ResultPattern::Kind::NanCanonical ||
          pattern.kind == jit::text::ResultPattern::Kind::NanArithmetic) {
        expected.bits =
            expected.type == jit::text::Value::Type::F32 ? 0x7fc00000 : 0x7ff8000000000000;
      }
      absl::StatusOr<Value> want = scriptValue(func.types(), expected, resultTypes[i]);
      if (!want.ok()) {
        return makeResult(command, Outcome::Failed, std::string(want.status().message()));
      }
      if (!sameValue(results[i], *want)) {
        return makeResult(
            command, Outcome::Failed,
            absl::StrFormat("expected %s, got %s", describe(*want), describe(results[i])));
      }
    }
    return makeResult(command, Outcome::Passed);
  }

  // Remembers why the current (or a named) instance does not exist when the reason is a missing
  // feature, so that actions on it are skipped rather than failed.
  void noteUnsupported(const Command& command, const std::string& why) {
    current_.reset();
    currentUnsupported_ = why;
    if (command.module && command.module->id) unsupportedInstances_[*command.module->id] = why;
    if (command.instanceId) unsupportedInstances_[*command.instanceId] = why;
    if (command.module && command.module->isDefinition && command.module->id) {
      unsupportedDefinitions_[*command.module->id] = why;
    }
  }

  const ComponentRunOptions& options_;
  std::string currentUnsupported_;
  absl::flat_hash_map<std::string, std::string> unsupportedInstances_, unsupportedDefinitions_;
  jit::vm::TypeRegistry registry_;
  std::unique_ptr<canon::link::AdapterCompiler> adapters_;
  std::shared_ptr<canon::link::InstantiateResult> current_;
  absl::flat_hash_map<std::string, std::shared_ptr<canon::link::InstantiateResult>> instances_;
  absl::flat_hash_map<std::string, std::shared_ptr<const canon::link::CompiledComponent>>
      definitions_;
};

}  // namespace

bool isComponentScript(const jit::text::Script& script) {
  for (const Command& c : script.commands) {
    if (c.module && c.module->kind == ScriptModule::Kind::Component) return true;
  }
  return false;
}

ScriptReport runComponentScript(const jit::text::Script& script,
                                const ComponentRunOptions& options) {
  ComponentRunner runner(options);
  ScriptReport report;
  report.directives.reserve(script.commands.size());
  for (const Command& command : script.commands) report.directives.push_back(runner.run(command));
  return report;
}

}  // namespace wcr::runtime::wast
