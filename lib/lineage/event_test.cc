#include "lib/lineage/event.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "lib/lineage/node.h"
#include "tests/test_env.h"

namespace catalog::lineage {
namespace {

namespace fs = std::filesystem;

fs::path OpenLineageDir() {
  return testing::SourceDir().parent_path() / "shared" / "conformance" /
         "openlineage";
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

const char* kMinimal = R"({
  "eventType": "COMPLETE",
  "eventTime": "2024-05-01T10:00:00.123456+02:00",
  "producer": "https://example.com/producer",
  "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
  "run": {"runId": "3F5E83FA-3480-44FF-99C5-FF943904E5E8",
          "facets": {"parent": {"run": {"runId": "11111111-2222-3333-4444-555555555555"},
                                "job": {"namespace": "airflow", "name": "dag"}},
                     "errorMessage": {"message": "boom", "programmingLanguage": "py"},
                     "custom_thing": {"x": [1, 2, 3]}}},
  "job": {"namespace": "airflow", "name": "dag.task",
          "facets": {"jobType": {"processingType": "BATCH", "integration": "SPARK", "jobType": "SQL_JOB"},
                     "sql": {"query": "select 1"}}},
  "inputs": [{"namespace": "postgres://db:5432", "name": "public.orders",
              "inputFacets": {"dataQualityMetrics": {"rowCount": 10}}}],
  "outputs": [{"namespace": "gs://bucket", "name": "out/orders.csv",
    "facets": {
      "schema": {"fields": [{"name": "id", "type": "INT"},
                            {"name": "id", "type": "BIGINT"},
                            {"name": "address", "fields": [{"name": "city", "type": "STRING"}]}]},
      "documentation": {"description": "Orders, exported"},
      "ownership": {"owners": [{"name": "user:jdoe", "type": "MAINTAINER"},
                               {"name": "team:data", "type": "BUSINESS_OWNER"},
                               {"name": "weird owner!"}]},
      "tags": {"tags": [{"key": "pii", "value": "true"}, {"key": "tier", "value": "gold"},
                        {"key": "col", "value": "x", "field": "id"}]},
      "symlinks": {"identifiers": [{"namespace": "hive://meta", "name": "db.orders", "type": "TABLE"}]},
      "lifecycleStateChange": {"lifecycleStateChange": "RENAME",
                               "previousIdentifier": {"namespace": "gs://bucket", "name": "old.csv"}},
      "columnLineage": {"fields": {"id": {"inputFields": [
          {"namespace": "postgres://db:5432", "name": "public.orders", "field": "order_id",
           "transformations": [{"type": "DIRECT", "subtype": "IDENTITY", "masking": false}]}]}},
        "dataset": [{"namespace": "postgres://db:5432", "name": "public.orders", "field": "status",
                     "transformations": [{"type": "INDIRECT", "subtype": "FILTER"}]}]},
      "myCompany_quality": {"score": 0.9}
    }}]
})";

TEST(ParseEvent, ReadsTheStandardFacets) {
  absl::StatusOr<Event> e = ParseEvent(kMinimal);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->kind, EventKind::kRun);
  EXPECT_EQ(e->state, RunState::kComplete);
  EXPECT_EQ(e->event_time, "2024-05-01T08:00:00.123Z");
  EXPECT_EQ(e->run_id, "3f5e83fa-3480-44ff-99c5-ff943904e5e8");
  ASSERT_TRUE(e->parent);
  EXPECT_EQ(e->parent->job.ToString(), "airflow/dag");
  EXPECT_EQ(e->error_message, "boom");
  EXPECT_EQ(e->job_type, "BATCH/SPARK/SQL_JOB");
  EXPECT_EQ(e->sql, "select 1");
  EXPECT_TRUE(e->run_facets.contains("custom_thing"));
  ASSERT_EQ(e->inputs.size(), 1u);
  // Quality facets are kept as results (quality_test.cc), not as facets.
  EXPECT_FALSE(e->inputs[0].io_facets.contains("dataQualityMetrics"));
  ASSERT_EQ(e->inputs[0].quality.size(), 1u);
  EXPECT_EQ(e->inputs[0].quality[0].value, 10);
  ASSERT_EQ(e->outputs.size(), 1u);
  const DatasetFacts& out = e->outputs[0];
  EXPECT_EQ(out.key.ToString(), "gs://bucket/out/orders.csv");
  ASSERT_TRUE(out.schema);
  ASSERT_EQ(out.schema->size(), 2u);  // the duplicate "id" is dropped
  EXPECT_EQ((*out.schema)[0].type, "INT");
  EXPECT_EQ((*out.schema)[1].type, "unknown");
  EXPECT_EQ((*out.schema)[1].fields[0].name, "city");
  EXPECT_EQ(out.description, "Orders, exported");
  ASSERT_EQ(out.owners.size(), 2u);
  EXPECT_EQ(out.owners[0].principal, "user:jdoe");
  EXPECT_EQ(out.owners[1].principal, "group:data");
  EXPECT_EQ(out.owners[1].type, OwnershipType::kBusiness);
  EXPECT_EQ(out.tags, (std::vector<std::string>{"pii", "tier:gold"}));
  ASSERT_EQ(out.symlinks.size(), 1u);
  EXPECT_EQ(out.symlinks[0].key.ToString(), "hive://meta/db.orders");
  ASSERT_TRUE(out.lifecycle);
  EXPECT_EQ(out.lifecycle->change, "RENAME");
  EXPECT_EQ(out.lifecycle->previous->ToString(), "gs://bucket/old.csv");
  ASSERT_EQ(out.column_lineage.size(), 2u);
  EXPECT_EQ(out.column_lineage[0].output_field, "id");
  EXPECT_EQ(out.column_lineage[0].inputs[0].field, "order_id");
  EXPECT_EQ(out.column_lineage[0].inputs[0].transformations[0].subtype, "IDENTITY");
  EXPECT_EQ(out.column_lineage[1].output_field, "");
  EXPECT_EQ(out.column_lineage[1].inputs[0].transformations[0].type, "INDIRECT");
  EXPECT_TRUE(out.facets.contains("myCompany_quality"));
}

