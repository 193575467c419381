// Decoder and validator of canon/model: the IR a binary decodes into, malformed-input messages
// with offsets, the validated index spaces, resource generativity, and hostile inputs (huge
// counts, deep nesting, DAG-shaped types) that must end in an error or finish quickly, never
// crash or allocate without bound.
#include <catch2/catch.hpp>
#include <chrono>

#include "canon/model/decoder.h"
#include "canon/model/validator.h"
#include "component_builder.h"

using namespace wcr::canon::model;
using namespace wcr::canon::model::test;

namespace {

std::string errorOf(const Bytes& bytes) {
  auto r = decodeAndValidate(bytes);
  return r.ok() ? std::string("ok") : std::string(r.status().message());
}

// (type (func (param "x" u32) (result string)))
Bytes funcTypeU32ToString() {
  Bytes t{0x40, 0x01};
  name(t, "x");
  t.push_back(0x79);
  t.push_back(0x00);
  t.push_back(0x73);
  return t;
}

}  // namespace

TEST_CASE("preamble errors", "[decoder]") {
  CHECK_THAT(errorOf({}), Catch::Contains("unexpected end-of-file"));
  CHECK_THAT(errorOf({0x00, 0x61, 0x73, 0x6d, 0x0c, 0x00, 0x01, 0x00}),
             Catch::Contains("unknown binary version"));
  CHECK_THAT(errorOf({0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}),
             Catch::Contains("expected a version header for a component"));
  CHECK_THAT(errorOf({0x01, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00}),
             Catch::Contains("magic header not detected"));
  CHECK(errorOf(preamble()) == "ok");
  CHECK(isComponentBinary(preamble()));
  CHECK_FALSE(isComponentBinary(Bytes{0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}));
}

TEST_CASE("malformed errors name the byte offset", "[decoder]") {
  // Type section with one type whose leading byte 0x62 is unallocated: the byte is at 0xb.
  Bytes b = component({vecSection(7, {{0x62}})});
  CHECK(errorOf(b) == "at offset 0xb: invalid leading byte (0x62) for component defined type");
  CHECK_THAT(errorOf(component({section(13, {})})), Catch::Contains("malformed section id"));
  // A section size beyond the input.
  Bytes truncated = preamble();
  append(truncated, {0x07, 0x05, 0x01});
  CHECK_THAT(errorOf(truncated), Catch::Contains("unexpected end-of-file"));
  // A section with bytes left over.
  CHECK_THAT(errorOf(component({section(7, {0x00, 0x00})})),
             Catch::Contains("section size mismatch"));
}

TEST_CASE("a component decodes into the ordered IR", "[decoder]") {
  Bytes imp = importItem("f", {0x01, 0x00});  // (import "f" (func (type 0)))
  Bytes exp{0x00};
  name(exp, "g");
  append(exp, {0x01, 0x00, 0x00});  // (export "g" (func 0))
  Bytes b = component(
      {vecSection(7, {funcTypeU32ToString()}), vecSection(10, {imp}), vecSection(11, {exp})});
  auto c = decodeComponent(b);
  REQUIRE(c.ok());
  REQUIRE(c->definitions.size() == 3);
  CHECK(c->definitions[0].kind == Definition::Type);
  CHECK(c->definitions[1].kind == Definition::Import);
  CHECK(c->definitions[2].kind == Definition::Export);
  REQUIRE(c->types.size() == 1);
  CHECK(c->types[0].kind == RawTypeDef::Func);
  REQUIRE(c->types[0].func.params.size() == 1);
  CHECK(c->types[0].func.params[0].name == "x");
  CHECK(c->imports[0].name.name == "f");
  CHECK(c->exports[0].name.name == "g");
  CHECK(c->exports[0].item.sort.kind == Sort::Func);

  REQUIRE(validateComponent(*c).ok());
  const ComponentInfo& info = *c->info;
  REQUIRE(info.funcs.size() == 2);  // the import and the export's new index
  const TypeTable& types = *info.types;
  CHECK(types.toString(info.funcs[0]) == "func(x: u32) -> string");
  const ComponentType& ct = types.component(info.type);
  REQUIRE(ct.imports.size() == 1);
  REQUIRE(ct.exports.size() == 1);
  CHECK(ct.exports[0].first == "g");
}

