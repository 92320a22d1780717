#include "client/rule_commands.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "client/output.h"
#include "lib/catalog/json_codec.h"
#include "lib/util/printable.h"
#include "lib/util/strings.h"
#include "proto/convert.h"
#include "proto/rule_convert.h"

namespace catalog::client {
namespace {

std::string Covers(const v1::RuleCoverage& c) {
  std::vector<std::string> parts;
  auto add = [&](const char* what, const auto& items) {
    if (items.empty()) return;
    std::string joined;
    for (const auto& i : items) joined += StrCat(joined.empty() ? "" : ",", i);
    parts.push_back(StrCat(what, "=", joined));
  };
  add("domains", c.domains());
  add("layers", c.layers());
  add("tiers", c.tiers());
  add("classifications", c.classifications());
  add("tags", c.tags());
  add("terms", c.terms());
  const std::string kind = c.kind() == "Column"        ? "column"
                           : c.kind() == "DataProduct" ? "data product"
                                                       : "dataset";
  if (parts.empty()) return StrCat("every ", kind);
  if (kind != "dataset") parts.insert(parts.begin(), StrCat(kind, "s:"));
  std::string out;
  for (const std::string& p : parts) out += StrCat(out.empty() ? "" : " ", p);
  return out;
}

// A rule as a manifest (what `apply -f` reads).
nlohmann::json Manifest(const v1::GovernanceRule& r) {
  return {{"apiVersion", kApiVersion},
          {"kind", "GovernanceRule"},
          {"metadata", {{"name", r.name()}}},
          {"spec", RuleSpecOf(r)}};
}

std::string Percent(double score) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", score);
  return buf;
}

}  // namespace

int RunRules(CommandContext& ctx, const std::string& output) {
  if (output != "table" && output != "json" && output != "yaml") {
    ctx.err << "error: -o must be table, json or yaml\n";
    return 2;
  }
  auto rules = ctx.client.Call(&v1::GovernanceService::Stub::ListRules, ctx.client.governance(),
                               v1::ListRulesRequest());
  if (!rules.ok()) return ReportError(ctx.err, rules.status());
  if (output == "json") {
    PrintDocument(ctx.out, Format::kJson, ProtoToJson(*rules));
    return 0;
  }
  if (output == "yaml") {
    std::vector<nlohmann::json> items;
    for (const v1::GovernanceRule& r : rules->rules()) items.push_back(Manifest(r));
    PrintDocument(ctx.out, Format::kYaml, ListDocument(std::move(items)));
    return 0;
  }
  Table t{.header = {"NAME", "VERSION", "MODE", "SEVERITY", "COVERS", "CONDITION"}};
  for (const v1::GovernanceRule& r : rules->rules()) {
    t.rows.push_back({r.name(), std::to_string(r.version()), r.mode(), r.severity(),
                      Covers(r.covers()), r.condition()});
  }
  t.Print(ctx.out);
  if (rules->rules().empty()) ctx.out << "no governance rules\n";
  return 0;
}

int RunRuleHistory(CommandContext& ctx, const std::string& name, const std::string& output) {
  if (output != "table" && output != "json") {
    ctx.err << "error: -o must be table or json\n";
    return 2;
  }
  v1::GetRuleRequest req;
  req.set_name(name);
  auto rule = ctx.client.Call(&v1::GovernanceService::Stub::GetRule, ctx.client.governance(), req);
  if (!rule.ok()) return ReportError(ctx.err, rule.status());
  if (output == "json") {
    PrintDocument(ctx.out, Format::kJson, ProtoToJson(*rule));
    return 0;
  }
  Table t{.header = {"VERSION", "AT", "BY", "MODE", "SEVERITY", "COVERS", "CONDITION"}};
  for (const v1::GovernanceRule& r : rule->versions()) {
    if (r.deleted()) {
      t.rows.push_back({std::to_string(r.version()), r.created_at(), r.created_by(), "(deleted)"});
      continue;
    }
    t.rows.push_back({std::to_string(r.version()), r.created_at(), r.created_by(), r.mode(),
                      r.severity(), Covers(r.covers()), r.condition()});
  }
  t.Print(ctx.out);
  return 0;
}

int RunDeleteRule(CommandContext& ctx, const std::string& name, int64_t expected_version) {
  v1::DeleteRuleRequest req;
  req.set_name(name);
  req.set_expected_version(expected_version);
  auto deleted =
      ctx.client.Call(&v1::GovernanceService::Stub::DeleteRule, ctx.client.governance(), req);
  if (!deleted.ok()) return ReportError(ctx.err, deleted.status());
  ctx.out << Printable(StrCat("governancerule/", name, " deleted (version ", deleted->version(),
                              ")"))
          << "\n";
  return 0;
}

