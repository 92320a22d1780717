#include "server/cost_report.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::server {

std::string MicrosText(int64_t micros) {
  std::string out = StrCat(micros / 1000000);
  int64_t fraction = micros % 1000000;
  if (fraction == 0) return out;
  std::string digits = std::to_string(fraction);
  digits.insert(0, 6 - digits.size(), '0');
  while (digits.back() == '0') digits.pop_back();
  return StrCat(out, ".", digits);
}

absl::StatusOr<std::vector<CostLine>> ReportCosts(store::Store& store, CostBy by,
                                                  int64_t since_ms, const CostReadable& readable) {
  ASSIGN_OR_RETURN(std::vector<store::Store::CostRow> rows,
                   store.Costs(since_ms, /*produced=*/by != CostBy::kJob));
  // (key, currency) -> its line, and the jobs already counted in it: a job
  // that writes two datasets of one domain counts once for the domain.
  std::map<std::pair<std::string, std::string>, CostLine> lines;
  std::set<std::tuple<std::string, std::string, std::string>> counted;
  for (const store::Store::CostRow& r : rows) {
    if (!readable.job(r.job)) continue;
    if (by != CostBy::kJob && !readable.dataset(r.dataset)) continue;
    const std::string key = by == CostBy::kJob       ? r.job.ToString()
                            : by == CostBy::kDataset ? r.dataset.ToString()
                                                     : r.domain;
    if (!counted.insert({key, r.currency, r.job.ToString()}).second) continue;
    CostLine& line = lines[{key, r.currency}];
    line.key = key;
    line.currency = r.currency;
    line.amount_micros += r.amount_micros;
    line.runs += r.runs;
    line.billed_bytes += r.billed_bytes;
    ++line.jobs;
  }
  std::vector<CostLine> out;
  out.reserve(lines.size());
  for (auto& [_, line] : lines) out.push_back(std::move(line));
  std::sort(out.begin(), out.end(), [](const CostLine& a, const CostLine& b) {
    return std::tie(a.currency, b.amount_micros, b.billed_bytes, a.key) <
           std::tie(b.currency, a.amount_micros, a.billed_bytes, b.key);
  });
  return out;
}

}  // namespace catalog::server
