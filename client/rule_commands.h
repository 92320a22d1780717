// catalogctl governance: the rules in force, a rule's versions, deleting
// one, and the compliance report (docs/governance.md#rules). Rules are
// written with `catalogctl apply -f` (kind: GovernanceRule).
#pragma once

#include <ostream>
#include <string>

#include "client/commands.h"

namespace catalog::client {

// The rules in force: a table, JSON, or YAML manifests that apply back.
int RunRules(CommandContext& ctx, const std::string& output);
// Every version of rule `name`, newest first.
int RunRuleHistory(CommandContext& ctx, const std::string& name, const std::string& output);
// Deletes rule `name` (at `expected_version` when not 0).
int RunDeleteRule(CommandContext& ctx, const std::string& name, int64_t expected_version);
// The compliance report over what the caller may read: `output` is table,
// json or markdown.
// With `since`, the trend of each domain's score since then (of `rule`
// only, when given).
int RunGovernanceReport(CommandContext& ctx, const std::string& domain, const std::string& since,
                        const std::string& rule, const std::string& output);

// describe's "Rules broken:" section: one line per break (rule, mode,
// severity, message, the columns that break a Column rule, a waiver), or
// "-" when there is none.
void PrintRulesBroken(std::ostream& out,
                      const google::protobuf::RepeatedPtrField<v1::RuleBreak>& breaks);

}  // namespace catalog::client
