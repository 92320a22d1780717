#include "lib/policy/value.h"

#include <algorithm>
#include <functional>

namespace catalog::policy {
namespace {

using i128 = __int128;

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
}

// Parses decimal digits into an arbitrary-precision-enough value; nullopt
// when not all digits or beyond what any Cedar number can hold.
std::optional<i128> Digits(std::string_view s) {
  if (!AllDigits(s) || s.size() > 30) return std::nullopt;
  i128 n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  return n;
}

bool FitsInt64(i128 v) { return v >= INT64_MIN && v <= INT64_MAX; }

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = s.find(sep, start);
    parts.push_back(s.substr(start, at == std::string_view::npos ? at : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return parts;
}

// A number with no leading zero (except "0" itself), at most `max_len`
// digits, at most `max`.
std::optional<int> SmallNumber(std::string_view s, size_t max_len, int max) {
  if (s.empty() || s.size() > max_len || !AllDigits(s)) return std::nullopt;
  if (s.size() > 1 && s[0] == '0') return std::nullopt;
  int n = 0;
  for (char c : s) n = n * 10 + (c - '0');
  if (n > max) return std::nullopt;
  return n;
}

std::optional<IpAddr> ParseIpv4(std::string_view text) {
  std::vector<std::string_view> parts = Split(text, '/');
  if (parts.size() > 2) return std::nullopt;
  int prefix = 32;
  if (parts.size() == 2) {
    auto p = SmallNumber(parts[1], 2, 32);
    if (!p) return std::nullopt;
    prefix = *p;
  }
  std::vector<std::string_view> octets = Split(parts[0], '.');
  if (octets.size() != 4) return std::nullopt;
  uint32_t addr = 0;
  for (std::string_view o : octets) {
    auto n = SmallNumber(o, 3, 255);
    if (!n) return std::nullopt;
    addr = (addr << 8) | static_cast<uint32_t>(*n);
  }
  return IpAddr{.v6 = false, .addr = addr, .prefix = prefix};
}

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
         (c >= 'A' && c <= 'F');
}

std::optional<std::vector<uint16_t>> HexGroups(std::string_view s) {
  std::vector<uint16_t> out;
  if (s.empty()) return out;
  for (std::string_view g : Split(s, ':')) {
    if (g.empty() || g.size() > 4 || !std::all_of(g.begin(), g.end(), IsHex)) {
      return std::nullopt;
    }
    out.push_back(static_cast<uint16_t>(std::stoul(std::string(g), nullptr, 16)));
  }
  return out;
}

std::optional<IpAddr> ParseIpv6(std::string_view text) {
  std::vector<std::string_view> parts = Split(text, '/');
  if (parts.size() > 2) return std::nullopt;
  int prefix = 128;
  if (parts.size() == 2) {
    auto p = SmallNumber(parts[1], 3, 128);
    if (!p) return std::nullopt;
    prefix = *p;
  }
  std::string_view body = parts[0];
  std::vector<uint16_t> groups;
  size_t gap = body.find("::");
  if (gap == std::string_view::npos) {
    auto g = HexGroups(body);
    if (!g) return std::nullopt;
    groups = *g;
  } else {
    if (body.find("::", gap + 1) != std::string_view::npos) return std::nullopt;
    auto head = HexGroups(body.substr(0, gap));
    auto tail = HexGroups(body.substr(gap + 2));
    if (!head || !tail || head->size() + tail->size() >= 8) return std::nullopt;
    groups = *head;
    groups.resize(8 - tail->size(), 0);
    groups.insert(groups.end(), tail->begin(), tail->end());
  }
  if (groups.size() != 8) return std::nullopt;
  unsigned __int128 addr = 0;
  for (uint16_t g : groups) addr = (addr << 16) | g;
  return IpAddr{.v6 = true, .addr = addr, .prefix = prefix};
}

// The [lo, hi] addresses a network covers.
std::pair<unsigned __int128, unsigned __int128> IpRange(const IpAddr& ip) {
  int width = (ip.v6 ? 128 : 32) - ip.prefix;
  unsigned __int128 lo =
      width >= 128 ? 0 : (ip.addr >> width) << width;
  unsigned __int128 span =
      width >= 128 ? ~static_cast<unsigned __int128>(0)
                   : ((static_cast<unsigned __int128>(1) << width) - 1);
  return {lo, lo + span};
}

int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

std::optional<int> Fixed(std::string_view s, size_t pos, size_t len) {
  if (pos + len > s.size()) return std::nullopt;
  std::string_view part = s.substr(pos, len);
  if (!AllDigits(part)) return std::nullopt;
  int n = 0;
  for (char c : part) n = n * 10 + (c - '0');
  return n;
}

void Hash(size_t& seed, size_t v) {
  seed ^= v + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}

}  // namespace

