// Data contracts: versions, bindings to datasets, violations.
#include <algorithm>
#include <memory>
#include <mutex>
#include <set>

#include "absl/container/flat_hash_map.h"

#include "lib/contract/contract.h"
#include "lib/contract/quality_rules.h"
#include "lib/contract/sla.h"
#include "lib/health/health.h"
#include "lib/lineage/quality.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

using nlohmann::json;

constexpr char kSelectContract[] =
    "SELECT contract_id, version, status, document, file, seq, created_at, "
    "created_by FROM contracts ";

StoredContract ReadContract(const Statement& s) {
  return {.id = s.Text(0),
          .version = s.Text(1),
          .status = s.Text(2),
          .document = s.Text(3),
          .file = s.Text(4),
          .seq = s.Int(5),
          .created_at = s.Text(6),
          .created_by = s.Text(7)};
}

absl::StatusOr<std::optional<StoredContract>> FindContract(
    Connection& db, std::string_view id, std::string_view version) {
  ASSIGN_OR_RETURN(
      Statement * s,
      db.Prepare(StrCat(kSelectContract,
                        "WHERE contract_id = ?1 AND (?2 = '' OR version = ?2) "
                        "ORDER BY seq DESC LIMIT 1")));
  s->Bind(1, id);
  s->Bind(2, version);
  ASSIGN_OR_RETURN(bool row, s->Step());
  std::optional<StoredContract> out;
  if (row) out = ReadContract(*s);
  s->Reset();
  return out;
}


// Puts the datasets whose contract changed (bound `before` or `now`) into
// the transaction's change, as they now are, so derived views (the
// authorization snapshot) see it, and judges their freshness against the
// agreement they have now: `sla` for those bound now (the new version's,
// read once), none for those no longer bound.
absl::Status TouchDatasets(WriteContext& ctx, const std::vector<ContractBinding>& before,
                           const std::vector<ContractBinding>& now, const std::string& sla) {
  std::set<DatasetKey> bound;
  for (const ContractBinding& b : now) bound.insert(b.dataset);
  std::set<DatasetKey> seen;
  for (const std::vector<ContractBinding>* list : {&before, &now}) {
    for (const ContractBinding& b : *list) {
      if (!seen.insert(b.dataset).second) continue;
      ASSIGN_OR_RETURN(auto found, FindDataset(ctx.db, b.dataset));
      if (!found) continue;
      Resource r;
      r.kind = Resource::Kind::kDataset;
      r.dataset = std::move(found->second);
      ctx.change.upserted.push_back(std::move(r));
      HealthInput in;
      in.sla = bound.count(b.dataset) != 0 ? sla : std::string();
      ASSIGN_OR_RETURN(in.written_ms, LastWrite(ctx.db, found->first));
      RETURN_IF_ERROR(UpdateHealth(ctx, found->first, b.dataset, in));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<ContractBinding>> ReadBindings(Connection& db,
                                                          std::string_view id) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT object, dataset_namespace, dataset_name "
                              "FROM contract_bindings WHERE contract_id = ? "
                              "ORDER BY object, dataset_namespace, "
                              "dataset_name"));
  s->Bind(1, id);
  std::vector<ContractBinding> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back({s->Text(0), {s->Text(1), s->Text(2)}});
  }
  return out;
}

std::optional<ContractRef> ReadContractColumn(const Statement& s, int column) {
  if (s.IsNull(column)) return std::nullopt;
  json j = json::parse(s.Text(column), nullptr, false);
  if (!j.is_array() || j.size() != 4) return std::nullopt;
  return ContractRef{j[0].get<std::string>(), j[1].get<std::string>(),
                     j[2].get<std::string>(), j[3].get<std::string>()};
}

