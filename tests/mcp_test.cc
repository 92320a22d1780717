// The MCP server (docs/mcp.md) with a real client: the official TypeScript
// SDK (@modelcontextprotocol/sdk, tests/mcp/client.mjs) as an AI agent's
// principal. The same cases run through MCP and through gRPC and must
// answer the same — a dataset the agent may not read is redacted in
// search, lineage and impact, a masked column is reported masked — and the
// transport's doors (Origin, session cookies, tokens, sizes, versions)
// refuse what they must, with JSON-RPC's errors.
#include <gmock/gmock.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "client/client.h"
#include "server/mcp/protocol.h"
#include "tests/http_answer.h"
#include "tests/in_process.h"
#include "tests/lineage_events.h"

namespace catalog {
namespace {

namespace fs = std::filesystem;
using client::CatalogClient;
using json = nlohmann::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// An agent's principal, serviceaccount:agent: it may not read pg/secret's
// metadata, and reads pg/orders' data with its pii column masked.
class McpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_
                    .Start([](server::ServerConfig& c) {
                      c.mcp_allowed_origins = "https://agents.example.com";
                    })
                    .ok());
    v1::ApplyRequest apply;
    ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
        R"pb(resources { principal { kind: PRINCIPAL_KIND_SERVICE_ACCOUNT name: "agent" } }
             resources {
               dataset {
                 key { namespace: "pg" name: "orders" }
                 spec {
                   description: "Orders"
                   tags: "shop"
                   schema {
                     fields { name: "id" type: "bigint" }
                     fields { name: "email" type: "varchar" tags: "pii" }
                   }
                 }
               }
             }
             resources {
               dataset {
                 key { namespace: "pg" name: "secret" }
                 spec { tags: "shop" }
               }
             }
             resources {
               dataset {
                 key { namespace: "pg" name: "daily" }
                 spec { tags: "shop" }
               }
             })pb",
        &apply));
    auto applied =
        server_.admin().Call(&v1::CatalogService::Stub::Apply, server_.admin().catalog(), apply);
    ASSERT_TRUE(applied.ok()) << applied.status();
    v1::IngestRequest ingest;
    ingest.add_events(testing::RunEventJson("COMPLETE", "11111111-1111-1111-1111-111111111111", 1,
                                            {{"orders"}}, {{"secret"}}, "etl"));
    ingest.add_events(testing::RunEventJson("COMPLETE", "22222222-2222-2222-2222-222222222222", 2,
                                            {{"secret"}}, {{"daily"}}, "etl2"));
    auto ingested =
        server_.admin().Call(&v1::LineageService::Stub::Ingest, server_.admin().lineage(), ingest);
    ASSERT_TRUE(ingested.ok()) << ingested.status();
    ASSERT_TRUE(testing::AddPolicyFile(server_.admin(), "agent.cedar", R"(
        forbid (principal == ServiceAccount::"agent", action == Action::"catalog:read",
                resource == Dataset::"pg/secret");
        permit (principal == ServiceAccount::"agent", action == Action::"read",
                resource == Dataset::"pg/orders");
        @mask("sha256")
        permit (principal == ServiceAccount::"agent", action == Action::"read",
                resource is Column in Dataset::"pg/orders")
        when { resource.tags.contains("pii") };
        permit (principal == ServiceAccount::"agent", action == Action::"read",
                resource is Column in Dataset::"pg/orders")
        unless { resource.tags.contains("pii") };)")
                    .ok());
    auto token = server_.Issue("serviceaccount:agent");
    ASSERT_TRUE(token.ok()) << token.status();
    token_ = *token;
    agent_ = server_.Connect(token_);
  }

  std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(server_.server().http_port()) + "/mcp";
  }

  // The SDK's client: connects, lists the tools, makes `calls`.
  json Sdk(const json& calls, const std::string& token) {
    fs::path dir = testing::SourceDir() / "tests" / "mcp";
    testing::TempDir tmp;
    testing::WriteFile(tmp.path() / "calls.json", calls.dump());
    std::string cmd = "node '" + (dir / "client.mjs").string() + "' '" + Url() + "' '" + token +
                      "' < '" + (tmp.path() / "calls.json").string() + "' > '" +
                      (tmp.path() / "out.json").string() + "'";
    std::system(cmd.c_str());
    return json::parse(testing::ReadFile(tmp.path() / "out.json"), nullptr, false);
  }

  static bool SdkInstalled() {
    return fs::exists(testing::SourceDir() / "tests" / "mcp" / "node_modules" /
                      "@modelcontextprotocol" / "sdk" / "package.json") &&
           std::system("node --version > /dev/null 2>&1") == 0;
  }

  // What gRPC answers, as proto JSON.
  template <typename Response>
  static json AsJson(const absl::StatusOr<Response>& r) {
    EXPECT_TRUE(r.ok()) << r.status();
    std::string text;
    EXPECT_TRUE(google::protobuf::util::MessageToJsonString(*r, &text).ok());
    return json::parse(text);
  }

  testing::HttpAnswer Post(const std::string& body, httplib::Headers headers = {}) {
    if (headers.find("Authorization") == headers.end()) {
      headers.emplace("Authorization", "Bearer " + token_);
    }
    return testing::HttpCall(server_.server().http_port(), "POST", "/mcp", headers, body);
  }
  json Call(const std::string& tool, const json& arguments) {
    testing::HttpAnswer a = Post(json{{"jsonrpc", "2.0"},
                                      {"id", 7},
                                      {"method", "tools/call"},
                                      {"params", {{"name", tool}, {"arguments", arguments}}}}
                                     .dump());
    EXPECT_EQ(a.status, 200) << a.body;
    return a.Json();
  }

  testing::InProcessServer server_;
  std::string token_;
  std::unique_ptr<CatalogClient> agent_;
};

