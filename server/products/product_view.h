// What catalogd knows of a data product beyond its ODPS document
// (docs/governance.md#data-products): the datasets each port stands for
// (bound to its contract, or named), the product's health rolled up from
// its output datasets, and the products it is joined to — declared (an
// input port names another product's contract or output dataset) or
// observed (lineage runs from another product's output datasets to its
// own with no third product's dataset between). A plain answer; who may
// see which dataset and product is the caller's (server/
// catalog_service_products.cc).
//
//   ProductCatalog products = ProductCatalog::Build(all, contract_datasets);
//   ProductView v = ViewProduct(products, "customer-360", snapshot, &graph);
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/catalog/model.h"
#include "lib/health/health.h"

namespace catalog::authz {
class Snapshot;
}
namespace catalog::lineage {
class LineageGraph;
}
namespace catalog::store {
class Store;
}

namespace catalog::products {

// How many jobs a lineage walk from a product's outputs goes at most.
inline constexpr int kProductLineageHops = 10;

// Every product with its ports' datasets resolved.
class ProductCatalog {
 public:
  struct Port {
    std::vector<DatasetKey> datasets;  // contract-bound first, then named
    size_t bound = 0;                  // how many of them its contract is bound to
  };
  struct Entry {
    DataProduct product;
    std::vector<Port> inputs;   // parallel to spec.input_ports
    std::vector<Port> outputs;  // parallel to spec.output_ports
  };

  // `contracts`: the datasets each contract id is bound to.
  static ProductCatalog Build(std::vector<DataProduct> products,
                              const std::map<std::string, std::vector<DatasetKey>>& contracts);
  // The contract ids any port of `products` names.
  static std::set<std::string> ContractIds(const std::vector<DataProduct>& products);

  const Entry* Find(const std::string& id) const;
  const std::vector<Entry>& entries() const { return entries_; }
  // The products publishing `dataset` (an output port stands for it).
  std::vector<const Entry*> Publishers(const DatasetKey& dataset) const;

 private:
  std::vector<Entry> entries_;  // by id
  std::map<DatasetKey, std::vector<size_t>> publishers_;
};

struct PortDatasetView {
  DatasetKey key;
  bool from_contract = false;
  bool known = false;  // in the catalog (the snapshot has it)
  health::Health health = health::Health::kOk;  // with upstream degradation
  std::string freshness;                        // "" when unknown to the catalog
  std::string layer;
};

struct ProductLinkView {
  std::string id;
  std::string name;
  bool declared = false;
  bool observed = false;
};

struct ProductView {
  std::vector<std::vector<PortDatasetView>> inputs;   // parallel to spec.input_ports
  std::vector<std::vector<PortDatasetView>> outputs;  // parallel to spec.output_ports
  // The worst of the output datasets' health; the port and dataset that
  // made it so (none when ok).
  health::Health health = health::Health::kOk;
  std::string worst_port;
  DatasetKey worst_dataset;
  std::vector<ProductLinkView> upstream;    // by id
  std::vector<ProductLinkView> downstream;  // by id
};

// Every product, ports resolved, as the store holds them now.
absl::StatusOr<ProductCatalog> LoadProductCatalog(store::Store& store);

// The products that publish the datasets a change reached (`reached`:
// each dataset with its depth, the start at 0), nearest first, then by id.
struct ImpactedProduct {
  const ProductCatalog::Entry* entry = nullptr;
  int depth = 0;
  std::vector<DatasetKey> datasets;  // its published datasets reached, by depth
};
std::vector<ImpactedProduct> ImpactedProducts(
    const ProductCatalog& catalog, const std::vector<std::pair<DatasetKey, int>>& reached);

// `graph` may be null or not loaded: then nothing is observed.
ProductView ViewProduct(const ProductCatalog& catalog, const ProductCatalog::Entry& product,
                        const authz::Snapshot& snapshot, const lineage::LineageGraph* graph);

}  // namespace catalog::products
