// Integration: governance attributes through the API and the default
// policies. An owner writes a dataset's layer and tier but does not
// certify it; a data steward certifies it without being able to change
// anything else; data architects set the catalog's layers; policies read
// resource.layer, resource.tier and resource.certification.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <google/protobuf/text_format.h>

#include <fstream>
#include <sstream>

#include "client/client.h"
#include "lib/catalog/manifest.h"
#include "proto/convert.h"
#include "tests/in_process.h"

namespace catalog {
namespace {

using client::CatalogClient;
using ::testing::HasSubstr;

class GovernanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start().ok());
    v1::ApplyRequest apply;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"(resources { principal { kind: PRINCIPAL_KIND_GROUP name: "data-stewards" } }
           resources { principal { kind: PRINCIPAL_KIND_GROUP name: "data-architects" } }
           resources { principal { kind: PRINCIPAL_KIND_USER name: "alice" } }
           resources { principal { kind: PRINCIPAL_KIND_USER name: "bob" } }
           resources { principal { kind: PRINCIPAL_KIND_USER name: "carol"
                                   spec { groups: "data-stewards" } } }
           resources { principal { kind: PRINCIPAL_KIND_USER name: "ada"
                                   spec { groups: "data-architects" } } }
           resources { dataset { key { namespace: "pg" name: "orders" }
                                 spec { owners { principal: "user:alice" } } } })",
        &apply));
    ASSERT_TRUE(Admin().Call(&v1::CatalogService::Stub::Apply, Admin().catalog(), apply).ok());
    for (const char* who : {"user:alice", "user:bob", "user:carol", "user:ada"}) {
      auto token = server_.Issue(who);
      ASSERT_TRUE(token.ok()) << token.status();
      clients_[who] = server_.Connect(*token);
    }
  }

  CatalogClient& Admin() { return server_.admin(); }
  CatalogClient& As(const std::string& who) { return *clients_.at(who); }

  // Writes pg/orders' spec fields named by `fields` (a merge, as manifests do).
  absl::StatusOr<v1::ApplyResponse> Write(const std::string& who, const std::string& spec,
                                          std::vector<std::string> fields) {
    v1::ApplyRequest req;
    v1::Resource* r = req.add_resources();
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"(dataset { key { namespace: "pg" name: "orders" } spec { )" + spec + " } }", r));
    r->set_merge(true);
    for (const std::string& f : fields) r->add_fields(f);
    return As(who).Call(&v1::CatalogService::Stub::Apply, As(who).catalog(), req);
  }

  v1::DatasetSpec Spec() {
    v1::GetDatasetRequest get;
    get.mutable_key()->set_namespace_("pg");
    get.mutable_key()->set_name("orders");
    auto d = Admin().Call(&v1::CatalogService::Stub::GetDataset, Admin().catalog(), get);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() ? d->spec() : v1::DatasetSpec();
  }

  bool BobMayRead() {
    v1::AuthorizeRequest req;
    req.set_principal(R"(User::"bob")");
    req.set_action("read");
    req.set_resource(R"(Dataset::"pg/orders")");
    auto r = Admin().Call(&v1::PolicyService::Stub::Authorize, Admin().policies(), req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() && r->decision() == v1::DECISION_ALLOW;
  }

  testing::InProcessServer server_;
  std::map<std::string, std::unique_ptr<CatalogClient>> clients_;
};

