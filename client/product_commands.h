// catalogctl get/describe/delete dataproduct: data products
// (docs/governance.md#data-products), written with apply -f (ODPS
// documents, kind: DataProduct).
#pragma once

#include <cstdint>
#include <string>

#include "client/commands.h"
#include "client/output.h"

namespace catalog::client {

// True for the type names that mean data products: dataproduct(s), dp.
bool IsProductType(const std::string& type);

// All products (in `domain` or below, when given) as a table, or one
// product's ODPS document (-o json|yaml; a list of them without `id`).
int RunProductGet(CommandContext& ctx, const std::string& id, const std::string& domain,
                  Format format);
// The product, its ports with their datasets' health, its health and the
// products upstream and downstream of it.
int RunProductDescribe(CommandContext& ctx, const std::string& id);
int RunProductDelete(CommandContext& ctx, const std::string& id, int64_t expected_revision);

}  // namespace catalog::client
