// Lineage reads: jobs, runs, aliases, column edges and the whole edge list
// the in-memory lineage graph is loaded from.
#include "lib/util/time.h"
#include "server/store/spec_codec.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

constexpr char kSelectJob[] =
    "SELECT j.namespace, j.name, j.job_type, j.description, j.sql, j.facets, "
    "j.latest_run_id, coalesce((SELECT state FROM runs r WHERE r.job_id = "
    "j.id AND r.run_id = j.latest_run_id), ''), j.created_at, j.updated_at, "
    "j.owners, j.revision FROM jobs j ";

JobRecord ReadJob(const Statement& s) {
  return JobRecord{.key = {s.Text(0), s.Text(1)},
                   .owners = OwnersFromColumn(s.Text(10)),
                   .revision = s.Int(11),
                   .job_type = s.Text(2),
                   .description = s.Text(3),
                   .sql = s.Text(4),
                   .facets = s.Text(5),
                   .latest_run_id = s.Text(6),
                   .latest_state = s.Text(7),
                   .created_at = s.Text(8),
                   .updated_at = s.Text(9)};
}

absl::StatusOr<int64_t> JobId(Connection& db, const JobKey& key) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT id FROM jobs WHERE namespace = ? AND "
                              "name = ?"));
  s->Bind(1, key.ns);
  s->Bind(2, key.name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) {
    return absl::NotFoundError(StrCat("job \"", key.ToString(), "\" not found"));
  }
  int64_t id = s->Int(0);
  s->Reset();
  return id;
}

absl::StatusOr<DatasetKey> Resolve(Connection& db, const DatasetKey& key) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT 1 FROM datasets WHERE namespace = ? "
                              "AND name = ?"));
  s->Bind(1, key.ns);
  s->Bind(2, key.name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (row) {
    s->Reset();
    return key;
  }
  ASSIGN_OR_RETURN(std::optional<DatasetKey> target, AliasTarget(db, key));
  if (!target) {
    return absl::NotFoundError(
        StrCat("dataset \"", key.ToString(), "\" not found"));
  }
  return *target;
}

}  // namespace

absl::StatusOr<std::optional<DatasetKey>> AliasTarget(Connection& db,
                                                      const DatasetKey& key) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT d.namespace, d.name FROM "
                              "dataset_aliases a JOIN datasets d ON d.id = "
                              "a.dataset_id WHERE a.namespace = ? AND a.name "
                              "= ?"));
  s->Bind(1, key.ns);
  s->Bind(2, key.name);
  ASSIGN_OR_RETURN(bool aliased, s->Step());
  if (!aliased) return std::nullopt;
  DatasetKey target{s->Text(0), s->Text(1)};
  s->Reset();
  return target;
}

absl::StatusOr<DatasetKey> Store::ResolveDataset(const DatasetKey& key) {
  return impl_->Read([&](Connection& db) { return Resolve(db, key); });
}

absl::StatusOr<std::vector<std::string>> Store::DatasetAliases(
    const DatasetKey& key) {
  return impl_->Read(
      [&](Connection& db) -> absl::StatusOr<std::vector<std::string>> {
        ASSIGN_OR_RETURN(
            Statement * s,
            db.Prepare("SELECT a.namespace, a.name FROM dataset_aliases a "
                       "JOIN datasets d ON d.id = a.dataset_id WHERE "
                       "d.namespace = ? AND d.name = ? ORDER BY 1, 2"));
        s->Bind(1, key.ns);
        s->Bind(2, key.name);
        std::vector<std::string> out;
        while (true) {
          ASSIGN_OR_RETURN(bool row, s->Step());
          if (!row) break;
          out.push_back(DatasetKey{s->Text(0), s->Text(1)}.ToString());
        }
        return out;
      });
}

absl::StatusOr<JobRecord> Store::GetJob(const JobKey& key) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<JobRecord> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare(StrCat(kSelectJob,
                                       "WHERE namespace = ? AND name = ?")));
    s->Bind(1, key.ns);
    s->Bind(2, key.name);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) {
      return absl::NotFoundError(
          StrCat("job \"", key.ToString(), "\" not found"));
    }
    JobRecord job = ReadJob(*s);
    s->Reset();
    return job;
  });
}

