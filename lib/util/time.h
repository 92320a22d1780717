// Time formatting shared by the store (timestamps) and the logs.
#pragma once

#include <chrono>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace catalog {

// RFC 3339 in UTC with milliseconds: "2026-11-25T16:42:06.300Z".
inline std::string FormatRfc3339(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                t.time_since_epoch())
                .count();
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

// Milliseconds since the epoch as FormatRfc3339 writes them; "" for 0
// (never).
inline std::string FormatMs(int64_t ms) {
  if (ms == 0) return "";
  return FormatRfc3339(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

// "45s", "30m", "12h", "90d" (1 to 999,999,999 units), or nothing.
inline std::optional<std::chrono::seconds> ParseDuration(std::string_view text) {
  if (text.size() < 2 || text.size() > 10) return std::nullopt;
  int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return std::nullopt;
  }
  return std::chrono::seconds(n * unit);
}

}  // namespace catalog