TEST_CASE("validation errors use the suite's wording", "[validator]") {
  // (type (own 0)) where type 0 is string.
  CHECK_THAT(errorOf(component({vecSection(7, {{0x73}, {0x69, 0x00}})})),
             Catch::Contains("type index 0 is not a resource type"));
  // (import "Foo" (func (type 0)))
  CHECK_THAT(errorOf(component({vecSection(7, {funcTypeU32ToString()}),
                                vecSection(10, {importItem("Foo", {0x01, 0x00})})})),
             Catch::Contains("`Foo` is not in kebab case"));
  // Two imports that are not strongly unique.
  CHECK_THAT(errorOf(component({vecSection(7, {funcTypeU32ToString()}),
                                vecSection(10, {importItem("a-b", {0x01, 0x00}),
                                                importItem("A-B", {0x01, 0x00})})})),
             Catch::Contains("import name `A-B` conflicts with previous name `a-b`"));
  // (type (func (result (borrow 0)))) with 0 a resource: borrow in a result.
  Bytes res{0x3f, 0x7f, 0x00};
  Bytes borrowT{0x68, 0x00};
  Bytes fn{0x40, 0x00, 0x00, 0x01};
  CHECK_THAT(errorOf(component({vecSection(7, {res, borrowT, fn})})),
             Catch::Contains("function result cannot contain a `borrow` type"));
  // A list of 2^28 bytes.
  Bytes bigList{0x67, 0x7d};
  leb(bigList, uint64_t{1} << 28);
  CHECK_THAT(errorOf(component({vecSection(7, {bigList})})),
             Catch::Contains("exceeds maximum byte size"));
}

TEST_CASE("versionsuffix attributes need a canonical interface version", "[validator]") {
  auto withSuffix = [](const std::string& n, const std::string& suffix) {
    Bytes out{0x02};
    name(out, n);
    append(out, {0x01, 0x01});
    name(out, suffix);
    append(out, {0x01, 0x00});
    return component({vecSection(7, {funcTypeU32ToString()}), vecSection(10, {out})});
  };
  CHECK(errorOf(withSuffix("a:b/c@1", ".2.3")) == "ok");
  CHECK(errorOf(withSuffix("a:b/c@0.2", ".6-rc.1")) == "ok");
  CHECK_THAT(errorOf(withSuffix("a:b/c", ".2.3")), Catch::Contains("canonical version"));
  CHECK_THAT(errorOf(withSuffix("a:b/c@1.2.3", ".4")), Catch::Contains("canonical version"));
  CHECK_THAT(errorOf(withSuffix("a:b/c@1", ".x")), Catch::Contains("not a valid semver"));
}

TEST_CASE("outer aliases across components: own resources travel, outer ones do not",
          "[validator]") {
  // (type (component (import "r" (type (sub resource))))) aliased into a nested component.
  Bytes ownResource{0x41, 0x01, 0x03, 0x00};
  name(ownResource, "r");
  append(ownResource, {0x03, 0x01});
  Bytes nested = component({vecSection(6, {{0x03, 0x02, 0x01, 0x00}})});
  CHECK(errorOf(component({vecSection(7, {ownResource}), section(4, nested)})) == "ok");

  // (type $R (resource (rep i32))) (type (component (alias outer 1 0 (type)) (export "a" (type
  // (eq 0))))) aliased into a nested component refers to $R.
  Bytes resource{0x3f, 0x7f, 0x00};
  Bytes usesR{0x41, 0x02, 0x02, 0x03, 0x02, 0x01, 0x00, 0x04, 0x00};
  name(usesR, "a");
  append(usesR, {0x03, 0x00, 0x00});
  Bytes nested2 = component({vecSection(6, {{0x03, 0x02, 0x01, 0x01}})});
  CHECK_THAT(errorOf(component({vecSection(7, {resource, usesR}), section(4, nested2)})),
             Catch::Contains("transitively refers to resources"));
}

