#include "lib/lineage/cost.h"

#include <algorithm>
#include <cmath>

#include "lib/lineage/json_read.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::lineage {
namespace {

using nlohmann::json;

absl::StatusOr<std::optional<int64_t>> BytesAt(const json& facet, std::string_view path) {
  const auto it = facet.find("billedBytes");
  if (it == facet.end() || it->is_null()) return std::nullopt;
  const std::string item = Member(path, "billedBytes");
  // BigQuery's API writes int64 as strings.
  if (it->is_string()) {
    int64_t n = 0;
    const std::string& text = it->get_ref<const std::string&>();
    if (text.empty() || text.size() > 19 ||
        text.find_first_not_of("0123456789") != std::string::npos) {
      return Bad(item, "must be a whole number of bytes, 0 or more");
    }
    n = std::stoll(text);
    return n;
  }
  if (it->is_number_unsigned()) {
    if (it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return Bad(item, "is too large");
    return static_cast<int64_t>(it->get<uint64_t>());
  }
  if (it->is_number_integer() && it->get<int64_t>() >= 0) return it->get<int64_t>();
  return Bad(item, "must be a whole number of bytes, 0 or more");
}

}  // namespace

absl::StatusOr<std::optional<RunCost>> ReadRunCost(const json& run_facets) {
  RunCost cost;
  bool any = false;
  if (const auto it = run_facets.find("cost"); it != run_facets.end() && it->is_object()) {
    const json& facet = *it;
    constexpr std::string_view path = "run.facets.cost";
    ASSIGN_OR_RETURN(std::optional<double> amount, NumberAt(facet, "amount", path));
    ASSIGN_OR_RETURN(cost.currency, StringAt(facet, "currency", path, false));
    if (amount) {
      if (!std::isfinite(*amount) || *amount < 0 || *amount > kMaxCostAmount) {
        return Bad(Member(path, "amount"), "must be a number from 0 to 1e12");
      }
      const bool code = cost.currency.size() == 3 &&
                        std::all_of(cost.currency.begin(), cost.currency.end(),
                                    [](char c) { return c >= 'A' && c <= 'Z'; });
      if (!code) {
        return Bad(Member(path, "currency"),
                   "is required with amount: an ISO 4217 code, three capital letters (USD)");
      }
      cost.amount_micros = std::llround(*amount * 1e6);
      any = true;
    } else if (!cost.currency.empty()) {
      return Bad(Member(path, "amount"), "is required with currency");
    }
    ASSIGN_OR_RETURN(cost.billed_bytes, BytesAt(facet, path));
    any = any || cost.billed_bytes.has_value();
  }
  for (const char* name : {"bigQueryJob", "bigQuery_job"}) {
    const auto it = run_facets.find(name);
    if (it == run_facets.end() || !it->is_object() || cost.billed_bytes) continue;
    ASSIGN_OR_RETURN(cost.billed_bytes, BytesAt(*it, StrCat("run.facets.", name)));
    any = any || cost.billed_bytes.has_value();
  }
  if (!any) return std::nullopt;
  return cost;
}

}  // namespace catalog::lineage
