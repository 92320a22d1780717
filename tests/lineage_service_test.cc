// Integration: LineageService and the OpenLineage HTTP transport on a real
// server in-process, fed with the OpenLineage conformance events.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "absl/strings/escaping.h"

#include "client/client.h"
#include "lib/lineage/event.h"
#include "server/server.h"
#include "tests/in_process.h"
#include "tests/lineage_events.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using client::CatalogClient;
using LStub = v1::LineageService::Stub;
using json = nlohmann::json;

fs::path OpenLineageDir() {
  return testing::SourceDir().parent_path() / "shared" / "conformance" / "openlineage";
}

// The captured real events, scenario by scenario, in file order.
std::vector<std::string> RealEvents() {
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(OpenLineageDir() / "real-events")) {
    if (e.path().extension() == ".json" &&
        e.path().parent_path().filename() == "events") {
      files.push_back(e.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> out;
  for (const fs::path& f : files) out.push_back(testing::ReadFile(f));
  return out;
}

// A RunEvent of job etl/`job` over datasets in namespace pg; every output
// with `output_facets`.
std::string Event(const std::string& state, const std::string& run, int minute,
                  const std::vector<std::string>& inputs,
                  const std::vector<std::string>& outputs,
                  const std::string& job, json output_facets = json::object()) {
  std::vector<testing::EventIo> in, out;
  for (const std::string& i : inputs) in.push_back({i});
  for (const std::string& o : outputs) out.push_back({o, output_facets});
  return testing::RunEventJson(state, run, minute, in, out, job, "etl");
}

const char kRun1[] = "11111111-1111-1111-1111-111111111111";
const char kRun2[] = "22222222-2222-2222-2222-222222222222";

class LineageServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerConfig config;
    config.listen = "127.0.0.1:0";
    config.http_listen = "127.0.0.1:0";
    config.data_dir = (dir_.path() / "data").string();
    config.policies_dir = (testing::SourceDir() / "policies").string();
    config.max_message_bytes = 8 * 1024 * 1024;
    auto s = server::CatalogServer::Start(config);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
    admin_token_ = testing::ReadFile(server_->admin_token_path());
    admin_token_.pop_back();
    admin_ = Connect(admin_token_);
    v1::ApplyRequest seed;
    for (auto [kind, name] : {std::pair{v1::PRINCIPAL_KIND_USER, "bob"},
                              std::pair{v1::PRINCIPAL_KIND_SERVICE_ACCOUNT, "airflow"}}) {
      v1::Principal* p = seed.add_resources()->mutable_principal();
      p->set_kind(kind);
      p->set_name(name);
    }
    ASSERT_TRUE(admin_->Call(&v1::CatalogService::Stub::Apply, admin_->catalog(), seed).ok());
    bob_ = Connect(Issue("user:bob"));
    pipeline_token_ = Issue("serviceaccount:airflow");
    pipeline_ = Connect(pipeline_token_);
  }

  // The default policies, and a forbid hiding datasets tagged "secret"
  // from bob (and `also`, more policy text).
  void HideSecretDatasetsFromBob(const std::string& also = "") {
    ASSERT_TRUE(testing::AddPolicyFile(
                    *admin_, "secret.cedar",
                    R"(forbid (principal == User::"bob", action == Action::"catalog:read", resource is Dataset)
                   when { resource.tags.contains("secret") };)" + also)
                    .ok());
  }

  // pg/orders as its curator bob keeps it: described, owned, with `fields`.
  void CurateOrders(const std::vector<v1::Field>& fields) {
    v1::ApplyRequest apply;
    v1::Dataset* d = apply.add_resources()->mutable_dataset();
    d->mutable_key()->set_namespace_("pg");
    d->mutable_key()->set_name("orders");
    d->mutable_spec()->set_description("curated");
    v1::Owner* o = d->mutable_spec()->add_owners();
    o->set_principal("user:bob");
    o->set_type(v1::OWNERSHIP_TYPE_TECHNICAL);
    for (const v1::Field& f : fields) *d->mutable_spec()->mutable_schema()->add_fields() = f;
    ASSERT_TRUE(admin_->Call(&v1::CatalogService::Stub::Apply, admin_->catalog(), apply).ok());
  }

  std::unique_ptr<CatalogClient> Connect(const std::string& token) {
    return *CatalogClient::Connect(
        {.address = "127.0.0.1:" + std::to_string(server_->grpc_port()), .token = token});
  }
  std::string Issue(const std::string& principal) {
    v1::CreateTokenRequest req;
    req.set_principal(principal);
    auto r = admin_->Call(&v1::TokenService::Stub::CreateToken, admin_->tokens(), req);
    EXPECT_TRUE(r.ok()) << r.status();
    return r->secret();
  }
  absl::StatusOr<v1::IngestResponse> Ingest(CatalogClient& c,
                                            const std::vector<std::string>& events) {
    v1::IngestRequest req;
    for (const std::string& e : events) req.add_events(e);
    return c.Call(&LStub::Ingest, c.lineage(), req);
  }
  absl::StatusOr<v1::LineageGraph> Lineage(CatalogClient& c, const std::string& node,
                                           v1::LineageDirection direction, int depth,
                                           bool columns = false) {
    v1::GetLineageRequest req;
    req.set_node(node);
    req.set_direction(direction);
    req.set_depth(depth);
    req.set_columns(columns);
    // The graph follows commits before a write returns; it may still be
    // loading right after start.
    absl::StatusOr<v1::LineageGraph> g;
    testing::WaitFor([&] {
      g = c.Call(&LStub::GetLineage, c.lineage(), req);
      return g.status().code() != absl::StatusCode::kUnavailable;
    });
    return g;
  }
  static std::set<std::string> Ids(const v1::LineageGraph& g) {
    std::set<std::string> out;
    for (const v1::LineageNode& n : g.nodes()) out.insert(n.id());
    return out;
  }
  int64_t Revision() {
    httplib::Client http("127.0.0.1", server_->http_port());
    auto res = http.Get("/healthz");
    return res ? json::parse(res->body)["catalog_revision"].get<int64_t>() : -1;
  }

  testing::TempDir dir_;
  std::unique_ptr<server::CatalogServer> server_;
  std::string admin_token_, pipeline_token_;
  std::unique_ptr<CatalogClient> admin_, bob_, pipeline_;
};