absl::StatusOr<PutContractResult> Store::PutContract(
    const StoredContract& c, const std::vector<ContractBinding>& bindings,
    const std::function<absl::Status(const StoredContract* latest)>& guard,
    std::string_view actor, bool dry_run) {
  return impl_->Write(actor, [&](WriteContext& ctx)
                                 -> absl::StatusOr<PutContractResult> {
    PutContractResult result;
    ASSIGN_OR_RETURN(std::optional<StoredContract> same,
                     FindContract(ctx.db, c.id, c.version));
    if (same) {
      if (same->document != c.document) {
        return absl::AlreadyExistsError(StrCat(
            "version: contract \"", c.id, "\" version ", c.version,
            " is already registered with other content; give this one a "
            "new version"));
      }
      result.contract = *same;
      ASSIGN_OR_RETURN(result.bindings, ReadBindings(ctx.db, c.id));
      return result;
    }
    ASSIGN_OR_RETURN(std::optional<StoredContract> latest,
                     FindContract(ctx.db, c.id, ""));
    RETURN_IF_ERROR(guard(latest ? &*latest : nullptr));

    ASSIGN_OR_RETURN(std::vector<ContractBinding> before,
                     ReadBindings(ctx.db, c.id));
    if (!bindings.empty()) {
      ASSIGN_OR_RETURN(Statement * other,
                       ctx.db.Prepare("SELECT contract_id FROM "
                                      "contract_bindings WHERE "
                                      "dataset_namespace = ? AND "
                                      "dataset_name = ? AND contract_id != ?"));
      for (const ContractBinding& b : bindings) {
        other->Bind(1, b.dataset.ns);
        other->Bind(2, b.dataset.name);
        other->Bind(3, c.id);
        ASSIGN_OR_RETURN(bool taken, other->Step());
        std::string holder = taken ? other->Text(0) : "";
        other->Reset();
        if (taken) {
          return absl::FailedPreconditionError(StrCat(
              "bindings: dataset \"", b.dataset.ToString(),
              "\" is already bound to contract \"", holder,
              "\"; a dataset has one contract"));
        }
      }
      ASSIGN_OR_RETURN(Statement * clear,
                       ctx.db.Prepare("DELETE FROM contract_bindings WHERE "
                                      "contract_id = ?"));
      clear->Bind(1, c.id);
      RETURN_IF_ERROR(clear->Run());
      ASSIGN_OR_RETURN(Statement * bind,
                       ctx.db.Prepare("INSERT INTO contract_bindings("
                                      "dataset_namespace, dataset_name, "
                                      "contract_id, object) VALUES "
                                      "(?, ?, ?, ?)"));
      for (const ContractBinding& b : bindings) {
        bind->Bind(1, b.dataset.ns);
        bind->Bind(2, b.dataset.name);
        bind->Bind(3, c.id);
        bind->Bind(4, b.object);
        RETURN_IF_ERROR(bind->Run());
      }
    }

    result.contract = c;
    result.contract.seq = latest ? latest->seq + 1 : 1;
    result.contract.created_at = ctx.now;
    result.contract.created_by = ctx.actor;
    ASSIGN_OR_RETURN(Statement * insert,
                     ctx.db.Prepare("INSERT INTO contracts(contract_id, seq, "
                                    "version, status, document, file, "
                                    "created_at, created_by) VALUES "
                                    "(?, ?, ?, ?, ?, ?, ?, ?)"));
    insert->Bind(1, c.id);
    insert->Bind(2, result.contract.seq);
    insert->Bind(3, c.version);
    insert->Bind(4, c.status);
    insert->Bind(5, c.document);
    insert->Bind(6, c.file);
    insert->Bind(7, ctx.now);
    insert->Bind(8, ctx.actor);
    RETURN_IF_ERROR(insert->Run());
    RETURN_IF_ERROR(ctx.Audit("contract.put", "Contract",
                              StrCat(c.id, "@", c.version),
                              latest ? latest->seq : 0, result.contract.seq));
    ASSIGN_OR_RETURN(result.bindings, ReadBindings(ctx.db, c.id));
    // Every dataset bound before or now sees the new version (or loses it),
    // and the freshness it promises when it is active.
    std::string sla;
    if (c.status == "active") {
      absl::StatusOr<contract::Document> doc =
          contract::ParseYaml(c.document, StrCat(c.id, "@", c.version));
      if (doc.ok()) {
        absl::StatusOr<contract::Sla> agreed = contract::SlaOf(contract::FromDocument(*doc));
        if (agreed.ok()) sla = contract::EncodeSla(*agreed);
      }
    }
    RETURN_IF_ERROR(TouchDatasets(ctx, before, result.bindings, sla));
    result.created = true;
    result.catalog_revision = ctx.catalog_revision;
    return result;
  }, /*commit=*/!dry_run);
}

