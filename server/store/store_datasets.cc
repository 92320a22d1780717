// Datasets: writes (apply, delete), reads, history and full-text search.

#include <unordered_map>

#include "absl/strings/str_join.h"
#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"
#include "server/store/spec_codec.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

using nlohmann::json;

// Datasets after a key (?1, ?2), in a domain and those below it (?3; a
// range, so '_' and '%' in paths are not LIKE wildcards) and a namespace
// (?5), each when not NULL; at most ?4: ListDatasets and ListDatasetKeys.
constexpr std::string_view kListWhere =
    "WHERE (namespace, name) > (?, ?) AND ("
    "CAST(?3 AS TEXT) IS NULL OR domain = ?3 OR (domain >= ?3 || "
    "'/' AND domain < ?3 || '0')) AND (CAST(?5 AS TEXT) IS NULL OR "
    "namespace = ?5) ORDER BY namespace, name LIMIT ?4";

// Selects a dataset row for ReadDataset; `where` follows.
std::string SelectDataset(const Connection& db, std::string_view where) {
  return StrCat(
      "SELECT namespace, name, spec, revision, created_at, updated_at, "
      "updated_by, schema_version, id, ", db.dialect().contract_column(), ", spec_pb, ",
      kHealthColumns, " FROM datasets ", kHealthJoin, " ", where);
}

absl::StatusOr<Dataset> ReadDataset(const Statement& s) {
  Dataset d;
  d.key = {s.Text(0), s.Text(1)};
  ASSIGN_OR_RETURN(d.spec, ReadSpec(s, 2, 10, d.key));
  d.status = ReadObjectStatus(s, 3);
  d.status.schema_version = s.Int(7);
  d.contract = ReadContractColumn(s, 9);
  d.health = ReadHealthColumns(s, 11);
  return d;
}

// The spec paths ("spec.<key>", keys as the JSON document names them, in
// their order) that differ between `before` and `after`; every key `after`
// writes when there is no `before` (a create): lifecycle and schema always,
// the rest when set.
std::vector<std::string> ChangedPaths(const DatasetSpec* before, const DatasetSpec& after) {
  static const DatasetSpec kNone;
  const DatasetSpec& b = before != nullptr ? *before : kNone;
  const bool create = before == nullptr;
  std::vector<std::string> changed;
  auto add = [&](bool differs, const char* path) {
    if (differs) changed.push_back(path);
  };
  add(b.certification != after.certification, "spec.certification");
  add(b.classification != after.classification, "spec.classification");
  add(b.description != after.description, "spec.description");
  add(b.domain != after.domain, "spec.domain");
  add(b.layer != after.layer, "spec.layer");
  add(create || b.lifecycle != after.lifecycle, "spec.lifecycle");
  add(b.owners != after.owners, "spec.owners");
  add(b.properties != after.properties, "spec.properties");
  add(create || b.fields != after.fields, "spec.schema");
  add(b.tags != after.tags, "spec.tags");
  add(b.terms != after.terms, "spec.terms");
  add(b.tier != after.tier, "spec.tier");
  return changed;
}

void CollectFieldText(const std::vector<Field>& fields, std::string& names,
                      std::string& tags) {
  for (const Field& f : fields) {
    names += f.name + " ";
    for (const std::string& t : f.tags) tags += t + " ";
    CollectFieldText(f.fields, names, tags);
  }
}

// Sets dataset `id`'s search row (nullptr: removes it) in this
// transaction; the engine writes its index before the commit.
absl::Status QueueSearchRow(WriteContext& ctx, int64_t id, const Dataset* d) {
  ctx.search_pending = true;
  if (d == nullptr) return ctx.db.dialect().PutSearchRow(ctx.db, id, nullptr);
  SearchRow row = SearchRowOf(*d);
  return ctx.db.dialect().PutSearchRow(ctx.db, id, &row);
}

