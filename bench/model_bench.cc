// model_bench: what models cost (docs/PERFORMANCE.md#models).
//
//   build/bench/model_bench [--models 10000] [--versions 20] [--rounds 7]
//
// A SQLite catalog of N models of V versions each (manifests: a card, two
// metrics, a signature of three inputs), then one more version of every
// model registered by an OpenLineage training run that read a hub dataset
// and one of its own. Measures (medians of --rounds) listing every model
// (with version counts and aliases), one model's versions, what trained a
// version (TrainingInputs), the model versions trained on the hub (what
// impact adds for a hub dataset), and the authorization snapshot's
// entities for all models and versions (heap bytes, through the
// snapshot's interner). Then N/10 feature views derived from the hub and
// N/10 AI applications reading it and calling a version trained on it:
// the impact of the hub (ComputeImpact, depth 10) before and after them,
// and one model's and one version's history (object_history).
#include <CLI/CLI.hpp>
#include <iostream>

#include <nlohmann/json.hpp>

#include "bench/bench_util.h"
#include "lib/lineage/event.h"
#include "lib/policy/entities.h"
#include "lib/util/strings.h"
#include "server/authz/catalog_entities.h"
#include "server/authz/interner.h"
#include "server/lineage/impact.h"
#include "server/store/store.h"
#include "tests/test_env.h"

