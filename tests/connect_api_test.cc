// The JSON API (server/connect_bridge.h): every unary method of catalog.v1
// called as JSON on the HTTP port, answered as the same call over gRPC is;
// GET for methods without side effects; Connect's errors; and the same door
// as gRPC (identity, audit, consistency tokens, certificates).
#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <condition_variable>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/escaping.h"
#include "server/consistency.h"
#include "tests/http_answer.h"
#include "tests/in_process.h"
#include "tests/lineage_events.h"

namespace catalog {
namespace {

namespace pb = google::protobuf;
using json = nlohmann::json;
using ::testing::HasSubstr;

const std::vector<std::string> kServices = {
    "catalog.v1.CatalogService", "catalog.v1.TokenService",    "catalog.v1.PolicyService",
    "catalog.v1.LineageService", "catalog.v1.ContractService", "catalog.v1.AuditService",
    "catalog.v1.QualityService", "catalog.v1.IncidentService", "catalog.v1.WebhookService",
    "catalog.v1.CostService",    "catalog.v1.GovernanceService", "catalog.v1.ModelService",
    "catalog.v1.AIApplicationService"};

using Answer = testing::HttpAnswer;

class ConnectApi : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.Start([](server::ServerConfig& c) { c.webhook_allow = "127.0.0.1"; }).ok());
    auto token = server_.Issue("user:admin");
    ASSERT_TRUE(token.ok());
    admin_token_ = *token;
  }

  Answer Post(const std::string& path, const std::string& body, httplib::Headers headers = {},
              const std::string& content_type = "application/json") {
    return testing::HttpCall(server_.server().http_port(), "POST", path, headers, body,
                             content_type);
  }
  Answer PostAsAdmin(const std::string& path, const std::string& body) {
    return Post(path, body, {{"Authorization", "Bearer " + admin_token_}});
  }
  Answer Get(const std::string& path_and_query, httplib::Headers headers = {}) {
    return testing::HttpCall(server_.server().http_port(), "GET", path_and_query, headers);
  }

  // The same request over gRPC, its answer in the JSON the bridge gives
  // (or the error, as {"code", "message"} with gRPC's code number).
  json OverGrpc(const std::string& path, const std::string& request_json) {
    const pb::MethodDescriptor* m = Method(path);
    const pb::Message* in_proto =
        pb::MessageFactory::generated_factory()->GetPrototype(m->input_type());
    std::unique_ptr<pb::Message> request(in_proto->New());
    EXPECT_TRUE(pb::util::JsonStringToMessage(request_json, request.get()).ok()) << path;
    std::string bytes;
    request->SerializeToString(&bytes);
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(server_.server().grpc_port()),
                                       grpc::InsecureChannelCredentials());
    grpc::GenericStub stub(channel);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + admin_token_);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer in(&slice, 1), out;
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    grpc::Status status;
    stub.UnaryCall(&context, path, grpc::StubOptions(), &in, &out, [&](grpc::Status s) {
      std::lock_guard lock(mu);
      status = s;
      done = true;
      cv.notify_one();
    });
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
    if (!status.ok()) {
      return {{"code", static_cast<int>(status.error_code())}, {"message", status.error_message()}};
    }
    std::vector<grpc::Slice> slices;
    std::string answer;
    EXPECT_TRUE(out.Dump(&slices).ok());
    for (const grpc::Slice& s : slices) answer.append(reinterpret_cast<const char*>(s.begin()), s.size());
    std::unique_ptr<pb::Message> response(
        pb::MessageFactory::generated_factory()->GetPrototype(m->output_type())->New());
    EXPECT_TRUE(response->ParseFromString(answer));
    std::string text;
    EXPECT_TRUE(pb::util::MessageToJsonString(*response, &text).ok());
    return json::parse(text);
  }

  static const pb::MethodDescriptor* Method(const std::string& path) {
    size_t slash = path.rfind('/');
    const pb::ServiceDescriptor* s =
        pb::DescriptorPool::generated_pool()->FindServiceByName(path.substr(1, slash - 1));
    return s == nullptr ? nullptr : s->FindMethodByName(path.substr(slash + 1));
  }

  testing::InProcessServer server_;
  std::string admin_token_;
};

