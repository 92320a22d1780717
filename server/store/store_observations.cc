// Observations: what lineage events said of a dataset that their reporter
// may not change, kept for the dataset's curators to accept or dismiss.
// Written by the ingest (store_lineage.cc).
#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"
#include "server/store/store_internal.h"

namespace catalog::store {

using nlohmann::json;

absl::StatusOr<std::vector<Observation>> ReadObservations(Connection& db, int64_t id,
                                                          const Dataset& dataset) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT field, value, reporter, job_namespace, job_name, "
                              "observed_at FROM dataset_observations WHERE dataset_id = ? "
                              "AND dismissed = 0 ORDER BY field, reporter"));
  s->Bind(1, id);
  std::vector<Observation> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    Observation o{.field = s->Text(0),
                  .value = s->Text(1),
                  .reporter = s->Text(2),
                  .job = {s->Text(3), s->Text(4)},
                  .observed_at = s->Text(5)};
    // One the dataset has come to agree with, by whatever write, is moot.
    if (json::parse(o.value, nullptr, false) == DatasetSpecFieldToJson(dataset.spec, o.field)) {
      continue;
    }
    out.push_back(std::move(o));
  }
  return out;
}

absl::StatusOr<ApplyResponse> Store::ReviewObservation(const DatasetKey& key,
                                                     std::string_view field,
                                                     std::string_view reporter, bool accept,
                                                     std::string_view actor) {
  RETURN_IF_ERROR(ValidateDatasetKey(key));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<ApplyResponse> {
    ASSIGN_OR_RETURN(auto found, FindDataset(ctx.db, key));
    if (!found) return absl::NotFoundError(StrCat("dataset \"", key.ToString(), "\" not found"));
    auto& [id, dataset] = *found;
    // Accepted, it is gone; dismissed, it stays so until its reporter says
    // something newer (a repeated delivery does not bring it back).
    ASSIGN_OR_RETURN(
        Statement * s,
        ctx.db.Prepare(accept ? "DELETE FROM dataset_observations WHERE dataset_id = ? AND "
                                "field = ? AND reporter = ? AND dismissed = 0 RETURNING value"
                              : "UPDATE dataset_observations SET dismissed = 1 WHERE "
                                "dataset_id = ? AND field = ? AND reporter = ? AND dismissed = "
                                "0 RETURNING value"));
    s->Bind(1, id);
    s->Bind(2, field);
    s->Bind(3, reporter);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) {
      return absl::NotFoundError(StrCat("field: dataset \"", key.ToString(), "\" has no \"",
                                        field, "\" observed by ", reporter));
    }
    std::string value = s->Text(0);
    s->Reset();
    ApplyResponse response;
    if (!accept) {
      RETURN_IF_ERROR(ctx.Audit("observation.dismiss", "Dataset", key.ToString(),
                                dataset.status.revision, dataset.status.revision));
      response.results.push_back({.kind = "Dataset", .name = key.ToString(),
                                  .revision = dataset.status.revision});
      response.catalog_revision = ctx.catalog_revision;
      return response;
    }
    json given = json::object();
    given[std::string(field)] = json::parse(value, nullptr, false);
    absl::StatusOr<DatasetSpec> spec = DatasetSpecFromJson(given);
    if (!spec.ok()) {
      return absl::FailedPreconditionError(
          StrCat("the observed ", field, " no longer reads as one: ", MessageOf(spec.status())));
    }
    Dataset updated = dataset;
    updated.spec = MergeDatasetSpec(dataset.spec, *spec, {std::string(field)});
    if (absl::Status valid = ValidateDataset(updated); !valid.ok()) {
      return absl::FailedPreconditionError(
          StrCat("the observed ", field, " is not valid now: ", MessageOf(valid)));
    }
    ASSIGN_OR_RETURN(ApplyResult applied, ApplyDataset(ctx, updated, 0));
    response.results.push_back(std::move(applied));
    // An unchanged dataset still forgot the observation.
    if (ctx.catalog_revision == 0) {
      RETURN_IF_ERROR(ctx.Audit("observation.accept", "Dataset", key.ToString(),
                                dataset.status.revision, dataset.status.revision));
    }
    response.catalog_revision = ctx.catalog_revision;
    return response;
  });
}

}  // namespace catalog::store
