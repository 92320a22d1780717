// End to end: the built catalogd and catalogctl binaries, driven the way the
// README's quickstart drives them.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include <set>
#include <thread>

#include <regex>

#include <map>

#include <sstream>
#include <httplib.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "lib/util/time.h"
#include "tests/e2e.h"
#include "tests/lineage_events.h"

namespace catalog {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;
namespace fs = std::filesystem;

constexpr char kOrders[] = "postgres://prod-db:5432/sales.public.orders";

TEST_F(EndToEnd, FirstStartWritesAPrivateAdminTokenAndSaysWhere) {
  struct stat st{};
  ASSERT_EQ(stat((data_dir() / "admin.token").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  EXPECT_THAT(daemon_->log(), HasSubstr("admin.token"));
  httplib::Client http("127.0.0.1", daemon_->http_port());
  auto res = http.Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(EndToEnd, QuickstartApplyIsIdempotentAndReadable) {
  Result first = Ctl("apply " + Quickstart());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr(std::string("dataset/") + kOrders + " created"));
  EXPECT_THAT(first.out, HasSubstr("domain/sales created"));
  EXPECT_THAT(first.out, HasSubstr("user/alice created"));

  Result second = Ctl("apply " + Quickstart());
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.out, Not(HasSubstr(" created")));
  EXPECT_THAT(second.out, Not(HasSubstr(" changed")));

  Result got = Ctl(std::string("get dataset ") + kOrders + " -o json");
  ASSERT_EQ(got.exit_code, 0) << got.err;
  json doc = json::parse(got.out);
  EXPECT_EQ(doc["status"]["revision"], 1);  // the second apply bumped nothing
  EXPECT_EQ(doc["spec"]["classification"], "confidential");
  EXPECT_EQ(doc["spec"]["schema"]["fields"][1]["tags"][0], "pii");

  // The YAML output is itself a manifest: applying it changes nothing.
  Result yaml = Ctl(std::string("get dataset ") + kOrders + " -o yaml");
  ASSERT_EQ(yaml.exit_code, 0);
  testing::WriteFile(dir_.path() / "roundtrip.yaml", yaml.out);
  Result again = Ctl("apply -f roundtrip.yaml");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("unchanged"));

  Result list = Ctl("get datasets -o json");
  ASSERT_EQ(list.exit_code, 0);
  EXPECT_EQ(json::parse(list.out)["items"].size(), 1u);
  Result table = Ctl("get ds");
  EXPECT_THAT(table.out, HasSubstr("sales/orders"));
  EXPECT_THAT(Ctl("get groups").out, HasSubstr("sales-eng"));
  EXPECT_THAT(Ctl("get principals").out, HasSubstr("etl-orders"));
  EXPECT_THAT(Ctl("get domains").out, HasSubstr("sales/orders"));
  EXPECT_THAT(Ctl("get user alice -o yaml").out, HasSubstr("clearance"));
}

// Issue 12 #16 and #18: a manifest that sets a few fields wiped the rest
// of the spec, and `get -o yaml` of several objects did not re-apply.
TEST_F(EndToEnd, ApplyWritesTheFieldsAManifestHoldsAndListsReapply) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  testing::WriteFile(dir_.path() / "tags.yaml",
                     std::string("apiVersion: catalog/v1\nkind: Dataset\nmetadata:\n"
                                 "  namespace: postgres://prod-db:5432\n"
                                 "  name: sales.public.orders\nspec:\n"
                                 "  tags: [gold]\n  description: \"\"\n"));
  // --dry-run says, field by field, what the manifest would change.
  Result dry = Ctl("apply -f tags.yaml --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("changed (dry run)"));
  EXPECT_THAT(dry.out, HasSubstr("  ~ tags: "));
  EXPECT_THAT(dry.out, HasSubstr("-> [\"gold\"]"));
  EXPECT_THAT(dry.out, HasSubstr("  ~ description: \"Orders placed in the web shop\" -> (none)"));
  EXPECT_THAT(dry.out, Not(HasSubstr("~ schema")));
  EXPECT_THAT(dry.out, Not(HasSubstr("~ owners")));
  Result applied = Ctl("apply -f tags.yaml");
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_THAT(applied.out, HasSubstr("changed"));
  json doc = json::parse(Ctl(std::string("get dataset ") + kOrders + " -o json").out);
  EXPECT_EQ(doc["spec"]["tags"], json::array({"gold"}));           // replaced whole
  EXPECT_FALSE(doc["spec"].contains("description"));               // cleared: set empty
  EXPECT_EQ(doc["spec"]["classification"], "confidential");        // omitted: kept
  EXPECT_EQ(doc["spec"]["domain"], "sales/orders");
  EXPECT_GE(doc["spec"]["schema"]["fields"].size(), 2u);
  EXPECT_FALSE(doc["spec"]["owners"].empty());

  // `get -o yaml` of several objects is a List that apply takes back.
  Result all = Ctl("get datasets -o yaml");
  ASSERT_EQ(all.exit_code, 0);
  EXPECT_THAT(all.out, HasSubstr("kind: List"));
  testing::WriteFile(dir_.path() / "all.yaml", all.out);
  Result again = Ctl("apply -f all.yaml");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("unchanged"));
  EXPECT_THAT(again.out, Not(HasSubstr(" changed")));
  Result principals = Ctl("get principals -o yaml");
  testing::WriteFile(dir_.path() / "principals.yaml", principals.out);
  Result p = Ctl("apply -f principals.yaml");
  EXPECT_EQ(p.exit_code, 0) << p.err;
  EXPECT_THAT(p.out, Not(HasSubstr(" changed")));
}

TEST_F(EndToEnd, DescribeSearchHistoryAndDelete) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  testing::WriteFile(dir_.path() / "change.yaml", R"(apiVersion: catalog/v1
kind: Dataset
metadata: {namespace: "postgres://prod-db:5432", name: sales.public.orders}
spec:
  description: Orders placed in the web shop, with totals
  domain: sales/orders
  schema:
    fields:
      - {name: order_id, type: bigint, nullable: false}
      - {name: total, type: decimal}
)");
  Result changed = Ctl("apply -f change.yaml");
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_THAT(changed.out, HasSubstr("changed"));

  Result describe = Ctl(std::string("describe dataset ") + kOrders);
  ASSERT_EQ(describe.exit_code, 0) << describe.err;
  EXPECT_THAT(describe.out, HasSubstr("Schema version:  2"));
  // The quickstart's governance attributes (the change left them).
  EXPECT_THAT(describe.out, HasSubstr("Layer:           bronze\n"));
  EXPECT_THAT(describe.out, HasSubstr("Tier:            1\n"));
  EXPECT_THAT(describe.out, HasSubstr("Certification:   none\n"));
  // The layers, and a search by them.
  Result layers = Ctl("layers");
  ASSERT_EQ(layers.exit_code, 0) << layers.err;
  EXPECT_THAT(layers.out, HasSubstr("the default layers (never set)"));
  Result bronze = Ctl("search --layer bronze --tier 1 -o json");
  ASSERT_EQ(bronze.exit_code, 0) << bronze.err;
  EXPECT_THAT(bronze.out, HasSubstr("sales.public.orders"));
  Result certify = Ctl(std::string("certify ") + kOrders + " --state verified --expires 2099-01-01");
  ASSERT_EQ(certify.exit_code, 0) << certify.err;
  EXPECT_THAT(certify.out, HasSubstr("certification verified until 2099-01-01 (revision"));
  EXPECT_THAT(Ctl(std::string("describe dataset ") + kOrders).out,
              HasSubstr("Certification:   verified until 2099-01-01 (by user:admin at "));
  // The schema in aligned columns: each field's type starts where the
  // TYPE heading does.
  std::istringstream lines(describe.out);
  size_t type_column = std::string::npos;
  std::map<std::string, size_t> type_at;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("FIELD") != std::string::npos) type_column = line.find("TYPE");
    for (const char* f : {"order_id", "total"}) {
      size_t at = line.find(std::string("  ") + f + " ");
      if (at != std::string::npos && line.find(f == std::string("total") ? "decimal" : "bigint") != std::string::npos) {
        type_at[f] = line.find(f == std::string("total") ? "decimal" : "bigint");
      }
    }
  }
  ASSERT_NE(type_column, std::string::npos) << describe.out;
  EXPECT_EQ(type_at["order_id"], type_column) << describe.out;
  EXPECT_EQ(type_at["total"], type_column) << describe.out;
  EXPECT_THAT(describe.out, HasSubstr("update"));

  Result search = Ctl("search totals -o json");
  ASSERT_EQ(search.exit_code, 0) << search.err;
  EXPECT_EQ(json::parse(search.out)["hits"][0]["name"], "sales.public.orders");
  // Narrowed by a filter, with the facets' counts.
  Result faceted = Ctl("search --classification confidential --facets -o json");
  ASSERT_EQ(faceted.exit_code, 0) << faceted.err;
  json found = json::parse(faceted.out);
  ASSERT_EQ(found["hits"].size(), 1u) << faceted.out;
  EXPECT_EQ(found["hits"][0]["classification"], "confidential");
  EXPECT_EQ(found["facets"]["domain"]["sales/orders"], 1) << faceted.out;
  Result none = Ctl("search totals --classification public");
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_THAT(none.out, ::testing::Not(HasSubstr("sales.public.orders")));
  Result bad_filter = Ctl("search totals --owner alice");
  EXPECT_NE(bad_filter.exit_code, 0);
  EXPECT_THAT(bad_filter.err, HasSubstr("filter.owners[0]"));

  Result history = Ctl("history dataset --namespace postgres://prod-db:5432 "
                       "--name sales.public.orders -o json");
  ASSERT_EQ(history.exit_code, 0) << history.err;
  json entries = json::parse(history.out)["entries"];
  ASSERT_EQ(entries.size(), 3u);  // the quickstart's, the change, the certification
  EXPECT_EQ(entries[1]["actor"], "user:admin");
  EXPECT_EQ(entries[2]["changes"], json::array({"spec.certification"}));
  EXPECT_EQ(entries[0]["dataset"]["spec"]["schema"]["fields"].size(), 3u);

  Result stale = Ctl(std::string("delete dataset ") + kOrders + " --revision 1");
  EXPECT_EQ(stale.exit_code, 1);
  EXPECT_THAT(stale.err, HasSubstr("ABORTED"));
  Result deleted = Ctl(std::string("delete dataset ") + kOrders);
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  Result gone = Ctl(std::string("get dataset ") + kOrders);
  EXPECT_EQ(gone.exit_code, 1);
  EXPECT_THAT(gone.err, HasSubstr("NOT_FOUND"));
}

