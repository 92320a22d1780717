#include "lib/lineage/mapping.h"

#include <gtest/gtest.h>

namespace catalog::lineage {
namespace {

TEST(MergeFacts, SchemaKeepsWhatTheCatalogKnowsOfAField) {
  DatasetSpec spec;
  spec.description = "applied by hand";
  spec.fields = {{.name = "email", .type = "STRING", .description = "contact",
                  .tags = {"pii"}, .classification = Classification::kConfidential},
                 {.name = "gone", .type = "INT"}};
  spec.owners = {{"user:alice", OwnershipType::kBusiness}};
  DatasetFacts f;
  f.schema = std::vector<Field>{{.name = "email", .type = "VARCHAR"},
                                {.name = "id", .type = "BIGINT"}};
  f.owners = {{"user:alice", OwnershipType::kBusiness}, {"group:data", OwnershipType::kTechnical}};
  f.tags = {"gold"};
  MergeFacts(f, "2024-01-01T00:00:00.000Z", spec);
  ASSERT_EQ(spec.fields.size(), 2u);
  EXPECT_EQ(spec.fields[0].type, "VARCHAR");
  EXPECT_EQ(spec.fields[0].description, "contact");
  EXPECT_EQ(spec.fields[0].tags, std::vector<std::string>{"pii"});
  EXPECT_EQ(spec.fields[0].classification, Classification::kConfidential);
  EXPECT_EQ(spec.fields[1].name, "id");
  EXPECT_EQ(spec.description, "applied by hand");  // no documentation facet
  EXPECT_EQ(spec.owners.size(), 2u);
  EXPECT_EQ(spec.tags, std::vector<std::string>{"gold"});
}

TEST(MergeFacts, Lifecycle) {
  DatasetSpec spec;
  DatasetFacts drop;
  drop.lifecycle = LifecycleChange{.change = "DROP"};
  MergeFacts(drop, "t1", spec);
  EXPECT_EQ(spec.lifecycle, Lifecycle::kDropped);
  DatasetFacts create;
  create.lifecycle = LifecycleChange{.change = "CREATE"};
  MergeFacts(create, "t2", spec);
  EXPECT_EQ(spec.lifecycle, Lifecycle::kActive);
  DatasetFacts truncate;
  truncate.lifecycle = LifecycleChange{.change = "TRUNCATE"};
  MergeFacts(truncate, "t3", spec);
  EXPECT_EQ(spec.properties.at("lastTruncatedAt"), "t3");
  DatasetFacts rename;
  rename.lifecycle = LifecycleChange{.change = "RENAME", .previous = DatasetKey{"ns", "old"}};
  MergeFacts(rename, "t4", spec);
  EXPECT_EQ(spec.properties.at("renamedFrom"), "ns/old");
  DatasetSpec old;
  MarkRenamed({"ns", "new"}, old);
  EXPECT_EQ(old.lifecycle, Lifecycle::kDropped);
  EXPECT_EQ(old.properties.at("renamedTo"), "ns/new");
}

TEST(MergeFacts, SameFactsTwiceChangeNothingMore) {
  DatasetFacts f;
  f.schema = std::vector<Field>{{.name = "a", .type = "INT"}};
  f.description = "d";
  f.owners = {{"user:bob", OwnershipType::kTechnical}};
  f.tags = {"x"};
  DatasetSpec once;
  MergeFacts(f, "t", once);
  DatasetSpec twice = once;
  MergeFacts(f, "t", twice);
  EXPECT_EQ(once, twice);
}

}  // namespace
}  // namespace catalog::lineage
