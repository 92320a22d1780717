#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>
#include <nlohmann/json.hpp>

#include "lib/lineage/event.h"
#include "server/store/store.h"
#include "tests/lineage_events.h"
#include "tests/test_env.h"
#include "tests/store_engines.h"

namespace catalog::store {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

using Io = testing::EventIo;

// A RunEvent of job airflow/`job` over datasets in namespace pg.
std::string RunEvent(const std::string& state, const std::string& run,
                     int minute, const std::vector<Io>& inputs,
                     const std::vector<Io>& outputs,
                     const std::string& job = "etl.orders") {
  return testing::RunEventJson(state, run, minute, inputs, outputs, job);
}

const std::string kRun1 = "11111111-1111-1111-1111-111111111111";
const std::string kRun2 = "22222222-2222-2222-2222-222222222222";

class StoreLineageTest : public ::testing::TestWithParam<testing::Engine> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    auto s = Store::Open(db_->Options());
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = *std::move(s);
    store_->AddCommitHook([this](const Change& c) { changes_.push_back(c); });
  }
  void TearDown() override {
    store_.reset();
    db_.reset();
  }

  absl::StatusOr<IngestResult> Ingest(const std::vector<std::string>& texts) {
    std::vector<lineage::Event> events;
    for (const std::string& t : texts) {
      absl::StatusOr<lineage::Event> e = lineage::ParseEvent(t);
      if (!e.ok()) return e.status();
      events.push_back(*std::move(e));
    }
    absl::StatusOr<IngestResult> r = store_->IngestEvents(events, "serviceaccount:airflow");
    // Shown when a test that expects success fails on it.
    if (!r.ok()) std::cerr << "ingest: " << r.status() << "\n";
    return r;
  }

  // "job->dataset(out)" or "dataset->job(in)", with a * for inactive edges.
  std::map<std::string, std::string> Edges() {
    std::map<std::string, std::string> out;
    absl::StatusOr<int64_t> r = store_->LoadLineage([&](const LineageEdge& e) {
      std::string key = e.output ? e.job.ToString() + " -> " + e.dataset.ToString()
                                 : e.dataset.ToString() + " -> " + e.job.ToString();
      out[key] = (e.active ? "" : "* ") + e.run_id;
    });
    EXPECT_TRUE(r.ok()) << r.status();
    return out;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> store_;
  std::vector<Change> changes_;
};

TEST_P(StoreLineageTest, AnEventRegistersDatasetsJobRunAndEdges) {
  json schema = {{"schema", {{"fields", {{{"name", "id"}, {"type", "INT"}}}}}},
                 {"documentation", {{"description", "daily orders"}}},
                 {"ownership", {{"owners", {{{"name", "team:sales"}}}}}}};
  ASSERT_TRUE(Ingest({RunEvent("START", kRun1, 1, {{"raw"}}, {{"clean", schema}})}).ok());
  absl::StatusOr<Dataset> clean = store_->GetDataset({"pg", "clean"});
  ASSERT_TRUE(clean.ok()) << clean.status();
  EXPECT_EQ(clean->spec.description, "daily orders");
  ASSERT_EQ(clean->spec.fields.size(), 1u);
  EXPECT_EQ(clean->spec.fields[0].type, "INT");
  EXPECT_EQ(clean->spec.owners.at(0).principal, "group:sales");
  EXPECT_EQ(clean->status.updated_by, "serviceaccount:airflow");
  EXPECT_TRUE(store_->GetDataset({"pg", "raw"}).ok());

  EXPECT_EQ(Edges(), (std::map<std::string, std::string>{
                         {"pg/raw -> airflow/etl.orders", kRun1},
                         {"airflow/etl.orders -> pg/clean", kRun1}}));
  ASSERT_FALSE(changes_.empty());
  EXPECT_EQ(changes_.back().lineage_edges.size(), 2u);
  // The job, its reporter its owner, and the two new datasets.
  ASSERT_EQ(changes_.back().upserted.size(), 3u);
  EXPECT_EQ(changes_.back().upserted[0].kind, Resource::Kind::kJob);
  EXPECT_EQ(changes_.back().upserted[0].job.spec.owners,
            std::vector<Owner>{{.principal = "serviceaccount:airflow"}});

  absl::StatusOr<JobRecord> job = store_->GetJob({"airflow", "etl.orders"});
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->latest_run_id, kRun1);
  EXPECT_EQ(job->latest_state, "START");
  EXPECT_EQ(job->owners, std::vector<Owner>{{.principal = "serviceaccount:airflow"}});
  EXPECT_EQ(job->revision, 1);
  EXPECT_EQ(store_->GetJob({"airflow", "nope"}).status().code(),
            absl::StatusCode::kNotFound);

  // Audit: one event per ingested event, one per dataset created.
  absl::StatusOr<std::vector<AuditEvent>> audit = store_->ListAudit(0, 100);
  ASSERT_TRUE(audit.ok());
  int ingests = 0, creates = 0;
  for (const AuditEvent& a : *audit) {
    ingests += a.action == "lineage.ingest";
    creates += a.action == "dataset.create";
  }
  EXPECT_EQ(ingests, 1);
  EXPECT_EQ(creates, 2);
}

