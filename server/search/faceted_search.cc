#include "server/search/faceted_search.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "lib/catalog/validate.h"
#include "lib/policy/entities.h"
#include "lib/util/sealed.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "server/authz/catalog_entities.h"
#include "server/authz/decision_log.h"

namespace catalog::search {
namespace {

enum FacetIndex { kDomain, kOwner, kTag, kClassification, kNamespace, kFacets };

// Matches are read from the store this many at a time; a page token names a
// chunk (by the store's own token) and a place in it, so a chunk must read
// back the same: its size is fixed.
constexpr int kChunk = 500;

// What the snapshot knows of one dataset, as facet values.
struct Attributes {
  std::array<std::vector<std::string>, kFacets> values;
  const policy::Entity* entity = nullptr;
};

std::vector<std::string> StringsOf(const policy::Value* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->is(policy::Value::Kind::kSet)) return out;
  for (const policy::Value& item : v->as_set()) {
    if (item.is(policy::Value::Kind::kString)) out.push_back(item.as_string());
    if (item.is(policy::Value::Kind::kEntity)) {
      out.push_back(authz::PrincipalName(item.as_entity()));
    }
  }
  return out;
}

const policy::Value* Attr(const policy::Entity& e, std::string_view name) {
  auto it = e.attrs.find(name);
  return it == e.attrs.end() ? nullptr : &it->second;
}

Attributes AttributesOf(const policy::Entity& e, const DatasetKey& key,
                        const std::string& domain) {
  Attributes a;
  a.entity = &e;
  if (!domain.empty()) a.values[kDomain].push_back(domain);
  a.values[kOwner] = StringsOf(Attr(e, "owners"));
  a.values[kTag] = StringsOf(Attr(e, "tags"));
  if (const policy::Value* c = Attr(e, "classification");
      c != nullptr && c->is(policy::Value::Kind::kString)) {
    a.values[kClassification].push_back(c->as_string());
  }
  a.values[kNamespace].push_back(key.ns);
  return a;
}

const std::vector<std::string>& FilterOf(const Filters& f, int facet) {
  switch (facet) {
    case kDomain: return f.domains;
    case kOwner: return f.owners;
    case kTag: return f.tags;
    case kClassification: return f.classifications;
    default: return f.namespaces;
  }
}

bool Passes(const Filters& filters, int facet, const Attributes& a,
            const policy::EntityView& entities) {
  const std::vector<std::string>& wanted = FilterOf(filters, facet);
  if (wanted.empty()) return true;
  if (facet == kDomain) {
    // The domain or one below it: the dataset's entity is in it.
    for (const std::string& d : wanted) {
      if (entities.InOrEqual(a.entity->uid, authz::DomainUid(d))) return true;
    }
    return false;
  }
  for (const std::string& v : a.values[facet]) {
    if (std::find(wanted.begin(), wanted.end(), v) != wanted.end()) return true;
  }
  return false;
}

// Where a scan stands: a chunk (the store's token for it) and how many of
// its matches were passed over.
struct Position {
  std::string chunk;
  int skip = 0;
};

std::string EncodePosition(const Position& p) {
  return Seal(StrCat(p.skip, "\n", p.chunk));
}

absl::StatusOr<Position> DecodePosition(std::string_view token) {
  if (token.empty()) return Position{};
  absl::StatusOr<std::string> plain = Unseal(token);
  const size_t newline = plain.ok() ? plain->find('\n') : std::string::npos;
  Position p;
  if (newline == std::string::npos ||
      !absl::SimpleAtoi(plain->substr(0, newline), &p.skip) || p.skip < 0 ||
      p.skip > kChunk) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  p.chunk = plain->substr(newline + 1);
  return p;
}

// One chunk of matches: by words, or the catalog in key order.
absl::StatusOr<store::Page<store::SearchHit>> Chunk(store::Store& store, const Request& request,
                                                    bool by_words, const std::string& token) {
  store::PageRequest page{.page_size = kChunk, .page_token = token};
  if (by_words) return store.Search(request.query, page);
  // Narrowed in the store when one domain or one namespace is asked for.
  const Filters& f = request.filters;
  ASSIGN_OR_RETURN(store::Page<Dataset> listed,
                   store.ListDatasets(f.domains.size() == 1 ? f.domains[0] : "", page,
                                      f.namespaces.size() == 1 ? f.namespaces[0] : ""));
  store::Page<store::SearchHit> out;
  out.next_page_token = std::move(listed.next_page_token);
  for (Dataset& d : listed.items) {
    out.items.push_back({.key = std::move(d.key),
                         .description = std::move(d.spec.description),
                         .domain = std::move(d.spec.domain)});
  }
  return out;
}

}  // namespace