std::string EntityUid::ToString() const {
  return type + "::\"" + EscapeString(id) + "\"";
}

size_t EntityUidHash::operator()(const EntityUid& uid) const {
  size_t seed = std::hash<std::string>()(uid.type);
  Hash(seed, std::hash<std::string>()(uid.id));
  return seed;
}

Value Value::Set(std::vector<Value> items) {
  std::sort(items.begin(), items.end(),
            [](const Value& a, const Value& b) { return (a <=> b) < 0; });
  items.erase(std::unique(items.begin(), items.end()), items.end());
  return Value(Rep(std::make_shared<const ValueSet>(std::move(items))));
}

long Value::use_count() const {
  return std::visit(
      [](const auto& rep) -> long {
        if constexpr (requires { rep.use_count(); }) {
          return rep.use_count();
        } else {
          return 0;
        }
      },
      v_);
}

bool Value::operator==(const Value& o) const { return (*this <=> o) == 0; }

ValueRecord::ValueRecord(std::initializer_list<value_type> fields) {
  fields_.reserve(fields.size());
  for (const value_type& f : fields) emplace(f.first, f.second);
}

ValueRecord::iterator ValueRecord::LowerBound(std::string_view name) {
  return std::lower_bound(fields_.begin(), fields_.end(), name,
                          [](const value_type& f, std::string_view n) { return f.first < n; });
}

ValueRecord::const_iterator ValueRecord::find(std::string_view name) const {
  auto it = std::lower_bound(fields_.begin(), fields_.end(), name,
                             [](const value_type& f, std::string_view n) { return f.first < n; });
  return it != fields_.end() && it->first == name ? it : fields_.end();
}

Value& ValueRecord::operator[](std::string_view name) {
  auto it = LowerBound(name);
  if (it == fields_.end() || it->first != name) {
    it = fields_.insert(it, {std::string(name), Value()});
  }
  return it->second;
}

std::pair<ValueRecord::const_iterator, bool> ValueRecord::emplace(std::string name, Value value) {
  auto it = LowerBound(name);
  if (it != fields_.end() && it->first == name) return {it, false};
  it = fields_.insert(it, {std::move(name), std::move(value)});
  return {it, true};
}

std::strong_ordering Value::operator<=>(const Value& o) const {
  if (v_.index() != o.v_.index()) return v_.index() <=> o.v_.index();
  switch (kind()) {
    case Kind::kBool:
      return as_bool() <=> o.as_bool();
    case Kind::kLong:
      return as_long() <=> o.as_long();
    case Kind::kString:
      return as_string().compare(o.as_string()) <=> 0;
    case Kind::kEntity:
      return as_entity() <=> o.as_entity();
    case Kind::kSet: {
      const ValueSet& a = as_set();
      const ValueSet& b = o.as_set();
      if (&a == &b) return std::strong_ordering::equal;
      return std::lexicographical_compare_three_way(a.begin(), a.end(),
                                                    b.begin(), b.end());
    }
    case Kind::kRecord: {
      const ValueRecord& a = as_record();
      const ValueRecord& b = o.as_record();
      if (&a == &b) return std::strong_ordering::equal;
      auto ia = a.begin(), ib = b.begin();
      for (; ia != a.end() && ib != b.end(); ++ia, ++ib) {
        if (auto c = ia->first.compare(ib->first) <=> 0; c != 0) return c;
        if (auto c = ia->second <=> ib->second; c != 0) return c;
      }
      return (ia == a.end() ? 0 : 1) <=> (ib == b.end() ? 0 : 1);
    }
    case Kind::kIp:
      return as_ip() <=> o.as_ip();
    case Kind::kDecimal:
      return as_decimal() <=> o.as_decimal();
    case Kind::kDatetime:
      return as_datetime() <=> o.as_datetime();
    case Kind::kDuration:
      return as_duration() <=> o.as_duration();
  }
  return std::strong_ordering::equal;
}