TEST_F(LineageServiceTest, EveryCompleteEventIngests) {
  // The examples that are whole events (not the "expected" matchers, the
  // invalid one or the facet fragments) ...
  int examples = 0;
  for (const auto& e : fs::directory_iterator(OpenLineageDir() / "examples")) {
    std::string name = e.path().filename().string();
    if (e.path().extension() != ".json" || name.find("expected") != std::string::npos ||
        name.find("INVALID") != std::string::npos || name.rfind("14_", 0) == 0) {
      continue;
    }
    absl::StatusOr<v1::IngestResponse> r = Ingest(*pipeline_, {testing::ReadFile(e.path())});
    EXPECT_TRUE(r.ok()) << name << ": " << r.status();
    ++examples;
  }
  EXPECT_EQ(examples, 11);
  // ... and every captured real event, one by one as a producer sends them.
  std::vector<std::string> events = RealEvents();
  ASSERT_EQ(events.size(), 74u);
  for (size_t i = 0; i < events.size(); ++i) {
    absl::StatusOr<v1::IngestResponse> r = Ingest(*pipeline_, {events[i]});
    ASSERT_TRUE(r.ok()) << "event " << i << ": " << r.status();
  }
  // The Airflow scenario: gs://mock-bucket/test.csv -> BQ.upload ->
  // bigquery/mock-project.test.upload -> BQ.copy -> ..._cp -> BQ.download.
  absl::StatusOr<v1::LineageGraph> g =
      Lineage(*bob_, "gs://mock-bucket/test.csv", v1::LINEAGE_DIRECTION_DOWNSTREAM, 3);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_THAT(Ids(*g), ::testing::IsSupersetOf(
                           {"gs://mock-bucket/test.csv", "job:airflow/BQ.upload",
                            "bigquery/mock-project.test.upload", "job:airflow/BQ.copy",
                            "bigquery/mock-project.test.upload_cp",
                            "job:airflow/BQ.download", "gs://mock-bucket/result.csv"}));
  // Column lineage came with those events.
  v1::GetColumnLineageRequest col;
  col.set_node("gs://mock-bucket/result.csv#" + [&] {
    // Whatever the first column of the result is.
    v1::GetDatasetRequest req;
    req.mutable_key()->set_namespace_("gs://mock-bucket");
    req.mutable_key()->set_name("result.csv");
    auto d = bob_->Call(&v1::CatalogService::Stub::GetDataset, bob_->catalog(), req);
    EXPECT_TRUE(d.ok()) << d.status();
    return d.ok() && d->spec().schema().fields_size() > 0
               ? d->spec().schema().fields(0).name()
               : std::string("?");
  }());
  col.set_direction(v1::LINEAGE_DIRECTION_UPSTREAM);
  auto cg = bob_->Call(&LStub::GetColumnLineage, bob_->lineage(), col);
  ASSERT_TRUE(cg.ok()) << cg.status();
  EXPECT_GT(cg->edges_size(), 0);
  // Jobs and runs.
  v1::ListJobsRequest jobs;
  jobs.set_namespace_("airflow");
  auto j = bob_->Call(&LStub::ListJobs, bob_->lineage(), jobs);
  ASSERT_TRUE(j.ok());
  EXPECT_GE(j->jobs_size(), 10);
  v1::ListRunsRequest runs;
  runs.set_job("airflow/BQ.upload");
  auto r = bob_->Call(&LStub::ListRuns, bob_->lineage(), runs);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->runs_size(), 1);
  EXPECT_EQ(r->runs(0).state(), "COMPLETE");
  EXPECT_EQ(r->runs(0).transitions_size(), 2);
  EXPECT_FALSE(r->runs(0).parent_run_id().empty());
}

TEST_F(LineageServiceTest, AnAliasNamesTheSameDataset) {
  json links = {{"symlinks",
                 {{"identifiers",
                   {{{"namespace", "hive://meta"}, {"name", "db.t"}, {"type", "TABLE"}}}}}}};
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun1, 1, {"a"}, {"/warehouse/t"}, "j", links)}).ok());
  v1::GetDatasetRequest req;
  req.mutable_key()->set_namespace_("hive://meta");
  req.mutable_key()->set_name("db.t");
  req.set_include_aliases(true);
  auto d = bob_->Call(&v1::CatalogService::Stub::GetDataset, bob_->catalog(), req);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->key().namespace_(), "pg");
  EXPECT_EQ(d->key().name(), "/warehouse/t");
  ASSERT_EQ(d->aliases_size(), 1);
  EXPECT_EQ(d->aliases(0), "hive://meta/db.t");
  auto g = Lineage(*bob_, "hive://meta/db.t", v1::LINEAGE_DIRECTION_UPSTREAM, 1);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->nodes(0).id(), "pg//warehouse/t");
  EXPECT_EQ(Ids(*g).count("pg/a"), 1u);
}

