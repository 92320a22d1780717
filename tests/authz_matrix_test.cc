// Every RPC of the API, called as each kind of caller — no token, a bad
// token, an expired token, a reader, the dataset's owner, the admin — must
// answer the status this table says. The RPCs come from the API's own
// descriptors: one without a row fails the test (an RPC may have several,
// one per kind of request).
#include <filesystem>
#include <gmock/gmock.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/text_format.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "tests/in_process.h"
#include "tests/lineage_events.h"

namespace catalog {
namespace {

using google::protobuf::Message;
using Code = grpc::StatusCode;

enum Role { kAnonymous, kBadToken, kExpired, kReader, kOwner, kAdmin };
constexpr Role kRoles[] = {kAnonymous, kBadToken, kExpired, kReader, kOwner, kAdmin};
const char* RoleName(Role r) {
  static const char* names[] = {"anonymous", "bad token", "expired token",
                                "reader",    "owner",     "admin"};
  return names[r];
}

constexpr Code OK = Code::OK, DENIED = Code::PERMISSION_DENIED, NOT_FOUND = Code::NOT_FOUND,
               ABORTED = Code::ABORTED, IN_USE = Code::FAILED_PRECONDITION;

struct Row {
  const char* method;   // "catalog.v1.CatalogService/GetDataset"
  const char* request;  // text format; {TOKEN} is a token of user:temp
  Code reader, owner, admin;  // without a valid token: always UNAUTHENTICATED
};

const char kContract[] =
    "apiVersion: v3.1.0\\nkind: DataContract\\nid: orders\\nversion: 2.0.0\\n"
    "status: active\\nschema:\\n  - name: orders\\n";

// Rows run in order on one server per role: writes that remove things last.
const std::vector<Row>& Table() {
  static const std::vector<Row> rows = {
      {"catalog.v1.CatalogService/Ping", "", OK, OK, OK},
      {"catalog.v1.CatalogService/GetDataset", R"(key { namespace: "pg" name: "orders" })", OK, OK, OK},
      {"catalog.v1.CatalogService/ListDatasets", "", OK, OK, OK},
      {"catalog.v1.CatalogService/SearchDatasets", R"(query: "orders")", OK, OK, OK},
      {"catalog.v1.CatalogService/GetDatasetHistory", R"(key { namespace: "pg" name: "orders" })", OK, OK, OK},
      {"catalog.v1.CatalogService/GetDomain", R"(path: "sales")", OK, OK, OK},
      {"catalog.v1.CatalogService/ListDomains", "", OK, OK, OK},
      {"catalog.v1.CatalogService/GetPrincipal", R"(kind: PRINCIPAL_KIND_USER name: "alice")", OK, OK, OK},
      {"catalog.v1.CatalogService/ListPrincipals", "", OK, OK, OK},
      {"catalog.v1.CatalogService/Apply",
       R"(resources { dataset { key { namespace: "pg" name: "orders" }
          spec { description: "changed" domain: "sales"
                 owners { principal: "user:alice" type: OWNERSHIP_TYPE_TECHNICAL } } } })",
       DENIED, OK, OK},
      {"catalog.v1.PolicyService/Authorize",
       R"(principal: "User::\"alice\"" action: "read" resource: "Dataset::\"pg/orders\"")", DENIED, OK, OK},
      {"catalog.v1.PolicyService/BatchAuthorize",
       R"(requests { principal: "User::\"alice\"" action: "read" resource: "Dataset::\"pg/orders\"" })", DENIED, OK, OK},
      {"catalog.v1.PolicyService/AuthorizeRead",
       R"(principal: "User::\"alice\"" dataset { namespace: "pg" name: "orders" })", DENIED, OK, OK},
      {"catalog.v1.PolicyService/Explain",
       R"(principal: "User::\"alice\"" action: "read" resource: "Dataset::\"pg/orders\"")", DENIED, OK, OK},
      {"catalog.v1.PolicyService/ListAccess", R"(resource: "Dataset::\"pg/orders\"")", DENIED, DENIED, OK},
      {"catalog.v1.PolicyService/GetPolicySet", "", OK, OK, OK},
      {"catalog.v1.PolicyService/ListPolicyVersions", "", OK, OK, OK},
      {"catalog.v1.PolicyService/ValidatePolicies",
       R"(files { name: "p.cedar" text: "permit (principal, action, resource);" })", OK, OK, OK},
      {"catalog.v1.PolicyService/PutPolicySet",
       R"(files { name: "p.cedar" text: "permit (principal == User::\"admin\", action, resource);\npermit (principal, action == Action::\"catalog:read\", resource);\npermit (principal, action in [Action::\"catalog:write\", Action::\"contract:write\"], resource is Dataset) when { principal in resource.owners };" })",
       DENIED, DENIED, OK},
      {"catalog.v1.LineageService/GetLineage", R"(node: "pg/orders")", OK, OK, OK},
      {"catalog.v1.LineageService/GetColumnLineage", R"(node: "pg/orders#id")", OK, OK, OK},
      {"catalog.v1.LineageService/Impact", R"(node: "pg/src")", OK, OK, OK},
      {"catalog.v1.LineageService/ListJobs", "", OK, OK, OK},
      {"catalog.v1.LineageService/ListRuns", R"(job: "etl/load")", OK, OK, OK},
      {"catalog.v1.LineageService/Ingest", R"(events: "{EVENT}")", DENIED, DENIED, OK},
      {"catalog.v1.QualityService/ListQualityResults", R"(key { namespace: "pg" name: "orders" })", OK, OK, OK},
      {"catalog.v1.QualityService/GetDatasetHealth", R"(key { namespace: "pg" name: "orders" })", OK, OK, OK},
      // Incident 1: the seed's failing check on pg/orders, alice's dataset.
      {"catalog.v1.QualityService/GetDomainHealth", R"(domain: "sales")", OK, OK, OK},
      {"catalog.v1.CostService/GetCostReport", R"(by: "dataset")", OK, OK, OK},
      {"catalog.v1.GovernanceService/GetLayers", "", OK, OK, OK},
      {"catalog.v1.GovernanceService/SetLayers", R"(layers: "bronze" layers: "silver" layers: "gold" layers: "platinum")",
       DENIED, DENIED, OK},
      {"catalog.v1.GovernanceService/PutRule",
       R"(rule { name: "owned" condition: "resource.owners != []" mode: "warn" })", DENIED, DENIED,
       OK},
      {"catalog.v1.GovernanceService/ListRules", "", OK, OK, OK},
      {"catalog.v1.GovernanceService/GetRule", R"(name: "owned")", NOT_FOUND, NOT_FOUND, OK},
      {"catalog.v1.GovernanceService/Report", "", OK, OK, OK},
      {"catalog.v1.GovernanceService/DatasetRules", R"(dataset { namespace: "pg" name: "orders" })",
       OK, OK, OK},
      {"catalog.v1.GovernanceService/DeleteRule", R"(name: "owned")", DENIED, DENIED, OK},
      {"catalog.v1.IncidentService/ListIncidents", "", OK, OK, OK},
      {"catalog.v1.IncidentService/GetIncident", "id: 1", OK, OK, OK},
      {"catalog.v1.IncidentService/AddIncidentNote", R"(id: 1 note: "looking")", DENIED, OK, OK},
      {"catalog.v1.IncidentService/AcknowledgeIncident", "id: 1", DENIED, OK, OK},
      {"catalog.v1.IncidentService/ResolveIncident", "id: 1", DENIED, OK, OK},
      // Webhooks: the dataset's owner subscribes; to others it is absent.
      {"catalog.v1.WebhookService/CreateWebhook",
       R"(name: "orders-hook" url: "http://127.0.0.1:9/" dataset { namespace: "pg" name: "orders" })",
       DENIED, OK, OK},
      {"catalog.v1.WebhookService/ListWebhooks", "", OK, OK, OK},
      {"catalog.v1.WebhookService/GetWebhook", R"(name: "orders-hook")", NOT_FOUND, OK, OK},
      {"catalog.v1.WebhookService/ListWebhookDeliveries", R"(name: "orders-hook")", NOT_FOUND, OK, OK},
      {"catalog.v1.WebhookService/ResumeWebhook", R"(name: "orders-hook")", NOT_FOUND, OK, OK},
      {"catalog.v1.WebhookService/DeleteWebhook", R"(name: "orders-hook")", NOT_FOUND, OK, OK},
      // Reassigning a job (a Job manifest): admins only, by default.
      {"catalog.v1.CatalogService/Apply",
       R"(resources { job { namespace: "etl" name: "load" owners { principal: "user:alice" } } })",
       DENIED, DENIED, OK},
      {"catalog.v1.ContractService/GetContract", R"(id: "orders")", OK, OK, OK},
      {"catalog.v1.ContractService/ListContracts", "", OK, OK, OK},
      {"catalog.v1.ContractService/ListContractVersions", R"(id: "orders")", OK, OK, OK},
      {"catalog.v1.ContractService/DiffContracts", R"(id: "orders" document: "{CONTRACT}")", OK, OK, OK},
      {"catalog.v1.ContractService/CheckContract", R"(document: "{CONTRACT}")", OK, OK, OK},
      {"catalog.v1.ContractService/CheckWrite",
       R"(dataset { namespace: "pg" name: "orders" } fields { name: "id" type: "bigint" })", OK, OK, OK},
      {"catalog.v1.ContractService/PutContract",
       R"(document: "{CONTRACT}" bindings { object: "orders" dataset { namespace: "pg" name: "orders" } })",
       DENIED, OK, OK},
      {"catalog.v1.AuditService/ListAuditEvents", "", DENIED, DENIED, OK},
      {"catalog.v1.AuditService/VerifyAudit", "", DENIED, DENIED, OK},
      {"catalog.v1.TokenService/ListTokens", "", DENIED, DENIED, OK},
      {"catalog.v1.TokenService/CreateToken", R"(principal: "user:temp")", DENIED, DENIED, OK},
      {"catalog.v1.TokenService/RevokeToken", R"(id: "{TOKEN}")", DENIED, DENIED, OK},
      {"catalog.v1.LineageService/DeleteJob", R"(job: "etl/load")", DENIED, DENIED, OK},
      {"catalog.v1.CatalogService/DeleteDomain", R"(path: "scratch")", DENIED, DENIED, OK},
      // A data product owned by alice, publishing her dataset: not bob's
      // to make; then everyone reads it; only its owner and admins delete it.
      {"catalog.v1.CatalogService/Apply",
       R"(resources { data_product { document: "{\"apiVersion\": \"v1.0.0\", \"kind\": \"DataProduct\", \"id\": \"orders\", \"status\": \"active\", \"team\": [{\"username\": \"alice\", \"role\": \"owner\"}], \"outputPorts\": [{\"name\": \"orders\", \"version\": \"v1\", \"customProperties\": [{\"property\": \"datasets\", \"value\": [\"pg/orders\"]}]}]}" } })",
       DENIED, OK, OK},
      {"catalog.v1.CatalogService/GetDataProduct", R"(id: "orders")", OK, OK, OK},
      {"catalog.v1.GovernanceService/ProductRules", R"(product: "orders")", OK, OK, OK},
      {"catalog.v1.CatalogService/ListDataProducts", "", OK, OK, OK},
      {"catalog.v1.CatalogService/DeleteDataProduct", R"(id: "orders" expected_revision: 99)",
       DENIED, ABORTED, ABORTED},
      // The glossary is the data stewards' (and the admin's) to keep;
      // everyone reads it.
      {"catalog.v1.CatalogService/Apply",
       R"(resources { glossary_term { id: "order" name: "Order" definition: "A purchase" } })",
       DENIED, DENIED, OK},
      {"catalog.v1.CatalogService/GetGlossaryTerm", R"(id: "customer")", OK, OK, OK},
      {"catalog.v1.CatalogService/ListGlossaryTerms", R"(query: "buys")", OK, OK, OK},
      {"catalog.v1.CatalogService/DeleteGlossaryTerm", R"(id: "customer" expected_revision: 99)",
       DENIED, DENIED, ABORTED},
      // Models: their owners' (and the admin's) to write and promote;
      // everyone reads them.
      {"catalog.v1.CatalogService/Apply",
       R"(resources { model_version { model: "churn" version: "3" } })", DENIED, OK, OK},
      {"catalog.v1.ModelService/GetModel", R"(name: "churn")", OK, OK, OK},
      {"catalog.v1.ModelService/ListModels", R"(query: "churn")", OK, OK, OK},
      {"catalog.v1.ModelService/GetModelVersion", R"(model: "churn" version: "1")", OK, OK, OK},
      {"catalog.v1.ModelService/ListModelVersions", R"(model: "churn")", OK, OK, OK},
      {"catalog.v1.ModelService/GetModelHistory", R"(model: "churn")", OK, OK, OK},
      {"catalog.v1.ModelService/GetModelLineage", R"(model: "churn" version: "1")", OK, OK, OK},
      {"catalog.v1.ModelService/RecordModelMetrics",
       R"(model: "churn" version: "1"
          points { name: "auc" value: 0.9 time: "2026-12-04T00:00:00Z" })",
       DENIED, OK, OK},
      {"catalog.v1.ModelService/GetModelMetrics", R"(model: "churn" version: "1")", OK, OK, OK},
      {"catalog.v1.ModelService/PromoteModelVersion",
       R"(model: "churn" version: "1" alias: "champion")", DENIED, OK, OK},
      // (The reader's promotion was refused: there is no alias to unset.)
      {"catalog.v1.ModelService/UnsetModelAlias", R"(model: "churn" alias: "champion")",
       NOT_FOUND, OK, OK},
      // Feature views: their owners' to write; everyone reads them.
      {"catalog.v1.CatalogService/Apply",
       R"(resources { dataset { key { namespace: "pg" name: "events" }
          spec { owners { principal: "user:alice" type: OWNERSHIP_TYPE_TECHNICAL }
                 schema { fields { name: "id" type: "bigint" } } } } }
          resources { feature_view { name: "event_features" owners { principal: "user:alice" }
          source { namespace: "pg" name: "events" } features { name: "n" column: "id" } } })",
       DENIED, OK, OK},
      {"catalog.v1.ModelService/GetFeatureView", R"(name: "order_features")", OK, OK, OK},
      {"catalog.v1.ModelService/ListFeatureViews", R"(query: "order")", OK, OK, OK},
      {"catalog.v1.ModelService/GetFeatureViewHistory", R"(name: "order_features")", OK, OK, OK},
      {"catalog.v1.ModelService/DeleteFeatureView",
       R"(name: "order_features" expected_revision: 99)", DENIED, ABORTED, ABORTED},
      // AI applications: their owners' to write, the reviewers' (and the
      // admin's) to review and to check as their service account; everyone
      // reads them.
      {"catalog.v1.CatalogService/Apply",
       R"(resources { ai_application { name: "helper" owners { principal: "user:alice" } } })",
       DENIED, OK, OK},
      {"catalog.v1.AIApplicationService/GetAIApplication", R"(name: "assistant")", OK, OK, OK},
      {"catalog.v1.AIApplicationService/ListAIApplications", R"(query: "assistant")", OK, OK, OK},
      {"catalog.v1.AIApplicationService/GetAIApplicationHistory", R"(name: "assistant")", OK, OK,
       OK},
      {"catalog.v1.AIApplicationService/CheckAIApplicationAccess", R"(name: "assistant")", DENIED,
       DENIED, OK},
      {"catalog.v1.AIApplicationService/ReviewAIApplication",
       R"(name: "assistant" state: "approved")", DENIED, DENIED, OK},
      {"catalog.v1.AIApplicationService/DeleteAIApplication",
       R"(name: "helper" expected_revision: 99)", DENIED, ABORTED, ABORTED},
      {"catalog.v1.ModelService/DeleteModelVersion",
       R"(model: "churn" version: "2" expected_revision: 99)", DENIED, ABORTED, ABORTED},
      {"catalog.v1.ModelService/DeleteModel", R"(name: "churn" expected_revision: 99)", DENIED,
       ABORTED, ABORTED},
      {"catalog.v1.CatalogService/DeletePrincipal", R"(kind: PRINCIPAL_KIND_USER name: "temp")", DENIED, DENIED, OK},
      {"catalog.v1.CatalogService/ReviewObservation",
       R"(key { namespace: "pg" name: "orders" } field: "description" reporter: "serviceaccount:etl" accept: true)",
       DENIED, OK, OK},
      // (Past authorization, the feature view and the application on it
      // keep it.)
      {"catalog.v1.CatalogService/DeleteDataset", R"(key { namespace: "pg" name: "orders" })",
       DENIED, IN_USE, IN_USE},
  };
  return rows;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// A catalog with something for every row to act on.
