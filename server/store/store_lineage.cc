// Lineage writes: OpenLineage events become dataset entries, jobs, runs,
// dataset edges and column edges, in one transaction per batch.
#include <algorithm>
#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <optional>

#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"
#include "lib/lineage/event.h"
#include "lib/lineage/mapping.h"
#include "lib/lineage/model_output.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

using nlohmann::json;
using lineage::DatasetFacts;
using lineage::EventKind;
using lineage::RunState;

// Facets whose latest report wins: an older event arriving late must not
// undo a newer one's schema or description.
constexpr const char* kOrderedFacets[] = {"schema", "documentation"};

json ParseObject(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  return j.is_object() ? j : json::object();
}

// One batch of events inside one write transaction.
class Ingest {
 public:
  Ingest(WriteContext& ctx, const IngestGate& gate) : ctx_(ctx), gate_(gate) {}

  absl::Status Event(const lineage::Event& e) {
    event_ = &e;
    repeated_ = false;
    parts_.clear();
    health_.clear();
    judged_.clear();
    if (e.kind == EventKind::kDataset) {
      ASSIGN_OR_RETURN(int64_t id, Dataset(e.outputs[0], "dataset"));
      RETURN_IF_ERROR(Quality(id, {&e.outputs[0].quality}));
      RETURN_IF_ERROR(Health());
      return ctx_.Audit("lineage.ingest", "Dataset",
                        e.outputs[0].key.ToString(), 0, 0);
    }
    ASSIGN_OR_RETURN(JobRow job, Job(e));
    if (e.kind == EventKind::kRun) RETURN_IF_ERROR(Run(e, job));
    // An event older than the job's latest complete run, from another
    // run, records what it saw but does not make an edge current again.
    bool current = e.kind != EventKind::kRun || job.complete_run_id.empty() ||
                   e.run_id == job.complete_run_id ||
                   e.event_time_ms >= job.complete_time_ms;
    std::string run_id = e.kind == EventKind::kRun ? e.run_id : "";
    std::vector<int64_t> input_ids;
    for (size_t i = 0; i < e.inputs.size(); ++i) {
      ASSIGN_OR_RETURN(int64_t id,
                       Dataset(e.inputs[i], StrCat("inputs[", i, "]")));
      input_ids.push_back(id);
      RETURN_IF_ERROR(Edge(job, id, e.inputs[i], false, run_id, current));
      // The test run facet names no dataset: its tests are the outputs',
      // the inputs' when there are none.
      static const std::vector<lineage::QualityResult> kNone;
      RETURN_IF_ERROR(Quality(id, {&e.inputs[i].quality, e.outputs.empty() ? &e.tests : &kNone}));
    }
    for (size_t i = 0; i < e.outputs.size(); ++i) {
      std::string path = StrCat("outputs[", i, "]");
      // A model is no dataset: a completed run registers its version with
      // what it was trained on (docs/models.md#training-lineage).
      if (e.kind == EventKind::kRun) {
        absl::StatusOr<std::optional<lineage::ModelOutput>> model =
            lineage::ModelOutputOf(e.outputs[i], e.run_id);
        if (!model.ok()) {
          return absl::InvalidArgumentError(StrCat(path, ": ", MessageOf(model.status())));
        }
        if (*model) {
          if (e.state == RunState::kComplete) {
            RETURN_IF_ERROR(Trained(**model, e.outputs[i], input_ids, path));
          }
          continue;
        }
      }
      ASSIGN_OR_RETURN(int64_t id, Dataset(e.outputs[i], path));
      RETURN_IF_ERROR(Edge(job, id, e.outputs[i], true, run_id, current));
      RETURN_IF_ERROR(ColumnEdges(job, id, e.outputs[i], path, run_id, current));
      RETURN_IF_ERROR(Quality(id, {&e.outputs[i].quality, &e.tests}));
      if (e.outputs[i].schema && e.kind == EventKind::kRun) {
        ASSIGN_OR_RETURN(DatasetKey key, Canonical(e.outputs[i].key));
        ASSIGN_OR_RETURN(health_[id].in.schema_violations,
                         CheckWrittenSchema(ctx_, key, *e.outputs[i].schema,
                                            StrCat("lineage run ", e.job.ToString(), " ",
                                                   e.run_id)));
      }
      // A successful run wrote it: its freshness counts from the run's end.
      if (e.kind == EventKind::kRun && e.state == RunState::kComplete && !repeated_) {
        std::optional<int64_t>& written = health_[id].in.written_ms;
        written = std::max(written.value_or(0), e.event_time_ms);
      }
    }
    if (e.kind == EventKind::kRun && e.state == RunState::kComplete && !repeated_ &&
        e.event_time_ms >= job.complete_time_ms) {
      ASSIGN_OR_RETURN(bool newest, NewestTerminal(job, e));
      if (newest) RETURN_IF_ERROR(Complete(job, e));
    }
    RETURN_IF_ERROR(ModelMetrics(e));
    RETURN_IF_ERROR(Health());
    return ctx_.Audit("lineage.ingest", "Job", e.job.ToString(), 0, 0);
  }

  int datasets_changed() const { return datasets_changed_; }

