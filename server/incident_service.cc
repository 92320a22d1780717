#include "server/incident_service.h"

#include <nlohmann/json.hpp>

#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "proto/convert.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"

namespace catalog::server {
namespace {

// Longest note kept.
constexpr size_t kMaxNoteBytes = 4096;

void ToProto(const store::IncidentRecord& r, v1::Incident* out) {
  out->set_id(r.id);
  *out->mutable_dataset() = catalog::ToProto(r.dataset);
  out->set_kind(r.kind);
  out->set_cause(r.cause);
  out->set_summary(r.summary);
  out->set_severity(r.severity);
  out->set_state(r.state);
  out->set_cause_since(FormatMs(r.cause_ms));
  out->set_opened_at(FormatMs(r.opened_ms));
  out->set_acknowledged_at(FormatMs(r.acknowledged_ms));
  out->set_resolved_at(FormatMs(r.resolved_ms));
  out->set_assignee(r.assignee);
  out->set_resolved_by(r.resolved_by);
  out->set_resolution(r.resolution);
  nlohmann::json notes = nlohmann::json::parse(r.notes, nullptr, false);
  if (notes.is_array()) {
    for (const nlohmann::json& n : notes) {
      if (!n.is_object()) continue;
      v1::IncidentNote* note = out->add_notes();
      note->set_at(n.value("at", ""));
      note->set_by(n.value("by", ""));
      note->set_text(n.value("text", ""));
    }
  }
  out->set_time_to_detect_ms(r.cause_ms > 0 ? std::max<int64_t>(0, r.opened_ms - r.cause_ms) : 0);
  out->set_time_to_resolve_ms(r.resolved_ms > 0 ? r.resolved_ms - r.opened_ms : 0);
}

absl::Status ValidId(int64_t id) {
  if (id <= 0) return absl::InvalidArgumentError("id: must be an incident's id (1 or more)");
  return absl::OkStatus();
}

absl::Status IncidentNotFound(int64_t id) {
  return absl::NotFoundError(StrCat("incident ", id, " not found"));
}

}  // namespace

grpc::Status IncidentServiceImpl::ListIncidents(grpc::ServerContext* context,
                                                const v1::ListIncidentsRequest* request,
                                                v1::ListIncidentsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    store::IncidentFilter filter{.state = request->state()};
    if (!filter.state.empty() && filter.state != "open" && filter.state != "acknowledged" &&
        filter.state != "resolved") {
      return absl::InvalidArgumentError(StrCat(
          "state: \"", filter.state, "\" must be open, acknowledged or resolved (or empty: all)"));
    }
    if (request->has_dataset()) {
      DatasetKey key = FromProto(request->dataset());
      RETURN_IF_ERROR(ValidateDatasetKey(key, "dataset"));
      // As for a dataset that does not exist: no incidents.
      RETURN_IF_ERROR(HiddenAsNotFound(
          Require(*authorizer_, caller, "catalog:read", authz::DatasetUid(key)), key));
      filter.dataset = key;
    }
    ASSIGN_OR_RETURN(store::PageRequest page,
                     PageOf(request->page_size(), request->page_token()));
    ASSIGN_OR_RETURN(store::Page<store::IncidentRecord> listed,
                     store_->ListIncidents(filter, page));
    for (const store::IncidentRecord& r : listed.items) {
      if (!Require(*authorizer_, caller, "catalog:read", authz::DatasetUid(r.dataset)).ok()) {
        continue;
      }
      ToProto(r, response->add_incidents());
    }
    response->set_next_page_token(listed.next_page_token);
    return absl::OkStatus();
  });
}

grpc::Status IncidentServiceImpl::GetIncident(grpc::ServerContext* context,
                                              const v1::GetIncidentRequest* request,
                                              v1::Incident* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ValidId(request->id()));
    absl::StatusOr<store::IncidentRecord> r = store_->GetIncident(request->id());
    if (r.status().code() == absl::StatusCode::kNotFound) return IncidentNotFound(request->id());
    if (!r.ok()) return r.status();
    if (!Require(*authorizer_, caller, "catalog:read", authz::DatasetUid(r->dataset)).ok()) {
      return IncidentNotFound(request->id());
    }
    ToProto(*r, response);
    return absl::OkStatus();
  });
}

grpc::Status IncidentServiceImpl::Change(grpc::ServerContext* context,
                                         const v1::ChangeIncidentRequest& request,
                                         store::IncidentAction action, v1::Incident* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ValidId(request.id()));
    if (!request.assignee().empty()) {
      RETURN_IF_ERROR(ParsePrincipalRef("assignee", request.assignee()).status());
    }
    RETURN_IF_ERROR(ValidateText("note", request.note(), kMaxNoteBytes));
    if (action == store::IncidentAction::kNote && request.note().empty()) {
      return absl::InvalidArgumentError("note: must not be empty");
    }
    absl::StatusOr<store::IncidentRecord> r = store_->GetIncident(request.id());
    if (r.status().code() == absl::StatusCode::kNotFound) return IncidentNotFound(request.id());
    if (!r.ok()) return r.status();
    const policy::EntityUid dataset = authz::DatasetUid(r->dataset);
    // One the caller may not read is as absent; one they may read but not
    // handle is refused, saying so.
    if (!Require(*authorizer_, caller, "catalog:read", dataset).ok()) {
      return IncidentNotFound(request.id());
    }
    RETURN_IF_ERROR(Require(*authorizer_, caller, "incident:write", dataset));
    ASSIGN_OR_RETURN(store::IncidentRecord changed,
                     store_->ChangeIncident(request.id(), action, request.assignee(),
                                            request.note(), caller));
    ToProto(changed, response);
    return absl::OkStatus();
  });
}

grpc::Status IncidentServiceImpl::AcknowledgeIncident(grpc::ServerContext* context,
                                                      const v1::ChangeIncidentRequest* request,
                                                      v1::Incident* response) {
  return Change(context, *request, store::IncidentAction::kAcknowledge, response);
}

grpc::Status IncidentServiceImpl::ResolveIncident(grpc::ServerContext* context,
                                                  const v1::ChangeIncidentRequest* request,
                                                  v1::Incident* response) {
  return Change(context, *request, store::IncidentAction::kResolve, response);
}

grpc::Status IncidentServiceImpl::AddIncidentNote(grpc::ServerContext* context,
                                                  const v1::ChangeIncidentRequest* request,
                                                  v1::Incident* response) {
  return Change(context, *request, store::IncidentAction::kNote, response);
}

}  // namespace catalog::server
