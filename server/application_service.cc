#include "server/application_service.h"

#include "lib/catalog/ai_application.h"
#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/words.h"
#include "proto/convert.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"
#include "server/decision_proto.h"
#include "server/object_history.h"

namespace catalog::server {
namespace {

absl::Status NotFound(std::string_view name) {
  return absl::NotFoundError(StrCat("AI application \"", name, "\" not found"));
}

absl::Status ValidName(const std::string& name) {
  return ValidateName("name", name, kMaxModelNameBytes);
}

// `a` as `may_read` lets its reader see it: datasets and models it may not
// read are left out, and the datasets counted.
v1::AIApplication Visible(const AIApplication& a,
                          const std::function<bool(const policy::EntityUid&)>& may_read) {
  AIApplication shown = a;
  int64_t hidden = 0;
  auto keep = [&](std::vector<DatasetKey>& keys) {
    std::erase_if(keys, [&](const DatasetKey& k) {
      const bool hide = !may_read(authz::DatasetUid(k));
      hidden += hide;
      return hide;
    });
  };
  keep(shown.spec.data_sources);
  keep(shown.spec.vector_indexes);
  for (AIApplicationTool& t : shown.spec.tools) {
    keep(t.reads);
    keep(t.writes);
  }
  std::erase_if(shown.spec.models, [&](const std::string& ref) {
    return !may_read(authz::ModelUid(ref.substr(0, ref.find('@'))));
  });
  v1::AIApplication out = ToProto(shown);
  out.set_hidden_datasets(hidden);
  return out;
}

bool Matches(const AIApplication& a, const WordQuery& query) {
  if (query.empty()) return true;
  std::string text = StrCat(a.name, "\n", a.spec.description);
  for (const std::string& t : a.spec.tags) text += "\n" + t;
  return query.Matches(text);
}

}  // namespace

absl::Status AIApplicationServiceImpl::Readable(const std::string& caller,
                                                const std::string& name) const {
  RETURN_IF_ERROR(ValidName(name));
  RETURN_IF_ERROR(DecisionsReady(*authorizer_));
  if (!Require(*authorizer_, caller, "catalog:read", authz::ApplicationUid(name)).ok()) {
    return NotFound(name);
  }
  return absl::OkStatus();
}

grpc::Status AIApplicationServiceImpl::GetAIApplication(grpc::ServerContext* context,
                                                        const v1::GetAIApplicationRequest* request,
                                                        v1::AIApplication* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Readable(caller, request->name()));
    ASSIGN_OR_RETURN(AIApplication a, store_->GetAIApplication(request->name()));
    *response = Visible(a, [&](const policy::EntityUid& uid) {
      return Require(*authorizer_, caller, "catalog:read", uid).ok();
    });
    return absl::OkStatus();
  });
}

grpc::Status AIApplicationServiceImpl::ListAIApplications(
    grpc::ServerContext* context, const v1::ListAIApplicationsRequest* request,
    v1::ListAIApplicationsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    if (!request->domain().empty()) {
      RETURN_IF_ERROR(ValidateDomainPath("domain", request->domain()));
    }
    RETURN_IF_ERROR(ValidateText("query", request->query(), kMaxShortNameBytes));
    const std::string& state = request->review_state();
    if (!state.empty() && state != "unreviewed" && state != "approved" && state != "rejected") {
      return absl::InvalidArgumentError(StrCat("review_state: \"", state.substr(0, 64),
                                               "\" is not unreviewed, approved or rejected"));
    }
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    const WordQuery words(request->query());
    const bool reads_all = AllowedOnEverything(*authorizer_, caller, "catalog:read");
    auto may_read = [&](const policy::EntityUid& uid) {
      return reads_all || Permits(*authorizer_, caller, "catalog:read", uid);
    };
    ASSIGN_OR_RETURN(std::vector<AIApplication> all, store_->ListAIApplications());
    for (const AIApplication& a : all) {
      if (!request->domain().empty() && !InDomain(a.spec.domain, request->domain())) continue;
      if (!state.empty() && a.review.state != state) continue;
      if (!Matches(a, words) || !may_read(authz::ApplicationUid(a.name))) continue;
      *response->add_applications() = Visible(a, may_read);
    }
    return absl::OkStatus();
  });
}

grpc::Status AIApplicationServiceImpl::GetAIApplicationHistory(
    grpc::ServerContext* context, const v1::GetAIApplicationHistoryRequest* request,
    v1::ObjectHistoryResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    const std::string& name = request->name();
    RETURN_IF_ERROR(ValidName(name));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    ASSIGN_OR_RETURN(std::vector<store::Revision<AIApplication>> revisions,
                     store_->AIApplicationHistory(name));
    ASSIGN_OR_RETURN(
        std::vector<store::Revision<AIApplication>> readable,
        ReadableRevisions(
            *authorizer_, caller, authz::ApplicationUid(name), std::move(revisions),
            [](const AIApplication& a, const policy::EntityView& entities) {
              policy::Entities out;
              out.Add(authz::Placed(authz::ApplicationEntity(a), entities));
              return out;
            },
            NotFound(name)));
    auto may_read = [&](const policy::EntityUid& uid) {
      return Require(*authorizer_, caller, "catalog:read", uid).ok();
    };
    RevisionsToProto(
        readable,
        [&](const AIApplication& a, v1::ObjectRevision* e) {
          *e->mutable_application() = Visible(a, may_read);
        },
        response);
    return absl::OkStatus();
  });
}

