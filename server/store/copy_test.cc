// `catalogd copy`: a catalog moved from SQLite to PostgreSQL and back reads
// the same on each side, audit chain included.
#include "server/store/copy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "lib/catalog/json_codec.h"
#include "lib/lineage/event.h"
#include "lib/util/strings.h"
#include "server/store/postgres.h"
#include "server/store/sqlite.h"
#include "server/store/store.h"
#include "tests/lineage_events.h"
#include "tests/postgres.h"
#include "tests/store_engines.h"

namespace catalog::store {
namespace {

using ::testing::HasSubstr;
using nlohmann::json;

constexpr char kContract[] =
    "apiVersion: v3.0.2\nkind: DataContract\nid: orders\nversion: 1.0.0\nstatus: active\n"
    "schema:\n  - name: orders\n    physicalName: orders\n    properties:\n"
    "      - name: id\n        logicalType: integer\n        required: true\n";

StoreLocation At(const testing::TestDatabase& db) {
  Store::Options o = db.Options();
  return {.sqlite_path = o.path, .postgres_url = o.postgres};
}

// A catalog with something in every table.
void Populate(Store& store) {
  Resource domain{.kind = Resource::Kind::kDomain};
  domain.domain.path = "sales";
  Resource group{.kind = Resource::Kind::kPrincipal};
  group.principal = {.kind = PrincipalKind::kGroup, .name = "analysts"};
  Resource alice{.kind = Resource::Kind::kPrincipal};
  alice.principal = {.kind = PrincipalKind::kUser, .name = "alice"};
  alice.principal.spec.groups = {"analysts"};
  Resource orders;
  orders.dataset.key = {"pg", "orders"};
  orders.dataset.spec = {.description = "orders placed in the shop", .domain = "sales",
                         .tags = {"pii"}, .owners = {{"user:alice", OwnershipType::kTechnical}},
                         .fields = {{.name = "id", .type = "bigint"}}};
  ASSERT_TRUE(store.Apply({domain, group, alice, orders}, "user:admin", false).ok());
  orders.dataset.spec.description = "every order";
  ASSERT_TRUE(store.Apply({orders}, "user:admin", false).ok());
  Resource gone;
  gone.dataset.key = {"pg", "gone"};
  ASSERT_TRUE(store.Apply({gone}, "user:admin", false).ok());
  ASSERT_TRUE(store.DeleteDataset({"pg", "gone"}, 0, "user:admin").ok());
  // Lineage with column edges, a symlink and an observation.
  json out_facets = {
      {"schema", {{"_producer", "x"}, {"_schemaURL", "x"}, {"fields", {{{"name", "id"}, {"type", "bigint"}}}}}},
      {"columnLineage",
       {{"_producer", "x"},
        {"_schemaURL", "x"},
        {"fields",
         {{"id", {{"inputFields", {{{"namespace", "pg"}, {"name", "raw"}, {"field", "id"}}}}}}}}}},
      {"symlinks",
       {{"_producer", "x"},
        {"_schemaURL", "x"},
        {"identifiers", {{{"namespace", "warehouse"}, {"name", "orders_v"}, {"type", "VIEW"}}}}}}};
  std::vector<lineage::Event> events;
  for (const std::string& text :
       {testing::RunEventJson("START", "11111111-1111-1111-1111-111111111111", 1, {{"raw"}},
                              {{"orders", out_facets}}, "etl.orders"),
        testing::RunEventJson("COMPLETE", "11111111-1111-1111-1111-111111111111", 2, {{"raw"}},
                              {{"orders", out_facets}}, "etl.orders")}) {
    auto e = lineage::ParseEvent(text);
    ASSERT_TRUE(e.ok()) << e.status();
    events.push_back(*std::move(e));
  }
  ASSERT_TRUE(store.IngestEvents(events, "serviceaccount:etl").ok());
  json described = {{"documentation", {{"_producer", "x"}, {"_schemaURL", "x"},
                                       {"description", "as the job sees it"}}}};
  auto observed = lineage::ParseEvent(testing::RunEventJson(
      "COMPLETE", "22222222-2222-2222-2222-222222222222", 3, {}, {{"orders", described}},
      "etl.other"));
  ASSERT_TRUE(observed.ok());
  ASSERT_TRUE(store
                  .IngestEvents({*observed}, "serviceaccount:other",
                                {.may_curate = [](const DatasetKey&) { return false; }})
                  .ok());
  // A contract, a policy version, tokens, decision events.
  StoredContract c{.id = "orders", .version = "1.0.0", .status = "active", .document = kContract,
                   .file = "orders.yaml"};
  ASSERT_TRUE(store
                  .PutContract(c, {{"orders", {"pg", "orders"}}},
                               [](const StoredContract*) { return absl::OkStatus(); },
                               "user:alice")
                  .ok());
  ASSERT_TRUE(store.PutPolicyVersion({{"a.cedar", "permit(principal, action, resource);"}},
                                     "open", 0, "user:admin")
                  .ok());
  ASSERT_TRUE(store
                  .CreateToken({.id = "t1", .secret_hash = std::string("\0\1\2\xff", 4),
                                .principal = "user:alice", .created_at = NowRfc3339(),
                                .created_by = "user:admin", .actions = {"read"}},
                               "user:admin")
                  .ok());
  ASSERT_TRUE(store.RevokeToken("t1", "user:admin").ok());
  ASSERT_TRUE(store
                  .AppendAuditEvents({{.time = NowRfc3339(), .actor = "user:bob", .action = "authorize",
                                       .target_kind = "Dataset", .target = "pg/orders",
                                       .decision = "deny"}})
                  .ok());
}

// Everything a catalog answers, as text, to compare two stores.
std::string Dump(Store& store) {
  std::ostringstream out;
  auto datasets = store.ListDatasets("", {.page_size = 1000});
  EXPECT_TRUE(datasets.ok());
  for (const Dataset& d : datasets->items) {
    out << "dataset " << ResourceToJson({.kind = Resource::Kind::kDataset, .dataset = d}, true)
        << (d.contract ? " contract " + d.contract->id : "") << "\n";
    std::vector<Observation> observations;
    auto got = store.GetDataset(d.key, &observations);
    EXPECT_TRUE(got.ok());
    for (const Observation& o : observations) {
      out << "observed " << o.field << " " << o.value << " by " << o.reporter << "\n";
    }
  }
  for (const char* name : {"orders", "gone"}) {
    auto history = store.DatasetHistory({"pg", name});
    EXPECT_TRUE(history.ok()) << history.status();
    for (const HistoryEntry& h : *history) {
      out << "history " << name << " " << h.revision << " " << h.action << " " << h.actor << " "
          << h.time << " " << json(h.changes) << " " << h.dataset.spec.description << "\n";
    }
  }
  for (const char* query : {"orders", "shop", "id", "pii"}) {
    auto hits = store.Search(query, {});
    EXPECT_TRUE(hits.ok());
    for (const SearchHit& h : hits->items) {
      out << "search " << query << " " << h.key.ToString() << " " << h.score << "\n";
    }
  }
  auto audit = store.ListAudit(0, 1000);
  EXPECT_TRUE(audit.ok());
  for (const AuditEvent& e : *audit) {
    out << "audit " << e.seq << " " << e.action << " " << e.target << " " << e.decision << " "
        << e.catalog_revision << " " << e.hash << "\n";
  }
  auto verified = store.VerifyAudit();
  EXPECT_TRUE(verified.ok());
  out << "verify " << verified->ok << " " << verified->events << " " << verified->head_hash << "\n";
  std::set<std::string> edges;
  EXPECT_TRUE(store
                  .LoadLineage([&](const LineageEdge& e) {
                    edges.insert(StrCat(e.job.ToString(), e.output ? " -> " : " <- ",
                                        e.dataset.ToString(), " ", e.active, " ", e.run_id));
                  })
                  .ok());
  for (const std::string& e : edges) out << "edge " << e << "\n";
  auto columns = store.ColumnEdges({"pg", "orders"}, "", true, true);
  EXPECT_TRUE(columns.ok());
  for (const ColumnEdge& c : *columns) {
    out << "column " << c.in_dataset.ToString() << "." << c.in_field << " -> " << c.out_field
        << "\n";
  }
  auto aliases = store.DatasetAliases({"pg", "orders"});
  EXPECT_TRUE(aliases.ok());
  for (const std::string& a : *aliases) out << "alias " << a << "\n";
  auto job = store.GetJob({"airflow", "etl.orders"});
  EXPECT_TRUE(job.ok());
  out << "job " << job->latest_run_id << " " << job->latest_state << "\n";
  auto runs = store.ListRuns({"airflow", "etl.orders"}, {});
  EXPECT_TRUE(runs.ok());
  for (const RunRecord& r : runs->items) out << "run " << r.run_id << " " << r.state << "\n";
  auto contract = store.GetContract("orders", "");
  EXPECT_TRUE(contract.ok());
  out << "contract " << contract->version << " " << contract->document.size() << "\n";
  auto policy = store.GetPolicyVersion(0);
  EXPECT_TRUE(policy.ok());
  out << "policy " << policy->version << " " << policy->files.size() << "\n";
  auto tokens = store.ListTokens();
  EXPECT_TRUE(tokens.ok());
  for (const TokenRecord& t : *tokens) {
    auto full = store.GetToken(t.id);
    out << "token " << t.id << " " << t.revoked << " " << json(t.actions) << " "
        << (full->secret_hash == std::string("\0\1\2\xff", 4)) << "\n";
  }
  auto principals = store.ListPrincipals(std::nullopt, {});
  for (const Principal& p : principals->items) out << "principal " << p.name << "\n";
  out << "revision " << *store.CatalogRevision() << "\n";
  return out.str();
}

TEST(CopyStore, EveryTableOfBothSchemasIsCopiedOrRebuilt) {
  std::set<std::string> copied(CopiedTables().begin(), CopiedTables().end());
  testing::TestDatabase lite(testing::Engine::kSqlite), pg(testing::Engine::kPostgres);
  ASSERT_TRUE(Store::Open(lite.Options()).ok());
  ASSERT_TRUE(Store::Open(pg.Options()).ok());
  auto db = SqliteConnection::Open(lite.Options().path, true, 1000);
  ASSERT_TRUE(db.ok());
  auto s = (*db)->Prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND "
      "name NOT LIKE 'dataset_search%' AND name NOT IN ('meta', 'schema_migrations')");
  ASSERT_TRUE(s.ok());
  std::set<std::string> sqlite_tables;
  while (*(*s)->Step()) sqlite_tables.insert((*s)->Text(0));
  EXPECT_EQ(sqlite_tables, copied);
  auto p = PgConnection::Open(pg.Options().postgres, {});
  ASSERT_TRUE(p.ok()) << p.status();
  auto q = (*p)->Prepare(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND "
      "table_name NOT IN ('meta', 'schema_migrations', 'dataset_search', 'changes')");
  ASSERT_TRUE(q.ok());
  std::set<std::string> pg_tables;
  while (*(*q)->Step()) pg_tables.insert((*q)->Text(0));
  EXPECT_EQ(pg_tables, copied);
}

TEST(CopyStore, SqliteToPostgresAndBackReadsTheSame) {
  testing::TestDatabase lite(testing::Engine::kSqlite), pg(testing::Engine::kPostgres),
      back(testing::Engine::kSqlite);
  std::string original;
  {
    auto store = Store::Open(lite.Options());
    ASSERT_TRUE(store.ok());
    Populate(**store);
    if (HasFatalFailure()) return;
    original = Dump(**store);
    if (getenv("SHOW_DUMP")) std::cout << original;
  }
  ASSERT_THAT(original, HasSubstr("observed description"));
  ASSERT_THAT(original, HasSubstr("alias warehouse/orders_v"));
  auto report = CopyStore(At(lite), At(pg));
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_GT(report->rows["audit_events"], 5);
  StoreIdentity pg_identity;
  {
    auto store = Store::Open(pg.Options());
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(Dump(**store), original);
    pg_identity = (*store)->Identity();
  }
  ASSERT_TRUE(CopyStore(At(pg), At(back)).ok());
  auto store = Store::Open(back.Options());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(Dump(**store), original);
  // A store of its own, that goes on from where the copy left off.
  EXPECT_NE((*store)->Identity(), pg_identity);
  Resource next;
  next.dataset.key = {"pg", "next"};
  auto r = (*store)->Apply({next}, "user:admin", false);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->catalog_revision, report->catalog_revision + 1);
  EXPECT_TRUE((*store)->VerifyAudit()->ok);
}

TEST(CopyStore, IntoADatabaseThatHoldsACatalogIsRefused) {
  testing::TestDatabase lite(testing::Engine::kSqlite), pg(testing::Engine::kPostgres);
  Resource d;
  d.dataset.key = {"pg", "mine"};
  for (const testing::TestDatabase* db : {&lite, &pg}) {
    auto store = Store::Open(db->Options());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Apply({d}, "user:admin", false).ok());
  }
  auto refused = CopyStore(At(lite), At(pg));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("already holds a catalog"));
  auto store = Store::Open(pg.Options());
  EXPECT_EQ((*store)->ListDatasets("", {})->items.size(), 1u);
}

}  // namespace
}  // namespace catalog::store
