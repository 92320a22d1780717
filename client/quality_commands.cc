#include "client/quality_commands.h"

#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "lib/util/strings.h"

namespace catalog::client {
namespace {

// Where a result came from, in a word: the facet, or the contract.
std::string SourceOf(const std::string& facet) {
  if (facet == "dataQualityAssertions") return "assertion";
  if (facet == "dataQualityMetrics") return "metrics";
  if (facet == "inputStatistics" || facet == "outputStatistics") return "statistics";
  return facet;  // test, contract
}

std::string Plural(int n, const char* noun) {
  return StrCat(n, " ", noun, n == 1 ? "" : "s");
}

}  // namespace

int RunQuality(CommandContext& ctx, const QualityOptions& o) {
  if (o.output != "table" && o.output != "json") {
    ctx.err << "error: -o must be table or json\n";
    return 2;
  }
  if (o.checks && o.measurements) {
    ctx.err << "error: --checks and --measurements exclude each other\n";
    return 2;
  }
  if (o.failed && o.measurements) {
    ctx.err << "error: --failed is about checks; measurements have no status\n";
    return 2;
  }
  if (o.limit < 1 || o.limit > 100000) {
    ctx.err << "error: --limit must be between 1 and 100000\n";
    return 2;
  }
  absl::StatusOr<DatasetKey> key = DatasetKeyOf(ctx, o.dataset);
  if (!key.ok()) return ReportError(ctx.err, key.status());
  v1::ListQualityResultsRequest req;
  req.mutable_key()->set_namespace_(key->ns);
  req.mutable_key()->set_name(key->name);
  req.set_since(o.since);
  req.set_column(o.column);
  req.set_name(o.name);
  req.set_kind(o.checks || o.failed ? v1::QUALITY_KIND_CHECK
               : o.measurements     ? v1::QUALITY_KIND_MEASUREMENT
                                    : v1::QUALITY_KIND_UNSPECIFIED);
  if (o.failed) req.set_status("fail");
  std::vector<v1::QualityResult> results;
  bool more = false;
  while (static_cast<int>(results.size()) < o.limit) {
    req.set_page_size(std::min(1000, o.limit - static_cast<int>(results.size())));
    absl::StatusOr<v1::ListQualityResultsResponse> r =
        ctx.client.Call(&v1::QualityService::Stub::ListQualityResults, ctx.client.quality(), req);
    if (!r.ok()) return ReportError(ctx.err, r.status());
    for (const v1::QualityResult& q : r->results()) results.push_back(q);
    more = !r->next_page_token().empty();
    if (!more) break;
    req.set_page_token(r->next_page_token());
  }
  if (o.output == "json") {
    nlohmann::json all = nlohmann::json::array();
    for (const v1::QualityResult& q : results) all.push_back(ProtoToJson(q));
    PrintDocument(ctx.out, Format::kJson, all);
    return 0;
  }
  if (results.empty()) {
    ctx.out << "no quality results for " << key->ToString()
            << (o.since.empty() ? "" : " since " + o.since) << "\n";
    return 0;
  }
  auto dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  Table t{.header = {"TIME", "SOURCE", "COLUMN", "NAME", "RESULT", "ACTUAL", "EXPECTED",
                     "SEVERITY", "JOB"}};
  int passed = 0, failed = 0, skipped = 0, unmeasured = 0, measured = 0;
  for (const v1::QualityResult& q : results) {
    const bool check = q.kind() == v1::QUALITY_KIND_CHECK;
    if (check) {
      passed += q.status() == "pass";
      failed += q.status() == "fail";
      skipped += q.status() == "skip";
      unmeasured += q.status() == "not_measured";
    } else {
      ++measured;
    }
    t.rows.push_back({q.time(), SourceOf(q.facet()), dash(q.column()), q.name(),
                      check ? absl::AsciiStrToUpper(q.status() == "not_measured"
                                                        ? std::string("not measured")
                                                        : q.status())
                            : q.actual(),
                      check ? dash(q.actual()) : "-", dash(q.expected()), dash(q.severity()),
                      q.job().empty() ? "-" : StrCat("job:", q.job())});
  }
  t.Print(ctx.out);
  ctx.out << "\n"
          << Plural(static_cast<int>(results.size()), "result") << ": "
          << Plural(passed + failed + skipped + unmeasured, "check") << " (" << passed
          << " passed, " << failed << " failed, " << skipped << " skipped"
          << (unmeasured ? StrCat(", ", unmeasured, " not measured") : "") << "), "
          << Plural(measured, "measurement")
          << (more ? StrCat("; older ones not shown (--limit ", o.limit, ")") : "") << "\n";
  return 0;
}

}  // namespace catalog::client
