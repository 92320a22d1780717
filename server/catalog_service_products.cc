// CatalogService's data products (docs/governance.md#data-products): who
// may publish what through a product's ports, and reading products with
// their ports' datasets, health and product lineage.
#include <algorithm>

#include "lib/catalog/data_product.h"
#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "proto/convert.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"
#include "server/catalog_service.h"
#include "server/governance/judge.h"
#include "server/products/product_cache.h"
#include "server/products/product_view.h"

namespace catalog::server {
namespace {

absl::Status ProductNotFound(std::string_view id) {
  return absl::NotFoundError(StrCat("data product \"", id, "\" not found"));
}

void PortsToProto(const std::vector<std::vector<products::PortDatasetView>>& views,
                  const std::function<bool(const DatasetKey&)>& may_read,
                  google::protobuf::RepeatedPtrField<v1::ProductPort>* ports) {
  for (size_t p = 0; p < views.size() && p < static_cast<size_t>(ports->size()); ++p) {
    v1::ProductPort* port = ports->Mutable(static_cast<int>(p));
    for (const products::PortDatasetView& d : views[p]) {
      if (!may_read(d.key)) {
        port->set_hidden_datasets(port->hidden_datasets() + 1);
        continue;
      }
      v1::PortDataset* out = port->add_datasets();
      *out->mutable_key() = ToProto(d.key);
      out->set_from_contract(d.from_contract);
      if (!d.known) continue;  // named, not (yet) in the catalog
      out->set_health(health::HealthName(d.health));
      out->set_freshness(d.freshness);
      out->set_layer(d.layer);
    }
  }
}

void LinksToProto(const std::vector<products::ProductLinkView>& links,
                  const std::function<bool(const std::string&)>& may_read,
                  google::protobuf::RepeatedPtrField<v1::ProductLink>* out) {
  for (const products::ProductLinkView& l : links) {
    if (!may_read(l.id)) continue;
    v1::ProductLink* o = out->Add();
    o->set_id(l.id);
    o->set_name(l.name);
    o->set_declared(l.declared);
    o->set_observed(l.observed);
  }
}

}  // namespace

absl::Status CatalogServiceImpl::MayPublish(const std::string& caller, size_t index,
                                            const DataProduct& product) {
  const std::string at = StrCat("resources[", index, "] (DataProduct ", product.id, "): ");
  // Named datasets: an output port publishes what its writer may write; an
  // input port consumes what its writer may read. One the caller may not
  // read is answered as absent, as everywhere.
  auto check = [&](const std::vector<ProductPort>& ports, const char* key,
                   bool output) -> absl::Status {
    for (size_t p = 0; p < ports.size(); ++p) {
      for (const DatasetKey& k : ports[p].datasets) {
        const policy::EntityUid uid = authz::DatasetUid(k);
        if (!MayRead(caller, uid)) {
          return absl::NotFoundError(StrCat(at, key, "[", p, "]: dataset ", k.ToString(),
                                            " not found"));
        }
        if (!output) continue;
        absl::Status write = Require(*authorizer_, caller, "catalog:write", uid);
        if (!write.ok()) {
          return absl::Status(write.code(),
                              StrCat(at, key, "[", p, "]: publishing ", k.ToString(),
                                     " needs catalog:write on it: ", MessageOf(write)));
        }
      }
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(check(product.spec.input_ports, "inputPorts", false));
  RETURN_IF_ERROR(check(product.spec.output_ports, "outputPorts", true));
  // An output port's contract publishes the datasets it is bound to: the
  // writer must be able to write each of them (which are not named: the
  // writer may not read them all).
  std::set<std::string> ids;
  for (const ProductPort& port : product.spec.output_ports) {
    if (!port.contract_id.empty()) ids.insert(port.contract_id);
  }
  if (ids.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto bound, store_->DatasetsOfContracts(ids));
  for (size_t p = 0; p < product.spec.output_ports.size(); ++p) {
    const std::string& id = product.spec.output_ports[p].contract_id;
    if (id.empty()) continue;
    for (const DatasetKey& k : bound[id]) {
      absl::Status write = Require(*authorizer_, caller, "catalog:write", authz::DatasetUid(k));
      if (!write.ok()) {
        return absl::Status(write.code(),
                            StrCat(at, "outputPorts[", p, "].contractId: publishing contract \"",
                                   id, "\" needs catalog:write on every dataset it is bound to"));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::vector<std::string>>> CatalogServiceImpl::JudgeProducts(
    const authz::Snapshot& snapshot, const std::vector<Resource>& resources, int64_t now_ms) {
  std::vector<std::vector<std::string>> warnings(resources.size());
  const std::vector<governance::Rule>& rules = snapshot.rules();
  const bool any = std::any_of(rules.begin(), rules.end(), [](const governance::Rule& r) {
    return r.covers.kind == governance::CoveredKind::kDataProduct;
  });
  if (!any) return warnings;
  std::shared_ptr<const products::ProductCatalog> catalog;
  for (size_t i = 0; i < resources.size(); ++i) {
    const Resource& r = resources[i];
    if (r.kind != Resource::Kind::kDataProduct) continue;
    if (!catalog) {
      ASSIGN_OR_RETURN(catalog, products_->Get());
    }
    const products::ProductCatalog::Entry* before = catalog->Find(r.product.id);
    const governance::WriteVerdict verdict = governance::JudgeProductWrite(
        rules, before != nullptr ? &before->product : nullptr, r.product, snapshot.entities(),
        now_ms);
    if (absl::Status refused = governance::Refusal(verdict); !refused.ok()) {
      return absl::Status(refused.code(), StrCat("resources[", i, "] (DataProduct ",
                                                 r.product.id, "): ", MessageOf(refused)));
    }
    warnings[i] = verdict.warnings;
  }
  return warnings;
}

grpc::Status CatalogServiceImpl::GetDataProduct(grpc::ServerContext* context,
                                                const v1::GetDataProductRequest* request,
                                                v1::DataProduct* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(ValidateProductId("id", request->id()));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    if (!MayRead(caller, authz::ProductUid(request->id()))) {
      return ProductNotFound(request->id());
    }
    // Read whole: product lineage is between products.
    ASSIGN_OR_RETURN(std::shared_ptr<const products::ProductCatalog> cached, products_->Get());
    const products::ProductCatalog& catalog = *cached;
    const products::ProductCatalog::Entry* entry = catalog.Find(request->id());
    if (entry == nullptr) return ProductNotFound(request->id());
    std::shared_ptr<const authz::Snapshot> snapshot = authorizer_->current();
    const products::ProductView view =
        products::ViewProduct(catalog, *entry, *snapshot, graph_);
    *response = catalog::ToProto(entry->product);
    auto may_read = [&](const DatasetKey& k) { return MayRead(caller, authz::DatasetUid(k)); };
    PortsToProto(view.inputs, may_read, response->mutable_input_ports());
    PortsToProto(view.outputs, may_read, response->mutable_output_ports());
    response->set_health(health::HealthName(view.health));
    if (view.health != health::Health::kOk) {
      // The product's health is its readers'; which dataset made it so
      // only for those who may read that dataset.
      response->set_health_reason(
          may_read(view.worst_dataset)
              ? StrCat("output port ", view.worst_port, ": ", view.worst_dataset.ToString(),
                       " is ", health::HealthName(view.health))
              : StrCat("output port ", view.worst_port, ": a dataset you may not read is ",
                       health::HealthName(view.health)));
    }
    auto may_read_product = [&](const std::string& id) {
      return MayRead(caller, authz::ProductUid(id));
    };
    LinksToProto(view.upstream, may_read_product, response->mutable_upstream());
    LinksToProto(view.downstream, may_read_product, response->mutable_downstream());
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::ListDataProducts(grpc::ServerContext* context,
                                                  const v1::ListDataProductsRequest* request,
                                                  v1::ListDataProductsResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    if (!request->domain().empty()) {
      RETURN_IF_ERROR(ValidateDomainPath("domain", request->domain()));
    }
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    ASSIGN_OR_RETURN(std::shared_ptr<const products::ProductCatalog> cached, products_->Get());
    for (const products::ProductCatalog::Entry& e : cached->entries()) {
      const DataProduct& p = e.product;
      if (!InDomain(p.spec.domain, request->domain())) continue;
      if (MayRead(caller, authz::ProductUid(p.id))) {
        *response->add_products() = catalog::ToProto(p);
      }
    }
    return absl::OkStatus();
  });
}

grpc::Status CatalogServiceImpl::DeleteDataProduct(grpc::ServerContext* context,
                                                   const v1::DeleteDataProductRequest* request,
                                                   v1::DeleteResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    if (request->expected_revision() < 0) {
      return absl::InvalidArgumentError("expected_revision: must not be negative");
    }
    RETURN_IF_ERROR(ValidateProductId("id", request->id()));
    RETURN_IF_ERROR(DecisionsReady(*authorizer_));
    const policy::EntityUid uid = authz::ProductUid(request->id());
    // One the caller may not read is absent; one they may read but not
    // write is refused.
    if (!MayRead(caller, uid)) return ProductNotFound(request->id());
    RETURN_IF_ERROR(Require(*authorizer_, caller, "catalog:write", uid));
    ASSIGN_OR_RETURN(int64_t revision,
                     store_->DeleteDataProduct(request->id(), request->expected_revision(),
                                               caller));
    AwaitSnapshot(context, revision);
    response->set_catalog_revision(revision);
    return absl::OkStatus();
  });
}

}  // namespace catalog::server
