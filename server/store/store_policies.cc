// Policy versions, and the whole-catalog read the authorization snapshot is
// built from.
#include "lib/catalog/json_codec.h"
#include "server/store/spec_codec.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

using nlohmann::json;

absl::StatusOr<int64_t> CurrentPolicyVersion(Connection& db) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT COALESCE(MAX(version), 0) FROM "
                              "policy_versions"));
  ASSIGN_OR_RETURN(bool row, s->Step());
  int64_t v = row ? s->Int(0) : 0;
  s->Reset();
  return v;
}

}  // namespace

absl::StatusOr<std::pair<int64_t, int64_t>> Store::PutPolicyVersion(
    const std::vector<PolicyFile>& files, std::string_view description,
    int64_t expected_version, std::string_view actor) {
  return impl_->Write(
      actor,
      [&](WriteContext& ctx) -> absl::StatusOr<std::pair<int64_t, int64_t>> {
        ASSIGN_OR_RETURN(int64_t current, CurrentPolicyVersion(ctx.db));
        if (expected_version == kNoPolicyVersion && current != 0) {
          return absl::AlreadyExistsError(
              StrCat("a policy set is stored already (version ", current, ")"));
        }
        if (expected_version > 0 && expected_version != current) {
          return absl::AbortedError(
              StrCat("stale policy version: the request expected version ",
                     expected_version, " but the catalog holds version ",
                     current, "; read it again and retry"));
        }
        json encoded = json::array();
        for (const PolicyFile& f : files) {
          encoded.push_back({{"name", f.name}, {"text", f.text}});
        }
        ASSIGN_OR_RETURN(
            Statement * s,
            ctx.db.Prepare("INSERT INTO policy_versions(version, files, "
                           "description, created_at, created_by) VALUES (?, "
                           "?, ?, ?, ?)"));
        s->Bind(1, current + 1);
        s->Bind(2, encoded.dump());
        s->Bind(3, description);
        s->Bind(4, ctx.now);
        s->Bind(5, ctx.actor);
        RETURN_IF_ERROR(s->Run());
        ctx.change.policies_changed = true;
        RETURN_IF_ERROR(ctx.Audit("policy.put", "PolicySet",
                                  StrCat("version ", current + 1), current,
                                  current + 1));
        return std::make_pair(current + 1, ctx.catalog_revision);
      });
}

absl::StatusOr<PolicyVersion> Store::GetPolicyVersion(int64_t version) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<PolicyVersion> {
    int64_t wanted = version;
    if (wanted == 0) {
      ASSIGN_OR_RETURN(wanted, CurrentPolicyVersion(db));
    }
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("SELECT version, files, description, "
                                "created_at, created_by FROM policy_versions "
                                "WHERE version = ?"));
    s->Bind(1, wanted);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) {
      return absl::NotFoundError(
          version == 0 ? "no policy set has been stored yet"
                       : StrCat("policy version ", version, " not found"));
    }
    PolicyVersion v{.version = s->Int(0),
                    .description = s->Text(2),
                    .created_at = s->Text(3),
                    .created_by = s->Text(4)};
    json files = json::parse(s->Text(1), nullptr, false);
    if (!files.is_array()) {
      return absl::DataLossError(
          StrCat("policy version ", v.version, ": stored files are not JSON"));
    }
    for (const json& f : files) {
      v.files.push_back({f.value("name", ""), f.value("text", "")});
    }
    return v;
  });
}

absl::StatusOr<std::vector<PolicyVersion>> Store::ListPolicyVersions() {
  return impl_->Read(
      [&](Connection& db) -> absl::StatusOr<std::vector<PolicyVersion>> {
        ASSIGN_OR_RETURN(Statement * s,
                         db.Prepare("SELECT version, description, created_at, "
                                    "created_by FROM policy_versions ORDER BY "
                                    "version DESC"));
        std::vector<PolicyVersion> out;
        while (true) {
          ASSIGN_OR_RETURN(bool row, s->Step());
          if (!row) break;
          out.push_back({.version = s->Int(0),
                         .description = s->Text(1),
                         .created_at = s->Text(2),
                         .created_by = s->Text(3)});
        }
        return out;
      });
}