absl::Status WriteOwnersAndTags(Connection& db, int64_t id,
                                const DatasetSpec& spec) {
  ASSIGN_OR_RETURN(Statement * del_owners,
                   db.Prepare("DELETE FROM dataset_owners WHERE dataset_id = ?"));
  del_owners->Bind(1, id);
  RETURN_IF_ERROR(del_owners->Run());
  for (const Owner& o : spec.owners) {
    ASSIGN_OR_RETURN(Statement * ins,
                     db.Prepare("INSERT INTO dataset_owners(dataset_id, "
                                "principal, type) VALUES (?, ?, ?)"));
    ins->Bind(1, id);
    ins->Bind(2, o.principal);
    ins->Bind(3, OwnershipTypeName(o.type));
    RETURN_IF_ERROR(ins->Run());
  }
  ASSIGN_OR_RETURN(Statement * del_tags,
                   db.Prepare("DELETE FROM dataset_tags WHERE dataset_id = ?"));
  del_tags->Bind(1, id);
  RETURN_IF_ERROR(del_tags->Run());
  for (const std::string& tag : spec.tags) {
    ASSIGN_OR_RETURN(Statement * ins,
                     db.Prepare("INSERT INTO dataset_tags(dataset_id, tag) "
                                "VALUES (?, ?)"));
    ins->Bind(1, id);
    ins->Bind(2, tag);
    RETURN_IF_ERROR(ins->Run());
  }
  return absl::OkStatus();
}

// One revision in dataset_history: the spec in binary (`spec_pb`, which
// the caller has encoded already), the rest of the object as JSON.
absl::Status WriteHistory(WriteContext& ctx, const Dataset& d,
                          std::string_view action,
                          const std::vector<std::string>& changes, std::string_view spec_pb) {
  Resource r{.kind = Resource::Kind::kDataset,
             .dataset = {.key = d.key, .status = d.status}};
  json document = ResourceToJson(r, true);
  document.erase("spec");
  ASSIGN_OR_RETURN(Statement * s,
                   ctx.db.Prepare("INSERT INTO dataset_history(namespace, "
                                  "name, revision, action, actor, time, "
                                  "changes, document, spec_pb) VALUES (?, ?, ?, ?, ?, "
                                  "?, ?, ?, ?)"));
  s->Bind(1, d.key.ns);
  s->Bind(2, d.key.name);
  s->Bind(3, d.status.revision);
  s->Bind(4, action);
  s->Bind(5, ctx.actor);
  s->Bind(6, ctx.now);
  s->Bind(7, json(changes).dump());
  s->Bind(8, document.dump());
  s->BindBlob(9, spec_pb);
  return s->Run();
}

// The revision a dataset (re)created under `key` starts at: one past any
// revision it had before it was deleted, so revisions never repeat.
absl::StatusOr<int64_t> NextRevisionAfterHistory(Connection& db,
                                                 const DatasetKey& key) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT COALESCE(MAX(revision), 0) FROM "
                              "dataset_history WHERE namespace = ? AND name "
                              "= ?"));
  s->Bind(1, key.ns);
  s->Bind(2, key.name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  return (row ? s->Int(0) : 0) + 1;
}


// Finds a dataset and its row id; nullopt when there is none.

// The words of a search: runs of letters and digits (any non-ASCII byte
// counts as a letter).
std::vector<std::string> SearchWords(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      word.push_back(c);
    } else if (!word.empty()) {
      words.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

// FAILED_PRECONDITION when a feature view is derived from `key` or an AI
// application names it (a data source, a vector index, a tool's read or
// write): counted, not named — the deleter may not read them
// (`catalogctl impact` lists those it may).
absl::Status CheckDatasetUnused(Connection& db, const DatasetKey& key) {
  int64_t counts[2] = {0, 0};
  const char* sql[2] = {
      "SELECT COUNT(*) FROM feature_views WHERE source_namespace = ? AND source_name = ?",
      "SELECT COUNT(DISTINCT application) FROM ai_application_uses WHERE kind = 'dataset' AND "
      "namespace = ? AND name = ?"};
  for (int i = 0; i < 2; ++i) {
    ASSIGN_OR_RETURN(Statement * s, db.Prepare(sql[i]));
    s->Bind(1, key.ns);
    s->Bind(2, key.name);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (row) counts[i] = s->Int(0);
    s->Reset();
  }
  if (counts[0] == 0 && counts[1] == 0) return absl::OkStatus();
  std::vector<std::string> users;
  if (counts[0] > 0) users.push_back(StrCat(counts[0], " feature view(s)"));
  if (counts[1] > 0) users.push_back(StrCat(counts[1], " AI application(s)"));
  return absl::FailedPreconditionError(
      StrCat("dataset \"", key.ToString(), "\" is in use by ", absl::StrJoin(users, " and "),
             "; change or delete them first (catalogctl impact lists them)"));
}
}  // namespace