TEST_F(McpTest, TheSdksAgentSeesWhatItsPrincipalSeesThroughGrpc) {
  if (!SdkInstalled()) {
    if (std::getenv("CI") != nullptr) FAIL() << "node or the MCP SDK is missing; scripts/setup";
    GTEST_SKIP() << "node or the MCP SDK is missing; run scripts/setup";
  }
  const json calls = {
      {{"tool", "search_datasets"}, {"arguments", {{"tag", "shop"}}}},
      {{"tool", "get_lineage"},
       {"arguments", {{"node", "pg/orders"}, {"direction", "downstream"}, {"depth", 2}}}},
      {{"tool", "impact"}, {"arguments", {{"node", "pg/orders"}}}},
      {{"tool", "check_access"}, {"arguments", {{"dataset", "pg/orders"}}}},
      {{"tool", "get_dataset"}, {"arguments", {{"dataset", "pg/orders"}}}},
      {{"tool", "get_dataset"}, {"arguments", {{"dataset", "pg/secret"}}}},
  };
  json out = Sdk(calls, token_);
  ASSERT_TRUE(out.is_object() && out.contains("results")) << out.dump();
  EXPECT_EQ(out["protocolVersion"], server::mcp::kProtocolVersion);
  EXPECT_EQ(out["server"]["name"], "catalogd");
  EXPECT_THAT(out["tools"].get<std::vector<std::string>>(),
              ElementsAre("search_datasets", "get_dataset", "get_lineage", "impact", "check_access",
                          "check_write", "model_lineage", "get_application",
                          "application_access"));
  const json& r = out["results"];
  ASSERT_EQ(r.size(), calls.size());

  // The same questions through gRPC, as the agent.
  v1::SearchRequest search;
  search.set_page_size(20);
  search.mutable_filter()->add_tags("shop");
  json grpc_search =
      AsJson(agent_->Call(&v1::CatalogService::Stub::SearchDatasets, agent_->catalog(), search));
  EXPECT_EQ(r[0]["structuredContent"], grpc_search);
  ASSERT_EQ(grpc_search["hits"].size(), 2u);  // orders and daily; secret is not there
  EXPECT_THAT(r[0]["content"][0]["text"].get<std::string>(), Not(HasSubstr("secret")));

  v1::GetLineageRequest lineage;
  lineage.set_node("pg/orders");
  lineage.set_direction(v1::LINEAGE_DIRECTION_DOWNSTREAM);
  lineage.set_depth(2);
  json grpc_lineage =
      AsJson(agent_->Call(&v1::LineageService::Stub::GetLineage, agent_->lineage(), lineage));
  EXPECT_EQ(r[1]["structuredContent"], grpc_lineage);
  EXPECT_THAT(grpc_lineage.dump(), HasSubstr("daily"));
  EXPECT_THAT(grpc_lineage.dump(), Not(HasSubstr("secret")));  // a placeholder

  v1::ImpactRequest impact;
  impact.set_node("pg/orders");
  impact.set_depth(10);
  json grpc_impact =
      AsJson(agent_->Call(&v1::LineageService::Stub::Impact, agent_->lineage(), impact));
  EXPECT_EQ(r[2]["structuredContent"], grpc_impact);
  EXPECT_THAT(grpc_impact.dump(), Not(HasSubstr("secret")));

  v1::AuthorizeReadRequest read;
  read.set_principal("ServiceAccount::\"agent\"");
  read.mutable_dataset()->set_namespace_("pg");
  read.mutable_dataset()->set_name("orders");
  read.add_columns("id");
  read.add_columns("email");
  json grpc_read =
      AsJson(agent_->Call(&v1::PolicyService::Stub::AuthorizeRead, agent_->policies(), read));
  json mcp_read = r[3]["structuredContent"];
  EXPECT_EQ(mcp_read, grpc_read);
  EXPECT_EQ(mcp_read["dataset"]["decision"], "DECISION_ALLOW");
  ASSERT_EQ(mcp_read["columns"].size(), 2u);
  EXPECT_EQ(mcp_read["columns"][0]["access"], "COLUMN_ACCESS_ALLOW");
  EXPECT_EQ(mcp_read["columns"][1]["column"], "email");
  EXPECT_EQ(mcp_read["columns"][1]["access"], "COLUMN_ACCESS_MASK");
  EXPECT_EQ(mcp_read["columns"][1]["mask"], "sha256");

  v1::GetDatasetRequest get;
  get.mutable_key()->set_namespace_("pg");
  get.mutable_key()->set_name("orders");
  EXPECT_EQ(r[4]["structuredContent"],
            AsJson(agent_->Call(&v1::CatalogService::Stub::GetDataset, agent_->catalog(), get)));
  // A dataset it may not read is not there, in gRPC's words.
  get.mutable_key()->set_name("secret");
  auto hidden = agent_->Call(&v1::CatalogService::Stub::GetDataset, agent_->catalog(), get);
  ASSERT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r[5]["isError"], true);
  EXPECT_EQ(r[5]["content"][0]["text"], "NOT_FOUND: " + std::string(hidden.status().message()));
  EXPECT_FALSE(r[5].contains("structuredContent"));

  // Without a token the SDK's client is refused before anything runs.
  json refused = Sdk(json::array(), "-");
  EXPECT_THAT(refused.value("error", ""), HasSubstr("UNAUTHENTICATED"));
}

