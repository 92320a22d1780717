#include "server/mcp/mcp_http.h"

#include <httplib.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/strings/str_split.h"
#include "lib/lineage/event.h"
#include "lib/util/strings.h"
#include "server/connect_bridge.h"
#include "server/connect_error.h"
#include "server/http_body.h"
#include "server/mcp/protocol.h"
#include "server/ui_session.h"

namespace catalog::server::mcp {
namespace {

using nlohmann::json;

constexpr int64_t kCallTimeoutMs = 30'000;
constexpr int kMaxDepth = 64;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// A JSON-RPC error as the HTTP answer; `close` when the body was not read.
void Refuse(httplib::Response& res, int http_status, int code, std::string_view message,
            bool close = true) {
  res.status = http_status;
  if (close) res.set_header("Connection", "close");
  res.set_content(ErrorMessage(nullptr, code, message).dump(), "application/json");
}

}  // namespace

absl::StatusOr<std::vector<std::string>> McpHttp::ParseOrigins(std::string_view text) {
  std::vector<std::string> out;
  const std::vector<std::string> items =
      absl::StrSplit(std::string(text), absl::ByAnyChar(", "), absl::SkipEmpty());
  for (const std::string& item : items) {
    const size_t scheme = item.find("://");
    const std::string rest = scheme == std::string::npos ? "" : item.substr(scheme + 3);
    const bool ok = (item.substr(0, scheme) == "https" || item.substr(0, scheme) == "http") &&
                    !rest.empty() && rest.find_first_of("/?#@") == std::string::npos;
    if (!ok) {
      return absl::InvalidArgumentError(
          StrCat("mcp-allowed-origins: \"", item.substr(0, 200),
                 "\" is not an origin (http(s)://host[:port], no path)"));
    }
    out.push_back(item);
  }
  return out;
}

void McpHttp::Register(httplib::Server& http) {
  http.Post(kPath, [this](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader) {
    res.set_header("Cache-Control", "no-store");
    // Checked before anything else: who may send this at all.
    if (std::string origin = req.get_header_value("Origin"); !origin.empty()) {
      if (std::find(options_.allowed_origins.begin(), options_.allowed_origins.end(), origin) ==
          options_.allowed_origins.end()) {
        return Refuse(
            res, 403, kInvalidRequest,
            StrCat("Origin: ", origin.substr(0, 200),
                   " is not allowed to call catalogd's MCP server (mcp-allowed-origins)"));
      }
    }
    if (req.get_header_value("Cookie").find(kSessionCookie) != std::string::npos) {
      return Refuse(res, 403, kInvalidRequest,
                    "the MCP server takes a bearer token or a client certificate, never a web "
                    "UI session cookie");
    }
    const std::string media = Lower(req.get_header_value("Content-Type"));
    if (media.substr(0, media.find(';')) != "application/json") {
      return Refuse(res, 415, kInvalidRequest, "Content-Type: must be application/json");
    }
    if (std::string accept = Lower(req.get_header_value("Accept"));
        !accept.empty() && accept.find("application/json") == std::string::npos &&
        accept.find("*/*") == std::string::npos) {
      return Refuse(res, 406, kInvalidRequest,
                    "Accept: must include application/json (answers are JSON, not streams)");
    }
    if (std::string v = req.get_header_value("MCP-Protocol-Version");
        !v.empty() && !SupportedVersion(v)) {
      return Refuse(res, 400, kInvalidRequest,
                    StrCat("MCP-Protocol-Version: ", v.substr(0, 40), " is not supported (",
                           kProtocolVersion, ", 2025-06-18, 2025-03-26)"));
    }
    // Who is calling, before a byte of the body is read.
    absl::StatusOr<ConnectBridge::Caller> caller =
        bridge_.Authenticate(req, /*sessions=*/false, /*changes=*/true, kCallTimeoutMs);
    if (!caller.ok()) {
      if (caller.status().code() == absl::StatusCode::kUnauthenticated) {
        res.set_header("WWW-Authenticate", "Bearer realm=\"catalogd\"");
      }
      return Refuse(res, ConnectHttpStatus(caller.status().code()), kInvalidRequest,
                    StrCat(absl::StatusCodeToString(caller.status().code()), ": ",
                           std::string(caller.status().message())));
    }
    absl::StatusOr<std::string> body = ReadBody(req, reader, options_.max_body_bytes);
    if (!body.ok()) {
      const bool large = body.status().code() == absl::StatusCode::kResourceExhausted;
      return Refuse(res, large ? 413 : 400, kParseError, std::string(body.status().message()),
                    large);
    }
    if (lineage::JsonDepth(*body) > kMaxDepth) {
      return Refuse(res, 400, kParseError,
                    StrCat("the message nests deeper than ", kMaxDepth, " levels"), false);
    }
    json message = json::parse(*body, nullptr, /*allow_exceptions=*/false);
    if (message.is_discarded()) {
      return Refuse(res, 400, kParseError, "the body is not JSON", false);
    }
    const ConnectBridge& bridge = bridge_;
    const ConnectBridge::Caller& who = *caller;
    ToolCaller tools{.principal = who.principal,
                     .call = [&bridge, &who](const std::string& path,
                                             const json& request) -> absl::StatusOr<json> {
                       absl::StatusOr<std::string> answer =
                           bridge.CallJson(who, path, request.dump());
                       if (!answer.ok()) return answer.status();
                       json parsed = json::parse(*answer, nullptr, false);
                       if (parsed.is_discarded()) {
                         return absl::InternalError("the answer is not JSON");
                       }
                       return parsed;
                     }};
    std::optional<json> answer = Answer(message, tools, options_.server_version);
    if (!answer) {
      res.status = 202;
      return;
    }
    res.status = answer->contains("error") && !message.is_object() ? 400 : 200;
    res.set_content(answer->dump(), "application/json");
  });
  for (const char* verb : {"GET", "DELETE"}) {
    auto handler = [verb](const httplib::Request&, httplib::Response& res) {
      res.set_header("Allow", "POST");
      Refuse(res, 405, kInvalidRequest,
             StrCat(verb, " /mcp: this server keeps no stream and no session; POST messages"),
             false);
    };
    if (std::string(verb) == "GET") {
      http.Get(kPath, handler);
    } else {
      http.Delete(kPath, handler);
    }
  }
}

}  // namespace catalog::server::mcp
