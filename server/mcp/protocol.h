// The Model Context Protocol's messages (JSON-RPC 2.0), as catalogd's MCP
// server answers them (docs/mcp.md): initialize (version negotiation),
// ping, tools/list and tools/call; notifications and responses are taken
// and need no answer. No resources, prompts or sampling; no batches
// (removed from the protocol in revision 2025-06-18).
//
//   std::optional<json> answer = Answer(message, caller);
//   if (!answer) reply 202; else reply 200 with *answer.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "server/mcp/tools.h"

namespace catalog::server::mcp {

// The revision implemented (https://modelcontextprotocol.io/specification/2025-11-25),
// and the earlier ones whose messages catalogd's use of them shares.
inline constexpr char kProtocolVersion[] = "2025-11-25";
bool SupportedVersion(std::string_view version);

// JSON-RPC's error codes.
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;

// {"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}.
nlohmann::json ErrorMessage(const nlohmann::json& id, int code, std::string_view message);

// The answer to one message from a client; nullopt for a notification or a
// response (nothing to answer). `server_version`: what initialize says of
// this catalogd.
std::optional<nlohmann::json> Answer(const nlohmann::json& message, const ToolCaller& caller,
                                     std::string_view server_version);

}  // namespace catalog::server::mcp
