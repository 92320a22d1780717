#include "server/authz/column_table.h"

#include <algorithm>

namespace catalog::authz {

namespace {

// Each string is its length (7 bits a byte, low first; the high bit says
// more follow) and its bytes, so any byte may appear in a name.
void Put(std::string& out, std::string_view s) {
  size_t n = s.size();
  do {
    out.push_back(static_cast<char>((n & 0x7f) | (n > 0x7f ? 0x80 : 0)));
    n >>= 7;
  } while (n != 0);
  out.append(s);
}

std::string_view Take(std::string_view& rest) {
  size_t n = 0;
  int shift = 0;
  while (true) {
    auto byte = static_cast<unsigned char>(rest.front());
    rest.remove_prefix(1);
    n |= static_cast<size_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) break;
    shift += 7;
  }
  std::string_view s = rest.substr(0, n);
  rest.remove_prefix(n);
  return s;
}

}  // namespace

ColumnTable::ColumnTable(const std::vector<ColumnInfo>& columns) {
  size_t bytes = 0;
  for (const ColumnInfo& c : columns) bytes += c.path.size() + c.type.size() + 4;
  packed_.reserve(bytes);
  for (const ColumnInfo& c : columns) {
    Put(packed_, c.path);
    Put(packed_, c.type);
    if (!c.tags.empty() || c.classification != Classification::kUnspecified ||
        !c.terms.empty()) {
      marked_.push_back({count_, c.classification, c.tags, c.terms});
    }
    ++count_;
  }
  marked_.shrink_to_fit();
  packed_.shrink_to_fit();
}

template <typename Fn>
void ColumnTable::Scan(Fn fn) const {
  std::string_view rest = packed_;
  for (uint32_t i = 0; i < count_; ++i) {
    std::string_view path = Take(rest);
    std::string_view type = Take(rest);
    if (!fn(i, path, type)) return;
  }
}

ColumnInfo ColumnTable::Info(uint32_t index, std::string_view path,
                             std::string_view type) const {
  ColumnInfo info{.path = std::string(path), .type = std::string(type)};
  auto m = std::lower_bound(marked_.begin(), marked_.end(), index,
                            [](const Marked& a, uint32_t i) { return a.index < i; });
  if (m != marked_.end() && m->index == index) {
    info.tags = m->tags;
    info.classification = m->classification;
    info.terms = m->terms;
  }
  return info;
}

std::optional<ColumnInfo> ColumnTable::Find(std::string_view path) const {
  std::optional<ColumnInfo> out;
  Scan([&](uint32_t i, std::string_view p, std::string_view type) {
    if (p != path) return true;
    out = Info(i, p, type);
    return false;
  });
  return out;
}

std::vector<ColumnInfo> ColumnTable::Inside(std::string_view path) const {
  std::vector<ColumnInfo> out;
  Scan([&](uint32_t i, std::string_view p, std::string_view type) {
    if (p.size() > path.size() && p[path.size()] == '.' && p.starts_with(path)) {
      out.push_back(Info(i, p, type));
    }
    return true;
  });
  return out;
}

std::vector<ColumnInfo> ColumnTable::All() const {
  std::vector<ColumnInfo> out;
  out.reserve(count_);
  Scan([&](uint32_t i, std::string_view p, std::string_view type) {
    out.push_back(Info(i, p, type));
    return true;
  });
  return out;
}

}  // namespace catalog::authz