// Issue 12 #6: the writer asks the gate about each job with its owners as
// stored; a refused report writes nothing; a job left with no owners is
// claimed by its next reporter.
TEST_P(StoreLineageTest, TheGateSeesAJobsStoredOwners) {
  ASSERT_TRUE(Ingest({RunEvent("COMPLETE", kRun1, 1, {{"a"}}, {{"b"}})}).ok());
  auto edges = Edges();
  absl::StatusOr<lineage::Event> late =
      lineage::ParseEvent(RunEvent("COMPLETE", kRun2, 2, {{"a"}}, {{"c"}}));
  ASSERT_TRUE(late.ok());
  std::vector<std::vector<Owner>> seen;
  IngestGate refuse{.may_report = [&](const Job& job) {
    seen.push_back(job.spec.owners);
    return absl::PermissionDeniedError("not yours");
  }};
  absl::StatusOr<IngestResult> r = store_->IngestEvents({*late}, "serviceaccount:b", refuse);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(r.status().message()), ::testing::HasSubstr("events[0]: not yours"));
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], std::vector<Owner>{{.principal = "serviceaccount:airflow"}});
  EXPECT_EQ(Edges(), edges);
  EXPECT_EQ(store_->GetDataset({"pg", "c"}).status().code(), absl::StatusCode::kNotFound);

  Resource unowned{.kind = Resource::Kind::kJob, .job = {.key = {"airflow", "etl.orders"}}};
  absl::StatusOr<ApplyResponse> applied = store_->Apply({unowned}, "user:admin", false);
  ASSERT_TRUE(applied.ok()) << applied.status();
  EXPECT_EQ(applied->results[0].revision, 2);
  IngestGate record{.may_report = [&](const Job& job) {
    seen.push_back(job.spec.owners);
    return absl::OkStatus();
  }};
  ASSERT_TRUE(store_->IngestEvents({*late}, "serviceaccount:b", record).ok());
  EXPECT_EQ(seen.back(), std::vector<Owner>{{.principal = "serviceaccount:b"}});
  absl::StatusOr<JobRecord> job = store_->GetJob({"airflow", "etl.orders"});
  ASSERT_TRUE(job.ok());
  EXPECT_EQ(job->owners, std::vector<Owner>{{.principal = "serviceaccount:b"}});
  EXPECT_EQ(job->revision, 3);
}