TEST_F(LineageServiceTest, TheInvalidExampleIsRefusedAndChangesNothing) {
  int64_t before = Revision();
  std::string invalid = testing::ReadFile(
      OpenLineageDir() / "examples" / "06_INVALID_runevent_no_run_id_fluentd.json");
  std::string good = Event("COMPLETE", kRun1, 1, {"a"}, {"b"}, "j");
  absl::StatusOr<v1::IngestResponse> r = Ingest(*pipeline_, {good, invalid});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("events[1]: run.runId: is required"));
  EXPECT_EQ(Revision(), before);
  auto g = Lineage(*bob_, "pg/a", v1::LINEAGE_DIRECTION_BOTH, 1);
  EXPECT_EQ(g.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(LineageServiceTest, OnlyThoseAllowedMayReportLineage) {
  auto r = Ingest(*bob_, {Event("COMPLETE", kRun1, 1, {"a"}, {"b"}, "j")});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Ingest(*admin_, {Event("COMPLETE", kRun1, 1, {"a"}, {"b"}, "j")}).ok());
}

TEST_F(LineageServiceTest, TheHttpTransportTakesEventsAsOpenLineageSendsThem) {
  httplib::Client http("127.0.0.1", server_->http_port());
  httplib::Headers auth = {{"Authorization", "Bearer " + pipeline_token_}};
  std::string one = Event("COMPLETE", kRun1, 1, {"a"}, {"b"}, "j1");
  auto res = http.Post("/api/v1/lineage", auth, one, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
  EXPECT_EQ(json::parse(res->body)["events"], 1);
  json batch = json::array({json::parse(Event("COMPLETE", kRun2, 2, {"b"}, {"c"}, "j2")),
                            json::parse(Event("COMPLETE", kRun2, 3, {"c"}, {"d"}, "j3"))});
  res = http.Post("/api/v1/lineage/batch", auth, batch.dump(), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 201) << res->body;
  auto g = Lineage(*bob_, "pg/a", v1::LINEAGE_DIRECTION_DOWNSTREAM, 5);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(Ids(*g).count("pg/d"), 1u);

  int64_t before = Revision();
  res = http.Post("/api/v1/lineage", one, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = http.Post("/api/v1/lineage", auth, "{\"eventTime\": ", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_THAT(json::parse(res->body)["message"].get<std::string>(), HasSubstr("body"));
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  res = http.Post("/api/v1/lineage", auth, deep, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_THAT(res->body, HasSubstr("nests deeper than"));
  std::string huge(9 * 1024 * 1024, ' ');
  res = http.Post("/api/v1/lineage", auth, huge, "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(Revision(), before);
}

TEST_F(LineageServiceTest, TheSameEventsTwiceYieldTheSameGraph) {
  std::vector<std::string> events = {
      Event("START", kRun1, 1, {"a"}, {"b"}, "j1"),
      Event("COMPLETE", kRun1, 2, {"a"}, {"b"}, "j1"),
      Event("COMPLETE", kRun2, 3, {"b"}, {"c"}, "j2")};
  ASSERT_TRUE(Ingest(*pipeline_, events).ok());
  auto first = Lineage(*bob_, "pg/b", v1::LINEAGE_DIRECTION_BOTH, 5, true);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(Ingest(*pipeline_, events).ok());
  auto second = Lineage(*bob_, "pg/b", v1::LINEAGE_DIRECTION_BOTH, 5, true);
  ASSERT_TRUE(second.ok());
  first->clear_catalog_revision();
  second->clear_catalog_revision();
  EXPECT_EQ(first->SerializeAsString(), second->SerializeAsString());
  EXPECT_EQ(first->nodes_size(), 5);
}

TEST_F(LineageServiceTest, AJobsOldEdgesLeaveLineageAndADeletedJobLinksNothing) {
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun1, 1, {"a", "old"}, {"b"}, "j")}).ok());
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun2, 2, {"a"}, {"b"}, "j")}).ok());
  auto g = Lineage(*bob_, "pg/b", v1::LINEAGE_DIRECTION_UPSTREAM, 1);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(Ids(*g), (std::set<std::string>{"pg/b", "job:etl/j", "pg/a"}));
  v1::GetLineageRequest with_inactive;
  with_inactive.set_node("pg/b");
  with_inactive.set_direction(v1::LINEAGE_DIRECTION_UPSTREAM);
  with_inactive.set_include_inactive(true);
  auto all = bob_->Call(&LStub::GetLineage, bob_->lineage(), with_inactive);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Ids(*all).count("pg/old"), 1u);

  v1::DeleteJobRequest del;
  del.set_job("job:etl/j");
  EXPECT_EQ(bob_->Call(&LStub::DeleteJob, bob_->lineage(), del).status().code(),
            absl::StatusCode::kPermissionDenied);
  // A pipeline may report lineage, not erase it.
  EXPECT_EQ(pipeline_->Call(&LStub::DeleteJob, pipeline_->lineage(), del).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_TRUE(admin_->Call(&LStub::DeleteJob, admin_->lineage(), del).ok());
  g = Lineage(*bob_, "pg/b", v1::LINEAGE_DIRECTION_BOTH, 5);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(Ids(*g), (std::set<std::string>{"pg/b"}));
}

