#include "server/products/product_view.h"

#include <algorithm>

#include "server/authz/catalog_entities.h"
#include "server/authz/snapshot.h"
#include "server/lineage/graph.h"
#include "server/store/store.h"

namespace catalog::products {
namespace {

ProductCatalog::Port Resolve(const ProductPort& port,
                             const std::map<std::string, std::vector<DatasetKey>>& contracts) {
  ProductCatalog::Port out;
  auto add = [&](const DatasetKey& k) {
    if (std::find(out.datasets.begin(), out.datasets.end(), k) == out.datasets.end()) {
      out.datasets.push_back(k);
    }
  };
  if (!port.contract_id.empty()) {
    if (auto it = contracts.find(port.contract_id); it != contracts.end()) {
      for (const DatasetKey& k : it->second) add(k);
    }
  }
  out.bound = out.datasets.size();
  for (const DatasetKey& k : port.datasets) add(k);
  return out;
}

std::string StringAttr(const policy::Entity& e, std::string_view name) {
  auto it = e.attrs.find(name);
  if (it == e.attrs.end() || !it->second.is(policy::Value::Kind::kString)) return "";
  return it->second.as_string();
}

PortDatasetView ViewDataset(const DatasetKey& key, bool from_contract,
                            const authz::Snapshot& snapshot) {
  PortDatasetView v{.key = key, .from_contract = from_contract};
  const policy::Entity* e = snapshot.entities().Find(authz::DatasetUid(key));
  if (e == nullptr) return v;
  v.known = true;
  const health::Health own =
      health::ParseHealth(StringAttr(*e, "health")).value_or(health::Health::kOk);
  v.health = snapshot.HealthOf(key, own);
  v.freshness = StringAttr(*e, "freshness");
  v.layer = StringAttr(*e, "layer");
  return v;
}

// Whether `port` (of the product asking) names what `other` publishes:
// its contract, or one of its output datasets.
bool Names(const ProductPort& port, const ProductCatalog::Port& resolved,
           const ProductCatalog::Entry& other) {
  for (size_t i = 0; i < other.outputs.size(); ++i) {
    const ProductPort& out = other.product.spec.output_ports[i];
    if (!port.contract_id.empty() && port.contract_id == out.contract_id) return true;
    for (const DatasetKey& k : resolved.datasets) {
      const auto& published = other.outputs[i].datasets;
      if (std::find(published.begin(), published.end(), k) != published.end()) return true;
    }
  }
  return false;
}

bool Declares(const ProductCatalog::Entry& consumer, const ProductCatalog::Entry& producer) {
  for (size_t i = 0; i < consumer.inputs.size(); ++i) {
    if (Names(consumer.product.spec.input_ports[i], consumer.inputs[i], producer)) return true;
  }
  return false;
}

// The products other than `self` whose output datasets a lineage walk
// from `self`'s reaches with no third product's dataset on the way.
std::set<std::string> Observed(const ProductCatalog& catalog, const ProductCatalog::Entry& self,
                               const lineage::LineageGraph& graph, lineage::Direction direction) {
  std::set<std::string> out;
  auto others = [&](const DatasetKey& k) {
    std::vector<const ProductCatalog::Entry*> pubs = catalog.Publishers(k);
    std::erase_if(pubs, [&](const ProductCatalog::Entry* e) { return e == &self; });
    return pubs;
  };
  for (const ProductCatalog::Port& port : self.outputs) {
    for (const DatasetKey& start : port.datasets) {
      absl::StatusOr<lineage::Traversal> t =
          graph.Traverse({.start = {.kind = lineage::NodeRef::Kind::kDataset, .dataset = start},
                          .direction = direction,
                          .depth = kProductLineageHops});
      if (!t.ok()) continue;  // no lineage
      for (size_t i = 1; i < t->nodes.size(); ++i) {
        const lineage::Traversal::Node& n = t->nodes[i];
        if (n.is_job) continue;
        std::vector<const ProductCatalog::Entry*> pubs = others(n.dataset);
        if (pubs.empty()) continue;
        bool direct = true;
        for (int p = n.parent; p > 0 && direct; p = t->nodes[p].parent) {
          const lineage::Traversal::Node& between = t->nodes[p];
          direct = between.is_job || others(between.dataset).empty();
        }
        if (!direct) continue;
        for (const ProductCatalog::Entry* e : pubs) out.insert(e->product.id);
      }
    }
  }
  return out;
}

std::vector<ProductLinkView> Links(const ProductCatalog& catalog,
                                   const std::set<std::string>& declared,
                                   const std::set<std::string>& observed) {
  std::set<std::string> ids = declared;
  ids.insert(observed.begin(), observed.end());
  std::vector<ProductLinkView> out;
  for (const std::string& id : ids) {
    const ProductCatalog::Entry* e = catalog.Find(id);
    out.push_back({.id = id,
                   .name = e != nullptr ? e->product.spec.name : "",
                   .declared = declared.contains(id),
                   .observed = observed.contains(id)});
  }
  return out;
}

}  // namespace

ProductCatalog ProductCatalog::Build(
    std::vector<DataProduct> products,
    const std::map<std::string, std::vector<DatasetKey>>& contracts) {
  ProductCatalog c;
  std::sort(products.begin(), products.end(),
            [](const DataProduct& a, const DataProduct& b) { return a.id < b.id; });
  for (DataProduct& p : products) {
    Entry e;
    for (const ProductPort& port : p.spec.input_ports) e.inputs.push_back(Resolve(port, contracts));
    for (const ProductPort& port : p.spec.output_ports) {
      e.outputs.push_back(Resolve(port, contracts));
    }
    e.product = std::move(p);
    c.entries_.push_back(std::move(e));
  }
  for (size_t i = 0; i < c.entries_.size(); ++i) {
    for (const Port& port : c.entries_[i].outputs) {
      for (const DatasetKey& k : port.datasets) {
        std::vector<size_t>& pubs = c.publishers_[k];
        if (pubs.empty() || pubs.back() != i) pubs.push_back(i);
      }
    }
  }
  return c;
}

std::set<std::string> ProductCatalog::ContractIds(const std::vector<DataProduct>& products) {
  std::set<std::string> ids;
  for (const DataProduct& p : products) {
    for (const auto* ports : {&p.spec.input_ports, &p.spec.output_ports}) {
      for (const ProductPort& port : *ports) {
        if (!port.contract_id.empty()) ids.insert(port.contract_id);
      }
    }
  }
  return ids;
}

const ProductCatalog::Entry* ProductCatalog::Find(const std::string& id) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), id,
                             [](const Entry& e, const std::string& v) { return e.product.id < v; });
  return it != entries_.end() && it->product.id == id ? &*it : nullptr;
}

