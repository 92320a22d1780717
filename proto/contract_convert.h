// Contract findings and changes (lib/contract) as API messages, shared by
// the ContractService and catalogctl, which renders both its own lint and
// the server's answers from these.
#pragma once

#include <vector>

#include "catalog/v1/contract.pb.h"
#include "lib/contract/diff.h"
#include "lib/contract/lint.h"

namespace catalog {

v1::LintFinding ToProto(const contract::Finding& f);
v1::ContractDiff ToProto(const contract::DiffResult& d,
                         const contract::Contract& before,
                         const contract::Contract& after);
void ToProto(const std::vector<contract::Finding>& findings,
             google::protobuf::RepeatedPtrField<v1::LintFinding>* out);

}  // namespace catalog
