// Integration: PolicyService and the catalog's own RPCs authorized by the
// policy engine, on a real server in-process.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "catalog/v1/policy.grpc.pb.h"
#include "client/client.h"
#include "server/server.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

using ::testing::HasSubstr;
using client::CatalogClient;
using Stub = v1::CatalogService::Stub;
using PStub = v1::PolicyService::Stub;

class PolicyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.http_listen = "127.0.0.1:0";
    config.data_dir = (dir_.path() / "data").string();
    config.policies_dir = (testing::SourceDir() / "policies").string();
    auto s = server::CatalogServer::Start(config);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
    std::string token = testing::ReadFile(server_->admin_token_path());
    token.pop_back();
    admin_ = Connect(token);
    policy_stub_ = v1::PolicyService::NewStub(grpc::CreateChannel(
        Address(), grpc::InsecureChannelCredentials()));
    // A group, two users and a dataset owned by the group.
    v1::ApplyRequest seed;
    auto principal = [&](v1::PrincipalKind kind, std::string name,
                         std::vector<std::string> groups) {
      v1::Principal* p = seed.add_resources()->mutable_principal();
      p->set_kind(kind);
      p->set_name(std::move(name));
      for (auto& g : groups) p->mutable_spec()->add_groups(g);
    };
    principal(v1::PRINCIPAL_KIND_GROUP, "sales-eng", {});
    principal(v1::PRINCIPAL_KIND_USER, "alice", {"sales-eng"});
    principal(v1::PRINCIPAL_KIND_USER, "bob", {});
    *seed.add_resources() = Dataset("orders", "group:sales-eng");
    ASSERT_TRUE(admin_->Call(&Stub::Apply, admin_->catalog(), seed).ok());
    alice_ = Connect(Issue("user:alice"));
    bob_ = Connect(Issue("user:bob"));
  }

  std::string Address() const {
    return "127.0.0.1:" + std::to_string(server_->grpc_port());
  }
  std::unique_ptr<CatalogClient> Connect(const std::string& token) {
    return *CatalogClient::Connect({.address = Address(), .token = token});
  }
  std::string Issue(const std::string& principal) {
    v1::CreateTokenRequest req;
    req.set_principal(principal);
    auto r = admin_->Call(&v1::TokenService::Stub::CreateToken, admin_->tokens(), req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r->secret();
  }
  static v1::Resource Dataset(const std::string& name, const std::string& owner) {
    v1::Resource r;
    v1::Dataset* d = r.mutable_dataset();
    d->mutable_key()->set_namespace_("pg://db");
    d->mutable_key()->set_name(name);
    v1::Owner* o = d->mutable_spec()->add_owners();
    o->set_principal(owner);
    v1::Field* f = d->mutable_spec()->mutable_schema()->add_fields();
    f->set_name("email");
    f->set_type("varchar");
    f->add_tags("pii");
    return r;
  }
  absl::StatusOr<v1::AuthorizeResponse> Ask(CatalogClient& c, std::string principal,
                                            std::string action, std::string resource,
                                            int64_t min_revision = 0) {
    v1::AuthorizeRequest req;
    req.set_principal(principal);
    req.set_action(action);
    req.set_resource(resource);
    req.set_min_revision(min_revision);
    grpc::ClientContext ctx;
    c.Prepare(ctx);
    v1::AuthorizeResponse resp;
    grpc::Status s = policy_stub_->Authorize(&ctx, req, &resp);
    if (!s.ok()) return client::FromGrpcStatus(s);
    return resp;
  }
  template <typename Req, typename Resp>
  absl::StatusOr<Resp> PolicyCall(
      grpc::Status (PStub::*method)(grpc::ClientContext*, const Req&, Resp*),
      CatalogClient& c, const Req& req) {
    return c.Call(method, *policy_stub_, req);
  }

  testing::TempDir dir_;
  std::unique_ptr<server::CatalogServer> server_;
  std::unique_ptr<CatalogClient> admin_, alice_, bob_;
  std::unique_ptr<PStub> policy_stub_;
};

constexpr char kOrders[] = "Dataset::\"pg://db/orders\"";

