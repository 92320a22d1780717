#include "server/policy_service.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <span>

#include "lib/policy/json_format.h"
#include "lib/policy/parser.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/catalog/validate.h"
#include "server/authz/access_list.h"
#include "server/authz/catalog_entities.h"
#include "server/authz/decision_log.h"
#include "server/authz/column_access.h"
#include "server/call.h"
#include "server/decision_proto.h"

namespace catalog::server {
namespace {

// Longer entity ids are refused: no catalog name is longer (a dataset is
// namespace/name, each at most kMaxNameBytes), and each id asked about may
// become a decision event.
constexpr size_t kMaxEntityIdBytes = 4096;
// ListAccess: how many actions one call asks about, and how many principals
// (users, service accounts, then groups) it considers.
constexpr size_t kMaxAccessActions = 8;
constexpr size_t kMaxAccessPrincipals = 10000;

// Whether `caller` may ask the `asked` questions: a token limited to some
// actions asks only about those; asking about anyone but yourself takes
// Action::"authorize:others" (query engines and gateways asking on behalf
// of their users), checked once however many questions need it. In a
// batch, an error names the question ("requests[i]: ").
absl::Status MayAsk(const authz::Authorizer& authorizer, const std::string& caller,
                    std::span<const policy::Request> asked, bool batch) {
  auto at = [&](size_t i, const absl::Status& s) {
    return batch ? absl::Status(s.code(), StrCat("requests[", i, "]: ", MessageOf(s))) : s;
  };
  absl::StatusOr<policy::EntityUid> self = authz::PrincipalUid(caller);
  std::optional<size_t> about_other;
  for (size_t i = 0; i < asked.size(); ++i) {
    if (absl::Status s = RequireTokenAllows(caller, asked[i].action.id); !s.ok()) {
      return at(i, s);
    }
    if (!about_other && !(self.ok() && *self == asked[i].principal)) about_other = i;
  }
  if (!about_other) return absl::OkStatus();
  absl::Status others = Require(authorizer, caller, "authorize:others", CatalogRoot());
  return others.ok() ? others : at(*about_other, others);
}

absl::StatusOr<policy::EntityUid> Entity(std::string_view field,
                                         const std::string& text,
                                         bool is_action) {
  if (is_action && text.find("::") == std::string::npos && !text.empty()) {
    return authz::ActionUid(text);
  }
  if (text.size() > kMaxEntityIdBytes + 256) {
    return absl::InvalidArgumentError(
        StrCat(field, ": longer than ", kMaxEntityIdBytes + 256, " bytes"));
  }
  absl::StatusOr<policy::EntityUid> uid = policy::ParseEntityUid(text);
  if (uid.ok() && uid->id.size() > kMaxEntityIdBytes) {
    return absl::InvalidArgumentError(
        StrCat(field, ": the entity id is longer than ", kMaxEntityIdBytes, " bytes"));
  }
  if (!uid.ok()) {
    return absl::InvalidArgumentError(
        StrCat(field, ": \"", text, "\" is not an entity such as ",
               is_action ? "Action::\"read\"" : "User::\"alice\"", " (",
               MessageOf(uid.status()), ")"));
  }
  return uid;
}

absl::StatusOr<policy::Value> Context(const std::string& text) {
  if (text.empty()) return policy::Value::Record({});
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return absl::InvalidArgumentError("context_json: must be a JSON object");
  }
  absl::StatusOr<policy::Value> value = policy::ValueFromJson(json, nullptr);
  if (!value.ok()) {
    return absl::InvalidArgumentError(
        StrCat("context_json: ", MessageOf(value.status())));
  }
  return value;
}

absl::StatusOr<policy::Request> RequestOf(const v1::AuthorizeRequest& r) {
  policy::Request out;
  ASSIGN_OR_RETURN(out.principal, Entity("principal", r.principal(), false));
  ASSIGN_OR_RETURN(out.action, Entity("action", r.action(), true));
  ASSIGN_OR_RETURN(out.resource, Entity("resource", r.resource(), false));
  ASSIGN_OR_RETURN(out.context, Context(r.context_json()));
  if (r.min_revision() < 0) {
    return absl::InvalidArgumentError("min_revision: must not be negative");
  }
  return out;
}

std::vector<store::PolicyFile> FilesOf(
    const google::protobuf::RepeatedPtrField<v1::PolicyFileProto>& files) {
  std::vector<store::PolicyFile> out;
  for (const auto& f : files) out.push_back({f.name(), f.text()});
  return out;
}

absl::Status CheckFiles(const std::vector<store::PolicyFile>& files) {
  if (files.empty()) return absl::InvalidArgumentError("files: must not be empty");
  std::set<std::string> names;
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i].name.empty()) {
      return absl::InvalidArgumentError(StrCat("files[", i, "].name: must not be empty"));
    }
    if (!names.insert(files[i].name).second) {
      return absl::InvalidArgumentError(
          StrCat("files[", i, "].name: duplicate file \"", files[i].name, "\""));
    }
  }
  return absl::OkStatus();
}

