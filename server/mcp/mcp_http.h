// catalogd's MCP server on the HTTP port (docs/mcp.md): the Model Context
// Protocol's Streamable HTTP transport, revision 2025-11-25, stateless —
//
//   POST /mcp   one JSON-RPC message; a request is answered with one JSON
//               object (application/json), a notification or a response
//               with 202 and no body
//   GET, DELETE /mcp   405: no server-sent stream, no session to end
//
// Who calls is authenticated as the JSON API authenticates (catalogd's
// bearer tokens, or the client certificate under mutual TLS) before a byte
// of the body is read; a web UI session cookie is refused, and so is a
// request whose Origin is not one the operator allows (a browser page on
// another site, or a DNS-rebinding attack, cannot drive it). Tools then
// call the catalog's services as that principal (tools.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace catalog::server {

class ConnectBridge;

namespace mcp {

inline constexpr char kPath[] = "/mcp";

class McpHttp {
 public:
  struct Options {
    // Origins ("https://agent.example.com") whose pages may call; a
    // request with any other Origin header is refused (403). Clients
    // outside browsers send none.
    std::vector<std::string> allowed_origins;
    size_t max_body_bytes = 1 << 20;
    std::string server_version;  // what initialize says of this catalogd
  };
  // The origins of `text` (comma- or space-separated), each
  // "http(s)://host[:port]" without a path; INVALID_ARGUMENT naming the
  // first that is not one.
  static absl::StatusOr<std::vector<std::string>> ParseOrigins(std::string_view text);

  McpHttp(const ConnectBridge& bridge, Options options)
      : bridge_(bridge), options_(std::move(options)) {}

  // Routes /mcp on `http`; this object must outlive it.
  void Register(httplib::Server& http);

 private:
  const ConnectBridge& bridge_;
  Options options_;
};

}  // namespace mcp
}  // namespace catalog::server
