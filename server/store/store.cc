#include "server/store/store.h"

#include <chrono>
#include <ctime>
#include <map>

#include <spdlog/spdlog.h>

#include "absl/strings/escaping.h"
#include "lib/catalog/validate.h"
#include "lib/util/sealed.h"
#include "lib/util/time.h"
#include "server/store/change_follower.h"
#include "server/store/leader_lock.h"
#include "server/store/migrations.h"
#include "server/store/postgres.h"
#include "server/store/schema_check.h"
#include "server/store/sqlite.h"
#include "absl/strings/numbers.h"
#include "server/store/store_internal.h"

namespace catalog::store {

using nlohmann::json;

std::string NowRfc3339() {
  return FormatRfc3339(std::chrono::system_clock::now());
}

absl::StatusOr<int64_t> WriteContext::BumpCatalogRevision() {
  if (catalog_revision != 0) return catalog_revision;
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("UPDATE meta SET value = value + 1 WHERE key = "
                              "'catalog_revision' RETURNING value"));
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return absl::InternalError("meta.catalog_revision is missing");
  catalog_revision = s->Int(0);
  s->Reset();
  return catalog_revision;
}

int EffectivePageSize(const PageRequest& page) {
  if (page.page_size <= 0) return 100;
  return std::min(page.page_size, 1000);
}

// Page tokens are sealed: the position they hold (the last key of a page,
// which may be of an object the caller may not read) is neither readable
// nor forgeable.
std::string EncodePageToken(const json& position) { return Seal(position.dump()); }

absl::StatusOr<json> DecodePageToken(std::string_view token) {
  absl::StatusOr<std::string> raw = Unseal(token);
  if (!raw.ok()) {
    return absl::InvalidArgumentError(StrCat("page_token: ", MessageOf(raw.status())));
  }
  json position = json::parse(*raw, nullptr, /*allow_exceptions=*/false);
  if (position.is_discarded()) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  return position;
}

std::string EncodeKeyToken(const std::vector<std::string>& key) {
  return EncodePageToken(json(key));
}

absl::StatusOr<std::vector<std::string>> DecodeKeyToken(const PageRequest& page,
                                                        size_t parts) {
  if (page.page_token.empty()) return std::vector<std::string>(parts);
  ASSIGN_OR_RETURN(json position, DecodePageToken(page.page_token));
  if (!position.is_array() || position.size() != parts) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  std::vector<std::string> key;
  for (const json& part : position) {
    if (!part.is_string()) {
      return absl::InvalidArgumentError("page_token: malformed");
    }
    key.push_back(part.get<std::string>());
  }
  return key;
}

absl::StatusOr<int64_t> PageBelowId(const PageRequest& page) {
  ASSIGN_OR_RETURN(std::vector<std::string> after, DecodeKeyToken(page, 1));
  int64_t before_id = INT64_MAX;
  if (!after[0].empty() && (!absl::SimpleAtoi(after[0], &before_id) || before_id <= 0)) {
    return absl::InvalidArgumentError("page_token: not one this call gave");
  }
  return before_id;
}

