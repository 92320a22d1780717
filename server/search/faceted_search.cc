#include "server/search/faceted_search.h"

#include <algorithm>
#include <array>
#include <optional>
#include <unordered_map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "lib/catalog/validate.h"
#include "lib/policy/entities.h"
#include "lib/util/sealed.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/authz/catalog_entities.h"
#include "server/authz/decision_log.h"

namespace catalog::search {
namespace {

enum FacetIndex {
  kDomain,
  kOwner,
  kTag,
  kClassification,
  kNamespace,
  kHealth,
  kLayer,
  kTier,
  kCertification,
  kTerm,
  kFacets
};

// A facet value, as views into the snapshot's entities (or the match's
// key) so that counting ten thousand matches copies no string: an owner is
// its entity's type and id, any other value its text (and "").
struct FacetKey {
  std::string_view a, b;
  bool operator==(const FacetKey&) const = default;
};
struct FacetKeyHash {
  size_t operator()(const FacetKey& k) const {
    return std::hash<std::string_view>()(k.a) * 31 + std::hash<std::string_view>()(k.b);
  }
};
using Counts = std::unordered_map<FacetKey, int64_t, FacetKeyHash>;

std::string TextOf(int facet, const FacetKey& k) {
  if (facet == kOwner) return authz::PrincipalName({std::string(k.a), std::string(k.b)});
  return std::string(k.a);
}

// What the snapshot knows of one dataset, as facet values.
struct Attributes {
  std::array<std::vector<FacetKey>, kFacets> values;
  const policy::Entity* entity = nullptr;
};

const policy::Value* Attr(const policy::Entity& e, std::string_view name) {
  auto it = e.attrs.find(name);
  return it == e.attrs.end() ? nullptr : &it->second;
}

void KeysOf(const policy::Value* v, std::vector<FacetKey>& out) {
  if (v == nullptr || !v->is(policy::Value::Kind::kSet)) return;
  for (const policy::Value& item : v->as_set()) {
    if (item.is(policy::Value::Kind::kString)) out.push_back({item.as_string(), {}});
    if (item.is(policy::Value::Kind::kEntity)) {
      out.push_back({item.as_entity().type, item.as_entity().id});
    }
  }
}

void AttributesOf(const policy::Entity& e, const DatasetKey& key,
                  const health::UpstreamHealth* upstream, Attributes& a) {
  for (auto& v : a.values) v.clear();
  a.entity = &e;
  for (const policy::EntityUid& parent : e.parents) {
    if (parent.type == "Domain") {
      a.values[kDomain].push_back({parent.id, {}});
      break;
    }
  }
  KeysOf(Attr(e, "owners"), a.values[kOwner]);
  KeysOf(Attr(e, "tags"), a.values[kTag]);
  if (const policy::Value* c = Attr(e, "classification");
      c != nullptr && c->is(policy::Value::Kind::kString)) {
    a.values[kClassification].push_back({c->as_string(), {}});
  }
  a.values[kNamespace].push_back({key.ns, {}});
  if (const policy::Value* h = Attr(e, "health"); h != nullptr && h->is(policy::Value::Kind::kString)) {
    // Its own, or upstream-degraded over ok and warning.
    static const std::string kDegraded = health::HealthName(health::Health::kUpstreamDegraded);
    std::optional<health::Health> own = health::ParseHealth(h->as_string());
    const bool degraded = own && upstream != nullptr &&
                          health::EffectiveHealth(*own, upstream->FindId(e.uid.id)) != *own;
    a.values[kHealth].push_back({degraded ? std::string_view(kDegraded) : h->as_string(), {}});
  }
  // Governance: a layer and a tier when set, a certification always.
  if (const policy::Value* l = Attr(e, "layer");
      l != nullptr && l->is(policy::Value::Kind::kString) && !l->as_string().empty()) {
    a.values[kLayer].push_back({l->as_string(), {}});
  }
  if (const policy::Value* t = Attr(e, "tier"); t != nullptr && t->is(policy::Value::Kind::kLong)) {
    static constexpr std::string_view kTiers[] = {"", "1", "2", "3", "4", "5"};
    const int64_t tier = t->as_long();
    if (tier >= 1 && tier <= 5) a.values[kTier].push_back({kTiers[tier], {}});
  }
  if (const policy::Value* c = Attr(e, "certification");
      c != nullptr && c->is(policy::Value::Kind::kString)) {
    a.values[kCertification].push_back({c->as_string(), {}});
  }
  KeysOf(Attr(e, "terms"), a.values[kTerm]);
}

const std::vector<std::string>& FilterOf(const Filters& f, int facet) {
  switch (facet) {
    case kDomain: return f.domains;
    case kOwner: return f.owners;
    case kTag: return f.tags;
    case kClassification: return f.classifications;
    case kHealth: return f.healths;
    case kLayer: return f.layers;
    case kTier: return f.tiers;
    case kCertification: return f.certifications;
    case kTerm: return f.terms;
    default: return f.namespaces;
  }
}

// The filters as facet keys (owners parsed once), and the domains' uids.
struct Wanted {
  explicit Wanted(const Filters& f) {
    for (const std::string& o : f.owners) {
      absl::StatusOr<policy::EntityUid> uid = authz::PrincipalUid(o);
      if (uid.ok()) owners.push_back(*std::move(uid));
    }
    for (const std::string& d : f.domains) domains.push_back(authz::DomainUid(d));
    for (int facet = 0; facet < kFacets; ++facet) {
      if (facet == kOwner) {
        for (const policy::EntityUid& o : owners) keys[facet].push_back({o.type, o.id});
      } else {
        for (const std::string& v : FilterOf(f, facet)) keys[facet].push_back({v, {}});
      }
    }
  }
  std::vector<policy::EntityUid> owners, domains;
  std::array<std::vector<FacetKey>, kFacets> keys;
};

bool Passes(const Wanted& wanted, int facet, const Attributes& a,
            const policy::EntityView& entities) {
  const std::vector<FacetKey>& keys = wanted.keys[facet];
  if (keys.empty()) return true;
  if (facet == kDomain) {
    // The domain or one below it: the dataset's entity is in it.
    for (const policy::EntityUid& d : wanted.domains) {
      if (entities.InOrEqual(a.entity->uid, d)) return true;
    }
    return false;
  }
  for (const FacetKey& v : a.values[facet]) {
    if (std::find(keys.begin(), keys.end(), v) != keys.end()) return true;
  }
  return false;
}

// Where a scan stands: an offset into the matches of words, or the last
// key passed in the catalog's order.
struct Position {
  int64_t offset = 0;
  DatasetKey after;
};

std::string EncodePosition(bool by_words, const Position& p) {
  return Seal(by_words ? StrCat("o\n", p.offset) : StrCat("a\n", p.after.ns, "\n", p.after.name));
}

absl::StatusOr<Position> DecodePosition(bool by_words, std::string_view token) {
  if (token.empty()) return Position{};
  absl::StatusOr<std::string> plain = Unseal(token);
  std::vector<std::string> parts;
  if (plain.ok()) parts = absl::StrSplit(*plain, '\n');
  Position p;
  const bool ok = by_words ? parts.size() == 2 && parts[0] == "o" &&
                                 absl::SimpleAtoi(parts[1], &p.offset) && p.offset >= 0
                           : parts.size() == 3 && parts[0] == "a";
  if (!ok) return absl::InvalidArgumentError("page_token: malformed");
  if (!by_words) p.after = {parts[1], parts[2]};
  return p;
}

}  // namespace

bool Filters::empty() const {
  return domains.empty() && owners.empty() && tags.empty() && classifications.empty() &&
         namespaces.empty() && healths.empty() && layers.empty() && tiers.empty() &&
         certifications.empty() && terms.empty();
}

absl::Status ValidateFilters(const Filters& filters) {
  static constexpr const char* kFields[] = {"domains",    "owners",  "tags",
                                            "classifications", "namespaces", "healths",
                                            "layers",  "tiers",      "certifications",
                                            "terms"};
  for (int facet = 0; facet < kFacets; ++facet) {
    const std::vector<std::string>& values = FilterOf(filters, facet);
    const std::string field = StrCat("filter.", kFields[facet]);
    if (values.size() > static_cast<size_t>(kMaxFilterValues)) {
      return absl::InvalidArgumentError(
          StrCat(field, ": at most ", kMaxFilterValues, " values, not ", values.size()));
    }
    for (size_t i = 0; i < values.size(); ++i) {
      const std::string at = StrCat(field, "[", i, "]");
      switch (facet) {
        case kDomain:
          RETURN_IF_ERROR(ValidateDomainPath(at, values[i]));
          break;
        case kOwner:
          RETURN_IF_ERROR(ParsePrincipalRef(at, values[i]).status());
          break;
        case kClassification:
          if (values[i].empty() || !ParseClassification(values[i])) {
            return absl::InvalidArgumentError(
                StrCat(at, ": \"", values[i],
                       "\" is not a classification (public, internal, confidential, "
                       "restricted)"));
          }
          break;
        case kHealth:
          if (!health::ParseHealth(values[i])) {
            return absl::InvalidArgumentError(
                StrCat(at, ": \"", values[i],
                       "\" is not a health (ok, warning, upstream-degraded, stale, failing)"));
          }
          break;
        case kLayer:
          RETURN_IF_ERROR(ValidateLayerName(at, values[i]));
          break;
        case kTerm:
          RETURN_IF_ERROR(ValidateTermId(at, values[i]));
          break;
        case kTier:
          if (values[i].size() != 1 || values[i][0] < '1' || values[i][0] > '5') {
            return absl::InvalidArgumentError(
                StrCat(at, ": \"", values[i], "\" is not a tier (1 to 5)"));
          }
          break;
        case kCertification:
          if (values[i] != "none" && values[i] != "draft" && values[i] != "verified") {
            return absl::InvalidArgumentError(
                StrCat(at, ": \"", values[i],
                       "\" is not a certification (none, draft, verified)"));
          }
          break;
        default:
          RETURN_IF_ERROR(ValidateName(at, values[i], kMaxShortNameBytes));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Result> Search(store::Store& store, const policy::EntityView& entities,
                              const std::function<bool(const policy::EntityUid&)>& readable,
                              const Request& request) {
  RETURN_IF_ERROR(ValidateFilters(request.filters));
  const bool by_words = !absl::StripAsciiWhitespace(request.query).empty();
  if (!by_words && request.filters.empty() && !request.facets) {
    return absl::InvalidArgumentError(
        "query: must contain at least one word (or send a filter, or ask for facets)");
  }
  ASSIGN_OR_RETURN(Position at, DecodePosition(by_words, request.page.page_token));
  const int limit = std::clamp(request.page.page_size <= 0 ? 100 : request.page.page_size, 1,
                               1000);
  // Counts only on a first page: later pages are the same matches.
  const bool counting = request.facets && request.page.page_token.empty();
  std::array<Counts, kFacets> counts;
  const Wanted wanted(request.filters);

  // The matches this call reads: keys only (and tiers), one query. A plain
  // search needs the page and one more; filters and counts, the budget.
  std::vector<store::SearchHit> matches;
  const Filters& f = request.filters;
  const int want = counting || !f.empty() ? request.scan_budget : limit + 1;
  if (by_words) {
    ASSIGN_OR_RETURN(matches, store.SearchMatches(request.query, at.offset, want));
  } else {
    // Narrowed in the store when one domain or one namespace is asked for.
    ASSIGN_OR_RETURN(std::vector<DatasetKey> keys,
                     store.ListDatasetKeys(f.domains.size() == 1 ? f.domains[0] : "",
                                           f.namespaces.size() == 1 ? f.namespaces[0] : "",
                                           at.after, want));
    matches.reserve(keys.size());
    for (DatasetKey& k : keys) matches.push_back({.key = std::move(k)});
  }
  const bool ended = static_cast<int>(matches.size()) < want;

  Result out;
  std::optional<size_t> resume;  // the match the next page starts at
  Attributes a;  // reused: its vectors keep their room
  for (size_t i = 0; i < matches.size(); ++i) {
    store::SearchHit& h = matches[i];
    const policy::EntityUid uid = authz::DatasetUid(h.key);
    const policy::Entity* e = entities.Find(uid);
    if (e == nullptr || !readable(uid)) continue;
    AttributesOf(*e, h.key, request.upstream, a);
    // Which facets' filters the dataset fails: none, it is a hit; one,
    // it counts in that facet only.
    int failed = -1, failures = 0;
    for (int facet = 0; facet < kFacets; ++facet) {
      if (!Passes(wanted, facet, a, entities)) {
        failed = facet;
        ++failures;
      }
    }
    if (counting && failures <= 1) {
      ++out.facets_scanned;
      for (int facet = 0; facet < kFacets; ++facet) {
        if (failures == 1 && facet != failed) continue;
        for (const FacetKey& v : a.values[facet]) ++counts[facet][v];
      }
    }
    if (failures != 0 || resume) continue;
    if (static_cast<int>(out.hits.size()) == limit) {
      resume = i;
      if (!counting) break;
      continue;
    }
    Hit hit{.hit = h};  // a copy: the page token may need its key
    for (const FacetKey& o : a.values[kOwner]) hit.owners.push_back(TextOf(kOwner, o));
    for (const FacetKey& t : a.values[kTag]) hit.tags.push_back(std::string(t.a));
    if (!a.values[kClassification].empty()) {
      hit.classification = std::string(a.values[kClassification][0].a);
    }
    if (!a.values[kHealth].empty()) hit.health = std::string(a.values[kHealth][0].a);
    out.hits.push_back(std::move(hit));
  }
  // The next page starts at the first hit this one had no room for, or,
  // out of budget, after the last match read.
  if (!resume && !ended) resume = matches.size();
  if (resume) {
    Position next;
    if (by_words) {
      next.offset = at.offset + static_cast<int64_t>(*resume);
    } else {
      next.after = *resume == 0 ? at.after : matches[*resume - 1].key;
    }
    out.next_page_token = EncodePosition(by_words, next);
  }
  // Description and domain of the hits only, from their specs.
  std::vector<store::SearchHit> described;
  described.reserve(out.hits.size());
  for (Hit& h : out.hits) described.push_back(h.hit);
  RETURN_IF_ERROR(store.DescribeHits(described));
  // In order, less those deleted meanwhile.
  std::vector<Hit> kept;
  size_t d = 0;
  for (Hit& h : out.hits) {
    if (d < described.size() && described[d].key.ns == h.hit.key.ns &&
        described[d].key.name == h.hit.key.name) {
      h.hit = std::move(described[d++]);
      kept.push_back(std::move(h));
    }
  }
  out.hits = std::move(kept);
  if (counting) {
    out.facets_complete = ended;
    for (int facet = 0; facet < kFacets; ++facet) {
      Facet f{.name = kFacetNames[facet]};
      for (const auto& [key, count] : counts[facet]) {
        f.values.push_back({TextOf(facet, key), count});
      }
      // Most frequent first; ties by value, so answers are stable.
      std::sort(f.values.begin(), f.values.end(), [](const FacetValue& x, const FacetValue& y) {
        return x.count != y.count ? x.count > y.count : x.value < y.value;
      });
      if (f.values.size() > static_cast<size_t>(kFacetValues)) f.values.resize(kFacetValues);
      out.facets.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace catalog::search