// Issue 12 #7: OpenLineage delivers at least once. A COMPLETE delivered
// again, or late, after a newer run (even a failed one) retired the edges
// that run reported, and impact stopped listing downstream datasets.
TEST_F(LineageServiceTest, LateOrRepeatedCompletesRetireNothingNewer) {
  const std::string r3 = "33333333-3333-3333-3333-333333333333";
  const std::string r4 = "44444444-4444-4444-4444-444444444444";
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun1, 1, {"a"}, {"b"}, "j")}).ok());
  ASSERT_TRUE(Ingest(*pipeline_, {Event("START", kRun2, 2, {"a", "c"}, {"b"}, "j"),
                                  Event("FAIL", kRun2, 3, {"a", "c"}, {"b"}, "j")})
                  .ok());
  auto upstream = [&] {
    auto g = Lineage(*bob_, "pg/b", v1::LINEAGE_DIRECTION_UPSTREAM, 1);
    EXPECT_TRUE(g.ok()) << g.status();
    return g.ok() ? Ids(*g) : std::set<std::string>();
  };
  const std::set<std::string> live = {"pg/b", "job:etl/j", "pg/a", "pg/c"};
  ASSERT_EQ(upstream(), live);
  // R1's COMPLETE again: nothing changes.
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun1, 1, {"a"}, {"b"}, "j")}).ok());
  EXPECT_EQ(upstream(), live);
  // A run still going keeps what it reported when an older one's COMPLETE
  // arrives for the first time.
  ASSERT_TRUE(Ingest(*pipeline_, {Event("START", r3, 6, {"d"}, {"b"}, "j")}).ok());
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", r4, 5, {"a"}, {"b"}, "j")}).ok());
  std::set<std::string> now = upstream();
  EXPECT_EQ(now.count("pg/d"), 1u);
  EXPECT_EQ(now.count("pg/a"), 1u);
  // R4's completion (the newest terminal event) retires c, last reported
  // before it and not by it.
  EXPECT_EQ(now.count("pg/c"), 0u);
}

TEST_F(LineageServiceTest, NodesTheCallerMayNotReadAreRedacted) {
  json secret = {{"tags", {{"tags", {{{"key", "secret"}, {"value", "true"}}}}}}};
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun1, 1, {"a"}, {"hidden"}, "j1", secret),
                                  Event("COMPLETE", kRun2, 2, {"hidden"}, {"c"}, "j2")})
                  .ok());
  // Keep the default policies and hide secret datasets from bob.
  HideSecretDatasetsFromBob();

  auto g = Lineage(*bob_, "pg/a", v1::LINEAGE_DIRECTION_DOWNSTREAM, 2);
  ASSERT_TRUE(g.ok()) << g.status();
  std::set<std::string> ids = Ids(*g);
  EXPECT_EQ(ids.count("pg/hidden"), 0u);
  EXPECT_EQ(ids.count("pg/c"), 1u);  // still reached, through the placeholder
  int redacted = 0;
  for (const v1::LineageNode& n : g->nodes()) {
    if (!n.redacted()) continue;
    ++redacted;
    EXPECT_EQ(n.kind(), v1::NODE_KIND_DATASET);
    EXPECT_TRUE(n.dataset().name().empty());
    EXPECT_THAT(n.id(), HasSubstr("redacted:"));
  }
  EXPECT_EQ(redacted, 1);
  EXPECT_THAT(g->DebugString(), ::testing::Not(HasSubstr("hidden")));
  auto admin_view = Lineage(*admin_, "pg/a", v1::LINEAGE_DIRECTION_DOWNSTREAM, 2);
  EXPECT_EQ(Ids(*admin_view).count("pg/hidden"), 1u);
  // Impact says the same.
  v1::ImpactRequest impact;
  impact.set_node("pg/a");
  auto im = bob_->Call(&LStub::Impact, bob_->lineage(), impact);
  ASSERT_TRUE(im.ok());
  EXPECT_THAT(im->DebugString(), ::testing::Not(HasSubstr("hidden")));
  // A hidden dataset keeps one placeholder: its path ends at its own id.
  int hidden = 0;
  for (const v1::ImpactedNode& d : im->datasets()) {
    ASSERT_GT(d.path_size(), 0);
    EXPECT_EQ(d.path(d.path_size() - 1), d.node().id());
    hidden += d.node().redacted();
  }
  EXPECT_EQ(hidden, 1);
  // Issue 12 #10: a column edge from a hidden column carried how it was
  // transformed (its SQL); now only edges between readable datasets do.
  json cll = {{"columnLineage",
               {{"fields",
                 {{"x",
                   {{"inputFields",
                     {{{"namespace", "pg"},
                       {"name", "hidden"},
                       {"field", "s"},
                       {"transformations",
                        {{{"type", "DIRECT"},
                          {"subtype", "TRANSFORMATION"},
                          {"description", "secret_sauce(s)"}}}}}}}}}}}}}};
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun1, 3, {"hidden"}, {"c2"}, "j3", cll)}).ok());
  v1::GetColumnLineageRequest columns;
  columns.set_node("pg/c2#x");
  columns.set_direction(v1::LINEAGE_DIRECTION_UPSTREAM);
  auto bob_columns = bob_->Call(&LStub::GetColumnLineage, bob_->lineage(), columns);
  ASSERT_TRUE(bob_columns.ok()) << bob_columns.status();
  EXPECT_GE(bob_columns->edges_size(), 1);
  EXPECT_THAT(bob_columns->DebugString(), ::testing::Not(HasSubstr("secret_sauce")));
  EXPECT_THAT(bob_columns->DebugString(), ::testing::Not(HasSubstr("hidden")));
  auto admin_columns = admin_->Call(&LStub::GetColumnLineage, admin_->lineage(), columns);
  ASSERT_TRUE(admin_columns.ok());
  EXPECT_THAT(admin_columns->DebugString(), HasSubstr("secret_sauce"));
}

