// catalogctl contract: lint and diff (offline, for pull requests; with
// --server also against the catalog), apply, get, history and check.
#pragma once

#include <string>
#include <vector>

#include "client/commands.h"
#include "client/contract_report.h"

namespace catalog::client {

struct ContractCheckOptions {
  std::vector<std::string> files;
  std::string base;  // diff --base REF: the old versions come from git
  ReportFormat format = ReportFormat::kText;
  CatalogClient* server = nullptr;  // --server: also CheckContract
};

// contract lint FILE... (and contract check FILE..., which is lint with a
// server).
int RunContractLint(std::ostream& out, const ContractCheckOptions& options);
// contract diff OLD NEW, or contract diff --base REF FILE...
int RunContractDiff(std::ostream& out, std::ostream& err,
                    const ContractCheckOptions& options);

// contract apply -f FILE [--dataset [OBJECT=]NS/NAME]... [--dry-run]
int RunContractApply(CommandContext& ctx, const std::string& file,
                     const std::vector<std::string>& datasets, bool dry_run);
// contract get [ID] [--version V] [--dataset NS/NAME]: one contract's YAML
// (or JSON), or a table of every contract.
int RunContractGet(CommandContext& ctx, const std::string& id,
                   const std::string& version, const std::string& dataset,
                   const std::string& output);
// contract history ID
int RunContractHistory(CommandContext& ctx, const std::string& id,
                       const std::string& output);

}  // namespace catalog::client