class Seeded {
 public:
  absl::Status Start() {
    // Webhooks reach a closed local port (the discard port) in this test.
    RETURN_IF_ERROR(server_.Start([](server::ServerConfig& c) { c.webhook_allow = "127.0.0.1"; }));
    client::CatalogClient& admin = server_.admin();
    v1::ApplyRequest apply;
    std::string seed = R"(
      resources { principal { kind: PRINCIPAL_KIND_USER name: "reader" } }
      resources { principal { kind: PRINCIPAL_KIND_USER name: "alice" } }
      resources { principal { kind: PRINCIPAL_KIND_USER name: "temp" } }
      resources { domain { path: "sales" } }
      resources { domain { path: "scratch" } }
      resources { glossary_term { id: "customer" name: "Customer" definition: "One who buys" } }
      resources { model { name: "churn" owners { principal: "user:alice" } } }
      resources { model_version { model: "churn" version: "1" } }
      resources { model_version { model: "churn" version: "2" } }
      resources { feature_view { name: "order_features" owners { principal: "user:alice" }
        source { namespace: "pg" name: "orders" } features { name: "n" column: "id" } } }
      resources { ai_application { name: "assistant" owners { principal: "user:alice" }
        service_account: "etl" models: "churn"
        data_sources { namespace: "pg" name: "orders" } } }
      resources { dataset { key { namespace: "pg" name: "orders" }
        spec { domain: "sales" owners { principal: "user:alice" type: OWNERSHIP_TYPE_TECHNICAL }
               schema { fields { name: "id" type: "bigint" } } } } })";
    if (!google::protobuf::TextFormat::ParseFromString(seed, &apply)) {
      return absl::InternalError("seed does not parse");
    }
    RETURN_IF_ERROR(admin.Call(&v1::CatalogService::Stub::Apply, admin.catalog(), apply).status());
    v1::IngestRequest ingest;
    ingest.add_events(Event());
    RETURN_IF_ERROR(admin.Call(&v1::LineageService::Stub::Ingest, admin.lineage(), ingest).status());
    v1::PutContractRequest contract;
    contract.set_document(Replace(Replace(kContract, "\\n", "\n"), "2.0.0", "1.0.0"));
    v1::ContractBinding* b = contract.add_bindings();
    b->set_object("orders");
    b->mutable_dataset()->set_namespace_("pg");
    b->mutable_dataset()->set_name("orders");
    RETURN_IF_ERROR(admin.Call(&v1::ContractService::Stub::PutContract, admin.contracts(), contract).status());
    // A data product of the owner's, publishing her dataset.
    v1::ApplyRequest product;
    product.add_resources()->mutable_data_product()->set_document(
        R"({"apiVersion": "v1.0.0", "kind": "DataProduct", "id": "orders", "status": "active",
            "team": [{"username": "alice", "role": "owner"}],
            "outputPorts": [{"name": "orders", "version": "v1", "customProperties":
              [{"property": "datasets", "value": ["pg/orders"]}]}]})");
    RETURN_IF_ERROR(admin.Call(&v1::CatalogService::Stub::Apply, admin.catalog(), product).status());
    // A pipeline's report about the owner's dataset: an observation.
    v1::ApplyRequest etl;
    v1::Principal* sa = etl.add_resources()->mutable_principal();
    sa->set_kind(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT);
    sa->set_name("etl");
    RETURN_IF_ERROR(admin.Call(&v1::CatalogService::Stub::Apply, admin.catalog(), etl).status());
    ASSIGN_OR_RETURN(std::string etl_token, server_.Issue("serviceaccount:etl"));
    std::unique_ptr<client::CatalogClient> pipeline = server_.Connect(etl_token);
    v1::IngestRequest observed;
    observed.add_events(testing::RunEventJson(
        "COMPLETE", "22222222-2222-2222-2222-222222222222", 2, {}, {{"orders",
        {{"documentation", {{"description", "from the pipeline"}}}}}}, "observe", "etl", "pg"));
    RETURN_IF_ERROR(
        pipeline->Call(&v1::LineageService::Stub::Ingest, pipeline->lineage(), observed).status());
    // A failing check on orders: incident 1.
    v1::IngestRequest failing;
    failing.add_events(R"({"eventTime": "2026-12-01T10:00:00Z", "producer": "https://example.com/t",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
        "dataset": {"namespace": "pg", "name": "orders", "facets": {"dataQualityAssertions":
          {"assertions": [{"assertion": "not_null", "success": false, "column": "id"}]}}}})");
    RETURN_IF_ERROR(
        admin.Call(&v1::LineageService::Stub::Ingest, admin.lineage(), failing).status());
    ASSIGN_OR_RETURN(reader_, server_.Issue("user:reader"));
    ASSIGN_OR_RETURN(owner_, server_.Issue("user:alice"));
    ASSIGN_OR_RETURN(temp_token_, server_.Issue("user:temp"));
    v1::CreateTokenRequest expiring;
    expiring.set_principal("user:alice");
    expiring.set_expires("1s");
    ASSIGN_OR_RETURN(auto e, admin.Call(&v1::TokenService::Stub::CreateToken, admin.tokens(), expiring));
    expired_ = e.secret();
    channel_ = grpc::CreateChannel(StrCat("127.0.0.1:", server_.server().grpc_port()),
                                   grpc::InsecureChannelCredentials());
    return absl::OkStatus();
  }

  static std::string Event() {
    return testing::RunEventJson("COMPLETE", "11111111-1111-1111-1111-111111111111", 1,
                                 {{"src"}}, {{"orders"}}, "load", "etl", "pg");
  }

  std::string TokenOf(Role r) const {
    switch (r) {
      case kAnonymous: return "";
      case kBadToken: return "tok_0000000000000000.not-a-secret";
      case kExpired: return expired_;
      case kReader: return reader_;
      case kOwner: return owner_;
      case kAdmin: return admin_token();
    }
    return "";
  }

  std::string admin_token() const {
    std::string t = testing::ReadFile(server_.server().admin_token_path());
    while (!t.empty() && t.back() == '\n') t.pop_back();
    return t;
  }

  // Calls `method` with `text` as `role`; the status code.
  Code Call(const std::string& method, const std::string& text, Role role) {
    const google::protobuf::MethodDescriptor* m = Find(method);
    if (m == nullptr) return Code::UNIMPLEMENTED;
    const Message* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(m->input_type());
    std::unique_ptr<Message> request(prototype->New());
    std::string filled = Replace(text, "{TOKEN}", temp_token_.substr(0, temp_token_.find('.')));
    filled = Replace(filled, "{CONTRACT}", kContract);
    filled = Replace(filled, "{EVENT}", Replace(Event(), "\"", "\\\""));
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(filled, request.get()))
        << method << ": " << filled;
    std::unique_ptr<Message> response(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(m->output_type())->New());
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    std::string token = TokenOf(role);
    if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
    std::string path = "/" + method;
    grpc::Status s = grpc::internal::BlockingUnaryCall<Message, Message>(
        channel_.get(),
        grpc::internal::RpcMethod(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC),
        &context, *request, response.get());
    last_message_ = s.error_message();
    return s.error_code();
  }

  static const google::protobuf::MethodDescriptor* Find(const std::string& method) {
    size_t slash = method.find('/');
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
            method.substr(0, slash));
    return service == nullptr ? nullptr : service->FindMethodByName(method.substr(slash + 1));
  }

  const std::string& last_message() const { return last_message_; }
  testing::InProcessServer& server() { return server_; }

 private:
  testing::InProcessServer server_;
  std::string reader_, owner_, expired_, temp_token_, last_message_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST(AuthzMatrix, EveryRpcIsInTheTable) {
  // Start a server so every service's generated code is linked and known.
  Seeded s;
  ASSERT_TRUE(s.Start().ok());
  std::set<std::string> in_table;
  for (const Row& r : Table()) {
    in_table.insert(r.method);
    EXPECT_NE(Seeded::Find(r.method), nullptr) << r.method << " is not an RPC";
  }
  int rpcs = 0;
  for (const char* file : {"catalog/v1/catalog.proto", "catalog/v1/token.proto",
                           "catalog/v1/policy.proto", "catalog/v1/lineage.proto",
                           "catalog/v1/contract.proto", "catalog/v1/audit.proto",
                           "catalog/v1/quality.proto", "catalog/v1/incident.proto",
                           "catalog/v1/webhook.proto", "catalog/v1/cost.proto",
                           "catalog/v1/governance.proto", "catalog/v1/model.proto",
                           "catalog/v1/application.proto"}) {
    const google::protobuf::FileDescriptor* f =
        google::protobuf::DescriptorPool::generated_pool()->FindFileByName(file);
    ASSERT_NE(f, nullptr) << file;
    for (int i = 0; i < f->service_count(); ++i) {
      for (int j = 0; j < f->service(i)->method_count(); ++j) {
        std::string name = f->service(i)->full_name() + "/" + f->service(i)->method(j)->name();
        ++rpcs;
        EXPECT_TRUE(in_table.count(name)) << name << " has no row in the matrix";
      }
    }
  }
  EXPECT_EQ(rpcs, static_cast<int>(in_table.size()));
  // Every file of the API is listed above: a new one cannot escape.
  int files = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(testing::SourceDir() / "proto" / "catalog" / "v1")) {
    files += entry.path().extension() == ".proto";
  }
  EXPECT_EQ(files, 13) << "a new .proto: list it above and give its RPCs rows";
}

TEST(AuthzMatrix, EveryRpcAnswersEachCallerAsTheTableSays) {
  for (Role role : kRoles) {
    Seeded s;
    ASSERT_TRUE(s.Start().ok());
    if (role == kExpired) {
      ASSERT_TRUE(testing::WaitFor([&] {
        return s.Call("catalog.v1.CatalogService/Ping", "", kExpired) == Code::UNAUTHENTICATED;
      }));
    }
    for (const Row& row : Table()) {
      Code want = role == kReader ? row.reader
                  : role == kOwner ? row.owner
                  : role == kAdmin ? row.admin
                                   : Code::UNAUTHENTICATED;
      Code got = s.Call(row.method, row.request, role);
      EXPECT_EQ(got, want) << row.method << " as " << RoleName(role) << ": "
                           << s.last_message();
    }
  }
}

}  // namespace
}  // namespace catalog