// Issue 12 #10: under a policy hiding a dataset from bob, its key leaked
// through page tokens and aliases, and its documents through history once
// it was deleted. Hidden is answered as absent, in the same words.
TEST_F(LineageServiceTest, AHiddenDatasetIsAnsweredAsAbsent) {
  json secret = {{"tags", {{"tags", {{{"key", "secret"}, {"value", "true"}}}}}},
                 {"symlinks",
                  {{"identifiers",
                    {{{"namespace", "hive://meta"}, {"name", "db.alias"}, {"type", "TABLE"}}}}}}};
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun1, 1, {"a"}, {"salaries"}, "j1", secret),
                                  Event("COMPLETE", kRun2, 2, {"a"}, {"z"}, "j2")})
                  .ok());
  HideSecretDatasetsFromBob();

  auto get = [&](CatalogClient& c, const std::string& ns, const std::string& name) {
    v1::GetDatasetRequest req;
    req.mutable_key()->set_namespace_(ns);
    req.mutable_key()->set_name(name);
    return c.Call(&v1::CatalogService::Stub::GetDataset, c.catalog(), req);
  };
  auto hidden = get(*bob_, "pg", "salaries");
  auto absent = get(*bob_, "pg", "nothing");
  EXPECT_EQ(hidden.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(absent.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(std::string(hidden.status().message()), "dataset \"pg/salaries\" not found");
  // A token that may not read the catalog at all hears the same of both.
  v1::CreateTokenRequest limited;
  limited.set_principal("user:bob");
  limited.add_actions("lineage:write");
  auto t = admin_->Call(&v1::TokenService::Stub::CreateToken, admin_->tokens(), limited);
  ASSERT_TRUE(t.ok());
  auto bob_limited = Connect(t->secret());
  EXPECT_EQ(get(*bob_limited, "pg", "salaries").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(get(*bob_limited, "pg", "nothing").status().code(), absl::StatusCode::kNotFound);
  auto by_alias = get(*bob_, "hive://meta", "db.alias");
  EXPECT_EQ(by_alias.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(by_alias.status().message()), ::testing::Not(HasSubstr("salaries")));
  EXPECT_TRUE(get(*admin_, "hive://meta", "db.alias").ok());

  // Page by page, no token tells the hidden key.
  v1::ListDatasetsRequest list;
  list.set_page_size(1);
  std::set<std::string> seen;
  do {
    auto page = bob_->Call(&v1::CatalogService::Stub::ListDatasets, bob_->catalog(), list);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& d : page->datasets()) seen.insert(d.key().name());
    std::string raw;
    absl::WebSafeBase64Unescape(page->next_page_token(), &raw);
    EXPECT_EQ(raw.find("salaries"), std::string::npos);
    EXPECT_EQ(page->next_page_token().find("salaries"), std::string::npos);
    list.set_page_token(page->next_page_token());
  } while (!list.page_token().empty());
  EXPECT_EQ(seen.count("salaries"), 0u);
  EXPECT_EQ(seen.count("z"), 1u);

  // Deleted, its history is as guarded as it was.
  v1::DeleteDatasetRequest del;
  del.mutable_key()->set_namespace_("pg");
  del.mutable_key()->set_name("salaries");
  ASSERT_TRUE(admin_->Call(&v1::CatalogService::Stub::DeleteDataset, admin_->catalog(), del).ok());
  v1::GetDatasetHistoryRequest history;
  history.mutable_key()->set_namespace_("pg");
  history.mutable_key()->set_name("salaries");
  auto bobs = bob_->Call(&v1::CatalogService::Stub::GetDatasetHistory, bob_->catalog(), history);
  EXPECT_EQ(bobs.status().code(), absl::StatusCode::kNotFound);
  auto admins = admin_->Call(&v1::CatalogService::Stub::GetDatasetHistory, admin_->catalog(),
                             history);
  ASSERT_TRUE(admins.ok()) << admins.status();
  EXPECT_GE(admins->entries_size(), 1);
  history.mutable_key()->set_name("z");
  EXPECT_TRUE(
      bob_->Call(&v1::CatalogService::Stub::GetDatasetHistory, bob_->catalog(), history).ok());
}

// Issue 12 #6: a pipeline with lineage:write could, through events about a
// dataset it does not own, make anyone an owner, strip a column's tags
// (and with them its mask), mark it dropped by a RENAME, and take its
// alias. Such facts are observations now: only the schema is taken, and it
// never removes a field with curated tags.
TEST_F(LineageServiceTest, EventsDoNotChangeWhatSomeoneElseCurates) {
  // An alias the admin's own pipeline reported, then curated metadata.
  json alias = {{"symlinks",
                 {{"identifiers", {{{"namespace", "hive://meta"}, {"name", "db.orders"}}}}}}};
  ASSERT_TRUE(Ingest(*admin_, {Event("COMPLETE", kRun1, 1, {}, {"orders"}, "load", alias)}).ok());
  v1::Field id, email;
  id.set_name("id");
  id.set_type("bigint");
  email.set_name("email");
  email.set_type("varchar");
  email.add_tags("pii");
  CurateOrders({id, email});

  auto schema = [](std::vector<std::string> names) {
    json fields = json::array();
    for (const std::string& n : names) fields.push_back({{"name", n}, {"type", "varchar"}});
    return json{{"schema", {{"fields", fields}}}};
  };
  json hostile = schema({"id"});
  hostile["ownership"] = {{"owners", {{{"name", "user:mallory"}, {"type", "MAINTAINER"}}}}};
  hostile["documentation"] = {{"description", "pwned"}};
  hostile["tags"] = {{"tags", {{{"key", "public"}}}}};
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun2, 2, {}, {"orders"}, "evil", hostile)}).ok());
  json again = schema({"id", "email", "added"});
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun2, 3, {}, {"orders"}, "evil", again)}).ok());
  json rename = {{"lifecycleStateChange",
                  {{"lifecycleStateChange", "RENAME"},
                   {"previousIdentifier", {{"namespace", "pg"}, {"name", "orders"}}}}},
                 {"symlinks",
                  {{"identifiers", {{{"namespace", "hive://meta"}, {"name", "db.orders"}}}}}}};
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun2, 4, {}, {"decoy"}, "evil", rename)}).ok());

  v1::GetDatasetRequest get;
  get.mutable_key()->set_namespace_("pg");
  get.mutable_key()->set_name("orders");
  auto got = admin_->Call(&v1::CatalogService::Stub::GetDataset, admin_->catalog(), get);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->spec().description(), "curated");
  ASSERT_EQ(got->spec().owners_size(), 1);
  EXPECT_EQ(got->spec().owners(0).principal(), "user:bob");
  EXPECT_EQ(got->spec().tags_size(), 0);
  EXPECT_NE(got->spec().lifecycle(), v1::LIFECYCLE_DROPPED);
  std::map<std::string, v1::Field> fields;
  for (const v1::Field& f : got->spec().schema().fields()) fields[f.name()] = f;
  ASSERT_EQ(fields.count("email"), 1u);
  ASSERT_EQ(fields["email"].tags_size(), 1);
  EXPECT_EQ(fields["email"].tags(0), "pii");
  EXPECT_EQ(fields.count("added"), 1u);  // the schema itself is observed
  // The alias still names orders.
  get.mutable_key()->set_namespace_("hive://meta");
  get.mutable_key()->set_name("db.orders");
  auto by_alias = admin_->Call(&v1::CatalogService::Stub::GetDataset, admin_->catalog(), get);
  ASSERT_TRUE(by_alias.ok());
  EXPECT_EQ(by_alias->key().name(), "orders");
  // Whoever may write the dataset changes it from events as before.
  json curated = {{"documentation", {{"description", "from the owner's pipeline"}}}};
  ASSERT_TRUE(Ingest(*admin_, {Event("COMPLETE", kRun1, 5, {}, {"orders"}, "load", curated)}).ok());
  get.mutable_key()->set_namespace_("pg");
  get.mutable_key()->set_name("orders");
  EXPECT_EQ(admin_->Call(&v1::CatalogService::Stub::GetDataset, admin_->catalog(), get)
                ->spec()
                .description(),
            "from the owner's pipeline");
}

