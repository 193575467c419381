// The pieces of the component binary format (Binary.md) that the text parser writes: sorts,
// extern names with attributes, sections that merge consecutive definitions of one kind, the
// declarator lists of component and instance types, and the `component-name` custom section
// laid out as wasm-tools lays it out. Internal to canon/text.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jit/wasm/encoder.h"

namespace wcr::canon::text {

// The index spaces of a component (core sorts first, as in the binary format).
enum class Sort : uint8_t {
  CoreFunc,
  CoreTable,
  CoreMemory,
  CoreGlobal,
  CoreTag,
  CoreType,
  CoreModule,
  CoreInstance,
  Func,
  Value,
  Type,
  Component,
  Instance,
};
inline constexpr size_t kSortCount = 13;

inline bool isCoreSort(Sort s) {
  return static_cast<uint8_t>(s) <= static_cast<uint8_t>(Sort::CoreInstance);
}
// core:sort byte (0x00 func ... 0x10 type, 0x11 module, 0x12 instance).
uint8_t coreSortByte(Sort s);
// sort: `0x00 core:sort` for core sorts, else 0x01 func ... 0x05 instance.
void writeSort(jit::wasm::CodeWriter& w, Sort s);
// Text keyword of a sort (`func`, `memory`, `module`, `instance`, ...), without `core`.
std::string_view sortKeyword(Sort s);

// Section ids of the component binary format.
enum SectionId : uint8_t {
  kCustomSection = 0,
  kCoreModuleSection = 1,
  kCoreInstanceSection = 2,
  kCoreTypeSection = 3,
  kComponentSection = 4,
  kInstanceSection = 5,
  kAliasSection = 6,
  kTypeSection = 7,
  kCanonSection = 8,
  kStartSection = 9,
  kImportSection = 10,
  kExportSection = 11,
  kValueSection = 12,
};

// An import or export name with its attributes (`nameattributes`).
struct ExportName {
  std::string name;
  std::vector<std::pair<uint8_t, std::string>> attributes;  // (kind, string) in text order
};
void writeExternName(jit::wasm::CodeWriter& w, const ExportName& n);

// The sections of one component: vector sections absorb consecutive items of their kind.
class ComponentSections {
 public:
  void addItem(uint8_t section, const std::vector<uint8_t>& item);
  // A section that is not a vector (core module, component, start, custom).
  void addRaw(uint8_t section, const std::vector<uint8_t>& payload);
  void writeTo(std::vector<uint8_t>& out) const;

 private:
  struct Section {
    uint8_t id = 0;
    bool isVector = true;
    uint32_t count = 0;
    std::vector<uint8_t> body;
  };
  std::vector<Section> sections_;
};

// Declarators of a component, instance or core module type.
struct DeclList {
  uint32_t count = 0;
  std::vector<uint8_t> body;
  void add(uint8_t tag, const std::vector<uint8_t>& item) {
    ++count;
    body.push_back(tag);
    body.insert(body.end(), item.begin(), item.end());
  }
};

// Names of a component's definitions, per sort, for the `component-name` section.
struct NameMap {
  std::string componentName;
  bool hasComponentName = false;
  std::array<std::vector<std::pair<uint32_t, std::string>>, kSortCount> sorts;
  bool empty() const;
};
void writeNameSection(std::vector<uint8_t>& out, const NameMap& names);

// `\0asm` 0x0d 0x00 0x01 0x00.
std::vector<uint8_t> componentPreamble();

}  // namespace wcr::canon::text