TEST_P(StoreLineageTest, TheSameEventTwiceYieldsTheSameGraph) {
  json cll = {{"columnLineage",
               {{"fields",
                 {{"id", {{"inputFields", {{{"namespace", "pg"}, {"name", "raw"}, {"field", "rid"}}}}}}}}}}};
  std::vector<std::string> events = {
      RunEvent("START", kRun1, 1, {{"raw"}}, {{"clean", cll}}),
      RunEvent("COMPLETE", kRun1, 2, {{"raw"}}, {{"clean", cll}})};
  ASSERT_TRUE(Ingest(events).ok());
  auto edges = Edges();
  absl::StatusOr<Dataset> before = store_->GetDataset({"pg", "clean"});
  auto columns = store_->ColumnEdges({"pg", "clean"}, "", true, true);
  ASSERT_TRUE(Ingest(events).ok());
  EXPECT_EQ(Edges(), edges);
  absl::StatusOr<Dataset> after = store_->GetDataset({"pg", "clean"});
  EXPECT_EQ(after->status.revision, before->status.revision);
  auto columns_after = store_->ColumnEdges({"pg", "clean"}, "", true, true);
  ASSERT_EQ(columns_after->size(), 1u);
  EXPECT_EQ(columns_after->at(0).first_seen_ms, columns->at(0).first_seen_ms);
  EXPECT_EQ(columns_after->at(0).last_seen_ms, columns->at(0).last_seen_ms);
  absl::StatusOr<Page<RunRecord>> runs = store_->ListRuns({"airflow", "etl.orders"}, {});
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->items.size(), 1u);
  EXPECT_EQ(runs->items[0].transitions.size(), 2u);
}

TEST_P(StoreLineageTest, EdgesTheLatestCompleteRunNoLongerReportsGoInactive) {
  ASSERT_TRUE(Ingest({RunEvent("START", kRun1, 1, {{"a"}, {"b"}}, {{"c"}}),
                      RunEvent("COMPLETE", kRun1, 2, {{"a"}, {"b"}}, {{"c"}})})
                  .ok());
  // The second run reads only a.
  ASSERT_TRUE(Ingest({RunEvent("START", kRun2, 10, {{"a"}}, {{"c"}}),
                      RunEvent("COMPLETE", kRun2, 11, {{"a"}}, {{"c"}})})
                  .ok());
  EXPECT_EQ(Edges(), (std::map<std::string, std::string>{
                         {"pg/a -> airflow/etl.orders", kRun2},
                         {"pg/b -> airflow/etl.orders", "* " + kRun1},
                         {"airflow/etl.orders -> pg/c", kRun2}}));
  bool told = false;
  for (const LineageEdge& e : changes_.back().lineage_edges) {
    if (e.dataset.name == "b" && !e.active) told = true;
  }
  EXPECT_TRUE(told) << "the change must carry the edge that went inactive";
  // A late event of the older run does not bring b back.
  ASSERT_TRUE(Ingest({RunEvent("RUNNING", kRun1, 3, {{"a"}, {"b"}}, {{"c"}})}).ok());
  EXPECT_EQ(Edges().at("pg/b -> airflow/etl.orders"), "* " + kRun1);
  // A late COMPLETE of the older run changes nothing either.
  ASSERT_TRUE(Ingest({RunEvent("COMPLETE", kRun1, 4, {{"a"}, {"b"}}, {{"c"}})}).ok());
  EXPECT_EQ(Edges().at("pg/a -> airflow/etl.orders"), kRun2);
  EXPECT_EQ(Edges().at("pg/b -> airflow/etl.orders")[0], '*');
}

TEST_P(StoreLineageTest, RunStateTerminalWinsWhateverTheOrder) {
  ASSERT_TRUE(Ingest({RunEvent("COMPLETE", kRun1, 5, {}, {}),
                      RunEvent("START", kRun1, 1, {}, {}),
                      RunEvent("RUNNING", kRun1, 3, {}, {})})
                  .ok());
  absl::StatusOr<Page<RunRecord>> runs = store_->ListRuns({"airflow", "etl.orders"}, {});
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->items.size(), 1u);
  const RunRecord& r = runs->items[0];
  EXPECT_EQ(r.state, "COMPLETE");
  EXPECT_EQ(r.ended_ms - r.started_ms, 4 * 60 * 1000);
  ASSERT_EQ(r.transitions.size(), 3u);
  EXPECT_EQ(r.transitions[0].first, "START");
  EXPECT_EQ(r.transitions[2].first, "COMPLETE");
}

