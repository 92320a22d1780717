// Data products as the Open Data Product Standard (ODPS, v0.9.0 and v1.x)
// writes them: the document's members catalogd reads (id, name, version,
// status, domain, tenant, description, tags, team, inputPorts,
// outputPorts), the rest kept as written. docs/governance.md#data-products.
//
//   ASSIGN_OR_RETURN(DataProduct p, DataProductFromOdps(yaml_as_json));
//   p.spec.owners;           // team members whose role is an owner's
//   DataProductToOdps(p);    // the document again
//
// A port stands for datasets two ways: the datasets its `contractId`'s
// contract is bound to (the store resolves them), and those it names in a
// custom property `datasets` ("namespace/name" strings). Errors are
// InvalidArgument "<path>: <rule>" with the document's own paths
// ("outputPorts[1].contractId"). Pure; no I/O.
#pragma once

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"

namespace catalog {

inline constexpr size_t kMaxProductPorts = 100;
inline constexpr size_t kMaxPortDatasets = 1000;
inline constexpr size_t kMaxProductIdBytes = 128;
// Every product is kept in memory (server/products/product_cache.h).
inline constexpr size_t kMaxProductDocumentBytes = 64 * 1024;

// The statuses ODPS names, in a product's life order.
inline constexpr const char* kProductStatuses[] = {"proposed", "draft", "active", "deprecated",
                                                   "retired"};

// "customer-360", a UUID: 1 to 128 letters, digits, '-', '_' and '.',
// starting with a letter or digit.
absl::Status ValidateProductId(std::string_view path, std::string_view id);

// Reads and validates an ODPS document (a `kind: DataProduct` manifest).
absl::StatusOr<DataProduct> DataProductFromOdps(const nlohmann::json& doc);

// The product's document (spec.document), as written.
nlohmann::json DataProductToOdps(const DataProduct& product);

}  // namespace catalog