TEST_F(PolicyServiceTest, DefaultPoliciesLetOwnersWriteAndEveryoneRead) {
  // alice owns orders through her group; bob does not.
  v1::Resource change = Dataset("orders", "group:sales-eng");
  change.mutable_dataset()->mutable_spec()->set_description("by alice");
  v1::ApplyRequest req;
  *req.add_resources() = change;
  EXPECT_TRUE(alice_->Call(&Stub::Apply, alice_->catalog(), req).ok());
  auto denied = bob_->Call(&Stub::Apply, bob_->catalog(), req);
  EXPECT_EQ(denied.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(denied.status().message()), HasSubstr("no policy permits it"));
  // Bob may register a dataset he owns, not one he gives to someone else.
  v1::ApplyRequest own;
  *own.add_resources() = Dataset("bobs", "user:bob");
  EXPECT_TRUE(bob_->Call(&Stub::Apply, bob_->catalog(), own).ok());
  v1::ApplyRequest other;
  *other.add_resources() = Dataset("not-bobs", "user:alice");
  EXPECT_EQ(bob_->Call(&Stub::Apply, bob_->catalog(), other).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Everyone authenticated reads the catalog.
  v1::GetDatasetRequest get;
  get.mutable_key()->set_namespace_("pg://db");
  get.mutable_key()->set_name("orders");
  EXPECT_TRUE(bob_->Call(&Stub::GetDataset, bob_->catalog(), get).ok());
  // Only admins change policies.
  v1::PutPolicySetRequest put;
  auto* f = put.add_files();
  f->set_name("p.cedar");
  f->set_text("permit (principal, action, resource);");
  EXPECT_EQ(PolicyCall(&PStub::PutPolicySet, *bob_, put).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(PolicyServiceTest, AuthorizeAnswersWithReasonsAndRevision) {
  auto r = Ask(*admin_, "User::\"alice\"", "read", kOrders);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->decision(), v1::DECISION_ALLOW);
  ASSERT_EQ(r->reasons_size(), 1);
  EXPECT_EQ(r->reasons(0).annotated_id(), "owners-manage-their-datasets");
  EXPECT_GT(r->revision(), 0);
  r = Ask(*bob_, "User::\"bob\"", "Action::\"read\"", kOrders);
  EXPECT_EQ(r->decision(), v1::DECISION_DENY);
  EXPECT_EQ(Ask(*bob_, "alice", "read", kOrders).status().code(),
            absl::StatusCode::kInvalidArgument);
}

// Issue 12 #10/#13: bob could ask what alice may do (and his question was
// recorded as hers). Asking about anyone else takes authorize:others,
// which the default policies give admins and Group::"authorizers".
TEST_F(PolicyServiceTest, AskingAboutSomeoneElseTakesAuthorizeOthers) {
  auto refused = Ask(*bob_, "User::\"alice\"", "read", kOrders);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("authorize:others"));
  v1::AuthorizeReadRequest read;
  read.set_principal("User::\"alice\"");
  read.mutable_dataset()->set_namespace_("pg://db");
  read.mutable_dataset()->set_name("orders");
  EXPECT_EQ(PolicyCall(&PStub::AuthorizeRead, *bob_, read).status().code(),
            absl::StatusCode::kPermissionDenied);
  v1::BatchAuthorizeRequest batch;
  v1::AuthorizeRequest* own = batch.add_requests();
  own->set_principal("User::\"bob\"");
  own->set_action("read");
  own->set_resource(kOrders);
  *batch.add_requests() = *own;
  batch.mutable_requests(1)->set_principal("User::\"alice\"");
  auto batched = PolicyCall(&PStub::BatchAuthorize, *bob_, batch);
  EXPECT_EQ(batched.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(batched.status().message()), HasSubstr("requests[1]"));
  // A refused batch decides (and records) none of its questions.
  v1::ListAuditEventsRequest events;
  events.set_principal("user:bob");
  events.set_action("read");
  auto bobs = admin_->Call(&v1::AuditService::Stub::ListAuditEvents, admin_->audit(), events);
  ASSERT_TRUE(bobs.ok()) << bobs.status();
  EXPECT_EQ(bobs->events_size(), 0);
  // A gateway in Group::"authorizers" asks on its users' behalf.
  v1::ApplyRequest gateway;
  v1::Principal* g = gateway.add_resources()->mutable_principal();
  g->set_kind(v1::PRINCIPAL_KIND_GROUP);
  g->set_name("authorizers");
  v1::Principal* trino = gateway.add_resources()->mutable_principal();
  trino->set_kind(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT);
  trino->set_name("trino");
  trino->mutable_spec()->add_groups("authorizers");
  ASSERT_TRUE(admin_->Call(&Stub::Apply, admin_->catalog(), gateway).ok());
  auto trino_client = Connect(Issue("serviceaccount:trino"));
  auto r = Ask(*trino_client, "User::\"alice\"", "read", kOrders);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->decision(), v1::DECISION_ALLOW);
  EXPECT_TRUE(PolicyCall(&PStub::AuthorizeRead, *trino_client, read).ok());
  // Ids longer than any catalog name are refused, not recorded.
  auto long_id = Ask(*bob_, "User::\"bob\"", "read",
                     "Dataset::\"" + std::string(5000, 'x') + "\"");
  EXPECT_EQ(long_id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(long_id.status().message()), HasSubstr("resource: "));
  // A token limited to catalog:read may not ask about writes.
  v1::CreateTokenRequest limited;
  limited.set_principal("user:bob");
  limited.add_actions("read");
  auto t = admin_->Call(&v1::TokenService::Stub::CreateToken, admin_->tokens(), limited);
  ASSERT_TRUE(t.ok()) << t.status();
  auto bob_read = Connect(t->secret());
  EXPECT_TRUE(Ask(*bob_read, "User::\"bob\"", "read", kOrders).ok());
  auto write = Ask(*bob_read, "User::\"bob\"", "write", kOrders);
  EXPECT_EQ(write.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(write.status().message()), HasSubstr("limited to read"));
}