 private:
  // What the event said of each dataset's health, judged once per dataset
  // after the whole event is written.
  absl::Status Health() {
    const bool has_job = event_->kind != EventKind::kDataset;
    for (auto& [id, news] : health_) {
      news.in.event_ms = event_->event_time_ms;
      news.in.job = has_job ? event_->job : JobKey{};
      news.in.run_id = event_->run_id;
      RETURN_IF_ERROR(UpdateHealth(ctx_, id, news.key, news.in));
    }
    return absl::OkStatus();
  }

  struct JobRow {
    int64_t id = 0;
    JobKey key;
    std::string complete_run_id;
    int64_t complete_time_ms = 0;
  };

  absl::StatusOr<DatasetKey> Canonical(const DatasetKey& key) {
    ASSIGN_OR_RETURN(std::optional<DatasetKey> target, AliasTarget(ctx_.db, key));
    return target ? *target : key;
  }

  // The time of the stored `facet` of dataset `id`, 0 when none.
  absl::StatusOr<int64_t> FacetTime(int64_t id, const char* facet) {
    ASSIGN_OR_RETURN(Statement * s,
                     ctx_.db.Prepare("SELECT event_ms FROM dataset_facets "
                                     "WHERE dataset_id = ? AND facet = ?"));
    s->Bind(1, id);
    s->Bind(2, facet);
    ASSIGN_OR_RETURN(bool row, s->Step());
    int64_t t = row ? s->Int(0) : 0;
    s->Reset();
    return t;
  }

  absl::Status Upsert(catalog::Dataset& d, std::string_view path) {
    absl::Status valid = ValidateDataset(d);
    if (!valid.ok()) {
      return absl::InvalidArgumentError(
          StrCat(path, " (", d.key.ToString(), "): ", MessageOf(valid)));
    }
    ASSIGN_OR_RETURN(ApplyResult r, ApplyDataset(ctx_, d, 0));
    if (r.outcome != ApplyOutcome::kUnchanged) ++datasets_changed_;
    return absl::OkStatus();
  }

  // Creates or updates the dataset `facts` describe; returns its row id.
  absl::StatusOr<int64_t> Dataset(const DatasetFacts& in, std::string_view path) {
    ASSIGN_OR_RETURN(DatasetKey key, Canonical(in.key));
    ASSIGN_OR_RETURN(auto existing, FindDataset(ctx_.db, key));
    // The facts as sent, or (rarely: a newer event said more) a copy
    // without what it must not undo.
    const DatasetFacts* sent = &in;
    std::optional<DatasetFacts> trimmed;
    catalog::Dataset d{.key = key};
    if (existing) {
      d = existing->second;
      for (const char* facet : kOrderedFacets) {
        ASSIGN_OR_RETURN(int64_t t, FacetTime(existing->first, facet));
        if (t <= event_->event_time_ms) continue;
        if (!trimmed) sent = &trimmed.emplace(in);
        if (std::string_view(facet) == "schema") trimmed->schema.reset();
        if (std::string_view(facet) == "documentation") trimmed->description.reset();
      }
    }
    const DatasetFacts& facts = *sent;
    DatasetSpec before = d.spec;
    // What an event says of a dataset someone else curates is an
    // observation: its schema, never its owners, description, tags,
    // lifecycle or a field's curated tags (lineage/mapping.h).
    const bool curate = !existing || MayCurate(key);
    DatasetSpec reported = d.spec;  // as the event would have it
    if (!curate) lineage::MergeFacts(facts, event_->event_time, reported, true);
    lineage::MergeFacts(facts, event_->event_time, d.spec, curate);
    if (!existing || d.spec != before) RETURN_IF_ERROR(Upsert(d, path));
    int64_t id = 0;
    if (existing) {
      id = existing->first;
    } else {
      ASSIGN_OR_RETURN(existing, FindDataset(ctx_.db, key));
      if (!existing) return absl::InternalError("dataset vanished after upsert");
      id = existing->first;
    }
    if (facts.lifecycle && facts.lifecycle->change == "RENAME" &&
        facts.lifecycle->previous && *facts.lifecycle->previous != key) {
      ASSIGN_OR_RETURN(auto old, FindDataset(ctx_.db, *facts.lifecycle->previous));
      // Marking the old name dropped changes that dataset: its curator's.
      if (old && MayCurate(old->second.key)) {
        catalog::Dataset renamed = old->second;
        lineage::MarkRenamed(key, renamed.spec);
        if (renamed.spec != old->second.spec) RETURN_IF_ERROR(Upsert(renamed, path));
      }
    }
    // Whether the event's word on its health needs keeping (store_health.cc).
    const catalog::Dataset& stored = existing->second;
    HealthNews& news = health_[id];
    news.key = key;
    news.in.unjudged_without_contract =
        stored.health.since_ms == 0 && (!stored.contract || stored.contract->status != "active");
    if (!curate) RETURN_IF_ERROR(Observe(id, reported, d.spec));
    RETURN_IF_ERROR(Facets(id, facts));
    RETURN_IF_ERROR(Aliases(id, facts));
    return id;
  }

