// How catalogctl prints: aligned tables for people, and stable JSON or YAML
// (the manifest shape, re-appliable) for programs.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/util/printable.h"

namespace google::protobuf {
class Message;
}

namespace catalog::client {

enum class Format { kTable, kJson, kYaml };

// "table", "json" or "yaml"; INVALID_ARGUMENT otherwise.
absl::StatusOr<Format> ParseFormat(const std::string& text);

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;

  // Columns padded to their widest cell, separated by three spaces; cells
  // escaped (Printable). Rows may be longer than the header, which may be
  // empty (then it is not printed).
  void Print(std::ostream& out) const;
};

// An API message in the Protobuf JSON mapping (lowerCamelCase names).
nlohmann::json ProtoToJson(const google::protobuf::Message& m);

// Prints one document as JSON (indented, keys sorted) or YAML.
void PrintDocument(std::ostream& out, Format format, const nlohmann::json& doc);

// Wraps documents as {"apiVersion": "catalog/v1", "kind": "List",
// "items": [...]}.
nlohmann::json ListDocument(std::vector<nlohmann::json> items);

}  // namespace catalog::client
