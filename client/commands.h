// catalogctl's commands. Each prints to `out` (results) and `err` (errors)
// and returns the process exit code: 0 success, 1 the request failed or the
// input is invalid, 2 usage error.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "client/client.h"
#include "client/output.h"
#include "lib/catalog/model.h"

namespace catalog::client {

struct CommandContext {
  CatalogClient& client;
  std::ostream& out;
  std::ostream& err;
  // A dataset named with --namespace and --name: used as is, where a name
  // written "namespace/name" could not say a namespace holding a '/'.
  std::optional<DatasetKey> dataset_key = std::nullopt;
  // Whether `err` is a terminal (progress is drawn there only then).
  bool err_is_terminal = false;
};

// The dataset a command names: ctx.dataset_key, or `name` parsed.
absl::StatusOr<DatasetKey> DatasetKeyOf(const CommandContext& ctx,
                                        const std::string& name);

// Prints "error: <CODE>: <message>" and returns the exit code for it.
int ReportError(std::ostream& err, const absl::Status& status);

// apply -f: reads every file (YAML, many documents each; a directory means
// its *.yaml, *.yml and *.json files; "-" means stdin), validates them all,
// then sends one Apply.
int RunApply(CommandContext& ctx, const std::vector<std::string>& paths,
             bool dry_run);

// import: a live database's tables and views (client/import_source.h) as
// datasets; re-running changes only what changed in the database.
struct ImportOptions {
  std::string source;                // postgres://... or sqlite:PATH
  std::vector<std::string> schemas;  // PostgreSQL schemas; empty: all
  std::string ns;                    // the datasets' namespace; empty: derived
  bool prune = false;                // mark datasets of vanished tables dropped
  bool dry_run = false;
};
int RunImport(CommandContext& ctx, const ImportOptions& options);

// get TYPE [NAME]; TYPE is datasets, domains, principals, users,
// serviceaccounts or groups, singular or plural.
int RunGet(CommandContext& ctx, const std::string& type,
           const std::string& name, Format format, const std::string& domain);
int RunDescribe(CommandContext& ctx, const std::string& type,
                const std::string& name);
int RunDelete(CommandContext& ctx, const std::string& type,
              const std::string& name, int64_t expected_revision);
// search [TEXT]: full-text search, narrowed by filters (any value of a
// flag, every flag given); with `facets`, the counts by domain, owner,
// tag, classification and namespace too.
struct SearchOptions {
  std::string text;
  std::vector<std::string> domains, owners, tags, classifications, namespaces, healths, layers,
      tiers, certifications, terms;
  bool facets = false;
};
int RunSearch(CommandContext& ctx, const SearchOptions& options, Format format);
// Accepts or dismisses what `reporter`'s events said of `field` of a
// dataset.
int RunReviewObservation(CommandContext& ctx, const std::string& dataset,
                         const std::string& field, const std::string& reporter, bool accept);
int RunHistory(CommandContext& ctx, const std::string& type,
               const std::string& name, Format format);

// token create: `expires` a duration (90d, 12h) or RFC 3339 time, ""
// never; `actions` limit what the token may be used for.
int RunTokenCreate(CommandContext& ctx, const std::string& principal,
                   const std::string& description, const std::string& expires,
                   const std::vector<std::string>& actions, Format format);
int RunTokenList(CommandContext& ctx, Format format);
int RunTokenRevoke(CommandContext& ctx, const std::string& id);

}  // namespace catalog::client