  // Keeps what the event said of dataset `id`'s fields and could not
  // change (`reported` against `kept`) as this reporter's observations,
  // the newest per field; a dismissed one stays dismissed until a newer
  // event. One the dataset comes to agree with is moot (not listed).
  absl::Status Observe(int64_t id, const DatasetSpec& reported, const DatasetSpec& kept) {
    ASSIGN_OR_RETURN(
        Statement * put,
        ctx_.db.Prepare("INSERT INTO dataset_observations(dataset_id, field, reporter, value, "
                        "job_namespace, job_name, event_ms, observed_at) VALUES (?1, ?2, ?3, "
                        "?4, ?5, ?8, ?6, ?7) ON CONFLICT (dataset_id, field, reporter) DO UPDATE SET "
                        "value = ?4, "
                        "job_namespace = ?5, job_name = ?8, event_ms = ?6, observed_at = ?7, "
                        "dismissed = 0 WHERE ?6 > dataset_observations.event_ms"));
    const bool has_job = event_->kind != EventKind::kDataset;
    for (const char* field : kObservedFields) {
      json value = DatasetSpecFieldToJson(reported, field);
      if (value == DatasetSpecFieldToJson(kept, field)) continue;
      put->Bind(1, id);
      put->Bind(2, field);
      put->Bind(3, ctx_.actor);
      put->Bind(4, value.dump());
      put->Bind(5, has_job ? event_->job.ns : "");
      put->Bind(6, event_->event_time_ms);
      put->Bind(7, ctx_.now);
      put->Bind(8, has_job ? event_->job.name : "");
      RETURN_IF_ERROR(put->Run());
    }
    return absl::OkStatus();
  }

  // Keeps the results in `lists`, and what the dataset's contract says of
  // the measurements among them, as dataset `id`'s quality results from
  // the event: one row.
  absl::Status Quality(int64_t id,
                       std::initializer_list<const std::vector<lineage::QualityResult>*> lists) {
    std::vector<const lineage::QualityResult*> results;
    bool measured = false;
    for (const auto* list : lists) {
      for (const lineage::QualityResult& r : *list) {
        results.push_back(&r);
        measured = measured || r.facet == "dataQualityMetrics";
      }
    }
    if (results.empty()) return absl::OkStatus();
    const bool has_job = event_->kind != EventKind::kDataset;
    // What the dataset's contract says of what was measured, kept beside it
    // (judged first, so the row is written once; recorded as broken only
    // once the row proves the event new).
    ContractQualityJudgement judged;
    DatasetKey key;
    if (measured) {
      ASSIGN_OR_RETURN(key, KeyOf(id));
      ASSIGN_OR_RETURN(judged, JudgeContractQuality(ctx_.db, key, results));
    }
    const size_t reported = results.size();
    for (const lineage::QualityResult& r : judged.results) results.push_back(&r);
    ASSIGN_OR_RETURN(
        Statement * s,
        ctx_.db.Prepare("INSERT INTO quality_results(dataset_id, event_ms, job_namespace, "
                        "job_name, run_id, part, checks, failed, results, reporter, "
                        "retained_from_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
                        "DO NOTHING"));
    const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    const EncodedQuality encoded = EncodeQualityResults(results);
    s->Bind(1, id);
    s->Bind(2, event_->event_time_ms);
    s->Bind(3, has_job ? event_->job.ns : "");
    s->Bind(4, has_job ? event_->job.name : "");
    s->Bind(5, event_->run_id);
    s->Bind(6, parts_[id]++);
    s->Bind(7, encoded.checks);
    s->Bind(8, encoded.failed);
    s->BindBlob(9, encoded.bytes);
    s->Bind(10, ctx_.actor);
    s->Bind(11, std::max(event_->event_time_ms, now_ms));
    RETURN_IF_ERROR(s->Run());
    // The same event again (delivered twice) adds nothing, and is not
    // judged again.
    if (ctx_.db.Changes() == 0) return absl::OkStatus();
    HealthInput& health = health_[id].in;
    for (size_t i = 0; i < reported; ++i) {
      const lineage::QualityResult* r = results[i];
      health.results.push_back(r);
      // dataQualityMetrics.lastUpdated: when the data was last written.
      if (r->facet == "dataQualityMetrics" && r->name == "lastUpdated" && r->value) {
        health.written_ms = std::max(health.written_ms.value_or(0),
                                     static_cast<int64_t>(*r->value));
      }
    }
    if (judged.results.empty()) return absl::OkStatus();
    RETURN_IF_ERROR(RecordContractBreak(
        ctx_, key, judged,
        has_job ? StrCat("lineage run ", event_->job.ToString(), " ", event_->run_id)
                : std::string("lineage dataset event")));
    // Kept until the event's health is judged.
    judged_.push_back(std::move(judged.results));
    for (const lineage::QualityResult& r : judged_.back()) health.results.push_back(&r);
    return absl::OkStatus();
  }

  // The row id of a dataset only named (by column lineage), registering
  // it when new.
  absl::StatusOr<int64_t> IdOf(const DatasetKey& key, std::string_view path) {
    auto known = ids_.find(key);
    if (known != ids_.end()) return known->second;
    ASSIGN_OR_RETURN(DatasetKey canonical, Canonical(key));
    ASSIGN_OR_RETURN(Statement * s,
                     ctx_.db.Prepare("SELECT id FROM datasets WHERE "
                                     "namespace = ? AND name = ?"));
    s->Bind(1, canonical.ns);
    s->Bind(2, canonical.name);
    ASSIGN_OR_RETURN(bool row, s->Step());
    int64_t id = 0;
    if (row) {
      id = s->Int(0);
      s->Reset();
    } else {
      ASSIGN_OR_RETURN(id, Dataset(DatasetFacts{.key = key}, path));
    }
    ids_.emplace(key, id);
    return id;
  }

