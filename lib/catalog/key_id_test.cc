#include "lib/catalog/key_id.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "lib/catalog/validate.h"

namespace catalog {
namespace {

TEST(KeyId, OrdinaryKeysKeepTheirWrittenForm) {
  EXPECT_EQ(KeyId("postgres://db:5432", "sales.orders"), "postgres://db:5432/sales.orders");
  EXPECT_EQ(KeyId("s3://bucket", "a/b/c.parquet"), "s3://bucket/a/b/c.parquet");
  EXPECT_EQ(KeyId("hdfs://nn:8020", "/warehouse/t"), "hdfs://nn:8020//warehouse/t");
  EXPECT_EQ(KeyId("bigquery", "proj.ds.t"), "bigquery/proj.ds.t");
  // What ParseDatasetKey reads back is the key itself.
  auto key = ParseDatasetKey(KeyId("gs://bucket", "path/file.csv"));
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->ns, "gs://bucket");
  EXPECT_EQ(key->name, "path/file.csv");
}

// Issue 12 #8: "postgres:" + "/hr-db:5432/hr.public.salaries" was the same
// Dataset::"…" as "postgres://hr-db:5432" + "hr.public.salaries".
TEST(KeyId, LookAlikesGetTheirOwnId) {
  EXPECT_NE(KeyId("postgres:", "/hr-db:5432/hr.public.salaries"),
            KeyId("postgres://hr-db:5432", "hr.public.salaries"));
  EXPECT_EQ(KeyId("postgres:", "/hr-db:5432/hr.public.salaries"),
            "~postgres:/" "/hr-db:5432/hr.public.salaries");
  EXPECT_EQ(KeyId("s3://bucket/dir", "f"), "~s3:%2F%2Fbucket%2Fdir/f");
  EXPECT_EQ(KeyId("~x", "y"), "~%7Ex/y");
}

// Injective over every (namespace, name) built from the characters that
// matter: distinct keys, distinct ids.
TEST(KeyId, InjectiveOverGeneratedKeys) {
  const std::string alphabet = "ab/:~%.";
  std::mt19937 rng(12);
  auto text = [&](int max) {
    std::uniform_int_distribution<int> len(1, max), pick(0, alphabet.size() - 1);
    std::string s;
    for (int i = len(rng); i > 0; --i) s += alphabet[pick(rng)];
    return s;
  };
  std::map<std::string, std::pair<std::string, std::string>> seen;
  for (int i = 0; i < 200000; ++i) {
    std::string ns = text(7), name = text(5);
    auto [it, added] = seen.emplace(KeyId(ns, name), std::make_pair(ns, name));
    if (!added) {
      ASSERT_EQ(it->second, std::make_pair(ns, name))
          << "\"" << ns << "\" + \"" << name << "\" and \"" << it->second.first << "\" + \""
          << it->second.second << "\" share id " << it->first;
    }
  }
  EXPECT_GT(seen.size(), 50000u);
}

}  // namespace
}  // namespace catalog
