// catalogctl get/describe/delete application and catalogctl application
// review|access: AI applications (docs/models.md#ai-applications), written
// with apply -f (kind AIApplication).
#pragma once

#include <cstdint>
#include <string>

#include "client/commands.h"
#include "client/output.h"

namespace catalog::client {

// True for the type names that mean AI applications: application(s), app(s).
bool IsApplicationType(const std::string& type);

// All applications (in `domain` or below, matching every word of
// `search`) as a table with their review state; one application's
// manifest with -o json|yaml, which apply -f takes back.
int RunApplicationGet(CommandContext& ctx, const std::string& name, const std::string& domain,
                      const std::string& search, Format format);
// An application: its review, service account, models, data sources,
// vector indexes and tools.
int RunApplicationDescribe(CommandContext& ctx, const std::string& name);
// Every revision of an application, a deleted one's too.
int RunApplicationHistory(CommandContext& ctx, const std::string& name, Format format);
int RunApplicationDelete(CommandContext& ctx, const std::string& name, int64_t expected_revision);
// catalogctl application review NAME --approve|--reject [--note N]
// [--revision R]: records the review (application:review).
int RunApplicationReview(CommandContext& ctx, const std::string& name, const std::string& state,
                         const std::string& note, int64_t expected_revision);
// catalogctl application access NAME [-o table|json]: what the
// application's service account may read and write of each dataset it
// names, with masked and denied columns.
int RunApplicationAccess(CommandContext& ctx, const std::string& name, const std::string& output);

}  // namespace catalog::client