void Summaries(const std::vector<policy::Policy>& policies,
               google::protobuf::RepeatedPtrField<v1::PolicySummary>* out) {
  for (size_t i = 0; i < policies.size(); ++i) {
    v1::PolicySummary* s = out->Add();
    s->mutable_ref()->set_id(policies[i].id);
    s->mutable_ref()->set_annotated_id(policies[i].AnnotatedId());
    s->set_effect(policies[i].effect == policy::Effect::kPermit ? "permit" : "forbid");
    s->set_file(policies[i].file);
    s->set_line(policies[i].loc.line);
    s->set_is_template(policies[i].is_template);
  }
}

}  // namespace

grpc::Status PolicyServiceImpl::Authorize(grpc::ServerContext* context,
                                          const v1::AuthorizeRequest* request,
                                          v1::AuthorizeResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(policy::Request r, RequestOf(*request));
    RETURN_IF_ERROR(MayAsk(*authorizer_, caller, std::span(&r, 1), /*batch=*/false));
    RETURN_IF_ERROR(
        authorizer_->AwaitRevision(request->min_revision(), caller, DeadlineOf(*context)));
    authz::Decision d = authorizer_->Authorize(r, caller);
    ToProto(d, response);
    return absl::OkStatus();
  });
}

grpc::Status PolicyServiceImpl::BatchAuthorize(
    grpc::ServerContext* context, const v1::BatchAuthorizeRequest* request,
    v1::BatchAuthorizeResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    if (request->requests_size() > kMaxBatch) {
      return absl::InvalidArgumentError(
          StrCat("requests: at most ", kMaxBatch, " per batch"));
    }
    // Every question is read and cleared before any is decided (and recorded).
    std::vector<policy::Request> asked;
    asked.reserve(request->requests_size());
    for (int i = 0; i < request->requests_size(); ++i) {
      absl::StatusOr<policy::Request> r = RequestOf(request->requests(i));
      if (!r.ok()) {
        return absl::InvalidArgumentError(
            StrCat("requests[", i, "].", MessageOf(r.status())));
      }
      asked.push_back(*std::move(r));
    }
    RETURN_IF_ERROR(MayAsk(*authorizer_, caller, asked, /*batch=*/true));
    RETURN_IF_ERROR(
        authorizer_->AwaitRevision(request->min_revision(), caller, DeadlineOf(*context)));
    if (!authorizer_->ready()) {
      return absl::UnavailableError(authz::kStillLoading);
    }
    // One snapshot for the whole batch.
    std::shared_ptr<const authz::Snapshot> s = authorizer_->current();
    for (const policy::Request& r : asked) {
      ToProto(authorizer_->Recorded(authz::DecideRequest(s, r), r, caller),
              response->add_responses());
    }
    return absl::OkStatus();
  });
}

grpc::Status PolicyServiceImpl::AuthorizeRead(
    grpc::ServerContext* context, const v1::AuthorizeReadRequest* request,
    v1::AuthorizeReadResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(policy::EntityUid principal,
                     Entity("principal", request->principal(), false));
    DatasetKey key{request->dataset().namespace_(), request->dataset().name()};
    ASSIGN_OR_RETURN(policy::Value ctx, Context(request->context_json()));
    const policy::Request read{.principal = principal, .action = authz::ActionUid("read")};
    RETURN_IF_ERROR(MayAsk(*authorizer_, caller, std::span(&read, 1), /*batch=*/false));
    RETURN_IF_ERROR(
        authorizer_->AwaitRevision(request->min_revision(), caller, DeadlineOf(*context)));
    std::vector<std::string> columns(request->columns().begin(),
                                     request->columns().end());
    std::vector<authz::ColumnDecision> decisions;
    authz::Decision d = authorizer_->AuthorizeRead(
        principal, key, columns, ctx, &decisions, caller);
    ToProto(d, response->mutable_dataset());
    for (const authz::ColumnDecision& c : decisions) ToProto(c, response->add_columns());
    return absl::OkStatus();
  });
}