// Issue 12 #6: what an event could not change is kept, per dataset, field
// and reporter, shown with the dataset, and its curators accept or dismiss
// it.
TEST_F(LineageServiceTest, ObservationsAreKeptForTheCuratorsToAcceptOrDismiss) {
  using CStub = v1::CatalogService::Stub;
  CurateOrders({});

  json said = {{"documentation", {{"description", "orders, loaded nightly"}}},
               {"ownership", {{"owners", {{{"name", "team:etl"}}}}}},
               {"tags", {{"tags", {{{"key", "gold"}}}}}}};
  std::string event = Event("COMPLETE", kRun1, 1, {}, {"orders"}, "load", said);
  ASSERT_TRUE(Ingest(*pipeline_, {event}).ok());
  // A later event that says nothing of them leaves them be.
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun2, 2, {}, {"orders"}, "load")}).ok());

  v1::GetDatasetRequest get;
  get.mutable_key()->set_namespace_("pg");
  get.mutable_key()->set_name("orders");
  auto observed = [&] {
    std::map<std::string, std::string> out;
    auto got = bob_->Call(&CStub::GetDataset, bob_->catalog(), get);
    EXPECT_TRUE(got.ok()) << got.status();
    for (const v1::Observation& o : got->observations()) {
      EXPECT_EQ(o.reporter(), "serviceaccount:airflow");
      EXPECT_EQ(o.job(), "etl/load");
      EXPECT_FALSE(o.observed_at().empty());
      out[o.field()] = o.value_json();
    }
    return out;
  };
  EXPECT_EQ(observed(),
            (std::map<std::string, std::string>{
                {"description", R"("orders, loaded nightly")"},
                {"owners",
                 R"([{"principal":"user:bob","type":"technical"},)"
                 R"({"principal":"group:etl","type":"technical"}])"},
                {"tags", R"(["gold"])"}}));

  auto review = [&](CatalogClient& c, const std::string& field, bool accept,
                    const std::string& reporter = "serviceaccount:airflow") {
    v1::ReviewObservationRequest req;
    *req.mutable_key() = get.key();
    req.set_field(field);
    req.set_reporter(reporter);
    req.set_accept(accept);
    return c.Call(&CStub::ReviewObservation, c.catalog(), req);
  };
  // Only those who may change the dataset review; bob owns it.
  EXPECT_EQ(review(*pipeline_, "description", true).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto accepted = review(*bob_, "description", true);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  auto dismissed = review(*bob_, "owners", false);
  ASSERT_TRUE(dismissed.ok()) << dismissed.status();
  EXPECT_EQ(review(*bob_, "owners", false).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(review(*bob_, "tags", true, "serviceaccount:nobody").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(review(*bob_, "schema", true).status().code(), absl::StatusCode::kInvalidArgument);

  auto got = bob_->Call(&CStub::GetDataset, bob_->catalog(), get);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->spec().description(), "orders, loaded nightly");
  EXPECT_EQ(got->status().updated_by(), "user:bob");
  ASSERT_EQ(got->spec().owners_size(), 1);
  EXPECT_EQ(got->spec().owners(0).principal(), "user:bob");
  EXPECT_EQ(observed(), (std::map<std::string, std::string>{{"tags", R"(["gold"])"}}));
  // The same event delivered again brings back neither.
  ASSERT_TRUE(Ingest(*pipeline_, {event}).ok());
  EXPECT_EQ(observed(), (std::map<std::string, std::string>{{"tags", R"(["gold"])"}}));
  // A newer report of what was dismissed is news.
  ASSERT_TRUE(
      Ingest(*pipeline_, {Event("COMPLETE", kRun2, 3, {}, {"orders"}, "load", said)}).ok());
  EXPECT_EQ(observed().count("owners"), 1u);

  // What the caller may not read stays unsaid: a job hidden from bob is not
  // named, and a dataset hidden from him (though his) is answered as absent.
  HideSecretDatasetsFromBob(R"(
      forbid (principal == User::"bob", action == Action::"catalog:read", resource is Job);)");
  auto got_hidden_job = bob_->Call(&CStub::GetDataset, bob_->catalog(), get);
  ASSERT_TRUE(got_hidden_job.ok()) << got_hidden_job.status();
  ASSERT_GT(got_hidden_job->observations_size(), 0);
  for (const v1::Observation& o : got_hidden_job->observations()) EXPECT_EQ(o.job(), "");
  v1::ApplyRequest hidden;
  v1::Dataset* h = hidden.add_resources()->mutable_dataset();
  h->mutable_key()->set_namespace_("pg");
  h->mutable_key()->set_name("hidden");
  h->mutable_spec()->add_tags("secret");
  v1::Owner* owner = h->mutable_spec()->add_owners();
  owner->set_principal("user:bob");
  owner->set_type(v1::OWNERSHIP_TYPE_TECHNICAL);
  ASSERT_TRUE(admin_->Call(&CStub::Apply, admin_->catalog(), hidden).ok());
  for (const char* name : {"hidden", "absent"}) {
    get.mutable_key()->set_name(name);
    auto r = review(*bob_, "tags", true);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << name;
    EXPECT_EQ(std::string(r.status().message()), "dataset \"pg/" + std::string(name) + "\" not found");
  }
}

TEST_F(LineageServiceTest, ImpactListsOwnersClassificationAndPaths) {
  json cll = {{"columnLineage",
               {{"fields",
                 {{"email_hash", {{"inputFields", {{{"namespace", "pg"}, {"name", "users"}, {"field", "email"}}}}}},
                  {"n", {{"inputFields", {{{"namespace", "pg"}, {"name", "users"}, {"field", "id"}}}}}}}}}}};
  json cll2 = {{"columnLineage",
                {{"fields",
                  {{"h", {{"inputFields", {{{"namespace", "pg"}, {"name", "features"}, {"field", "email_hash"}}}}}}}}}}};
  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun1, 1, {"users"}, {"features"}, "build", cll),
                                  Event("COMPLETE", kRun2, 2, {"features"}, {"model"}, "train", cll2)})
                  .ok());
  // An owner and a classification, applied by hand.
  v1::ApplyRequest apply;
  v1::Dataset* d = apply.add_resources()->mutable_dataset();
  d->mutable_key()->set_namespace_("pg");
  d->mutable_key()->set_name("model");
  d->mutable_spec()->set_classification(v1::CLASSIFICATION_CONFIDENTIAL);
  v1::Owner* o = d->mutable_spec()->add_owners();
  o->set_principal("user:bob");
  o->set_type(v1::OWNERSHIP_TYPE_BUSINESS);
  ASSERT_TRUE(admin_->Call(&v1::CatalogService::Stub::Apply, admin_->catalog(), apply).ok());

  v1::ImpactRequest req;
  req.set_node("pg/users");
  auto im = bob_->Call(&LStub::Impact, bob_->lineage(), req);
  ASSERT_TRUE(im.ok()) << im.status();
  ASSERT_EQ(im->datasets_size(), 2);
  ASSERT_EQ(im->jobs_size(), 2);
  const v1::ImpactedNode& model = im->datasets(1);
  EXPECT_EQ(model.node().id(), "pg/model");
  EXPECT_EQ(model.node().depth(), 2);
  EXPECT_EQ(model.classification(), "confidential");
  ASSERT_EQ(model.owners_size(), 1);
  EXPECT_EQ(model.owners(0).principal(), "user:bob");
  EXPECT_THAT(model.path(), ::testing::ElementsAre("pg/users", "job:etl/build", "pg/features",
                                                   "job:etl/train", "pg/model"));
  // Only the email column: it reaches features.email_hash and model.h.
  req.add_columns("id");
  auto by_id = bob_->Call(&LStub::Impact, bob_->lineage(), req);
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  ASSERT_EQ(by_id->datasets_size(), 1);
  EXPECT_THAT(by_id->datasets(0).columns(), ::testing::ElementsAre("n"));
  req.clear_columns();
  req.set_node("pg/users#email");
  auto by_email = bob_->Call(&LStub::Impact, bob_->lineage(), req);
  ASSERT_TRUE(by_email.ok());
  ASSERT_EQ(by_email->datasets_size(), 2);
  EXPECT_THAT(by_email->datasets(1).columns(), ::testing::ElementsAre("h"));
  EXPECT_THAT(by_email->datasets(1).path(),
              ::testing::ElementsAre("pg/users#email", "pg/features#email_hash", "pg/model#h"));
}

