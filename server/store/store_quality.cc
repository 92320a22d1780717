// Quality results: a dataset's time series of checks and measurements,
// written with lineage (store_lineage.cc), read and pruned here.
#include "server/store/store_internal.h"

namespace catalog::store {

absl::StatusOr<Page<QualityRecord>> Store::ListQualityResults(const DatasetKey& dataset,
                                                              const QualityFilter& filter,
                                                              const PageRequest& page) {
  ASSIGN_OR_RETURN(std::vector<std::string> after, DecodeKeyToken(page, 5));
  int limit = EffectivePageSize(page);
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Page<QualityRecord>> {
    ASSIGN_OR_RETURN(Statement * find,
                     db.Prepare("SELECT id FROM datasets WHERE namespace = ? AND name = ?"));
    find->Bind(1, dataset.ns);
    find->Bind(2, dataset.name);
    ASSIGN_OR_RETURN(bool found, find->Step());
    if (!found) {
      return absl::NotFoundError(StrCat("dataset \"", dataset.ToString(), "\" not found"));
    }
    int64_t id = find->Int(0);
    find->Reset();
    // Newest event first, each event's results in the order it sent them;
    // the token holds the last row's key after the dataset.
    ASSIGN_OR_RETURN(
        Statement * s,
        db.Prepare("SELECT event_ms, job_namespace, job_name, run_id, ordinal, facet, "
                   "column_name, name, check_type, status, severity, expected, actual, value, "
                   "description, reporter FROM quality_results WHERE dataset_id = ?1 AND "
                   "event_ms >= ?2 AND (?3 = 0 OR column_name = ?4) AND (?5 = '' OR name = ?5) "
                   "AND (?6 = 0 OR (?6 = 1 AND status <> '') OR (?6 = 2 AND status = '')) "
                   "AND (?7 = '' OR status = ?7) AND (?8 = '' OR (event_ms, job_namespace, "
                   "job_name, run_id) < (CAST(?8 AS BIGINT), ?9, ?10, ?11) OR ((event_ms, "
                   "job_namespace, job_name, run_id) = (CAST(?8 AS BIGINT), ?9, ?10, ?11) AND "
                   "ordinal > CAST(?12 AS BIGINT))) ORDER BY event_ms DESC, job_namespace DESC, "
                   "job_name DESC, run_id DESC, ordinal LIMIT ?13"));
    s->Bind(1, id);
    s->Bind(2, filter.since_ms);
    s->Bind(3, int64_t{filter.column ? 1 : 0});
    s->Bind(4, filter.column ? *filter.column : "");
    s->Bind(5, filter.name);
    s->Bind(6, static_cast<int64_t>(filter.kind));
    s->Bind(7, filter.status);
    for (int i = 0; i < 4; ++i) s->Bind(8 + i, after[static_cast<size_t>(i)]);
    // Only ever read as a number (PostgreSQL types the parameter so).
    s->Bind(12, after[4].empty() ? "0" : after[4]);
    s->Bind(13, static_cast<int64_t>(limit + 1));
    Page<QualityRecord> out;
    int64_t last_ordinal = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      if (static_cast<int>(out.items.size()) == limit) {
        const QualityRecord& last = out.items.back();
        out.next_page_token =
            EncodeKeyToken({std::to_string(last.event_ms), last.job.ns, last.job.name,
                            last.run_id, std::to_string(last_ordinal)});
        s->Reset();
        break;
      }
      last_ordinal = s->Int(4);
      out.items.push_back(QualityRecord{.event_ms = s->Int(0),
                                        .job = {s->Text(1), s->Text(2)},
                                        .run_id = s->Text(3),
                                        .facet = s->Text(5),
                                        .column = s->Text(6),
                                        .name = s->Text(7),
                                        .check_type = s->Text(8),
                                        .status = s->Text(9),
                                        .severity = s->Text(10),
                                        .expected = s->Text(11),
                                        .actual = s->Text(12),
                                        .value = s->Text(13),
                                        .description = s->Text(14),
                                        .reporter = s->Text(15)});
    }
    return out;
  });
}

absl::StatusOr<int64_t> Store::PruneQualityResults(int64_t before_ms) {
  constexpr int64_t kHourMs = 3600 * 1000;
  // No revision and no audit event: retention is not a change to the catalog.
  return impl_->Write("", [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(Statement * oldest,
                     ctx.db.Prepare("SELECT min(retained_from_ms) FROM quality_results"));
    ASSIGN_OR_RETURN(bool row, oldest->Step());
    if (!row || oldest->IsNull(0)) return int64_t{0};
    int64_t from = oldest->Int(0);
    oldest->Reset();
    if (from >= before_ms) return int64_t{0};
    ASSIGN_OR_RETURN(Statement * s,
                     ctx.db.Prepare("DELETE FROM quality_results WHERE retained_from_ms < ?"));
    s->Bind(1, std::min(before_ms, from + kHourMs));
    RETURN_IF_ERROR(s->Run());
    return ctx.db.Changes();
  });
}

}  // namespace catalog::store