TEST_F(PolicyServiceTest, PolicyVersionsAreValidatedVersionedAndExplained) {
  v1::PutPolicySetRequest bad;
  auto* f = bad.add_files();
  f->set_name("broken.cedar");
  f->set_text("permit (principal, action, resource) when { 1 + };");
  auto refused = PolicyCall(&PStub::PutPolicySet, *admin_, bad);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("broken.cedar:1:"));

  v1::PutPolicySetRequest good;
  f = good.add_files();
  f->set_name("all.cedar");
  f->set_text(
      "@id(\"admins\") permit (principal == User::\"admin\", action, resource);\n"
      "@id(\"bob-reads\") permit (principal == User::\"bob\", action == Action::\"read\", "
      "resource);\n"
      "@id(\"no-pii\") forbid (principal, action, resource is Column) when "
      "{ resource.tags.contains(\"pii\") };\n");
  good.set_expected_version(1);
  auto put = PolicyCall(&PStub::PutPolicySet, *admin_, good);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_EQ(put->version(), 2);
  // A stale expected version is refused.
  EXPECT_EQ(PolicyCall(&PStub::PutPolicySet, *admin_, good).status().code(),
            absl::StatusCode::kAborted);
  // In force at once: bob reads the dataset, the pii column is denied.
  auto r = Ask(*bob_, "User::\"bob\"", "read", kOrders, put->catalog_revision());
  EXPECT_EQ(r->decision(), v1::DECISION_ALLOW);
  v1::AuthorizeReadRequest read;
  read.set_principal("User::\"bob\"");
  read.mutable_dataset()->set_namespace_("pg://db");
  read.mutable_dataset()->set_name("orders");
  read.add_columns("email");
  auto columns = PolicyCall(&PStub::AuthorizeRead, *bob_, read);
  ASSERT_TRUE(columns.ok()) << columns.status();
  EXPECT_EQ(columns->dataset().decision(), v1::DECISION_ALLOW);
  EXPECT_EQ(columns->columns(0).access(), v1::COLUMN_ACCESS_DENY);
  // Versions and explain (the new set lets only the admin read the catalog).
  EXPECT_EQ(PolicyCall(&PStub::ListPolicyVersions, *alice_,
                       v1::ListPolicyVersionsRequest())
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  auto versions = PolicyCall(&PStub::ListPolicyVersions, *admin_,
                             v1::ListPolicyVersionsRequest());
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->versions_size(), 2);
  v1::GetPolicySetRequest get;
  get.set_version(1);
  auto first = PolicyCall(&PStub::GetPolicySet, *admin_, get);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->files(0).name(), "default.cedar");
  v1::AuthorizeRequest explain;
  explain.set_principal("User::\"bob\"");
  explain.set_action("read");
  explain.set_resource(kOrders);
  auto trace = PolicyCall(&PStub::Explain, *admin_, explain);
  ASSERT_TRUE(trace.ok()) << trace.status();
  ASSERT_EQ(trace->trace_size(), 3);
  EXPECT_FALSE(trace->trace(0).scope_matched());
  EXPECT_EQ(trace->trace(1).outcome(), v1::PolicyTraceProto::OUTCOME_SATISFIED);
}