TEST_F(GovernanceTest, OwnersSetLayerAndTierStewardsCertify) {
  ASSERT_TRUE(Write("user:alice", R"(layer: "gold" tier: 1 certification { state: "draft" })",
                    {"layer", "tier", "certification"})
                  .ok());
  // The owner may not vouch for their own dataset.
  auto self = Write("user:alice", R"(certification { state: "verified" })", {"certification"});
  ASSERT_EQ(self.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(self.status().message(), HasSubstr("catalog:certify"));
  EXPECT_EQ(Spec().certification().state(), "draft");
  // A steward certifies, and nothing else.
  auto certified = Write("user:carol",
                         R"(certification { state: "verified" expires: "2099-01-01" })",
                         {"certification"});
  ASSERT_TRUE(certified.ok()) << certified.status();
  EXPECT_EQ(Spec().certification().state(), "verified");
  EXPECT_EQ(Spec().certification().by(), "user:carol");
  EXPECT_EQ(Spec().layer(), "gold");
  auto other = Write("user:carol", R"(description: "mine now")", {"description"});
  EXPECT_EQ(other.status().code(), absl::StatusCode::kPermissionDenied);
  // Certifying is no way to make a dataset.
  v1::ApplyRequest create;
  v1::Resource* r = create.add_resources();
  r->mutable_dataset()->mutable_key()->set_namespace_("pg");
  r->mutable_dataset()->mutable_key()->set_name("new_one");
  r->mutable_dataset()->mutable_spec()->mutable_certification()->set_state("verified");
  r->set_merge(true);
  r->add_fields("certification");
  EXPECT_EQ(As("user:carol")
                .Call(&v1::CatalogService::Stub::Apply, As("user:carol").catalog(), create)
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  // The owner may not withdraw it either, nor forge who certified it.
  EXPECT_EQ(Write("user:alice", R"(certification { })", {"certification"}).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto forged = Write("user:alice",
                      R"(description: "orders" certification { state: "verified"
                         expires: "2099-01-01" by: "user:mallory" })",
                      {"description", "certification"});
  ASSERT_TRUE(forged.ok()) << forged.status();
  EXPECT_EQ(Spec().certification().by(), "user:carol");
}

TEST_F(GovernanceTest, PoliciesReadLayerTierAndCertification) {
  ASSERT_TRUE(testing::AddPolicyFile(Admin(), "gold.cedar",
                                     R"(permit (principal == User::"bob", action == Action::"read",
                                                resource is Dataset)
                                        when { resource has layer && resource.layer == "gold" &&
                                               resource has tier && resource.tier <= 2 &&
                                               resource.certification == "verified" };)")
                  .ok());
  EXPECT_FALSE(BobMayRead());
  ASSERT_TRUE(Write("user:alice", R"(layer: "gold" tier: 2)", {"layer", "tier"}).ok());
  EXPECT_FALSE(BobMayRead());  // not verified yet
  ASSERT_TRUE(
      Write("user:carol", R"(certification { state: "verified" })", {"certification"}).ok());
  EXPECT_TRUE(BobMayRead());
  ASSERT_TRUE(Write("user:alice", R"(tier: 3)", {"tier"}).ok());
  EXPECT_FALSE(BobMayRead());
}

TEST_F(GovernanceTest, ArchitectsSetTheLayers) {
  v1::SetLayersRequest set;
  for (const char* l : {"raw", "bronze", "silver", "gold"}) set.add_layers(l);
  auto denied =
      As("user:alice").Call(&v1::GovernanceService::Stub::SetLayers, As("user:alice").governance(), set);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  auto bad = Write("user:alice", R"(layer: "raw")", {"layer"});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("is not one of the catalog's layers"));
  auto set_by_ada =
      As("user:ada").Call(&v1::GovernanceService::Stub::SetLayers, As("user:ada").governance(), set);
  ASSERT_TRUE(set_by_ada.ok()) << set_by_ada.status();
  EXPECT_EQ(set_by_ada->revision(), 1);
  EXPECT_EQ(set_by_ada->updated_by(), "user:ada");
  ASSERT_TRUE(Write("user:alice", R"(layer: "raw")", {"layer"}).ok());
  auto read = As("user:bob").Call(&v1::GovernanceService::Stub::GetLayers,
                                  As("user:bob").governance(), v1::GetLayersRequest());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->layers_size(), 4);
  EXPECT_EQ(read->layers(0), "raw");
}

// The guide's manifest applies as written, and its steward certifies.
TEST_F(GovernanceTest, TheGuidesExampleApplies) {
  std::ifstream in(testing::SourceDir() / "docs/examples/governance.yaml");
  std::stringstream text;
  text << in.rdbuf();
  auto docs = ParseManifest(text.str(), "governance.yaml");
  ASSERT_TRUE(docs.ok()) << docs.status();
  v1::ApplyRequest apply;
  for (const ManifestDocument& d : *docs) *apply.add_resources() = ToProto(d.resource);
  auto applied = Admin().Call(&v1::CatalogService::Stub::Apply, Admin().catalog(), apply);
  ASSERT_TRUE(applied.ok()) << applied.status();
  auto token = server_.Issue("user:carol");
  ASSERT_TRUE(token.ok());
  auto carol = server_.Connect(*token);
  v1::ApplyRequest certify;
  v1::Resource* r = certify.add_resources();
  r->mutable_dataset()->mutable_key()->set_namespace_("postgres://prod-db:5432");
  r->mutable_dataset()->mutable_key()->set_name("sales.public.orders_daily");
  r->mutable_dataset()->mutable_spec()->mutable_certification()->set_state("verified");
  r->mutable_dataset()->mutable_spec()->mutable_certification()->set_expires("2027-06-30");
  r->set_merge(true);
  r->add_fields("certification");
  auto done = carol->Call(&v1::CatalogService::Stub::Apply, carol->catalog(), certify);
  ASSERT_TRUE(done.ok()) << done.status();
  v1::GetDatasetRequest get;
  *get.mutable_key() = r->dataset().key();
  auto d = Admin().Call(&v1::CatalogService::Stub::GetDataset, Admin().catalog(), get);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->spec().layer(), "gold");
  EXPECT_EQ(d->spec().tier(), 1);
  EXPECT_EQ(d->spec().certification().state(), "verified");
  EXPECT_EQ(d->spec().certification().by(), "user:carol");
}

}  // namespace
}  // namespace catalog
