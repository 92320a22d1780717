#include "client/output.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "lib/catalog/json_codec.h"
#include "lib/catalog/manifest.h"

namespace catalog::client {

absl::StatusOr<Format> ParseFormat(const std::string& text) {
  if (text == "table" || text.empty()) return Format::kTable;
  if (text == "json") return Format::kJson;
  if (text == "yaml") return Format::kYaml;
  return absl::InvalidArgumentError("-o: \"" + text +
                                    "\" must be table, json or yaml");
}

void Table::Print(std::ostream& out) const {
  // Every cell is catalog text: shown escaped, so a name with a newline or
  // an escape sequence cannot forge a line or drive the terminal.
  auto cells = [](const std::vector<std::string>& row) {
    std::vector<std::string> shown;
    shown.reserve(row.size());
    for (const std::string& cell : row) shown.push_back(Printable(cell));
    return shown;
  };
  std::vector<std::string> head = cells(header);
  std::vector<std::vector<std::string>> body;
  body.reserve(rows.size());
  for (const auto& row : rows) body.push_back(cells(row));
  std::vector<size_t> widths;
  auto measure = [&](const std::vector<std::string>& row) {
    if (widths.size() < row.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  measure(head);
  for (const auto& row : body) measure(row);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 3, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();  // empty last cells
    out << line << "\n";
  };
  if (!head.empty()) print(head);
  for (const auto& row : body) print(row);
}

void PrintDocument(std::ostream& out, Format format, const nlohmann::json& doc) {
  if (format == Format::kYaml) {
    out << JsonToYaml(doc);
  } else {
    out << doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
        << "\n";
  }
}

nlohmann::json ListDocument(std::vector<nlohmann::json> items) {
  return {{"apiVersion", kApiVersion},
          {"kind", "List"},
          {"items", std::move(items)}};
}

nlohmann::json ProtoToJson(const google::protobuf::Message& m) {
  std::string text;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = false;
  (void)google::protobuf::util::MessageToJsonString(m, &text, options);
  return nlohmann::json::parse(text, nullptr, false);
}

}  // namespace catalog::client
