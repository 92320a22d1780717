#include "server/search/faceted_search.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "lib/lineage/event.h"
#include "server/authz/authorizer.h"
#include "server/authz/catalog_entities.h"
#include "tests/store_engines.h"

namespace catalog::search {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// 24 datasets: d00..d23. Domain by i % 3 (sales, sales/emea, finance),
// owner by i % 2 (alice, group:analysts), tag "pii" on every fourth,
// "restricted" on every sixth, namespace pg://a below 12, pg://b from 12.
// Every description says "orders"; d07 may not be read.
class FacetedSearchTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    auto s = store::Store::Open(db_.Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    std::vector<Resource> rs;
    for (const char* path : {"sales", "sales/emea", "finance"}) {
      Resource d{.kind = Resource::Kind::kDomain};
      d.domain.path = path;
      rs.push_back(d);
    }
    Resource term{.kind = Resource::Kind::kGlossaryTerm};
    term.term = {.id = "customer", .spec = {.name = "Customer", .definition = "One who buys"}};
    rs.push_back(term);
    for (int i = 0; i < 24; ++i) {
      Resource r{.kind = Resource::Kind::kDataset};
      char name[8];
      std::snprintf(name, sizeof name, "d%02d", i);
      r.dataset.key = {i < 12 ? "pg://a" : "pg://b", name};
      r.dataset.spec.description = "orders of the day";
      r.dataset.spec.domain = std::vector<std::string>{"sales", "sales/emea", "finance"}[i % 3];
      r.dataset.spec.owners = {{i % 2 == 0 ? "user:alice" : "group:analysts",
                                OwnershipType::kTechnical}};
      if (i % 4 == 0) r.dataset.spec.tags = {"pii"};
      if (i % 6 == 0) r.dataset.spec.classification = Classification::kRestricted;
      if (i % 5 == 0) {
        r.dataset.spec.layer = "gold";
        r.dataset.spec.tier = 1;
      }
      if (i % 8 == 0) r.dataset.spec.certification = {.state = "verified"};
      // Glossary links: the dataset's own (odd), or a column's (even).
      if (i % 7 == 0 && i % 2 == 1) r.dataset.spec.terms = {"customer"};
      if (i % 7 == 0 && i % 2 == 0) {
        r.dataset.spec.fields = {{.name = "buyer", .type = "text", .terms = {"customer"}}};
      }
      rs.push_back(std::move(r));
    }
    ASSERT_TRUE(store_->Apply(rs, "user:admin", false).ok());
    auto a = authz::Authorizer::Create(store_.get(),
                                       {{"p.cedar", "permit (principal, action, resource);"}});
    ASSERT_TRUE(a.ok()) << a.status();
    authorizer_ = *std::move(a);
    ASSERT_TRUE(
        authorizer_->WaitReady(std::chrono::system_clock::now() + std::chrono::seconds(10)));
  }

  absl::StatusOr<Result> Find(Request request) {
    auto readable = [](const policy::EntityUid& uid) {
      return uid != authz::DatasetUid({"pg://a", "d07"});
    };
    return Search(*store_, authorizer_->current()->entities(), readable, request);
  }

  // Every page's names, following tokens.
  std::vector<std::string> AllPages(Request request) {
    std::vector<std::string> names;
    for (int pages = 0; pages < 100; ++pages) {
      auto r = Find(request);
      EXPECT_TRUE(r.ok()) << r.status();
      if (!r.ok()) break;
      for (const Hit& h : r->hits) names.push_back(h.hit.key.name);
      if (r->next_page_token.empty()) break;
      request.page.page_token = r->next_page_token;
    }
    return names;
  }

  static std::map<std::string, int64_t> Counts(const Result& r, const std::string& facet) {
    std::map<std::string, int64_t> out;
    for (const Facet& f : r.facets) {
      if (f.name != facet) continue;
      for (const FacetValue& v : f.values) out[v.value] = v.count;
    }
    return out;
  }

  testing::TestDatabase db_{GetParam()};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<authz::Authorizer> authorizer_;
};

