#include "server/lineage_http.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include "lib/lineage/event.h"
#include "lib/util/strings.h"
#include "server/auth.h"
#include "server/call.h"
#include "server/http_body.h"
#include "server/http_peer.h"
#include "server/lineage_service.h"
#include "server/http_encoding.h"

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
  SetBody(nullptr, res, body.dump(), "application/json");
}

// An answer given before the body was read whole: the rest of it is never
// read, so the connection cannot serve another request.
void Refuse(httplib::Response& res, const absl::Status& status) {
  Reply(res, status);
  res.set_header("Connection", "close");
}

}  // namespace

void RegisterLineageHttp(httplib::Server& http, const Authenticator& auth,
                         LineageServiceImpl& lineage, size_t max_body_bytes) {
  // The body is read only once the caller is known and may write lineage,
  // and no further than max_body_bytes once decompressed (http_body.h).
  auto handler = [&auth, &lineage, max_body_bytes](const httplib::Request& req,
                                                   httplib::Response& res,
                                                   const httplib::ContentReader& reader) {
    internal::InFlight counted;
    absl::StatusOr<Identity> caller = IdentityOf(
        auth, req.get_header_value("Authorization"),
        ClientCertificatesRequired() ? ClientCertificatePem(req) : std::string());
    if (!caller.ok()) {
      RecordAuthFailure("http", StrCat(req.remote_addr, ":", req.remote_port), caller.status());
      return Refuse(res, caller.status());
    }
    internal::TokenLimit limit(*caller);
    if (absl::Status s = RequireTokenAllows(caller->principal, "lineage:write"); !s.ok()) {
      return Refuse(res, s);
    }
    absl::StatusOr<std::string> body = ReadBody(req, reader, max_body_bytes);
    if (!body.ok()) return Refuse(res, body.status());
    absl::StatusOr<std::vector<std::string>> events =
        lineage::SplitEvents(*body);
    if (!events.ok()) return Reply(res, events.status());
    absl::StatusOr<store::IngestResult> result =
        lineage.IngestEvents(caller->principal, *events);
    if (!result.ok()) return Reply(res, result.status());
    nlohmann::json reply = {{"events", events->size()},
                            {"catalogRevision", result->catalog_revision}};
    res.status = 201;
    SetBody(nullptr, res, reply.dump(), "application/json");
  };
  http.Post("/api/v1/lineage", handler);
  http.Post("/api/v1/lineage/batch", handler);
}

}  // namespace catalog::server
