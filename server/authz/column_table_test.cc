// The snapshot's compact forms: packed columns and interned values.
#include <gtest/gtest.h>

#include "server/authz/column_table.h"
#include "server/authz/interner.h"

namespace catalog::authz {
namespace {

TEST(ColumnTable, FindsEveryColumnWithItsTypeTagsAndClassification) {
  std::string long_name(300, 'x');  // a length that takes two bytes
  std::vector<ColumnInfo> columns = {
      {.path = "id", .type = "bigint"},
      {.path = "address", .type = "struct", .tags = {"pii"}},
      {.path = "address.street", .type = "string",
       .classification = Classification::kRestricted},
      {.path = "address.geo", .type = "struct"},
      {.path = "address.geo.lat", .type = "double", .tags = {"location", "pii"}},
      {.path = "addressee", .type = "string"},
      {.path = long_name, .type = ""},
  };
  ColumnTable table(columns);
  ASSERT_EQ(table.size(), columns.size());
  std::vector<ColumnInfo> all = table.All();
  ASSERT_EQ(all.size(), columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    EXPECT_EQ(all[i].path, columns[i].path);
    EXPECT_EQ(all[i].type, columns[i].type);
    EXPECT_EQ(all[i].tags, columns[i].tags);
    EXPECT_EQ(all[i].classification, columns[i].classification);
    std::optional<ColumnInfo> found = table.Find(columns[i].path);
    ASSERT_TRUE(found) << columns[i].path;
    EXPECT_EQ(found->tags, columns[i].tags);
    EXPECT_EQ(found->classification, columns[i].classification);
  }
  EXPECT_FALSE(table.Find("addr"));
  EXPECT_FALSE(table.Find("address.geo.lon"));
  // Inside a struct: its nested fields at any depth, not a sibling that
  // only shares the prefix ("addressee").
  std::vector<std::string> inside;
  for (const ColumnInfo& c : table.Inside("address")) inside.push_back(c.path);
  EXPECT_EQ(inside, (std::vector<std::string>{"address.street", "address.geo",
                                              "address.geo.lat"}));
  EXPECT_TRUE(table.Inside("id").empty());
}

TEST(ValueInterner, EqualValuesShareOneCopyWhateverTheirOrder) {
  ValueInterner in;
  policy::Value a = in.StringSet({"pii", "gold", "pii"});
  policy::Value b = in.StringSet({"gold", "pii"});
  EXPECT_EQ(a, b);
  EXPECT_EQ(&a.as_set(), &b.as_set());  // one copy
  EXPECT_EQ(a.as_set().size(), 2u);
  // The set's members are the interned strings themselves.
  policy::Value gold = in.String("gold");
  EXPECT_EQ(&a.as_set()[0].as_string(), &gold.as_string());
  // A string and a set of that one string are different values.
  EXPECT_FALSE(in.StringSet({"gold"}) == gold);

  policy::Value owners = in.Owners({{.principal = "user:alice"}, {.principal = "group:x"}});
  policy::Value again = in.Owners({{.principal = "group:x"}, {.principal = "user:alice"}});
  EXPECT_EQ(&owners.as_set(), &again.as_set());
  ASSERT_EQ(owners.as_set().size(), 2u);
  EXPECT_TRUE(owners.SetContains(policy::Value::Entity({"User", "alice"})));
  EXPECT_TRUE(owners.SetContains(policy::Value::Entity({"Group", "x"})));

  policy::Value props = in.StringRecord({{"team", "sales"}});
  EXPECT_EQ(&props.as_record(), &in.StringRecord({{"team", "sales"}}).as_record());
  EXPECT_NE(&props.as_record(), &in.StringRecord({{"team", "ops"}}).as_record());
}

TEST(ValueInterner, DropsValuesNoOneHoldsAsItGrows) {
  ValueInterner in;
  policy::Value kept = in.String("kept");
  for (int i = 0; i < 5000; ++i) in.String("passing " + std::to_string(i));
  // Sweeps dropped the strings only the interner held; the held one stays
  // the same copy.
  EXPECT_LT(in.size(), 2100u);
  EXPECT_EQ(&in.String("kept").as_string(), &kept.as_string());
}

}  // namespace
}  // namespace catalog::authz