TEST_F(EndToEnd, AFileWithOneBadDocumentAppliesNothing) {
  testing::WriteFile(dir_.path() / "bad.yaml", R"(apiVersion: catalog/v1
kind: Domain
metadata: {name: finance}
---
apiVersion: catalog/v1
kind: Dataset
metadata: {namespace: "s3://lake", name: payments}
spec:
  domain: finance
  classification: top-secret
)");
  Result r = Ctl("apply -f bad.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("bad.yaml:10:"));
  EXPECT_THAT(r.err, HasSubstr("document 2"));
  EXPECT_THAT(r.err, HasSubstr("spec.classification: unknown value \"top-secret\""));
  EXPECT_THAT(Ctl("get domains").out, Not(HasSubstr("finance")));

  testing::WriteFile(dir_.path() / "malformed.yaml", "kind: [Dataset\n");
  r = Ctl("apply -f malformed.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("malformed.yaml:"));
  EXPECT_THAT(r.err, HasSubstr("malformed YAML"));

  std::string laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    laughs += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" +
              char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) +
              ", *" + char(c - 1) + ", *" + char(c - 1) + "]\n";
  }
  testing::WriteFile(dir_.path() / "laughs.yaml", laughs);
  r = Ctl("apply -f laughs.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("alias expansion"));

  // A dataset in a domain that does not exist: refused by the server, and
  // the CLI points at the line.
  testing::WriteFile(dir_.path() / "orphan.yaml", R"(apiVersion: catalog/v1
kind: Dataset
metadata: {namespace: "s3://lake", name: orphan}
spec:
  domain: nowhere
)");
  r = Ctl("apply -f orphan.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("orphan.yaml:5: document 1"));
  EXPECT_THAT(r.err, HasSubstr("FAILED_PRECONDITION"));
}

TEST_F(EndToEnd, TokensAndPermissions) {
  Result created = Ctl("token create --principal user:bob --description ci");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string bob = created.out.substr(0, created.out.find('\n'));
  EXPECT_EQ(Ctl("get datasets", bob).exit_code, 0);
  Result denied = Ctl("apply " + Quickstart(), bob);
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_THAT(denied.err, HasSubstr("PERMISSION_DENIED"));
  std::string id = bob.substr(0, bob.find('.'));
  ASSERT_EQ(Ctl("token revoke " + id).exit_code, 0);
  Result revoked = Ctl("get datasets", bob);
  EXPECT_EQ(revoked.exit_code, 1);
  EXPECT_THAT(revoked.err, HasSubstr("UNAUTHENTICATED"));
  EXPECT_THAT(Ctl("token list").out, HasSubstr("revoked"));
  Result bad = Ctl("get datasets", "not-a-token");
  EXPECT_THAT(bad.err, HasSubstr("UNAUTHENTICATED"));
  // The secret half of a token is never logged (used, refused or revoked).
  std::string secret = bob.substr(bob.find('.') + 1);
  ASSERT_GT(secret.size(), 16u);
  EXPECT_EQ(daemon_->log().find(secret), std::string::npos);
}

// Issue 12 #6: a pipeline's report about a dataset it may not change is
// shown by describe, and its owner accepts it from the CLI.
TEST_F(EndToEnd, DescribeShowsObservationsAndTheOwnerAcceptsOne) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  testing::WriteFile(dir_.path() / "etl.yaml",
                     "apiVersion: catalog/v1\nkind: ServiceAccount\nmetadata: {name: etl}\n");
  ASSERT_EQ(Ctl("apply -f etl.yaml").exit_code, 0);
  Result created = Ctl("token create --principal serviceaccount:etl");
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string etl = created.out.substr(0, created.out.find('\n'));
  json event = json::parse(testing::RunEventJson(
      "COMPLETE", "33333333-3333-3333-3333-333333333333", 1, {},
      {{"sales.public.orders", {{"documentation", {{"description", "Loaded by etl"}}}}}},
      "load", "etl", "postgres://prod-db:5432"));
  testing::WriteFile(dir_.path() / "event.json", event.dump());
  Result ingest = Ctl("lineage ingest event.json", etl);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;

  Result described = Ctl(std::string("describe dataset ") + kOrders);
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_THAT(described.out, HasSubstr("Description:     Orders placed in the web shop"));
  EXPECT_THAT(described.out, HasSubstr("Observations (reported, not applied"));
  EXPECT_THAT(described.out, ::testing::ContainsRegex(
                                 "  description +\"Loaded by etl\" +serviceaccount:etl +etl/load"));
  Result denied = Ctl(std::string("observation accept ") + kOrders +
                          " description --from serviceaccount:etl",
                      etl);
  EXPECT_EQ(denied.exit_code, 1);
  EXPECT_THAT(denied.err, HasSubstr("PERMISSION_DENIED"));
  Result accepted =
      Ctl(std::string("observation accept ") + kOrders + " description --from serviceaccount:etl");
  ASSERT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_THAT(accepted.out, HasSubstr("description from serviceaccount:etl accepted"));
  described = Ctl(std::string("describe dataset ") + kOrders);
  EXPECT_THAT(described.out, HasSubstr("Description:     Loaded by etl"));
  EXPECT_THAT(described.out, Not(HasSubstr("Observations")));
}

// Issue 13: a load larger than one Apply call goes in batches, what others
// refer to first; a batch that fails names its document and says which
// batches landed, and leaves the catalog as it was before that batch.
TEST_F(EndToEnd, ALargeLoadGoesInBatches) {
  auto datasets = [](const std::string& prefix, int from, int to, const std::string& domain,
                     int bad = -1) {
    std::string y;
    for (int i = from; i < to; ++i) {
      y += "---\napiVersion: catalog/v1\nkind: Dataset\nmetadata: {namespace: \"s3://bulk\", "
           "name: " + prefix + std::to_string(i) + "}\nspec:\n  domain: " +
           (i == bad ? std::string("nowhere") : domain) + "\n";
    }
    return y;
  };
  // The datasets come before their domain, in an earlier file.
  fs::create_directories(dir_.path() / "load");
  testing::WriteFile(dir_.path() / "load" / "a.yaml", datasets("t", 0, 1000, "bulk"));
  testing::WriteFile(dir_.path() / "load" / "z.yaml",
                     "apiVersion: catalog/v1\nkind: Domain\nmetadata: {name: bulk}\n" +
                         datasets("u", 0, 10, "bulk"));
  Result loaded = Ctl("apply -f load");
  ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
  EXPECT_THAT(loaded.out, HasSubstr("domain/bulk created"));
  EXPECT_THAT(loaded.out, HasSubstr("1011 resources applied in 2 batches"));
  EXPECT_EQ(Ctl("get dataset s3://bulk/u9").exit_code, 0);

  // The 20th dataset of the second batch names a domain that does not exist.
  fs::create_directories(dir_.path() / "bad");
  testing::WriteFile(dir_.path() / "bad" / "b.yaml", datasets("v", 0, 1050, "bulk", 1019));
  Result failed = Ctl("apply -f bad");
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_THAT(failed.err, HasSubstr("b.yaml:6120: document 1020 (Dataset s3://bulk/v1019): spec.domain"));
  EXPECT_THAT(failed.err, HasSubstr("(batch 2 of 2; the 1000 resources of batch 1 were "
                                    "applied; this batch and the later ones were not)"));
  EXPECT_EQ(Ctl("get dataset s3://bulk/v999").exit_code, 0);
  EXPECT_EQ(Ctl("get dataset s3://bulk/v1000").exit_code, 1);

  // A dry run of a split load resolves each batch's references.
  fs::create_directories(dir_.path() / "dry");
  testing::WriteFile(dir_.path() / "dry" / "a.yaml", datasets("w", 0, 1005, "fresh"));
  testing::WriteFile(dir_.path() / "dry" / "z.yaml",
                     "apiVersion: catalog/v1\nkind: Domain\nmetadata: {name: fresh}\n");
  Result dry = Ctl("apply -f dry --dry-run");
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("1006 resources checked in 2 batches"));
  EXPECT_EQ(Ctl("get dataset s3://bulk/w0").exit_code, 1);

  // Files are parsed in parallel; of two bad files, the first in order is
  // the one reported, and nothing is sent.
  fs::create_directories(dir_.path() / "syntax");
  testing::WriteFile(dir_.path() / "syntax" / "a.yaml", datasets("x", 0, 500, "bulk"));
  testing::WriteFile(dir_.path() / "syntax" / "b.yaml", datasets("y", 0, 2, "bulk") + "spec: [\n");
  testing::WriteFile(dir_.path() / "syntax" / "c.yaml", "kind: [\n");
  testing::WriteFile(dir_.path() / "syntax" / "d.yaml", datasets("z", 0, 500, "bulk"));
  Result syntax = Ctl("apply -f syntax");
  EXPECT_EQ(syntax.exit_code, 1);
  EXPECT_THAT(syntax.err, HasSubstr("b.yaml:"));
  EXPECT_THAT(syntax.err, ::testing::Not(HasSubstr("c.yaml")));
  EXPECT_EQ(Ctl("get dataset s3://bulk/x0").exit_code, 1);
}

