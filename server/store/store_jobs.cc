// Jobs' owners: who may report a lineage job's runs. Written by Apply (a
// Job manifest) and by the first event that reports a job.
#include "lib/catalog/json_codec.h"
#include "server/store/store_internal.h"

namespace catalog::store {

using nlohmann::json;

std::vector<Owner> OwnersFromColumn(const std::string& text) {
  json owners = json::parse(text, nullptr, false);
  absl::StatusOr<JobSpec> spec = JobSpecFromJson(json{{"owners", owners}});
  return spec.ok() ? spec->owners : std::vector<Owner>();
}

std::string OwnersColumn(const std::vector<Owner>& owners) {
  return JobSpecToJson({.owners = owners}).value("owners", json::array()).dump();
}

absl::StatusOr<std::optional<JobOwners>> FindJobOwners(Connection& db, const JobKey& key) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT id, owners, revision FROM jobs WHERE namespace = ? AND "
                              "name = ?"));
  s->Bind(1, key.ns);
  s->Bind(2, key.name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  JobOwners out{.id = s->Int(0), .owners = OwnersFromColumn(s->Text(1)), .revision = s->Int(2)};
  s->Reset();
  return out;
}

absl::Status RecordJobOwners(WriteContext& ctx, const JobKey& job,
                             const std::vector<Owner>& owners, bool created,
                             int64_t before, int64_t after) {
  RETURN_IF_ERROR(ctx.Audit(created ? "job.create" : "job.update", "Job", job.ToString(),
                            before, after));
  ctx.change.upserted.push_back(
      {.kind = Resource::Kind::kJob, .job = {.key = job, .spec = {.owners = owners}}});
  return absl::OkStatus();
}

absl::StatusOr<ApplyResult> ApplyJob(WriteContext& ctx, const Job& job,
                                     int64_t expected_revision) {
  ApplyResult result{.kind = "Job", .name = job.key.ToString()};
  ASSIGN_OR_RETURN(std::optional<JobOwners> old, FindJobOwners(ctx.db, job.key));
  RETURN_IF_ERROR(CheckExpected(expected_revision, old ? old->revision : 0, old.has_value()));
  if (old && old->owners == job.spec.owners) {
    result.revision = old->revision;
    return result;
  }
  int64_t before = old ? old->revision : 0;
  result.revision = before + 1;
  result.outcome = old ? ApplyOutcome::kChanged : ApplyOutcome::kCreated;
  // A job applied before its first run waits for its events, owned.
  ASSIGN_OR_RETURN(
      Statement * s,
      ctx.db.Prepare("INSERT INTO jobs(namespace, name, owners, revision, created_at, "
                     "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5) ON CONFLICT(namespace, name) "
                     "DO UPDATE SET owners = ?3, revision = ?4, updated_at = ?5"));
  s->Bind(1, job.key.ns);
  s->Bind(2, job.key.name);
  s->Bind(3, OwnersColumn(job.spec.owners));
  s->Bind(4, result.revision);
  s->Bind(5, ctx.now);
  RETURN_IF_ERROR(s->Run());
  RETURN_IF_ERROR(
      RecordJobOwners(ctx, job.key, job.spec.owners, !old, before, result.revision));
  return result;
}

}  // namespace catalog::store
