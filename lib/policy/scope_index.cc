#include "lib/policy/scope_index.h"

#include <algorithm>

namespace catalog::policy {
namespace {

bool NamesEntity(const Scope& scope) {
  return !scope.slot && (scope.op == Scope::Op::kEq || scope.op == Scope::Op::kIn ||
                         scope.op == Scope::Op::kIsIn);
}

}  // namespace

ScopeIndex::ScopeIndex(const std::vector<Policy>& policies) {
  for (uint32_t i = 0; i < policies.size(); ++i) {
    const Policy& p = policies[i];
    if (NamesEntity(p.principal)) {
      by_principal_[p.principal.entity].push_back(i);
    } else if (NamesEntity(p.resource)) {
      by_resource_[p.resource.entity].push_back(i);
    } else {
      open_.push_back(i);
    }
  }
}

std::vector<uint32_t> ScopeIndex::Candidates(const EntityUid& principal,
                                              const EntityUid& resource,
                                              const EntityView& entities) const {
  std::vector<uint32_t> out = open_;
  // A scope `== E` or `in E` can only hold for E itself or a descendant of E.
  auto gather = [&](const ByEntity& index, const EntityUid& uid) {
    if (index.empty()) return;
    auto add = [&](const EntityUid& key) {
      auto it = index.find(key);
      if (it != index.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    };
    add(uid);
    if (const Entity* e = entities.Find(uid)) {
      for (const EntityUid& a : e->ancestors) add(a);
    }
  };
  gather(by_principal_, principal);
  gather(by_resource_, resource);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace catalog::policy