TEST_P(StoreLineageTest, SymlinksAreAliasesOfOneDataset) {
  json links = {{"symlinks",
                 {{"identifiers",
                   {{{"namespace", "hive://meta"}, {"name", "db.t"}, {"type", "TABLE"}}}}}}};
  ASSERT_TRUE(Ingest({RunEvent("COMPLETE", kRun1, 1, {}, {{"/warehouse/t", links}})}).ok());
  absl::StatusOr<DatasetKey> k = store_->ResolveDataset({"hive://meta", "db.t"});
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->ToString(), "pg//warehouse/t");
  // Another job names the dataset by its alias: the same dataset.
  json e = json::parse(RunEvent("COMPLETE", kRun2, 2, {}, {}, "reader"));
  e["inputs"].push_back({{"namespace", "hive://meta"}, {"name", "db.t"}});
  ASSERT_TRUE(Ingest({e.dump()}).ok());
  EXPECT_EQ(Edges().count("pg//warehouse/t -> airflow/reader"), 1u);
  EXPECT_EQ(store_->GetDataset({"hive://meta", "db.t"}).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(*store_->DatasetAliases({"pg", "/warehouse/t"}),
            std::vector<std::string>{"hive://meta/db.t"});
}

TEST_P(StoreLineageTest, LifecycleChangesAreHistory) {
  json drop = {{"lifecycleStateChange", {{"lifecycleStateChange", "DROP"}}}};
  ASSERT_TRUE(Ingest({RunEvent("COMPLETE", kRun1, 1, {}, {{"t"}})}).ok());
  ASSERT_TRUE(Ingest({RunEvent("COMPLETE", kRun2, 2, {}, {{"t", drop}}, "dropper")}).ok());
  absl::StatusOr<Dataset> t = store_->GetDataset({"pg", "t"});
  EXPECT_EQ(t->spec.lifecycle, Lifecycle::kDropped);
  absl::StatusOr<std::vector<HistoryEntry>> h = store_->DatasetHistory({"pg", "t"});
  ASSERT_EQ(h->size(), 2u);
  EXPECT_THAT(h->back().changes, ::testing::Contains("spec.lifecycle"));
}

TEST_P(StoreLineageTest, AnOlderEventDoesNotUndoANewerSchema) {
  json v2 = {{"schema", {{"fields", {{{"name", "id"}, {"type", "BIGINT"}}}}}}};
  json v1 = {{"schema", {{"fields", {{{"name", "id"}, {"type", "INT"}}}}}}};
  ASSERT_TRUE(Ingest({RunEvent("COMPLETE", kRun2, 20, {}, {{"t", v2}})}).ok());
  ASSERT_TRUE(Ingest({RunEvent("COMPLETE", kRun1, 10, {}, {{"t", v1}})}).ok());
  EXPECT_EQ(store_->GetDataset({"pg", "t"})->spec.fields.at(0).type, "BIGINT");
}

TEST_P(StoreLineageTest, ABadEventInABatchChangesNothing) {
  json tags = {{"tags", {{"tags", json::array()}}}};
  for (int i = 0; i < 1001; ++i) {
    tags["tags"]["tags"].push_back({{"key", "t" + std::to_string(i)}, {"value", "true"}});
  }
  int64_t revision = *store_->CatalogRevision();
  absl::StatusOr<IngestResult> r =
      Ingest({RunEvent("COMPLETE", kRun1, 1, {{"a"}}, {{"b"}}),
              RunEvent("COMPLETE", kRun2, 2, {}, {{"c", tags}})});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()),
              HasSubstr("events[1]: outputs[0] (pg/c): spec.tags: at most 1000"));
  EXPECT_EQ(*store_->CatalogRevision(), revision);
  EXPECT_TRUE(Edges().empty());
  EXPECT_EQ(store_->GetDataset({"pg", "a"}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->Search("pg", {})->items.empty());
}