absl::StatusOr<int64_t> Store::ScanContents(const ContentsVisitor& visit) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(int64_t revision, ReadCatalogRevision(db));

    ASSIGN_OR_RETURN(Statement * p,
                     db.Prepare("SELECT kind, name, spec FROM principals"));
    while (true) {
      ASSIGN_OR_RETURN(bool more, p->Step());
      if (!more) break;
      std::string kind = p->Text(0);
      Principal principal{.kind = kind == "group"   ? PrincipalKind::kGroup
                                  : kind == "user" ? PrincipalKind::kUser
                                                   : PrincipalKind::kServiceAccount,
                          .name = p->Text(1)};
      json spec = json::parse(p->Text(2), nullptr, false);
      ASSIGN_OR_RETURN(principal.spec, PrincipalSpecFromJson(spec));
      visit.principal(std::move(principal));
    }
    ASSIGN_OR_RETURN(Statement * d, db.Prepare("SELECT path, spec FROM domains"));
    while (true) {
      ASSIGN_OR_RETURN(bool more, d->Step());
      if (!more) break;
      Domain domain{.path = d->Text(0)};
      json spec = json::parse(d->Text(1), nullptr, false);
      ASSIGN_OR_RETURN(domain.spec, DomainSpecFromJson(spec));
      visit.domain(std::move(domain));
    }
    ASSIGN_OR_RETURN(Statement * ds,
                     db.Prepare(StrCat("SELECT namespace, name, spec, "
                                       "revision, ", db.dialect().contract_column(),
                                       ", spec_pb, ", kHealthColumns, " FROM datasets ",
                                       kHealthJoin)));
    while (true) {
      ASSIGN_OR_RETURN(bool more, ds->Step());
      if (!more) break;
      Dataset dataset{.key = {ds->Text(0), ds->Text(1)}};
      ASSIGN_OR_RETURN(dataset.spec, ReadSpec(*ds, 2, 5, dataset.key));
      dataset.status.revision = ds->Int(3);
      dataset.contract = ReadContractColumn(*ds, 4);
      dataset.health = ReadHealthColumns(*ds, 6);
      visit.dataset(std::move(dataset));
    }
    ASSIGN_OR_RETURN(Statement * j, db.Prepare("SELECT namespace, name, owners FROM jobs"));
    while (true) {
      ASSIGN_OR_RETURN(bool more, j->Step());
      if (!more) break;
      visit.job({.key = {j->Text(0), j->Text(1)},
                 .spec = {.owners = OwnersFromColumn(j->Text(2))}});
    }
    if (visit.product) {
      ASSIGN_OR_RETURN(Statement * p, db.Prepare("SELECT id, spec FROM data_products"));
      while (true) {
        ASSIGN_OR_RETURN(bool more, p->Step());
        if (!more) break;
        ASSIGN_OR_RETURN(DataProduct product, StoredProduct(p->Text(0), p->Text(1)));
        visit.product(std::move(product));
      }
    }
    if (visit.term) {
      ASSIGN_OR_RETURN(Statement * t, db.Prepare("SELECT id, spec FROM glossary_terms"));
      while (true) {
        ASSIGN_OR_RETURN(bool more, t->Step());
        if (!more) break;
        ASSIGN_OR_RETURN(GlossaryTerm term, StoredTerm(t->Text(0), t->Text(1)));
        visit.term(std::move(term));
      }
    }
    if (visit.model) {
      ASSIGN_OR_RETURN(Statement * m, db.Prepare("SELECT name, spec FROM models"));
      while (true) {
        ASSIGN_OR_RETURN(bool more, m->Step());
        if (!more) break;
        ASSIGN_OR_RETURN(Model model, StoredModel(m->Text(0), m->Text(1)));
        visit.model(std::move(model));
      }
    }
    if (visit.model_version) {
      ASSIGN_OR_RETURN(Statement * v,
                       db.Prepare("SELECT model, version, spec FROM model_versions"));
      while (true) {
        ASSIGN_OR_RETURN(bool more, v->Step());
        if (!more) break;
        ASSIGN_OR_RETURN(ModelVersion version,
                         StoredModelVersion(v->Text(0), v->Text(1), v->Text(2)));
        visit.model_version(std::move(version));
      }
    }
    if (visit.feature_view) {
      ASSIGN_OR_RETURN(Statement * f, db.Prepare(kSelectFeatureView));
      while (true) {
        ASSIGN_OR_RETURN(bool more, f->Step());
        if (!more) break;
        ASSIGN_OR_RETURN(FeatureView view, ReadFeatureView(*f));
        visit.feature_view(std::move(view));
      }
    }
    if (visit.application) {
      ASSIGN_OR_RETURN(Statement * a, db.Prepare(kSelectAIApplication));
      while (true) {
        ASSIGN_OR_RETURN(bool more, a->Step());
        if (!more) break;
        ASSIGN_OR_RETURN(AIApplication app, ReadAIApplication(*a));
        visit.application(std::move(app));
      }
    }
    return revision;
  });
}

absl::StatusOr<CatalogContents> Store::LoadContents() {
  CatalogContents out;
  ASSIGN_OR_RETURN(out.catalog_revision,
                   ScanContents({
                       .principal = [&](Principal p) { out.principals.push_back(std::move(p)); },
                       .domain = [&](Domain d) { out.domains.push_back(std::move(d)); },
                       .dataset = [&](Dataset d) { out.datasets.push_back(std::move(d)); },
                       .job = [&](Job j) { out.jobs.push_back(std::move(j)); },
                       .product = [&](DataProduct p) { out.products.push_back(std::move(p)); },
                       .term = [&](GlossaryTerm t) { out.terms.push_back(std::move(t)); },
                   }));
  return out;
}

}  // namespace catalog::store
