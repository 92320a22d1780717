#include "server/http_body.h"

#include <httplib.h>

#include <algorithm>

#include "absl/strings/numbers.h"
#include "lib/util/strings.h"
#include "server/connect_error.h"

namespace catalog::server {

absl::StatusOr<std::string> ReadBody(const httplib::Request& req,
                                     const httplib::ContentReader& reader, size_t max_bytes) {
  auto too_big_error = [&] {
    return absl::ResourceExhaustedError(
        StrCat("body: larger than ", max_bytes, " bytes (after decompression)"));
  };
  // A declared length past the bound is refused without keeping a byte.
  // Up to kMaxDiscardBytes the body is read and dropped, so an honest
  // client that overshoots sees the 413 rather than a reset connection.
  uint64_t declared = 0;
  if (absl::SimpleAtoi(req.get_header_value("Content-Length"), &declared) &&
      declared > max_bytes) {
    if (declared <= kMaxDiscardBytes) {
      reader([](const char*, size_t) { return true; });  // httplib skips it
    }
    return too_big_error();
  }
  std::string body;
  bool too_big = false;
  bool read = reader([&](const char* data, size_t length) {
    if (length > max_bytes - body.size()) {
      too_big = true;
      return false;  // stop: nothing more is read or decompressed
    }
    body.append(data, length);
    return true;
  });
  if (too_big) return too_big_error();
  if (!read) {
    return absl::InvalidArgumentError("body: could not be read or decoded");
  }
  return body;
}

void RefuseUnexpectedBodies(httplib::Server& http, std::vector<std::string> body_paths) {
  http.set_pre_routing_handler(
      [paths = std::move(body_paths)](const httplib::Request& req, httplib::Response& res) {
        std::string length = req.get_header_value("Content-Length");
        bool has_body = req.has_header("Transfer-Encoding") ||
                        (!length.empty() && length != "0");
        if (!has_body ||
            std::find(paths.begin(), paths.end(), req.path) != paths.end()) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        ReplyError(res, absl::NotFoundError(StrCat("no such path takes a body: ", req.path)),
                   404, /*close=*/true);
        return httplib::Server::HandlerResponse::Handled;
      });
}

}  // namespace catalog::server