  absl::Status Facets(int64_t id, const DatasetFacts& facts) {
    ASSIGN_OR_RETURN(
        Statement * s,
        ctx_.db.Prepare("INSERT INTO dataset_facets(dataset_id, facet, value, "
                        "event_ms) VALUES (?, ?, ?, ?) ON CONFLICT (dataset_id, facet) DO UPDATE "
                        "SET value = excluded.value, event_ms = "
                        "excluded.event_ms WHERE excluded.event_ms >= "
                        "dataset_facets.event_ms"));
    for (const auto& [name, value] : facts.facets.items()) {
      s->Bind(1, id);
      s->Bind(2, name);
      s->Bind(3, value.dump());
      s->Bind(4, event_->event_time_ms);
      RETURN_IF_ERROR(s->Run());
    }
    return absl::OkStatus();
  }

  // Symlinks become aliases, unless the other name is a dataset of its own.
  absl::Status Aliases(int64_t id, const DatasetFacts& facts) {
    for (const lineage::Symlink& link : facts.symlinks) {
      ASSIGN_OR_RETURN(auto other, FindDataset(ctx_.db, link.key));
      if (other) continue;
      // Re-pointing an alias takes it from the dataset it names now: that
      // dataset's curator's call.
      ASSIGN_OR_RETURN(Statement * current,
                       ctx_.db.Prepare("SELECT d.namespace, d.name FROM dataset_aliases a JOIN "
                                       "datasets d ON d.id = a.dataset_id WHERE a.namespace = ? "
                                       "AND a.name = ? AND a.dataset_id <> ?"));
      current->Bind(1, link.key.ns);
      current->Bind(2, link.key.name);
      current->Bind(3, id);
      ASSIGN_OR_RETURN(bool taken, current->Step());
      DatasetKey holder = taken ? DatasetKey{current->Text(0), current->Text(1)} : DatasetKey{};
      current->Reset();
      if (taken && !MayCurate(holder)) continue;
      ASSIGN_OR_RETURN(
          Statement * s,
          ctx_.db.Prepare("INSERT INTO dataset_aliases(namespace, name, "
                          "dataset_id, type) VALUES (?, ?, ?, ?) ON CONFLICT "
                          "(namespace, name) DO UPDATE SET dataset_id = excluded.dataset_id, "
                          "type = excluded.type"));
      s->Bind(1, link.key.ns);
      s->Bind(2, link.key.name);
      s->Bind(3, id);
      s->Bind(4, link.type);
      RETURN_IF_ERROR(s->Run());
    }
    return absl::OkStatus();
  }

  // The job `e` reports, created or updated, once the gate lets the
  // reporter report it: a job's owners report its runs; a new job, or one
  // with no owners, becomes the reporter's.
  absl::StatusOr<JobRow> Job(const lineage::Event& e) {
    ASSIGN_OR_RETURN(Statement * find,
                     ctx_.db.Prepare("SELECT id, facets, complete_run_id, "
                                     "complete_time_ms, owners, revision FROM jobs WHERE "
                                     "namespace = ? AND name = ?"));
    find->Bind(1, e.job.ns);
    find->Bind(2, e.job.name);
    ASSIGN_OR_RETURN(bool row, find->Step());
    JobRow job{.key = e.job};
    json facets = json::object();
    catalog::Job owned{.key = e.job};
    int64_t revision = 0;
    if (row) {
      job.id = find->Int(0);
      facets = ParseObject(find->Text(1));
      job.complete_run_id = find->Text(2);
      job.complete_time_ms = find->Int(3);
      owned.spec.owners = OwnersFromColumn(find->Text(4));
      revision = find->Int(5);
      find->Reset();
    }
    const bool claim = owned.spec.owners.empty();
    if (claim) owned.spec.owners = {Owner{.principal = ctx_.actor}};
    if (gate_.may_report) RETURN_IF_ERROR(gate_.may_report(owned));
    for (const auto& [name, value] : e.job_facets.items()) facets[name] = value;
    ASSIGN_OR_RETURN(
        Statement * s,
        ctx_.db.Prepare(
            "INSERT INTO jobs(namespace, name, job_type, description, sql, "
            "facets, latest_run_id, created_at, updated_at, owners) VALUES (?1, ?2, "
            "?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9) ON CONFLICT(namespace, name) DO "
            "UPDATE SET job_type = CASE WHEN ?3 = '' THEN jobs.job_type ELSE ?3 "
            "END, description = CASE WHEN ?4 = '' THEN jobs.description ELSE ?4 "
            "END, sql = CASE WHEN ?5 = '' THEN jobs.sql ELSE ?5 END, facets = ?6, "
            "latest_run_id = CASE WHEN ?7 = '' THEN jobs.latest_run_id ELSE ?7 "
            "END, updated_at = ?8, owners = ?9, revision = jobs.revision + ?10 RETURNING id"));
    s->Bind(1, e.job.ns);
    s->Bind(2, e.job.name);
    s->Bind(3, e.job_type);
    s->Bind(4, e.job_description);
    s->Bind(5, e.sql);
    s->Bind(6, facets.dump());
    s->Bind(7, e.run_id);
    s->Bind(8, event_->event_time);
    s->Bind(9, OwnersColumn(owned.spec.owners));
    s->Bind(10, int64_t{claim && row ? 1 : 0});
    ASSIGN_OR_RETURN(bool inserted, s->Step());
    if (!inserted) return absl::InternalError("job upsert returned no id");
    job.id = s->Int(0);
    s->Reset();
    if (claim) {
      RETURN_IF_ERROR(RecordJobOwners(ctx_, e.job, owned.spec.owners, !row, revision,
                                      row ? revision + 1 : 1));
    }
    return job;
  }