absl::StatusOr<Page<JobRecord>> Store::ListJobs(std::string_view ns,
                                                const PageRequest& page) {
  ASSIGN_OR_RETURN(std::vector<std::string> after, DecodeKeyToken(page, 2));
  int limit = EffectivePageSize(page);
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Page<JobRecord>> {
    ASSIGN_OR_RETURN(
        Statement * s,
        db.Prepare(StrCat(kSelectJob,
                          "WHERE (namespace, name) > (?1, ?2) AND (?3 = '' "
                          "OR namespace = ?3) ORDER BY namespace, name LIMIT "
                          "?4")));
    s->Bind(1, after[0]);
    s->Bind(2, after[1]);
    s->Bind(3, ns);
    s->Bind(4, static_cast<int64_t>(limit + 1));
    Page<JobRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      if (static_cast<int>(out.items.size()) == limit) {
        out.next_page_token =
            EncodeKeyToken({out.items.back().key.ns, out.items.back().key.name});
        s->Reset();
        break;
      }
      out.items.push_back(ReadJob(*s));
    }
    return out;
  });
}

absl::StatusOr<Page<RunRecord>> Store::ListRuns(const JobKey& job,
                                                const PageRequest& page) {
  ASSIGN_OR_RETURN(std::vector<std::string> after, DecodeKeyToken(page, 2));
  int limit = EffectivePageSize(page);
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Page<RunRecord>> {
    ASSIGN_OR_RETURN(int64_t job_id, JobId(db, job));
    // Newest first; the token holds the last (time, run id) returned.
    ASSIGN_OR_RETURN(
        Statement * s,
        db.Prepare("SELECT run_id, state, coalesce(started_ms, 0), "
                   "coalesce(ended_ms, 0), last_event_ms, parent_run_id, "
                   "parent_job, error_message, facets FROM runs WHERE job_id "
                   "= ?1 AND (?2 = '' OR (last_event_ms, run_id) < (CAST(?2 "
                   "AS INTEGER), ?3)) ORDER BY last_event_ms DESC, run_id "
                   "DESC LIMIT ?4"));
    s->Bind(1, job_id);
    s->Bind(2, after[0]);
    s->Bind(3, after[1]);
    s->Bind(4, static_cast<int64_t>(limit + 1));
    Page<RunRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      if (static_cast<int>(out.items.size()) == limit) {
        const RunRecord& last = out.items.back();
        out.next_page_token =
            EncodeKeyToken({std::to_string(last.last_event_ms), last.run_id});
        s->Reset();
        break;
      }
      out.items.push_back(RunRecord{.run_id = s->Text(0),
                                    .job = job,
                                    .state = s->Text(1),
                                    .started_ms = s->Int(2),
                                    .ended_ms = s->Int(3),
                                    .last_event_ms = s->Int(4),
                                    .parent_run_id = s->Text(5),
                                    .parent_job = s->Text(6),
                                    .error_message = s->Text(7),
                                    .facets = s->Text(8)});
    }
    ASSIGN_OR_RETURN(Statement * t,
                     db.Prepare("SELECT state, event_time_ms FROM "
                                "run_transitions WHERE job_id = ? AND run_id "
                                "= ? ORDER BY event_time_ms, state"));
    for (RunRecord& run : out.items) {
      t->Bind(1, job_id);
      t->Bind(2, run.run_id);
      while (true) {
        ASSIGN_OR_RETURN(bool row, t->Step());
        if (!row) break;
        run.transitions.emplace_back(t->Text(0), t->Int(1));
      }
      t->Reset();
    }
    return out;
  });
}