grpc::Status PolicyServiceImpl::PutPolicySet(
    grpc::ServerContext* context, const v1::PutPolicySetRequest* request,
    v1::PutPolicySetResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "policy:write", CatalogRoot()));
    std::vector<store::PolicyFile> files = FilesOf(request->files());
    RETURN_IF_ERROR(CheckFiles(files));
    RETURN_IF_ERROR(authz::CompilePolicies(files).status());
    if (request->expected_version() < 0) {
      return absl::InvalidArgumentError("expected_version: must not be negative");
    }
    ASSIGN_OR_RETURN(auto stored,
                     store_->PutPolicyVersion(files, request->description(),
                                              request->expected_version(), caller));
    authorizer_->WaitFor(stored.second, DeadlineOf(*context));
    response->set_version(stored.first);
    response->set_catalog_revision(stored.second);
    return absl::OkStatus();
  });
}

grpc::Status PolicyServiceImpl::GetPolicySet(grpc::ServerContext* context,
                                             const v1::GetPolicySetRequest* request,
                                             v1::PolicySet* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    if (request->version() < 0) {
      return absl::InvalidArgumentError("version: must not be negative");
    }
    ASSIGN_OR_RETURN(store::PolicyVersion v, store_->GetPolicyVersion(request->version()));
    response->set_version(v.version);
    response->set_description(v.description);
    response->set_created_at(v.created_at);
    response->set_created_by(v.created_by);
    for (const store::PolicyFile& f : v.files) {
      v1::PolicyFileProto* out = response->add_files();
      out->set_name(f.name);
      out->set_text(f.text);
    }
    ASSIGN_OR_RETURN(std::vector<policy::Policy> policies,
                     authz::CompilePolicies(v.files));
    Summaries(policies, response->mutable_policies());
    return absl::OkStatus();
  });
}

grpc::Status PolicyServiceImpl::ListPolicyVersions(
    grpc::ServerContext* context, const v1::ListPolicyVersionsRequest*,
    v1::ListPolicyVersionsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    ASSIGN_OR_RETURN(std::vector<store::PolicyVersion> versions,
                     store_->ListPolicyVersions());
    for (const store::PolicyVersion& v : versions) {
      v1::PolicySet* out = response->add_versions();
      out->set_version(v.version);
      out->set_description(v.description);
      out->set_created_at(v.created_at);
      out->set_created_by(v.created_by);
    }
    return absl::OkStatus();
  });
}

grpc::Status PolicyServiceImpl::ValidatePolicies(
    grpc::ServerContext* context, const v1::ValidatePoliciesRequest* request,
    v1::ValidatePoliciesResponse* response) {
  return Serve(*auth_, context, [&](const std::string&) -> absl::Status {
    std::vector<store::PolicyFile> files = FilesOf(request->files());
    RETURN_IF_ERROR(CheckFiles(files));
    absl::StatusOr<std::vector<policy::Policy>> policies =
        authz::CompilePolicies(files);
    response->set_valid(policies.ok());
    if (!policies.ok()) {
      response->set_error(std::string(MessageOf(policies.status())));
      return absl::OkStatus();
    }
    Summaries(*policies, response->mutable_policies());
    return absl::OkStatus();
  });
}