grpc::Status AIApplicationServiceImpl::DeleteAIApplication(
    grpc::ServerContext* context, const v1::DeleteAIApplicationRequest* request,
    v1::DeleteResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Readable(caller, request->name()));
    RETURN_IF_ERROR(
        Require(*authorizer_, caller, "catalog:write", authz::ApplicationUid(request->name())));
    if (request->expected_revision() < 0) {
      return absl::InvalidArgumentError("expected_revision: must not be negative");
    }
    ASSIGN_OR_RETURN(int64_t revision, store_->DeleteAIApplication(
                                           request->name(), request->expected_revision(), caller));
    response->set_catalog_revision(revision);
    return absl::OkStatus();
  });
}

grpc::Status AIApplicationServiceImpl::ReviewAIApplication(
    grpc::ServerContext* context, const v1::ReviewAIApplicationRequest* request,
    v1::AIApplication* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Readable(caller, request->name()));
    RETURN_IF_ERROR(Require(*authorizer_, caller, "application:review",
                            authz::ApplicationUid(request->name())));
    if (request->expected_revision() < 0) {
      return absl::InvalidArgumentError("expected_revision: must not be negative");
    }
    ASSIGN_OR_RETURN(AIApplication a,
                     store_->ReviewAIApplication(request->name(), request->state(), request->note(),
                                                 request->expected_revision(), caller));
    *response = Visible(a, [&](const policy::EntityUid& uid) {
      return Require(*authorizer_, caller, "catalog:read", uid).ok();
    });
    return absl::OkStatus();
  });
}

grpc::Status AIApplicationServiceImpl::CheckAIApplicationAccess(
    grpc::ServerContext* context, const v1::CheckAIApplicationAccessRequest* request,
    v1::AIApplicationAccess* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Readable(caller, request->name()));
    ASSIGN_OR_RETURN(AIApplication a, store_->GetAIApplication(request->name()));
    if (a.spec.service_account.empty()) {
      return absl::FailedPreconditionError(
          StrCat("AI application \"", a.name,
                 "\" names no service account (spec.serviceAccount): there is no principal "
                 "to check"));
    }
    const policy::EntityUid principal =
        authz::PrincipalUid({PrincipalKind::kServiceAccount, a.spec.service_account});
    // Decisions about another principal are answered to it, to who may
    // ask for others, and to the application's reviewers.
    RETURN_IF_ERROR(RequireTokenAllows(caller, "read"));
    absl::StatusOr<policy::EntityUid> self = authz::PrincipalUid(caller);
    if (!(self.ok() && *self == principal) &&
        !Permits(*authorizer_, caller, "authorize:others", CatalogRoot()) &&
        !Permits(*authorizer_, caller, "application:review", authz::ApplicationUid(a.name))) {
      return absl::PermissionDeniedError(
          StrCat("checking what ", principal.ToString(),
                 " may read takes authorize:others, or application:review on the application"));
    }
    response->set_application(a.name);
    response->set_principal(principal.ToString());
    for (const NamedDataset& u : DatasetsOf(a.spec)) {
      // What the caller may not read stays unnamed: counted only.
      if (!Require(*authorizer_, caller, "catalog:read", authz::DatasetUid(u.dataset)).ok()) {
        response->set_hidden(response->hidden() + 1);
        continue;
      }
      v1::DatasetAccess* out = response->add_datasets();
      *out->mutable_dataset() = ToProto(u.dataset);
      // "tool:NAME", the action says which way.
      out->set_use(u.use.starts_with("tool:") ? u.use.substr(0, u.use.rfind(':')) : u.use);
      out->set_action(u.write ? "write" : "read");
      if (u.write) {
        const policy::Request asked{.principal = principal,
                                    .action = authz::ActionUid("write"),
                                    .resource = authz::DatasetUid(u.dataset)};
        const authz::Decision d = authorizer_->Authorize(asked, caller);
        ToProto(d, out->mutable_decision());
        response->set_denied(response->denied() + !d.allow);
        continue;
      }
      // Every column of the dataset as it stands.
      std::vector<std::string> columns;
      absl::StatusOr<Dataset> stored = store_->GetDataset(u.dataset);
      if (stored.ok()) {
        for (const authz::ColumnInfo& c : authz::FlattenColumns(stored->spec.fields)) {
          columns.push_back(c.path);
        }
      } else if (stored.status().code() != absl::StatusCode::kNotFound) {
        return stored.status();
      }
      std::vector<authz::ColumnDecision> decisions;
      const authz::Decision d = authorizer_->AuthorizeRead(
          principal, u.dataset, columns, policy::Value::Record({}), &decisions, caller);
      ToProto(d, out->mutable_decision());
      response->set_denied(response->denied() + !d.allow);
      bool restricted = false;
      for (const authz::ColumnDecision& c : decisions) {
        if (c.access == authz::ColumnAccess::kAllow) continue;
        restricted = true;
        ToProto(c, out->add_columns());
      }
      response->set_masked(response->masked() + (d.allow && restricted));
    }
    return absl::OkStatus();
  });
}

}  // namespace catalog::server