TEST_F(PolicyServiceTest, BatchAuthorizeAnswersInOrder) {
  v1::BatchAuthorizeRequest batch;
  for (const char* who : {"alice", "bob", "alice"}) {
    v1::AuthorizeRequest* r = batch.add_requests();
    r->set_principal(std::string("User::\"") + who + "\"");
    r->set_action("write");
    r->set_resource(kOrders);
  }
  auto resp = PolicyCall(&PStub::BatchAuthorize, *admin_, batch);
  ASSERT_TRUE(resp.ok()) << resp.status();
  ASSERT_EQ(resp->responses_size(), 3);
  EXPECT_EQ(resp->responses(0).decision(), v1::DECISION_ALLOW);
  EXPECT_EQ(resp->responses(1).decision(), v1::DECISION_DENY);
  EXPECT_EQ(resp->responses(2).decision(), v1::DECISION_ALLOW);
}

TEST_F(PolicyServiceTest, ARevokedPermissionIsNeverGrantedAfterTheRevokeReturns) {
  ASSERT_EQ(Ask(*admin_, "User::\"alice\"", "write", kOrders)->decision(),
            v1::DECISION_ALLOW);
  // Concurrent writes keep the snapshot rebuilding while we check.
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop; ++i) {
      v1::ApplyRequest req;
      *req.add_resources() = Dataset("noise" + std::to_string(i % 5), "user:admin");
      (void)admin_->Call(&Stub::Apply, admin_->catalog(), req);
    }
  });
  // Take alice out of the owning group; once Apply returns, no answer may
  // allow her.
  v1::ApplyRequest revoke;
  v1::Principal* p = revoke.add_resources()->mutable_principal();
  p->set_kind(v1::PRINCIPAL_KIND_USER);
  p->set_name("alice");
  ASSERT_TRUE(admin_->Call(&Stub::Apply, admin_->catalog(), revoke).ok());
  int allowed = 0;
  for (int i = 0; i < 1000; ++i) {
    auto r = Ask(*admin_, "User::\"alice\"", "write", kOrders);
    ASSERT_TRUE(r.ok());
    allowed += r->decision() == v1::DECISION_ALLOW;
  }
  stop = true;
  writer.join();
  EXPECT_EQ(allowed, 0);
}