absl::StatusOr<StoredContract> Store::GetContract(std::string_view id,
                                                  std::string_view version) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<StoredContract> {
    ASSIGN_OR_RETURN(std::optional<StoredContract> c,
                     FindContract(db, id, version));
    if (!c) {
      return absl::NotFoundError(
          version.empty()
              ? StrCat("contract \"", id, "\" not found")
              : StrCat("contract \"", id, "\" has no version ", version));
    }
    return *std::move(c);
  });
}

absl::StatusOr<std::vector<StoredContract>> Store::ListContractVersions(
    std::string_view id) {
  return impl_->Read(
      [&](Connection& db) -> absl::StatusOr<std::vector<StoredContract>> {
        ASSIGN_OR_RETURN(Statement * s,
                         db.Prepare(StrCat(kSelectContract,
                                           "WHERE contract_id = ? ORDER BY "
                                           "seq")));
        s->Bind(1, id);
        std::vector<StoredContract> out;
        while (true) {
          ASSIGN_OR_RETURN(bool row, s->Step());
          if (!row) break;
          out.push_back(ReadContract(*s));
        }
        if (out.empty()) {
          return absl::NotFoundError(StrCat("contract \"", id, "\" not found"));
        }
        return out;
      });
}

absl::StatusOr<std::vector<StoredContract>> Store::ListContracts() {
  return impl_->Read(
      [&](Connection& db) -> absl::StatusOr<std::vector<StoredContract>> {
        ASSIGN_OR_RETURN(
            Statement * s,
            db.Prepare(StrCat(kSelectContract,
                              "WHERE (contract_id, seq) IN (SELECT "
                              "contract_id, max(seq) FROM contracts GROUP BY "
                              "contract_id) ORDER BY contract_id")));
        std::vector<StoredContract> out;
        while (true) {
          ASSIGN_OR_RETURN(bool row, s->Step());
          if (!row) break;
          out.push_back(ReadContract(*s));
        }
        return out;
      });
}

absl::StatusOr<std::vector<ContractBinding>> Store::ContractBindings(
    std::string_view id) {
  return impl_->Read([&](Connection& db) { return ReadBindings(db, id); });
}

absl::StatusOr<std::optional<std::pair<StoredContract, ContractBinding>>>
Store::ContractOfDataset(const DatasetKey& dataset) {
  using Result = std::optional<std::pair<StoredContract, ContractBinding>>;
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Result> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("SELECT contract_id, object FROM "
                                "contract_bindings WHERE dataset_namespace = ? "
                                "AND dataset_name = ?"));
    s->Bind(1, dataset.ns);
    s->Bind(2, dataset.name);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return Result();
    std::string id = s->Text(0);
    ContractBinding binding{s->Text(1), dataset};
    s->Reset();
    ASSIGN_OR_RETURN(std::optional<StoredContract> c, FindContract(db, id, ""));
    if (!c) return Result();
    return Result(std::make_pair(*std::move(c), std::move(binding)));
  });
}

absl::StatusOr<std::vector<ContractViolationRecord>> Store::ContractViolations(
    const DatasetKey& dataset, int limit) {
  return impl_->Read([&](Connection& db)
                         -> absl::StatusOr<std::vector<ContractViolationRecord>> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("SELECT contract_id, version, source, "
                                "violations, at FROM contract_violations "
                                "WHERE dataset_namespace = ? AND "
                                "dataset_name = ? ORDER BY id DESC LIMIT ?"));
    s->Bind(1, dataset.ns);
    s->Bind(2, dataset.name);
    s->Bind(3, static_cast<int64_t>(limit));
    std::vector<ContractViolationRecord> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back({dataset, s->Text(0), s->Text(1), s->Text(2), s->Text(3),
                     s->Text(4)});
    }
    return out;
  });
}

