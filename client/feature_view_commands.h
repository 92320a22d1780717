// catalogctl get/describe/delete featureview: feature views
// (docs/models.md#feature-views), written with apply -f (kind FeatureView).
#pragma once

#include <cstdint>
#include <string>

#include "client/commands.h"
#include "client/output.h"

namespace catalog::client {

// True for the type names that mean feature views: featureview(s), fv.
bool IsFeatureViewType(const std::string& type);

// All feature views (in `domain` or below, matching every word of
// `search`) as a table; one view's manifest with -o json|yaml, which
// apply -f takes back.
int RunFeatureViewGet(CommandContext& ctx, const std::string& name, const std::string& domain,
                      const std::string& search, Format format);
// A feature view: its source, entity columns and features.
int RunFeatureViewDescribe(CommandContext& ctx, const std::string& name);
// Every revision of a feature view, a deleted one's too.
int RunFeatureViewHistory(CommandContext& ctx, const std::string& name, Format format);
int RunFeatureViewDelete(CommandContext& ctx, const std::string& name, int64_t expected_revision);

}  // namespace catalog::client
