#include "lib/contract/contract.h"

#include <gtest/gtest.h>

namespace catalog::contract {
namespace {

Field F(std::string name, std::string type, bool nullable = true) {
  Field f;
  f.name = std::move(name);
  f.type = std::move(type);
  f.nullable = nullable;
  return f;
}

class ContractModel : public ::testing::Test {
 protected:
  void Load(const std::string& text) {
    absl::StatusOr<Document> d = ParseYaml(text, "c.yaml");
    ASSERT_TRUE(d.ok()) << d.status();
    doc_ = *std::move(d);
    contract_ = FromDocument(doc_);
  }
  Document doc_;
  Contract contract_;
};

TEST_F(ContractModel, DefaultDatasetFollowsTheServer) {
  Load("apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\n"
       "status: active\nservers:\n  - server: prod\n    type: postgresql\n"
       "    host: db.example.com\n    port: 5432\n    database: shop\n"
       "    schema: public\nschema:\n  - name: orders\n"
       "    physicalName: orders_v2\n  - name: items\n");
  ASSERT_EQ(contract_.objects.size(), 2u);
  std::optional<DatasetKey> k = DefaultDataset(contract_, contract_.objects[0]);
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(k->ns, "postgres://db.example.com:5432");
  EXPECT_EQ(k->name, "shop.public.orders_v2");
  EXPECT_EQ(DefaultDataset(contract_, contract_.objects[1])->name,
            "shop.public.items");
}

TEST_F(ContractModel, NoServerNoDefaultDataset) {
  Load("apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\n"
       "status: active\nschema:\n  - name: orders\n");
  EXPECT_FALSE(DefaultDataset(contract_, contract_.objects[0]).has_value());
}

TEST_F(ContractModel, CheckFieldsFindsMissingTypeAndNullability) {
  Load("apiVersion: v3.1.0\nkind: DataContract\nid: x\nversion: 1.0.0\n"
       "status: active\nschema:\n  - name: orders\n    properties:\n"
       "      - name: id\n        logicalType: integer\n        primaryKey: true\n"
       "      - name: amount\n        logicalType: number\n"
       "      - name: status\n        logicalType: string\n        required: true\n"
       "      - name: note\n        logicalType: string\n"
       "      - name: placed\n        logicalType: timestamp\n"
       "        physicalType: timestamptz\n");
  const Object& o = contract_.objects[0];
  // A schema that honours the contract: ints may fill a number.
  EXPECT_TRUE(CheckFields(o, {F("id", "BIGINT", false), F("amount", "int64"),
                              F("status", "varchar(10)", false),
                              F("placed", "timestamptz"), F("extra", "x")})
                  .empty());
  std::vector<Violation> v =
      CheckFields(o, {F("id", "string", true), F("amount", "decimal(10,2)"),
                      F("placed", "date")});
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].property, "id");
  EXPECT_EQ(v[0].rule, "type");
  EXPECT_EQ(v[1].rule, "nullability");  // a primary key is required
  EXPECT_EQ(v[2].property, "status");
  EXPECT_EQ(v[2].rule, "missing");
  EXPECT_EQ(v[3].property, "placed");
  EXPECT_EQ(v[3].rule, "type");
}

TEST(LogicalTypes, EngineTypesMapToLogicalOnes) {
  EXPECT_EQ(LogicalTypeOf("VARCHAR(18)"), "string");
  EXPECT_EQ(LogicalTypeOf("bigint"), "integer");
  EXPECT_EQ(LogicalTypeOf("decimal(10, 2)"), "number");
  EXPECT_EQ(LogicalTypeOf("timestamp with time zone"), "timestamp");
  EXPECT_EQ(LogicalTypeOf("array<string>"), "array");
  EXPECT_EQ(LogicalTypeOf("geography"), "");
}

}  // namespace
}  // namespace catalog::contract