bool Value::SetContains(const Value& v) const {
  const ValueSet& s = as_set();
  auto it = std::lower_bound(s.begin(), s.end(), v, [](const Value& a, const Value& b) {
    return (a <=> b) < 0;
  });
  return it != s.end() && *it == v;
}

std::string Value::ToString() const {
  switch (kind()) {
    case Kind::kBool:
      return as_bool() ? "true" : "false";
    case Kind::kLong:
      return std::to_string(as_long());
    case Kind::kString:
      return "\"" + EscapeString(as_string()) + "\"";
    case Kind::kEntity:
      return as_entity().ToString();
    case Kind::kSet: {
      std::string out = "[";
      for (const Value& v : as_set()) out += (out.size() > 1 ? ", " : "") + v.ToString();
      return out + "]";
    }
    case Kind::kRecord: {
      std::string out = "{";
      for (const auto& [k, v] : as_record()) {
        out += (out.size() > 1 ? ", \"" : "\"") + EscapeString(k) + "\": " + v.ToString();
      }
      return out + "}";
    }
    case Kind::kIp:
      return "ip(...)";
    case Kind::kDecimal: {
      int64_t d = as_decimal().scaled;
      std::string sign = d < 0 ? "-" : "";
      unsigned long long a = d < 0 ? -static_cast<unsigned long long>(d) : d;
      std::string frac = std::to_string(a % 10000);
      return "decimal(\"" + sign + std::to_string(a / 10000) + "." +
             std::string(4 - frac.size(), '0') + frac + "\")";
    }
    case Kind::kDatetime:
      return "datetime(" + std::to_string(as_datetime().ms) + "ms)";
    case Kind::kDuration:
      return "duration(\"" + std::to_string(as_duration().ms) + "ms\")";
  }
  return "";
}

std::string_view KindName(Value::Kind kind) {
  static constexpr std::string_view kNames[] = {
      "bool", "long",    "string",   "entity",  "set",
      "record", "ipaddr", "decimal", "datetime", "duration"};
  return kNames[static_cast<int>(kind)];
}

std::optional<IpAddr> ParseIp(std::string_view text) {
  if (auto v4 = ParseIpv4(text)) return v4;
  return ParseIpv6(text);
}

bool IpInRange(const IpAddr& ip, const IpAddr& range) {
  if (ip.v6 != range.v6) return false;
  auto [lo1, hi1] = IpRange(ip);
  auto [lo2, hi2] = IpRange(range);
  return hi2 >= hi1 && lo1 >= lo2;
}

bool IpIsLoopback(const IpAddr& ip) {
  return ip.v6 ? IpInRange(ip, {.v6 = true, .addr = 1, .prefix = 128})
               : IpInRange(ip, {.v6 = false, .addr = 0x7f000000u, .prefix = 8});
}

bool IpIsMulticast(const IpAddr& ip) {
  return ip.v6 ? IpInRange(ip, {.v6 = true,
                                .addr = static_cast<unsigned __int128>(0xff00) << 112,
                                .prefix = 8})
               : IpInRange(ip, {.v6 = false, .addr = 0xe0000000u, .prefix = 4});
}