absl::StatusOr<ApplyResult> WriteSpecRow(WriteContext& ctx, const SpecRow& row,
                                         const ObjectStatus* old, bool unchanged,
                                         int64_t expected_revision, ObjectStatus* now) {
  ApplyResult result{.kind = row.kind, .name = std::string(row.key)};
  RETURN_IF_ERROR(CheckExpected(expected_revision, old ? old->revision : 0, old != nullptr));
  if (old && unchanged) {
    result.revision = old->revision;
    return result;
  }
  const int64_t before = old ? old->revision : 0;
  result.outcome = old ? ApplyOutcome::kChanged : ApplyOutcome::kCreated;
  std::optional<nlohmann::json> old_spec;
  if (old) {
    ASSIGN_OR_RETURN(Statement * read, ctx.db.Prepare(StrCat("SELECT spec FROM ", row.table,
                                                             " WHERE ", row.key_column, " = ?")));
    read->Bind(1, row.key);
    ASSIGN_OR_RETURN(bool found, read->Step());
    old_spec = found ? nlohmann::json::parse(read->Text(0), nullptr, /*allow_exceptions=*/false)
                     : nlohmann::json::object();
    read->Reset();
    result.revision = before + 1;
  } else {
    ASSIGN_OR_RETURN(int64_t last, LastHistoryRevision(ctx.db, row.kind, row.key));
    result.revision = last + 1;
  }
  RETURN_IF_ERROR(WriteObjectHistory(
      ctx, row.kind, row.key, result.revision, old_spec ? &*old_spec : nullptr,
      nlohmann::json::parse(row.spec, nullptr, /*allow_exceptions=*/false), row.spec));
  ASSIGN_OR_RETURN(
      Statement * s,
      ctx.db.Prepare(StrCat("INSERT INTO ", row.table, "(", row.key_column,
                            ", domain, spec, revision, created_at, updated_at, updated_by) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(",
                            row.key_column,
                            ") DO UPDATE SET domain = excluded.domain, spec = excluded.spec, "
                            "revision = excluded.revision, updated_at = excluded.updated_at, "
                            "updated_by = excluded.updated_by")));
  s->Bind(1, row.key);
  s->Bind(2, row.domain);
  s->Bind(3, row.spec);
  s->Bind(4, result.revision);
  s->Bind(5, ctx.now);
  s->Bind(6, ctx.now);
  s->Bind(7, ctx.actor);
  RETURN_IF_ERROR(s->Run());
  RETURN_IF_ERROR(ctx.Audit(StrCat(row.audit, old ? ".update" : ".create"), row.kind, row.key,
                            before, result.revision));
  *now = old ? *old : ObjectStatus{.created_at = ctx.now};
  now->revision = result.revision;
  now->updated_at = ctx.now;
  now->updated_by = ctx.actor;
  return result;
}

absl::Status CheckExpected(int64_t expected, int64_t stored, bool exists) {
  if (expected == 0) return absl::OkStatus();
  if (!exists) {
    return absl::AbortedError(
        StrCat("stale revision: the request expected revision ", expected,
               " but the object does not exist"));
  }
  if (expected != stored) {
    return absl::AbortedError(
        StrCat("stale revision: the request expected revision ", expected,
               " but the catalog holds revision ", stored,
               "; read it again and retry"));
  }
  return absl::OkStatus();
}

absl::Status AtResource(size_t index, const Resource& r,
                        const absl::Status& error) {
  return absl::Status(error.code(),
                      StrCat("resources[", index, "] (", r.KindName(), " ",
                             r.DisplayName(), "): ", MessageOf(error)));
}

ObjectStatus ReadObjectStatus(const Statement& s, int c) {
  return {.revision = s.Int(c),
          .created_at = s.Text(c + 1),
          .updated_at = s.Text(c + 2),
          .updated_by = s.Text(c + 3)};
}

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() {
  // The follower's thread reads through the readers: it stops first.
  impl_->follower.reset();
  impl_->leader.reset();
}

