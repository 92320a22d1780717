// The business glossary (docs/governance.md#glossary): each term's spec as
// JSON, keyed by its id, written by Apply with its audit event and a change
// row like every catalog object; and which datasets and columns link which
// terms (dataset_terms), kept from the datasets' specs as they are written.
#include <nlohmann/json.hpp>

#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

constexpr char kSelectTerm[] =
    "SELECT id, spec, revision, created_at, updated_at, updated_by FROM glossary_terms ";

absl::StatusOr<GlossaryTerm> ReadTerm(const Statement& s) {
  ASSIGN_OR_RETURN(GlossaryTerm t, StoredTerm(s.Text(0), s.Text(1)));
  t.status = ReadObjectStatus(s, 2);
  return t;
}

absl::StatusOr<std::optional<GlossaryTerm>> FindTerm(Connection& db, std::string_view id) {
  ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat(kSelectTerm, "WHERE id = ?")));
  s->Bind(1, id);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  ASSIGN_OR_RETURN(GlossaryTerm t, ReadTerm(*s));
  s->Reset();
  return t;
}

constexpr char kTermExists[] = "SELECT 1 FROM glossary_terms WHERE id = ?";

absl::Status TermNotFound(std::string_view id) {
  return absl::NotFoundError(StrCat("glossary term \"", id, "\" not found"));
}

// (column path, term) for every link `spec` makes; nested columns "a.b".
void CollectLinks(const std::vector<Field>& fields, const std::string& prefix,
                  std::vector<std::pair<std::string, std::string>>& out) {
  for (const Field& f : fields) {
    const std::string path = prefix.empty() ? f.name : StrCat(prefix, ".", f.name);
    for (const std::string& t : f.terms) out.emplace_back(path, t);
    CollectLinks(f.fields, path, out);
  }
}

std::vector<std::pair<std::string, std::string>> LinksOf(const DatasetSpec& spec) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& t : spec.terms) out.emplace_back("", t);
  CollectLinks(spec.fields, "", out);
  return out;
}

}  // namespace

absl::StatusOr<GlossaryTerm> StoredTerm(const std::string& id, const std::string& spec) {
  const nlohmann::json doc = nlohmann::json::parse(spec, nullptr, /*allow_exceptions=*/false);
  absl::StatusOr<GlossaryTermSpec> parsed = GlossaryTermSpecFromJson(doc);
  if (doc.is_discarded() || !parsed.ok()) {
    return absl::DataLossError(StrCat("glossary term \"", id, "\": stored spec unreadable",
                                      parsed.ok() ? "" : StrCat(": ", MessageOf(parsed.status()))));
  }
  return GlossaryTerm{.id = id, .spec = *std::move(parsed)};
}

absl::StatusOr<ApplyResult> ApplyGlossaryTerm(WriteContext& ctx, const GlossaryTerm& t,
                                              int64_t expected_revision) {
  ASSIGN_OR_RETURN(std::optional<GlossaryTerm> old, FindTerm(ctx.db, t.id));
  GlossaryTerm now = t;
  ASSIGN_OR_RETURN(ApplyResult result,
                   WriteSpecRow(ctx,
                                {.table = "glossary_terms",
                                 .key_column = "id",
                                 .kind = "GlossaryTerm",
                                 .audit = "glossaryterm",
                                 .key = t.id,
                                 .domain = t.spec.domain,
                                 .spec = GlossaryTermSpecToJson(t.spec).dump()},
                                old ? &old->status : nullptr, old && old->spec == t.spec,
                                expected_revision, &now.status));
  if (result.outcome != ApplyOutcome::kUnchanged) {
    ctx.change.upserted.push_back({.kind = Resource::Kind::kGlossaryTerm, .term = std::move(now)});
  }
  return result;
}

absl::Status CheckTermReferences(Connection& db, const GlossaryTerm& t) {
  RETURN_IF_ERROR(CheckDomainExists(db, "spec.domain", t.spec.domain));
  for (size_t i = 0; i < t.spec.related.size(); ++i) {
    RETURN_IF_ERROR(CheckExists(db, kTermExists, t.spec.related[i],
                                StrCat("spec.related[", i, "]"), "glossary term"));
  }
  return absl::OkStatus();
}

absl::Status CheckDatasetTermLinks(Connection& db, const DatasetSpec& spec) {
  // The path a manifest uses for a term: spec.terms[i], or the column's.
  for (size_t i = 0; i < spec.terms.size(); ++i) {
    RETURN_IF_ERROR(CheckExists(db, kTermExists, spec.terms[i], StrCat("spec.terms[", i, "]"),
                                "glossary term"));
  }
  std::vector<std::pair<std::string, std::string>> links;
  CollectLinks(spec.fields, "", links);
  for (const auto& [column, term] : links) {
    RETURN_IF_ERROR(CheckExists(db, kTermExists, term,
                                StrCat("spec.schema (column ", column, ").terms"),
                                "glossary term"));
  }
  return absl::OkStatus();
}