namespace {

using namespace catalog;
using bench::Clock;
using bench::Micros;
using bench::Millis;
using bench::Percentile;
using nlohmann::json;

std::string Name(int i) { return StrCat("model-", i); }

Resource ModelAt(int i) {
  Resource r{.kind = Resource::Kind::kModel};
  r.model = {.name = Name(i),
             .spec = {.description = "Scores what the domain team needs scored",
                      .owners = {{"user:alice", OwnershipType::kTechnical}},
                      .tags = {"bench", StrCat("t", i % 10)},
                      .card = {.intended_use = "Ranking", .limitations = "Bench data only"}}};
  return r;
}

Resource VersionAt(int i, int v) {
  Resource r{.kind = Resource::Kind::kModelVersion};
  r.model_version = {.model = Name(i),
                     .version = std::to_string(v),
                     .spec = {.source = StrCat("s3://models/", Name(i), "/", v),
                              .framework = "sklearn",
                              .metrics = {{"auc", 0.8 + v / 1000.0}, {"f1", 0.6}},
                              .inputs = {{.name = "a", .type = "double"},
                                         {.name = "b", .type = "double"},
                                         {.name = "c", .type = "bigint"}}}};
  return r;
}

std::string TrainingEvent(int i, int version) {
  json e = {{"eventType", "COMPLETE"},
            {"eventTime", "2026-12-01T03:00:00Z"},
            {"producer", "https://example.com/bench"},
            {"schemaURL", "https://openlineage.io/spec/2-0-2/OpenLineage.json"},
            {"run", {{"runId", StrCat("run-", i)}}},
            {"job", {{"namespace", "airflow"}, {"name", StrCat("train_", i)}}},
            {"inputs",
             {{{"namespace", "warehouse"}, {"name", "db.features"}},
              {{"namespace", "warehouse"}, {"name", StrCat("db.labels_", i)}}}},
            {"outputs",
             {{{"namespace", "models:"}, {"name", StrCat("/", Name(i), "/", version)}}}}};
  return e.dump();
}

int Fail(const absl::Status& s) {
  std::cerr << s << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"model reads"};
  int n = 10000, versions = 20, rounds = 7;
  app.add_option("--models", n);
  app.add_option("--versions", versions);
  app.add_option("--rounds", rounds);
  CLI11_PARSE(app, argc, argv);
  testing::TempDir dir;
  auto opened = store::Store::Open({.path = (dir.path() / "c.db").string()});
  if (!opened.ok()) return Fail(opened.status());
  store::Store& store = **opened;
  Clock::time_point t0 = Clock::now();
  std::vector<Resource> batch;
  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    absl::Status s = store.Apply(batch, "user:alice", false, nullptr).status();
    batch.clear();
    return s;
  };
  for (int i = 0; i < n; ++i) {
    batch.push_back(ModelAt(i));
    for (int v = 1; v <= versions; ++v) batch.push_back(VersionAt(i, v));
    if (batch.size() >= 1000) {
      if (absl::Status s = flush(); !s.ok()) return Fail(s);
    }
  }
  if (absl::Status s = flush(); !s.ok()) return Fail(s);
  const double apply_s = Millis(Clock::now() - t0) / 1000;
  t0 = Clock::now();
  std::vector<lineage::Event> events;
  for (int i = 0; i < n; ++i) {
    absl::StatusOr<lineage::Event> e = lineage::ParseEvent(TrainingEvent(i, versions + 1));
    if (!e.ok()) return Fail(e.status());
    events.push_back(*std::move(e));
    if (events.size() == 500 || i + 1 == n) {
      if (auto r = store.IngestEvents(events, "user:alice"); !r.ok()) return Fail(r.status());
      events.clear();
    }
  }
  const double ingest_s = Millis(Clock::now() - t0) / 1000;

  std::vector<double> list_ms, versions_us, inputs_us, hub_ms;
  size_t trained_on_hub = 0;
  for (int r = 0; r < rounds; ++r) {
    t0 = Clock::now();
    auto all = store.ListModels();
    list_ms.push_back(Millis(Clock::now() - t0));
    if (!all.ok() || all->size() != static_cast<size_t>(n)) return Fail(all.status());
    const std::string one = Name((r * 7919) % n);
    t0 = Clock::now();
    auto listed = store.ListModelVersions(one);
    versions_us.push_back(Micros(Clock::now() - t0));
    if (!listed.ok() || listed->size() != static_cast<size_t>(versions + 1)) {
      return Fail(listed.status());
    }
    t0 = Clock::now();
    auto inputs = store.TrainingInputs(one, std::to_string(versions + 1));
    inputs_us.push_back(Micros(Clock::now() - t0));
    if (!inputs.ok() || inputs->size() != 2) return Fail(inputs.status());
    t0 = Clock::now();
    auto hub = store.ModelsTrainedOn({{"warehouse", "db.features"}});
    hub_ms.push_back(Millis(Clock::now() - t0));
    if (!hub.ok()) return Fail(hub.status());
    trained_on_hub = hub->size();
  }
  // The snapshot's entities for every model and version.
  const size_t heap_before = bench::HeapInUse();
  authz::ValueInterner interner;
  policy::Entities entities;
  size_t count = 0;
  absl::StatusOr<int64_t> scanned = store.ScanContents(
      {.principal = [](Principal) {},
       .domain = [](Domain) {},
       .dataset = [](Dataset) {},
       .job = [](Job) {},
       .model =
           [&](Model m) {
             entities.Add(authz::ModelEntity(m, &interner));
             ++count;
           },
       .model_version =
           [&](ModelVersion v) {
             entities.Add(authz::ModelVersionEntity(v, &interner));
             ++count;
           }});
  if (!scanned.ok()) return Fail(scanned.status());
  entities.Finalize();
  const size_t heap = bench::HeapInUse() - heap_before;
  // Impact of the hub before and after the views and applications on it.
  lineage::LineageGraph graph;
  if (absl::Status s = graph.Load(store); !s.ok()) return Fail(s);
  const DatasetKey hub{"warehouse", "db.features"};
  auto impact_us = [&](std::vector<double>* out, size_t* reached) -> absl::Status {
    for (int r = 0; r < rounds; ++r) {
      t0 = Clock::now();
      absl::StatusOr<lineage::Impact> i = lineage::ComputeImpact(graph, store, {.start = hub});
      out->push_back(Micros(Clock::now() - t0));
      if (!i.ok()) return i.status();
      *reached = i->models.size() + i->feature_views.size() + i->applications.size();
    }
    return absl::OkStatus();
  };
  std::vector<double> impact_before_us, impact_after_us;
  size_t reached_before = 0, reached_after = 0;
  if (absl::Status s = impact_us(&impact_before_us, &reached_before); !s.ok()) return Fail(s);
  Resource schema{.kind = Resource::Kind::kDataset};
  schema.dataset.key = hub;
  schema.dataset.spec.fields = {{.name = "customer_id", .type = "bigint"},
                                {.name = "spend", .type = "double"}};
  batch.push_back(schema);
  const int users = std::max(1, n / 10);
  for (int i = 0; i < users; ++i) {
    Resource view{.kind = Resource::Kind::kFeatureView};
    view.feature_view = {.name = StrCat("features-", i),
                         .spec = {.owners = {{"user:alice", OwnershipType::kTechnical}},
                                  .source = hub,
                                  .entities = {"customer_id"},
                                  .features = {{.name = "spend", .type = "double",
                                                .column = "spend"}}}};
    Resource app{.kind = Resource::Kind::kAIApplication};
    app.application = {.name = StrCat("assistant-", i),
                       .spec = {.type = "rag",
                                .owners = {{"user:alice", OwnershipType::kTechnical}},
                                .models = {StrCat(Name(i), "@", versions + 1)},
                                .data_sources = {hub}}};
    batch.push_back(std::move(view));
    batch.push_back(std::move(app));
    if (batch.size() >= 1000) {
      if (absl::Status s = flush(); !s.ok()) return Fail(s);
    }
  }
  if (absl::Status s = flush(); !s.ok()) return Fail(s);
  if (absl::Status s = impact_us(&impact_after_us, &reached_after); !s.ok()) return Fail(s);
  std::vector<double> history_us;
  for (int r = 0; r < rounds; ++r) {
    const std::string one = Name((r * 7919) % n);
    t0 = Clock::now();
    auto model = store.ModelHistory(one);
    auto version = store.ModelVersionHistory(one, "1");
    history_us.push_back(Micros(Clock::now() - t0));
    if (!model.ok() || !version.ok() || model->size() != 1 || version->size() != 1) {
      return Fail(model.ok() ? version.status() : model.status());
    }
  }
  std::cout << "| models × versions | apply | training runs | list all models | one model's "
               "versions | what trained a version | versions trained on the hub | snapshot "
               "entities |\n|---|---|---|---|---|---|---|---|\n";
  std::cout << "| " << n << " × " << versions << " (+1 trained) | " << apply_s << " s | "
            << ingest_s << " s | " << Percentile(list_ms, 50) << " ms | "
            << Percentile(versions_us, 50) << " µs | " << Percentile(inputs_us, 50) << " µs | "
            << Percentile(hub_ms, 50) << " ms (" << trained_on_hub << ") | "
            << heap / (1024.0 * 1024.0) << " MiB (" << count << " entities, "
            << heap / std::max<size_t>(count, 1) << " B each) |\n\n";
  std::cout << "| impact of the hub | reached | median |\n|---|---|---|\n"
            << "| " << trained_on_hub << " model versions | " << reached_before << " | "
            << Percentile(impact_before_us, 50) / 1000 << " ms |\n"
            << "| + " << users << " feature views, " << users << " AI applications | "
            << reached_after << " | " << Percentile(impact_after_us, 50) / 1000 << " ms |\n\n"
            << "A model's and a version's history: " << Percentile(history_us, 50) << " µs\n";
  return 0;
}
