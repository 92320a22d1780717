#include "server/decision_proto.h"

#include "lib/policy/ast.h"

namespace catalog::server {

void SetRef(const authz::Decision& d, const std::string& id, v1::PolicyRef* ref) {
  ref->set_id(id);
  if (const policy::Policy* p = d.FindPolicy(id)) {
    ref->set_annotated_id(p->AnnotatedId());
  }
}

void ToProto(const authz::Decision& d, v1::AuthorizeResponse* out) {
  out->set_decision(d.allow ? v1::DECISION_ALLOW : v1::DECISION_DENY);
  for (const std::string& id : d.reasons) SetRef(d, id, out->add_reasons());
  for (const policy::PolicyError& e : d.errors) {
    v1::PolicyErrorInfo* info = out->add_errors();
    SetRef(d, e.policy_id, info->mutable_policy());
    info->set_message(e.message);
  }
  out->set_revision(d.revision);
  out->set_denial(d.denial);
}

void ToProto(const authz::ColumnDecision& c, v1::ColumnDecision* out) {
  out->set_column(c.column);
  out->set_access(c.access == authz::ColumnAccess::kAllow  ? v1::COLUMN_ACCESS_ALLOW
                  : c.access == authz::ColumnAccess::kMask ? v1::COLUMN_ACCESS_MASK
                                                           : v1::COLUMN_ACCESS_DENY);
  out->set_mask(c.mask);
  ToProto(c.decision, out->mutable_decision());
}

}  // namespace catalog::server