TEST_F(EndToEnd, DataSurvivesAGracefulRestart) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  EXPECT_EQ(daemon_->Stop(), 0);  // SIGTERM: a clean exit
  EXPECT_THAT(daemon_->log(), HasSubstr("catalogd stopped"));
  ASSERT_TRUE(daemon_->Start()) << daemon_->log();
  Result got = Ctl(std::string("get dataset ") + kOrders + " -o json");
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(json::parse(got.out)["spec"]["tags"][1], "gdpr");
}

// Until the first authorization snapshot is loaded, reads and lists say
// to retry: an empty list or "not found" would be a wrong answer. A stored
// spec that does not decode keeps the snapshot from loading, which makes
// the window last as long as the test needs.
TEST_F(EndToEnd, BeforeTheSnapshotLoadsReadsAndListsSayRetry) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  EXPECT_EQ(daemon_->Stop(), 0);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data_dir() / "catalog.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE datasets SET spec_pb = x'0a0561'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ASSERT_TRUE(daemon_->Start()) << daemon_->log();
  const std::string event = testing::RunEventJson(
      "COMPLETE", "44444444-4444-4444-4444-444444444444", 1, {}, {{"sales.public.orders", {}}},
      "load", "etl", "postgres://prod-db:5432");
  testing::WriteFile(dir_.path() / "event.json", event);
  for (const std::string& args :
       {std::string("get dataset ") + kOrders, std::string("get datasets"),
        std::string("search orders"), std::string("get domains"), std::string("get users"),
        std::string("history dataset ") + kOrders,
        // Lineage: a graph of placeholders or a refused ingest (PERMISSION_DENIED,
        // which a pipeline would not retry) would be wrong answers too.
        std::string("lineage show ") + kOrders, std::string("impact ") + kOrders,
        std::string("jobs"), std::string("lineage ingest event.json")}) {
    Result r = Ctl(args);
    EXPECT_EQ(r.exit_code, 1) << args << "\n" << r.out;
    EXPECT_THAT(r.err, HasSubstr("UNAVAILABLE: authorization data is still loading")) << args;
  }
  httplib::Client http("127.0.0.1", daemon_->http_port());
  auto posted = http.Post(
      "/api/v1/lineage",
      {{"Authorization", "Bearer " + AdminToken()}}, event,
      "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 503) << posted->body;
  EXPECT_THAT(posted->body, HasSubstr("still loading"));
  auto ready = http.Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 503);
  EXPECT_THAT(daemon_->log(), HasSubstr("stored binary spec does not decode"));
}

// Both programs say which version and commit they were built from: a
// commit of this repository (the tree may have moved on since the build).
TEST(Version, BothProgramsNameTheirVersionAndCommit) {
  testing::TempDir dir;
  fs::path out = dir.path() / "out.txt";
  const std::string src = testing::SourceDir().string();
  const bool in_git = std::system(("git -C '" + src + "' rev-parse -q HEAD > /dev/null 2>&1").c_str()) == 0;
  for (const std::string program : {"server/catalogd", "client/catalogctl"}) {
    ASSERT_EQ(std::system(("'" + (testing::BinDir() / program).string() + "' --version > '" +
                           out.string() + "'")
                              .c_str()),
              0);
    const std::string name = program.substr(program.find('/') + 1);
    const std::string said = testing::ReadFile(out);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(
        said, m, std::regex(name + " [0-9]+\\.[0-9]+\\.[0-9]+ \\(commit ([0-9a-f]{12}|unknown)(-dirty)?\\)\n")))
        << said;
    if (!in_git) continue;
    EXPECT_EQ(std::system(("git -C '" + src + "' cat-file -e " + m[1].str() + "^{commit}").c_str()), 0)
        << m[1] << " is not a commit of this repository";
  }
}

TEST_F(EndToEnd, PoliciesAppliedAndAskedThroughTheCli) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  // The default set: alice owns the orders dataset through her group.
  Result allow = Ctl(std::string("authorize --principal 'User::\"alice\"' --action "
                                 "write --resource 'Dataset::\"") + kOrders + "\"'");
  EXPECT_EQ(allow.exit_code, 0) << allow.err;
  EXPECT_THAT(allow.out, HasSubstr("ALLOW"));
  EXPECT_THAT(allow.out, HasSubstr("owners-manage-their-datasets"));
  // Who may act on it, and why.
  Result access = Ctl(std::string("access ") + kOrders + " -o json");
  ASSERT_EQ(access.exit_code, 0) << access.err;
  std::set<std::string> who;
  const json access_doc = json::parse(access.out);
  for (const json& e : access_doc["entries"]) {
    who.insert(e["principal"].get<std::string>() + " " + e["action"].get<std::string>());
  }
  EXPECT_TRUE(who.count("user:alice write")) << access.out;
  EXPECT_TRUE(who.count("group:sales-eng read")) << access.out;
  Result access_table = Ctl(std::string("access ") + kOrders + " --action write");
  ASSERT_EQ(access_table.exit_code, 0) << access_table.err;
  EXPECT_THAT(access_table.out, HasSubstr("PRINCIPAL"));
  EXPECT_THAT(access_table.out, HasSubstr("owners-manage-their-datasets"));
  EXPECT_THAT(access_table.out, ::testing::Not(HasSubstr(" read ")));

  testing::WriteFile(dir_.path() / "extra.cedar",
                     "@id(\"admins\") permit (principal == User::\"admin\", action, resource);\n"
                     "@id(\"mask-pii\") @mask(\"sha256\")\n"
                     "permit (principal in Group::\"sales-eng\", action == Action::\"read\",\n"
                     "        resource is Column) when { resource.tags.contains(\"pii\") };\n"
                     "@id(\"sales-read\") permit (principal in Group::\"sales-eng\",\n"
                     "        action == Action::\"read\", resource is Dataset);\n");
  testing::WriteFile(dir_.path() / "broken.cedar", "permit (principal, action);\n");
  Result bad = Ctl("policy apply -f broken.cedar");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("broken.cedar:1:"));
  Result applied = Ctl("policy apply -f extra.cedar --description 'mask pii'");
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_THAT(applied.out, HasSubstr("version 2 applied"));
  EXPECT_THAT(Ctl("policy history").out, HasSubstr("mask pii"));
  EXPECT_THAT(Ctl("policy get").out, HasSubstr("mask-pii"));

  Result columns = Ctl(std::string("authorize --principal 'User::\"alice\"' "
                                   "--resource '") + kOrders + "' --columns order_id,email -o json");
  ASSERT_EQ(columns.exit_code, 3) << columns.err;  // order_id is denied
  json decided = json::parse(columns.out);
  EXPECT_EQ(decided["columns"][0]["access"], "deny");
  EXPECT_EQ(decided["columns"][1]["access"], "mask");
  EXPECT_EQ(decided["columns"][1]["mask"], "sha256");
  // The old owner rule is gone with version 1: alice may no longer write.
  Result denied = Ctl(std::string("authorize --principal 'User::\"alice\"' --action "
                                  "write --resource 'Dataset::\"") + kOrders + "\"' --explain");
  EXPECT_EQ(denied.exit_code, 3);
  EXPECT_THAT(denied.out, HasSubstr("DENY"));
  EXPECT_THAT(denied.out, HasSubstr("policy1 (mask-pii)"));
}

TEST_F(EndToEnd, LineageFromCapturedEventsThroughTheCli) {
  fs::path real = testing::SourceDir().parent_path() / "shared" / "conformance" /
                  "openlineage" / "real-events";
  Result ingest = Ctl("lineage ingest '" + (real / "airflow" / "events").string() + "' '" +
                      (real / "CLL" / "events").string() + "' --batch 7");
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_THAT(ingest.out, HasSubstr("ingested 41 events"));

  Result show = Ctl("lineage show gs://mock-bucket/test.csv --downstream --depth 3");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("job:airflow/BQ.download"));
  EXPECT_THAT(show.out, HasSubstr("gs://mock-bucket/result.csv"));
  Result dot = Ctl("lineage show bigquery/mock-project.test.upload --columns -o dot");
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_THAT(dot.out, HasSubstr("digraph lineage {"));
  EXPECT_THAT(dot.out, HasSubstr("\"bigquery/mock-project.test.upload\":c0"));
  Result as_json = Ctl("lineage show 'gs://mock-bucket/result.csv#a' --upstream --depth 5 -o json");
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  EXPECT_GE(json::parse(as_json.out)["edges"].size(), 3u);

  Result impact = Ctl("impact gs://mock-bucket/test.csv");
  ASSERT_EQ(impact.exit_code, 0) << impact.err;
  EXPECT_THAT(impact.out, HasSubstr("3 datasets and 3 jobs downstream"));
  EXPECT_THAT(impact.out, HasSubstr("job:airflow/BQ.upload > bigquery/mock-project.test.upload"));
  Result jobs = Ctl("jobs --namespace airflow");
  EXPECT_THAT(jobs.out, HasSubstr("BATCH/AIRFLOW/TASK"));
  // The jobs are their first reporter's; a Job manifest hands one over.
  EXPECT_THAT(jobs.out, ::testing::ContainsRegex("job:airflow/BQ.upload +user:admin "));
  testing::WriteFile(dir_.path() / "job.yaml",
                     "apiVersion: catalog/v1\nkind: Job\nmetadata:\n  namespace: airflow\n"
                     "  name: BQ.upload\nspec:\n  owners:\n"
                     "    - principal: serviceaccount:airflow-prod\n");
  Result handed = Ctl("apply -f job.yaml");
  ASSERT_EQ(handed.exit_code, 0) << handed.err;
  EXPECT_THAT(handed.out, HasSubstr("job/airflow/BQ.upload changed"));
  EXPECT_THAT(Ctl("jobs --namespace airflow").out,
              ::testing::ContainsRegex("job:airflow/BQ.upload +serviceaccount:airflow-prod "));
  Result runs = Ctl("runs airflow/BQ.upload");
  ASSERT_EQ(runs.exit_code, 0) << runs.err;
  EXPECT_THAT(runs.out, HasSubstr("COMPLETE"));
  EXPECT_THAT(runs.out, HasSubstr("4.0s"));

  // A symlink names the same dataset: describe by it shows the dataset,
  // its other names and its jobs.
  Result aliased = Ctl("describe dataset --namespace file:/tmp/cll_test --name default.tbl1");
  ASSERT_EQ(aliased.exit_code, 0) << aliased.err;
  EXPECT_THAT(aliased.out, HasSubstr("Name:            /tmp/cll_test/tbl1"));
  EXPECT_THAT(aliased.out, HasSubstr("Aliases:         file:/tmp/cll_test/default.tbl1"));
  EXPECT_THAT(aliased.out, HasSubstr("Written by:      job:testColumnLevelLineage/"));

  Result invalid = Ctl("lineage ingest '" +
                       (real.parent_path() / "examples" / "06_INVALID_runevent_no_run_id_fluentd.json").string() + "'");
  EXPECT_EQ(invalid.exit_code, 1);
  EXPECT_THAT(invalid.err, HasSubstr("event 1: run.runId: is required"));
  EXPECT_THAT(invalid.err, HasSubstr("nothing was sent"));
  EXPECT_EQ(Ctl("lineage show nowhere").exit_code, 1);
  EXPECT_EQ(Ctl("lineage show gs://mock-bucket/test.csv -o yaml").exit_code, 2);

  Result deleted = Ctl("delete job job:airflow/BQ.copy");
  ASSERT_EQ(deleted.exit_code, 0) << deleted.err;
  EXPECT_THAT(Ctl("lineage show gs://mock-bucket/test.csv --downstream --depth 3").out,
              Not(HasSubstr("result.csv")));
}

