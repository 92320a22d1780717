#include "lib/catalog/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace catalog {
namespace {

using ::testing::HasSubstr;

TEST(Utf8, AcceptsWellFormedAndRejectsMalformed) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xff"));
}

TEST(ValidateName, RulesNameTheField) {
  EXPECT_TRUE(ValidateName("f", "orders").ok());
  absl::Status empty = ValidateName("metadata.name", "");
  EXPECT_EQ(empty.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(empty.message(), "metadata.name: must not be empty");
  EXPECT_THAT(ValidateName("f", std::string(2000, 'a')).message(),
              HasSubstr("at most 1024 bytes"));
  EXPECT_THAT(ValidateName("f", std::string("a\0b", 3)).message(),
              HasSubstr("control characters"));
  EXPECT_THAT(ValidateName("f", "tab\there").message(),
              HasSubstr("control characters"));
  EXPECT_THAT(ValidateName("f", "c1\xc2\x85").message(),
              HasSubstr("control characters"));
  EXPECT_THAT(ValidateName("f", "bad\xff").message(), HasSubstr("UTF-8"));
  // Free text may hold newlines, names may not.
  EXPECT_TRUE(ValidateText("d", "line one\nline two").ok());
}

TEST(ParseDatasetKey, SplitsTheOpenLineageWay) {
  auto key = ParseDatasetKey("postgres://prod-db:5432/sales.public.orders");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->ns, "postgres://prod-db:5432");
  EXPECT_EQ(key->name, "sales.public.orders");

  key = ParseDatasetKey("gs://bucket/path/file.csv");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->ns, "gs://bucket");
  EXPECT_EQ(key->name, "path/file.csv");

  key = ParseDatasetKey("bigquery/proj.ds.table");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->ns, "bigquery");
  EXPECT_EQ(key->name, "proj.ds.table");

  EXPECT_FALSE(ParseDatasetKey("no-slash").ok());
  EXPECT_FALSE(ParseDatasetKey("s3://bucket/").ok());  // empty name
}

TEST(ParsePrincipalRef, KnowsTheThreeKinds) {
  auto ref = ParsePrincipalRef("p", "serviceaccount:etl-orders");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->kind, PrincipalKind::kServiceAccount);
  EXPECT_EQ(ref->name, "etl-orders");
  EXPECT_EQ(ref->ToString(), "serviceaccount:etl-orders");
  EXPECT_THAT(ParsePrincipalRef("p", "robot:x").status().message(),
              HasSubstr("unknown principal kind \"robot\""));
  EXPECT_THAT(ParsePrincipalRef("p", "alice").status().message(),
              HasSubstr("kind:name"));
  EXPECT_THAT(ParsePrincipalRef("p", "user:a b").status().message(),
              HasSubstr("principal names hold only"));
}

TEST(ValidateDomainPath, SegmentsAreChecked) {
  EXPECT_TRUE(ValidateDomainPath("d", "finance/payments").ok());
  EXPECT_FALSE(ValidateDomainPath("d", "finance//payments").ok());
  EXPECT_FALSE(ValidateDomainPath("d", "/finance").ok());
  EXPECT_FALSE(ValidateDomainPath("d", "finance/../hr").ok());
  EXPECT_FALSE(ValidateDomainPath("d", "fin ance").ok());
  EXPECT_EQ(DomainParent("a/b/c"), "a/b");
  EXPECT_EQ(DomainParent("a"), "");
  EXPECT_TRUE(InDomain("sales/eu", "sales"));
  EXPECT_TRUE(InDomain("sales", "sales"));
  EXPECT_TRUE(InDomain("sales", ""));
  EXPECT_FALSE(InDomain("salesforce", "sales"));
  EXPECT_FALSE(InDomain("sales", "sales/eu"));
  EXPECT_FALSE(InDomain("", "sales"));
}

Dataset Orders() {
  Dataset d;
  d.key = {"postgres://db:5432", "sales.public.orders"};
  d.spec.fields = {{.name = "order_id", .type = "bigint", .nullable = false},
                   {.name = "email", .type = "varchar"}};
  return d;
}

TEST(ValidateDataset, AcceptsAGoodDataset) {
  EXPECT_TRUE(ValidateDataset(Orders()).ok());
}

TEST(ValidateDataset, RejectsDuplicateFieldNames) {
  Dataset d = Orders();
  d.spec.fields.push_back({.name = "email", .type = "text"});
  EXPECT_EQ(ValidateDataset(d).message(),
            "spec.schema.fields[2].name: duplicate field name \"email\"");
}

TEST(ValidateDataset, RejectsDuplicateNestedFieldNamesAtTheirPath) {
  Dataset d = Orders();
  d.spec.fields[1].fields = {{.name = "a", .type = "int"},
                             {.name = "a", .type = "int"}};
  EXPECT_EQ(ValidateDataset(d).message(),
            "spec.schema.fields[1].fields[1].name: duplicate field name "
            "\"a\"");
}

TEST(ValidateDataset, RejectsTooDeepSchemas) {
  Dataset d = Orders();
  Field* f = &d.spec.fields[0];
  for (int i = 0; i < kMaxFieldDepth + 1; ++i) {
    f->fields = {{.name = "n", .type = "struct"}};
    f = &f->fields[0];
  }
  EXPECT_THAT(ValidateDataset(d).message(), HasSubstr("nest deeper"));
}

TEST(ValidateDataset, RejectsBadTagsOwnersAndDomains) {
  Dataset d = Orders();
  d.spec.tags = {"pii", "pii"};
  EXPECT_EQ(ValidateDataset(d).message(),
            "spec.tags[1]: duplicate tag \"pii\"");
  d = Orders();
  d.spec.owners = {{.principal = "alice"}};
  EXPECT_THAT(ValidateDataset(d).message(),
              HasSubstr("spec.owners[0].principal"));
  d = Orders();
  d.spec.domain = "sales//orders";
  EXPECT_THAT(ValidateDataset(d).message(), HasSubstr("spec.domain"));
}

TEST(ValidatePrincipal, GroupsMustBeNamesAndNotSelf) {
  Principal g{.kind = PrincipalKind::kGroup, .name = "eng"};
  g.spec.groups = {"eng"};
  EXPECT_THAT(ValidatePrincipal(g).message(), HasSubstr("member of itself"));
  g.spec.groups = {"all", "all"};
  EXPECT_THAT(ValidatePrincipal(g).message(), HasSubstr("duplicate group"));
  g.spec.groups = {"all"};
  EXPECT_TRUE(ValidatePrincipal(g).ok());
}

}  // namespace
}  // namespace catalog
