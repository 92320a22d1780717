#include "server/mcp/protocol.h"

#include "lib/util/strings.h"

namespace catalog::server::mcp {
namespace {

using nlohmann::json;

json Result(const json& id, json result) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

json Initialize(const json& id, const json& params, std::string_view server_version) {
  // The client's revision when it is one this server speaks, else this
  // server's (the client then decides whether to go on).
  std::string asked = params.is_object() ? params.value("protocolVersion", std::string()) : "";
  const std::string version = SupportedVersion(asked) ? asked : kProtocolVersion;
  return Result(id, {{"protocolVersion", version},
                     {"capabilities", {{"tools", {{"listChanged", false}}}}},
                     {"serverInfo",
                      {{"name", "catalogd"},
                       {"title", "catalogd data catalog"},
                       {"version", server_version.empty() ? "dev" : std::string(server_version)}}},
                     {"instructions",
                      "catalogd's catalog, answered under your principal's access policies: "
                      "search datasets, read a dataset's schema, owners, contract and health, "
                      "follow lineage and impact, ask whether you may read a dataset and which "
                      "columns are masked, check a write against its contract, and find a "
                      "model version's training data. What you may not read is left out or "
                      "counted, never named."}});
}

}  // namespace

bool SupportedVersion(std::string_view version) {
  return version == kProtocolVersion || version == "2025-06-18" || version == "2025-03-26";
}

json ErrorMessage(const json& id, int code, std::string_view message) {
  return {{"jsonrpc", "2.0"},
          {"id", id},
          {"error", {{"code", code}, {"message", std::string(message)}}}};
}

std::optional<json> Answer(const json& message, const ToolCaller& caller,
                           std::string_view server_version) {
  if (!message.is_object()) {
    return ErrorMessage(nullptr, kInvalidRequest,
                        message.is_array() ? "batches are not supported: send one message"
                                           : "a message is a JSON object");
  }
  auto version = message.find("jsonrpc");
  auto method = message.find("method");
  auto id = message.find("id");
  const bool has_id = id != message.end();
  if (has_id && !id->is_string() && !id->is_number_integer()) {
    return ErrorMessage(nullptr, kInvalidRequest, "id: must be a string or an integer");
  }
  const json reply_id = has_id ? *id : json(nullptr);
  if (version == message.end() || *version != "2.0") {
    return ErrorMessage(reply_id, kInvalidRequest, "jsonrpc: must be \"2.0\"");
  }
  if (method == message.end()) {
    // A response to a request of ours: this server sends none, so it is
    // taken and dropped.
    if (message.contains("result") || message.contains("error")) return std::nullopt;
    return ErrorMessage(reply_id, kInvalidRequest, "method: is required");
  }
  if (!method->is_string())
    return ErrorMessage(reply_id, kInvalidRequest, "method: must be a string");
  const std::string& name = method->get_ref<const std::string&>();
  if (!has_id) return std::nullopt;  // a notification (initialized, cancelled, …)
  const json params = message.value("params", json::object());
  if (!params.is_object())
    return ErrorMessage(reply_id, kInvalidParams, "params: must be an object");
  if (name == "initialize") return Initialize(reply_id, params, server_version);
  if (name == "ping") return Result(reply_id, json::object());
  if (name == "tools/list") return Result(reply_id, {{"tools", ToolList()}});
  if (name == "tools/call") {
    auto tool = params.find("name");
    if (tool == params.end() || !tool->is_string()) {
      return ErrorMessage(reply_id, kInvalidParams, "params.name: must name a tool");
    }
    if (!IsTool(*tool)) {
      return ErrorMessage(reply_id, kInvalidParams,
                          StrCat("params.name: no tool \"", tool->get<std::string>().substr(0, 100),
                                 "\" (tools/list lists them)"));
    }
    return Result(reply_id, CallTool(*tool, params.value("arguments", json::object()), caller));
  }
  return ErrorMessage(reply_id, kMethodNotFound,
                      StrCat("method \"", name.substr(0, 100), "\" is not served here"));
}

}  // namespace catalog::server::mcp