// The README's and quickstart's lineage steps.
TEST_F(EndToEnd, QuickstartLineageExample) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  std::string events = (testing::SourceDir() / "examples" / "lineage" / "daily_sales.jsonl").string();
  Result ingest = Ctl("lineage ingest '" + events + "'");
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_THAT(ingest.out, HasSubstr("ingested 6 events"));
  Result show = Ctl(std::string("lineage show ") + kOrders + " --downstream --depth 2");
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_THAT(show.out, HasSubstr("bigquery/analytics.marts.daily_sales_by_country"));
  Result impact = Ctl(std::string("impact '") + kOrders + "#email'");
  ASSERT_EQ(impact.exit_code, 0) << impact.err;
  EXPECT_THAT(impact.out, HasSubstr("bigquery/analytics.staging.orders"));
  EXPECT_THAT(impact.out, HasSubstr("group:sales-eng"));  // from the ownership facet
  EXPECT_THAT(impact.out, HasSubstr("email_hash"));
  Result dot = Ctl("lineage show bigquery/analytics.staging.orders --columns -o dot");
  ASSERT_EQ(dot.exit_code, 0) << dot.err;
  EXPECT_THAT(dot.out, HasSubstr("color=\"#dc2626\""));  // the masked e-mail column
  Result runs = Ctl("runs airflow/daily_sales.stage_orders");
  EXPECT_THAT(runs.out, HasSubstr("COMPLETE"));
  EXPECT_THAT(runs.out, HasSubstr("job:airflow/daily_sales"));
  // The quickstart's own dataset kept what was applied by hand.
  Result described = Ctl(std::string("describe dataset ") + kOrders);
  EXPECT_THAT(described.out, HasSubstr("Orders placed in the web shop"));
  Result staged = Ctl("describe dataset bigquery/analytics.staging.orders");
  EXPECT_THAT(staged.out, HasSubstr("Orders, with e-mail addresses hashed"));
  EXPECT_THAT(staged.out, HasSubstr("by user:admin"));  // who sent the events
}

// A pipeline that stops: its dataset goes stale when its contract's
// latency passes without a write (the server's clock, no event), a policy
// on resource.health starts denying, the pipeline runs again and both
// recover.
TEST_F(EndToEnd, APipelineThatStopsMakesItsDatasetStaleAndAPolicyDeny) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  testing::WriteFile(dir_.path() / "orders.odcs.yaml",
                     "apiVersion: v3.1.0\nkind: DataContract\nid: orders\nversion: 1.0.0\n"
                     "status: active\nschema:\n  - name: orders\n    properties:\n"
                     "      - name: order_id\n        logicalType: integer\n"
                     "slaProperties:\n  - property: latency\n    value: 1\n    unit: m\n");
  Result contract =
      Ctl(std::string("contract apply -f orders.odcs.yaml --dataset ") + kOrders);
  ASSERT_EQ(contract.exit_code, 0) << contract.err;
  testing::WriteFile(dir_.path() / "health.cedar",
                     testing::ReadFile(testing::SourceDir() / "policies" / "default.cedar") +
                         "\n@id(\"read-only-trusted-data\")\n"
                         "forbid (principal, action == Action::\"read\", resource is Dataset)\n"
                         "when { [\"failing\", \"stale\"].contains(resource.health) };\n");
  ASSERT_EQ(Ctl("policy apply -f health.cedar").exit_code, 0);
  const std::string may_alice_read =
      std::string("authorize --principal 'User::\"alice\"' --action read --resource "
                  "'Dataset::\"") + kOrders + "\"'";
  // The nightly load, written 55 s ago.
  auto run = [&](const std::string& id, std::chrono::seconds ago) {
    json e = {{"eventType", "COMPLETE"},
              {"eventTime", FormatRfc3339(std::chrono::system_clock::now() - ago)},
              {"producer", "https://example.com/e2e"},
              {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json"},
              {"run", {{"runId", id}}},
              {"job", {{"namespace", "airflow"}, {"name", "load_orders"}}},
              {"inputs", json::array()},
              {"outputs", {{{"namespace", "postgres://prod-db:5432"},
                            {"name", "sales.public.orders"}}}}};
    testing::WriteFile(dir_.path() / "run.json", e.dump());
    return Ctl("lineage ingest run.json");
  };
  ASSERT_EQ(run("0193a4c2-7d10-7000-8000-000000000501", std::chrono::seconds(55)).exit_code, 0);
  Result fresh = Ctl(std::string("health ") + kOrders);
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  EXPECT_THAT(fresh.out, HasSubstr("Health:      ok"));
  EXPECT_THAT(fresh.out, HasSubstr("Freshness:   fresh since "));
  EXPECT_THAT(fresh.out, HasSubstr("Agreement:   latency 1 min"));
  EXPECT_THAT(fresh.out, HasSubstr("Stale from:  "));
  EXPECT_EQ(Ctl(may_alice_read).exit_code, 0);
  // No more runs: within the minute and the clock's 5 s, it is stale.
  Result stale;
  EXPECT_TRUE(testing::WaitFor(
      [&] {
        stale = Ctl(std::string("health ") + kOrders);
        return stale.out.find("Health:      stale") != std::string::npos;
      },
      std::chrono::seconds(20)))
      << stale.out;
  EXPECT_THAT(stale.out, HasSubstr("Freshness:   stale since "));
  EXPECT_THAT(stale.out, HasSubstr("latency 1 min: last written "));
  Result denied = Ctl(may_alice_read);
  EXPECT_EQ(denied.exit_code, 3) << denied.out;
  EXPECT_THAT(denied.out, HasSubstr("read-only-trusted-data"));
  Result described = Ctl(std::string("describe dataset ") + kOrders);
  EXPECT_THAT(described.out, HasSubstr("Health:          stale since "));
  EXPECT_THAT(described.out, HasSubstr("Incidents:       1 open; 1: latency 1 min: last written"));
  // An incident opened for the missed agreement; the owner takes it.
  Result incidents = Ctl("incidents");
  ASSERT_EQ(incidents.exit_code, 0) << incidents.err;
  EXPECT_THAT(incidents.out, HasSubstr("freshness"));
  EXPECT_THAT(incidents.out, HasSubstr(kOrders));
  Result acked = Ctl("incidents ack 1 --assignee user:alice --note 'the loader is down'");
  ASSERT_EQ(acked.exit_code, 0) << acked.err;
  EXPECT_THAT(acked.out, HasSubstr("incident 1 (acknowledged)"));
  // The pipeline runs again: fresh, and allowed.
  ASSERT_EQ(run("0193a4c2-7d10-7000-8000-000000000502", std::chrono::seconds(0)).exit_code, 0);
  EXPECT_THAT(Ctl(std::string("health ") + kOrders).out, HasSubstr("Health:      ok"));
  EXPECT_EQ(Ctl(may_alice_read).exit_code, 0);
  // The incident resolved itself, saying why.
  Result resolved = Ctl("incidents --state resolved -o json");
  ASSERT_EQ(resolved.exit_code, 0) << resolved.err;
  json closed = json::parse(resolved.out);
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0]["resolvedBy"], "catalogd");
  EXPECT_THAT(closed[0]["resolution"].get<std::string>(),
              HasSubstr("recovered: written as its contract promises"));
  EXPECT_EQ(closed[0]["assignee"], "user:alice");
  EXPECT_THAT(Ctl("incidents").out, HasSubstr("no open incidents"));
  Result json_out = Ctl(std::string("health ") + kOrders + " -o json");
  ASSERT_EQ(json_out.exit_code, 0) << json_out.err;
  EXPECT_EQ(json::parse(json_out.out)["freshness"], "fresh");
}

