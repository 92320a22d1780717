// catalogctl get/describe/delete model and catalogctl model promote|unalias:
// models and their versions (docs/models.md), written with apply -f
// (kinds Model and ModelVersion).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "client/commands.h"
#include "client/output.h"

namespace catalog::client {

// True for the type names that mean models: model(s).
bool IsModelType(const std::string& type);

// NAME: a model; NAME@X: its version X, or the version alias X points at.
// All models (in `domain` or below, matching every word of `search`) as a
// table; one model's (or version's) manifest with -o json|yaml, which
// apply -f takes back; without NAME, a list of the models' manifests.
int RunModelGet(CommandContext& ctx, const std::string& ref, const std::string& domain,
                const std::string& search, Format format);
// A model: its card, aliases and versions. NAME@X: the version, its run,
// metrics and signature.
int RunModelDescribe(CommandContext& ctx, const std::string& ref);
// Every revision of a model or, NAME@X, of a version (X: a version id, or
// an alias set now), deleted ones' too.
int RunModelHistory(CommandContext& ctx, const std::string& ref, Format format);
// Deletes a model (with its versions) or, NAME@VERSION, one version.
int RunModelDelete(CommandContext& ctx, const std::string& ref, int64_t expected_revision);

// catalogctl model promote NAME@VERSION --alias A [--from V]: points alias
// A at the version (model:promote); with `from` ("" = unset, only when
// `from_set`), only if A points there now.
struct PromoteOptions {
  std::string ref;
  std::string alias;
  std::string from;
  bool from_set = false;
};
int RunModelPromote(CommandContext& ctx, const PromoteOptions& options);
// catalogctl model lineage NAME@VERSION|NAME@ALIAS [-o table|json]: the
// run that trained it and the datasets it read, at their revisions, with
// the columns the run's column lineage names (masked ones marked).
int RunModelLineage(CommandContext& ctx, const std::string& ref, const std::string& output);
// catalogctl model metrics NAME[@VERSION|@ALIAS] [--since 7d] [--name N]
// [-o table|json]: the version's (or every version's) monitoring points —
// per version and metric: how many, the last value and when, the range,
// and a sparkline of the latest 30; -o json prints the points.
struct MetricsOptions {
  std::string ref;
  std::string since;
  std::vector<std::string> names;
  std::string output = "table";
};
int RunModelMetrics(CommandContext& ctx, const MetricsOptions& options);
// catalogctl model report NAME@VERSION NAME=VALUE... [--time T]: records
// monitoring points (now, or at T).
int RunModelReport(CommandContext& ctx, const std::string& ref,
                   const std::vector<std::string>& values, const std::string& time);
// A sparkline of `values` in eight block heights ("▁▃█"), scaled to their
// range; all equal: the lowest block.
std::string Sparkline(const std::vector<double>& values);

// catalogctl model unalias NAME ALIAS.
int RunModelUnalias(CommandContext& ctx, const std::string& model, const std::string& alias);

}  // namespace catalog::client