TEST_F(McpTest, ADeniedReadAsksThroughMcpIsADecisionInTheAuditLog) {
  json denied = Call("check_access", {{"dataset", "pg/secret"}, {"columns", {"x"}}});
  ASSERT_EQ(denied["result"]["isError"], false) << denied.dump();
  EXPECT_EQ(denied["result"]["structuredContent"]["dataset"]["decision"], "DECISION_DENY");
  v1::ListAuditEventsRequest audit;
  audit.set_principal("serviceaccount:agent");
  audit.set_decision("deny");
  auto events = server_.admin().Call(&v1::AuditService::Stub::ListAuditEvents,
                                     server_.admin().audit(), audit);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_GE(events->events_size(), 1);
  std::string text;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(*events, &text).ok());
  EXPECT_THAT(text, HasSubstr("pg/secret"));
}

TEST_F(McpTest, AnAgentReadsItsApplicationAndWhatItMayReadAsIt) {
  v1::ApplyRequest apply;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(resources {
             ai_application {
               name: "assistant"
               type: "agent"
               owners { principal: "user:admin" }
               service_account: "agent"
               data_sources { namespace: "pg" name: "orders" }
               data_sources { namespace: "pg" name: "secret" }
             }
           })pb",
      &apply));
  ASSERT_TRUE(
      server_.admin().Call(&v1::CatalogService::Stub::Apply, server_.admin().catalog(), apply).ok());
  v1::GetAIApplicationRequest get;
  get.set_name("assistant");
  json r = Call("get_application", {{"name", "assistant"}});
  EXPECT_EQ(r["result"]["isError"], false) << r.dump();
  EXPECT_EQ(r["result"]["structuredContent"],
            AsJson(agent_->Call(&v1::AIApplicationService::Stub::GetAIApplication,
                                agent_->applications(), get)));
  // The dataset the agent may not read is counted, not named.
  EXPECT_EQ(r["result"]["structuredContent"]["hiddenDatasets"], "1");  // int64: a JSON string
  EXPECT_THAT(r["result"]["content"][0]["text"].get<std::string>(), Not(HasSubstr("secret")));
  // As the application's service account, it asks what it may read.
  v1::CheckAIApplicationAccessRequest check;
  check.set_name("assistant");
  r = Call("application_access", {{"name", "assistant"}});
  EXPECT_EQ(r["result"]["isError"], false) << r.dump();
  json access = r["result"]["structuredContent"];
  EXPECT_EQ(access, AsJson(agent_->Call(&v1::AIApplicationService::Stub::CheckAIApplicationAccess,
                                        agent_->applications(), check)));
  ASSERT_EQ(access["datasets"].size(), 1u) << access.dump();
  EXPECT_EQ(access["datasets"][0]["dataset"]["name"], "orders");
  EXPECT_EQ(access["hidden"], "1");
  EXPECT_THAT(access.dump(), HasSubstr("COLUMN_ACCESS_MASK"));
  // An application it neither runs as nor reviews: refused, in gRPC's words.
  apply.mutable_resources(0)->mutable_ai_application()->set_name("other");
  apply.mutable_resources(0)->mutable_ai_application()->set_service_account("someone");
  ASSERT_TRUE(
      server_.admin().Call(&v1::CatalogService::Stub::Apply, server_.admin().catalog(), apply).ok());
  r = Call("application_access", {{"name", "other"}});
  EXPECT_EQ(r["result"]["isError"], true);
  EXPECT_THAT(r["result"]["content"][0]["text"].get<std::string>(),
              HasSubstr("PERMISSION_DENIED"));
  r = Call("get_application", json::object());
  EXPECT_EQ(r["result"]["content"][0]["text"], "INVALID_ARGUMENT: arguments.name: is required");
}