// docs/governance.md#the-medallion-preset: the preset on the quickstart,
// and a gold job that reads bronze: check-write refuses it, the run that
// did it anyway is an incident and in the report, and the fix clears both.
TEST_F(EndToEnd, TheMedallionPresetOnTheQuickstart) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  Result preset = Ctl("apply -f '" +
                      (testing::SourceDir() / "policies/examples/medallion-rules.yaml").string() +
                      "'");
  ASSERT_EQ(preset.exit_code, 0) << preset.err;
  EXPECT_THAT(preset.out, HasSubstr("governancerule/gold-reads-no-bronze created (version 1)"));
  EXPECT_THAT(Ctl("governance rules").out, HasSubstr("critical-data-is-owned"));
  const std::string gold = "bigquery/analytics.marts.orders_gold";
  const std::string silver = "bigquery/analytics.staging.orders";
  testing::WriteFile(dir_.path() / "medallion.yaml", R"(apiVersion: catalog/v1
kind: Dataset
metadata: {namespace: bigquery, name: analytics.staging.orders}
spec: {layer: silver, owners: [{principal: "user:alice"}]}
---
apiVersion: catalog/v1
kind: Dataset
metadata: {namespace: bigquery, name: analytics.marts.orders_gold}
spec:
  description: Orders for finance
  owners: [{principal: "user:alice"}]
  layer: gold
)");
  Result made = Ctl("apply -f '" + (dir_.path() / "medallion.yaml").string() + "'");
  ASSERT_EQ(made.exit_code, 0) << made.err;
  // The warn rule speaks at apply: gold without a contract or classification.
  EXPECT_THAT(made.out, HasSubstr("warning: rule gold-is-governed (warn, high)"));
  // Asked first, a write from bronze is refused.
  Result asked = Ctl("check-write " + gold + " --input " + kOrders);
  EXPECT_EQ(asked.exit_code, 1) << asked.out << asked.err;
  EXPECT_THAT(asked.out, HasSubstr("refused"));
  EXPECT_THAT(asked.out, HasSubstr("rule gold-reads-no-bronze (blocking, high): Gold reads "
                                   "silver, never bronze directly"));
  // A run that did it anyway: its lineage is kept, the break is an incident.
  auto run = [&](const std::string& id, const std::string& time, const std::string& input) {
    return json{{"eventType", "COMPLETE"},
                {"eventTime", time},
                {"producer", "https://github.com/apache/airflow"},
                {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"},
                {"run", {{"runId", id}}},
                {"job", {{"namespace", "airflow"}, {"name", "finance.orders_gold"}}},
                {"inputs", {{{"namespace", input.substr(0, input.rfind('/'))},
                             {"name", input.substr(input.rfind('/') + 1)}}}},
                {"outputs", {{{"namespace", "bigquery"}, {"name", "analytics.marts.orders_gold"}}}}}
        .dump();
  };
  testing::WriteFile(dir_.path() / "bad_run.json", run("0193a4c2-0000-7000-8000-00000000b001",
                                                       "2026-12-04T06:00:00Z", kOrders));
  ASSERT_EQ(Ctl("lineage ingest '" + (dir_.path() / "bad_run.json").string() + "'").exit_code, 0);
  Result incidents = Ctl("incidents");
  EXPECT_THAT(incidents.out, HasSubstr("rule gold-reads-no-bronze"));
  Result report = Ctl("governance report -o markdown");
  ASSERT_EQ(report.exit_code, 0) << report.err;
  EXPECT_THAT(report.out, HasSubstr("| gold-reads-no-bronze | blocking | high | 1 | 1 | 0 |"));
  EXPECT_THAT(report.out, HasSubstr("| gold-reads-no-bronze | " + gold + " |"));
  EXPECT_THAT(Ctl("describe dataset " + gold).out,
              HasSubstr("gold-reads-no-bronze (blocking, high): Gold reads silver, never bronze "
                        "directly"));
  // The fix: the job reads silver.
  EXPECT_EQ(Ctl("check-write " + gold + " --input " + silver).exit_code, 0);
  testing::WriteFile(dir_.path() / "good_run.json", run("0193a4c2-0000-7000-8000-00000000b002",
                                                        "2026-12-04T07:00:00Z", silver));
  ASSERT_EQ(Ctl("lineage ingest '" + (dir_.path() / "good_run.json").string() + "'").exit_code, 0);
  EXPECT_THAT(Ctl("incidents").out, Not(HasSubstr("rule gold-reads-no-bronze")));
  Result after = Ctl("governance report -o json");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  const json after_doc = json::parse(after.out);
  for (const json& r : after_doc["rules"]) {
    if (r["rule"]["name"] == "gold-reads-no-bronze") EXPECT_FALSE(r.contains("breaking")) << r;
  }
  // The leader's sweep (when the rules came) is the trend's first day.
  Result trend;
  for (int i = 0; i < 80; ++i) {
    trend = Ctl("governance report --since 30d");
    if (trend.out.find("DAY") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_THAT(trend.out, HasSubstr("(no domain)"));
  EXPECT_THAT(trend.out, HasSubstr(FormatRfc3339(std::chrono::system_clock::now()).substr(0, 10)));
}

// docs/governance.md#data-products: the example products on the quickstart
// and its lineage example, through the real binaries.
TEST_F(EndToEnd, TheDataProductsExampleOnTheQuickstart) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  const std::string events =
      (testing::SourceDir() / "examples" / "lineage" / "daily_sales.jsonl").string();
  ASSERT_EQ(Ctl("lineage ingest '" + events + "'").exit_code, 0);
  const std::string products =
      (testing::SourceDir() / "examples" / "products" / "sales.odps.yaml").string();
  Result applied = Ctl("apply -f '" + products + "'");
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_THAT(applied.out, HasSubstr("dataproduct/sales-orders created"));
  EXPECT_THAT(applied.out, HasSubstr("dataproduct/sales-insights created"));
  Result listed = Ctl("get dataproducts --domain sales");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("sales-orders"));
  EXPECT_THAT(listed.out, HasSubstr("user:alice"));
  Result described = Ctl("describe dataproduct sales-insights");
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_THAT(described.out, HasSubstr("Status:"));
  EXPECT_THAT(described.out, HasSubstr("draft"));
  EXPECT_THAT(described.out, HasSubstr("bigquery/analytics.marts.daily_sales_by_country"));
  // Declared by its input port's contract, and seen in the lineage.
  EXPECT_THAT(described.out, HasSubstr("sales-orders   Sales orders   declared, in lineage"));
  EXPECT_THAT(described.out, HasSubstr("Rules broken:    -"));
  // A rule over products: describe names what the product breaks.
  testing::WriteFile(dir_.path() / "tagged.yaml", R"(apiVersion: catalog/v1
kind: GovernanceRule
metadata: {name: products-are-tagged}
spec:
  covers: {kind: DataProduct, domains: [sales]}
  condition: 'resource.tags != []'
  mode: warn
  message: Tag your product so consumers find it
)");
  Result ruled = Ctl("apply -f '" + (dir_.path() / "tagged.yaml").string() + "'");
  ASSERT_EQ(ruled.exit_code, 0) << ruled.err;
  Result breaking = Ctl("describe dataproduct sales-insights");
  ASSERT_EQ(breaking.exit_code, 0) << breaking.err;
  EXPECT_THAT(breaking.out, HasSubstr("Rules broken:\n  products-are-tagged (warn, medium): Tag "
                                      "your product so consumers find it\n"));
  EXPECT_THAT(Ctl("describe dataproduct sales-orders").out, HasSubstr("Rules broken:    -"));
  // A change to the orders reaches both products.
  Result impact = Ctl(std::string("impact ") + kOrders);
  ASSERT_EQ(impact.exit_code, 0) << impact.err;
  EXPECT_THAT(impact.out, HasSubstr("sales-orders     0"));
  EXPECT_THAT(impact.out, HasSubstr("sales-insights   2"));
  EXPECT_THAT(impact.out, HasSubstr("in 2 data products"));
  // What get -o yaml prints is the ODPS document: applied again, unchanged.
  Result yaml = Ctl("get dataproduct sales-orders -o yaml");
  ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_THAT(yaml.out, HasSubstr("apiVersion: v1.0.0"));
  EXPECT_THAT(yaml.out, HasSubstr("https://chat.example.com/sales-data"));
  testing::WriteFile(dir_.path() / "again.yaml", yaml.out);
  Result again = Ctl("apply -f '" + (dir_.path() / "again.yaml").string() + "'");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("dataproduct/sales-orders unchanged"));
  EXPECT_EQ(Ctl("delete dataproduct sales-insights").out, "dataproduct/sales-insights deleted\n");
  Result gone = Ctl("describe dataproduct sales-insights");
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_THAT(gone.err, HasSubstr("NOT_FOUND: data product \"sales-insights\" not found"));
}