SearchRow SearchRowOf(const Dataset& d) {
  SearchRow row{.key = d.key.ns + " " + d.key.name, .description = d.spec.description};
  for (const std::string& t : d.spec.tags) row.tags += t + " ";
  CollectFieldText(d.spec.fields, row.fields, row.tags);
  return row;
}

absl::Status FlushSearchRows(WriteContext& ctx) {
  if (!ctx.search_pending) return absl::OkStatus();
  ctx.search_pending = false;
  return ctx.db.dialect().FlushSearchRows(ctx.db);
}

absl::StatusOr<std::optional<std::pair<int64_t, Dataset>>> FindDataset(
    Connection& db, const DatasetKey& key) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare(SelectDataset(db, "WHERE namespace = ? AND name = ?")));
  s->Bind(1, key.ns);
  s->Bind(2, key.name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  ASSIGN_OR_RETURN(Dataset d, ReadDataset(*s));
  int64_t id = s->Int(8);
  s->Reset();
  return std::make_pair(id, std::move(d));
}

// FAILED_PRECONDITION when another dataset is written as `key` is
// ("postgres:" + "/db:5432/x" and "postgres://db:5432" + "x" are both
// "postgres://db:5432/x"): people and the CLI would take one for the other,
// though their policy ids differ (lib/catalog/key_id.h). One index lookup
// per '/' of the written form.
absl::Status CheckNoLookAlike(Connection& db, const DatasetKey& key) {
  const std::string written = key.ToString();
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT 1 FROM datasets WHERE namespace = ? AND name = ?"));
  for (size_t at = written.find('/'); at != std::string::npos; at = written.find('/', at + 1)) {
    if (at == key.ns.size() || at == 0 || at + 1 == written.size()) continue;
    DatasetKey other{written.substr(0, at), written.substr(at + 1)};
    s->Bind(1, other.ns);
    s->Bind(2, other.name);
    ASSIGN_OR_RETURN(bool row, s->Step());
    s->Reset();
    if (row) {
      return absl::FailedPreconditionError(
          StrCat("metadata: namespace \"", key.ns, "\" and name \"", key.name,
                 "\" are written \"", written, "\", as dataset namespace \"", other.ns,
                 "\" name \"", other.name,
                 "\" is; a dataset's written form must name it alone"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ApplyResult> ApplyDataset(WriteContext& ctx, const Dataset& in,
                                         int64_t expected_revision) {
  ApplyResult result{.kind = "Dataset", .name = in.key.ToString()};
  ASSIGN_OR_RETURN(auto existing, FindDataset(ctx.db, in.key));
  Dataset d = in;
  // What the server maintains (the bound contract, health) is what the
  // store holds, never what the caller sent: derived views take the
  // change's copy as the truth.
  d.contract.reset();
  d.health = {};
  std::vector<std::string> changes;
  int64_t id = 0;
  int64_t before = 0;
  if (existing) {
    auto& [existing_id, old] = *existing;
    RETURN_IF_ERROR(CheckExpected(expected_revision, old.status.revision, true));
    RETURN_IF_ERROR(SettleGovernance(ctx, &old.spec, d));
    if (old.spec == d.spec) {
      result.outcome = ApplyOutcome::kUnchanged;
      result.revision = old.status.revision;
      return result;
    }
    id = existing_id;
    before = old.status.revision;
    changes = ChangedPaths(&old.spec, d.spec);
    d.status = old.status;
    d.contract = old.contract;
    d.health = old.health;
    d.status.revision = old.status.revision + 1;
    if (old.spec.fields != d.spec.fields) ++d.status.schema_version;
    result.outcome = ApplyOutcome::kChanged;
  } else {
    if (expected_revision != 0) {
      return absl::AbortedError(
          StrCat("stale revision: the request expected revision ",
                 expected_revision, " but the dataset does not exist"));
    }
    RETURN_IF_ERROR(CheckNoLookAlike(ctx.db, d.key));
    RETURN_IF_ERROR(SettleGovernance(ctx, nullptr, d));
    // A contract may name a dataset before it exists.
    ASSIGN_OR_RETURN(d.contract, BoundContract(ctx.db, d.key));
    ASSIGN_OR_RETURN(d.status.revision,
                     NextRevisionAfterHistory(ctx.db, d.key));
    d.status.schema_version = 1;
    d.status.created_at = ctx.now;
    changes = ChangedPaths(nullptr, d.spec);
    result.outcome = ApplyOutcome::kCreated;
  }
  d.status.updated_at = ctx.now;
  d.status.updated_by = ctx.actor;
  if (ctx.judge_rules != nullptr && *ctx.judge_rules) {
    RETURN_IF_ERROR((*ctx.judge_rules)(existing ? &existing->second : nullptr, d,
                                       result.warnings));
  }

  ASSIGN_OR_RETURN(
      Statement * s,
      ctx.db.Prepare(
          "INSERT INTO datasets(namespace, name, domain, spec, revision, "
          "schema_version, created_at, updated_at, updated_by, spec_pb, layer, "
          "certified_until_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(namespace, "
          "name) DO UPDATE SET domain = excluded.domain, spec = excluded.spec, spec_pb = "
          "excluded.spec_pb, revision = excluded.revision, schema_version = "
          "excluded.schema_version, updated_at = excluded.updated_at, updated_by = "
          "excluded.updated_by, layer = excluded.layer, certified_until_ms = "
          "excluded.certified_until_ms RETURNING id"));
  s->Bind(1, d.key.ns);
  s->Bind(2, d.key.name);
  if (d.spec.domain.empty()) {
    s->BindNull(3);
  } else {
    s->Bind(3, d.spec.domain);
  }
  s->Bind(4, "");  // the spec is in spec_pb (spec_codec.h)
  s->Bind(5, d.status.revision);
  s->Bind(6, d.status.schema_version);
  s->Bind(7, d.status.created_at);
  s->Bind(8, d.status.updated_at);
  s->Bind(9, d.status.updated_by);
  const std::string spec_pb = EncodeSpecBinary(d.spec);
  s->BindBlob(10, spec_pb);
  if (d.spec.layer.empty()) {
    s->BindNull(11);
  } else {
    s->Bind(11, d.spec.layer);
  }
  s->Bind(12, CertifiedUntilMs(d.spec));
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return absl::InternalError("dataset upsert returned no id");
  id = s->Int(0);
  s->Reset();

  RETURN_IF_ERROR(WriteOwnersAndTags(ctx.db, id, d.spec));
  RETURN_IF_ERROR(WriteTermLinks(ctx.db, id, existing ? &existing->second.spec : nullptr, d.spec));
  RETURN_IF_ERROR(QueueSearchRow(ctx, id, &d));
  const char* action = existing ? "update" : "create";
  RETURN_IF_ERROR(WriteHistory(ctx, d, action, changes, spec_pb));
  RETURN_IF_ERROR(ctx.Audit(StrCat("dataset.", action), "Dataset",
                            result.name, before, d.status.revision));
  result.revision = d.status.revision;
  ctx.change.upserted.push_back({.kind = Resource::Kind::kDataset, .dataset = std::move(d)});
  return result;
}

absl::Status CheckDatasetReferences(Connection& db, const Dataset& d) {
  RETURN_IF_ERROR(CheckDatasetTermLinks(db, d.spec));
  return CheckDomainExists(db, "spec.domain", d.spec.domain);
}

absl::StatusOr<Dataset> Store::GetDataset(const DatasetKey& key,
                                          std::vector<Observation>* observations) {
  RETURN_IF_ERROR(ValidateDatasetKey(key));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Dataset> {
    ASSIGN_OR_RETURN(auto found, FindDataset(db, key));
    if (!found) {
      return absl::NotFoundError(
          StrCat("dataset \"", key.ToString(), "\" not found"));
    }
    if (observations != nullptr) {
      ASSIGN_OR_RETURN(*observations, ReadObservations(db, found->first, found->second));
    }
    return std::move(found->second);
  });
}

absl::StatusOr<Page<Dataset>> Store::ListDatasets(std::string_view domain,
                                                  const PageRequest& page,
                                                  std::string_view ns) {
  if (!domain.empty()) RETURN_IF_ERROR(ValidateDomainPath("domain", domain));
  ASSIGN_OR_RETURN(std::vector<std::string> after, DecodeKeyToken(page, 2));
  int limit = EffectivePageSize(page);
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Page<Dataset>> {
    ASSIGN_OR_RETURN(Statement * s, db.Prepare(SelectDataset(db, kListWhere)));
    s->Bind(1, after[0]);
    s->Bind(2, after[1]);
    if (domain.empty()) {
      s->BindNull(3);
    } else {
      s->Bind(3, domain);
    }
    s->Bind(4, static_cast<int64_t>(limit + 1));
    if (ns.empty()) {
      s->BindNull(5);
    } else {
      s->Bind(5, ns);
    }
    Page<Dataset> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      if (static_cast<int>(out.items.size()) == limit) {
        const DatasetKey& last = out.items.back().key;
        out.next_page_token = EncodeKeyToken({last.ns, last.name});
        break;
      }
      ASSIGN_OR_RETURN(Dataset d, ReadDataset(*s));
      out.items.push_back(std::move(d));
    }
    return out;
  });
}

absl::StatusOr<int64_t> Store::DeleteDataset(const DatasetKey& key,
                                             int64_t expected_revision,
                                             std::string_view actor) {
  RETURN_IF_ERROR(ValidateDatasetKey(key));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(auto existing, FindDataset(ctx.db, key));
    if (!existing) {
      return absl::NotFoundError(
          StrCat("dataset \"", key.ToString(), "\" not found"));
    }
    auto& [id, d] = *existing;
    RETURN_IF_ERROR(CheckExpected(expected_revision, d.status.revision, true));
    RETURN_IF_ERROR(CheckDatasetUnused(ctx.db, key));
    ASSIGN_OR_RETURN(Statement * del,
                     ctx.db.Prepare("DELETE FROM datasets WHERE id = ?"));
    del->Bind(1, id);
    RETURN_IF_ERROR(del->Run());
    RETURN_IF_ERROR(QueueSearchRow(ctx, id, nullptr));
    int64_t before = d.status.revision;
    d.status.revision = before + 1;
    d.status.updated_at = ctx.now;
    d.status.updated_by = ctx.actor;
    RETURN_IF_ERROR(WriteHistory(ctx, d, "delete", {}, EncodeSpecBinary(d.spec)));
    RETURN_IF_ERROR(ctx.Audit("dataset.delete", "Dataset", key.ToString(),
                              before, d.status.revision));
    ctx.change.deleted_datasets.push_back(key);
    return ctx.catalog_revision;
  });
}

