// Sections, sorts, extern names and the `component-name` section of the component binary
// format (see component_encoder.h).
#include "canon/text/component_encoder.h"

namespace wcr::canon::text {

using jit::wasm::CodeWriter;

uint8_t coreSortByte(Sort s) {
  switch (s) {
    case Sort::CoreFunc:
      return 0x00;
    case Sort::CoreTable:
      return 0x01;
    case Sort::CoreMemory:
      return 0x02;
    case Sort::CoreGlobal:
      return 0x03;
    case Sort::CoreTag:
      return 0x04;
    case Sort::CoreType:
      return 0x10;
    case Sort::CoreModule:
      return 0x11;
    case Sort::CoreInstance:
      return 0x12;
    default:
      return 0xff;
  }
}

void writeSort(CodeWriter& w, Sort s) {
  switch (s) {
    case Sort::Func:
      w.u8(0x01);
      return;
    case Sort::Value:
      w.u8(0x02);
      return;
    case Sort::Type:
      w.u8(0x03);
      return;
    case Sort::Component:
      w.u8(0x04);
      return;
    case Sort::Instance:
      w.u8(0x05);
      return;
    default:
      w.u8(0x00);
      w.u8(coreSortByte(s));
  }
}

std::string_view sortKeyword(Sort s) {
  static constexpr std::string_view kNames[kSortCount] = {
      "func",     "table", "memory", "global", "tag",       "type",    "module",
      "instance", "func",  "value",  "type",   "component", "instance"};
  return kNames[static_cast<size_t>(s)];
}

void writeExternName(CodeWriter& w, const ExportName& n) {
  if (n.attributes.empty()) {
    w.u8(0x00);
    w.name(n.name);
    return;
  }
  w.u8(0x02);
  w.name(n.name);
  w.u32(static_cast<uint32_t>(n.attributes.size()));
  for (const auto& [kind, value] : n.attributes) {
    w.u8(kind);
    w.name(value);
  }
}

void ComponentSections::addItem(uint8_t section, const std::vector<uint8_t>& item) {
  if (sections_.empty() || sections_.back().id != section || !sections_.back().isVector) {
    sections_.push_back(Section{section, true, 0, {}});
  }
  Section& s = sections_.back();
  ++s.count;
  s.body.insert(s.body.end(), item.begin(), item.end());
}

void ComponentSections::addRaw(uint8_t section, const std::vector<uint8_t>& payload) {
  sections_.push_back(Section{section, false, 0, payload});
}

void ComponentSections::writeTo(std::vector<uint8_t>& out) const {
  for (const Section& s : sections_) {
    CodeWriter w;
    if (s.isVector) w.u32(s.count);
    w.bytes(s.body.data(), s.body.size());
    CodeWriter head;
    head.u8(s.id);
    head.u32(static_cast<uint32_t>(w.out().size()));
    out.insert(out.end(), head.out().begin(), head.out().end());
    out.insert(out.end(), w.out().begin(), w.out().end());
  }
}

bool NameMap::empty() const {
  if (hasComponentName) return false;
  for (const auto& s : sorts) {
    if (!s.empty()) return false;
  }
  return true;
}

void writeNameSection(std::vector<uint8_t>& out, const NameMap& names) {
  if (names.empty()) return;
  CodeWriter body;
  body.name("component-name");
  if (names.hasComponentName) {
    CodeWriter sub;
    sub.name(names.componentName);
    body.u8(0x00);
    body.u32(static_cast<uint32_t>(sub.out().size()));
    body.bytes(sub.out().data(), sub.out().size());
  }
  for (size_t i = 0; i < kSortCount; ++i) {
    const auto& entries = names.sorts[i];
    if (entries.empty()) continue;
    CodeWriter sub;
    writeSort(sub, static_cast<Sort>(i));
    sub.u32(static_cast<uint32_t>(entries.size()));
    for (const auto& [index, name] : entries) {
      sub.u32(index);
      sub.name(name);
    }
    body.u8(0x01);
    body.u32(static_cast<uint32_t>(sub.out().size()));
    body.bytes(sub.out().data(), sub.out().size());
  }
  CodeWriter head;
  head.u8(kCustomSection);
  head.u32(static_cast<uint32_t>(body.out().size()));
  out.insert(out.end(), head.out().begin(), head.out().end());
  out.insert(out.end(), body.out().begin(), body.out().end());
}

std::vector<uint8_t> componentPreamble() {
  return {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
}

}  // namespace wcr::canon::text