namespace {

// The contract bound to a dataset, when it is active, and the object the
// dataset is. Held whole: the model points into the parsed document.
struct ActiveContract {
  std::string id, version;
  contract::Document doc;
  contract::Contract model;
  const contract::Object* object = nullptr;
};

// Parsed documents of bound contracts, shared by every transaction: a
// contract's document is YAML, and parsing it at every event that names a
// bound dataset cost more than the rest of the event. A version never
// changes once registered (UNIQUE (contract_id, version)); the cache also
// compares the document's text, so a database replaced under a running
// catalogd (a restore) is never answered from an old parse.
class ParsedContracts {
 public:
  std::shared_ptr<const ActiveContract> Find(const std::string& key,
                                             const std::string& document) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = parsed_.find(key);
    if (it == parsed_.end() || it->second.document != document) return nullptr;
    return it->second.parsed;
  }
  void Put(std::string key, std::string document, std::shared_ptr<const ActiveContract> parsed) {
    std::lock_guard<std::mutex> lock(mu_);
    // Bounded: a catalog binds few contract versions; past the bound the
    // cache starts again rather than tracking use.
    if (parsed_.size() >= kMaxEntries) parsed_.clear();
    parsed_[std::move(key)] = {std::move(document), std::move(parsed)};
  }

 private:
  static constexpr size_t kMaxEntries = 1024;
  struct Entry {
    std::string document;
    std::shared_ptr<const ActiveContract> parsed;
  };
  std::mutex mu_;
  absl::flat_hash_map<std::string, Entry> parsed_;
};

ParsedContracts& Parsed() {
  static ParsedContracts* cache = new ParsedContracts();
  return *cache;
}

absl::StatusOr<std::shared_ptr<const ActiveContract>> FindActiveContract(
    Connection& db, const DatasetKey& dataset) {
  ASSIGN_OR_RETURN(
      Statement * s,
      db.Prepare("SELECT b.contract_id, b.object, c.version, c.status, "
                 "c.document FROM contract_bindings b JOIN contracts c ON "
                 "c.contract_id = b.contract_id WHERE "
                 "b.dataset_namespace = ? AND b.dataset_name = ? ORDER BY "
                 "c.seq DESC LIMIT 1"));
  s->Bind(1, dataset.ns);
  s->Bind(2, dataset.name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return nullptr;
  std::string id = s->Text(0), object = s->Text(1), version = s->Text(2), status = s->Text(3),
              document = s->Text(4);
  s->Reset();
  if (status != "active") return nullptr;
  std::string key = StrCat(id, "\n", version, "\n", object);
  if (auto cached = Parsed().Find(key, document)) return cached;
  auto bound = std::make_shared<ActiveContract>();
  bound->id = id;
  bound->version = version;
  absl::StatusOr<contract::Document> doc =
      contract::ParseYaml(document, StrCat(bound->id, "@", bound->version));
  if (!doc.ok()) return nullptr;  // registered ones always parse
  bound->doc = *std::move(doc);
  bound->model = contract::FromDocument(bound->doc);
  bound->object = bound->model.FindObject(object);
  if (bound->object == nullptr) return nullptr;
  Parsed().Put(std::move(key), std::move(document), bound);
  return bound;
}

// Records what broke the contract (a violation and its audit event).
absl::Status RecordViolation(WriteContext& ctx, const DatasetKey& dataset,
                             std::string_view contract_id, std::string_view version,
                             std::string_view source, const json& list) {
  ASSIGN_OR_RETURN(Statement * insert,
                   ctx.db.Prepare("INSERT INTO contract_violations("
                                  "dataset_namespace, dataset_name, "
                                  "contract_id, version, source, violations, "
                                  "at) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  insert->Bind(1, dataset.ns);
  insert->Bind(2, dataset.name);
  insert->Bind(3, contract_id);
  insert->Bind(4, version);
  insert->Bind(5, source);
  insert->Bind(6, list.dump());
  insert->Bind(7, ctx.now);
  RETURN_IF_ERROR(insert->Run());
  RETURN_IF_ERROR(ctx.Audit("contract.violation", "Dataset", dataset.ToString(), 0, 0));
  return QueueWebhookEvent(ctx, "contract.violated", dataset,
                           {{"contract", {{"id", contract_id}, {"version", version}}},
                            {"source", source},
                            {"violations", list}});
}

}  // namespace

absl::StatusOr<std::optional<std::string>> CheckWrittenSchema(WriteContext& ctx,
                                                              const DatasetKey& dataset,
                                                              const std::vector<Field>& fields,
                                                              std::string_view source) {
  ASSIGN_OR_RETURN(std::shared_ptr<const ActiveContract> bound, FindActiveContract(ctx.db, dataset));
  if (bound == nullptr) return std::nullopt;
  // OpenLineage schema facets do not say whether a field is nullable.
  std::vector<contract::Violation> violations =
      contract::CheckFields(*bound->object, fields, /*nullability_known=*/false);
  if (violations.empty()) return std::string();
  json list = json::array();
  for (const contract::Violation& v : violations) {
    list.push_back(
        {{"property", v.property}, {"rule", v.rule}, {"message", v.message}});
  }
  RETURN_IF_ERROR(RecordViolation(ctx, dataset, bound->id, bound->version, source, list));
  return list.dump();
}

absl::StatusOr<std::string> ActiveContractSla(Connection& db, const DatasetKey& key) {
  ASSIGN_OR_RETURN(std::shared_ptr<const ActiveContract> bound, FindActiveContract(db, key));
  if (bound == nullptr) return std::string();
  // A registered contract's agreement reads (lint checks it); one that
  // does not is no agreement.
  absl::StatusOr<contract::Sla> sla = contract::SlaOf(bound->model);
  return sla.ok() ? contract::EncodeSla(*sla) : std::string();
}

absl::StatusOr<std::optional<ContractRef>> BoundContract(Connection& db, const DatasetKey& key) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT b.contract_id, c.version, c.status, b.object FROM "
                              "contract_bindings b JOIN contracts c ON c.contract_id = "
                              "b.contract_id WHERE b.dataset_namespace = ? AND b.dataset_name = ? "
                              "ORDER BY c.seq DESC LIMIT 1"));
  s->Bind(1, key.ns);
  s->Bind(2, key.name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  ContractRef ref{s->Text(0), s->Text(1), s->Text(2), s->Text(3)};
  s->Reset();
  return ref;
}

