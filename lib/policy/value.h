// Cedar values: the results of evaluating expressions, and the attributes of
// entities. Immutable once built; sets and records share their contents, so
// copying a Value is cheap. Thread-compatible (const use is thread-safe).
#pragma once

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace catalog::policy {

// `Namespace::Type::"id"`; the type is the full path, "::"-joined.
struct EntityUid {
  std::string type;
  std::string id;

  bool operator==(const EntityUid&) const = default;
  auto operator<=>(const EntityUid&) const = default;
  // Cedar syntax: Type::"id" with the id escaped.
  std::string ToString() const;
};

struct EntityUidHash {
  size_t operator()(const EntityUid& uid) const;
};

// An IPv4 or IPv6 address with a prefix length (a single address has the
// full length). Equality compares address and prefix as written.
struct IpAddr {
  bool v6 = false;
  unsigned __int128 addr = 0;
  int prefix = 32;

  bool operator==(const IpAddr&) const = default;
  auto operator<=>(const IpAddr& o) const {
    if (v6 != o.v6) return v6 <=> o.v6;
    if (addr != o.addr) return addr < o.addr ? std::strong_ordering::less
                                             : std::strong_ordering::greater;
    return prefix <=> o.prefix;
  }
};

// Fixed point with four fractional digits: value * 10^4.
struct Decimal {
  int64_t scaled = 0;
  bool operator==(const Decimal&) const = default;
  auto operator<=>(const Decimal&) const = default;
};

// Milliseconds since the Unix epoch, UTC.
struct Datetime {
  int64_t ms = 0;
  bool operator==(const Datetime&) const = default;
  auto operator<=>(const Datetime&) const = default;
};

// Milliseconds.
struct Duration {
  int64_t ms = 0;
  bool operator==(const Duration&) const = default;
  auto operator<=>(const Duration&) const = default;
};

class Value;
using ValueSet = std::vector<Value>;            // sorted, without duplicates

// A record's fields, or an entity's attributes: a vector sorted by name,
// with the lookups of a map. Flat because entities hold millions of these:
// one allocation for all of a record's fields, not one per field.
class ValueRecord {
 public:
  using value_type = std::pair<std::string, Value>;
  using const_iterator = std::vector<value_type>::const_iterator;
  using iterator = std::vector<value_type>::iterator;

  ValueRecord() = default;
  // Later duplicates of a name are ignored, as by emplace.
  ValueRecord(std::initializer_list<value_type> fields);

  // Defined after Value, which must be complete.
  const_iterator begin() const;
  const_iterator end() const;
  size_t size() const;
  bool empty() const;
  const_iterator find(std::string_view name) const;
  size_t count(std::string_view name) const;
  // The field named `name`, inserted (as false) when absent.
  Value& operator[](std::string_view name);
  // Inserts unless a field of that name exists; true when inserted.
  std::pair<const_iterator, bool> emplace(std::string name, Value value);
  // Releases spare capacity (for records kept long).
  void shrink_to_fit();

 private:
  iterator LowerBound(std::string_view name);
  std::vector<value_type> fields_;
};

class Value {
 public:
  enum class Kind {
    kBool,
    kLong,
    kString,
    kEntity,
    kSet,
    kRecord,
    kIp,
    kDecimal,
    kDatetime,
    kDuration,
  };

  Value() : v_(false) {}
  static Value Bool(bool b) { return Value(Rep(b)); }
  static Value Long(int64_t i) { return Value(Rep(i)); }
  static Value String(std::string s) {
    return Value(Rep(std::make_shared<const std::string>(std::move(s))));
  }
  static Value Entity(EntityUid uid) {
    return Value(Rep(std::make_shared<const EntityUid>(std::move(uid))));
  }
  // Sorts and removes duplicates.
  static Value Set(std::vector<Value> items);
  static Value Record(ValueRecord fields) {
    return Value(Rep(std::make_shared<const ValueRecord>(std::move(fields))));
  }
  static Value Ip(IpAddr ip) {
    return Value(Rep(std::make_shared<const IpAddr>(ip)));
  }
  static Value Dec(Decimal d) { return Value(Rep(d)); }
  static Value Time(Datetime d) { return Value(Rep(d)); }
  static Value Span(Duration d) { return Value(Rep(d)); }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is(Kind k) const { return kind() == k; }

  // Accessors; call only on a value of that kind.
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_long() const { return std::get<int64_t>(v_); }
  const std::string& as_string() const { return *std::get<StringPtr>(v_); }
  const EntityUid& as_entity() const { return *std::get<EntityPtr>(v_); }
  const ValueSet& as_set() const { return *std::get<SetPtr>(v_); }
  const ValueRecord& as_record() const { return *std::get<RecordPtr>(v_); }
  const IpAddr& as_ip() const { return *std::get<IpPtr>(v_); }
  Decimal as_decimal() const { return std::get<Decimal>(v_); }
  Datetime as_datetime() const { return std::get<Datetime>(v_); }
  Duration as_duration() const { return std::get<Duration>(v_); }

  // Structural equality and a total order (kind first), used for sets.
  bool operator==(const Value& other) const;
  std::strong_ordering operator<=>(const Value& other) const;

  // How many Values share this one's storage; 0 for kinds held inline.
  long use_count() const;

  // True when the (sorted) set contains `v`.
  bool SetContains(const Value& v) const;

  // Cedar-like text for messages and tests.
  std::string ToString() const;

 private:
  using StringPtr = std::shared_ptr<const std::string>;
  using EntityPtr = std::shared_ptr<const EntityUid>;
  using SetPtr = std::shared_ptr<const ValueSet>;
  using RecordPtr = std::shared_ptr<const ValueRecord>;
  // Addresses are held by pointer so that a Value stays 24 bytes.
  using IpPtr = std::shared_ptr<const IpAddr>;
  using Rep = std::variant<bool, int64_t, StringPtr, EntityPtr, SetPtr,
                           RecordPtr, IpPtr, Decimal, Datetime, Duration>;
  explicit Value(Rep v) : v_(std::move(v)) {}
  Rep v_;
};

inline ValueRecord::const_iterator ValueRecord::begin() const { return fields_.begin(); }
inline ValueRecord::const_iterator ValueRecord::end() const { return fields_.end(); }
inline size_t ValueRecord::size() const { return fields_.size(); }
inline bool ValueRecord::empty() const { return fields_.empty(); }
inline size_t ValueRecord::count(std::string_view name) const {
  return find(name) != end() ? 1 : 0;
}
inline void ValueRecord::shrink_to_fit() { fields_.shrink_to_fit(); }

// Name of a kind as Cedar's error messages say it ("Long", "set", ...).
std::string_view KindName(Value::Kind kind);

// Extension constructors. nullopt when the text is not valid for the type.
std::optional<IpAddr> ParseIp(std::string_view text);
std::optional<Decimal> ParseDecimal(std::string_view text);
std::optional<Datetime> ParseDatetime(std::string_view text);
std::optional<Duration> ParseDuration(std::string_view text);

// IP predicates, per Cedar's ipaddr extension.
bool IpInRange(const IpAddr& ip, const IpAddr& range);
bool IpIsLoopback(const IpAddr& ip);
bool IpIsMulticast(const IpAddr& ip);

// Escapes a string as a Cedar string literal body.
std::string EscapeString(std::string_view s);

}  // namespace catalog::policy