TEST_P(FacetedSearchTest, CountsWhatTheCallerMayReadByEveryFacet) {
  auto r = Find({.query = "orders", .facets = true});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->hits.size(), 23u);  // d07 is not readable
  EXPECT_TRUE(r->facets_complete);
  EXPECT_EQ(r->facets_scanned, 23);
  ASSERT_EQ(r->facets.size(), 10u);
  EXPECT_EQ(r->facets[0].name, "domain");
  // d07 (sales/emea, group:analysts, pg://a) is not counted.
  EXPECT_EQ(Counts(*r, "domain"),
            (std::map<std::string, int64_t>{{"sales", 8}, {"sales/emea", 7}, {"finance", 8}}));
  EXPECT_EQ(Counts(*r, "owner"),
            (std::map<std::string, int64_t>{{"user:alice", 12}, {"group:analysts", 11}}));
  EXPECT_EQ(Counts(*r, "tag"), (std::map<std::string, int64_t>{{"pii", 6}}));
  EXPECT_EQ(Counts(*r, "classification"), (std::map<std::string, int64_t>{{"restricted", 4}}));
  EXPECT_EQ(Counts(*r, "namespace"),
            (std::map<std::string, int64_t>{{"pg://a", 11}, {"pg://b", 12}}));
  EXPECT_EQ(Counts(*r, "health"), (std::map<std::string, int64_t>{{"ok", 23}}));
  EXPECT_EQ(Counts(*r, "layer"), (std::map<std::string, int64_t>{{"gold", 5}}));
  EXPECT_EQ(Counts(*r, "tier"), (std::map<std::string, int64_t>{{"1", 5}}));
  EXPECT_EQ(Counts(*r, "certification"),
            (std::map<std::string, int64_t>{{"none", 20}, {"verified", 3}}));
  // Linked to a term by the dataset (d21) or a column (d00, d14); d07 unreadable.
  EXPECT_EQ(Counts(*r, "term"), (std::map<std::string, int64_t>{{"customer", 3}}));
  auto linked = Find({.query = "orders", .filters = {.terms = {"customer"}}});
  ASSERT_TRUE(linked.ok()) << linked.status();
  ASSERT_EQ(linked->hits.size(), 3u);
  EXPECT_EQ(linked->hits[0].hit.key.name, "d00");
  EXPECT_EQ(linked->hits[1].hit.key.name, "d14");
  EXPECT_EQ(linked->hits[2].hit.key.name, "d21");
  EXPECT_EQ(Find({.query = "orders", .filters = {.terms = {"Not A Term"}}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Filtered by governance attributes: gold and verified is d00 alone.
  auto governed = Find({.query = "orders",
                        .filters = {.layers = {"gold"}, .certifications = {"verified"}}});
  ASSERT_TRUE(governed.ok()) << governed.status();
  ASSERT_EQ(governed->hits.size(), 1u);
  EXPECT_EQ(governed->hits[0].hit.key.name, "d00");
  EXPECT_EQ(Find({.query = "orders", .filters = {.tiers = {"6"}}}).status().code(),
            absl::StatusCode::kInvalidArgument);
  // Most frequent first.
  EXPECT_EQ(r->facets[0].values[0].count, 8);
  EXPECT_EQ(r->facets[0].values.back().value, "sales/emea");
  // Hits carry what the facets count.
  EXPECT_EQ(r->hits[0].hit.key.name, "d00");
  EXPECT_THAT(r->hits[0].owners, ElementsAre("user:alice"));
  EXPECT_THAT(r->hits[0].tags, ElementsAre("pii"));
  EXPECT_EQ(r->hits[0].classification, "restricted");
}

TEST_P(FacetedSearchTest, HealthIsAFacetWithUpstreamDegradation) {
  // d02 fails a check; d03 is made from it (the snapshot's spread).
  auto e = lineage::ParseEvent(R"({"eventTime": "2026-12-01T10:00:00Z",
      "producer": "https://example.com/t", "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
      "dataset": {"namespace": "pg://a", "name": "d02", "facets": {"dataQualityAssertions":
        {"assertions": [{"assertion": "not_null", "success": false, "column": "id"}]}}}})");
  ASSERT_TRUE(e.ok()) << e.status();
  ASSERT_TRUE(store_->IngestEvents({*e}, "user:admin").ok());
  health::UpstreamHealth upstream;
  auto cause = std::make_shared<const health::PathStep>(health::PathStep{{"pg://a", "d02"}, nullptr});
  upstream.Add({"pg://a", "d03"},
               {.hops = 1,
                .last = std::make_shared<const health::PathStep>(
                    health::PathStep{{"pg://a", "d03"}, cause})});
  Request ask{.query = "orders", .facets = true, .upstream = &upstream};
  auto r = Find(ask);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Counts(*r, "health"),
            (std::map<std::string, int64_t>{{"ok", 21}, {"failing", 1}, {"upstream-degraded", 1}}));
  EXPECT_EQ(r->hits[2].health, "failing");
  EXPECT_EQ(r->hits[3].health, "upstream-degraded");
  ask.filters.healths = {"failing", "upstream-degraded"};
  r = Find(ask);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->hits.size(), 2u);
  EXPECT_EQ(r->hits[0].hit.key.name, "d02");
  ask.filters.healths = {"sick"};
  EXPECT_EQ(Find(ask).status().message(),
            "filter.healths[0]: \"sick\" is not a health (ok, warning, upstream-degraded, "
            "stale, failing)");
}

