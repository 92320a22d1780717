// A decision as the API answers it (catalog.v1.AuthorizeResponse): allow or
// deny, the determining policies by id and @id, the policies that erred,
// the revision it was made at. Used by every call that returns decisions.
#pragma once

#include "catalog/v1/policy.pb.h"
#include "server/authz/decision.h"

namespace catalog::server {

void ToProto(const authz::Decision& d, v1::AuthorizeResponse* out);
// A column's decision: allow, mask (with its method) or deny.
void ToProto(const authz::ColumnDecision& c, v1::ColumnDecision* out);
// The policy `id` of `d`'s policy set, with its @id when it has one.
void SetRef(const authz::Decision& d, const std::string& id, v1::PolicyRef* ref);

}  // namespace catalog::server