TEST_F(LineageServiceTest, BadQueriesNameTheField) {
  struct Case {
    std::string node;
    int depth;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{{"nope", 1, "node: \"nope\" must be written"},
                                         {"pg/a", -1, "depth: must not be negative"},
                                         {"pg/a", 1000, "depth: at most 100"},
                                         {"pg/missing", 1, "dataset \"pg/missing\" not found"}}) {
    v1::GetLineageRequest req;
    req.set_node(c.node);
    req.set_depth(c.depth);
    absl::StatusOr<v1::LineageGraph> g;
    testing::WaitFor([&] {
      g = bob_->Call(&LStub::GetLineage, bob_->lineage(), req);
      return g.status().code() != absl::StatusCode::kUnavailable;
    });
    ASSERT_FALSE(g.ok()) << c.node;
    EXPECT_THAT(std::string(g.status().message()), HasSubstr(c.error));
  }
  v1::GetColumnLineageRequest col;
  col.set_node("pg/a");
  EXPECT_THAT(std::string(bob_->Call(&LStub::GetColumnLineage, bob_->lineage(), col)
                              .status()
                              .message()),
              HasSubstr("is not a column"));
}

namespace ownership {

v1::ApplyRequest JobManifest(const std::string& name, const std::string& owner,
                             int64_t expected_revision = 0) {
  v1::ApplyRequest req;
  v1::Resource* r = req.add_resources();
  r->set_expected_revision(expected_revision);
  v1::JobOwnership* job = r->mutable_job();
  job->set_namespace_("etl");
  job->set_name(name);
  job->add_owners()->set_principal(owner);
  return req;
}

}  // namespace ownership

