#include "client/contract_report.h"

#include <nlohmann/json.hpp>

#include "lib/util/strings.h"

namespace catalog::client {
namespace {

using nlohmann::json;

std::string SeverityName(v1::FindingSeverity s) {
  switch (s) {
    case v1::FINDING_SEVERITY_ERROR: return "error";
    case v1::FINDING_SEVERITY_WARNING: return "warning";
    default: return "info";
  }
}

std::string ImpactName(v1::ChangeImpact i) {
  switch (i) {
    case v1::CHANGE_IMPACT_BREAKING: return "breaking";
    case v1::CHANGE_IMPACT_WARNING: return "warning";
    default: return "info";
  }
}

// The GitHub annotation level for a severity or impact name.
std::string Level(std::string_view name) {
  if (name == "error" || name == "breaking") return "error";
  if (name == "warning") return "warning";
  return "notice";
}

struct Counts {
  int errors = 0, warnings = 0, breaking = 0, violations = 0;
};

Counts CountOf(const FileReport& r) {
  Counts c;
  for (const v1::LintFinding& f : r.findings) {
    if (f.severity() == v1::FINDING_SEVERITY_ERROR) ++c.errors;
    if (f.severity() == v1::FINDING_SEVERITY_WARNING) ++c.warnings;
  }
  if (r.diff) {
    for (const v1::ContractChange& ch : r.diff->changes()) {
      if (ch.impact() == v1::CHANGE_IMPACT_BREAKING) ++c.breaking;
    }
  }
  for (const v1::DatasetCheck& d : r.datasets) c.violations += d.violations_size();
  return c;
}

std::string BumpLine(const v1::ContractDiff& d) {
  std::string line = StrCat("needs a ", d.needed_bump(), " version bump; ",
                            d.from_version(), " -> ", d.to_version(), " is ",
                            d.actual_bump() == "none"
                                ? std::string("no bump")
                                : StrCat("a ", d.actual_bump(), " bump"));
  return d.version_ok() ? line : line + " (version does not fit the changes)";
}

std::string DatasetName(const v1::DatasetKey& k) {
  return StrCat(k.namespace_(), "/", k.name());
}

std::string OwnersOf(const v1::Consumer& c) {
  std::string out;
  for (const v1::Owner& o : c.owners()) {
    out += (out.empty() ? "" : ", ") + o.principal();
  }
  return out.empty() ? "-" : out;
}

// ---- text -------------------------------------------------------------

void Text(std::ostream& out, const std::vector<FileReport>& reports) {
  Counts total;
  for (const FileReport& r : reports) {
    if (!r.bad_input.empty()) {
      out << r.bad_input << "\n";
      continue;
    }
    for (const v1::LintFinding& f : r.findings) {
      out << r.file << ":" << f.line() << ":" << f.column() << ": "
          << SeverityName(f.severity()) << " [" << f.rule() << "] "
          << f.message() << "\n";
    }
    if (r.new_contract) out << r.file << ": new contract (not in the base)\n";
    if (r.diff) {
      for (const v1::ContractChange& c : r.diff->changes()) {
        out << (c.in_old() ? r.old_file : r.file) << ":" << c.line() << ":"
            << c.column() << ": " << ImpactName(c.impact()) << " [" << c.rule()
            << "] " << c.message() << "\n";
      }
      out << r.file << ": " << BumpLine(*r.diff) << "\n";
    }
    for (const v1::DatasetCheck& d : r.datasets) {
      std::string name = DatasetName(d.binding().dataset());
      if (!d.registered()) {
        out << r.file << ": " << d.binding().object() << " -> " << name
            << ": not in the catalog (or not readable)\n";
        continue;
      }
      for (const v1::SchemaViolation& v : d.violations()) {
        out << r.file << ": " << d.binding().object() << " -> " << name
            << ": error [schema/" << v.rule() << "] " << v.message() << "\n";
      }
      for (const v1::Consumer& c : d.consumers()) {
        out << r.file << ": breaking change reaches "
            << DatasetName(c.dataset()) << " (" << c.distance()
            << (c.distance() == 1 ? " job" : " jobs") << " away, owners "
            << OwnersOf(c) << ")\n";
      }
      if (d.hidden_consumers() > 0) {
        out << r.file << ": and " << d.hidden_consumers()
            << " consumers you may not read\n";
      }
    }
    Counts c = CountOf(r);
    total.errors += c.errors;
    total.warnings += c.warnings;
    total.breaking += c.breaking;
    total.violations += c.violations;
  }
  out << reports.size() << (reports.size() == 1 ? " file: " : " files: ")
      << total.errors << " lint errors, " << total.warnings
      << " lint warnings, " << total.breaking
      << (total.breaking == 1 ? " breaking change" : " breaking changes");
  if (total.violations > 0) out << ", " << total.violations << " schema violations";
  out << "\n";
}

// ---- JSON -------------------------------------------------------------

json FindingJson(const v1::LintFinding& f) {
  return {{"severity", SeverityName(f.severity())}, {"rule", f.rule()},
          {"path", f.path()},   {"line", f.line()},
          {"column", f.column()}, {"message", f.message()}};
}

void Json(std::ostream& out, const std::vector<FileReport>& reports) {
  json files = json::array();
  for (const FileReport& r : reports) {
    json f = {{"file", r.file}};
    if (!r.bad_input.empty()) f["badInput"] = r.bad_input;
    json findings = json::array();
    for (const v1::LintFinding& x : r.findings) findings.push_back(FindingJson(x));
    f["findings"] = findings;
    if (r.new_contract) f["newContract"] = true;
    if (r.diff) {
      json changes = json::array();
      for (const v1::ContractChange& c : r.diff->changes()) {
        changes.push_back({{"impact", ImpactName(c.impact())},
                           {"rule", c.rule()},
                           {"path", c.path()},
                           {"file", c.in_old() ? r.old_file : r.file},
                           {"line", c.line()},
                           {"column", c.column()},
                           {"message", c.message()}});
      }
      f["diff"] = {{"against", r.old_file},
                   {"changes", changes},
                   {"breaking", r.diff->breaking()},
                   {"neededBump", r.diff->needed_bump()},
                   {"actualBump", r.diff->actual_bump()},
                   {"versionOk", r.diff->version_ok()}};
    }
    json datasets = json::array();
    for (const v1::DatasetCheck& d : r.datasets) {
      json violations = json::array(), consumers = json::array();
      for (const v1::SchemaViolation& v : d.violations()) {
        violations.push_back({{"property", v.property()}, {"rule", v.rule()},
                              {"message", v.message()}});
      }
      for (const v1::Consumer& c : d.consumers()) {
        json owners = json::array();
        for (const v1::Owner& o : c.owners()) owners.push_back(o.principal());
        consumers.push_back({{"dataset", DatasetName(c.dataset())},
                             {"distance", c.distance()},
                             {"owners", owners}});
      }
      datasets.push_back({{"object", d.binding().object()},
                          {"dataset", DatasetName(d.binding().dataset())},
                          {"registered", d.registered()},
                          {"violations", violations},
                          {"consumers", consumers},
                          {"hiddenConsumers", d.hidden_consumers()}});
    }
    if (!datasets.empty()) f["datasets"] = datasets;
    files.push_back(std::move(f));
  }
  out << json{{"files", files}, {"exitCode", ExitCode(reports)}}.dump(2) << "\n";
}

// ---- GitHub annotations --------------------------------------------------

// Workflow command escaping: data escapes %, CR and LF; properties also
// ':' and ','.
std::string EscapeData(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else out += c;
  }
  return out;
}
std::string EscapeProperty(std::string_view s) {
  std::string out;
  for (char c : EscapeData(s)) {
    if (c == ':') out += "%3A";
    else if (c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

void Annotate(std::ostream& out, std::string_view level, std::string_view file,
              int line, int column, std::string_view title,
              std::string_view message) {
  out << "::" << level << " file=" << EscapeProperty(file);
  if (line > 0) out << ",line=" << line;
  if (column > 0) out << ",col=" << column;
  out << ",title=" << EscapeProperty(title) << "::" << EscapeData(message)
      << "\n";
}

void Github(std::ostream& out, const std::vector<FileReport>& reports) {
  for (const FileReport& r : reports) {
    if (!r.bad_input.empty()) {
      Annotate(out, "error", r.file, 0, 0, "contract", r.bad_input);
      continue;
    }
    for (const v1::LintFinding& f : r.findings) {
      Annotate(out, Level(SeverityName(f.severity())), r.file, f.line(),
               f.column(), f.rule(), f.message());
    }
    if (r.diff) {
      for (const v1::ContractChange& c : r.diff->changes()) {
        // What was removed has no line in the new file: annotate the file.
        std::string message = c.in_old() ? StrCat(c.message(), " (line ",
                                                  c.line(), " of ", r.old_file, ")")
                                         : c.message();
        Annotate(out, Level(ImpactName(c.impact())), r.file,
                 c.in_old() ? 0 : c.line(), c.in_old() ? 0 : c.column(),
                 StrCat(ImpactName(c.impact()), ": ", c.rule()), message);
      }
    }
    for (const v1::DatasetCheck& d : r.datasets) {
      for (const v1::SchemaViolation& v : d.violations()) {
        Annotate(out, "error", r.file, 0, 0,
                 StrCat("schema/", v.rule()),
                 StrCat(DatasetName(d.binding().dataset()), ": ", v.message()));
      }
      if (d.consumers_size() > 0) {
        std::string list;
        for (const v1::Consumer& c : d.consumers()) {
          list += StrCat(list.empty() ? "" : ", ", DatasetName(c.dataset()),
                         " (", OwnersOf(c), ")");
        }
        Annotate(out, "warning", r.file, 0, 0, "consumers",
                 StrCat("breaking changes reach ", d.consumers_size(),
                        " downstream datasets: ", list));
      }
    }
  }
}

// ---- Markdown -------------------------------------------------------------

std::string Cell(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n') out += ' ';
    else out += c;
  }
  return out;
}

void Markdown(std::ostream& out, const std::vector<FileReport>& reports) {
  int code = ExitCode(reports);
  out << "### Data contracts: "
      << (code == 0 ? "no breaking changes" : code == 1 ? "changes need attention"
                                                        : "could not check")
      << "\n\n";
  for (const FileReport& r : reports) {
    out << "#### `" << Cell(r.file) << "`\n\n";
    if (!r.bad_input.empty()) {
      out << "Could not check: " << Cell(r.bad_input) << "\n\n";
      continue;
    }
    if (r.new_contract) out << "New contract.\n\n";
    if (r.diff) out << "Against `" << Cell(r.old_file) << "`: " << BumpLine(*r.diff) << ".\n\n";
    bool rows = !r.findings.empty() || (r.diff && r.diff->changes_size() > 0);
    if (rows) {
      out << "| | Line | Rule | Message |\n|---|---|---|---|\n";
      for (const v1::LintFinding& f : r.findings) {
        out << "| " << SeverityName(f.severity()) << " | " << f.line() << " | `"
            << f.rule() << "` | " << Cell(f.message()) << " |\n";
      }
      if (r.diff) {
        for (const v1::ContractChange& ch : r.diff->changes()) {
          out << "| " << ImpactName(ch.impact()) << " | "
              << (ch.in_old() ? StrCat("old ", ch.line()) : StrCat(ch.line()))
              << " | `" << ch.rule() << "` | " << Cell(ch.message()) << " |\n";
        }
      }
      out << "\n";
    } else {
      out << "Clean.\n\n";
    }
    for (const v1::DatasetCheck& d : r.datasets) {
      out << "Dataset `" << Cell(DatasetName(d.binding().dataset())) << "`: "
          << (!d.registered() ? std::string("not in the catalog")
              : d.violations_size() == 0
                  ? std::string("its schema honours the contract")
                  : StrCat(d.violations_size(), " schema violations"))
          << "\n";
      for (const v1::SchemaViolation& v : d.violations()) {
        out << "- " << Cell(v.message()) << "\n";
      }
      if (d.consumers_size() > 0) {
        out << "\nConsumers a breaking change reaches:\n\n"
               "| Dataset | Jobs away | Owners |\n|---|---|---|\n";
        for (const v1::Consumer& cons : d.consumers()) {
          out << "| `" << Cell(DatasetName(cons.dataset())) << "` | "
              << cons.distance() << " | " << Cell(OwnersOf(cons)) << " |\n";
        }
      }
      out << "\n";
    }
  }
}

}  // namespace

absl::StatusOr<ReportFormat> ParseReportFormat(const std::string& text) {
  if (text == "text") return ReportFormat::kText;
  if (text == "json") return ReportFormat::kJson;
  if (text == "github") return ReportFormat::kGithub;
  if (text == "markdown") return ReportFormat::kMarkdown;
  return absl::InvalidArgumentError(
      StrCat("--format: \"", text, "\" is not text, json, github or markdown"));
}

int ExitCode(const std::vector<FileReport>& reports) {
  bool bad = false, failed = false;
  for (const FileReport& r : reports) {
    if (!r.bad_input.empty()) bad = true;
    Counts c = CountOf(r);
    if (c.errors > 0 || c.breaking > 0 || c.violations > 0) failed = true;
  }
  return bad ? 2 : failed ? 1 : 0;
}

void PrintReport(std::ostream& out, ReportFormat format,
                 const std::vector<FileReport>& reports) {
  switch (format) {
    case ReportFormat::kText: return Text(out, reports);
    case ReportFormat::kJson: return Json(out, reports);
    case ReportFormat::kGithub: return Github(out, reports);
    case ReportFormat::kMarkdown: return Markdown(out, reports);
  }
}

}  // namespace catalog::client