TEST(ParseEvent, RefusesWithThePathAndTheRule) {
  struct Case {
    std::string patch_from, patch_to, error;
  };
  std::vector<Case> cases = {
      {R"("runId": "3F5E83FA-3480-44FF-99C5-FF943904E5E8",)", "", "run.runId: is required"},
      {"3F5E83FA-3480-44FF-99C5-FF943904E5E8", "", "run.runId: must not be empty"},
      {R"("eventType": "COMPLETE")", R"("eventType": "DONE")", "eventType: \"DONE\" is not one of"},
      {"2024-05-01T10:00:00.123456+02:00", "yesterday", "eventTime: \"yesterday\" is not an RFC 3339"},
      {R"("producer": "https://example.com/producer",)", "", "producer: is required"},
      {R"("namespace": "airflow", "name": "dag.task")", R"("namespace": "airflow")", "job.name: is required"},
      {R"({"name": "id", "type": "INT"})", R"({"type": "INT"})", "outputs[0].facets.schema.fields[0].name: is required"},
      {R"("schema": {"fields": [)", R"("schema": {"fields": 7, "x": [)", "outputs[0].facets.schema.fields: must be an array"},
      {R"("lifecycleStateChange": "RENAME")", R"("lifecycleStateChange": "MELT")", "lifecycleStateChange.lifecycleStateChange: must be one of"},
      {R"("field": "order_id",)", "", "columnLineage.fields.id.inputFields[0].field: is required"},
      {R"("name": "public.orders",)", R"("name": "",)", "inputs[0].name: must not be empty"},
  };
  for (const Case& c : cases) {
    std::string text = kMinimal;
    size_t at = text.find(c.patch_from);
    ASSERT_NE(at, std::string::npos) << c.patch_from;
    text.replace(at, c.patch_from.size(), c.patch_to);
    absl::StatusOr<Event> e = ParseEvent(text);
    ASSERT_FALSE(e.ok()) << c.error;
    EXPECT_EQ(e.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(Message(e.status()).find(c.error), std::string::npos)
        << Message(e.status()) << "\nwanted: " << c.error;
  }
}

TEST(ParseEvent, RefusesHostileText) {
  EXPECT_FALSE(ParseEvent("{").ok());
  EXPECT_FALSE(ParseEvent("[]").ok());
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  absl::StatusOr<Event> e = ParseEvent(deep);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(Message(e.status()).find("nests deeper than 64"), std::string::npos);
  std::string big = R"({"eventTime": ")" + std::string(kMaxEventBytes, 'x') + "\"}";
  e = ParseEvent(big);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(Message(e.status()).find("must be at most"), std::string::npos);
  std::string nul = kMinimal;
  nul.replace(nul.find("public.orders"), 6, std::string("pub\0ic", 6));
  EXPECT_FALSE(ParseEvent(nul).ok());
}

TEST(ParseEvent, DatasetAndJobEvents) {
  absl::StatusOr<Event> d = ParseEvent(R"({"eventTime": "2024-01-01T00:00:00Z",
    "producer": "p", "schemaURL": "s",
    "dataset": {"namespace": "ns", "name": "t",
                "facets": {"documentation": {"description": "hi"}}}})");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->kind, EventKind::kDataset);
  EXPECT_EQ(d->outputs.at(0).description, "hi");
  absl::StatusOr<Event> j = ParseEvent(R"({"eventTime": "2024-01-01T00:00:00",
    "producer": "p", "schemaURL": "s", "job": {"namespace": "n", "name": "j"},
    "inputs": [{"namespace": "ns", "name": "a"}]})");
  ASSERT_TRUE(j.ok()) << j.status();
  EXPECT_EQ(j->kind, EventKind::kJob);
  EXPECT_EQ(j->event_time, "2024-01-01T00:00:00.000Z");
  EXPECT_EQ(j->inputs.size(), 1u);
}