// Issue 12 #6: a job belongs to the principal that first reported it. Another
// pipeline can neither report its runs (a COMPLETE of its own would retire the
// owner's edges) nor take the job by manifest; an admin reassigns it, or
// assigns it before its first run.
TEST_F(LineageServiceTest, OnlyAJobsOwnersReportItsRuns) {
  using ownership::JobManifest;
  using CStub = v1::CatalogService::Stub;
  v1::ApplyRequest seed;
  v1::Principal* p = seed.add_resources()->mutable_principal();
  p->set_kind(v1::PRINCIPAL_KIND_SERVICE_ACCOUNT);
  p->set_name("dagster");
  ASSERT_TRUE(admin_->Call(&CStub::Apply, admin_->catalog(), seed).ok());
  std::string other_token = Issue("serviceaccount:dagster");
  std::unique_ptr<CatalogClient> other = Connect(other_token);

  ASSERT_TRUE(Ingest(*pipeline_, {Event("COMPLETE", kRun1, 1, {"a"}, {"b"}, "j")}).ok());
  absl::StatusOr<v1::IngestResponse> taken =
      Ingest(*other, {Event("COMPLETE", kRun2, 2, {"a"}, {"evil"}, "j")});
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(taken.status().message()),
              HasSubstr("serviceaccount:dagster may not lineage:write Job::\"etl/j\" (owned by "
                        "serviceaccount:airflow)"));
  // Over HTTP, the same answer.
  httplib::Client http("127.0.0.1", server_->http_port());
  auto res = http.Post("/api/v1/lineage", {{"Authorization", "Bearer " + other_token}},
                       Event("COMPLETE", kRun2, 2, {"a"}, {"evil"}, "j"), "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403) << res->body;
  // Nothing of it was written: the owner's edges stand, no dataset appeared.
  auto g = Lineage(*bob_, "pg/a", v1::LINEAGE_DIRECTION_DOWNSTREAM, 3);
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(Ids(*g), (std::set<std::string>{"pg/a", "job:etl/j", "pg/b"}));
  v1::GetDatasetRequest evil;
  evil.mutable_key()->set_namespace_("pg");
  evil.mutable_key()->set_name("evil");
  EXPECT_EQ(admin_->Call(&CStub::GetDataset, admin_->catalog(), evil).status().code(),
            absl::StatusCode::kNotFound);

  // Its own new job is its own; ListJobs says whose each is.
  ASSERT_TRUE(Ingest(*other, {Event("COMPLETE", kRun2, 2, {"a"}, {"c"}, "k")}).ok());
  auto jobs = bob_->Call(&LStub::ListJobs, bob_->lineage(), v1::ListJobsRequest());
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  std::map<std::string, std::string> owner_of;
  for (const v1::Job& j : jobs->jobs()) {
    ASSERT_EQ(j.owners_size(), 1) << j.name();
    owner_of[j.name()] = j.owners(0).principal();
  }
  EXPECT_EQ(owner_of, (std::map<std::string, std::string>{{"j", "serviceaccount:airflow"},
                                                          {"k", "serviceaccount:dagster"}}));

  // Neither pipeline may reassign a job (the default policies leave that to
  // admins), not even its owner.
  EXPECT_EQ(other->Call(&CStub::Apply, other->catalog(), JobManifest("j", "serviceaccount:dagster"))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(pipeline_->Call(&CStub::Apply, pipeline_->catalog(),
                            JobManifest("j", "serviceaccount:dagster"))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  // A stale revision is refused; the admin's reassignment takes.
  EXPECT_EQ(admin_->Call(&CStub::Apply, admin_->catalog(),
                         JobManifest("j", "serviceaccount:dagster", 7))
                .status()
                .code(),
            absl::StatusCode::kAborted);
  auto moved = admin_->Call(&CStub::Apply, admin_->catalog(),
                            JobManifest("j", "serviceaccount:dagster", 1));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->results(0).outcome(), v1::APPLY_OUTCOME_CHANGED);
  EXPECT_EQ(moved->results(0).revision(), 2);
  EXPECT_TRUE(Ingest(*other, {Event("COMPLETE", kRun2, 3, {"a"}, {"b"}, "j")}).ok());
  EXPECT_EQ(Ingest(*pipeline_, {Event("COMPLETE", kRun1, 4, {"a"}, {"b"}, "j")}).status().code(),
            absl::StatusCode::kPermissionDenied);

  // A job assigned before its first run is not the first reporter's.
  auto assigned = admin_->Call(&CStub::Apply, admin_->catalog(),
                               JobManifest("fresh", "serviceaccount:airflow"));
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  EXPECT_EQ(assigned->results(0).outcome(), v1::APPLY_OUTCOME_CREATED);
  EXPECT_EQ(Ingest(*other, {Event("START", kRun2, 5, {"a"}, {"z"}, "fresh")}).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(Ingest(*pipeline_, {Event("START", kRun1, 5, {"a"}, {"z"}, "fresh")}).ok());

  // Every refusal is in the audit log, as a denied decision.
  v1::ListAuditEventsRequest audit;
  audit.set_principal("serviceaccount:dagster");
  audit.set_decision("deny");
  auto events = admin_->Call(&v1::AuditService::Stub::ListAuditEvents, admin_->audit(), audit);
  ASSERT_TRUE(events.ok()) << events.status();
  int denied = 0;
  for (const v1::AuditEventProto& e : events->events()) {
    denied += e.action() == "lineage:write" && e.target_kind() == "Job" && e.target() == "etl/j";
  }
  EXPECT_GE(denied, 2);
}

}  // namespace
}  // namespace catalog