std::optional<Decimal> ParseDecimal(std::string_view text) {
  std::vector<std::string_view> parts = Split(text, '.');
  if (parts.size() != 2) return std::nullopt;
  std::string_view left = parts[0], right = parts[1];
  if (right.empty() || right.size() > 4) return std::nullopt;
  bool negative = !left.empty() && left[0] == '-';
  std::optional<i128> whole = Digits(negative ? left.substr(1) : left);
  std::optional<i128> frac = Digits(right);
  if (!whole || !frac) return std::nullopt;
  for (size_t i = right.size(); i < 4; ++i) *frac *= 10;
  i128 value = *whole * 10000 + *frac;
  if (negative) value = -value;
  if (!FitsInt64(value)) return std::nullopt;
  return Decimal{static_cast<int64_t>(value)};
}

std::optional<Datetime> ParseDatetime(std::string_view s) {
  auto year = Fixed(s, 0, 4);
  auto month = Fixed(s, 5, 2);
  auto day = Fixed(s, 8, 2);
  if (!year || !month || !day || s.size() < 10 || s[4] != '-' || s[7] != '-') {
    return std::nullopt;
  }
  if (*month < 1 || *month > 12 || *day < 1 ||
      *day > DaysInMonth(*year, *month)) {
    return std::nullopt;
  }
  int64_t ms = DaysFromCivil(*year, *month, *day) * 86400000LL;
  if (s.size() == 10) return Datetime{ms};
  if (s.size() < 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':') {
    return std::nullopt;
  }
  auto hour = Fixed(s, 11, 2);
  auto minute = Fixed(s, 14, 2);
  auto second = Fixed(s, 17, 2);
  if (!hour || !minute || !second || *hour > 23 || *minute > 59 ||
      *second > 59) {
    return std::nullopt;
  }
  ms += (*hour * 3600LL + *minute * 60LL + *second) * 1000LL;
  size_t pos = 19;
  if (s[pos] == '.') {
    auto millis = Fixed(s, pos + 1, 3);
    if (!millis) return std::nullopt;
    ms += *millis;
    pos += 4;
  }
  if (pos == s.size() - 1 && s[pos] == 'Z') return Datetime{ms};
  if (pos + 5 != s.size() || (s[pos] != '+' && s[pos] != '-')) {
    return std::nullopt;
  }
  auto off_h = Fixed(s, pos + 1, 2);
  auto off_m = Fixed(s, pos + 3, 2);
  if (!off_h || !off_m || *off_h > 23 || *off_m > 59) return std::nullopt;
  int64_t offset = (*off_h * 3600LL + *off_m * 60LL) * 1000LL;
  // Local time minus its offset is UTC.
  ms += s[pos] == '+' ? -offset : offset;
  return Datetime{ms};
}

std::optional<Duration> ParseDuration(std::string_view text) {
  bool negative = !text.empty() && text[0] == '-';
  std::string_view s = negative ? text.substr(1) : text;
  if (s.empty()) return std::nullopt;
  static constexpr std::pair<std::string_view, int64_t> kUnits[] = {
      {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
  i128 total = 0;
  for (const auto& [suffix, scale] : kUnits) {
    if (s.size() < suffix.size() ||
        s.substr(s.size() - suffix.size()) != suffix) {
      continue;
    }
    std::string_view rest = s.substr(0, s.size() - suffix.size());
    size_t start = rest.size();
    while (start > 0 && rest[start - 1] >= '0' && rest[start - 1] <= '9') --start;
    std::optional<i128> n = Digits(rest.substr(start));
    if (!n || !FitsInt64(*n)) return std::nullopt;
    total += *n * scale;
    s = rest.substr(0, start);
  }
  if (!s.empty() || !FitsInt64(total)) return std::nullopt;
  return Duration{static_cast<int64_t>(negative ? -total : total)};
}

std::string EscapeString(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\0':
        out += "\\0";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[12];
          std::snprintf(buf, sizeof(buf), "\\u{%x}", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  return out;
}

}  // namespace catalog::policy