absl::Status WriteTermLinks(Connection& db, int64_t dataset_id, const DatasetSpec* before,
                            const DatasetSpec& after) {
  std::vector<std::pair<std::string, std::string>> now = LinksOf(after);
  if (before == nullptr ? now.empty() : now == LinksOf(*before)) return absl::OkStatus();
  if (before != nullptr) {
    ASSIGN_OR_RETURN(Statement * del,
                     db.Prepare("DELETE FROM dataset_terms WHERE dataset_id = ?"));
    del->Bind(1, dataset_id);
    RETURN_IF_ERROR(del->Run());
  }
  for (const auto& [column, term] : now) {
    ASSIGN_OR_RETURN(Statement * ins,
                     db.Prepare("INSERT INTO dataset_terms(dataset_id, column_path, term) "
                                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
    ins->Bind(1, dataset_id);
    ins->Bind(2, column);
    ins->Bind(3, term);
    RETURN_IF_ERROR(ins->Run());
  }
  return absl::OkStatus();
}

absl::StatusOr<GlossaryTerm> Store::GetGlossaryTerm(std::string_view id) {
  RETURN_IF_ERROR(ValidateTermId("id", id));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<GlossaryTerm> {
    ASSIGN_OR_RETURN(std::optional<GlossaryTerm> t, FindTerm(db, id));
    if (!t) return TermNotFound(id);
    return *std::move(t);
  });
}

absl::StatusOr<std::vector<GlossaryTerm>> Store::ListGlossaryTerms() {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<GlossaryTerm>> {
    ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat(kSelectTerm, "ORDER BY id")));
    std::vector<GlossaryTerm> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      ASSIGN_OR_RETURN(GlossaryTerm t, ReadTerm(*s));
      out.push_back(std::move(t));
    }
    return out;
  });
}

absl::StatusOr<std::vector<Store::TermLink>> Store::LinksOfTerm(std::string_view id, int limit) {
  RETURN_IF_ERROR(ValidateTermId("id", id));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<TermLink>> {
    ASSIGN_OR_RETURN(
        Statement * s,
        db.Prepare("SELECT d.namespace, d.name, t.column_path FROM dataset_terms t JOIN "
                   "datasets d ON d.id = t.dataset_id WHERE t.term = ? ORDER BY d.namespace, "
                   "d.name, t.column_path LIMIT ?"));
    s->Bind(1, id);
    s->Bind(2, static_cast<int64_t>(limit));
    std::vector<TermLink> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back({.dataset = {s->Text(0), s->Text(1)}, .column = s->Text(2)});
    }
    return out;
  });
}

absl::StatusOr<int64_t> Store::DeleteGlossaryTerm(std::string_view id, int64_t expected_revision,
                                                  std::string_view actor) {
  RETURN_IF_ERROR(ValidateTermId("id", id));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(std::optional<GlossaryTerm> t, FindTerm(ctx.db, id));
    if (!t) return TermNotFound(id);
    RETURN_IF_ERROR(CheckExpected(expected_revision, t->status.revision, true));
    ASSIGN_OR_RETURN(Statement * count,
                     ctx.db.Prepare("SELECT COUNT(DISTINCT dataset_id) FROM dataset_terms "
                                    "WHERE term = ?"));
    count->Bind(1, id);
    ASSIGN_OR_RETURN(bool row, count->Step());
    const int64_t datasets = row ? count->Int(0) : 0;
    count->Reset();
    // Terms are few: which others relate to this one is read from them.
    int64_t related = 0;
    ASSIGN_OR_RETURN(Statement * all, ctx.db.Prepare("SELECT id, spec FROM glossary_terms"));
    while (true) {
      ASSIGN_OR_RETURN(bool more, all->Step());
      if (!more) break;
      ASSIGN_OR_RETURN(GlossaryTerm other, StoredTerm(all->Text(0), all->Text(1)));
      for (const std::string& r : other.spec.related) related += r == id;
    }
    if (datasets + related > 0) {
      return absl::FailedPreconditionError(
          StrCat("glossary term \"", id, "\" is still linked by ", datasets,
                 " dataset(s) (their own or their columns') and named as related by ", related,
                 " other term(s); unlink it first"));
    }
    RETURN_IF_ERROR(WriteDeletionHistory(ctx, "glossary_terms", "id", "GlossaryTerm", id,
                                         t->status.revision + 1));
    ASSIGN_OR_RETURN(Statement * s, ctx.db.Prepare("DELETE FROM glossary_terms WHERE id = ?"));
    s->Bind(1, id);
    RETURN_IF_ERROR(s->Run());
    RETURN_IF_ERROR(ctx.Audit("glossaryterm.delete", "GlossaryTerm", id, t->status.revision,
                              t->status.revision + 1));
    ctx.change.deleted_terms.push_back(std::string(id));
    return ctx.catalog_revision;
  });
}

}  // namespace catalog::store
