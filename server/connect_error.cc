#include "server/connect_error.h"

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

#include "lib/util/strings.h"
#include "server/http_encoding.h"

namespace catalog::server {

const char* ConnectCodeName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kCancelled: return "canceled";
    case absl::StatusCode::kInvalidArgument: return "invalid_argument";
    case absl::StatusCode::kDeadlineExceeded: return "deadline_exceeded";
    case absl::StatusCode::kNotFound: return "not_found";
    case absl::StatusCode::kAlreadyExists: return "already_exists";
    case absl::StatusCode::kPermissionDenied: return "permission_denied";
    case absl::StatusCode::kResourceExhausted: return "resource_exhausted";
    case absl::StatusCode::kFailedPrecondition: return "failed_precondition";
    case absl::StatusCode::kAborted: return "aborted";
    case absl::StatusCode::kOutOfRange: return "out_of_range";
    case absl::StatusCode::kUnimplemented: return "unimplemented";
    case absl::StatusCode::kInternal: return "internal";
    case absl::StatusCode::kUnavailable: return "unavailable";
    case absl::StatusCode::kDataLoss: return "data_loss";
    case absl::StatusCode::kUnauthenticated: return "unauthenticated";
    default: return "unknown";
  }
}

int ConnectHttpStatus(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange: return 400;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kAborted: return 409;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kUnauthenticated: return 401;
    default: return 500;
  }
}

void ReplyError(httplib::Response& res, const absl::Status& status, int http_status,
                bool close) {
  nlohmann::json body = {{"code", ConnectCodeName(status.code())},
                         {"message", std::string(MessageOf(status))}};
  res.status = http_status != 0 ? http_status : ConnectHttpStatus(status.code());
  if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  SetBody(nullptr, res, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
          "application/json");
  if (close) res.set_header("Connection", "close");
}

}  // namespace catalog::server
