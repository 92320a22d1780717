// Errors on the HTTP port in the Connect protocol's shape, for the JSON API
// (connect_bridge.h) and the web UI's session routes (ui_session.h):
//   HTTP status by code, {"code": "not_found", "message": "…"}.
#pragma once

#include "absl/status/status.h"

namespace httplib {
struct Response;
}  // namespace httplib

namespace catalog::server {

// Connect's name for a code ("invalid_argument") and its HTTP status (400).
const char* ConnectCodeName(absl::StatusCode code);
int ConnectHttpStatus(absl::StatusCode code);

// Answers `status` (not OK) on `res`: `http_status` instead of the code's
// when not 0; `close` when the request's body was not read, so the
// connection cannot serve another request. Never cached.
void ReplyError(httplib::Response& res, const absl::Status& status, int http_status = 0,
                bool close = false);

}  // namespace catalog::server