grpc::Status PolicyServiceImpl::Explain(grpc::ServerContext* context,
                                        const v1::AuthorizeRequest* request,
                                        v1::ExplainResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:read", CatalogRoot()));
    ASSIGN_OR_RETURN(policy::Request r, RequestOf(*request));
    RETURN_IF_ERROR(MayAsk(*authorizer_, caller, std::span(&r, 1), /*batch=*/false));
    std::vector<authz::PolicyTrace> trace;
    authz::Decision d = authorizer_->Explain(r, &trace);
    ToProto(d, response->mutable_decision());
    for (const authz::PolicyTrace& t : trace) {
      v1::PolicyTraceProto* out = response->add_trace();
      SetRef(d, t.id, out->mutable_policy());
      out->set_effect(t.forbid ? "forbid" : "permit");
      out->set_scope_matched(t.scope_matched);
      using O = authz::PolicyTrace::Outcome;
      out->set_outcome(t.outcome == O::kSatisfied      ? v1::PolicyTraceProto::OUTCOME_SATISFIED
                       : t.outcome == O::kNotSatisfied ? v1::PolicyTraceProto::OUTCOME_NOT_SATISFIED
                       : t.outcome == O::kError        ? v1::PolicyTraceProto::OUTCOME_ERROR
                                                       : v1::PolicyTraceProto::OUTCOME_NOT_APPLICABLE);
      out->set_error(t.error);
    }
    return absl::OkStatus();
  });
}

grpc::Status PolicyServiceImpl::ListAccess(grpc::ServerContext* context,
                                           const v1::ListAccessRequest* request,
                                           v1::ListAccessResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    policy::EntityUid resource;
    if (request->has_dataset() == !request->resource().empty()) {
      return absl::InvalidArgumentError("resource: send a resource or a dataset, one of them");
    }
    if (request->has_dataset()) {
      resource = authz::DatasetUid({request->dataset().namespace_(), request->dataset().name()});
    } else {
      ASSIGN_OR_RETURN(resource, Entity("resource", request->resource(), false));
    }
    std::vector<std::string> actions(request->actions().begin(), request->actions().end());
    if (actions.empty()) actions = {"read", "write"};
    if (actions.size() > kMaxAccessActions) {
      return absl::InvalidArgumentError(
          StrCat("actions: at most ", kMaxAccessActions, ", not ", actions.size()));
    }
    for (size_t i = 0; i < actions.size(); ++i) {
      RETURN_IF_ERROR(ValidateName(StrCat("actions[", i, "]"), actions[i], kMaxShortNameBytes));
    }
    std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
    // A resource the caller may not read is as one that does not exist.
    const absl::Status readable = Require(*authorizer_, caller, "catalog:read", resource);
    if (snapshot->entities().Find(resource) == nullptr || !readable.ok()) {
      return absl::NotFoundError(
          StrCat("resource: there is no ", resource.ToString(), " that you may read"));
    }
    RETURN_IF_ERROR(Require(*authorizer_, caller, "authorize:others", CatalogRoot()));
    for (const std::string& a : actions) RETURN_IF_ERROR(RequireTokenAllows(caller, a));
    // Users and service accounts, then groups, as many as kMaxAccessPrincipals.
    std::vector<policy::EntityUid> principals;
    bool complete = true;
    for (std::optional<PrincipalKind> kind :
         {std::optional<PrincipalKind>(), std::optional(PrincipalKind::kGroup)}) {
      store::PageRequest page{.page_size = 1000};
      while (complete) {
        ASSIGN_OR_RETURN(store::Page<Principal> listed, store_->ListPrincipals(kind, page));
        for (const Principal& p : listed.items) {
          if (principals.size() == kMaxAccessPrincipals) {
            complete = false;
            break;
          }
          principals.push_back(authz::PrincipalUid(p.ref()));
        }
        if (listed.next_page_token.empty()) break;
        page.page_token = listed.next_page_token;
      }
    }
    authz::Decision names{.snapshot = snapshot};  // reads policy ids against this set
    for (authz::AccessEntry& e : authz::WhoMay(*snapshot, principals, actions, resource)) {
      v1::AccessEntry* out = response->add_entries();
      out->set_principal(authz::PrincipalName(e.principal));
      out->set_action(e.action);
      for (const std::string& id : e.reasons) SetRef(names, id, out->add_reasons());
      out->set_conditional(e.conditional);
      for (std::string& c : e.conditions) out->add_conditions(std::move(c));
    }
    response->set_principals_considered(static_cast<int64_t>(principals.size()));
    response->set_complete(complete);
    response->set_revision(snapshot->revision());
    response->set_resource(resource.ToString());
    return absl::OkStatus();
  });
}

}  // namespace catalog::server