TEST_F(EndToEnd, TheModelsExampleOnTheQuickstart) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  const std::string models =
      (testing::SourceDir() / "examples" / "models" / "churn.yaml").string();
  Result applied = Ctl("apply -f '" + models + "'");
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_THAT(applied.out, HasSubstr("model/churn-predictor created"));
  EXPECT_THAT(applied.out, HasSubstr("modelversion/churn-predictor@2 created"));
  // The docs' commands, as written there.
  Result promoted = Ctl("model promote churn-predictor@1 --alias champion");
  ASSERT_EQ(promoted.exit_code, 0) << promoted.err;
  EXPECT_EQ(promoted.out, "model/churn-predictor alias champion -> version 1\n");
  Result raced = Ctl("model promote churn-predictor@2 --alias champion --from ''");
  EXPECT_NE(raced.exit_code, 0);
  EXPECT_THAT(raced.err, HasSubstr("ABORTED: alias \"champion\" of model \"churn-predictor\" "
                                   "points at version 1, not nothing"));
  Result listed = Ctl("get models --domain sales");
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("churn-predictor   sales    user:alice   2          champion=1"));
  Result described = Ctl("describe model churn-predictor");
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_THAT(described.out, HasSubstr("Evaluation data:         " + std::string(kOrders)));
  EXPECT_THAT(described.out, HasSubstr("  1         ready     champion   sklearn     airflow/train_churn"));
  EXPECT_THAT(described.out, HasSubstr("  2         pending   -          sklearn     airflow/train_churn"));
  Result champion = Ctl("describe model churn-predictor@champion");
  ASSERT_EQ(champion.exit_code, 0) << champion.err;
  EXPECT_THAT(champion.out, HasSubstr("ModelVersion:   churn-predictor@1"));
  EXPECT_THAT(champion.out, HasSubstr("  auc      0.87"));
  EXPECT_THAT(champion.out, HasSubstr("  churn_probability   double"));
  // What an alias points at is not deleted.
  Result held = Ctl("delete model churn-predictor@1");
  EXPECT_NE(held.exit_code, 0);
  EXPECT_THAT(held.err, HasSubstr("alias(es) champion point at it"));
  // What get -o yaml prints applies again, unchanged.
  Result yaml = Ctl("get model churn-predictor@1 -o yaml");
  ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
  testing::WriteFile(dir_.path() / "v1.yaml", yaml.out);
  Result again = Ctl("apply -f '" + (dir_.path() / "v1.yaml").string() + "'");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.out, HasSubstr("modelversion/churn-predictor@1 unchanged"));
  // A bad manifest names its file and line, and changes nothing.
  testing::WriteFile(dir_.path() / "bad.yaml", R"(apiVersion: catalog/v1
kind: ModelVersion
metadata: {name: churn-predictor, version: 3}
spec:
  status: shipped
)");
  Result bad = Ctl("apply -f '" + (dir_.path() / "bad.yaml").string() + "'");
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.err, HasSubstr("bad.yaml:5"));
  EXPECT_THAT(bad.err, HasSubstr("spec.status: \"shipped\" is not a version status"));
  // A training run registers version 3 with the data it read, as it was.
  Result trained = Ctl("lineage ingest '" +
                       (testing::SourceDir() / "examples" / "lineage" / "train_churn.jsonl").string() +
                       "'");
  ASSERT_EQ(trained.exit_code, 0) << trained.err;
  Result lineage = Ctl("model lineage churn-predictor@3");
  ASSERT_EQ(lineage.exit_code, 0) << lineage.err;
  EXPECT_THAT(lineage.out,
              HasSubstr("Training run:   airflow/train_churn (run 0193b7e1-2f00-7000-8000-000000000003)"));
  EXPECT_THAT(lineage.out, HasSubstr(std::string("  ") + kOrders + "   1          1"));
  EXPECT_THAT(lineage.out, HasSubstr("email -> customer_key (masked)"));
  EXPECT_THAT(lineage.out, HasSubstr("order_id -> orders_90d"));
  Result impact = Ctl(std::string("impact ") + kOrders);
  ASSERT_EQ(impact.exit_code, 0) << impact.err;
  EXPECT_THAT(impact.out, HasSubstr("churn-predictor@3   0       " + std::string(kOrders)));
  EXPECT_THAT(impact.out, HasSubstr("1 model version trained on it"));
  // Features derived from orders (docs/models.md#feature-views): a change
  // to the shipping address reaches one of them.
  Result features = Ctl("apply -f '" +
                        (testing::SourceDir() / "examples" / "models" / "customer-features.yaml")
                            .string() +
                        "'");
  ASSERT_EQ(features.exit_code, 0) << features.err;
  EXPECT_THAT(features.out, HasSubstr("featureview/customer_order_features created"));
  Result view = Ctl("describe featureview customer_order_features");
  ASSERT_EQ(view.exit_code, 0) << view.err;
  EXPECT_THAT(view.out, HasSubstr("  ship_country    varchar   shipping_address.country"));
  Result by_column = Ctl(std::string("impact ") + kOrders + " --columns shipping_address");
  ASSERT_EQ(by_column.exit_code, 0) << by_column.err;
  EXPECT_THAT(by_column.out, HasSubstr("customer_order_features   0       " + std::string(kOrders) +
                                       "   ship_country\n"));
  // An agent on the champion, reading orders (docs/models.md#ai-applications).
  Result app = Ctl("apply -f '" +
                   (testing::SourceDir() / "examples" / "models" / "retention-assistant.yaml")
                       .string() +
                   "'");
  ASSERT_EQ(app.exit_code, 0) << app.err;
  EXPECT_THAT(app.out, HasSubstr("aiapplication/retention-assistant created"));
  Result apps = Ctl("get applications");
  ASSERT_EQ(apps.exit_code, 0) << apps.err;
  EXPECT_THAT(apps.out, HasSubstr("retention-assistant   agent   unreviewed   sales    "
                                  "retention-agent   churn-predictor@champion   1"));
  // An upstream change to orders reaches the model and the application.
  Result reached = Ctl(std::string("impact ") + kOrders);
  ASSERT_EQ(reached.exit_code, 0) << reached.err;
  EXPECT_THAT(reached.out, HasSubstr("churn-predictor@3   0       " + std::string(kOrders)));
  EXPECT_THAT(reached.out, HasSubstr("retention-assistant   0       unreviewed   " +
                                     std::string(kOrders) + "   dataSource"));
  // Its service account may read nothing yet: the reviewer sees why.
  Result access = Ctl("application access retention-assistant");
  ASSERT_EQ(access.exit_code, 0) << access.err;
  EXPECT_THAT(access.out,
              HasSubstr("Application retention-assistant runs as ServiceAccount::\"retention-agent\""));
  EXPECT_THAT(access.out, HasSubstr(std::string(kOrders) + "   dataSource           read     deny"));
  EXPECT_THAT(access.out, HasSubstr("2 denied, 0 with masked or denied columns"));
  Result approved =
      Ctl("application review retention-assistant --approve --note 'tools checked' --revision 1");
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_EQ(approved.out, "application/retention-assistant approved at revision 1\n");
  EXPECT_THAT(Ctl("describe application retention-assistant").out,
              HasSubstr("Review:            approved by user:admin"));
  // Every revision of each is kept (docs/models.md#history).
  Result model_history = Ctl("history model churn-predictor");
  ASSERT_EQ(model_history.exit_code, 0) << model_history.err;
  EXPECT_THAT(model_history.out, HasSubstr("REVISION   TIME"));
  EXPECT_THAT(model_history.out, HasSubstr("   user:admin   create   spec."));
  Result version_history = Ctl("history model churn-predictor@champion -o yaml");
  ASSERT_EQ(version_history.exit_code, 0) << version_history.err;
  EXPECT_THAT(version_history.out, HasSubstr("modelVersion: churn-predictor@1"));
  EXPECT_THAT(version_history.out, HasSubstr("kind: ModelVersion"));
  Result view_history = Ctl("history featureview customer_order_features -o json");
  ASSERT_EQ(view_history.exit_code, 0) << view_history.err;
  EXPECT_THAT(view_history.out, HasSubstr(R"("featureView": "customer_order_features")"));
  EXPECT_THAT(view_history.out, HasSubstr(R"("column": "shipping_address.country")"));
  Result app_history = Ctl("history application retention-assistant");
  ASSERT_EQ(app_history.exit_code, 0) << app_history.err;
  // Its review was no revision: one row under the header.
  EXPECT_EQ(std::count(app_history.out.begin(), app_history.out.end(), '\n'), 2)
      << app_history.out;
  EXPECT_THAT(app_history.out, HasSubstr("\n1          "));
  Result never = Ctl("history model nowhere");
  EXPECT_NE(never.exit_code, 0);
  EXPECT_THAT(never.err, HasSubstr("model \"nowhere\" not found"));
  testing::WriteFile(dir_.path() / "bad-app.yaml", R"(apiVersion: catalog/v1
kind: AIApplication
metadata: {name: helper}
spec:
  owners: [{principal: "user:admin"}]
  type: robot
)");
  Result bad_app = Ctl("apply -f '" + (dir_.path() / "bad-app.yaml").string() + "'");
  EXPECT_NE(bad_app.exit_code, 0);
  EXPECT_THAT(bad_app.err, HasSubstr("bad-app.yaml:6"));
  EXPECT_THAT(bad_app.err, HasSubstr("spec.type: \"robot\" is not one of rag, agent"));
  // The promotion rule (docs/models.md#promotion-rules): a version trained
  // on the raw e-mail address does not become champion; the one trained on
  // it hashed does.
  const std::filesystem::path examples = testing::SourceDir() / "examples";
  Result rule = Ctl("apply -f '" + (examples / "models" / "champion-rule.yaml").string() + "'");
  ASSERT_EQ(rule.exit_code, 0) << rule.err;
  Result raw = Ctl("lineage ingest '" + (examples / "lineage" / "train_churn_raw.jsonl").string() + "'");
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  Result refused = Ctl("model promote churn-predictor@4 --alias champion");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err,
              HasSubstr("FAILED_PRECONDITION: refused by governance rule: rule champions-mask-pii "
                        "(blocking, high): A champion is not trained on unmasked PII (training "
                        "input " + std::string(kOrders) + ")"));
  EXPECT_THAT(Ctl("describe model churn-predictor@champion").out,
              HasSubstr("ModelVersion:   churn-predictor@1"));
  Result challenger = Ctl("model promote churn-predictor@4 --alias challenger");
  EXPECT_EQ(challenger.exit_code, 0) << challenger.err;
  Result masked = Ctl("model promote churn-predictor@3 --alias champion");
  ASSERT_EQ(masked.exit_code, 0) << masked.err;
  EXPECT_EQ(masked.out, "model/churn-predictor alias champion -> version 3 (was 1)\n");
  // A version with no recorded training data is refused too.
  Result unknown = Ctl("model promote churn-predictor@2 --alias champion");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_THAT(unknown.err, HasSubstr("rule champions-mask-pii"));
  // Monitoring: points recorded and read back, with their trend.
  Result reported = Ctl("model report churn-predictor@3 auc=0.90 --time 2026-12-01T00:00:00Z");
  ASSERT_EQ(reported.exit_code, 0) << reported.err;
  EXPECT_EQ(reported.out, "model/churn-predictor@3: 1 point recorded at 2026-12-01T00:00:00Z\n");
  ASSERT_EQ(Ctl("model report churn-predictor@3 auc=0.93 --time 2026-12-02T00:00:00Z").exit_code, 0);
  Result metrics = Ctl("model metrics churn-predictor@champion");
  ASSERT_EQ(metrics.exit_code, 0) << metrics.err;
  EXPECT_THAT(metrics.out, HasSubstr("3         auc      2        0.93   2026-12-02T00:00:00.000Z   0.9   0.93   ▁█"));
  ASSERT_EQ(Ctl("model unalias churn-predictor challenger").exit_code, 0);
  ASSERT_EQ(Ctl("model unalias churn-predictor champion").exit_code, 0);
  // A model an application calls stays until the application goes.
  Result in_use = Ctl("delete model churn-predictor");
  EXPECT_NE(in_use.exit_code, 0);
  EXPECT_THAT(in_use.err, HasSubstr("AI application(s) retention-assistant call it"));
  EXPECT_EQ(Ctl("delete application retention-assistant").out,
            "application/retention-assistant deleted\n");
  EXPECT_EQ(Ctl("delete model churn-predictor").out, "model/churn-predictor deleted\n");
  Result gone = Ctl("describe model churn-predictor");
  EXPECT_NE(gone.exit_code, 0);
  EXPECT_THAT(gone.err, HasSubstr("NOT_FOUND: model \"churn-predictor\" not found"));
}

