#include "lib/catalog/manifest.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "lib/util/strings.h"
#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"
#include "lib/yaml/tree.h"
#include "lib/util/status_macros.h"

namespace catalog {
namespace {

using nlohmann::json;

// Where each node of a document came from, by field path ("spec.tags[1]").
using LineMap = std::map<std::string, yaml::Position>;

absl::Status At(std::string_view file, const yaml::Position& pos,
                std::string_view message) {
  return absl::InvalidArgumentError(
      StrCat(file, ":", pos.line, ":", pos.column, ": ", message));
}

// Manifests type scalars by their field (the JSON codec's rules), so only
// booleans and null are read here; numbers and dates stay text.
json ScalarToJson(const yaml::Node& node) {
  switch (node.kind) {
    case yaml::Node::Kind::kNull: return nullptr;
    case yaml::Node::Kind::kBool: return node.boolean;
    default: return node.text;
  }
}

// The document as JSON, recording each field path's position.
json Convert(const yaml::Node& node, const std::string& path, LineMap& lines) {
  lines.emplace(path, node.pos);
  switch (node.kind) {
    case yaml::Node::Kind::kSeq: {
      json out = json::array();
      for (size_t i = 0; i < node.items.size(); ++i) {
        out.push_back(Convert(node.items[i], StrCat(path, "[", i, "]"), lines));
      }
      return out;
    }
    case yaml::Node::Kind::kMap: {
      json out = json::object();
      for (const yaml::Member& m : node.members) {
        std::string child = path.empty() ? m.key : StrCat(path, ".", m.key);
        // Point errors about a field at its key, not its value.
        lines.emplace(child, m.key_pos);
        out[m.key] = Convert(m.value, child, lines);
      }
      return out;
    }
    default:
      return ScalarToJson(node);
  }
}

// Finds the closest recorded position for an error's field path: the path
// itself, else its nearest ancestor, else the document's start.
template <typename Map>
const typename Map::mapped_type* Locate(const Map& lines, std::string path) {
  while (!path.empty()) {
    auto it = lines.find(path);
    if (it != lines.end()) return &it->second;
    size_t cut = path.find_last_of(".[");
    if (cut == std::string::npos) break;
    path.resize(cut);
  }
  return nullptr;
}

// The field path an error "<path>: <rule>" is about.
std::string ErrorPath(std::string_view message) {
  size_t colon = message.find(": ");
  return colon == std::string_view::npos ? ""
                                         : std::string(message.substr(0, colon));
}

// Maps a decode or validation error "<path>: <rule>" back to its line.
absl::Status Annotate(std::string_view file, const LineMap& lines,
                      const yaml::Position& doc_pos, int index,
                      std::string_view what, const absl::Status& error) {
  std::string_view message = MessageOf(error);
  const yaml::Position* found = Locate(lines, ErrorPath(message));
  const yaml::Position& pos = found != nullptr ? *found : doc_pos;
  return At(file, pos,
            StrCat("document ", index, what.empty() ? "" : " (", what,
                         what.empty() ? "" : ")", ": ", message));
}

bool NeedsQuotes(const std::string& s) {
  if (s.empty()) return true;
  static const char* kReserved[] = {"true", "True",  "TRUE", "false", "False",
                                    "FALSE", "null", "Null", "NULL",  "~",
                                    "yes",  "no",    "on",   "off"};
  for (const char* r : kReserved) {
    if (s == r) return true;
  }
  double number;
  return absl::SimpleAtod(s, &number);
}

void Emit(YAML::Emitter& out, const json& value) {
  switch (value.type()) {
    case json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& item : value.items()) {
        out << YAML::Key << item.key() << YAML::Value;
        Emit(out, item.value());
      }
      out << YAML::EndMap;
      break;
    case json::value_t::array:
      out << YAML::BeginSeq;
      for (const json& item : value) Emit(out, item);
      out << YAML::EndSeq;
      break;
    case json::value_t::string: {
      const std::string& s = value.get_ref<const std::string&>();
      if (NeedsQuotes(s)) out << YAML::DoubleQuoted;
      out << s;
      break;
    }
    case json::value_t::boolean:
      out << (value.get<bool>() ? "true" : "false");
      break;
    case json::value_t::null:
      out << YAML::Null;
      break;
    default:
      out << value.dump();
  }
}

// A GovernanceRule document's shape; its spec is the governance
// service's to judge.
absl::Status ReadRuleDocument(const json& doc, ManifestDocument& out) {
  for (const auto& [key, value] : doc.items()) {
    if (key != "apiVersion" && key != "kind" && key != "metadata" && key != "spec") {
      return absl::InvalidArgumentError(
          StrCat(key, ": is not a field of a GovernanceRule (apiVersion, kind, metadata, spec)"));
    }
  }
  if (doc.value("apiVersion", json()) != kApiVersion) {
    return absl::InvalidArgumentError(StrCat("apiVersion: must be \"", kApiVersion, "\""));
  }
  auto metadata = doc.find("metadata");
  if (metadata == doc.end() || !metadata->is_object() ||
      !metadata->value("name", json()).is_string() ||
      metadata->at("name").get_ref<const std::string&>().empty()) {
    return absl::InvalidArgumentError("metadata.name: is required");
  }
  auto spec = doc.find("spec");
  if (spec == doc.end() || !spec->is_object()) {
    return absl::InvalidArgumentError("spec: is required (a mapping)");
  }
  out.rule_name = metadata->at("name").get<std::string>();
  out.rule_spec = spec->dump();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<ManifestDocument>> ParseManifest(
    std::string_view text, std::string_view filename) {
  ASSIGN_OR_RETURN(std::vector<yaml::Node> nodes,
                   yaml::ParseDocuments(text, filename,
                                        {.max_bytes = kMaxManifestBytes,
                                         .max_depth = kMaxYamlDepth,
                                         .max_nodes = kMaxYamlNodes,
                                         .max_scalar_bytes = kMaxYamlScalarBytes}));
  // A `kind: List` document (what `get -o yaml` prints for several
  // objects) stands for its items, as in kubectl.
  std::vector<const yaml::Node*> flat;
  for (const yaml::Node& node : nodes) {
    const yaml::Node* kind = node.IsMap() ? node.Find("kind") : nullptr;
    const yaml::Node* items = node.IsMap() ? node.Find("items") : nullptr;
    if (kind != nullptr && kind->IsString() && kind->text == "List") {
      if (items == nullptr || !items->IsSeq()) {
        return absl::InvalidArgumentError(
            StrCat(filename, ":", node.pos.line, ":", node.pos.column,
                   ": a List holds its objects in items, a sequence"));
      }
      for (const yaml::Node& item : items->items) flat.push_back(&item);
    } else {
      flat.push_back(&node);
    }
  }
  std::vector<ManifestDocument> docs;
  int index = 0;
  for (const yaml::Node* each : flat) {
    const yaml::Node& node = *each;
    ++index;
    if (node.kind == yaml::Node::Kind::kNull) continue;  // empty between "---"
    LineMap lines;
    json doc = Convert(node, "", lines);
    ManifestDocument out;
    out.index = index;
    out.line = node.pos.line;
    if (doc.is_object() && doc.value("kind", json()) == "GovernanceRule") {
      if (absl::Status rule = ReadRuleDocument(doc, out); !rule.ok()) {
        return Annotate(filename, lines, node.pos, index, "GovernanceRule", rule);
      }
      for (const auto& [path, pos] : lines) out.field_lines.emplace(path, pos.line);
      docs.push_back(std::move(out));
      continue;
    }
    absl::StatusOr<Resource> resource = ResourceFromJson(doc);
    if (!resource.ok()) {
      return Annotate(filename, lines, node.pos, index, "",
                      resource.status());
    }
    out.resource = *std::move(resource);
    if (out.resource.kind == Resource::Kind::kDataset) {
      // A manifest writes the spec fields it holds and leaves the others.
      out.resource.merge = true;
      auto spec = doc.find("spec");
      if (spec != doc.end() && spec->is_object()) {
        for (const auto& [key, value] : spec->items()) out.resource.fields.push_back(key);
      }
    }
    if (absl::Status valid = ValidateResource(out.resource); !valid.ok()) {
      return Annotate(
          filename, lines, node.pos, index,
          StrCat(out.resource.KindName(), " ",
                       out.resource.DisplayName()),
          valid);
    }
    for (const auto& [path, pos] : lines) {
      out.field_lines.emplace(path, pos.line);
    }
    docs.push_back(std::move(out));
  }
  return docs;
}

int ManifestDocument::LineOf(std::string path) const {
  const int* found = Locate(field_lines, std::move(path));
  return found != nullptr ? *found : line;
}

std::string JsonToYaml(const json& value) {
  YAML::Emitter out;
  Emit(out, value);
  return std::string(out.c_str()) + "\n";
}

}  // namespace catalog
