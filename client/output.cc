#include "client/output.h"

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
  std::vector<size_t> widths(header.size(), 0);
  auto measure = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  };
  measure(header);
  for (const auto& row : rows) measure(row);
  auto print = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 3, ' ');
    }
    out << line << "\n";
  };
  print(header);
  for (const auto& row : rows) print(row);
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

}  // namespace catalog::client
