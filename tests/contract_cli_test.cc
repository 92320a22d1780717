// End to end: catalogctl contract, offline in a pull request (lint, diff
// against a git base, every output format and exit code) and against a
// running catalogd (apply, get, history, describe, check with consumers).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "tests/e2e.h"

namespace catalog {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using nlohmann::json;

fs::path ExampleContract() {
  return testing::SourceDir() / "examples" / "contracts" / "orders.odcs.yaml";
}

fs::path DatedExample() {
  return testing::SourceDir().parent_path() / "shared" / "conformance" / "odcs" /
         "examples" / "fundamentals" / "table-column-description.odcs.yaml";
}

// The example contract with `from` replaced by `to`.
std::string Edited(const std::string& from, const std::string& to) {
  std::string text = testing::ReadFile(ExampleContract());
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

// Drops the email property (breaking) and bumps the version to `version`.
std::string WithoutEmail(const std::string& version) {
  std::string text = Edited("version: 1.0.0", "version: " + version);
  size_t start = text.find("      - name: email");
  size_t end = text.find("      - name: shipping_address");
  return text.erase(start, end - start);
}

// The line of the example's email property.
int EmailLine() {
  std::string text = testing::ReadFile(ExampleContract());
  size_t at = text.find("      - name: email");
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

// catalogctl offline, in `dir`.
Result Offline(const fs::path& dir, const std::string& args) {
  fs::path out = dir / "out.txt", err = dir / "err.txt";
  std::string cmd = "cd '" + dir.string() + "' && '" +
                    (testing::BinDir() / "client" / "catalogctl").string() +
                    "' " + args + " > '" + out.string() + "' 2> '" +
                    err.string() + "'";
  int status = std::system(cmd.c_str());
  return {WEXITSTATUS(status), testing::ReadFile(out), testing::ReadFile(err)};
}

TEST(ContractCliOffline, LintExitCodesAndFormats) {
  testing::TempDir dir;
  Result clean = Offline(dir.path(), "contract lint '" + ExampleContract().string() + "'");
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_THAT(clean.out, HasSubstr("1 file: 0 lint errors"));

  std::string dated = "'" + DatedExample().string() + "'";
  Result text = Offline(dir.path(), "contract lint " + dated);
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_THAT(text.out, HasSubstr(".odcs.yaml:19:13: error [yaml-timestamp]"));

  Result github = Offline(dir.path(), "contract lint --format github " + dated);
  EXPECT_EQ(github.exit_code, 1);
  EXPECT_THAT(github.out, HasSubstr(",line=19,col=13,title=yaml-timestamp::unquoted 2022-10-03"));
  EXPECT_EQ(github.out.rfind("::error file=", 0), 0u) << github.out;

  Result j = Offline(dir.path(), "contract lint --format json " + dated);
  json report = json::parse(j.out);
  EXPECT_EQ(report["exitCode"], 1);
  EXPECT_EQ(report["files"][0]["findings"][0]["line"], 19);
  EXPECT_EQ(report["files"][0]["findings"][0]["rule"], "yaml-timestamp");

  Result md = Offline(dir.path(), "contract lint --format markdown " + dated);
  EXPECT_THAT(md.out, HasSubstr("| error | 19 | `yaml-timestamp` |"));

  // Bad input: a file that is not there, YAML that does not parse, a
  // format that does not exist.
  EXPECT_EQ(Offline(dir.path(), "contract lint nowhere.yaml").exit_code, 2);
  testing::WriteFile(dir.path() / "broken.yaml", "id: [1, 2\n");
  Result broken = Offline(dir.path(), "contract lint broken.yaml");
  EXPECT_EQ(broken.exit_code, 2);
  EXPECT_THAT(broken.out, HasSubstr("broken.yaml:2:"));
  EXPECT_EQ(Offline(dir.path(), "contract lint --format xml " + dated).exit_code, 2);
}

TEST(ContractCliOffline, DiffOfTwoFiles) {
  testing::TempDir dir;
  testing::WriteFile(dir.path() / "old.yaml", testing::ReadFile(ExampleContract()));
  testing::WriteFile(dir.path() / "broken.yaml", WithoutEmail("1.1.0"));
  Result r = Offline(dir.path(), "contract diff old.yaml broken.yaml");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("old.yaml:" + std::to_string(EmailLine()) +
                               ":9: breaking [property-removed] "
                               "property \"orders.email\" was removed"));
  EXPECT_THAT(r.out, HasSubstr("needs a major version bump"));
  testing::WriteFile(dir.path() / "doc.yaml",
                     Edited("Unique order number", "The order's number"));
  Result patch = Offline(dir.path(), "contract diff old.yaml doc.yaml");
  EXPECT_EQ(patch.exit_code, 0) << patch.out;
  EXPECT_THAT(patch.out, HasSubstr("info [description-changed]"));
  EXPECT_EQ(Offline(dir.path(), "contract diff old.yaml").exit_code, 2);
}

TEST(ContractCliOffline, DiffAgainstAGitBase) {
  testing::TempDir dir;
  fs::path repo = dir.path() / "repo";
  fs::create_directories(repo / "contracts");
  testing::WriteFile(repo / "contracts" / "orders.odcs.yaml",
                     testing::ReadFile(ExampleContract()));
  std::string git = "git -c user.name=ci -c user.email=ci@example.com ";
  ASSERT_EQ(std::system(("cd '" + repo.string() + "' && git init -q && " + git +
                         "add . && " + git + "commit -qm base").c_str()),
            0);
  // The pull request drops a column and adds a contract.
  testing::WriteFile(repo / "contracts" / "orders.odcs.yaml", WithoutEmail("1.1.0"));
  testing::WriteFile(repo / "contracts" / "new.odcs.yaml",
                     Edited("id: sales-orders", "id: sales-returns"));
  Result r = Offline(repo, "contract diff --base HEAD contracts/");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("contracts/new.odcs.yaml: new contract"));
  EXPECT_THAT(r.out, HasSubstr("HEAD:contracts/orders.odcs.yaml:" +
                               std::to_string(EmailLine()) +
                               ":9: breaking [property-removed]"));
  // As annotations: the removed property has no line in the new file.
  Result gh = Offline(repo, "contract diff --base HEAD --format github "
                            "contracts/orders.odcs.yaml");
  EXPECT_THAT(gh.out, HasSubstr("::error file=contracts/orders.odcs.yaml,"
                                "title=breaking%3A property-removed::property "
                                "\"orders.email\" was removed (line " +
                                std::to_string(EmailLine()) +
                                " of HEAD:contracts/orders.odcs.yaml)"));
  EXPECT_THAT(gh.out, HasSubstr("::warning file=contracts/orders.odcs.yaml,line=8,"
                                "col=10,title=warning%3A version-bump::these changes "
                                "need a major version bump"));
  // From a subdirectory, paths are relative to it.
  Result sub = Offline(repo / "contracts", "contract diff --base HEAD orders.odcs.yaml");
  EXPECT_EQ(sub.exit_code, 1) << sub.out << sub.err;
  // Unchanged: clean. An unknown base: bad input.
  ASSERT_EQ(std::system(("cd '" + repo.string() + "' && git checkout -q -- . && "
                         "rm contracts/new.odcs.yaml").c_str()),
            0);
  EXPECT_EQ(Offline(repo, "contract diff --base HEAD contracts/").exit_code, 0);
  Result unknown = Offline(repo, "contract diff --base no-such-branch contracts/");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.out, HasSubstr("\"no-such-branch\" is not a git revision"));
  // Outside a repository git reads, git's reason (in a CI container: a
  // checkout another user owns, and what to configure).
  testing::TempDir elsewhere;
  testing::WriteFile(elsewhere.path() / "orders.odcs.yaml", testing::ReadFile(repo / "contracts/orders.odcs.yaml"));
  Result no_repo = Offline(elsewhere.path(), "contract diff --base main orders.odcs.yaml");
  EXPECT_EQ(no_repo.exit_code, 2);
  EXPECT_THAT(no_repo.out, HasSubstr("--base: git cannot read a repository here: fatal: not a git repository"));
}

