// What `catalogctl contract lint|diff|check` found, per file, and how it is
// printed: text for people, JSON for programs, GitHub workflow annotations
// (so findings land on the changed lines of a pull request) and a Markdown
// summary fit for a PR comment.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "catalog/v1/contract.pb.h"

namespace catalog::client {

enum class ReportFormat { kText, kJson, kGithub, kMarkdown };
absl::StatusOr<ReportFormat> ParseReportFormat(const std::string& text);

struct FileReport {
  std::string file;
  std::string old_file;   // what the diff compared against ("main:x.yaml")
  std::string bad_input;  // why the file could not be checked at all
  std::vector<v1::LintFinding> findings;
  std::optional<v1::ContractDiff> diff;
  bool new_contract = false;  // --base: not in the base revision
  std::vector<v1::DatasetCheck> datasets;  // with --server
};

// 2 for bad input; 1 for a lint error, a breaking change or a schema
// violation; 0 otherwise.
int ExitCode(const std::vector<FileReport>& reports);

void PrintReport(std::ostream& out, ReportFormat format,
                 const std::vector<FileReport>& reports);

}  // namespace catalog::client
