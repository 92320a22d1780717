// Which policies can apply to a request, by their scopes: a policy whose
// principal scope names an entity (== E, in E, is T in E) can only hold for
// E or a descendant of E, so it is filed under E; of the rest, those whose
// resource scope names one are filed under that; the others are open.
// A request's candidates are the open policies and those filed under its
// principal, its resource or their ancestors. Evaluating only them gives
// the same answer as evaluating every policy (the others cannot apply).
//
//   ScopeIndex index(policies);
//   std::vector<uint32_t> c = index.Candidates(request.principal, request.resource, entities);
//   Response r = Authorize(policies, request, entities, &c);
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "lib/policy/ast.h"
#include "lib/policy/entities.h"

namespace catalog::policy {

class ScopeIndex {
 public:
  ScopeIndex() = default;
  explicit ScopeIndex(const std::vector<Policy>& policies);

  // Indices into the policies, ascending, of those whose scope can match.
  std::vector<uint32_t> Candidates(const EntityUid& principal, const EntityUid& resource,
                                   const EntityView& entities) const;

 private:
  using ByEntity = std::unordered_map<EntityUid, std::vector<uint32_t>, EntityUidHash>;
  ByEntity by_principal_;
  ByEntity by_resource_;
  std::vector<uint32_t> open_;
};

}  // namespace catalog::policy
