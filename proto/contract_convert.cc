#include "proto/contract_convert.h"

namespace catalog {

v1::LintFinding ToProto(const contract::Finding& f) {
  v1::LintFinding out;
  switch (f.severity) {
    case contract::Severity::kError:
      out.set_severity(v1::FINDING_SEVERITY_ERROR);
      break;
    case contract::Severity::kWarning:
      out.set_severity(v1::FINDING_SEVERITY_WARNING);
      break;
    case contract::Severity::kInfo:
      out.set_severity(v1::FINDING_SEVERITY_INFO);
      break;
  }
  out.set_rule(f.rule);
  out.set_path(f.path);
  out.set_line(f.pos.line);
  out.set_column(f.pos.column);
  out.set_message(f.message);
  return out;
}

void ToProto(const std::vector<contract::Finding>& findings,
             google::protobuf::RepeatedPtrField<v1::LintFinding>* out) {
  for (const contract::Finding& f : findings) *out->Add() = ToProto(f);
}

v1::ContractDiff ToProto(const contract::DiffResult& d,
                         const contract::Contract& before,
                         const contract::Contract& after) {
  v1::ContractDiff out;
  for (const contract::Change& c : d.changes) {
    v1::ContractChange* change = out.add_changes();
    switch (c.impact) {
      case contract::Impact::kBreaking:
        change->set_impact(v1::CHANGE_IMPACT_BREAKING);
        break;
      case contract::Impact::kWarning:
        change->set_impact(v1::CHANGE_IMPACT_WARNING);
        break;
      case contract::Impact::kInfo:
        change->set_impact(v1::CHANGE_IMPACT_INFO);
        break;
    }
    change->set_rule(c.rule);
    change->set_path(c.path);
    change->set_line(c.pos.line);
    change->set_column(c.pos.column);
    change->set_in_old(c.in_old);
    change->set_message(c.message);
  }
  out.set_breaking(d.Breaking());
  out.set_needed_bump(contract::BumpName(d.needed));
  out.set_actual_bump(contract::BumpName(d.actual));
  out.set_version_ok(d.version_ok);
  out.set_from_version(before.version);
  out.set_to_version(after.version);
  return out;
}

}  // namespace catalog