TEST(ParseEventTime, Forms) {
  EXPECT_EQ(*ParseEventTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseEventTime("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(*ParseEventTime("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(*ParseEventTime("2020-02-29T00:00:00.999999999Z"), 1582934400999);
  EXPECT_EQ(*ParseEventTime("2024-10-16T16:53:18.459Z[UTC]"), 1729097598459);
  EXPECT_FALSE(ParseEventTime("2024-13-01T00:00:00Z").ok());
  EXPECT_FALSE(ParseEventTime("2024-01-01T00:00:00+0100").ok());
  EXPECT_FALSE(ParseEventTime("2024-01-01").ok());
  // Years a time point cannot hold (found by fuzz_openlineage: 4048
  // overflowed the clock) are refused, naming the rule.
  absl::StatusOr<int64_t> far = ParseEventTime("4048-08-06T13:26:53.511Z");
  ASSERT_FALSE(far.ok());
  EXPECT_NE(far.status().message().find("between 1900 and 2200"), std::string::npos);
  EXPECT_FALSE(ParseEventTime("0001-01-01T00:00:00Z").ok());
  EXPECT_TRUE(ParseEventTime("2200-12-31T23:59:59Z").ok());
}

TEST(SplitEvents, ObjectArrayAndJsonLines) {
  EXPECT_EQ(SplitEvents(R"({"a": "}"})")->size(), 1u);
  EXPECT_EQ(SplitEvents(R"([{"a": 1}, {"b": [2]}])")->size(), 2u);
  absl::StatusOr<std::vector<std::string>> lines =
      SplitEvents("{\"a\": 1}\n{\"b\": \"{\"}\n\n{\"c\": 3}\n");
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 3u);
  EXPECT_EQ((*lines)[1], R"({"b": "{"})");
  EXPECT_FALSE(SplitEvents("").ok());
  EXPECT_FALSE(SplitEvents("{\"a\": 1} x").ok());
  EXPECT_FALSE(SplitEvents("{\"a\": 1} \"x\"").ok());  // not dropped silently
  EXPECT_FALSE(SplitEvents("{\"a\": 1").ok());
}

TEST(NodeRef, Forms) {
  absl::StatusOr<NodeRef> d = ParseNodeRef("node", "gs://bucket/path/file.csv");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, NodeRef::Kind::kDataset);
  EXPECT_EQ(d->dataset.ns, "gs://bucket");
  EXPECT_EQ(d->dataset.name, "path/file.csv");
  d = ParseNodeRef("node", "bigquery/proj.ds.table");
  EXPECT_EQ(d->dataset.ns, "bigquery");
  absl::StatusOr<NodeRef> c = ParseNodeRef("node", "postgres://db:5432/public.t#a.b");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->kind, NodeRef::Kind::kColumn);
  EXPECT_EQ(c->dataset.ns, "postgres://db:5432");
  EXPECT_EQ(c->field, "a.b");
  EXPECT_EQ(c->ToString(), "postgres://db:5432/public.t#a.b");
  absl::StatusOr<NodeRef> j = ParseNodeRef("node", "job:airflow/dag.task");
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->kind, NodeRef::Kind::kJob);
  EXPECT_EQ(j->job.ToString(), "airflow/dag.task");
  for (const char* bad : {"", "noslash", "job:x", "ns/", "/name", "ns/t#"}) {
    absl::StatusOr<NodeRef> r = ParseNodeRef("node", bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(Message(r.status()).substr(0, 5), "node:");
    }
  }
}

// Conformance: every whole event among the examples and every captured
// real event parses; the invalid example is refused naming runId.
TEST(OpenLineageConformance, EveryCompleteEventParses) {
  fs::path dir = OpenLineageDir();
  ASSERT_TRUE(fs::is_directory(dir)) << dir;
  int parsed = 0, real = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    std::string rel = fs::relative(entry.path(), dir).string();
    if (entry.path().extension() != ".json") continue;
    bool is_real = rel.rfind("real-events/", 0) == 0 &&
                   rel.find("/events/") != std::string::npos;
    bool is_whole_example =
        rel.rfind("examples/", 0) == 0 && rel.find("facets/") == std::string::npos &&
        name.find("expected") == std::string::npos &&
        name.find("INVALID") == std::string::npos &&
        name.rfind("14_", 0) != 0;
    if (!is_real && !is_whole_example) continue;
    absl::StatusOr<std::vector<std::string>> texts =
        SplitEvents(testing::ReadFile(entry.path()));
    ASSERT_TRUE(texts.ok()) << rel << ": " << texts.status();
    for (const std::string& text : *texts) {
      absl::StatusOr<Event> e = ParseEvent(text);
      EXPECT_TRUE(e.ok()) << rel << ": " << e.status();
      ++parsed;
    }
    if (is_real) ++real;
  }
  EXPECT_EQ(real, 74);
  EXPECT_GE(parsed, 74 + 9);

  absl::StatusOr<Event> invalid = ParseEvent(testing::ReadFile(
      dir / "examples" / "06_INVALID_runevent_no_run_id_fluentd.json"));
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(Message(invalid.status()).find("run.runId: is required"),
            std::string::npos)
      << invalid.status();
}

}  // namespace
}  // namespace catalog::lineage