// The Connect code name for a gRPC code number, as the bridge answers.
std::string CodeName(int code) {
  static const char* names[] = {"ok",        "canceled",          "unknown",
                                "invalid_argument", "deadline_exceeded", "not_found",
                                "already_exists",   "permission_denied", "resource_exhausted",
                                "failed_precondition", "aborted",        "out_of_range",
                                "unimplemented",    "internal",          "unavailable",
                                "data_loss",        "unauthenticated"};
  return names[code];
}

TEST_F(ConnectApi, EveryUnaryMethodAnswersAsOverGrpc) {
  const std::string contract =
      testing::ReadFile(testing::SourceDir() / "examples/contracts/orders.odcs.yaml");
  const std::string policies = testing::ReadFile(testing::SourceDir() / "policies/default.cedar");
  const std::string key = R"({"namespace": "pg://db", "name": "orders"})";
  const std::string event = testing::RunEventJson(
      "COMPLETE", "11111111-1111-4111-8111-111111111111", 1, {{"orders"}}, {{"daily"}}, "load");
  struct Step {
    std::string method;  // Service/Method
    std::string body;
    bool compare;  // a read: the answer must be gRPC's; else it must succeed
  };
  std::vector<Step> steps = {
      {"CatalogService/Ping", "{}", true},
      {"CatalogService/Apply",
       json{{"resources",
             {{{"domain", {{"path", "sales"}}}},
              {{"domain", {{"path", "empty"}}}},
              {{"principal", {{"kind", "PRINCIPAL_KIND_USER"}, {"name", "alice"}}}},
              {{"principal", {{"kind", "PRINCIPAL_KIND_USER"}, {"name", "bob"}}}},
              {{"dataset",
                {{"key", json::parse(key)},
                 {"spec",
                  {{"domain", "sales"},
                   {"owners", {{{"principal", "user:alice"}}}},
                   {"schema",
                    {{"fields",
                      {{{"name", "id"}, {"type", "bigint"}},
                       {{"name", "email"}, {"type", "varchar"}}}}}}}}}}}}}}
           .dump(),
       false},
      {"CatalogService/GetDataset", "{\"key\": " + key + "}", true},
      {"CatalogService/ListDatasets", "{}", true},
      {"CatalogService/SearchDatasets", R"({"query": "orders"})", true},
      {"CatalogService/GetDatasetHistory", "{\"key\": " + key + "}", true},
      {"CatalogService/GetDomain", R"({"path": "sales"})", true},
      {"CatalogService/ListDomains", "{}", true},
      {"CatalogService/GetPrincipal", R"({"kind": "PRINCIPAL_KIND_USER", "name": "alice"})", true},
      // A data product publishing orders (an ODPS document).
      {"CatalogService/Apply",
       json{{"resources",
             {{{"dataProduct",
                {{"document",
                  json{{"apiVersion", "v1.0.0"},
                       {"kind", "DataProduct"},
                       {"id", "orders"},
                       {"status", "active"},
                       {"domain", "sales"},
                       {"outputPorts",
                        {{{"name", "orders"},
                          {"version", "v1"},
                          {"customProperties",
                           {{{"property", "datasets"}, {"value", {"pg://db/orders"}}}}}}}}}
                      .dump()}}}}}}}
           .dump(),
       false},
      {"CatalogService/GetDataProduct", R"({"id": "orders"})", true},
      {"GovernanceService/ProductRules", R"({"product": "orders"})", true},
      {"CatalogService/ListDataProducts", R"({"domain": "sales"})", true},
      {"CatalogService/Apply",
       R"({"resources": [{"glossaryTerm": {"id": "customer", "name": "Customer",
           "definition": "One who buys", "synonyms": ["client"]}}]})",
       false},
      {"CatalogService/GetGlossaryTerm", R"({"id": "customer"})", true},
      // A model with two versions.
      {"CatalogService/Apply",
       R"({"resources": [{"model": {"name": "churn", "owners": [{"principal": "user:admin"}]}},
           {"modelVersion": {"model": "churn", "version": "1", "metrics": {"auc": 0.9}}},
           {"modelVersion": {"model": "churn", "version": "2"}}]})",
       false},
      {"ModelService/PromoteModelVersion",
       R"({"model": "churn", "version": "1", "alias": "champion"})", false},
      {"ModelService/GetModel", R"({"name": "churn"})", true},
      {"ModelService/ListModels", R"({"query": "churn"})", true},
      {"ModelService/GetModelVersion", R"({"model": "churn", "alias": "champion"})", true},
      {"ModelService/ListModelVersions", R"({"model": "churn"})", true},
      {"ModelService/GetModelHistory", R"({"model": "churn", "version": "1"})", true},
      {"ModelService/GetModelLineage", R"({"model": "churn", "alias": "champion"})", true},
      {"ModelService/RecordModelMetrics",
       R"({"model": "churn", "version": "1",
           "points": [{"name": "auc", "value": 0.9, "time": "2026-12-04T00:00:00Z"}]})",
       false},
      {"ModelService/GetModelMetrics", R"({"model": "churn", "alias": "champion"})", true},
      // A feature view on orders.
      {"CatalogService/Apply",
       R"({"resources": [{"featureView": {"name": "order_features",
           "owners": [{"principal": "user:admin"}],
           "source": {"namespace": "pg://db", "name": "orders"},
           "features": [{"name": "n", "column": "id"}]}}]})",
       false},
      {"ModelService/GetFeatureView", R"({"name": "order_features"})", true},
      {"ModelService/ListFeatureViews", R"({"query": "order"})", true},
      {"ModelService/DeleteFeatureView", R"({"name": "order_features"})", false},
      {"ModelService/GetFeatureViewHistory", R"({"name": "order_features"})", true},
      // An AI application calling the champion, reading orders.
      {"CatalogService/Apply",
       R"({"resources": [{"aiApplication": {"name": "assistant", "type": "rag",
           "owners": [{"principal": "user:admin"}], "serviceAccount": "bot",
           "models": ["churn@champion"],
           "dataSources": [{"namespace": "pg://db", "name": "orders"}]}}]})",
       false},
      {"AIApplicationService/GetAIApplication", R"({"name": "assistant"})", true},
      {"AIApplicationService/ListAIApplications", R"({"reviewState": "unreviewed"})", true},
      {"AIApplicationService/CheckAIApplicationAccess", R"({"name": "assistant"})", true},
      {"AIApplicationService/ReviewAIApplication",
       R"({"name": "assistant", "state": "approved", "note": "checked"})", false},
      {"AIApplicationService/DeleteAIApplication", R"({"name": "assistant"})", false},
      {"AIApplicationService/GetAIApplicationHistory", R"({"name": "assistant"})", true},
      {"ModelService/UnsetModelAlias", R"({"model": "churn", "alias": "champion"})", false},
      {"ModelService/DeleteModelVersion", R"({"model": "churn", "version": "2"})", false},
      {"ModelService/DeleteModel", R"({"name": "churn"})", false},
      {"CatalogService/ListGlossaryTerms", R"({"query": "client"})", true},
      {"CatalogService/ListPrincipals", "{}", true},
      {"LineageService/Ingest", json{{"events", {event}}}.dump(), false},
      {"LineageService/GetLineage", R"({"node": "pg/orders", "depth": 2})", true},
      {"LineageService/GetColumnLineage", R"({"node": "pg/orders#id"})", true},
      {"LineageService/Impact", R"({"node": "pg/orders"})", true},
      {"LineageService/ListJobs", "{}", true},
      {"LineageService/ListRuns", R"({"job": "airflow/load"})", true},
      {"QualityService/ListQualityResults", "{\"key\": " + key + R"(, "since": "7d"})", true},
      {"QualityService/GetDatasetHealth", "{\"key\": " + key + "}", true},
      {"QualityService/GetDomainHealth", R"({"domain": "sales"})", true},
      // (Not compared: its `since` is the moment of each call.)
      {"CostService/GetCostReport", R"({"by": "domain", "since": "7d"})", false},
      {"GovernanceService/GetLayers", "{}", true},
      // (Not compared: the second call finds the layers already set.)
      {"GovernanceService/SetLayers", R"({"layers": ["bronze", "silver", "gold"]})", false},
      // (Not compared: the second call finds the rule stored.)
      {"GovernanceService/PutRule",
       R"({"rule": {"name": "owned", "condition": "resource.owners != []", "mode": "warn"}})",
       false},
      {"GovernanceService/ListRules", "{}", true},
      {"GovernanceService/GetRule", R"({"name": "owned"})", true},
      // (Not compared: each report names the moment it was made.)
      {"GovernanceService/Report", "{}", false},
      {"GovernanceService/DatasetRules", "{\"dataset\": " + key + "}", true},
      // A failing check on orders opens incident 1.
      {"LineageService/Ingest",
       json{{"events",
             {R"({"eventTime": "2026-12-01T10:00:00Z", "producer": "https://example.com/t",
                  "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
                  "dataset": {"namespace": "pg://db", "name": "orders", "facets": {
                    "dataQualityAssertions": {"assertions": [
                      {"assertion": "not_null", "success": false, "column": "id"}]}}}})"}}}
           .dump(),
       false},
      {"IncidentService/ListIncidents", R"({"state": "open"})", true},
      {"IncidentService/GetIncident", R"({"id": "1"})", true},
      {"IncidentService/AddIncidentNote", R"({"id": "1", "note": "looking"})", false},
      {"IncidentService/AcknowledgeIncident", R"({"id": "1"})", false},
      {"IncidentService/ResolveIncident", R"({"id": "1"})", false},
      {"WebhookService/CreateWebhook",
       "{\"name\": \"orders-hook\", \"url\": \"http://127.0.0.1:9/\", \"dataset\": " + key + "}",
       false},
      {"WebhookService/ListWebhooks", "{}", true},
      {"WebhookService/GetWebhook", R"({"name": "orders-hook"})", true},
      {"WebhookService/ListWebhookDeliveries", R"({"name": "orders-hook"})", true},
      {"WebhookService/ResumeWebhook", R"({"name": "orders-hook"})", false},
      {"WebhookService/DeleteWebhook", R"({"name": "orders-hook"})", false},
      {"CatalogService/ReviewObservation",
       "{\"key\": " + key + R"(, "field": "description", "reporter": "x", "accept": true})", true},
      {"ContractService/PutContract", json{{"document", contract}}.dump(), false},
      {"ContractService/GetContract", R"({"id": "sales-orders"})", true},
      {"ContractService/ListContracts", "{}", true},
      {"ContractService/ListContractVersions", R"({"id": "sales-orders"})", true},
      {"ContractService/DiffContracts", json{{"id", "sales-orders"}, {"document", contract}}.dump(),
       true},
      {"ContractService/CheckContract", json{{"document", contract}}.dump(), true},
      {"ContractService/CheckWrite",
       "{\"dataset\": " + key + R"(, "fields": [{"name": "id", "type": "bigint"}]})", true},
      {"PolicyService/Authorize",
       R"({"principal": "User::\"alice\"", "action": "read", "resource": "Dataset::\"pg://db/orders\""})",
       true},
      {"PolicyService/BatchAuthorize",
       R"({"requests": [{"principal": "User::\"bob\"", "action": "read", "resource": "Dataset::\"pg://db/orders\""}]})",
       true},
      {"PolicyService/AuthorizeRead",
       "{\"principal\": \"User::\\\"alice\\\"\", \"dataset\": " + key + R"(, "columns": ["id"]})",
       true},
      {"PolicyService/Explain",
       R"({"principal": "User::\"alice\"", "action": "read", "resource": "Dataset::\"pg://db/orders\""})",
       true},
      {"PolicyService/ListAccess", R"({"resource": "Dataset::\"pg://db/orders\""})", true},
      {"PolicyService/GetPolicySet", "{}", true},
      {"PolicyService/ListPolicyVersions", "{}", true},
      {"PolicyService/ValidatePolicies",
       R"({"files": [{"name": "a.cedar", "text": "permit (principal, action, resource);"}]})", true},
      {"PolicyService/PutPolicySet",
       json{{"files", {{{"name", "default.cedar"}, {"text", policies}}}}, {"description", "again"}}
           .dump(),
       false},
      {"TokenService/CreateToken", R"({"principal": "user:alice", "description": "json"})", false},
      {"TokenService/ListTokens", "{}", true},
      {"TokenService/RevokeToken", "", false},  // the id CreateToken answered
      {"AuditService/ListAuditEvents", "{}", true},
      {"AuditService/VerifyAudit", "{}", true},
      {"LineageService/DeleteJob", R"({"job": "airflow/load"})", false},
      {"GovernanceService/DeleteRule", R"({"name": "owned"})", false},
      {"CatalogService/DeleteDataset", "{\"key\": " + key + "}", false},
      {"CatalogService/DeletePrincipal", R"({"kind": "PRINCIPAL_KIND_USER", "name": "bob"})", false},
      {"CatalogService/DeleteDomain", R"({"path": "empty"})", false},
      {"CatalogService/DeleteDataProduct", R"({"id": "orders"})", false},
      {"CatalogService/DeleteGlossaryTerm", R"({"id": "customer"})", false},
  };
  std::set<std::string> called;
  std::vector<std::string> refused_alike;
  std::string token_id;
  for (Step& step : steps) {
    SCOPED_TRACE(step.method);
    const std::string path = "/catalog.v1." + step.method;
    ASSERT_NE(Method(path), nullptr);
    if (step.method == "TokenService/RevokeToken") step.body = json{{"id", token_id}}.dump();
    if (step.compare) {
      json grpc_answer = OverGrpc(path, step.body);
      Answer a = PostAsAdmin(path, step.body);
      if (grpc_answer.contains("code") && grpc_answer["code"].is_number()) {
        // Refused over gRPC: refused alike, in Connect's words.
        EXPECT_EQ(a.Json()["code"], CodeName(grpc_answer["code"])) << a.body;
        EXPECT_EQ(a.Json()["message"], grpc_answer["message"]);
        refused_alike.push_back(step.method);
      } else {
        EXPECT_EQ(a.status, 200) << a.body;
        EXPECT_EQ(a.Json(), grpc_answer);
      }
    } else {
      Answer a = PostAsAdmin(path, step.body);
      EXPECT_EQ(a.status, 200) << a.body;
      EXPECT_EQ(a.Header("Content-Type"), "application/json");
      if (step.method == "TokenService/CreateToken") token_id = a.Json()["token"]["id"];
    }
    called.insert(path);
  }
  // Every unary method of every service, no more and no less.
  std::set<std::string> all;
  for (const std::string& name : kServices) {
    const pb::ServiceDescriptor* s = pb::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(s, nullptr);
    for (int i = 0; i < s->method_count(); ++i) {
      all.insert("/" + name + "/" + s->method(i)->name());
    }
  }
  EXPECT_EQ(called, all);
  // Only a review of an observation nobody made is refused; every other
  // read answers.
  EXPECT_THAT(refused_alike, ::testing::ElementsAre("CatalogService/ReviewObservation"));
  // The writes happened: the dataset is gone, the policies are version 2.
  EXPECT_EQ(PostAsAdmin("/catalog.v1.CatalogService/GetDataset", "{\"key\": " + key + "}").status,
            404);
  EXPECT_EQ(PostAsAdmin("/catalog.v1.PolicyService/GetPolicySet", "{}").Json()["version"], "2");
}

