// Governance rules between the API (catalog.v1.GovernanceRule) and a
// manifest's spec (docs/governance.md#rules), the shape the store keeps
// and governance::ParseRule reads.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "catalog/v1/governance.pb.h"
#include "lib/governance/rule.h"

namespace catalog {

// The spec a rule's API form stands for (fields left empty are left out).
nlohmann::json RuleSpecOf(const v1::GovernanceRule& rule);
// The API form of a parsed rule (name, version and the spec's fields).
v1::GovernanceRule RuleToProto(const governance::Rule& rule);
// `dataset` breaking `rule` as `verdict` says (waived by `waiver`, when
// not nullptr).
v1::RuleBreak RuleBreakToProto(const governance::Rule& rule, const governance::Verdict& verdict,
                               const governance::Waiver* waiver, const DatasetKey& dataset);

}  // namespace catalog