  absl::Status Run(const lineage::Event& e, const JobRow& job) {
    ASSIGN_OR_RETURN(Statement * find,
                     ctx_.db.Prepare("SELECT facets FROM runs WHERE job_id = "
                                     "? AND run_id = ?"));
    find->Bind(1, job.id);
    find->Bind(2, e.run_id);
    ASSIGN_OR_RETURN(bool row, find->Step());
    json facets = json::object();
    if (row) {
      facets = ParseObject(find->Text(0));
      find->Reset();
    }
    for (const auto& [name, value] : e.run_facets.items()) facets[name] = value;
    std::string state = lineage::RunStateName(e.state);
    ASSIGN_OR_RETURN(
        Statement * s,
        ctx_.db.Prepare(
            "INSERT INTO runs(job_id, run_id, state, last_event_ms, "
            "parent_run_id, parent_job, error_message, facets) VALUES (?1, "
            "?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (job_id, run_id) DO UPDATE SET "
            "last_event_ms = CASE WHEN ?4 > runs.last_event_ms THEN ?4 ELSE "
            "runs.last_event_ms END, parent_run_id = CASE "
            "WHEN ?5 = '' THEN runs.parent_run_id ELSE ?5 END, parent_job = CASE "
            "WHEN ?6 = '' THEN runs.parent_job ELSE ?6 END, error_message = CASE "
            "WHEN ?7 = '' THEN runs.error_message ELSE ?7 END, facets = ?8"));
    s->Bind(1, job.id);
    s->Bind(2, e.run_id);
    s->Bind(3, state);
    s->Bind(4, e.event_time_ms);
    s->Bind(5, e.parent ? e.parent->run_id : "");
    s->Bind(6, e.parent ? e.parent->job.ToString() : "");
    s->Bind(7, e.error_message);
    s->Bind(8, facets.dump());
    RETURN_IF_ERROR(s->Run());
    ASSIGN_OR_RETURN(Statement * t,
                     ctx_.db.Prepare("INSERT INTO "
                                     "run_transitions(job_id, run_id, state, "
                                     "event_time_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    t->Bind(1, job.id);
    t->Bind(2, e.run_id);
    t->Bind(3, state);
    t->Bind(4, e.event_time_ms);
    RETURN_IF_ERROR(t->Run());
    // OpenLineage delivers at least once: the same transition again.
    repeated_ = ctx_.db.Changes() == 0;
    // The run's state: a terminal one wins whenever it arrived; else the
    // latest, OTHER only when nothing else was said.
    ASSIGN_OR_RETURN(
        Statement * u,
        ctx_.db.Prepare(
            "UPDATE runs SET state = (SELECT state FROM run_transitions t "
            "WHERE t.job_id = ?1 AND t.run_id = ?2 ORDER BY state IN "
            "('COMPLETE', 'FAIL', 'ABORT') DESC, state <> 'OTHER' DESC, "
            "event_time_ms DESC LIMIT 1), started_ms = (SELECT "
            "min(event_time_ms) FROM run_transitions t WHERE t.job_id = ?1 "
            "AND t.run_id = ?2 AND state = 'START'), ended_ms = (SELECT "
            "max(event_time_ms) FROM run_transitions t WHERE t.job_id = ?1 "
            "AND t.run_id = ?2 AND state IN ('COMPLETE', 'FAIL', 'ABORT')) "
            "WHERE job_id = ?1 AND run_id = ?2"));
    u->Bind(1, job.id);
    u->Bind(2, e.run_id);
    RETURN_IF_ERROR(u->Run());
    return e.cost ? RecordRunCost(ctx_, job.id, e) : absl::OkStatus();
  }

  absl::StatusOr<DatasetKey> KeyOf(int64_t dataset_id) {
    ASSIGN_OR_RETURN(Statement * s,
                     ctx_.db.Prepare("SELECT namespace, name FROM datasets "
                                     "WHERE id = ?"));
    s->Bind(1, dataset_id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return absl::InternalError("edge to a missing dataset");
    DatasetKey key{s->Text(0), s->Text(1)};
    s->Reset();
    return key;
  }

  absl::Status Edge(const JobRow& job, int64_t dataset_id,
                    const DatasetFacts& facts, bool output,
                    const std::string& run_id, bool current) {
    ASSIGN_OR_RETURN(
        Statement * s,
        ctx_.db.Prepare(
            "INSERT INTO lineage_edges AS e(job_id, dataset_id, output, run_id, "
            "first_seen_ms, last_seen_ms, active, io_facets) VALUES (?1, ?2, "
            "?3, ?4, ?5, ?5, ?6, ?7) ON CONFLICT (job_id, dataset_id, output) DO UPDATE SET "
            "run_id = CASE WHEN ?5 >= e.last_seen_ms THEN ?4 ELSE e.run_id END, "
            "io_facets = CASE WHEN ?5 >= e.last_seen_ms THEN ?7 ELSE e.io_facets END, "
            "first_seen_ms = CASE WHEN ?5 < e.first_seen_ms THEN ?5 ELSE e.first_seen_ms END, "
            "last_seen_ms = CASE WHEN ?5 > e.last_seen_ms THEN ?5 ELSE e.last_seen_ms END, "
            "active = CASE WHEN ?6 > e.active THEN ?6 ELSE e.active END RETURNING "
            "run_id, first_seen_ms, last_seen_ms, active"));
    s->Bind(1, job.id);
    s->Bind(2, dataset_id);
    s->Bind(3, output ? 1 : 0);
    s->Bind(4, run_id);
    s->Bind(5, event_->event_time_ms);
    s->Bind(6, current ? 1 : 0);
    s->Bind(7, facts.io_facets.dump());
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return absl::InternalError("edge upsert returned nothing");
    LineageEdge edge{.job = job.key,
                     .output = output,
                     .active = s->Int(3) != 0,
                     .run_id = s->Text(0),
                     .first_seen_ms = s->Int(1),
                     .last_seen_ms = s->Int(2)};
    s->Reset();
    ASSIGN_OR_RETURN(edge.dataset, KeyOf(dataset_id));
    ctx_.change.lineage_edges.push_back(std::move(edge));
    return absl::OkStatus();
  }

  absl::Status ColumnEdges(const JobRow& job, int64_t out_id,
                           const DatasetFacts& facts, std::string_view path,
                           const std::string& run_id, bool current) {
    for (const lineage::ColumnLineage& cl : facts.column_lineage) {
      for (size_t i = 0; i < cl.inputs.size(); ++i) {
        const lineage::InputField& in = cl.inputs[i];
        ASSIGN_OR_RETURN(
            int64_t in_id,
            IdOf(in.dataset, StrCat(path, ".facets.columnLineage.fields.",
                                    cl.output_field, ".inputFields[", i, "]")));
        json transformations = json::array();
        for (const lineage::Transformation& t : in.transformations) {
          transformations.push_back({{"type", t.type},
                                     {"subtype", t.subtype},
                                     {"description", t.description},
                                     {"masking", t.masking}});
        }
        ASSIGN_OR_RETURN(
            Statement * s,
            ctx_.db.Prepare(
                "INSERT INTO column_edges AS c(out_dataset, out_field, "
                "in_dataset, in_field, job_id, transformations, run_id, "
                "first_seen_ms, last_seen_ms, active) VALUES (?1, ?2, ?3, "
                "?4, ?5, ?6, ?7, ?8, ?8, ?9) ON CONFLICT (out_dataset, out_field, in_dataset, "
                "in_field, job_id) DO UPDATE SET "
                "transformations = CASE WHEN ?8 >= c.last_seen_ms THEN ?6 ELSE "
                "c.transformations END, run_id = CASE WHEN ?8 >= c.last_seen_ms "
                "THEN ?7 ELSE c.run_id END, first_seen_ms = CASE WHEN ?8 < c.first_seen_ms "
                "THEN ?8 ELSE c.first_seen_ms END, last_seen_ms = CASE WHEN ?8 > "
                "c.last_seen_ms THEN ?8 ELSE c.last_seen_ms END, active = CASE WHEN ?9 > "
                "c.active THEN ?9 ELSE c.active END"));
        s->Bind(1, out_id);
        s->Bind(2, cl.output_field);
        s->Bind(3, in_id);
        s->Bind(4, in.field);
        s->Bind(5, job.id);
        s->Bind(6, transformations.dump());
        s->Bind(7, run_id);
        s->Bind(8, event_->event_time_ms);
        s->Bind(9, current ? 1 : 0);
        RETURN_IF_ERROR(s->Run());
      }
    }
    return absl::OkStatus();
  }

  // Version `model` of a model, made by this event's run from the datasets
  // `input_ids` (as they are now) and `out`'s column lineage.
  // The run's modelMetrics facet: points of the version it names, else of
  // the version the run outputs (docs/models.md#monitoring). Recording
  // them is catalog:write on the version, as through the API — asked of
  // the gate unless this transaction registered the version for the
  // reporter (which the gate judged the same way).
  absl::Status ModelMetrics(const lineage::Event& e) {
    if (!e.model_metrics || e.kind != EventKind::kRun) return absl::OkStatus();
    const lineage::RunModelMetrics& m = *e.model_metrics;
    constexpr std::string_view kPath = "run.facets.modelMetrics";
    std::string model = m.model, version = m.version;
    for (size_t i = 0; model.empty() && i < e.outputs.size(); ++i) {
      absl::StatusOr<std::optional<lineage::ModelOutput>> out =
          lineage::ModelOutputOf(e.outputs[i], e.run_id);
      if (out.ok() && *out) {
        model = (*out)->model;
        version = (*out)->version;
      }
    }
    if (model.empty()) {
      return absl::InvalidArgumentError(
          StrCat(kPath, ".model: is required: the run outputs no model"));
    }
    const std::string ref = StrCat(model, "@", version);
    if (!registered_.contains(ref) && gate_.may_record_model_metrics) {
      absl::Status allowed = gate_.may_record_model_metrics(model, version);
      if (!allowed.ok()) {
        return absl::Status(allowed.code(), StrCat(kPath, ": ", MessageOf(allowed)));
      }
    }
    std::vector<ModelMetricPoint> points;
    for (const auto& [name, value] : m.metrics) {
      points.push_back({.name = name, .value = value, .at_ms = m.at_ms});
    }
    absl::Status written = WriteModelMetrics(ctx_, model, version, points, ctx_.actor);
    if (!written.ok()) return absl::Status(written.code(), StrCat(kPath, ": ", MessageOf(written)));
    return absl::OkStatus();
  }

  absl::Status Trained(const lineage::ModelOutput& model, const DatasetFacts& out,
                       const std::vector<int64_t>& input_ids, std::string_view path) {
    ModelVersion v{.model = model.model, .version = model.version};
    v.spec.source = out.key.ToString();
    v.spec.run = {.ns = event_->job.ns, .job = event_->job.name, .run_id = event_->run_id};
    std::vector<TrainingInput> inputs;
    std::map<DatasetKey, size_t> at;
    for (int64_t id : input_ids) {
      ASSIGN_OR_RETURN(
          Statement * s,
          ctx_.db.Prepare("SELECT namespace, name, revision, schema_version FROM datasets "
                          "WHERE id = ?"));
      s->Bind(1, id);
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) return absl::InternalError("a training input is missing");
      TrainingInput in{.dataset = {s->Text(0), s->Text(1)},
                       .revision = s->Int(2),
                       .schema_version = s->Int(3)};
      s->Reset();
      if (at.emplace(in.dataset, inputs.size()).second) inputs.push_back(std::move(in));
    }
    std::vector<json> columns(inputs.size(), json::array());
    for (const lineage::ColumnLineage& cl : out.column_lineage) {
      for (const lineage::InputField& f : cl.inputs) {
        ASSIGN_OR_RETURN(DatasetKey key, Canonical(f.dataset));
        auto it = at.find(key);
        if (it == at.end()) continue;  // a dataset the run did not list as an input
        json transformations = json::array();
        for (const lineage::Transformation& t : f.transformations) {
          transformations.push_back(
              {{"type", t.type}, {"subtype", t.subtype}, {"masking", t.masking}});
        }
        columns[it->second].push_back({{"field", cl.output_field},
                                       {"input", f.field},
                                       {"transformations", std::move(transformations)}});
      }
    }
    for (size_t i = 0; i < inputs.size(); ++i) inputs[i].columns = columns[i].dump();
    const std::string ref = v.Ref();
    absl::Status recorded = RecordTraining(ctx_, std::move(v), inputs, gate_);
    if (!recorded.ok()) {
      return absl::Status(recorded.code(), StrCat(path, ": ", MessageOf(recorded)));
    }
    registered_.insert(ref);
    return absl::OkStatus();
  }

  // Whether `e` (a terminal event) is no older than every other run's
  // terminal event: a late COMPLETE must not retire what a newer run
  // reported, even one that failed.
  absl::StatusOr<bool> NewestTerminal(const JobRow& job, const lineage::Event& e) {
    ASSIGN_OR_RETURN(Statement * s,
                     ctx_.db.Prepare("SELECT max(ended_ms) FROM runs WHERE job_id = ? AND "
                                     "run_id <> ? AND ended_ms IS NOT NULL"));
    s->Bind(1, job.id);
    s->Bind(2, e.run_id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    bool newest = !row || s->IsNull(0) || e.event_time_ms >= s->Int(0);
    s->Reset();
    return newest;
  }

  // The job's latest complete run: what it did not report, and no run
  // reported after it finished, is no longer lineage.
  absl::Status Complete(const JobRow& job, const lineage::Event& e) {
    ASSIGN_OR_RETURN(Statement * j,
                     ctx_.db.Prepare("UPDATE jobs SET complete_run_id = ?, "
                                     "complete_time_ms = ? WHERE id = ?"));
    j->Bind(1, e.run_id);
    j->Bind(2, e.event_time_ms);
    j->Bind(3, job.id);
    RETURN_IF_ERROR(j->Run());
    ASSIGN_OR_RETURN(
        Statement * s,
        ctx_.db.Prepare("UPDATE lineage_edges SET active = 0 WHERE job_id = "
                        "? AND run_id <> ? AND active = 1 AND last_seen_ms < ? "
                        "RETURNING dataset_id, output, run_id, first_seen_ms, "
                        "last_seen_ms"));
    s->Bind(1, job.id);
    s->Bind(2, e.run_id);
    s->Bind(3, e.event_time_ms);
    std::vector<std::pair<int64_t, LineageEdge>> stale;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      stale.push_back({s->Int(0), LineageEdge{.job = job.key,
                                              .output = s->Int(1) != 0,
                                              .active = false,
                                              .run_id = s->Text(2),
                                              .first_seen_ms = s->Int(3),
                                              .last_seen_ms = s->Int(4)}});
    }
    for (auto& [dataset_id, edge] : stale) {
      ASSIGN_OR_RETURN(edge.dataset, KeyOf(dataset_id));
      ctx_.change.lineage_edges.push_back(std::move(edge));
    }
    ASSIGN_OR_RETURN(Statement * c,
                     ctx_.db.Prepare("UPDATE column_edges SET active = 0 "
                                     "WHERE job_id = ? AND run_id <> ? AND "
                                     "active = 1 AND last_seen_ms < ?"));
    c->Bind(1, job.id);
    c->Bind(2, e.run_id);
    c->Bind(3, e.event_time_ms);
    return c->Run();
  }

  // Whether the reporter may change the curated metadata of an existing
  // dataset (no check: it may).
  bool MayCurate(const DatasetKey& key) const {
    return !gate_.may_curate || gate_.may_curate(key);
  }

  WriteContext& ctx_;
  const IngestGate& gate_;
  std::set<std::string> registered_;  // "model@version" registered by this transaction
  const lineage::Event* event_ = nullptr;
  bool repeated_ = false;  // the event's run transition was already recorded
  int datasets_changed_ = 0;
  std::map<DatasetKey, int64_t> ids_;  // datasets only named, by name
  std::map<int64_t, int64_t> parts_;  // the event's next quality row part, by dataset
  // The event's word on each dataset's health, by row id, with its key.
  struct HealthNews {
    DatasetKey key;
    HealthInput in;
  };
  std::map<int64_t, HealthNews> health_;
  std::deque<std::vector<lineage::QualityResult>> judged_;  // contract rules' results
};

}  // namespace

struct Store::Impl::IngestTicket {
  const std::vector<lineage::Event>* events = nullptr;
  std::string actor;
  std::string peer;  // the actor's certificate identity
  IngestGate gate;
  absl::StatusOr<IngestResult> result = absl::UnknownError("not written");
  bool done = false;
};

namespace {

// The most events one group transaction takes from the queue (a request
// larger than that still goes whole).
constexpr size_t kMaxGroupEvents = 5000;

// Writes `tickets` in one transaction: a request that fails rolls back to
// its savepoint and fails alone; the rest commit together.
void WriteGroup(Store::Impl& impl,
                const std::vector<Store::Impl::IngestTicket*>& tickets) {
  absl::StatusOr<int64_t> committed = impl.Write("", [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    int ok = 0;
    for (Store::Impl::IngestTicket* t : tickets) {
      ctx.actor = t->actor;
      ctx.peer = t->peer;
      RETURN_IF_ERROR(ctx.db.Exec("SAVEPOINT ingest"));
      int64_t revision_before = ctx.catalog_revision;
      size_t upserted = ctx.change.upserted.size();
      size_t edges = ctx.change.lineage_edges.size();
      Ingest ingest(ctx, t->gate);
      absl::Status status;
      for (size_t i = 0; i < t->events->size() && status.ok(); ++i) {
        absl::Status s = ingest.Event((*t->events)[i]);
        if (!s.ok()) status = absl::Status(s.code(), StrCat("events[", i, "]: ", MessageOf(s)));
      }
      if (!status.ok()) {
        RETURN_IF_ERROR(ctx.db.Exec("ROLLBACK TO ingest"));
        ctx.catalog_revision = revision_before;
        ctx.change.upserted.resize(upserted);
        ctx.change.lineage_edges.resize(edges);
        t->result = status;
      } else {
        t->result = IngestResult{.datasets_changed = ingest.datasets_changed()};
        ++ok;
      }
      RETURN_IF_ERROR(ctx.db.Exec("RELEASE ingest"));
    }
    return ctx.catalog_revision;
  });
  for (Store::Impl::IngestTicket* t : tickets) {
    if (!t->result.ok()) continue;
    if (!committed.ok()) {
      t->result = committed.status();
    } else {
      t->result->catalog_revision = *committed;
    }
  }
}

}  // namespace

absl::StatusOr<IngestResult> Store::IngestEvents(
    const std::vector<lineage::Event>& events, std::string_view actor,
    IngestGate gate) {
  if (events.empty()) return absl::InvalidArgumentError("events: must not be empty");
  Impl::IngestTicket ticket{
      .events = &events, .actor = std::string(actor),
      .peer = std::string(AuditPeer::Current()), .gate = std::move(gate)};
  std::unique_lock lock(impl_->ingest_mu);
  impl_->ingest_queue.push_back(&ticket);
  while (!ticket.done) {
    if (impl_->ingest_leader) {
      impl_->ingest_cv.wait(lock);
      continue;
    }
    // Lead: take what is queued (this ticket is among it, or was done).
    impl_->ingest_leader = true;
    std::vector<Impl::IngestTicket*> group;
    size_t total = 0;
    auto& queue = impl_->ingest_queue;
    size_t taken = 0;
    while (taken < queue.size() &&
           (group.empty() || total + queue[taken]->events->size() <= kMaxGroupEvents)) {
      total += queue[taken]->events->size();
      group.push_back(queue[taken++]);
    }
    queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(taken));
    lock.unlock();
    WriteGroup(*impl_, group);
    lock.lock();
    for (Impl::IngestTicket* t : group) t->done = true;
    impl_->ingest_leader = false;
    impl_->ingest_cv.notify_all();
  }
  return std::move(ticket.result);
}

absl::StatusOr<int64_t> Store::DeleteJob(const JobKey& key,
                                         std::string_view actor) {
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(Statement * s,
                     ctx.db.Prepare("DELETE FROM jobs WHERE namespace = ? AND "
                                    "name = ? RETURNING id"));
    s->Bind(1, key.ns);
    s->Bind(2, key.name);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) {
      return absl::NotFoundError(StrCat("job \"", key.ToString(), "\" not found"));
    }
    s->Reset();
    RETURN_IF_ERROR(ctx.Audit("job.delete", "Job", key.ToString(), 0, 0));
    ctx.change.deleted_jobs.push_back(key);
    return ctx.catalog_revision;
  });
}

}  // namespace catalog::store