namespace {

absl::Status OpenSqlite(const Store::Options& options, Store::Impl& impl) {
  ASSIGN_OR_RETURN(auto writer, SqliteConnection::Open(options.path, false,
                                                       options.busy_timeout_ms));
  RETURN_IF_ERROR(Migrate(*writer, EmbeddedMigrations(), false).status());
  RETURN_IF_ERROR(VerifySchema(writer->raw()));
  if (options.max_bytes > 0) {
    // Pages are 4 KiB unless the file says otherwise.
    RETURN_IF_ERROR(writer->Exec(
        StrCat("PRAGMA max_page_count = ", std::max<int64_t>(1, options.max_bytes / 4096))));
  }
  ASSIGN_OR_RETURN(impl.checkpointer, WalCheckpointer::Start(options.path, writer->raw(), {}));
  impl.writer = std::move(writer);
  for (int i = 0; i < std::max(1, options.readers); ++i) {
    ASSIGN_OR_RETURN(auto reader, SqliteConnection::Open(options.path, true,
                                                         options.busy_timeout_ms));
    impl.readers.push_back(std::move(reader));
  }
  return absl::OkStatus();
}

// The session settings Options ask for.
PgSettings SettingsOf(const Store::Options& options) {
  return {.statement_timeout_ms = options.statement_timeout_ms,
          .lock_timeout_ms = options.lock_timeout_ms,
          .idle_in_transaction_timeout_ms = options.idle_in_transaction_timeout_ms};
}

// The database is the organisation's, run by its own operators: its schema
// is created by these migrations and not re-verified as a file someone
// handed us would be (schema_check.h).
absl::Status OpenPostgres(const Store::Options& options, Store::Impl& impl) {
  const PgSettings settings = SettingsOf(options);
  ASSIGN_OR_RETURN(auto writer, PgConnection::Open(options.postgres, settings));
  RETURN_IF_ERROR(Migrate(*writer, EmbeddedPostgresMigrations(), false).status());
  impl.writer = std::move(writer);
  impl.leader = std::make_unique<LeaderLock>(options.postgres, settings,
                                             std::chrono::milliseconds(options.leader_poll_ms));
  for (int i = 0; i < std::max(1, options.readers); ++i) {
    ASSIGN_OR_RETURN(auto reader, PgConnection::Open(options.postgres, settings));
    impl.readers.push_back(std::move(reader));
  }
  return absl::OkStatus();
}

// Follows the other replicas' writes from the change feed.
absl::Status FollowPostgres(const Store::Options& options, Store::Impl& impl) {
  const PgSettings settings = SettingsOf(options);
  ASSIGN_OR_RETURN(impl.follower,
                   ChangeFollower::Start(options.postgres, settings,
                                         std::chrono::milliseconds(options.feed_poll_ms),
                                         [raw = &impl] {
                                           absl::Status s = raw->CatchUp();
                                           if (!s.ok()) {
                                             spdlog::warn("change feed: {}", MessageOf(s));
                                           }
                                         }));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const Options& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->SetEngineMetrics(impl->shared() ? "postgres" : "sqlite");
  RETURN_IF_ERROR(options.postgres.empty() ? OpenSqlite(options, *impl)
                                           : OpenPostgres(options, *impl));
  RETURN_IF_ERROR(ChainAudit(*impl->writer));
  RETURN_IF_ERROR(impl->writer->dialect().PrepareWriter(*impl->writer));
  RETURN_IF_ERROR(impl->LoadIdentity());
  std::unique_ptr<Store> store(new Store(std::move(impl)));
  if (options.follow) RETURN_IF_ERROR(store->StartFollowing());
  return store;
}

absl::StatusOr<ApplyResponse> Store::Apply(
    const std::vector<Resource>& resources, std::string_view actor,
    bool dry_run, const CertifyCheck& may_certify, const RuleCheck& judge_rules) {
  std::map<std::pair<std::string, std::string>, size_t> seen;
  for (size_t i = 0; i < resources.size(); ++i) {
    const Resource& r = resources[i];
    if (absl::Status valid = ValidateResource(r); !valid.ok()) {
      return AtResource(i, r, valid);
    }
    auto [it, inserted] = seen.emplace(
        std::make_pair(r.KindName(), r.DisplayName()), i);
    if (!inserted) {
      return AtResource(i, r,
                        absl::InvalidArgumentError(StrCat(
                            "appears twice (also resources[", it->second,
                            "])")));
    }
  }
  return impl_->Write(
      actor,
      [&](WriteContext& ctx) -> absl::StatusOr<ApplyResponse> {
        ctx.may_certify = &may_certify;
        ctx.judge_rules = &judge_rules;
        ApplyResponse response;
        for (size_t i = 0; i < resources.size(); ++i) {
          const Resource& r = resources[i];
          absl::StatusOr<ApplyResult> result;
          switch (r.kind) {
            case Resource::Kind::kDataset: {
              Dataset d = r.dataset;
              if (r.merge) {
                // Field by field: the stored spec, read in this
                // transaction, with the given fields written over it.
                auto stored = FindDataset(ctx.db, d.key);
                if (!stored.ok()) return AtResource(i, r, stored.status());
                if (*stored) d.spec = MergeDatasetSpec((*stored)->second.spec, d.spec, r.fields);
              }
              result = ApplyDataset(ctx, d, r.expected_revision);
              break;
            }
            case Resource::Kind::kDomain:
              result = ApplyDomain(ctx, r.domain, r.expected_revision);
              break;
            case Resource::Kind::kPrincipal:
              result = ApplyPrincipal(ctx, r.principal, r.expected_revision);
              break;
            case Resource::Kind::kJob:
              result = ApplyJob(ctx, r.job, r.expected_revision);
              break;
            case Resource::Kind::kDataProduct:
              result = ApplyDataProduct(ctx, r.product, r.expected_revision);
              break;
            case Resource::Kind::kGlossaryTerm:
              result = ApplyGlossaryTerm(ctx, r.term, r.expected_revision);
              break;
            case Resource::Kind::kModel:
              result = ApplyModel(ctx, r.model, r.expected_revision);
              break;
            case Resource::Kind::kModelVersion:
              result = ApplyModelVersion(ctx, r.model_version, r.expected_revision);
              break;
            case Resource::Kind::kAIApplication:
              result = ApplyAIApplication(ctx, r.application, r.expected_revision);
              break;
            case Resource::Kind::kFeatureView:
              result = ApplyFeatureView(ctx, r.feature_view, r.expected_revision);
              break;
          }
          if (!result.ok()) return AtResource(i, r, result.status());
          response.results.push_back(*std::move(result));
        }
        for (size_t i = 0; i < resources.size(); ++i) {
          const Resource& r = resources[i];
          absl::Status refs;
          switch (r.kind) {
            case Resource::Kind::kDataset:
              refs = CheckDatasetReferences(ctx.db, r.dataset);
              break;
            case Resource::Kind::kDomain:
              refs = CheckDomainReferences(ctx.db, r.domain);
              break;
            case Resource::Kind::kPrincipal:
              refs = CheckPrincipalReferences(ctx.db, r.principal);
              break;
            case Resource::Kind::kJob:
              break;  // owners need not exist yet, as a dataset's
            case Resource::Kind::kDataProduct:
              refs = CheckProductReferences(ctx.db, r.product);
              break;
            case Resource::Kind::kGlossaryTerm:
              refs = CheckTermReferences(ctx.db, r.term);
              break;
            case Resource::Kind::kModel:
              refs = CheckModelReferences(ctx.db, r.model);
              break;
            case Resource::Kind::kModelVersion:
              refs = CheckModelVersionReferences(ctx.db, r.model_version);
              break;
            case Resource::Kind::kAIApplication:
              refs = CheckAIApplicationReferences(ctx.db, r.application);
              break;
            case Resource::Kind::kFeatureView:
              refs = CheckFeatureViewReferences(ctx.db, r.feature_view);
              break;
          }
          if (!refs.ok()) return AtResource(i, r, refs);
        }
        if (ctx.catalog_revision != 0) {
          response.catalog_revision = ctx.catalog_revision;
        } else {
          ASSIGN_OR_RETURN(response.catalog_revision, ReadCatalogRevision(ctx.db));
        }
        return response;
      },
      /*commit=*/!dry_run);
}

absl::StatusOr<int64_t> ReadCatalogRevision(Connection& db) {
  ASSIGN_OR_RETURN(
      Statement * s,
      db.Prepare("SELECT value FROM meta WHERE key = 'catalog_revision'"));
  ASSIGN_OR_RETURN(bool row, s->Step());
  int64_t revision = row ? s->Int(0) : 0;
  s->Reset();
  return revision;
}

bool Store::shared() const { return impl_->shared(); }

absl::Status Store::StartFollowing() {
  if (!impl_->shared() || impl_->follower != nullptr) return absl::OkStatus();
  RETURN_IF_ERROR(FollowPostgres(impl_->options, *impl_));
  // Whatever was committed since Open, before any notification.
  return impl_->CatchUp();
}

bool Store::leader() const { return impl_->leader == nullptr || impl_->leader->held(); }

absl::StatusOr<int64_t> Store::PruneChanges(int64_t keep) {
  const int64_t below = impl_->applied_revision.load() - keep;
  if (!impl_->shared() || below <= 0) return 0;
  int64_t pruned = 0;
  // Small batches, each its own transaction: the head's lock is held for
  // milliseconds, not for the whole backlog.
  while (true) {
    ASSIGN_OR_RETURN(int64_t n, impl_->Write("", [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
                       return ctx.db.dialect().PruneChanges(ctx.db, below, 5000);
                     }));
    pruned += n;
    if (n < 5000) return pruned;
  }
}

absl::StatusOr<int64_t> Store::CatalogRevision() {
  return impl_->Read([](Connection& db) { return ReadCatalogRevision(db); });
}

}  // namespace catalog::store