// Concurrent ingests share transactions (group commit); a bad request
// fails alone.
TEST_P(StoreLineageTest, ConcurrentIngestsCommitTogetherAndFailAlone) {
  json tags = {{"tags", {{"tags", json::array()}}}};
  for (int i = 0; i < 1001; ++i) {
    tags["tags"]["tags"].push_back({{"key", "t" + std::to_string(i)}, {"value", "true"}});
  }
  constexpr int kThreads = 8, kEach = 20;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0}, refused{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        char run[40];
        std::snprintf(run, sizeof(run), "00000000-0000-4000-8000-%06d%06d", t, i);
        std::string job = "job" + std::to_string(t);
        std::string out = "t" + std::to_string(t) + "_" + std::to_string(i);
        bool bad = t == 3 && i % 5 == 0;
        auto r = Ingest({RunEvent("COMPLETE", run, 1 + i, {{"src"}}, {{out, bad ? tags : json::object()}}, job)});
        (r.ok() ? ok : refused)++;
        if (bad) {
          EXPECT_FALSE(r.ok());
        } else {
          EXPECT_TRUE(r.ok()) << r.status();
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(refused.load(), 4);
  EXPECT_EQ(ok.load(), kThreads * kEach - 4);
  // Every good event's output edge is there; no bad one's.
  auto edges = Edges();
  EXPECT_EQ(edges.count("airflow/job3 -> pg/t3_0"), 0u);
  EXPECT_EQ(edges.count("airflow/job3 -> pg/t3_1"), 1u);
  EXPECT_EQ(store_->GetDataset({"pg", "t3_5"}).status().code(), absl::StatusCode::kNotFound);
  // Search rows too: a refused request's roll back with it, the others'
  // commit with their group.
  EXPECT_EQ(store_->Search("t3_5", {})->items.size(), 0u);
  EXPECT_EQ(store_->Search("t3_6", {})->items.size(), 1u);
  EXPECT_EQ(store_->Search("t7_19", {})->items.size(), 1u);
  absl::StatusOr<std::vector<AuditEvent>> audit = store_->ListAudit(0, 100000);
  int ingests = 0;
  for (const AuditEvent& a : *audit) ingests += a.action == "lineage.ingest";
  EXPECT_EQ(ingests, kThreads * kEach - 4);
  // The commit hook saw every good edge.
  std::set<std::string> hooked;
  for (const Change& c : changes_) {
    for (const LineageEdge& e : c.lineage_edges) hooked.insert(e.dataset.name);
  }
  EXPECT_EQ(hooked.count("t3_0"), 0u);
  EXPECT_EQ(hooked.count("t7_19"), 1u);
}

TEST_P(StoreLineageTest, ColumnEdgesBothWays) {
  json cll = {{"columnLineage",
               {{"fields",
                 {{"total",
                   {{"inputFields",
                     {{{"namespace", "pg"}, {"name", "raw"}, {"field", "price"},
                       {"transformations", {{{"type", "DIRECT"}, {"subtype", "AGGREGATION"}, {"masking", false}}}}},
                      {{"namespace", "pg"}, {"name", "raw"}, {"field", "qty"}}}}}}}},
                {"dataset", {{{"namespace", "pg"}, {"name", "raw"}, {"field", "status"}}}}}}};
  ASSERT_TRUE(Ingest({RunEvent("COMPLETE", kRun1, 1, {{"raw"}}, {{"agg", cll}})}).ok());
  auto up = store_->ColumnEdges({"pg", "agg"}, "total", true, false);
  ASSERT_TRUE(up.ok()) << up.status();
  // price and qty, and status, which the whole output depends on.
  ASSERT_EQ(up->size(), 3u);
  EXPECT_EQ(up->at(0).out_field, "");
  EXPECT_EQ(up->at(0).in_field, "status");
  EXPECT_EQ(up->at(1).in_field, "price");
  EXPECT_THAT(up->at(1).transformations, HasSubstr("AGGREGATION"));
  EXPECT_EQ(up->at(1).job.ToString(), "airflow/etl.orders");
  auto all = store_->ColumnEdges({"pg", "agg"}, "", true, false);
  EXPECT_EQ(all->size(), 3u);  // with the whole-dataset dependency on status
  auto down = store_->ColumnEdges({"pg", "raw"}, "price", false, false);
  ASSERT_EQ(down->size(), 1u);
  EXPECT_EQ(down->at(0).out_field, "total");
}

TEST_P(StoreLineageTest, DeletingAJobRemovesItsEdges) {
  ASSERT_TRUE(Ingest({RunEvent("COMPLETE", kRun1, 1, {{"a"}}, {{"b"}})}).ok());
  absl::StatusOr<int64_t> r = store_->DeleteJob({"airflow", "etl.orders"}, "user:admin");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(Edges().empty());
  EXPECT_EQ(changes_.back().deleted_jobs.size(), 1u);
  EXPECT_EQ(store_->DeleteJob({"airflow", "etl.orders"}, "user:admin").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->GetDataset({"pg", "a"}).ok());  // datasets stay
}

TEST_P(StoreLineageTest, DeletingADatasetRemovesItsEdges) {
  ASSERT_TRUE(Ingest({RunEvent("COMPLETE", kRun1, 1, {{"a"}}, {{"b"}})}).ok());
  ASSERT_TRUE(store_->DeleteDataset({"pg", "a"}, 0, "user:admin").ok());
  EXPECT_EQ(Edges().size(), 1u);
}

}  // namespace
}  // namespace catalog::store