TEST_CASE("imports of one instance type get distinct resources", "[validator]") {
  // (type $I (instance (export "r" (type (sub resource)))))
  Bytes inst{0x42, 0x01, 0x04, 0x00};
  name(inst, "r");
  append(inst, {0x03, 0x01});
  Bytes b =
      component({vecSection(7, {inst}),
                 vecSection(10, {importItem("a", {0x05, 0x00}), importItem("b", {0x05, 0x00})})});
  auto c = decodeAndValidate(b);
  REQUIRE(c.ok());
  const TypeTable& types = *c->info->types;
  REQUIRE(c->info->instances.size() == 2);
  const ExternType* ra = types.instance(c->info->instances[0]).findExport("r");
  const ExternType* rb = types.instance(c->info->instances[1]).findExport("r");
  REQUIRE(ra);
  REQUIRE(rb);
  REQUIRE(ra->type.kind == AnyType::Resource);
  CHECK_FALSE(types.canonicalResource(ra->type.resource()) ==
              types.canonicalResource(rb->type.resource()));
  CHECK(types.component(c->info->type).importedResources.size() == 2);
}

TEST_CASE("hostile inputs end in errors", "[hostile]") {
  // A vec count of 2^32-1 with no bytes behind it.
  Bytes huge = preamble();
  append(huge, {0x07, 0x05, 0xff, 0xff, 0xff, 0xff, 0x0f});
  CHECK_THAT(errorOf(huge), Catch::Contains("unexpected end-of-file"));

  // 200 nested components.
  Bytes nested = preamble();
  for (int i = 0; i < 200; ++i) nested = component({section(4, nested)});
  CHECK_THAT(errorOf(nested), Catch::Contains("too deep"));

  // 200 nested component types: (type (component (type (component ...)))).
  Bytes decl{0x41, 0x00};
  for (int i = 0; i < 200; ++i) {
    Bytes outer{0x41, 0x01, 0x01};
    append(outer, decl);
    decl = outer;
  }
  CHECK_THAT(errorOf(component({vecSection(7, {decl})})), Catch::Contains("too deep"));

  // 300 value types, each a list of the previous one.
  std::vector<Bytes> chain{{0x7d}};
  for (uint32_t i = 0; i < 300; ++i) {
    Bytes t{0x70};
    typeIndex(t, i);
    chain.push_back(t);
  }
  CHECK_THAT(errorOf(component({vecSection(7, chain)})), Catch::Contains("too deep"));

  // A record with a million fields fits in a few MB and is refused by the size bound or
  // accepted, but never takes quadratic time on its labels.
  Bytes rec{0x72};
  leb(rec, 200000);
  for (int i = 0; i < 200000; ++i) {
    name(rec, std::string("f").append(std::to_string(i)));
    rec.push_back(0x7f);
  }
  auto start = std::chrono::steady_clock::now();
  CHECK(errorOf(component({vecSection(7, {rec})})) == "ok");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}

TEST_CASE("DAG-shaped types are walked once per node", "[hostile]") {
  // t0 = u8; t(i+1) = result<t(i), t(i)>: 90 levels, 2^90 paths, linear size.
  std::vector<Bytes> types{{0x7d}};
  for (uint32_t i = 0; i < 90; ++i) {
    Bytes t{0x6a, 0x01};
    typeIndex(t, i);
    t.push_back(0x01);
    typeIndex(t, i);
    types.push_back(t);
  }
  // (type (func (param "x" t90))) then import it: visibility and ABI facts walk the DAG.
  Bytes fn{0x40, 0x01};
  name(fn, "x");
  typeIndex(fn, 90);
  fn.push_back(0x01);
  fn.push_back(0x00);
  types.push_back(fn);
  auto start = std::chrono::steady_clock::now();
  std::string r =
      errorOf(component({vecSection(7, types), vecSection(10, {importItem("f", {0x01, 91})})}));
  CHECK(r == "ok");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
}
