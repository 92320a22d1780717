// std::regex on text of a bounded length. libstdc++'s matcher recurses once
// per character, so matching a long hostile string overflows the stack
// (a 30,000-digit scalar crashed catalogd). Every regex applied to input
// goes through these: text longer than kMaxRegexInput never matches, and
// callers say so in their own message.
#pragma once

#include <regex>
#include <string>

namespace catalog {

inline constexpr size_t kMaxRegexInput = 1024;

inline bool BoundedRegexMatch(const std::string& text, const std::regex& re) {
  return text.size() <= kMaxRegexInput && std::regex_match(text, re);
}
inline bool BoundedRegexMatch(const std::string& text, std::smatch& m,
                              const std::regex& re) {
  return text.size() <= kMaxRegexInput && std::regex_match(text, m, re);
}
inline bool BoundedRegexSearch(const std::string& text, const std::regex& re) {
  return text.size() <= kMaxRegexInput && std::regex_search(text, re);
}

}  // namespace catalog