// Who may read or write a dataset: asked of the policies for every
// principal and group, behind authorize:others, and never about a dataset
// the caller may not read.
// Search and its facets count only what the caller may read: a dataset
// kept from bob is neither a hit nor in any count, nor does ListAccess
// say it exists.
TEST_F(PolicyServiceTest, SearchFacetsAndAccessHideWhatTheCallerMayNotRead) {
  v1::ApplyRequest more;
  *more.add_resources() = Dataset("orders_eu", "group:sales-eng");
  ASSERT_TRUE(admin_->Call(&Stub::Apply, admin_->catalog(), more).ok());
  v1::GetPolicySetRequest current;
  auto set = PolicyCall(&PStub::GetPolicySet, *admin_, current);
  ASSERT_TRUE(set.ok()) << set.status();
  v1::PutPolicySetRequest put;
  *put.mutable_files() = set->files();
  auto* keep_out = put.add_files();
  keep_out->set_name("bob.cedar");
  keep_out->set_text(
      "forbid (principal == User::\"bob\", action == Action::\"catalog:read\", "
      "resource == Dataset::\"pg://db/orders_eu\");");
  auto applied = PolicyCall(&PStub::PutPolicySet, *admin_, put);
  ASSERT_TRUE(applied.ok()) << applied.status();
  v1::SearchRequest search;
  search.set_query("orders");
  search.set_facets(true);
  auto admins = admin_->Call(&Stub::SearchDatasets, admin_->catalog(), search);
  ASSERT_TRUE(admins.ok()) << admins.status();
  EXPECT_EQ(admins->hits_size(), 2);
  EXPECT_EQ(admins->facets_scanned(), 2);
  auto bobs = bob_->Call(&Stub::SearchDatasets, bob_->catalog(), search);
  ASSERT_TRUE(bobs.ok()) << bobs.status();
  ASSERT_EQ(bobs->hits_size(), 1);
  EXPECT_EQ(bobs->hits(0).key().name(), "orders");
  EXPECT_EQ(bobs->facets_scanned(), 1);
  for (const v1::Facet& f : bobs->facets()) {
    for (const v1::FacetValue& v : f.values()) {
      EXPECT_EQ(v.count(), 1) << f.name() << " " << v.value();
    }
  }
  // Admins ask ListAccess; an unreadable dataset is as a missing one to
  // anyone who may not read it, even with authorize:others: here bob has
  // neither, and is told about the one he can read only that he may not ask.
  v1::ListAccessRequest hidden;
  hidden.set_resource("Dataset::\"pg://db/orders_eu\"");
  EXPECT_EQ(PolicyCall(&PStub::ListAccess, *bob_, hidden).status().code(),
            absl::StatusCode::kNotFound);
  v1::ListAccessRequest visible;
  visible.set_resource(kOrders);
  EXPECT_EQ(PolicyCall(&PStub::ListAccess, *bob_, visible).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(PolicyServiceTest, ListAccessNamesWhoMayActAndWhy) {
  v1::ListAccessRequest ask;
  ask.set_resource(kOrders);
  auto listed = PolicyCall(&PStub::ListAccess, *admin_, ask);
  ASSERT_TRUE(listed.ok()) << listed.status();
  std::set<std::string> who;
  for (const v1::AccessEntry& e : listed->entries()) {
    who.insert(e.principal() + " " + e.action());
    if (e.principal() == "group:sales-eng") {
      ASSERT_EQ(e.reasons_size(), 1);
      EXPECT_EQ(e.reasons(0).annotated_id(), "owners-manage-their-datasets");
    }
  }
  // The owning group and its member; not bob. (The admin the first start
  // made is a token, not a principal the catalog lists.)
  EXPECT_TRUE(who.count("group:sales-eng read")) << listed->DebugString();
  EXPECT_TRUE(who.count("user:alice write"));
  EXPECT_FALSE(who.count("user:bob read"));
  EXPECT_TRUE(listed->complete());
  EXPECT_EQ(listed->resource(), kOrders);
  EXPECT_EQ(listed->principals_considered(), 3);  // alice, bob, sales-eng
  // The same by the dataset's key.
  v1::ListAccessRequest by_key;
  by_key.mutable_dataset()->set_namespace_("pg://db");
  by_key.mutable_dataset()->set_name("orders");
  by_key.add_actions("read");
  auto same = PolicyCall(&PStub::ListAccess, *admin_, by_key);
  ASSERT_TRUE(same.ok()) << same.status();
  for (const v1::AccessEntry& e : same->entries()) EXPECT_EQ(e.action(), "read");
  EXPECT_GT(same->entries_size(), 0);

  // Alice may read it, but may not ask about others.
  auto refused = PolicyCall(&PStub::ListAccess, *alice_, ask);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("authorize:others"));
  // A dataset no one has, and one the caller may not read, are alike.
  v1::ListAccessRequest missing;
  missing.set_resource("Dataset::\"pg://db/nothing\"");
  auto none = PolicyCall(&PStub::ListAccess, *admin_, missing);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound);
  // Bad requests name the field.
  v1::ListAccessRequest both = by_key;
  both.set_resource(kOrders);
  auto ambiguous = PolicyCall(&PStub::ListAccess, *admin_, both);
  EXPECT_EQ(ambiguous.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ambiguous.status().message()), HasSubstr("resource:"));
  v1::ListAccessRequest many = ask;
  for (int i = 0; i < 9; ++i) many.add_actions("read");
  auto too_many = PolicyCall(&PStub::ListAccess, *admin_, many);
  EXPECT_EQ(too_many.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(too_many.status().message()), HasSubstr("actions: at most 8"));
}

}  // namespace
}  // namespace catalog
