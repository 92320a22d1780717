#include "server/lineage_http.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "lib/lineage/event.h"
#include "lib/util/strings.h"
#include "server/auth.h"
#include "server/call.h"
#include "server/lineage_service.h"

namespace catalog::server {
namespace {

int HttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kAlreadyExists:
      return 409;
    case absl::StatusCode::kResourceExhausted:
      return 413;
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
      return 503;
    default:
      return 500;
  }
}

void Reply(httplib::Response& res, const absl::Status& status) {
  nlohmann::json body = {{"code", absl::StatusCodeToString(status.code())},
                         {"message", MessageOf(status)}};
  res.status = HttpStatus(status.code());
  res.set_content(body.dump(), "application/json");
}

}  // namespace

void RegisterLineageHttp(httplib::Server& http, const Authenticator& auth,
                         LineageServiceImpl& lineage) {
  auto handler = [&auth, &lineage](const httplib::Request& req,
                                   httplib::Response& res) {
    internal::InFlight counted;
    absl::StatusOr<Identity> caller =
        auth.Authenticate(req.get_header_value("Authorization"));
    if (!caller.ok()) return Reply(res, caller.status());
    internal::TokenLimit limit(caller->actions);
    absl::StatusOr<std::vector<std::string>> events =
        lineage::SplitEvents(req.body);
    if (!events.ok()) return Reply(res, events.status());
    absl::StatusOr<store::IngestResult> result =
        lineage.IngestEvents(caller->principal, *events);
    if (!result.ok()) return Reply(res, result.status());
    nlohmann::json body = {{"events", events->size()},
                           {"catalogRevision", result->catalog_revision}};
    res.status = 201;
    res.set_content(body.dump(), "application/json");
  };
  http.Post("/api/v1/lineage", handler);
  http.Post("/api/v1/lineage/batch", handler);
}

}  // namespace catalog::server
