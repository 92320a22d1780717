#include "lib/contract/sla.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <chrono>
#include <cmath>

#include <nlohmann/json.hpp>

#include "lib/util/strings.h"
#include "lib/util/time.h"

namespace catalog::contract {
namespace {

constexpr int64_t kMinuteMs = 60 * 1000;
constexpr int64_t kDayMs = 24 * 60 * kMinuteMs;

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Time(int64_t ms) {
  return FormatMs(ms);
}

// "HH:MM" with an optional ":SS", then "Z", "+HH:MM" or "-HH:MM" (none:
// UTC); minutes after midnight UTC.
std::optional<int> MinuteUtc(std::string_view s) {
  auto two = [&](size_t at) -> int {
    if (at + 2 > s.size() || !std::isdigit(static_cast<unsigned char>(s[at])) ||
        !std::isdigit(static_cast<unsigned char>(s[at + 1]))) {
      return -1;
    }
    return (s[at] - '0') * 10 + (s[at + 1] - '0');
  };
  int h = two(0), m = two(3);
  if (h < 0 || h > 23 || s.size() < 5 || s[2] != ':' || m < 0 || m > 59) return std::nullopt;
  size_t at = 5;
  if (at + 3 <= s.size() && s[at] == ':' && two(at + 1) >= 0) at += 3;  // seconds
  int offset = 0;
  if (at == s.size() || (at + 1 == s.size() && (s[at] == 'Z' || s[at] == 'z'))) {
    offset = 0;
  } else if (at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && s[at + 3] == ':') {
    int oh = two(at + 1), om = two(at + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return std::nullopt;
    offset = (s[at] == '-' ? -1 : 1) * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  return ((h * 60 + m - offset) % 1440 + 1440) % 1440;
}

// The first moment after `after_ms` at `minute_utc` of a day.
int64_t NextAt(int64_t after_ms, int minute_utc) {
  int64_t day = after_ms >= 0 ? after_ms / kDayMs : (after_ms - kDayMs + 1) / kDayMs;
  int64_t at = day * kDayMs + minute_utc * kMinuteMs;
  while (at <= after_ms) at += kDayMs;
  return at;
}

}  // namespace

std::string SpanText(int64_t ms) {
  if (ms % kDayMs == 0) return StrCat(ms / kDayMs, " d");
  if (ms % (60 * kMinuteMs) == 0) return StrCat(ms / (60 * kMinuteMs), " h");
  return StrCat(ms / kMinuteMs, " min");
}

std::optional<int64_t> UnitMs(std::string_view unit) {
  std::string u = Lower(std::string(unit));
  if (u == "m" || u == "min" || u == "mins" || u == "minute" || u == "minutes") return kMinuteMs;
  if (u == "h" || u == "hr" || u == "hrs" || u == "hour" || u == "hours") return 60 * kMinuteMs;
  if (u == "d" || u == "day" || u == "days") return kDayMs;
  if (u == "w" || u == "wk" || u == "week" || u == "weeks") return 7 * kDayMs;
  if (u == "y" || u == "yr" || u == "yrs" || u == "year" || u == "years") return 365 * kDayMs;
  return std::nullopt;
}

absl::StatusOr<Sla> SlaOf(const Contract& contract) {
  if (contract.doc == nullptr) return Sla{};
  return SlaOf(contract.doc->root);
}

absl::StatusOr<Sla> SlaOf(const Node& root) {
  Sla sla;
  const Node* list = root.Find("slaProperties");
  if (list == nullptr || !list->IsSeq()) return sla;
  for (size_t i = 0; i < list->items.size(); ++i) {
    const Node& p = list->items[i];
    std::string path = StrCat("slaProperties[", i, "]");
    auto bad = [&](std::string_view member, std::string_view rule) {
      return absl::InvalidArgumentError(StrCat(path, ".", member, ": ", rule));
    };
    if (!p.IsMap()) continue;
    std::string property = p.String("property");
    const Node* value = p.Find("value");
    if (property == "latency" || property == "frequency" || property == "retention") {
      if (value == nullptr || !value->IsNumber() || !(value->number > 0)) {
        return bad("value", StrCat("the ", property, " must be a number above 0"));
      }
      std::string unit = p.String("unit");
      std::optional<int64_t> per = UnitMs(unit);
      if (!per) {
        return bad("unit", StrCat("\"", unit,
                                  "\" is not a unit catalogd reads (m, h, d, w or y, or "
                                  "minutes, hours, days, weeks, years)"));
      }
      int64_t ms = static_cast<int64_t>(std::llround(value->number * static_cast<double>(*per)));
      std::optional<int64_t>& slot = property == "latency"     ? sla.latency_ms
                                     : property == "frequency" ? sla.frequency_ms
                                                               : sla.retention_ms;
      // Several of one kind: the strictest holds.
      slot = slot ? std::min(*slot, ms) : ms;
    } else if (property == "timeOfAvailability") {
      std::string text = value != nullptr && value->IsScalar() ? value->text : "";
      std::optional<int> minute = MinuteUtc(text);
      if (!minute) {
        return bad("value", StrCat("\"", text,
                                   "\" is not a time of day (09:00, 09:00Z, 09:00-08:00)"));
      }
      sla.available_by.push_back({*minute, text, p.String("driver")});
    }
  }
  return sla;
}

FreshnessState ParseFreshness(std::string_view name) {
  if (name == "fresh") return FreshnessState::kFresh;
  if (name == "stale") return FreshnessState::kStale;
  return FreshnessState::kUnknown;
}

std::string FreshnessName(FreshnessState s) {
  switch (s) {
    case FreshnessState::kUnknown: return "unknown";
    case FreshnessState::kFresh: return "fresh";
    case FreshnessState::kStale: return "stale";
  }
  return "unknown";
}

std::string EncodeSla(const Sla& sla) {
  if (sla.empty() && !sla.retention_ms) return "";
  nlohmann::json j = nlohmann::json::object();
  if (sla.latency_ms) j["latency"] = *sla.latency_ms;
  if (sla.frequency_ms) j["frequency"] = *sla.frequency_ms;
  if (sla.retention_ms) j["retention"] = *sla.retention_ms;
  for (const DailyDeadline& d : sla.available_by) {
    j["availableBy"].push_back({{"minute", d.minute_utc}, {"text", d.text}, {"driver", d.driver}});
  }
  return j.dump();
}

Sla DecodeSla(std::string_view text) {
  Sla sla;
  if (text.empty()) return sla;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return sla;
  auto ms = [&](const char* key) -> std::optional<int64_t> {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<int64_t>();
  };
  sla.latency_ms = ms("latency");
  sla.frequency_ms = ms("frequency");
  sla.retention_ms = ms("retention");
  auto at = j.find("availableBy");
  if (at != j.end() && at->is_array()) {
    for (const nlohmann::json& d : *at) {
      if (!d.is_object() || !d.value("minute", nlohmann::json()).is_number_integer()) continue;
      int minute = d["minute"].get<int>();
      if (minute < 0 || minute >= 24 * 60) continue;
      sla.available_by.push_back({.minute_utc = minute,
                                  .text = d.value("text", ""),
                                  .driver = d.value("driver", "")});
    }
  }
  return sla;
}

Freshness JudgeFreshness(const Sla& sla, std::optional<int64_t> last_write_ms, int64_t now_ms) {
  if (sla.empty()) return {.reason = "the contract states no freshness agreement"};
  if (!last_write_ms) return {.reason = "no successful write of it has been reported"};
  const int64_t w = *last_write_ms;
  // When each agreement is broken if nothing more is written; the earliest.
  int64_t breach = INT64_MAX;
  std::string why;
  auto consider = [&](int64_t at, std::string what) {
    if (at < breach) {
      breach = at;
      why = std::move(what);
    }
  };
  if (sla.latency_ms) consider(w + *sla.latency_ms, StrCat("latency ", SpanText(*sla.latency_ms)));
  if (sla.frequency_ms) {
    consider(w + *sla.frequency_ms, StrCat("frequency ", SpanText(*sla.frequency_ms)));
  }
  // A daily deadline wants a write in the day before it: the last write
  // meets the first deadline after it, and not the one a day later.
  for (const DailyDeadline& d : sla.available_by) {
    consider(NextAt(w, d.minute_utc) + kDayMs, StrCat("available by ", d.text, " each day"));
  }
  if (now_ms >= breach) {
    return {.state = FreshnessState::kStale,
            .since_ms = breach,
            .reason = StrCat(why, ": last written ", Time(w), ", overdue since ", Time(breach))};
  }
  return {.state = FreshnessState::kFresh,
          .since_ms = w,
          .reason = StrCat("written ", Time(w), "; ", why, " holds until ", Time(breach)),
          .next_change_ms = breach};
}

}  // namespace catalog::contract