TEST_F(McpTest, BadArgumentsAreToolErrorsNamingTheArgumentAndTheRule) {
  json r = Call("get_dataset", json::object());
  EXPECT_EQ(r["result"]["isError"], true);
  EXPECT_EQ(r["result"]["content"][0]["text"], "INVALID_ARGUMENT: arguments.dataset: is required");
  r = Call("get_dataset", {{"dataset", "no-slash"}});
  EXPECT_EQ(r["result"]["content"][0]["text"],
            "INVALID_ARGUMENT: arguments.dataset: must name a dataset as NAMESPACE/NAME");
  r = Call("get_lineage", {{"node", "pg/orders"}, {"direction", "sideways"}});
  EXPECT_EQ(r["result"]["content"][0]["text"],
            "INVALID_ARGUMENT: arguments.direction: must be upstream, downstream or both");
  r = Call("search_datasets", {{"tag", "shop"}, {"limit", 1000}});
  EXPECT_EQ(r["result"]["content"][0]["text"],
            "INVALID_ARGUMENT: arguments.limit: must be an integer from 1 to 100");
  r = Call("impact", {{"node", "pg/orders"}, {"drop", true}});
  EXPECT_THAT(r["result"]["content"][0]["text"].get<std::string>(),
              HasSubstr("arguments.drop: is not an argument of impact (columns, depth, node)"));
  r = Call("check_write", {{"dataset", "pg/orders"}, {"fields", {{{"name", "id"}}}}});
  EXPECT_EQ(r["result"]["content"][0]["text"],
            "INVALID_ARGUMENT: arguments.fields[0].type: is required");
  // A write the contract would judge: answered as CheckWrite answers.
  r = Call("check_write",
           {{"dataset", "pg/orders"}, {"fields", {{{"name", "id"}, {"type", "bigint"}}}}});
  EXPECT_EQ(r["result"]["isError"], false) << r.dump();
  EXPECT_EQ(r["result"]["structuredContent"]["allowed"], true);
  // An unknown tool is a protocol error.
  r = Call("drop_table", json::object());
  EXPECT_EQ(r["error"]["code"], -32602);
  EXPECT_THAT(r["error"]["message"].get<std::string>(), HasSubstr("no tool \"drop_table\""));
}

