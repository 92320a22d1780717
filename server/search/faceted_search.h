// Search with facets: the store's full-text search (or, without words, the
// catalog in key order) narrowed by filters on what the policy snapshot
// knows of each dataset — its domain, owners, tags, classification,
// namespace, health, layer, tier, certification and glossary terms — and, on
// request, how many of the matches the caller may read
// carry each value.
//
// Filters: within one facet any value matches (OR); across facets all must
// (AND). A domain matches its datasets and those of the domains below it.
// Counts are disjunctive, as shoppers know them from stores: a facet's
// counts ignore that facet's own filter (choosing domain "sales" leaves the
// other domains' counts in place to widen the choice), and honour every
// other filter.
//
// Cost is bounded per call: at most kScanBudget matches are read from the
// store, as keys in one query (a spec is read for the page's hits only).
// Counts cover the first kScanBudget matches (the answer says whether that
// was all of them); a page whose filters match rarely comes back short,
// with a token to go on from where the scan stopped.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/health/upstream.h"
#include "server/store/store.h"

namespace catalog::policy {
class EntityView;
struct EntityUid;
}  // namespace catalog::policy

namespace catalog::search {

struct Filters {
  std::vector<std::string> domains;          // "sales" (and below it)
  std::vector<std::string> owners;           // "user:alice", "group:analysts"
  std::vector<std::string> tags;
  std::vector<std::string> classifications;  // "public" … "restricted"
  std::vector<std::string> namespaces;
  std::vector<std::string> healths;  // "failing", "upstream-degraded", ... (docs/quality.md)
  std::vector<std::string> layers;          // "gold" (docs/governance.md)
  std::vector<std::string> tiers;           // "1" … "5"
  std::vector<std::string> certifications;  // "none", "draft", "verified"
  std::vector<std::string> terms;           // glossary terms' ids (docs/governance.md#glossary)
  bool empty() const;
};

// Facet names, in the order answers list them.
inline constexpr const char* kFacetNames[] = {"domain",    "owner",  "tag",
                                              "classification", "namespace", "health",
                                              "layer",  "tier",      "certification",
                                              "term"};

struct FacetValue {
  std::string value;
  int64_t count = 0;
};

struct Facet {
  std::string name;                // one of kFacetNames
  std::vector<FacetValue> values;  // most frequent first, at most kFacetValues
};

struct Hit {
  store::SearchHit hit;
  std::vector<std::string> owners;  // "user:alice"
  std::vector<std::string> tags;
  std::string classification;       // "" when unclassified
  std::string health;               // with its upstream
};

struct Result {
  std::vector<Hit> hits;
  std::string next_page_token;
  std::vector<Facet> facets;  // when asked for, on a first page
  int64_t facets_scanned = 0;  // readable matches the counts cover
  bool facets_complete = true;  // the counts cover every match
};

inline constexpr int kScanBudget = 10000;
inline constexpr int kFacetValues = 20;
inline constexpr int kMaxFilterValues = 20;

// INVALID_ARGUMENT naming the field ("filter.owners[1]: …") and the rule.
absl::Status ValidateFilters(const Filters& filters);

struct Request {
  std::string query;  // words, as store::Store::Search takes them; may be empty
  Filters filters;
  bool facets = false;
  store::PageRequest page;
  int scan_budget = kScanBudget;  // smaller in tests
  // Which datasets are upstream-degraded (the snapshot's); none when unset.
  const health::UpstreamHealth* upstream = nullptr;
};

// `readable` says whether the caller may read a dataset (by its entity uid);
// `entities` is the policy snapshot's view of the catalog. A query without
// words needs a filter or `facets`.
absl::StatusOr<Result> Search(store::Store& store, const policy::EntityView& entities,
                              const std::function<bool(const policy::EntityUid&)>& readable,
                              const Request& request);

}  // namespace catalog::search