std::vector<const ProductCatalog::Entry*> ProductCatalog::Publishers(
    const DatasetKey& dataset) const {
  std::vector<const Entry*> out;
  auto it = publishers_.find(dataset);
  if (it == publishers_.end()) return out;
  for (size_t i : it->second) out.push_back(&entries_[i]);
  return out;
}

absl::StatusOr<ProductCatalog> LoadProductCatalog(store::Store& store) {
  absl::StatusOr<std::vector<DataProduct>> all = store.ListDataProducts();
  if (!all.ok()) return all.status();
  absl::StatusOr<std::map<std::string, std::vector<DatasetKey>>> contracts =
      store.DatasetsOfContracts(ProductCatalog::ContractIds(*all));
  if (!contracts.ok()) return contracts.status();
  return ProductCatalog::Build(*std::move(all), *contracts);
}

std::vector<ImpactedProduct> ImpactedProducts(
    const ProductCatalog& catalog, const std::vector<std::pair<DatasetKey, int>>& reached) {
  std::map<const ProductCatalog::Entry*, ImpactedProduct> by_product;
  std::vector<std::pair<DatasetKey, int>> ordered = reached;
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& [key, depth] : ordered) {
    for (const ProductCatalog::Entry* e : catalog.Publishers(key)) {
      auto [it, fresh] = by_product.try_emplace(e, ImpactedProduct{.entry = e, .depth = depth});
      it->second.datasets.push_back(key);
    }
  }
  std::vector<ImpactedProduct> out;
  for (auto& [entry, impacted] : by_product) out.push_back(std::move(impacted));
  std::sort(out.begin(), out.end(), [](const ImpactedProduct& a, const ImpactedProduct& b) {
    return a.depth != b.depth ? a.depth < b.depth : a.entry->product.id < b.entry->product.id;
  });
  return out;
}

ProductView ViewProduct(const ProductCatalog& catalog, const ProductCatalog::Entry& product,
                        const authz::Snapshot& snapshot, const lineage::LineageGraph* graph) {
  ProductView v;
  auto view_ports = [&](const std::vector<ProductCatalog::Port>& ports) {
    std::vector<std::vector<PortDatasetView>> out;
    for (const ProductCatalog::Port& port : ports) {
      std::vector<PortDatasetView>& views = out.emplace_back();
      for (size_t i = 0; i < port.datasets.size(); ++i) {
        views.push_back(ViewDataset(port.datasets[i], i < port.bound, snapshot));
      }
    }
    return out;
  };
  v.inputs = view_ports(product.inputs);
  v.outputs = view_ports(product.outputs);
  for (size_t p = 0; p < v.outputs.size(); ++p) {
    for (const PortDatasetView& d : v.outputs[p]) {
      if (d.health > v.health) {
        v.health = d.health;
        v.worst_port = product.product.spec.output_ports[p].name;
        v.worst_dataset = d.key;
      }
    }
  }
  std::set<std::string> declared_up, declared_down;
  for (const ProductCatalog::Entry& other : catalog.entries()) {
    if (other.product.id == product.product.id) continue;
    if (Declares(product, other)) declared_up.insert(other.product.id);
    if (Declares(other, product)) declared_down.insert(other.product.id);
  }
  std::set<std::string> observed_up, observed_down;
  if (graph != nullptr && graph->loaded()) {
    observed_up = Observed(catalog, product, *graph, lineage::Direction::kUpstream);
    observed_down = Observed(catalog, product, *graph, lineage::Direction::kDownstream);
  }
  v.upstream = Links(catalog, declared_up, observed_up);
  v.downstream = Links(catalog, declared_down, observed_down);
  return v;
}

}  // namespace catalog::products
