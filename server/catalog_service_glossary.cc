// CatalogService's business glossary (docs/governance.md#glossary): which
// terms a dataset's writer may link, and reading terms with the datasets
// and columns that link them.
#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/words.h"
#include "proto/convert.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"
#include "server/catalog_service.h"

namespace catalog::server {
namespace {

// Links GetGlossaryTerm reads (readable ones are answered, the rest
// counted); a term linked more widely says so in `hidden_links` only up to
// this bound.
constexpr int kMaxLinksRead = 5000;

absl::Status TermNotFound(std::string_view id) {
  return absl::NotFoundError(StrCat("glossary term \"", id, "\" not found"));
}

void CollectColumnTerms(const std::vector<Field>& fields, const std::string& prefix,
                        std::vector<std::pair<std::string, std::string>>& out) {
  for (const Field& f : fields) {
    const std::string path = prefix.empty() ? f.name : StrCat(prefix, ".", f.name);
    for (const std::string& t : f.terms) out.emplace_back(path, t);
    CollectColumnTerms(f.fields, path, out);
  }
}

// Whether every word of `query` is in the term's id, name, a synonym or
// its definition.
bool Matches(const GlossaryTerm& t, const WordQuery& query) {
  if (query.empty()) return true;
  std::string text = StrCat(t.id, "\n", t.spec.name, "\n", t.spec.definition);
  for (const std::string& s : t.spec.synonyms) text += "\n" + s;
  return query.Matches(text);
}

}  // namespace

absl::Status CatalogServiceImpl::MayLinkTerms(const std::string& caller, size_t index,
                                              const Resource& r) {
  const bool writes_terms =
      !r.merge || std::find(r.fields.begin(), r.fields.end(), "terms") != r.fields.end();
  const bool writes_schema =
      !r.merge || std::find(r.fields.begin(), r.fields.end(), "schema") != r.fields.end();
  const std::string at =
      StrCat("resources[", index, "] (Dataset ", r.dataset.key.ToString(), "): ");
  if (writes_terms) {
    for (size_t i = 0; i < r.dataset.spec.terms.size(); ++i) {
      if (!MayRead(caller, authz::TermUid(r.dataset.spec.terms[i]))) {
        return absl::NotFoundError(StrCat(at, "spec.terms[", i, "]: glossary term \"",
                                          r.dataset.spec.terms[i], "\" not found"));
      }
    }
  }
  if (writes_schema) {
    std::vector<std::pair<std::string, std::string>> links;
    CollectColumnTerms(r.dataset.spec.fields, "", links);
    for (const auto& [column, term] : links) {
      if (!MayRead(caller, authz::TermUid(term))) {
        return absl::NotFoundError(StrCat(at, "spec.schema (column ", column,
                                          ").terms: glossary term \"", term, "\" not found"));
      }
    }
  }
  return absl::OkStatus();
}

grpc::Status CatalogServiceImpl::GetGlossaryTerm(grpc::ServerContext* context,
                                                 const v1::GetGlossaryTermRequest* request,
                                                 v1::GlossaryTerm* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ValidateTermId("id", request->id()));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    if (!MayRead(caller, authz::TermUid(request->id()))) return TermNotFound(request->id());
    ASSIGN_OR_RETURN(GlossaryTerm term, store_->GetGlossaryTerm(request->id()));
    *response = catalog::ToProto(term);
    ASSIGN_OR_RETURN(std::vector<store::Store::TermLink> links,
                     store_->LinksOfTerm(request->id(), kMaxLinksRead));
    for (const store::Store::TermLink& l : links) {
      if (!MayRead(caller, authz::DatasetUid(l.dataset))) {
        response->set_hidden_links(response->hidden_links() + 1);
        continue;
      }
      v1::TermLink* out = response->add_links();
      *out->mutable_dataset() = ToProto(l.dataset);
      out->set_column(l.column);
    }
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::ListGlossaryTerms(grpc::ServerContext* context,
                                                   const v1::ListGlossaryTermsRequest* request,
                                                   v1::ListGlossaryTermsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    if (!request->domain().empty()) {
      RETURN_IF_ERROR(ValidateDomainPath("domain", request->domain()));
    }
    RETURN_IF_ERROR(ValidateText("query", request->query(), kMaxShortNameBytes));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    const WordQuery words(request->query());
    ASSIGN_OR_RETURN(std::vector<GlossaryTerm> terms, store_->ListGlossaryTerms());
    for (const GlossaryTerm& t : terms) {
      if (!InDomain(t.spec.domain, request->domain()) || !Matches(t, words)) continue;
      if (MayRead(caller, authz::TermUid(t.id))) *response->add_terms() = catalog::ToProto(t);
    }
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::DeleteGlossaryTerm(grpc::ServerContext* context,
                                                    const v1::DeleteGlossaryTermRequest* request,
                                                    v1::DeleteResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    if (request->expected_revision() < 0) {
      return absl::InvalidArgumentError("expected_revision: must not be negative");
    }
    RETURN_IF_ERROR(ValidateTermId("id", request->id()));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    const policy::EntityUid uid = authz::TermUid(request->id());
    // One the caller may not read is absent; one they may read but not
    // write is refused.
    if (!MayRead(caller, uid)) return TermNotFound(request->id());
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:write", uid));
    ASSIGN_OR_RETURN(int64_t revision,
                     store_->DeleteGlossaryTerm(request->id(), request->expected_revision(),
                                                caller));
    AwaitSnapshot(context, revision);
    response->set_catalog_revision(revision);
    return absl::OkStatus();
  });
}

}  // namespace catalog::server
