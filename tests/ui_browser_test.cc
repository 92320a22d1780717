// The web UI in a real browser: starts catalogd from the build tree, seeds
// it through its own API (the quickstart, the Airflow OpenLineage events,
// the orders contract, a dataset full of hostile text, a principal the
// policies keep out), then runs tests/ui/browser_test.mjs, which drives
// Debian's Chromium with playwright-core. Screenshots of the main pages go
// to build/ui-screenshots/.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "client/client.h"
#include "tests/daemon.h"
#include "tests/lineage_events.h"
#include "tests/test_env.h"

namespace catalog {
namespace {

namespace fs = std::filesystem;
using client::CatalogClient;

// Names, descriptions, tags and columns that would run script if any page
// put them into HTML unescaped.
constexpr char kHostileName[] = "<img src=x onerror=\"window.__xss=1\">";

v1::ApplyRequest Hostile() {
  v1::ApplyRequest req;
  v1::Dataset* d = req.add_resources()->mutable_dataset();
  d->mutable_key()->set_namespace_("pg://hostile");
  d->mutable_key()->set_name(kHostileName);
  d->mutable_spec()->set_description(
      "<script>window.__xss = 2</script>\n\n"
      "[click me](javascript:window.__xss=3) and <a href=\"javascript:window.__xss=4\">this</a>\n\n"
      "<img src=x onerror=\"window.__xss=5\"> ![pic](x\" onerror=\"window.__xss=6)");
  d->mutable_spec()->add_tags("<b onmouseover=\"window.__xss=7\">tag</b>");
  d->mutable_spec()->add_owners()->set_principal("user:admin");
  v1::Field* f = d->mutable_spec()->mutable_schema()->add_fields();
  f->set_name("<svg onload=\"window[`__xss`]=8\">");
  f->set_type("varchar");
  f->add_tags("<img src=x onerror=\"window.__xss=9\">");
  return req;
}

TEST(UiBrowser, EveryPageWorksAndStaysSafeInChromium) {
  if (!fs::exists("/usr/bin/chromium")) {
    GTEST_FAIL() << "Debian's chromium is not installed: run scripts/setup";
  }
  testing::TempDir dir;
  testing::Daemon daemon(dir.path() / "data", dir.path() / "catalogd.log");
  ASSERT_TRUE(daemon.Start()) << daemon.log();
  std::string admin = testing::ReadFile(daemon.data_dir() / "admin.token");
  while (!admin.empty() && admin.back() == '\n') admin.pop_back();
  auto c = *CatalogClient::Connect({.address = daemon.addr(), .token = admin});

  // Seeded as users would: catalogctl, and the API.
  const std::string ctl = (testing::BinDir() / "client" / "catalogctl").string();
  const fs::path src = testing::SourceDir();
  for (const std::string& args :
       {"apply -f '" + (src / "examples/quickstart.yaml").string() + "'",
        "lineage ingest '" + (src / "examples/lineage/daily_sales.jsonl").string() + "'",
        "contract apply -f '" + (src / "examples/contracts/orders.odcs.yaml").string() + "'"}) {
    testing::CommandResult r = testing::RunCommand("CATALOG_ADDR=" + daemon.addr() +
                                                   " CATALOG_TOKEN='" + admin + "' '" + ctl +
                                                   "' " + args);
    ASSERT_EQ(r.code, 0) << args << "\n" << r.output;
  }
  // A second, breaking version of the contract (a major bump).
  std::string contract = testing::ReadFile(src / "examples/contracts/orders.odcs.yaml");
  contract.replace(contract.find("version: 1.0.0"), 14, "version: 2.0.0");
  const std::string typed = "      - name: order_id\n        logicalType: integer";
  contract.replace(contract.find(typed), typed.size(),
                   "      - name: order_id\n        logicalType: string");
  v1::PutContractRequest v2;
  v2.set_document(contract);
  v2.set_file("orders.odcs.yaml");
  auto put_v2 = c->Call(&v1::ContractService::Stub::PutContract, c->contracts(), v2);
  ASSERT_TRUE(put_v2.ok()) << put_v2.status();
  auto hostile = c->Call(&v1::CatalogService::Stub::Apply, c->catalog(), Hostile());
  ASSERT_TRUE(hostile.ok()) << hostile.status();
  // bob may sign in, but the policies keep every dataset from him.
  v1::ApplyRequest bob;
  bob.add_resources()->mutable_principal()->set_kind(v1::PRINCIPAL_KIND_USER);
  bob.mutable_resources(0)->mutable_principal()->set_name("bob");
  ASSERT_TRUE(c->Call(&v1::CatalogService::Stub::Apply, c->catalog(), bob).ok());
  v1::PutPolicySetRequest policies;
  v1::PolicyFileProto* base = policies.add_files();
  base->set_name("default.cedar");
  base->set_text(testing::ReadFile(src / "policies/default.cedar"));
  v1::PolicyFileProto* keep_out = policies.add_files();
  keep_out->set_name("bob.cedar");
  keep_out->set_text(
      "forbid (principal == User::\"bob\", action == Action::\"catalog:read\", "
      "resource is Dataset);\n");
  auto put = c->Call(&v1::PolicyService::Stub::PutPolicySet, c->policies(), policies);
  ASSERT_TRUE(put.ok()) << put.status();
  v1::CreateTokenRequest token;
  token.set_principal("user:bob");
  auto bob_token = c->Call(&v1::TokenService::Stub::CreateToken, c->tokens(), token);
  ASSERT_TRUE(bob_token.ok()) << bob_token.status();

  // A hub: a 200-column table that one job copies into 300 datasets.
  v1::ApplyRequest wide;
  v1::Dataset* hub = wide.add_resources()->mutable_dataset();
  hub->mutable_key()->set_namespace_("pg://hub");
  hub->mutable_key()->set_name("wide");
  hub->mutable_spec()->add_owners()->set_principal("user:admin");
  for (int i = 0; i < 200; ++i) {
    v1::Field* f = hub->mutable_spec()->mutable_schema()->add_fields();
    char name[8];
    std::snprintf(name, sizeof name, "f%03d", i);
    f->set_name(name);
    f->set_type("bigint");
  }
  ASSERT_TRUE(c->Call(&v1::CatalogService::Stub::Apply, c->catalog(), wide).ok());
  std::vector<testing::EventIo> copies;
  for (int i = 0; i < 300; ++i) {
    char name[8];
    std::snprintf(name, sizeof name, "out%03d", i);
    copies.push_back({.name = name});
  }
  v1::IngestRequest fanout;
  fanout.add_events(testing::RunEventJson("COMPLETE", "22222222-2222-4222-8222-222222222222", 5,
                                          {{.name = "wide"}}, copies, "fanout", "hub", "pg://hub"));
  auto ingested = c->Call(&v1::LineageService::Stub::Ingest, c->lineage(), fanout);
  ASSERT_TRUE(ingested.ok()) << ingested.status();

  const fs::path shots = testing::BinDir() / "ui-screenshots";
  using testing::ShellQuote;
  testing::CommandResult run = testing::RunCommand(
      "CATALOG_UI_BASE=http://127.0.0.1:" + std::to_string(daemon.http_port()) +
      " CATALOG_ADMIN_TOKEN=" + ShellQuote(admin) +
      " CATALOG_BOB_TOKEN=" + ShellQuote(bob_token->secret()) +
      " CATALOG_XSS_NAME=" + ShellQuote(kHostileName) +
      " CATALOG_SCREENSHOTS=" + ShellQuote(shots.string()) +
      " node " + ShellQuote((src / "tests/ui/browser_test.mjs").string()));
  std::cout << run.output;
  EXPECT_EQ(run.code, 0) << run.output;
  EXPECT_THAT(run.output, ::testing::HasSubstr("all browser checks passed"));
  EXPECT_TRUE(fs::exists(shots / "dataset-overview.png"));
}

}  // namespace
}  // namespace catalog
