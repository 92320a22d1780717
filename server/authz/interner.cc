#include "server/authz/interner.h"

#include <algorithm>

#include "server/authz/catalog_entities.h"

namespace catalog::authz {

using policy::Value;

// Keys start with a letter for the kind of value, so a string and a set of
// one string never meet; items are joined by '\0', which no catalog name,
// tag or principal holds.
policy::Value ValueInterner::Find(std::string key, const auto& make) {
  {
    std::lock_guard lock(mu_);
    auto it = values_.find(key);
    if (it != values_.end()) return it->second;
  }
  Value made = make();  // may intern its parts: not under the lock
  std::lock_guard lock(mu_);
  auto [it, inserted] = values_.emplace(std::move(key), std::move(made));
  Value out = it->second;
  if (inserted) MaybeSweep();
  return out;
}

void ValueInterner::MaybeSweep() {
  if (values_.size() < 2 * swept_at_) return;
  std::erase_if(values_, [](const auto& entry) { return entry.second.use_count() == 1; });
  swept_at_ = std::max<size_t>(1024, values_.size());
}

size_t ValueInterner::size() const {
  std::lock_guard lock(mu_);
  return values_.size();
}

Value ValueInterner::String(std::string_view s) {
  std::string key = "s";
  key.append(s);
  return Find(std::move(key), [&] { return Value::String(std::string(s)); });
}

namespace {

// A set's items in order without repeats, and its key: `kind`, then each
// item followed by '\0'.
std::string SetKey(char kind, std::vector<std::string_view>& items) {
  std::sort(items.begin(), items.end());
  items.erase(std::unique(items.begin(), items.end()), items.end());
  std::string key(1, kind);
  for (std::string_view item : items) key.append(item).push_back('\0');
  return key;
}

}  // namespace

Value ValueInterner::StringSet(const std::vector<std::string>& items) {
  std::vector<std::string_view> sorted(items.begin(), items.end());
  std::string key = SetKey('t', sorted);
  return Find(std::move(key), [&] {
    std::vector<Value> values;
    values.reserve(sorted.size());
    for (std::string_view item : sorted) values.push_back(String(item));
    return Value::Set(std::move(values));
  });
}

Value ValueInterner::Owners(const std::vector<Owner>& owners) {
  std::vector<std::string_view> sorted;
  sorted.reserve(owners.size());
  for (const Owner& o : owners) sorted.push_back(o.principal);
  std::string key = SetKey('o', sorted);
  return Find(std::move(key), [&] {
    std::vector<Value> values;
    for (std::string_view p : sorted) {
      absl::StatusOr<policy::EntityUid> uid = PrincipalUid(p);
      if (uid.ok()) values.push_back(Value::Entity(*std::move(uid)));
    }
    return Value::Set(std::move(values));
  });
}

Value ValueInterner::StringRecord(const std::map<std::string, std::string>& fields) {
  std::string key = "r";
  for (const auto& [k, v] : fields) key.append(k).push_back('\0'), key.append(v).push_back('\0');
  return Find(std::move(key), [&] {
    policy::ValueRecord record;
    for (const auto& [k, v] : fields) record.emplace(k, String(v));
    return Value::Record(std::move(record));
  });
}

}  // namespace catalog::authz