TEST_F(EndToEnd, TheGlossaryExampleOnTheQuickstart) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  const std::string glossary =
      (testing::SourceDir() / "examples" / "glossary" / "sales.yaml").string();
  Result applied = Ctl("apply -f '" + glossary + "'");
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_THAT(applied.out, HasSubstr("glossaryterm/customer created"));
  EXPECT_THAT(applied.out, HasSubstr("glossaryterm/customer-email created"));
  EXPECT_THAT(applied.out, HasSubstr("governancerule/customer-email-is-restricted"));
  // The docs' commands, as written there.
  Result linked = Ctl(std::string("link customer-email ") + kOrders + " --column email");
  ASSERT_EQ(linked.exit_code, 0) << linked.err;
  EXPECT_THAT(linked.out, HasSubstr("column email linked to customer-email (revision 2)"));
  ASSERT_EQ(Ctl(std::string("link customer ") + kOrders).exit_code, 0);
  Result again = Ctl(std::string("link customer ") + kOrders);
  EXPECT_THAT(again.out, HasSubstr("already links customer"));
  Result nested = Ctl(std::string("link customer ") + kOrders + " --column shipping_address.city");
  ASSERT_EQ(nested.exit_code, 0) << nested.err;
  Result no_column = Ctl(std::string("link customer ") + kOrders + " --column phone");
  EXPECT_EQ(no_column.exit_code, 2);
  EXPECT_THAT(no_column.err, HasSubstr("has no column \"phone\""));
  Result search = Ctl("get terms --search 'e-mail'");
  ASSERT_EQ(search.exit_code, 0) << search.err;
  EXPECT_THAT(search.out, HasSubstr("customer-email   Customer email   approved   sales"));
  EXPECT_THAT(search.out, Not(HasSubstr("client")));
  Result term = Ctl("describe term customer");
  ASSERT_EQ(term.exit_code, 0) << term.err;
  EXPECT_THAT(term.out, HasSubstr("Synonyms:       client, buyer"));
  EXPECT_THAT(term.out, HasSubstr(std::string("  ") + kOrders + "   (the dataset)"));
  EXPECT_THAT(term.out, HasSubstr(std::string("  ") + kOrders + "   shipping_address.city"));
  Result dataset = Ctl(std::string("describe dataset ") + kOrders);
  ASSERT_EQ(dataset.exit_code, 0) << dataset.err;
  EXPECT_THAT(dataset.out, HasSubstr("Terms:           customer"));
  EXPECT_THAT(dataset.out, HasSubstr("customer-email"));
  Result found = Ctl("search --term customer-email");
  ASSERT_EQ(found.exit_code, 0) << found.err;
  EXPECT_THAT(found.out, HasSubstr("sales.public.orders"));
  // The rule is met by the quickstart's email column (restricted); a
  // column that is not is linked with the rule's warning.
  EXPECT_THAT(linked.out, Not(HasSubstr("warning")));
  Result warned = Ctl(std::string("link customer-email ") + kOrders +
                      " --column shipping_address.country");
  ASSERT_EQ(warned.exit_code, 0) << warned.err;
  EXPECT_THAT(warned.out, HasSubstr("warning: rule customer-email-is-restricted (warn, high): "
                                    "Customer email addresses are restricted data (column "
                                    "shipping_address.country)"));
  ASSERT_EQ(Ctl(std::string("unlink customer-email ") + kOrders +
                " --column shipping_address.country").exit_code, 0);
  EXPECT_THAT(Ctl(std::string("apply -f '") + glossary + "'").out,
              HasSubstr("glossaryterm/customer unchanged"));
  // A term's manifest applies back unchanged.
  Result yaml = Ctl("get term customer-email -o yaml");
  ASSERT_EQ(yaml.exit_code, 0) << yaml.err;
  EXPECT_THAT(yaml.out, HasSubstr("kind: GlossaryTerm"));
  testing::WriteFile(dir_.path() / "term.yaml", yaml.out);
  Result same = Ctl("apply -f '" + (dir_.path() / "term.yaml").string() + "'");
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_THAT(same.out, HasSubstr("glossaryterm/customer-email unchanged"));
  // Linked, it stays; unlinked, it goes.
  Result held = Ctl("delete term customer-email");
  EXPECT_NE(held.exit_code, 0);
  EXPECT_THAT(held.err, HasSubstr("still linked by 1 dataset(s)"));
  ASSERT_EQ(Ctl(std::string("unlink customer-email ") + kOrders + " --column email").exit_code, 0);
  EXPECT_EQ(Ctl("delete term customer-email").out, "glossaryterm/customer-email deleted\n");
}

