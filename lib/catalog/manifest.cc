#include "lib/catalog/manifest.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <nlohmann/json.hpp>

#include "absl/strings/numbers.h"
#include "lib/util/strings.h"
#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"

namespace catalog {
namespace {

using nlohmann::json;

// Where each node of a document came from, by field path ("spec.tags[1]").
using LineMap = std::map<std::string, YAML::Mark>;

absl::Status At(std::string_view file, const YAML::Mark& mark,
                std::string_view message) {
  return absl::InvalidArgumentError(StrCat(
      file, ":", mark.line + 1, ":", mark.column + 1, ": ", message));
}

bool IsPlain(const YAML::Node& node) { return node.Tag() == "?"; }

json ScalarToJson(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (!IsPlain(node)) return text;
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  if (text.empty() || text == "~" || text == "null" || text == "Null" ||
      text == "NULL") {
    return nullptr;
  }
  return text;
}

class Converter {
 public:
  Converter(std::string_view file, LineMap& lines)
      : file_(file), lines_(lines) {}

  absl::StatusOr<json> Convert(const YAML::Node& node, const std::string& path,
                               int depth) {
    if (++nodes_ > kMaxYamlNodes) {
      return At(file_, node.Mark(),
                StrCat("document expands to more than ", kMaxYamlNodes,
                             " nodes (alias expansion is bounded)"));
    }
    if (depth > kMaxYamlDepth) {
      return At(file_, node.Mark(),
                StrCat("nesting deeper than ", kMaxYamlDepth,
                             " levels"));
    }
    lines_.emplace(path, node.Mark());
    switch (node.Type()) {
      case YAML::NodeType::Null:
      case YAML::NodeType::Undefined:
        return nullptr;
      case YAML::NodeType::Scalar:
        return ScalarToJson(node);
      case YAML::NodeType::Sequence: {
        json out = json::array();
        size_t i = 0;
        for (const YAML::Node& item : node) {
          ASSIGN_OR_RETURN(json value,
                           Convert(item, StrCat(path, "[", i++, "]"),
                                   depth + 1));
          out.push_back(std::move(value));
        }
        return out;
      }
      case YAML::NodeType::Map: {
        json out = json::object();
        for (const auto& item : node) {
          if (!item.first.IsScalar()) {
            return At(file_, item.first.Mark(), "mapping keys must be scalars");
          }
          const std::string& key = item.first.Scalar();
          if (out.contains(key)) {
            return At(file_, item.first.Mark(),
                      StrCat("duplicate key \"", key, "\""));
          }
          std::string child = path.empty() ? key : StrCat(path, ".", key);
          // Point errors about a field at its key, not its value.
          lines_.emplace(child, item.first.Mark());
          ASSIGN_OR_RETURN(out[key], Convert(item.second, child, depth + 1));
        }
        return out;
      }
    }
    return nullptr;
  }

 private:
  std::string_view file_;
  LineMap& lines_;
  size_t nodes_ = 0;
};

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
                      const YAML::Mark& doc_mark, int index,
                      std::string_view what, const absl::Status& error) {
  std::string_view message = MessageOf(error);
  const YAML::Mark* found = Locate(lines, ErrorPath(message));
  const YAML::Mark& mark = found != nullptr ? *found : doc_mark;
  return At(file, mark,
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

}  // namespace

absl::StatusOr<std::vector<ManifestDocument>> ParseManifest(
    std::string_view text, std::string_view filename) {
  if (text.size() > kMaxManifestBytes) {
    return absl::InvalidArgumentError(
        StrCat(filename, ": file is larger than ", kMaxManifestBytes,
                     " bytes"));
  }
  std::vector<YAML::Node> nodes;
  try {
    nodes = YAML::LoadAll(std::string(text));
  } catch (const YAML::Exception& e) {
    return At(filename, e.mark, StrCat("malformed YAML: ", e.msg));
  }
  std::vector<ManifestDocument> docs;
  int index = 0;
  for (const YAML::Node& node : nodes) {
    ++index;
    if (node.IsNull()) continue;  // an empty document between "---" lines
    LineMap lines;
    Converter converter(filename, lines);
    absl::StatusOr<json> doc = converter.Convert(node, "", 0);
    if (!doc.ok()) return doc.status();
    ManifestDocument out;
    out.index = index;
    out.line = node.Mark().line + 1;
    absl::StatusOr<Resource> resource = ResourceFromJson(*doc);
    if (!resource.ok()) {
      return Annotate(filename, lines, node.Mark(), index, "",
                      resource.status());
    }
    out.resource = *std::move(resource);
    if (absl::Status valid = ValidateResource(out.resource); !valid.ok()) {
      return Annotate(
          filename, lines, node.Mark(), index,
          StrCat(out.resource.KindName(), " ",
                       out.resource.DisplayName()),
          valid);
    }
    for (const auto& [path, mark] : lines) {
      out.field_lines.emplace(path, mark.line + 1);
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