absl::StatusOr<Store::SpecEncoding> Store::EncodeMissingSpecs(int64_t after_id, int limit) {
  return impl_->Write("catalogd", [&](WriteContext& ctx) -> absl::StatusOr<SpecEncoding> {
    ASSIGN_OR_RETURN(Statement * q,
                     ctx.db.Prepare("SELECT id, namespace, name, spec FROM datasets "
                                    "WHERE spec_pb IS NULL AND id > ? ORDER BY id LIMIT ?"));
    q->Bind(1, after_id);
    q->Bind(2, static_cast<int64_t>(limit));
    std::vector<std::pair<int64_t, std::string>> encoded;
    SpecEncoding out{.last_id = after_id};
    int rows = 0;
    while (true) {
      ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      ++rows;
      out.last_id = q->Int(0);
      // A spec that does not decode is left as it is: reads report it.
      absl::StatusOr<DatasetSpec> spec = DecodeSpecJson(q->Text(3), {q->Text(1), q->Text(2)});
      if (spec.ok()) encoded.emplace_back(out.last_id, EncodeSpecBinary(*spec));
    }
    q->Reset();
    ASSIGN_OR_RETURN(Statement * u,
                     ctx.db.Prepare("UPDATE datasets SET spec_pb = ?, spec = '' WHERE id = ?"));
    for (const auto& [id, bytes] : encoded) {
      u->BindBlob(1, bytes);
      u->Bind(2, id);
      RETURN_IF_ERROR(u->Run());
    }
    out.encoded = static_cast<int>(encoded.size());
    out.done = rows < limit;
    return out;
  });
}