TEST_F(EndToEnd, QuickstartQualityExample) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  fs::path examples = testing::SourceDir() / "examples";
  ASSERT_EQ(Ctl("lineage ingest '" + (examples / "lineage" / "daily_sales.jsonl").string() + "'")
                .exit_code,
            0);
  Result ingest =
      Ctl("lineage ingest '" + (examples / "quality" / "daily_checks.jsonl").string() + "'");
  ASSERT_EQ(ingest.exit_code, 0) << ingest.err;
  EXPECT_THAT(ingest.out, HasSubstr("ingested 4 events (0 dataset changes)"));
  Result all = Ctl("quality bigquery/analytics.staging.orders");
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_THAT(all.out, HasSubstr("24 results: 6 checks (5 passed, 1 failed, 0 skipped), "
                                 "18 measurements"));
  Result failed = Ctl("quality bigquery/analytics.staging.orders --failed");
  ASSERT_EQ(failed.exit_code, 0) << failed.err;
  EXPECT_THAT(failed.out, HasSubstr("order_id_unique"));
  EXPECT_THAT(failed.out, HasSubstr("12 duplicates"));
  EXPECT_THAT(failed.out, HasSubstr("1 result: 1 check (0 passed, 1 failed, 0 skipped)"));
  // The dbt run's tests are kept for the dataset it wrote.
  Result tests = Ctl("quality bigquery/analytics.marts.daily_sales_by_country --checks -o json");
  ASSERT_EQ(tests.exit_code, 0) << tests.err;
  json listed = json::parse(tests.out);
  ASSERT_EQ(listed.size(), 4u);
  EXPECT_EQ(listed[1]["name"], "accepted_values_daily_sales_by_country_currency");
  EXPECT_EQ(listed[1]["status"], "fail");
  EXPECT_EQ(listed[1]["facet"], "test");
  EXPECT_EQ(listed[1]["runId"], "0193a4c2-7d10-7000-8000-000000000202");
  Result recent = Ctl("quality bigquery/analytics.staging.orders --since 2026-11-26 "
                      "--column order_id --measurements");
  EXPECT_THAT(recent.out, HasSubstr("distinctCount"));
  EXPECT_THAT(recent.out, HasSubstr("48198"));
  EXPECT_THAT(recent.out, Not(HasSubstr("48210")));
  Result described = Ctl("describe dataset bigquery/analytics.staging.orders");
  EXPECT_THAT(described.out, HasSubstr("Quality:         3 checks, 1 failed, at "
                                       "2026-11-26T02:20:00.000Z by job:great_expectations/"
                                       "orders_suite"));
  EXPECT_THAT(described.out, HasSubstr("failed: order_id_unique on order_id: 12 duplicates (error)"));
  // A contract bound before the next run judges what it measured.
  Result contract = Ctl("contract apply -f '" +
                        (examples / "contracts" / "staging_orders.odcs.yaml").string() +
                        "' --dataset bigquery/analytics.staging.orders");
  ASSERT_EQ(contract.exit_code, 0) << contract.err;
  // docs/quality.md#health: the failing check and the missed agreement,
  // and what the dbt model builds from it.
  Result health = Ctl("health bigquery/analytics.staging.orders");
  ASSERT_EQ(health.exit_code, 0) << health.err;
  EXPECT_THAT(health.out, HasSubstr(": check order_id: order_id_unique fails"));
  EXPECT_THAT(health.out, HasSubstr("Freshness:   stale since 2026-11-27T02:10:00.000Z: latency 1 d: "
                                    "last written 2026-11-26T02:10:00.000Z"));
  EXPECT_THAT(health.out, HasSubstr("Agreement:   latency 1 d, available by 03:00Z"));
  EXPECT_THAT(health.out, HasSubstr("order_id   order_id_unique   12 duplicates"));
  // docs/quality.md#incidents: one incident per cause.
  Result incidents = Ctl("incidents --dataset bigquery/analytics.staging.orders");
  EXPECT_THAT(incidents.out, HasSubstr("check order_id: order_id_unique fails (12 duplicates)"));
  EXPECT_THAT(incidents.out, HasSubstr("freshness   latency 1 d: last written"));
  // docs/quality.md#a-domains-health (the README's tour).
  Result domain = Ctl("health --domain sales");
  ASSERT_EQ(domain.exit_code, 0) << domain.err;
  EXPECT_THAT(domain.out, HasSubstr("Domain:      sales (and below)"));
  EXPECT_THAT(domain.out, ::testing::ContainsRegex("Datasets:    [0-9]+: "));
  Result downstream = Ctl("health bigquery/analytics.marts.daily_sales_by_country");
  EXPECT_THAT(downstream.out,
              HasSubstr("Health:      upstream-degraded: failing upstream, 1 job away: "
                        "bigquery/analytics.staging.orders"));
  EXPECT_THAT(downstream.out,
              HasSubstr("Upstream:    bigquery/analytics.staging.orders > "
                        "bigquery/analytics.marts.daily_sales_by_country (failing 1 job up; by "
                        "itself warning)"));
  json next = json::parse(testing::ReadFile(examples / "quality" / "daily_checks.jsonl")
                              .substr(0, testing::ReadFile(examples / "quality" /
                                                           "daily_checks.jsonl")
                                             .find('\n')));
  next["eventTime"] = "2026-11-27T02:20:00.000Z";
  next["run"]["runId"] = "0193a4c2-7d10-7000-8000-000000000301";
  testing::WriteFile(dir_.path() / "next.json", next.dump());
  ASSERT_EQ(Ctl("lineage ingest next.json").exit_code, 0);
  Result judged = Ctl("quality bigquery/analytics.staging.orders --since 2026-11-27 --checks");
  EXPECT_THAT(judged.out, HasSubstr("contract"));
  EXPECT_THAT(judged.out, HasSubstr("daily_volume"));
  EXPECT_THAT(judged.out, HasSubstr("mustBeBetween [10000, 100000] rows"));
  EXPECT_THAT(judged.out, HasSubstr("NOT MEASURED"));
  EXPECT_THAT(judged.out, HasSubstr("8 checks (7 passed, 0 failed, 0 skipped, 1 not measured)"));
  Result bad = Ctl("quality bigquery/analytics.staging.orders --since yesterday");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("since: \"yesterday\""));
  Result missing = Ctl("quality bigquery/no.such.table");
  EXPECT_THAT(missing.err, HasSubstr("NOT_FOUND"));
}

TEST(CatalogctlOffline, PolicyEvalMatchesCedarsAnswers) {
  testing::TempDir dir;
  fs::path cedar = testing::SourceDir().parent_path() / "shared" / "conformance" / "cedar";
  json test = json::parse(testing::ReadFile(cedar / "tests" / "multi" / "1.json"));
  std::string requests;
  for (const json& r : test["requests"]) {
    json line = {{"principal", r["principal"]}, {"action", r["action"]},
                 {"resource", r["resource"]}, {"context", r["context"]}};
    requests += line.dump() + "\n";
  }
  testing::WriteFile(dir.path() / "requests.jsonl", requests);
  std::string cmd = "'" + (testing::BinDir() / "client" / "catalogctl").string() +
                    "' policy eval --policies '" + (cedar / test["policies"].get<std::string>()).string() +
                    "' --entities '" + (cedar / test["entities"].get<std::string>()).string() +
                    "' --schema '" + (cedar / test["schema"].get<std::string>()).string() +
                    "' --requests '" + (dir.path() / "requests.jsonl").string() + "' > '" +
                    (dir.path() / "out.jsonl").string() + "'";
  ASSERT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 0);
  std::istringstream out(testing::ReadFile(dir.path() / "out.jsonl"));
  std::string line;
  size_t i = 0;
  while (std::getline(out, line)) {
    ASSERT_LT(i, test["requests"].size());
    json got = json::parse(line);
    const json& want = test["requests"][i++];
    EXPECT_EQ(got["decision"], want["decision"]) << line;
    EXPECT_EQ(got["reason"], want["reason"]) << line;
    EXPECT_TRUE(line.rfind("{\"decision\":", 0) == 0) << line;
  }
  EXPECT_EQ(i, test["requests"].size());
}

TEST(CatalogctlOffline, PolicyTestsPassAndFailWithReasons) {
  testing::TempDir dir;
  fs::path examples = testing::SourceDir() / "policies" / "examples";
  std::string ctl = "'" + (testing::BinDir() / "client" / "catalogctl").string() + "'";
  fs::path out = dir.path() / "out.txt";
  std::string cmd = ctl + " policy test '" + (examples / "catalog-tests.yaml").string() +
                    "' > '" + out.string() + "'";
  EXPECT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 0) << testing::ReadFile(out);
  EXPECT_THAT(testing::ReadFile(out), HasSubstr("10 passed, 0 failed"));

  // The same suite with one wrong expectation, beside copies of its files.
  for (const char* f : {"catalog.cedar", "entities.json"}) {
    fs::copy_file(examples / f, dir.path() / f);
  }
  std::string suite = testing::ReadFile(examples / "catalog-tests.yaml");
  size_t at = suite.find("expect: allow\n    reasons: [analysts-see-pii-masked]");
  ASSERT_NE(at, std::string::npos);
  suite.replace(at, 13, "expect: deny ");
  testing::WriteFile(dir.path() / "t.yaml", suite);
  cmd = ctl + " policy test '" + (dir.path() / "t.yaml").string() + "' > '" + out.string() + "'";
  EXPECT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 1);
  std::string report = testing::ReadFile(out);
  EXPECT_THAT(report, HasSubstr("FAIL "));
  EXPECT_THAT(report, HasSubstr("PII columns are readable, masked"));
  EXPECT_THAT(report, HasSubstr("expected deny, got allow because of [policy2 (analysts-see-pii-masked)]"));
  EXPECT_THAT(report, HasSubstr("9 passed, 1 failed"));
}

TEST(CatalogdLogs, JsonFormatWritesOneObjectPerLine) {
  testing::TempDir dir;
  testing::Daemon daemon(dir.path() / "data", dir.path() / "log.txt",
                         {"--log-format", "json"});
  ASSERT_TRUE(daemon.Start()) << daemon.log();
  EXPECT_EQ(daemon.Stop(), 0);
  std::istringstream lines(daemon.log());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    json entry = json::parse(line, nullptr, false);
    ASSERT_TRUE(entry.is_object()) << line;
    EXPECT_TRUE(entry.contains("time") && entry.contains("level") &&
                entry.contains("msg"));
    ++count;
  }
  EXPECT_GE(count, 3);
}

TEST(CatalogdMigrate, DryRunListsMigrationsAndCreatesNothing) {
  testing::TempDir dir;
  std::string bin = (testing::BinDir() / "server" / "catalogd").string();
  fs::path out = dir.path() / "out.txt";
  std::string cmd = "'" + bin + "' migrate --dry-run --data-dir '" +
                    (dir.path() / "data").string() + "' > '" + out.string() + "'";
  ASSERT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 0);
  EXPECT_THAT(testing::ReadFile(out), HasSubstr("0001_init.sql"));
  EXPECT_FALSE(fs::exists(dir.path() / "data" / "catalog.db"));
}

// The Release build's allocator is jemalloc (server/CMakeLists.txt): a
// linker that dropped it would silently bring back glibc's malloc.
TEST(CatalogdBuild, AllocatesWithJemalloc) {
#ifdef __SANITIZE_ADDRESS__
  GTEST_SKIP() << "the sanitizers bring their own allocator";
#endif
  testing::TempDir dir;
  std::string bin = (testing::BinDir() / "server" / "catalogd").string();
  fs::path err = dir.path() / "err.txt";
  std::string cmd = "MALLOC_CONF=stats_print:true '" + bin + "' --help > /dev/null 2> '" +
                    err.string() + "'";
  ASSERT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 0);
  EXPECT_THAT(testing::ReadFile(err), HasSubstr("jemalloc statistics"));
}

TEST(CatalogdConfig, BadSettingsAreRefusedWithTheirName) {
  testing::TempDir dir;
  std::string bin = (testing::BinDir() / "server" / "catalogd").string();
  testing::WriteFile(dir.path() / "c.yaml", "listen: 127.0.0.1:0\ncolour: red\n");
  fs::path err = dir.path() / "err.txt";
  std::string cmd = "'" + bin + "' --config '" + (dir.path() / "c.yaml").string() +
                    "' 2> '" + err.string() + "'";
  EXPECT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 2);
  EXPECT_THAT(testing::ReadFile(err), HasSubstr("c.yaml:2: unknown setting \"colour\""));
  cmd = "'" + bin + "' --listen nowhere 2> '" + err.string() + "'";
  EXPECT_EQ(WEXITSTATUS(std::system(cmd.c_str())), 2);
  EXPECT_THAT(testing::ReadFile(err), HasSubstr("listen: \"nowhere\" must be HOST:PORT"));
}

}  // namespace
}  // namespace catalog