TEST_F(ConnectApi, GetServesMethodsWithoutSideEffectsOnly) {
  ASSERT_EQ(PostAsAdmin("/catalog.v1.CatalogService/Apply",
                        R"({"resources": [{"domain": {"path": "sales"}}]})")
                .status,
            200);
  httplib::Headers auth = {{"Authorization", "Bearer " + admin_token_}};
  const std::string message = R"({"path": "sales"})";
  Answer posted = PostAsAdmin("/catalog.v1.CatalogService/GetDomain", message);
  ASSERT_EQ(posted.status, 200) << posted.body;
  Answer got = Get("/catalog.v1.CatalogService/GetDomain?connect=v1&encoding=json&message=" +
                       httplib::detail::encode_query_param(message),
                   auth);
  EXPECT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body, posted.body);
  EXPECT_EQ(got.Header("Cache-Control"), "no-store");  // answers depend on who asks
  // Binary, base64url: the same domain.
  v1::GetDomainRequest req;
  req.set_path("sales");
  std::string encoded;
  absl::WebSafeBase64Escape(req.SerializeAsString(), &encoded);
  Answer binary = Get("/catalog.v1.CatalogService/GetDomain?encoding=proto&base64=1&message=" +
                          encoded,
                      auth);
  ASSERT_EQ(binary.status, 200) << binary.body;
  EXPECT_EQ(binary.Header("Content-Type"), "application/proto");
  v1::Domain domain;
  ASSERT_TRUE(domain.ParseFromString(binary.body));
  EXPECT_EQ(domain.path(), "sales");
  // A method that changes or records something is POST only.
  for (const char* method : {"CatalogService/Apply", "PolicyService/Authorize",
                             "TokenService/CreateToken", "LineageService/Ingest"}) {
    Answer refused =
        Get(std::string("/catalog.v1.") + method + "?encoding=json&message=%7B%7D", auth);
    EXPECT_EQ(refused.status, 405) << method;
    EXPECT_EQ(refused.Header("Allow"), "POST");
    EXPECT_THAT(refused.body, HasSubstr("POST it"));
  }
}