absl::StatusOr<std::vector<ColumnEdge>> Store::ColumnEdges(
    const DatasetKey& dataset, std::string_view field, bool upstream,
    bool include_inactive) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<ColumnEdge>> {
    // Upstream: edges whose output is this column; downstream: whose input.
    const char* sql =
        upstream
            ? "SELECT o.namespace, o.name, c.out_field, i.namespace, i.name, "
              "c.in_field, j.namespace, j.name, c.transformations, c.run_id, "
              "c.first_seen_ms, c.last_seen_ms, c.active FROM datasets o JOIN "
              "column_edges c ON c.out_dataset = o.id JOIN datasets i ON i.id "
              "= c.in_dataset JOIN jobs j ON j.id = c.job_id WHERE "
              "o.namespace = ?1 AND o.name = ?2 AND (?3 = '' OR c.out_field "
              "IN (?3, '')) AND (?4 = 1 OR c.active = 1) ORDER BY 3, 4, 5, 6"
            : "SELECT o.namespace, o.name, c.out_field, i.namespace, i.name, "
              "c.in_field, j.namespace, j.name, c.transformations, c.run_id, "
              "c.first_seen_ms, c.last_seen_ms, c.active FROM datasets i JOIN "
              "column_edges c ON c.in_dataset = i.id JOIN datasets o ON o.id "
              "= c.out_dataset JOIN jobs j ON j.id = c.job_id WHERE "
              "i.namespace = ?1 AND i.name = ?2 AND (?3 = '' OR c.in_field = "
              "?3) AND (?4 = 1 OR c.active = 1) ORDER BY 6, 1, 2, 3";
    ASSIGN_OR_RETURN(Statement * s, db.Prepare(sql));
    s->Bind(1, dataset.ns);
    s->Bind(2, dataset.name);
    s->Bind(3, field);
    s->Bind(4, include_inactive ? 1 : 0);
    std::vector<ColumnEdge> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(ColumnEdge{.out_dataset = {s->Text(0), s->Text(1)},
                               .out_field = s->Text(2),
                               .in_dataset = {s->Text(3), s->Text(4)},
                               .in_field = s->Text(5),
                               .job = {s->Text(6), s->Text(7)},
                               .transformations = s->Text(8),
                               .run_id = s->Text(9),
                               .first_seen_ms = s->Int(10),
                               .last_seen_ms = s->Int(11),
                               .active = s->Int(12) != 0});
    }
    return out;
  });
}

absl::StatusOr<std::vector<std::optional<Store::DatasetSummary>>>
Store::DatasetSummaries(const std::vector<DatasetKey>& keys) {
  using Result = std::vector<std::optional<DatasetSummary>>;
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Result> {
    ASSIGN_OR_RETURN(Statement * d,
                     db.Prepare(StrCat("SELECT id, spec, spec_pb, ", db.dialect().contract_column(),
                                       ", ", kHealthColumns, " FROM datasets ", kHealthJoin,
                                       " WHERE namespace = ? AND name = ?")));
    ASSIGN_OR_RETURN(Statement * o,
                     db.Prepare("SELECT principal, type FROM dataset_owners "
                                "WHERE dataset_id = ? ORDER BY principal, "
                                "type"));
    Result out;
    out.reserve(keys.size());
    for (const DatasetKey& key : keys) {
      d->Bind(1, key.ns);
      d->Bind(2, key.name);
      ASSIGN_OR_RETURN(bool row, d->Step());
      if (!row) {
        out.emplace_back();
        continue;
      }
      int64_t id = d->Int(0);
      DatasetSummary summary;
      ASSIGN_OR_RETURN(summary.classification, ReadClassification(*d, 1, 2, key));
      summary.contract = ReadContractColumn(*d, 3);
      summary.health = ReadHealthColumns(*d, 4);
      d->Reset();
      o->Bind(1, id);
      while (true) {
        ASSIGN_OR_RETURN(bool owner, o->Step());
        if (!owner) break;
        summary.owners.push_back(
            {o->Text(0),
             ParseOwnershipType(o->Text(1)).value_or(OwnershipType::kTechnical)});
      }
      o->Reset();
      out.push_back(std::move(summary));
    }
    return out;
  });
}

absl::StatusOr<int64_t> Store::LoadLineage(
    const std::function<void(const LineageEdge&)>& each) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(int64_t revision, ReadCatalogRevision(db));
    ASSIGN_OR_RETURN(
        Statement * s,
        db.Prepare("SELECT j.namespace, j.name, d.namespace, d.name, "
                   "e.output, e.active, e.run_id, e.first_seen_ms, "
                   "e.last_seen_ms FROM lineage_edges e JOIN jobs j ON j.id = "
                   "e.job_id JOIN datasets d ON d.id = e.dataset_id"));
    LineageEdge edge;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      edge.job = {s->Text(0), s->Text(1)};
      edge.dataset = {s->Text(2), s->Text(3)};
      edge.output = s->Int(4) != 0;
      edge.active = s->Int(5) != 0;
      edge.run_id = s->Text(6);
      edge.first_seen_ms = s->Int(7);
      edge.last_seen_ms = s->Int(8);
      each(edge);
    }
    return revision;
  });
}

}  // namespace catalog::store
