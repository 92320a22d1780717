// What runs cost (docs/cost.md): kept per run as its events report it, and
// summed per job, or per job and dataset it writes, in SQL.
#include "lib/lineage/event.h"
#include "server/store/store_internal.h"

namespace catalog::store {

absl::Status RecordRunCost(WriteContext& ctx, int64_t job_id, const lineage::Event& e) {
  const lineage::RunCost& c = *e.cost;
  ASSIGN_OR_RETURN(
      Statement * s,
      ctx.db.Prepare("INSERT INTO run_costs(job_id, run_id, event_ms, currency, amount_micros, "
                     "billed_bytes) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (job_id, run_id) "
                     "DO UPDATE SET event_ms = ?3, currency = ?4, amount_micros = ?5, "
                     "billed_bytes = ?6 WHERE run_costs.event_ms <= ?3"));
  s->Bind(1, job_id);
  s->Bind(2, e.run_id);
  s->Bind(3, e.event_time_ms);
  s->Bind(4, c.amount_micros ? c.currency : "");
  if (c.amount_micros) {
    s->Bind(5, *c.amount_micros);
  } else {
    s->BindNull(5);
  }
  if (c.billed_bytes) {
    s->Bind(6, *c.billed_bytes);
  } else {
    s->BindNull(6);
  }
  return s->Run();
}

absl::StatusOr<std::vector<Store::CostRow>> Store::Costs(int64_t since_ms, bool produced) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<CostRow>> {
    constexpr std::string_view kSums =
        "c.currency, CAST(coalesce(sum(c.amount_micros), 0) AS BIGINT), count(*), "
        "CAST(coalesce(sum(c.billed_bytes), 0) AS BIGINT)";
    ASSIGN_OR_RETURN(
        Statement * s,
        db.Prepare(produced
                       ? StrCat("SELECT j.namespace, j.name, d.namespace, d.name, "
                                "coalesce(d.domain, ''), ",
                                kSums,
                                " FROM run_costs c JOIN jobs j ON j.id = c.job_id JOIN "
                                "lineage_edges e ON e.job_id = c.job_id AND e.output = 1 AND "
                                "e.active = 1 JOIN datasets d ON d.id = e.dataset_id WHERE "
                                "c.event_ms >= ? GROUP BY j.namespace, j.name, d.namespace, "
                                "d.name, d.domain, c.currency")
                       : StrCat("SELECT j.namespace, j.name, '', '', '', ", kSums,
                                " FROM run_costs c JOIN jobs j ON j.id = c.job_id WHERE "
                                "c.event_ms >= ? GROUP BY j.namespace, j.name, c.currency")));
    s->Bind(1, since_ms);
    std::vector<CostRow> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back({.job = {s->Text(0), s->Text(1)},
                     .dataset = {s->Text(2), s->Text(3)},
                     .domain = s->Text(4),
                     .currency = s->Text(5),
                     .amount_micros = s->Int(6),
                     .runs = s->Int(7),
                     .billed_bytes = s->Int(8)});
    }
    return out;
  });
}

}  // namespace catalog::store
