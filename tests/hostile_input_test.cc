// Hostile input through the server's front doors, one after another on one
// catalogd: each is refused with a clear error (the status code, the field
// and the rule) or, where it is merely unusual, stored verbatim; the server
// answers a ping after every one; and at the end the catalog is as it was,
// the audit chain holds and SQLite finds the file intact.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sqlite3.h>

#include <functional>

#include "client/client.h"
#include "tests/in_process.h"

namespace catalog {
namespace {

using ::testing::HasSubstr;
using client::CatalogClient;
using CStub = v1::CatalogService::Stub;

struct Case {
  std::string what;
  std::function<absl::Status(CatalogClient&)> send;
  absl::StatusCode code;
  std::string message;  // a part of the error's message
};

v1::ApplyRequest DatasetRequest(const std::string& name, const std::string& description) {
  v1::ApplyRequest req;
  v1::Dataset* d = req.add_resources()->mutable_dataset();
  d->mutable_key()->set_namespace_("pg");
  d->mutable_key()->set_name(name);
  d->mutable_spec()->set_description(description);
  return req;
}

absl::Status Apply(CatalogClient& c, const std::string& name,
                   const std::string& description = "") {
  return c.Call(&CStub::Apply, c.catalog(), DatasetRequest(name, description)).status();
}

absl::Status PutPolicy(CatalogClient& c, const std::string& text) {
  v1::PutPolicySetRequest req;
  v1::PolicyFileProto* f = req.add_files();
  f->set_name("hostile.cedar");
  f->set_text(text);
  return c.Call(&v1::PolicyService::Stub::PutPolicySet, c.policies(), req).status();
}

absl::Status Ask(CatalogClient& c, const std::string& principal,
                 const std::string& context_json = "") {
  v1::AuthorizeRequest req;
  req.set_principal(principal);
  req.set_action("read");
  req.set_resource("Dataset::\"pg/orders\"");
  req.set_context_json(context_json);
  return c.Call(&v1::PolicyService::Stub::Authorize, c.policies(), req).status();
}

absl::Status PutContract(CatalogClient& c, const std::string& yaml) {
  v1::PutContractRequest req;
  req.set_document(yaml);
  req.set_file("hostile.yaml");
  return c.Call(&v1::ContractService::Stub::PutContract, c.contracts(), req).status();
}

absl::Status Ingest(CatalogClient& c, const std::string& event) {
  v1::IngestRequest req;
  req.add_events(event);
  return c.Call(&v1::LineageService::Stub::Ingest, c.lineage(), req).status();
}

std::string BillionLaughs() {
  std::string y = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i < 10; ++i) {
    std::string prev = "*a" + std::to_string(i - 1);
    y += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) y += (k ? ", " : "") + prev;
    y += "]\n";
  }
  return y;
}