absl::StatusOr<Page<SearchHit>> Store::Search(std::string_view query,
                                              const PageRequest& page) {
  int64_t offset = 0;
  if (!page.page_token.empty()) {
    ASSIGN_OR_RETURN(json position, DecodePageToken(page.page_token));
    if (!position.is_number_unsigned()) {
      return absl::InvalidArgumentError("page_token: malformed");
    }
    offset = position.get<int64_t>();
  }
  const int limit = EffectivePageSize(page);
  Page<SearchHit> out;
  ASSIGN_OR_RETURN(out.items, SearchMatches(query, offset, limit + 1));
  if (static_cast<int>(out.items.size()) > limit) {
    out.items.resize(limit);
    out.next_page_token = EncodePageToken(offset + limit);
  }
  RETURN_IF_ERROR(DescribeHits(out.items));
  return out;
}

absl::StatusOr<std::vector<SearchHit>> Store::SearchMatches(std::string_view query,
                                                            int64_t offset, int limit) {
  RETURN_IF_ERROR(ValidateText("query", query, kMaxShortNameBytes));
  const std::vector<std::string> words = SearchWords(query);
  if (words.empty()) {
    return absl::InvalidArgumentError("query: must contain at least one word");
  }
  // Three tiers, each in catalog order: the words in the dataset's name;
  // else in its name, description and tags together; else anywhere,
  // field names included.
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<SearchHit>> {
    const Dialect& dialect = db.dialect();
    std::vector<std::pair<int64_t, double>> ids;  // dataset id, tier
    int64_t skip = offset;  // rows of the start still to pass over
    for (SearchTier tier : {SearchTier::kName, SearchTier::kDescription, SearchTier::kFields}) {
      int64_t wanted = limit - static_cast<int64_t>(ids.size());
      if (wanted <= 0) break;
      if (skip > 0) {
        // Pass over whole tiers the offset reaches beyond.
        ASSIGN_OR_RETURN(int64_t in_tier, dialect.CountSearch(db, words, tier));
        if (in_tier <= skip) {
          skip -= in_tier;
          continue;
        }
      }
      std::vector<int64_t> found;
      RETURN_IF_ERROR(dialect.Search(db, words, tier, skip, wanted, &found));
      skip = 0;
      for (int64_t id : found) ids.emplace_back(id, static_cast<double>(tier));
    }
    // Keys by id, 500 ids a query (a query per id cost 30 ms at 10,000),
    // from the index of keys (reading the rows cost 20 ms at 10,000); one
    // statement, the last batch padded with an id no row has.
    constexpr size_t kBatch = 500;
    std::string sql = StrCat("SELECT id, namespace, name FROM ", dialect.dataset_keys_source(),
                             " WHERE id IN (?");
    for (size_t i = 1; i < kBatch; ++i) sql += ", ?";
    sql += ")";
    std::unordered_map<int64_t, DatasetKey> keys;
    keys.reserve(ids.size());
    for (size_t from = 0; from < ids.size(); from += kBatch) {
      ASSIGN_OR_RETURN(Statement * s, db.Prepare(sql));
      for (size_t i = 0; i < kBatch; ++i) {
        s->Bind(static_cast<int>(i + 1), from + i < ids.size() ? ids[from + i].first : -1);
      }
      while (true) {
        ASSIGN_OR_RETURN(bool row, s->Step());
        if (!row) break;
        keys.emplace(s->Int(0), DatasetKey{s->Text(1), s->Text(2)});
      }
    }
    std::vector<SearchHit> out;
    out.reserve(ids.size());
    for (const auto& [id, score] : ids) {
      auto it = keys.find(id);
      if (it == keys.end()) continue;  // deleted meanwhile
      out.push_back({.key = std::move(it->second), .score = score});
    }
    return out;
  });
}