namespace catalog::store {
namespace {

// Every captured real event, mutated at random (a value deleted, or
// replaced by one of another type, an empty or a long string, a deep
// nesting): whatever parses must ingest or be refused as INVALID_ARGUMENT,
// never crash or fail otherwise; what is refused changes nothing.
TEST(LineageMutations, ParsedEventsIngestOrAreRefusedCleanly) {
  namespace fs = std::filesystem;
  fs::path real = testing::SourceDir().parent_path() / "shared" / "conformance" /
                  "openlineage" / "real-events";
  std::vector<json> events;
  for (const auto& e : fs::recursive_directory_iterator(real)) {
    if (e.path().extension() == ".json" && e.path().parent_path().filename() == "events") {
      std::ifstream in(e.path());
      events.push_back(json::parse(in));
    }
  }
  ASSERT_EQ(events.size(), 74u);
  fs::path dir = fs::temp_directory_path() / ("lineage_mutations_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto store = Store::Open({.path = (dir / "catalog.db").string()});
  ASSERT_TRUE(store.ok());
  std::mt19937 rng(20261125);
  std::vector<json> replacements = {nullptr, 7, -1.5, true, "", std::string(70000, 'x'),
                                    json::array(), json::object(), "a\x01b",
                                    json::parse(std::string(60, '[') + std::string(60, ']'))};
  int parsed = 0, ingested = 0;
  for (int round = 0; round < 1500; ++round) {
    json e = events[rng() % events.size()];
    // Walk to a random node, then delete or replace one of its members.
    json* node = &e;
    for (int steps = rng() % 6; steps > 0 && (node->is_object() || node->is_array()) && !node->empty(); --steps) {
      auto it = node->begin();
      std::advance(it, rng() % node->size());
      if (!it->is_object() && !it->is_array()) break;
      node = &*it;
    }
    if (!node->is_structured() || node->empty()) continue;
    auto it = node->begin();
    std::advance(it, rng() % node->size());
    if (node->is_object() && rng() % 3 == 0) {
      node->erase(it.key());
    } else {
      *it = replacements[rng() % replacements.size()];
    }
    absl::StatusOr<lineage::Event> parsed_event = lineage::ParseEvent(e.dump());
    if (!parsed_event.ok()) {
      EXPECT_EQ(parsed_event.status().code(), absl::StatusCode::kInvalidArgument);
      continue;
    }
    ++parsed;
    int64_t before = *(*store)->CatalogRevision();
    absl::StatusOr<IngestResult> r = (*store)->IngestEvents({*parsed_event}, "serviceaccount:fuzz");
    if (r.ok()) {
      ++ingested;
    } else {
      EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << r.status();
      EXPECT_EQ(*(*store)->CatalogRevision(), before);
    }
  }
  EXPECT_GT(parsed, 300);
  EXPECT_GT(ingested, 300);
  store->reset();
  fs::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Engines, StoreLineageTest, testing::kEngines, testing::EngineName);

}  // namespace
}  // namespace catalog::store