TEST(HostileInput, EachIsRefusedClearlyAndTheServerGoesOn) {
  testing::InProcessServer server;
  ASSERT_TRUE(server.Start().ok());
  CatalogClient& admin = server.admin();
  ASSERT_TRUE(Apply(admin, "orders", "the seed").ok());
  auto before = admin.Call(&CStub::ListDatasets, admin.catalog(), v1::ListDatasetsRequest());
  ASSERT_TRUE(before.ok());
  auto policies_before = admin.Call(&v1::PolicyService::Stub::GetPolicySet, admin.policies(),
                                    v1::GetPolicySetRequest());
  ASSERT_TRUE(policies_before.ok()) << policies_before.status();

  const std::string deep_parens = std::string(100000, '(') + "true" + std::string(100000, ')');
  const std::string deep_json = std::string(100000, '[') + std::string(100000, ']');
  const std::string deep_yaml = std::string(100000, '[') + std::string(100000, ']');
  using C = absl::StatusCode;
  std::vector<Case> cases = {
      {"a 100,000-deep policy condition",
       [&](CatalogClient& c) {
         return PutPolicy(c, "permit (principal, action, resource) when { " + deep_parens + " };");
       },
       C::kInvalidArgument, "nests deeper"},
      {"100,000-deep JSON as an authorization context",
       [&](CatalogClient& c) { return Ask(c, "User::\"alice\"", deep_json); },
       C::kInvalidArgument, "context_json"},
      {"100,000-deep JSON as a lineage event",
       [&](CatalogClient& c) { return Ingest(c, deep_json); }, C::kInvalidArgument,
       "nests deeper than"},
      {"100,000-deep YAML as a data contract",
       [&](CatalogClient& c) { return PutContract(c, deep_yaml); }, C::kInvalidArgument,
       "hostile.yaml"},
      {"a data contract whose one scalar is 30,000 digits",
       [&](CatalogClient& c) { return PutContract(c, "foo: " + std::string(30000, '1') + "\n"); },
       C::kInvalidArgument, "hostile.yaml"},
      {"a policy expression chaining 16,000 terms",
       [&](CatalogClient& c) {
         std::string chain = "1";
         for (int i = 0; i < 16000; ++i) chain += " + 1";
         return PutPolicy(c, "permit (principal, action, resource) when { " + chain + " == 2 };");
       },
       C::kInvalidArgument, "nests deeper than 128"},
      {"an entity id of 5 KB in a question",
       [&](CatalogClient& c) { return Ask(c, "User::\"" + std::string(5000, 'a') + "\""); },
       C::kInvalidArgument, "principal: longer than"},
      {"a billion-laughs YAML data contract",
       [&](CatalogClient& c) { return PutContract(c, BillionLaughs()); },
       C::kInvalidArgument, "alias"},
      {"a dataset name with NUL",
       [&](CatalogClient& c) { return Apply(c, std::string("ord\0ers", 7)); },
       C::kInvalidArgument, "metadata.name: must not contain control characters"},
      {"a dataset name with an escape sequence",
       [&](CatalogClient& c) { return Apply(c, "orders\x1b[2J"); }, C::kInvalidArgument,
       "metadata.name: must not contain control characters"},
      {"a description with a bell",
       [&](CatalogClient& c) { return Apply(c, "orders", "ring \a"); }, C::kInvalidArgument,
       "spec.description: must not contain control characters"},
      {"a 300-byte owner name",
       [&](CatalogClient& c) {
         v1::ApplyRequest req = DatasetRequest("orders", "");
         v1::Owner* o = req.mutable_resources(0)->mutable_dataset()->mutable_spec()->add_owners();
         o->set_principal("user:" + std::string(300, 'o'));
         o->set_type(v1::OWNERSHIP_TYPE_TECHNICAL);
         return c.Call(&CStub::Apply, c.catalog(), req).status();
       },
       C::kInvalidArgument, "spec.owners[0]"},
      {"a 100 KB description",
       [&](CatalogClient& c) { return Apply(c, "orders", std::string(100 * 1024, 'x')); },
       C::kInvalidArgument, "spec.description: must be at most 65536 bytes"},
      {"a 9 MB message",
       [&](CatalogClient& c) { return Apply(c, std::string(9 * 1024 * 1024, 'n')); },
       C::kResourceExhausted, ""},
      {"a domain path that climbs out",
       [&](CatalogClient& c) {
         v1::ApplyRequest req = DatasetRequest("orders", "");
         req.mutable_resources(0)->mutable_dataset()->mutable_spec()->set_domain(
             "finance/../hr");
         return c.Call(&CStub::Apply, c.catalog(), req).status();
       },
       C::kInvalidArgument, "\"..\""},
      {"a principal that is not an entity",
       [&](CatalogClient& c) { return Ask(c, "alice'; DROP TABLE datasets;--"); },
       C::kInvalidArgument, "principal"},
      {"a Job manifest with a control character in its name",
       [&](CatalogClient& c) {
         v1::ApplyRequest req;
         v1::JobOwnership* j = req.add_resources()->mutable_job();
         j->set_namespace_("etl");
         j->set_name("load\x1b[2J");
         return c.Call(&CStub::Apply, c.catalog(), req).status();
       },
       C::kInvalidArgument, "metadata.name: must not contain control characters"},
      {"a Job manifest owned by something that is not a principal",
       [&](CatalogClient& c) {
         v1::ApplyRequest req;
         v1::JobOwnership* j = req.add_resources()->mutable_job();
         j->set_namespace_("etl");
         j->set_name("load");
         j->add_owners()->set_principal("root'; --");
         return c.Call(&CStub::Apply, c.catalog(), req).status();
       },
       C::kInvalidArgument, "spec.owners[0]"},
      {"a review of an observation of the schema",
       [&](CatalogClient& c) {
         v1::ReviewObservationRequest req;
         req.mutable_key()->set_namespace_("pg");
         req.mutable_key()->set_name("orders");
         req.set_field("schema'); DROP TABLE datasets;--");
         req.set_reporter("serviceaccount:etl");
         return c.Call(&CStub::ReviewObservation, c.catalog(), req).status();
       },
       C::kInvalidArgument, "is not one events are observed on"},
      {"a made-up bearer token",
       [&](CatalogClient&) {
         auto c = server.Connect("cat_' OR '1'='1");
         return c->Call(&CStub::GetDataset, c->catalog(), v1::GetDatasetRequest()).status();
       },
       C::kUnauthenticated, ""},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.what);
    absl::Status s = k.send(admin);
    EXPECT_EQ(s.code(), k.code) << s;
    EXPECT_THAT(std::string(s.message()), HasSubstr(k.message));
    EXPECT_TRUE(admin.Call(&CStub::Ping, admin.catalog(), v1::PingRequest()).ok());
  }

  // Merely unusual: stored verbatim, read back byte for byte, tables intact.
  const std::vector<std::string> verbatim = {
      "x'); DROP TABLE datasets;--", "../../etc/passwd", "..", "名前\u202etxt.exe",
      "Robert\"); DELETE FROM audit_events; --"};
  for (const std::string& name : verbatim) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(Apply(admin, name, name).ok());
    v1::GetDatasetRequest get;
    get.mutable_key()->set_namespace_("pg");
    get.mutable_key()->set_name(name);
    auto d = admin.Call(&CStub::GetDataset, admin.catalog(), get);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->key().name(), name);
    EXPECT_EQ(d->spec().description(), name);
  }
  // An id with NUL or SQL in a question is just an id no one has: denied.
  for (const std::string& who : {std::string("User::\"al\0ice\"", 14),
                                 std::string("User::\"x'); DROP TABLE datasets;--\"")}) {
    v1::AuthorizeRequest req;
    req.set_principal(who);
    req.set_action("read");
    req.set_resource("Dataset::\"pg/orders\"");
    auto r = admin.Call(&v1::PolicyService::Stub::Authorize, admin.policies(), req);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->decision(), v1::DECISION_DENY);
  }
  // Search text is words, never SQL or FTS syntax.
  for (const char* q : {"' OR 1=1 --", "\"unbalanced", "NEAR(a b", "*", "a AND",
                               "x'); DROP TABLE datasets;--"}) {
    SCOPED_TRACE(q);
    v1::SearchRequest search;
    search.set_query(q);
    auto hits = admin.Call(&CStub::SearchDatasets, admin.catalog(), search);
    EXPECT_TRUE(hits.ok() || hits.status().code() == C::kInvalidArgument) << hits.status();
  }

  // The catalog holds the seed and the verbatim names, nothing else; the
  // policies are as they were; the chain and the file are intact.
  auto after = admin.Call(&CStub::ListDatasets, admin.catalog(), v1::ListDatasetsRequest());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->datasets_size(), before->datasets_size() + static_cast<int>(verbatim.size()));
  auto policies_after = admin.Call(&v1::PolicyService::Stub::GetPolicySet, admin.policies(),
                                   v1::GetPolicySetRequest());
  ASSERT_TRUE(policies_after.ok());
  EXPECT_EQ(policies_after->version(), policies_before->version());
  auto verified = admin.Call(&v1::AuditService::Stub::VerifyAudit, admin.audit(),
                             v1::VerifyAuditRequest());
  ASSERT_TRUE(verified.ok());
  EXPECT_TRUE(verified->ok()) << verified->problem();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((server.dir().path() / "data" / "catalog.db").c_str(), &db,
                            SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  std::string integrity;
  sqlite3_exec(
      db, "PRAGMA integrity_check",
      [](void* out, int, char** values, char**) {
        *static_cast<std::string*>(out) += values[0] ? values[0] : "";
        return 0;
      },
      &integrity, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(integrity, "ok");
}

}  // namespace
}  // namespace catalog
