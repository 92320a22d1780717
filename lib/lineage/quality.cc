#include "lib/lineage/quality.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include "lib/catalog/validate.h"
#include "lib/lineage/event.h"
#include "lib/lineage/json_read.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::lineage {
namespace {

using json = nlohmann::json;

// `read`, run first with no path: only when it fails is the path built
// (by `path()`) and `read` run again, so that its error names where. An
// event carries dozens of checks and hundreds of members; almost none is
// wrong. `read` must start afresh each time (the first run may have left
// a partial result).
template <typename Read, typename Path>
absl::Status NamedOnError(Read read, Path path) {
  if (read(std::string_view()).ok()) return absl::OkStatus();
  return read(std::string_view(path()));
}

// `check` of the member `key` at `path`, named only on an error.
template <typename Check>
absl::Status Checked(std::string_view path, std::string_view key, Check check) {
  return NamedOnError(check, [&] { return Member(path, key); });
}

// A text member kept as sent, within the limit.
absl::StatusOr<std::string> TextAt(const json& object, const char* key, std::string_view path,
                                   bool required = false) {
  ASSIGN_OR_RETURN(std::string text, StringAt(object, key, path, required));
  RETURN_IF_ERROR(Checked(path, key, [&](std::string_view name) {
    return ValidateText(name, text, kMaxQualityTextBytes);
  }));
  return text;
}

QualityResult Measurement(std::string_view facet, std::string column, std::string name,
                          double value) {
  return QualityResult{.facet = std::string(facet),
                       .column = std::move(column),
                       .name = std::move(name),
                       .value = value};
}

// The measurements `members` name in `object`, in that order.
absl::Status Numbers(const json& object, std::string_view path, std::string_view facet,
                     const std::string& column, std::initializer_list<const char*> members,
                     std::vector<QualityResult>& out) {
  for (const char* m : members) {
    auto it = object.find(m);
    if (it == object.end() || it->is_null()) continue;
    if (!it->is_number()) return Bad(Member(path, m), "must be a number");
    out.push_back(Measurement(facet, column, m, it->get<double>()));
  }
  return absl::OkStatus();
}

// The facet `name`, from the input/output facets when sent there (the
// spec's place for it), else from the dataset facets; with its path.
std::pair<const json*, std::string> Find(const json& facets, const json& io_facets,
                                         std::string_view path, std::string_view io_key,
                                         const char* name) {
  using Place = std::pair<const json*, std::string_view>;
  for (auto [where, key] : {Place{&io_facets, io_key}, Place{&facets, "facets"}}) {
    if (key.empty() || !where->is_object()) continue;
    auto it = where->find(name);
    if (it == where->end() || it->is_null()) continue;
    if (it->is_object() && Withdrawn(*it)) continue;
    return {&*it, StrCat(path, ".", key, ".", name)};
  }
  return {nullptr, ""};
}

// One check `c` read into `r` by `read` (what is its own: name, outcome,
// type), then the fields every check has; `item` names it in errors.
template <typename Read>
absl::Status ReadCheck(const json& c, std::string_view item, Read read, QualityResult& r) {
  if (!c.is_object()) return Bad(item, "must be an object");
  RETURN_IF_ERROR(read(c, item, r));
  ASSIGN_OR_RETURN(r.severity, TextAt(c, "severity", item));
  ASSIGN_OR_RETURN(r.expected, TextAt(c, "expected", item));
  ASSIGN_OR_RETURN(r.actual, TextAt(c, "actual", item));
  ASSIGN_OR_RETURN(r.description, TextAt(c, "description", item));
  return absl::OkStatus();
}

// The checks a facet at `path` lists under `key` ("...assertions[3]" is
// named only on an error).
template <typename Read>
absl::Status Checks(const json& facet, std::string_view path, const char* key,
                    const char* facet_name, Read read, std::vector<QualityResult>& out) {
  if (!facet.is_object()) return Bad(path, "must be an object");
  auto list = facet.find(key);
  if (list == facet.end() || list->is_null()) return Bad(Member(path, key), "is required");
  if (!list->is_array()) return Bad(Member(path, key), "must be an array");
  out.reserve(out.size() + list->size());
  for (size_t i = 0; i < list->size(); ++i) {
    const json& c = (*list)[i];
    QualityResult& r = out.emplace_back();
    RETURN_IF_ERROR(NamedOnError(
        [&](std::string_view item) {
          r = QualityResult{.facet = facet_name};
          return ReadCheck(c, item, read, r);
        },
        [&] { return StrCat(path, ".", key, "[", i, "]"); }));
  }
  return absl::OkStatus();
}

// dataQualityAssertions: assertion (its type), success, column, name.
absl::Status Assertion(const json& a, std::string_view item, QualityResult& r) {
  ASSIGN_OR_RETURN(r.check_type, TextAt(a, "assertion", item, true));
  RETURN_IF_ERROR(Checked(item, "assertion", [&](std::string_view name) {
    return ValidateName(name, r.check_type, kMaxShortNameBytes);
  }));
  auto success = a.find("success");
  if (success == a.end() || success->is_null()) {
    return Bad(StrCat(item, ".success"), "is required");
  }
  if (!success->is_boolean()) return Bad(StrCat(item, ".success"), "must be true or false");
  r.status = success->get<bool>() ? "pass" : "fail";
  ASSIGN_OR_RETURN(r.column, TextAt(a, "column", item));
  ASSIGN_OR_RETURN(r.name, TextAt(a, "name", item));
  if (r.name.empty()) r.name = r.check_type;
  return absl::OkStatus();
}

// The test run facet's tests: name, status, type.
absl::Status Test(const json& t, std::string_view item, QualityResult& r) {
  ASSIGN_OR_RETURN(r.name, TextAt(t, "name", item, true));
  RETURN_IF_ERROR(Checked(item, "name", [&](std::string_view name) {
    return ValidateName(name, r.name, kMaxQualityTextBytes);
  }));
  ASSIGN_OR_RETURN(std::string status, StringAt(t, "status", item, true));
  for (char& c : status) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (status != "pass" && status != "fail" && status != "skip") {
    return Bad(StrCat(item, ".status"), "must be pass, fail or skip");
  }
  r.status = status;
  ASSIGN_OR_RETURN(r.check_type, TextAt(t, "type", item));
  return absl::OkStatus();
}

// One column's measurements in dataQualityMetrics.columnMetrics; `item`
// names the column in errors.
absl::Status ColumnMetrics(const std::string& column, const json& metrics, std::string_view item,
                           std::vector<QualityResult>& out) {
  constexpr std::string_view kFacet = "dataQualityMetrics";
  RETURN_IF_ERROR(ValidateName(item, column, kMaxShortNameBytes));
  if (!metrics.is_object()) return Bad(item, "must be an object");
  RETURN_IF_ERROR(Numbers(metrics, item, kFacet, column,
                          {"nullCount", "distinctCount", "sum", "count", "min", "max"}, out));
  ASSIGN_OR_RETURN(const json* quantiles, ObjectAt(metrics, "quantiles", item, false));
  if (quantiles == nullptr) return absl::OkStatus();
  for (const auto& [q, v] : quantiles->items()) {
    std::string qp = StrCat(item, ".quantiles.", q);
    RETURN_IF_ERROR(ValidateName(qp, q, 64));
    if (!v.is_number()) return Bad(qp, "must be a number");
    out.push_back(Measurement(kFacet, column, StrCat("quantiles.", q), v.get<double>()));
  }
  return absl::OkStatus();
}

absl::Status Metrics(const json& facet, const std::string& path,
                     std::vector<QualityResult>& out) {
  constexpr std::string_view kFacet = "dataQualityMetrics";
  if (!facet.is_object()) return Bad(path, "must be an object");
  RETURN_IF_ERROR(Numbers(facet, path, kFacet, "", {"rowCount", "bytes", "fileCount"}, out));
  ASSIGN_OR_RETURN(std::string updated, StringAt(facet, "lastUpdated", path, false));
  if (!updated.empty()) {
    absl::StatusOr<int64_t> ms = ParseEventTime(updated);
    if (!ms.ok()) return Bad(StrCat(path, ".lastUpdated"), "must be an RFC 3339 date-time");
    QualityResult r = Measurement(kFacet, "", "lastUpdated", static_cast<double>(*ms));
    r.actual = updated;
    out.push_back(std::move(r));
  }
  // The spec requires columnMetrics; producers that measure only the rows
  // leave it out, and what they did measure is kept.
  ASSIGN_OR_RETURN(const json* columns, ObjectAt(facet, "columnMetrics", path, false));
  if (columns == nullptr) return absl::OkStatus();
  // Room for what the columns hold, a result a member (quantiles aside),
  // never more than an event may keep: reserving for every metric each
  // column might have made each event allocate and fault in ~18 KB it did
  // not use (catalogd's allocator hands out fresh pages at that size), and
  // let a facet of empty columns reserve 1.8 KB a column.
  size_t members = 0;
  for (const json& metrics : *columns) members += metrics.is_object() ? metrics.size() : 0;
  out.reserve(out.size() + std::min(members, kMaxQualityResultsPerEvent));
  for (const auto& entry : columns->items()) {
    // Named, not a structured binding: clang before 16 cannot capture one.
    const std::string& column = entry.key();
    const json& metrics = entry.value();
    const size_t before = out.size();
    RETURN_IF_ERROR(NamedOnError(
        [&](std::string_view item) {
          out.resize(before);
          return ColumnMetrics(column, metrics, item, out);
        },
        [&] { return StrCat(path, ".columnMetrics.", column); }));
  }
  return absl::OkStatus();
}

absl::Status Statistics(const json& facet, const std::string& path, std::string_view name,
                        std::vector<QualityResult>& out) {
  if (!facet.is_object()) return Bad(path, "must be an object");
  return Numbers(facet, path, name, "", {"rowCount", "size", "fileCount"}, out);
}

}  // namespace