bool Filters::empty() const {
  return domains.empty() && owners.empty() && tags.empty() && classifications.empty() &&
         namespaces.empty();
}

absl::Status ValidateFilters(const Filters& filters) {
  static constexpr const char* kFields[] = {"domains", "owners", "tags", "classifications",
                                            "namespaces"};
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
  ASSIGN_OR_RETURN(Position at, DecodePosition(request.page.page_token));
  const int limit = std::clamp(request.page.page_size <= 0 ? 100 : request.page.page_size, 1,
                               1000);
  // Counts only on a first page: later pages are the same matches.
  const bool counting = request.facets && request.page.page_token.empty();
  std::array<std::map<std::string, int64_t>, kFacets> counts;

  Result out;
  Position chunk_start = at;
  int scanned = 0;
  bool ended = false, full = false;
  // Where the next page starts, once known.
  std::optional<Position> resume;
  while (!(full && !counting)) {
    ASSIGN_OR_RETURN(store::Page<store::SearchHit> chunk,
                     Chunk(store, request, by_words, chunk_start.chunk));
    const int n = static_cast<int>(chunk.items.size());
    int i = chunk_start.skip;
    for (; i < n && scanned < request.scan_budget; ++i) {
      ++scanned;
      store::SearchHit& h = chunk.items[i];
      const policy::EntityUid uid = authz::DatasetUid(h.key);
      const policy::Entity* e = entities.Find(uid);
      if (e == nullptr || !readable(uid)) continue;
      Attributes a = AttributesOf(*e, h.key, h.domain);
      // Which facets' filters the dataset fails: none, it is a hit; one,
      // it counts in that facet only.
      int failed = -1, failures = 0;
      for (int facet = 0; facet < kFacets; ++facet) {
        if (!Passes(request.filters, facet, a, entities)) {
          failed = facet;
          ++failures;
        }
      }
      if (counting && failures <= 1) {
        ++out.facets_scanned;
        for (int facet = 0; facet < kFacets; ++facet) {
          if (failures == 1 && facet != failed) continue;
          for (const std::string& v : a.values[facet]) ++counts[facet][v];
        }
      }
      if (failures != 0) continue;
      if (full) continue;  // counting on past the page
      if (static_cast<int>(out.hits.size()) == limit) {
        resume = Position{chunk_start.chunk, i};
        full = true;
        if (!counting) break;
        continue;
      }
      out.hits.push_back({.hit = std::move(h),
                          .owners = std::move(a.values[kOwner]),
                          .tags = std::move(a.values[kTag]),
                          .classification = a.values[kClassification].empty()
                                                ? std::string()
                                                : a.values[kClassification][0]});
    }
    if (full && !counting) break;
    if (i < n) {  // out of budget inside the chunk
      if (!resume) resume = Position{chunk_start.chunk, i};
      break;
    }
    if (chunk.next_page_token.empty()) {
      ended = true;
      break;
    }
    chunk_start = {chunk.next_page_token, 0};
    if (scanned >= request.scan_budget) {
      if (!resume) resume = chunk_start;
      break;
    }
  }
  if (resume) out.next_page_token = EncodePosition(*resume);
  if (counting) {
    out.facets_complete = ended;
    for (int facet = 0; facet < kFacets; ++facet) {
      Facet f{.name = kFacetNames[facet]};
      for (auto& [value, count] : counts[facet]) f.values.push_back({value, count});
      std::stable_sort(f.values.begin(), f.values.end(),
                       [](const FacetValue& a, const FacetValue& b) { return a.count > b.count; });
      if (f.values.size() > static_cast<size_t>(kFacetValues)) f.values.resize(kFacetValues);
      out.facets.push_back(std::move(f));
    }
  }
  return out;
}

}  // namespace catalog::search
