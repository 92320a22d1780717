// One shared copy of each attribute value that many catalog entities
// repeat: a namespace, a lifecycle, a classification, a column type, a set
// of tags, a set of owners. A million datasets in a handful of namespaces
// and owner teams then hold a handful of copies, not a million.
//
// Snapshots derived from one another share an interner; a full rebuild
// starts a new one. Values no entity holds any more are dropped as the
// interner grows (Sweep). Thread-safe.
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lib/catalog/model.h"
#include "lib/policy/value.h"

namespace catalog::authz {

class ValueInterner {
 public:
  policy::Value String(std::string_view s);
  // A set of strings (tags), in any order, with any duplicates.
  policy::Value StringSet(const std::vector<std::string>& items);
  // The set of owner principals' entities (owners that do not name a
  // principal are left out).
  policy::Value Owners(const std::vector<Owner>& owners);
  // A record of string fields (a dataset's properties).
  policy::Value StringRecord(const std::map<std::string, std::string>& fields);

  size_t size() const;

 private:
  policy::Value Find(std::string key, const auto& make);
  // Drops values only the interner holds, when it has doubled since the
  // last sweep. Called with mu_ held.
  void MaybeSweep();

  mutable std::mutex mu_;
  std::unordered_map<std::string, policy::Value> values_;
  size_t swept_at_ = 1024;
};

}  // namespace catalog::authz
