#include "server/audit_service.h"

#include <regex>

#include "lib/util/bounded_regex.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "server/call.h"

namespace catalog::server {

absl::StatusOr<std::string> AuditSince(std::string_view since,
                                       std::chrono::system_clock::time_point now) {
  if (since.empty()) return std::string();
  static const std::regex time(
      "^[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?"
      "Z?)?$");
  if (std::optional<std::chrono::seconds> back = ParseDuration(since)) {
    return FormatRfc3339(now - *back);
  }
  std::string text(since);
  if (!BoundedRegexMatch(text, time)) {
    return absl::InvalidArgumentError(StrCat(
        "since: \"", since,
        "\" is neither an RFC 3339 UTC time (2026-11-25T10:00:00Z, or a "
        "prefix of one) nor a duration (90s, 15m, 2h, 7d)"));
  }
  // Stored times are "...T10:00:00.000Z": compare without the zone letter so
  // a time without milliseconds includes its own second.
  if (text.back() == 'Z') text.pop_back();
  return text;
}

grpc::Status AuditServiceImpl::ListAuditEvents(
    grpc::ServerContext* context, const v1::ListAuditEventsRequest* request,
    v1::ListAuditEventsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "audit:read", CatalogRoot()));
    if (request->page_size() < 0) {
      return absl::InvalidArgumentError("page_size: must not be negative");
    }
    const std::string& decision = request->decision();
    if (!decision.empty() && decision != "allow" && decision != "deny") {
      return absl::InvalidArgumentError(
          StrCat("decision: \"", decision, "\" is not allow or deny"));
    }
    ASSIGN_OR_RETURN(std::string since,
                     AuditSince(request->since(), std::chrono::system_clock::now()));
    store::AuditFilter filter{
        .actor = request->principal(),
        .action = request->action(),
        .since = since,
        .decision = decision,
        .after_seq = request->after_seq(),
        .limit = request->page_size() == 0 ? 100
                                           : std::min(request->page_size(), 1000)};
    // Decisions made before this call are in the answer.
    authorizer_->FlushDecisions(DeadlineOf(*context));
    ASSIGN_OR_RETURN(std::vector<store::AuditEvent> events,
                     store_->ListAudit(filter));
    response->set_last_seq(request->after_seq());
    for (const store::AuditEvent& e : events) {
      v1::AuditEventProto* out = response->add_events();
      out->set_seq(e.seq);
      out->set_time(e.time);
      out->set_actor(e.actor);
      out->set_action(e.action);
      out->set_target_kind(e.target_kind);
      out->set_target(e.target);
      out->set_before_revision(e.before_revision);
      out->set_after_revision(e.after_revision);
      out->set_catalog_revision(e.catalog_revision);
      out->set_decision(e.decision);
      out->set_subject(e.subject);
      out->set_peer(e.peer);
      out->set_prev_hash(e.prev_hash);
      out->set_hash(e.hash);
      response->set_last_seq(e.seq);
    }
    return absl::OkStatus();
  });
}

grpc::Status AuditServiceImpl::VerifyAudit(grpc::ServerContext* context,
                                           const v1::VerifyAuditRequest* request,
                                           v1::VerifyAuditResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(Require(*authorizer_, caller, "audit:read", CatalogRoot()));
    authorizer_->FlushDecisions(DeadlineOf(*context));
    ASSIGN_OR_RETURN(store::AuditVerification v, store_->VerifyAudit());
    if (v.ok && request->head_seq() > 0) {
      // The anchor: the event kept from an earlier verify must still be
      // there, unchanged.
      ASSIGN_OR_RETURN(
          std::vector<store::AuditEvent> at,
          store_->ListAudit(store::AuditFilter{
              .after_seq = request->head_seq() - 1, .limit = 1}));
      if (at.empty() || at[0].seq != request->head_seq()) {
        v.ok = false;
        v.first_bad_seq = request->head_seq();
        v.problem = StrCat("event ", request->head_seq(),
                           " (the anchor) is gone: events were removed from "
                           "the end of the log");
      } else if (at[0].hash != request->head_hash()) {
        v.ok = false;
        v.first_bad_seq = request->head_seq();
        v.problem = StrCat("event ", request->head_seq(),
                           " no longer has the anchored hash: the log was "
                           "rewritten up to it");
      }
    }
    response->set_ok(v.ok);
    response->set_events(v.events);
    response->set_first_bad_seq(v.first_bad_seq);
    response->set_problem(v.problem);
    response->set_head_seq(v.head_seq);
    response->set_head_hash(v.head_hash);
    return absl::OkStatus();
  });
}

}  // namespace catalog::server
