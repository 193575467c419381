// Matching of actual results against assert_return's expected patterns (exact bits, canonical and
// arithmetic NaNs, per-lane v128 patterns, references), and printing of values for messages.
#pragma once

#include <string>

#include "absl/types/span.h"
#include "jit/text/script.h"

namespace wcr::runtime::wast {

bool matches(const jit::text::ResultPattern& pattern, const jit::text::Value& actual);

// True when the counts agree and every value matches its pattern.
bool matchesAll(absl::Span<const jit::text::ResultPattern> patterns,
                absl::Span<const jit::text::Value> actual);

// "i32:0x2a", "f64:0x7ff8000000000000", "v128:0x00..ff", "funcref:null", "externref:3".
std::string formatValue(const jit::text::Value& value);
std::string formatPattern(const jit::text::ResultPattern& pattern);
std::string formatValues(absl::Span<const jit::text::Value> values);
std::string formatPatterns(absl::Span<const jit::text::ResultPattern> patterns);

}  // namespace wcr::runtime::wast
