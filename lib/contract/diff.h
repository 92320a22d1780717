// Every change between two versions of a contract, matched by object and
// property name, each with its impact on consumers, and the version bump the
// changes need. The table of impacts is in docs/contracts-in-ci.md.
#pragma once

#include <string>
#include <vector>

#include "lib/contract/contract.h"

namespace catalog::contract {

enum class Impact { kBreaking, kWarning, kInfo };
std::string ImpactName(Impact i);  // "breaking", "warning", "info"

enum class Bump { kNone, kPatch, kMinor, kMajor };
std::string BumpName(Bump b);  // "none", "patch", "minor", "major"

struct Change {
  Impact impact = Impact::kInfo;
  std::string rule;  // "property-removed", "type-changed", ...
  std::string path;  // "orders.customer_id"
  Position pos;      // in the new document, else in the old one
  bool in_old = false;  // pos is in the old document (the thing is gone)
  std::string message;
};

struct DiffResult {
  std::vector<Change> changes;
  Bump needed = Bump::kNone;  // major if breaking, minor for additions and
                              // warnings, patch for the rest
  Bump actual = Bump::kNone;  // what the versions say
  bool version_ok = true;     // actual >= needed and not a downgrade
  bool Breaking() const;
};

DiffResult Diff(const Contract& before, const Contract& after);

// The bump between two semantic versions; nullopt when either is not one or
// the new one is lower.
std::optional<Bump> BumpBetween(std::string_view before, std::string_view after);

}  // namespace catalog::contract