bool IsCheck(const QualityResult& r) { return !r.status.empty(); }

bool IsQualityDatasetFacet(std::string_view name) {
  for (const char* q : kQualityDatasetFacets) {
    if (name == q) return true;
  }
  return false;
}

std::string NumberText(double v) {
  if (std::isfinite(v) && std::fabs(v) < 1e15 && v == std::floor(v)) {
    return std::to_string(static_cast<int64_t>(v));
  }
  return json(v).dump();
}

absl::StatusOr<std::vector<QualityResult>> DatasetQuality(const json& facets,
                                                          const json& io_facets,
                                                          std::string_view path,
                                                          std::string_view io_key) {
  std::vector<QualityResult> out;
  out.reserve(8);
  if (auto [f, p] = Find(facets, io_facets, path, io_key, "dataQualityAssertions"); f) {
    RETURN_IF_ERROR(Checks(*f, p, "assertions", "dataQualityAssertions", Assertion, out));
  }
  if (auto [f, p] = Find(facets, io_facets, path, io_key, "dataQualityMetrics"); f) {
    RETURN_IF_ERROR(Metrics(*f, p, out));
  }
  for (const char* stats : {"inputStatistics", "outputStatistics"}) {
    if (auto [f, p] = Find(facets, io_facets, path, io_key, stats); f) {
      RETURN_IF_ERROR(Statistics(*f, p, stats, out));
    }
  }
  return out;
}

absl::StatusOr<std::vector<QualityResult>> RunTests(const json& facet, std::string_view path) {
  std::vector<QualityResult> out;
  RETURN_IF_ERROR(Checks(facet, path, "tests", "test", Test, out));
  return out;
}

}  // namespace catalog::lineage