int RunGovernanceReport(CommandContext& ctx, const std::string& domain, const std::string& since,
                        const std::string& rule, const std::string& output) {
  if (output != "table" && output != "json" && output != "markdown") {
    ctx.err << "error: -o must be table, json or markdown\n";
    return 2;
  }
  v1::ReportRequest req;
  req.set_domain(domain);
  req.set_since(since);
  req.set_rule(rule);
  auto report = ctx.client.Call(&v1::GovernanceService::Stub::Report, ctx.client.governance(), req);
  if (!report.ok()) return ReportError(ctx.err, report.status());
  if (output == "json") {
    PrintDocument(ctx.out, Format::kJson, ProtoToJson(*report));
    return 0;
  }
  const bool md = output == "markdown";
  // Markdown cells: a '|' would end the cell, a newline the row.
  auto cell = [&](std::string s) {
    if (!md) return s;
    std::string out;
    for (char c : s) {
      if (c == '|') out += "\\|";
      else if (c == '\n' || c == '\r') out += ' ';
      else out += c;
    }
    return out;
  };
  auto print = [&](const std::vector<std::string>& header,
                   const std::vector<std::vector<std::string>>& rows) {
    if (!md) {
      Table{.header = header, .rows = rows}.Print(ctx.out);
      return;
    }
    auto line = [&](const std::vector<std::string>& cells) {
      ctx.out << "|";
      for (const std::string& c : cells) ctx.out << " " << Printable(cell(c)) << " |";
      ctx.out << "\n";
    };
    line(header);
    ctx.out << "|";
    for (size_t i = 0; i < header.size(); ++i) ctx.out << " --- |";
    ctx.out << "\n";
    for (const auto& r : rows) line(r);
  };
  if (md) ctx.out << "# Governance report\n\n";
  ctx.out << report->datasets() << " datasets judged at catalog revision "
          << report->catalog_revision() << " (" << report->generated_at() << ")\n\n";
  if (md) ctx.out << "## Rules\n\n";
  std::vector<std::vector<std::string>> rows;
  for (const v1::RuleReport& r : report->rules()) {
    rows.push_back({r.rule().name(), r.rule().mode(), r.rule().severity(),
                    std::to_string(r.covered()), std::to_string(r.breaking()),
                    std::to_string(r.waived()), r.rule().message()});
  }
  print({"RULE", "MODE", "SEVERITY", "COVERED", "BREAKING", "WAIVED", "MESSAGE"}, rows);
  if (report->rules().empty()) ctx.out << "no governance rules\n";
  rows.clear();
  for (const v1::RuleReport& r : report->rules()) {
    for (const v1::RuleBreak& b : r.breaks()) {
      std::string note = !b.waived_until().empty()
                             ? StrCat("waived until ", b.waived_until(), ": ", b.waiver_reason())
                             : !b.error().empty() ? StrCat("condition error: ", b.error())
                                                  : "";
      std::string object = b.product().empty() ? FromProto(b.dataset()).ToString()
                                               : StrCat("dataproduct/", b.product());
      if (!b.columns().empty()) object += StrCat(" (", absl::StrJoin(b.columns(), ", "), ")");
      rows.push_back({r.rule().name(), object, note});
    }
  }
  if (!rows.empty()) {
    ctx.out << "\n";
    if (md) ctx.out << "## Breaks\n\n";
    print({"RULE", "DATASET OR PRODUCT", "NOTE"}, rows);
  }
  rows.clear();
  for (const v1::DomainScore& d : report->domains()) {
    rows.push_back({d.domain().empty() ? "(no domain)" : d.domain(), std::to_string(d.checks()),
                    std::to_string(d.passed()), Percent(d.score())});
  }
  if (!rows.empty()) {
    ctx.out << "\n";
    if (md) ctx.out << "## Domains\n\n";
    print({"DOMAIN", "CHECKS", "PASSED", "SCORE"}, rows);
  }
  rows.clear();
  for (const v1::ProductScore& p : report->products()) {
    rows.push_back({p.product(), p.name().empty() ? "-" : p.name(), std::to_string(p.checks()),
                    std::to_string(p.passed()), Percent(p.score())});
  }
  if (!rows.empty()) {
    ctx.out << "\n";
    if (md) ctx.out << "## Data products\n\n";
    print({"DATA PRODUCT", "NAME", "CHECKS", "PASSED", "SCORE"}, rows);
  }
  rows.clear();
  for (const v1::TrendPoint& p : report->trend()) {
    rows.push_back({p.day(), p.domain().empty() ? "(no domain)" : p.domain(),
                    std::to_string(p.checks()), std::to_string(p.passed()), Percent(p.score())});
  }
  if (!rows.empty()) {
    ctx.out << "\n";
    if (md) ctx.out << "## Trend" << (rule.empty() ? "" : " of rule " + rule) << "\n\n";
    if (!md && !rule.empty()) ctx.out << "Trend of rule " << rule << ":\n";
    print({"DAY", "DOMAIN", "CHECKS", "PASSED", "SCORE"}, rows);
  }
  return 0;
}

void PrintRulesBroken(std::ostream& out,
                      const google::protobuf::RepeatedPtrField<v1::RuleBreak>& breaks) {
  if (breaks.empty()) {
    out << "Rules broken:    -\n";
    return;
  }
  out << "Rules broken:\n";
  for (const v1::RuleBreak& b : breaks) {
    out << "  " << b.rule() << " (" << b.mode() << ", " << b.severity() << "): " << b.message();
    if (!b.columns().empty()) out << " [columns " << absl::StrJoin(b.columns(), ", ") << "]";
    if (!b.waived_until().empty()) out << " [waived until " << b.waived_until() << "]";
    out << "\n";
  }
}

}  // namespace catalog::client
