// Cedar evaluation and authorization.
//
//   Response r = Authorize(policies, request, entities);
//   if (r.allow) ...;  // r.reasons: the determining policy ids
//
// Semantics as Cedar defines them: default deny; any satisfied forbid
// denies; otherwise any satisfied permit allows. A policy whose evaluation
// errs is skipped and listed in `errors`. Pure and thread-safe over const
// inputs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/policy/ast.h"
#include "lib/policy/entities.h"

namespace catalog::policy {

struct Request {
  EntityUid principal;
  EntityUid action;
  EntityUid resource;
  Value context = Value::Record({});
};

struct PolicyError {
  std::string policy_id;
  std::string message;
};

struct Response {
  bool allow = false;
  std::vector<std::string> reasons;  // determining policy ids, in policy order
  std::vector<PolicyError> errors;   // policies skipped because they erred
};

// Evaluates one expression. On error returns nullopt and sets *error.
// Whether `uid` meets a policy's principal, action or resource scope.
bool ScopeHolds(const Scope& scope, const EntityUid& uid,
                const EntityView& entities);

std::optional<Value> Evaluate(const Expr& expr, const Request& request,
                              const EntityView& entities, std::string* error);

// Evaluates a whole policy (scope and conditions). nullopt on error.
std::optional<bool> Satisfied(const Policy& policy, const Request& request,
                              const EntityView& entities, std::string* error);

class ScopeIndex;

// Templates (unlinked) are ignored. With `subset`, only those policies (by
// index, ascending) are considered: callers that know the others cannot
// apply (an index by scope) save evaluating them.
Response Authorize(const std::vector<Policy>& policies, const Request& request,
                   const EntityView& entities,
                   const std::vector<uint32_t>* subset = nullptr);
// Only the candidates `index` (built over `policies`) names are considered;
// the request's entities are looked up once for both.
Response Authorize(const std::vector<Policy>& policies, const Request& request,
                   const EntityView& entities, const ScopeIndex& index);

}  // namespace catalog::policy