TEST_P(FacetedSearchTest, FiltersAreOrWithinAFacetAndAndAcrossAndCountsStayDisjunctive) {
  Request ask{.query = "orders", .facets = true};
  ask.filters.domains = {"sales"};  // sales and sales/emea
  ask.filters.tags = {"pii"};
  auto r = Find(ask);
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<std::string> names;
  for (const Hit& h : r->hits) names.push_back(h.hit.key.name);
  // pii: 0,4,8,12,16,20; domain sales or below: i % 3 != 2 → 0,4,12,16.
  EXPECT_THAT(names, ElementsAre("d00", "d04", "d12", "d16"));
  // The domain facet ignores the domain filter: every pii dataset's domain.
  EXPECT_EQ(Counts(*r, "domain"),
            (std::map<std::string, int64_t>{{"sales", 2}, {"sales/emea", 2}, {"finance", 2}}));
  // The tag facet ignores the tag filter: the sales datasets' tags.
  EXPECT_EQ(Counts(*r, "tag"), (std::map<std::string, int64_t>{{"pii", 4}}));
  // Other facets honour both filters.
  EXPECT_EQ(Counts(*r, "owner"), (std::map<std::string, int64_t>{{"user:alice", 4}}));
  EXPECT_EQ(r->facets_scanned, 4 + 2 + 11);  // hits, plus those failing one filter

  // Two values of one facet: either.
  Request either{.query = "orders"};
  either.filters.owners = {"group:analysts"};
  either.filters.namespaces = {"pg://a", "pg://b"};
  either.filters.classifications = {"restricted"};
  EXPECT_THAT(AllPages(either), ElementsAre());  // restricted are all even: alice's
  either.filters.owners = {"group:analysts", "user:alice"};
  EXPECT_THAT(AllPages(either), ElementsAre("d00", "d06", "d12", "d18"));
}

TEST_P(FacetedSearchTest, PagesThroughFilteredMatchesWithoutGapsOrRepeats) {
  Request ask{.query = "orders", .page = {.page_size = 2}};
  ask.filters.owners = {"group:analysts"};
  std::vector<std::string> expected;
  for (int i = 1; i < 24; i += 2) {
    if (i == 7) continue;
    char name[8];
    std::snprintf(name, sizeof name, "d%02d", i);
    expected.push_back(name);
  }
  EXPECT_EQ(AllPages(ask), expected);
  // Without filters or counts, a page reads only its matches and one more.
  Request plain{.query = "orders", .page = {.page_size = 5}};
  std::vector<std::string> every = AllPages(plain);
  EXPECT_EQ(every.size(), 23u);
  EXPECT_EQ(std::set<std::string>(every.begin(), every.end()).size(), 23u);
  // A small scan budget ends pages early; the tokens still cover all.
  ask.scan_budget = 3;
  EXPECT_EQ(AllPages(ask), expected);
  // Without words: the catalog in key order, through the same filters.
  ask.query = "";
  ask.scan_budget = kScanBudget;
  EXPECT_EQ(AllPages(ask), expected);
  ask.filters.domains = {"finance"};
  ask.filters.namespaces = {"pg://b"};
  EXPECT_THAT(AllPages(ask), ElementsAre("d17", "d23"));
}

TEST_P(FacetedSearchTest, CountsPastTheBudgetSayTheyAreIncomplete) {
  Request ask{.facets = true, .scan_budget = 10};
  auto r = Find(ask);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->facets_complete);
  EXPECT_EQ(r->facets_scanned, 9);  // d00..d09 without d07
  EXPECT_EQ(r->hits.size(), 9u);
  EXPECT_FALSE(r->next_page_token.empty());
  // Later pages carry no counts.
  ask.page.page_token = r->next_page_token;
  auto next = Find(ask);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_TRUE(next->facets.empty());
  EXPECT_EQ(next->hits[0].hit.key.name, "d10");
}

TEST_P(FacetedSearchTest, BadFiltersAreRefusedNamingTheField) {
  auto refused = [&](Filters f) {
    Request ask{.query = "orders", .filters = std::move(f)};
    auto r = Find(ask);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(r.status().message());
  };
  EXPECT_THAT(refused({.owners = {"user:alice", "alice"}}), HasSubstr("filter.owners[1]"));
  EXPECT_THAT(refused({.classifications = {"secret"}}),
              HasSubstr("filter.classifications[0]: \"secret\" is not a classification"));
  EXPECT_THAT(refused({.domains = {"sales//x"}}), HasSubstr("filter.domains[0]"));
  EXPECT_THAT(refused({.tags = {""}}), HasSubstr("filter.tags[0]"));
  EXPECT_THAT(refused({.namespaces = std::vector<std::string>(21, "pg://a")}),
              HasSubstr("filter.namespaces: at most 20 values"));
  auto nothing = Find({});
  EXPECT_EQ(nothing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(nothing.status().message()), HasSubstr("query: must contain"));
  Request forged{.query = "orders", .page = {.page_token = "not-a-token"}};
  EXPECT_THAT(std::string(Find(forged).status().message()), HasSubstr("page_token"));
}

INSTANTIATE_TEST_SUITE_P(Engines, FacetedSearchTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::search