TEST_F(EndToEnd, ContractsRegisteredCheckedAndShown) {
  ASSERT_EQ(Ctl("apply " + Quickstart()).exit_code, 0);
  std::string file = "'" + ExampleContract().string() + "'";
  Result apply = Ctl("contract apply -f " + file);
  ASSERT_EQ(apply.exit_code, 0) << apply.err;
  EXPECT_THAT(apply.out, HasSubstr("contract sales-orders 1.0.0 (active) registered"));
  EXPECT_THAT(apply.out, HasSubstr("orders -> postgres://prod-db:5432/sales.public.orders"));
  Result described = Ctl("describe dataset postgres://prod-db:5432/sales.public.orders");
  EXPECT_THAT(described.out, HasSubstr("Contract:        sales-orders 1.0.0 (active)"));
  Result got = Ctl("contract get sales-orders");
  EXPECT_EQ(got.out, testing::ReadFile(ExampleContract()));
  Result list = Ctl("contract get");
  EXPECT_THAT(list.out, HasSubstr("sales-orders"));
  Result by_dataset = Ctl("contract get --dataset postgres://prod-db:5432/sales.public.orders -o json");
  EXPECT_EQ(json::parse(by_dataset.out)["version"], "1.0.0");

  // Pipelines downstream of orders, from the quickstart's lineage example.
  std::string events = (testing::SourceDir() / "examples" / "lineage" / "daily_sales.jsonl").string();
  ASSERT_EQ(Ctl("lineage ingest '" + events + "'").exit_code, 0);
  testing::WriteFile(dir_.path() / "candidate.yaml", WithoutEmail("1.1.0"));
  Result check = Ctl("contract check candidate.yaml");
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_THAT(check.out, HasSubstr("breaking [property-removed]"));
  EXPECT_THAT(check.out, HasSubstr("breaking change reaches bigquery/analytics.staging.orders"));
  EXPECT_THAT(check.out, HasSubstr("group:sales-eng"));
  // The server refuses the breaking version; a major one it takes.
  Result refused = Ctl("contract apply -f candidate.yaml");
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_THAT(refused.err, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(refused.err, HasSubstr("needs a new major version"));
  testing::WriteFile(dir_.path() / "major.yaml", WithoutEmail("2.0.0"));
  ASSERT_EQ(Ctl("contract apply -f major.yaml").exit_code, 0);
  Result history = Ctl("contract history sales-orders");
  EXPECT_THAT(history.out, HasSubstr("1.0.0"));
  EXPECT_THAT(history.out, HasSubstr("2.0.0"));
  // A run that writes order_id as text breaks the contract: recorded, shown.
  json event = {
      {"eventType", "COMPLETE"}, {"eventTime", "2026-11-25T10:00:00Z"},
      {"producer", "https://example.com/etl"},
      {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json"},
      {"run", {{"runId", "33333333-3333-3333-3333-333333333333"}}},
      {"job", {{"namespace", "etl"}, {"name", "load_orders"}}},
      {"inputs", json::array()},
      {"outputs", json::array({{{"namespace", "postgres://prod-db:5432"},
                                {"name", "sales.public.orders"},
                                {"facets", {{"schema", {{"fields", json::array({
                                    {{"name", "order_id"}, {"type", "varchar"}}})}}}}}}})}};
  testing::WriteFile(dir_.path() / "run.json", event.dump());
  ASSERT_EQ(Ctl("lineage ingest run.json").exit_code, 0);
  Result violated = Ctl("describe dataset postgres://prod-db:5432/sales.public.orders");
  EXPECT_THAT(violated.out, HasSubstr("Contract violations (latest first):"));
  EXPECT_THAT(violated.out, HasSubstr("lineage run etl/load_orders 33333333"));
  EXPECT_THAT(violated.out, HasSubstr("property \"order_id\" is integer in the "
                                      "contract but varchar (string) here"));
  // A schema that no longer fits: the server's view names it.
  testing::WriteFile(dir_.path() / "wants.yaml",
                     Edited("      - name: email", "      - name: coupon\n"
                                                     "        logicalType: string\n"
                                                     "        required: true\n"
                                                     "      - name: email"));
  Result lint = Ctl("contract lint --server wants.yaml");
  EXPECT_EQ(lint.exit_code, 1);
  EXPECT_THAT(lint.out, HasSubstr("error [schema/missing] property \"coupon\" is "
                                  "required by the contract and missing"));
}

}  // namespace
}  // namespace catalog