TEST_F(ConnectApi, ErrorsAreConnectShapedAndNameTheRule) {
  auto error = [](const Answer& a) { return a.Json()["code"].get<std::string>(); };
  Answer missing =
      PostAsAdmin("/catalog.v1.CatalogService/GetDataset", R"({"key": {"namespace": "pg://db", "name": "nope"}})");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(error(missing), "not_found");
  EXPECT_THAT(missing.Json()["message"].get<std::string>(), HasSubstr("nope"));

  Answer anonymous = Post("/catalog.v1.CatalogService/Ping", "{}");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(error(anonymous), "unauthenticated");
  Answer forged = Post("/catalog.v1.CatalogService/Ping", "{}",
                       {{"Authorization", "Bearer tok_0000.nope"}});
  EXPECT_EQ(forged.status, 401);

  Answer not_json = PostAsAdmin("/catalog.v1.CatalogService/Ping", "{nope");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_EQ(error(not_json), "invalid_argument");
  EXPECT_THAT(not_json.Json()["message"].get<std::string>(),
              HasSubstr("body: not a catalog.v1.PingRequest in JSON"));
  Answer unknown_field = PostAsAdmin("/catalog.v1.CatalogService/GetDomain", R"({"pth": "x"})");
  EXPECT_EQ(unknown_field.status, 400);
  EXPECT_THAT(unknown_field.Json()["message"].get<std::string>(), HasSubstr("pth"));
  // What the handler refuses, as over gRPC: the field and the rule.
  Answer invalid = PostAsAdmin("/catalog.v1.CatalogService/Apply",
                               R"({"resources": [{"domain": {"path": "Bad Path!"}}]})");
  EXPECT_EQ(invalid.status, 400);
  EXPECT_EQ(error(invalid), "invalid_argument");

  Answer text = Post("/catalog.v1.CatalogService/Ping", "{}",
                     {{"Authorization", "Bearer " + admin_token_}}, "text/plain");
  EXPECT_EQ(text.status, 415);
  EXPECT_THAT(text.body, HasSubstr("Content-Type: must be application/json"));
  // No such method: its body is not read (http_body.h), and a GET says so
  // in Connect's words.
  Answer unread = PostAsAdmin("/catalog.v1.CatalogService/DropEverything", "{}");
  EXPECT_EQ(unread.status, 404);
  EXPECT_EQ(error(unread), "not_found");  // Connect's shape too
  EXPECT_EQ(unread.Header("Connection"), "close");
  Answer no_method = Get("/catalog.v1.CatalogService/DropEverything?encoding=json&message=%7B%7D",
                         {{"Authorization", "Bearer " + admin_token_}});
  EXPECT_EQ(no_method.status, 404);
  EXPECT_EQ(error(no_method), "unimplemented");
  Answer version = Post("/catalog.v1.CatalogService/Ping", "{}",
                        {{"Authorization", "Bearer " + admin_token_},
                         {"Connect-Protocol-Version", "2"}});
  EXPECT_EQ(version.status, 400);
  Answer timeout = Post("/catalog.v1.CatalogService/Ping", "{}",
                        {{"Authorization", "Bearer " + admin_token_},
                         {"Connect-Timeout-Ms", "soon"}});
  EXPECT_EQ(timeout.status, 400);
  EXPECT_THAT(timeout.body, HasSubstr("Connect-Timeout-Ms"));

  // A principal the policies do not let change policies.
  ASSERT_EQ(PostAsAdmin("/catalog.v1.CatalogService/Apply",
                        R"({"resources": [{"principal": {"kind": "PRINCIPAL_KIND_USER", "name": "bob"}}]})")
                .status,
            200);
  auto bob = server_.Issue("user:bob");
  ASSERT_TRUE(bob.ok());
  Answer denied = Post("/catalog.v1.PolicyService/PutPolicySet",
                       R"({"files": [{"name": "a.cedar", "text": "permit (principal, action, resource);"}]})",
                       {{"Authorization", "Bearer " + *bob}});
  EXPECT_EQ(denied.status, 403);
  EXPECT_EQ(error(denied), "permission_denied");
  EXPECT_EQ(PostAsAdmin("/catalog.v1.PolicyService/GetPolicySet", "{}").Json()["version"], "1");
}

TEST_F(ConnectApi, TheSameDoorAsGrpc) {
  // Who called is who the audit names.
  Answer applied = PostAsAdmin("/catalog.v1.CatalogService/Apply",
                               R"({"resources": [{"domain": {"path": "sales"}}]})");
  ASSERT_EQ(applied.status, 200) << applied.body;
  Answer events = PostAsAdmin("/catalog.v1.AuditService/ListAuditEvents", R"({"action": "domain.create"})");
  ASSERT_EQ(events.status, 200) << events.body;
  ASSERT_FALSE(events.Json()["events"].empty()) << events.body;
  EXPECT_EQ(events.Json()["events"].back()["actor"], "user:admin");
  // The consistency token comes back as a Connect trailer, and is taken as
  // request metadata.
  std::string token = applied.Header("trailer-x-catalog-consistency-token");
  ASSERT_EQ(token.rfind("ct1.", 0), 0u) << token;
  Answer read = Post("/catalog.v1.CatalogService/GetDomain", R"({"path": "sales"})",
                     {{"Authorization", "Bearer " + admin_token_},
                      {"x-catalog-consistency-token", token}});
  EXPECT_EQ(read.status, 200) << read.body;
  Answer bad_token = Post("/catalog.v1.CatalogService/GetDomain", R"({"path": "sales"})",
                          {{"Authorization", "Bearer " + admin_token_},
                           {"x-catalog-consistency-token", "ct1.bm9wZQ"}});
  EXPECT_EQ(bad_token.status, 400);
  EXPECT_THAT(bad_token.body, HasSubstr("x-catalog-consistency-token"));
  // A bearer token nobody knows, with a consistency token naming a revision
  // to come: one catalogd on its own store has applied every token it made,
  // so the call is refused at once instead of waiting for the revision.
  auto decoded = server::DecodeConsistencyToken(token);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  decoded->revision += 1000;
  Answer stranger = Post("/catalog.v1.CatalogService/GetDomain", R"({"path": "sales"})",
                         {{"Authorization", "Bearer tok_nobody.secret"},
                          {"x-catalog-consistency-token",
                           server::EncodeConsistencyToken(*decoded)}});
  EXPECT_EQ(stranger.status, 401) << stranger.body;
  EXPECT_THAT(stranger.body, HasSubstr("invalid or revoked bearer token"));
  // Headers that name the bridge's own metadata are not passed on: a
  // caller cannot claim to be the bridge.
  Answer claimed = Post("/catalog.v1.CatalogService/Ping", "{}",
                        {{"x-catalog-bridge-key", std::string(64, '0')},
                         {"x-catalog-bridge-peer", "127.0.0.1:1"}});
  EXPECT_EQ(claimed.status, 401);
  // The gRPC path's metrics count the call.
  httplib::Client http("127.0.0.1", server_.server().http_port());
  auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body, HasSubstr("method=\"/catalog.v1.AuditService/ListAuditEvents\""));
}

}  // namespace
}  // namespace catalog
