// String helpers. Debian's Abseil is built as C++14, so absl::string_view is
// not std::string_view and absl::StrCat will not take std::string_view; this
// StrCat takes anything string-like or arithmetic.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <type_traits>

namespace catalog {

namespace strings_internal {

inline void Append(std::string& out, std::string_view s) { out.append(s); }
inline void Append(std::string& out, char c) { out.push_back(c); }
template <typename T>
  requires std::is_arithmetic_v<T> && (!std::is_same_v<T, char>)
void Append(std::string& out, T value) {
  if constexpr (std::is_same_v<T, bool>) {
    out.append(value ? "true" : "false");
  } else if constexpr (std::is_floating_point_v<T>) {
    char buf[32];  // the shortest text that reads back as `value`: 1.5, not 1.500000
    out.append(buf, std::to_chars(buf, buf + sizeof buf, value).ptr);
  } else {
    out.append(std::to_string(value));
  }
}

}  // namespace strings_internal

template <typename... Args>
std::string StrCat(const Args&... args) {
  std::string out;
  (strings_internal::Append(out, args), ...);
  return out;
}

// absl::Status::message() as a std::string_view.
template <typename Status>
std::string_view MessageOf(const Status& status) {
  auto m = status.message();
  return std::string_view(m.data(), m.size());
}

}  // namespace catalog