absl::StatusOr<ContractQualityJudgement> JudgeContractQuality(
    Connection& db, const DatasetKey& dataset,
    const std::vector<const lineage::QualityResult*>& results) {
  ContractQualityJudgement out;
  // Only events that measured the dataset are judged: others would make
  // every rule "not measured" at every run.
  const bool any = std::any_of(results.begin(), results.end(), [](const lineage::QualityResult* r) {
    return r->value && r->facet == "dataQualityMetrics";
  });
  if (!any) return out;
  ASSIGN_OR_RETURN(std::shared_ptr<const ActiveContract> bound, FindActiveContract(db, dataset));
  if (bound == nullptr) return out;
  contract::Measurements measured;
  for (const lineage::QualityResult* r : results) {
    if (r->facet != "dataQualityMetrics" || !r->value) continue;
    if (r->column.empty()) {
      if (r->name == "rowCount") measured.row_count = r->value;
      continue;
    }
    contract::Measurements::Column& c = measured.columns[r->column];
    if (r->name == "nullCount") c.null_count = r->value;
    if (r->name == "distinctCount") c.distinct_count = r->value;
    if (r->name == "count") c.count = r->value;
  }
  out.contract_id = bound->id;
  out.version = bound->version;
  for (const contract::RuleOutcome& o : contract::JudgeQualityRules(*bound->object, measured)) {
    out.results.push_back(lineage::QualityResult{
        .facet = "contract",
        .column = o.column,
        .name = o.rule,
        .check_type = o.metric,
        .status = o.status,
        .severity = o.severity,
        .expected = o.expected,
        .actual = o.actual,
        .description = StrCat("contract ", bound->id, " ", bound->version,
                              o.property.empty() ? "" : StrCat(", property ", o.property))});
    // A failed rule breaks the contract unless it only warns.
    if (o.status == "fail" && health::Blocks(o.severity)) {
      out.broken.push_back({{"property", o.property.empty() ? bound->object->name : o.property},
                        {"rule", "quality"},
                        {"message", StrCat(o.rule, " (", o.metric, "): ", o.actual, ", ",
                                           o.expected)}});
    }
  }
  return out;
}

absl::Status RecordContractBreak(WriteContext& ctx, const DatasetKey& dataset,
                                 const ContractQualityJudgement& judged, std::string_view source) {
  if (judged.broken.empty()) return absl::OkStatus();
  return RecordViolation(ctx, dataset, judged.contract_id, judged.version, source, judged.broken);
}

}  // namespace catalog::store