absl::Status Store::DescribeHits(std::vector<SearchHit>& hits) {
  if (hits.empty()) return absl::OkStatus();
  return impl_->Read([&](Connection& db) -> absl::Status {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("SELECT spec, spec_pb FROM datasets "
                                "WHERE namespace = ? AND name = ?"));
    std::vector<SearchHit> kept;
    kept.reserve(hits.size());
    for (SearchHit& hit : hits) {
      s->Reset();
      s->Bind(1, hit.key.ns);
      s->Bind(2, hit.key.name);
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) continue;
      ASSIGN_OR_RETURN(DatasetSpec spec, ReadSpec(*s, 0, 1, hit.key));
      hit.description = std::move(spec.description);
      hit.domain = std::move(spec.domain);
      kept.push_back(std::move(hit));
    }
    hits = std::move(kept);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<DatasetKey>> Store::ListDatasetKeys(std::string_view domain,
                                                               std::string_view ns,
                                                               const DatasetKey& after,
                                                               int limit) {
  if (!domain.empty()) RETURN_IF_ERROR(ValidateDomainPath("domain", domain));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<DatasetKey>> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare(StrCat("SELECT namespace, name FROM datasets ", kListWhere)));
    s->Bind(1, after.ns);
    s->Bind(2, after.name);
    if (domain.empty()) {
      s->BindNull(3);
    } else {
      s->Bind(3, domain);
    }
    s->Bind(4, static_cast<int64_t>(limit));
    if (ns.empty()) {
      s->BindNull(5);
    } else {
      s->Bind(5, ns);
    }
    std::vector<DatasetKey> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back({s->Text(0), s->Text(1)});
    }
    return out;
  });
}

