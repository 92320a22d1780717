// The MCP server's tools (docs/mcp.md#tools): what an AI agent may ask the
// catalog — search, a dataset's details, lineage, impact, "may I read this
// and which columns are masked", a write's check against its contract, and
// a model's training data. Each tool is made of calls to the catalog's own
// services as the agent's principal (ConnectBridge::CallJson), so every
// answer passes the same policies, redaction and audit as the gRPC API's:
// the tool layer reads arguments and shapes answers, and decides nothing.
//
//   ToolCaller caller{.principal = "user:agent", .call = ...};
//   nlohmann::json result = CallTool("get_dataset", {{"dataset", "pg/orders"}}, caller);
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/statusor.h"

namespace catalog::server::mcp {

struct ToolCaller {
  std::string principal;  // "user:alice": the agent's
  // Calls a catalog method ("/catalog.v1.CatalogService/GetDataset") with
  // its request in proto JSON, as the agent: the answer, or its status.
  std::function<absl::StatusOr<nlohmann::json>(const std::string& path,
                                               const nlohmann::json& request)>
      call;
};

// The tools, as MCP's tools/list lists them (name, title, description,
// inputSchema, annotations).
const nlohmann::json& ToolList();

// Whether `name` is one of the tools.
bool IsTool(const std::string& name);

// Runs tool `name` (one of ToolList) with `arguments` (an object): a
// CallToolResult — the answer as structuredContent and as JSON text, or,
// for bad arguments and refused calls, isError with the status's code and
// message ("INVALID_ARGUMENT: arguments.dataset: is required").
nlohmann::json CallTool(const std::string& name, const nlohmann::json& arguments,
                        const ToolCaller& caller);

}  // namespace catalog::server::mcp