TEST_F(McpTest, TheTransportRefusesWhatItMust) {
  const std::string init =
      R"({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2099-01-01",
          "capabilities":{},"clientInfo":{"name":"t","version":"1"}}})";
  // An unknown revision asked: the server answers with its own.
  testing::HttpAnswer a = Post(init);
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.Json()["result"]["protocolVersion"], server::mcp::kProtocolVersion);
  // A browser page of another site (or a DNS-rebinding one) is refused;
  // an allowed origin is served.
  a = Post(init, {{"Origin", "https://evil.example.com"}});
  EXPECT_EQ(a.status, 403);
  EXPECT_THAT(a.body, HasSubstr("Origin: https://evil.example.com is not allowed"));
  EXPECT_EQ(Post(init, {{"Origin", "https://agents.example.com"}}).status, 200);
  // A web UI session cookie is never the MCP server's authorization, even
  // beside a token.
  a = Post(init, {{"Cookie", "catalogd_session=abc"}});
  EXPECT_EQ(a.status, 403);
  EXPECT_THAT(a.body, HasSubstr("never a web UI session cookie"));
  // No token, a bad token.
  a = Post(init, {{"Authorization", ""}});
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.Header("WWW-Authenticate"), "Bearer realm=\"catalogd\"");
  EXPECT_EQ(Post(init, {{"Authorization", "Bearer tok_nope.nope"}}).status, 401);
  // Versions, media types, methods.
  EXPECT_EQ(Post(init, {{"MCP-Protocol-Version", "1999-01-01"}}).status, 400);
  EXPECT_EQ(Post(init, {{"Accept", "text/html"}}).status, 406);
  EXPECT_EQ(testing::HttpCall(server_.server().http_port(), "POST", "/mcp",
                              {{"Authorization", "Bearer " + token_}}, init, "text/plain")
                .status,
            415);
  a = testing::HttpCall(server_.server().http_port(), "GET", "/mcp",
                        {{"Authorization", "Bearer " + token_}});
  EXPECT_EQ(a.status, 405);
  EXPECT_EQ(a.Header("Allow"), "POST");
  // Batches are gone from the protocol; notifications need no answer.
  a = Post(R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.Json()["error"]["code"], -32600);
  a = Post(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
  EXPECT_EQ(a.status, 202);
  EXPECT_EQ(a.body, "");
  a = Post(R"({"jsonrpc":"2.0","id":"p","method":"ping"})");
  EXPECT_EQ(a.Json(), json::parse(R"({"jsonrpc":"2.0","id":"p","result":{}})"));
  a = Post(R"({"jsonrpc":"2.0","id":3,"method":"resources/list"})");
  EXPECT_EQ(a.Json()["error"]["code"], -32601);
  // Not JSON, nested too deep, too large.
  a = Post("{nope");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.Json()["error"]["code"], -32700);
  EXPECT_EQ(Post(std::string(100, '[') + std::string(100, ']')).status, 400);
  EXPECT_EQ(Post(std::string(2 << 20, ' ')).status, 413);
}

}  // namespace
}  // namespace catalog