absl::StatusOr<std::vector<HistoryEntry>> Store::DatasetHistory(
    const DatasetKey& key) {
  RETURN_IF_ERROR(ValidateDatasetKey(key));
  return impl_->Read(
      [&](Connection& db) -> absl::StatusOr<std::vector<HistoryEntry>> {
        ASSIGN_OR_RETURN(
            Statement * s,
            db.Prepare("SELECT revision, actor, time, action, changes, "
                       "document, spec_pb FROM dataset_history WHERE namespace = ? "
                       "AND name = ? ORDER BY revision"));
        s->Bind(1, key.ns);
        s->Bind(2, key.name);
        std::vector<HistoryEntry> out;
        while (true) {
          ASSIGN_OR_RETURN(bool row, s->Step());
          if (!row) break;
          HistoryEntry e{.revision = s->Int(0),
                         .actor = s->Text(1),
                         .time = s->Text(2),
                         .action = s->Text(3)};
          json changes = json::parse(s->Text(4), nullptr, false);
          if (changes.is_array()) {
            for (const json& c : changes) {
              if (c.is_string()) e.changes.push_back(c);
            }
          }
          json doc = json::parse(s->Text(5), nullptr, false);
          ASSIGN_OR_RETURN(Resource r, ResourceFromJson(doc));
          e.dataset = std::move(r.dataset);
          if (!s->IsNull(6)) {  // else the spec is in `document` (before 0012)
            ASSIGN_OR_RETURN(e.dataset.spec, ReadSpec(*s, 5, 6, key));
          }
          const json& status = doc["status"];
          e.dataset.status.revision = e.revision;
          e.dataset.status.schema_version = status.value("schemaVersion", 0);
          e.dataset.status.created_at = status.value("createdAt", "");
          e.dataset.status.updated_at = status.value("updatedAt", "");
          e.dataset.status.updated_by = status.value("updatedBy", "");
          out.push_back(std::move(e));
        }
        if (out.empty()) {
          return absl::NotFoundError(
              StrCat("dataset \"", key.ToString(), "\" has no history"));
        }
        return out;
      });
}

}  // namespace catalog::store
