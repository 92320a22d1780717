// catalogctl history model|featureview|application: the revisions their
// services answer (catalog.v1.ObjectHistoryResponse), as a table or, with
// -o json|yaml, each revision's manifest.
#pragma once

#include <string>

#include "catalog/v1/catalog.pb.h"
#include "client/commands.h"
#include "client/output.h"

namespace catalog::client {

// Prints `history` of the object `name` (a model, "model@version", a
// feature view, an application) whose kind `kind` names ("model", …).
int PrintObjectHistory(CommandContext& ctx, const v1::ObjectHistoryResponse& history,
                       const std::string& kind, const std::string& name, Format format);

}  // namespace catalog::client
