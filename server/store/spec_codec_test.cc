// Dataset specs kept in binary beside their JSON: reads decode the binary,
// rows from before it existed read their JSON until encoded, and a damaged
// binary spec is reported, not guessed at.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "lib/catalog/json_codec.h"
#include "server/store/sqlite.h"
#include "server/store/store.h"
#include "tests/test_env.h"

namespace catalog::store {
namespace {

Resource Full(const std::string& name) {
  Resource r;
  r.dataset.key = {"postgres://db:5432", name};
  DatasetSpec& s = r.dataset.spec;
  s.description = "orders, one row per order";
  s.classification = Classification::kConfidential;
  s.tags = {"pii", "gold"};
  s.owners = {{.principal = "user:alice", .type = OwnershipType::kBusiness}};
  s.properties = {{"team", "sales"}, {"sla", "4h"}};
  s.lifecycle = Lifecycle::kDeprecated;
  s.fields = {
      {.name = "id", .type = "bigint", .nullable = false, .description = "key"},
      {.name = "address",
       .type = "struct",
       .tags = {"pii"},
       .classification = Classification::kRestricted,
       .fields = {{.name = "street", .type = "string"}}},
  };
  return r;
}

// Runs SQL on the database behind the store, as an operator with sqlite3
// could.
void Sql(const std::string& path, const std::string& sql) {
  auto db = SqliteConnection::Open(path, false, 1000);
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE((*db)->Exec(sql).ok()) << sql;
}

// A spec as a SQL string literal of its JSON.
std::string JsonLiteral(const DatasetSpec& spec) {
  std::string text = DatasetSpecToJson(spec).dump(), out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

TEST(StoredSpec, ReadsTheBinaryFormAndFallsBackToJsonForOldRows) {
  testing::TempDir dir;
  std::string path = (dir.path() / "catalog.db").string();
  auto s = Store::Open({.path = path});
  ASSERT_TRUE(s.ok()) << s.status();
  Store& store = **s;
  Resource a = Full("a"), b = Full("b");
  b.dataset.spec.description = "the second";
  ASSERT_TRUE(store.Apply({a, b}, "user:admin", false).ok());
  auto read = store.GetDataset(a.dataset.key);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->spec, a.dataset.spec);

  auto summaries = store.DatasetSummaries({a.dataset.key});
  ASSERT_TRUE(summaries.ok()) << summaries.status();
  EXPECT_EQ((*summaries)[0]->classification, Classification::kConfidential);

  // As written before migration 0011: the JSON in `spec`, no binary form.
  // Reads use the JSON.
  Sql(path, "UPDATE datasets SET spec_pb = NULL, spec = CASE name WHEN 'a' THEN " +
                JsonLiteral(a.dataset.spec) + " ELSE " + JsonLiteral(b.dataset.spec) + " END");
  summaries = store.DatasetSummaries({a.dataset.key});
  ASSERT_TRUE(summaries.ok()) << summaries.status();
  EXPECT_EQ((*summaries)[0]->classification, Classification::kConfidential);
  read = store.GetDataset(a.dataset.key);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->spec, a.dataset.spec);
  auto contents = store.LoadContents();
  ASSERT_TRUE(contents.ok());
  ASSERT_EQ(contents->datasets.size(), 2u);
  int64_t revision = contents->catalog_revision;

  // Encoding them fills the column in batches and changes nothing a read
  // sees: not the specs, not the catalog revision.
  auto first = store.EncodeMissingSpecs(0, 1);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->encoded, 1);
  EXPECT_FALSE(first->done);
  auto second = store.EncodeMissingSpecs(first->last_id, 1);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->encoded, 1);
  auto last = store.EncodeMissingSpecs(second->last_id, 1);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->encoded, 0);
  EXPECT_TRUE(last->done);
  // The JSON no longer matters: emptying it leaves reads as they were.
  Sql(path, "UPDATE datasets SET spec = '{}'");
  read = store.GetDataset(b.dataset.key);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->spec, b.dataset.spec);
  contents = store.LoadContents();
  ASSERT_TRUE(contents.ok());
  EXPECT_EQ(contents->catalog_revision, revision);
  for (const Dataset& d : contents->datasets) {
    EXPECT_EQ(d.spec, d.key.name == "a" ? a.dataset.spec : b.dataset.spec);
  }
}

// History written before migration 0012 holds each revision's spec as JSON
// inside `document`; history written after holds it in `spec_pb`. One
// dataset's history can have both, and reads give the same revisions.
TEST(StoredSpec, HistoryReadsBinarySpecsAndTheJsonOfOlderRevisions) {
  testing::TempDir dir;
  std::string path = (dir.path() / "catalog.db").string();
  auto s = Store::Open({.path = path});
  ASSERT_TRUE(s.ok()) << s.status();
  Store& store = **s;
  Resource a = Full("a");
  ASSERT_TRUE(store.Apply({a}, "user:admin", false).ok());
  DatasetSpec first = a.dataset.spec;
  a.dataset.spec.description = "orders, revised";
  a.dataset.spec.fields.pop_back();
  ASSERT_TRUE(store.Apply({a}, "user:admin", false).ok());
  auto before = store.DatasetHistory(a.dataset.key);
  ASSERT_TRUE(before.ok()) << before.status();
  ASSERT_EQ(before->size(), 2u);
  EXPECT_EQ((*before)[0].dataset.spec, first);
  EXPECT_EQ((*before)[1].dataset.spec, a.dataset.spec);
  EXPECT_EQ((*before)[1].changes,
            (std::vector<std::string>{"spec.description", "spec.schema"}));

  // The first revision as an older catalogd wrote it.
  Sql(path, "UPDATE dataset_history SET spec_pb = NULL, document = json_set(document, "
            "'$.spec', json(" + JsonLiteral(first) + ")) WHERE revision = 1");
  auto after = store.DatasetHistory(a.dataset.key);
  ASSERT_TRUE(after.ok()) << after.status();
  ASSERT_EQ(after->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*after)[i].dataset.spec, (*before)[i].dataset.spec) << i;
    EXPECT_EQ((*after)[i].dataset.status.schema_version,
              (*before)[i].dataset.status.schema_version);
    EXPECT_EQ((*after)[i].changes, (*before)[i].changes);
  }

  // A damaged binary spec in history is reported, naming the dataset.
  Sql(path, "UPDATE dataset_history SET spec_pb = x'0a0561' WHERE revision = 2");
  auto damaged = store.DatasetHistory(a.dataset.key);
  EXPECT_EQ(damaged.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(damaged.status().message().find(a.dataset.key.ToString()), std::string::npos);
}

TEST(StoredSpec, ADamagedBinarySpecIsDataLossNamingTheDataset) {
  testing::TempDir dir;
  std::string path = (dir.path() / "catalog.db").string();
  auto s = Store::Open({.path = path});
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE((*s)->Apply({Full("a")}, "user:admin", false).ok());
  // Field 1 (description) says 5 bytes follow; one does.
  Sql(path, "UPDATE datasets SET spec_pb = x'0a0561'");
  auto read = (*s)->GetDataset({"postgres://db:5432", "a"});
  ASSERT_EQ(read.status().code(), absl::StatusCode::kDataLoss) << read.status();
  EXPECT_NE(read.status().message().find("postgres://db:5432/a"), std::string::npos)
      << read.status();
  EXPECT_EQ((*s)->LoadContents().status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ((*s)->DatasetSummaries({{"postgres://db:5432", "a"}}).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace catalog::store
