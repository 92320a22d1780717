// catalog.v1.CatalogService: datasets, domains, principals, data products
// (catalog_service_products.cc) and the business glossary
// (catalog_service_glossary.cc). Thin: each handler validates its
// request, calls the store and converts the answer.
#pragma once

#include "catalog/v1/catalog.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/store/store.h"

namespace catalog::lineage {
class LineageGraph;
}

namespace catalog::products {
class ProductCache;
}

namespace catalog::server {

// The most resources one Apply may carry.
inline constexpr int kMaxApplyResources = 10000;

class CatalogServiceImpl final : public v1::CatalogService::Service {
 public:
  // `graph` gives governance rules the layers upstream of a dataset and
  // products their lineage; `products` keeps the data products read.
  CatalogServiceImpl(store::Store* store, const Authenticator* auth,
                     authz::Authorizer* authorizer, const lineage::LineageGraph* graph,
                     products::ProductCache* products)
      : store_(store), auth_(auth), authorizer_(authorizer), graph_(graph), products_(products) {}

  grpc::Status Apply(grpc::ServerContext* context,
                     const v1::ApplyRequest* request,
                     v1::ApplyResponse* response) override;
  grpc::Status GetDataset(grpc::ServerContext* context,
                          const v1::GetDatasetRequest* request,
                          v1::Dataset* response) override;
  grpc::Status ListDatasets(grpc::ServerContext* context,
                            const v1::ListDatasetsRequest* request,
                            v1::ListDatasetsResponse* response) override;
  grpc::Status DeleteDataset(grpc::ServerContext* context,
                             const v1::DeleteDatasetRequest* request,
                             v1::DeleteResponse* response) override;
  grpc::Status SearchDatasets(grpc::ServerContext* context,
                              const v1::SearchRequest* request,
                              v1::SearchResponse* response) override;
  grpc::Status ReviewObservation(grpc::ServerContext* context,
                                 const v1::ReviewObservationRequest* request,
                                 v1::ReviewObservationResponse* response) override;
  grpc::Status GetDatasetHistory(
      grpc::ServerContext* context, const v1::GetDatasetHistoryRequest* request,
      v1::GetDatasetHistoryResponse* response) override;
  grpc::Status GetDomain(grpc::ServerContext* context,
                         const v1::GetDomainRequest* request,
                         v1::Domain* response) override;
  grpc::Status ListDomains(grpc::ServerContext* context,
                           const v1::ListRequest* request,
                           v1::ListDomainsResponse* response) override;
  grpc::Status DeleteDomain(grpc::ServerContext* context,
                            const v1::DeleteDomainRequest* request,
                            v1::DeleteResponse* response) override;
  grpc::Status GetPrincipal(grpc::ServerContext* context,
                            const v1::GetPrincipalRequest* request,
                            v1::Principal* response) override;
  grpc::Status ListPrincipals(grpc::ServerContext* context,
                              const v1::ListPrincipalsRequest* request,
                              v1::ListPrincipalsResponse* response) override;
  grpc::Status DeletePrincipal(grpc::ServerContext* context,
                               const v1::DeletePrincipalRequest* request,
                               v1::DeleteResponse* response) override;
  grpc::Status GetDataProduct(grpc::ServerContext* context,
                              const v1::GetDataProductRequest* request,
                              v1::DataProduct* response) override;
  grpc::Status ListDataProducts(grpc::ServerContext* context,
                                const v1::ListDataProductsRequest* request,
                                v1::ListDataProductsResponse* response) override;
  grpc::Status GetGlossaryTerm(grpc::ServerContext* context,
                               const v1::GetGlossaryTermRequest* request,
                               v1::GlossaryTerm* response) override;
  grpc::Status ListGlossaryTerms(grpc::ServerContext* context,
                                 const v1::ListGlossaryTermsRequest* request,
                                 v1::ListGlossaryTermsResponse* response) override;
  grpc::Status DeleteGlossaryTerm(grpc::ServerContext* context,
                                  const v1::DeleteGlossaryTermRequest* request,
                                  v1::DeleteResponse* response) override;
  grpc::Status DeleteDataProduct(grpc::ServerContext* context,
                                 const v1::DeleteDataProductRequest* request,
                                 v1::DeleteResponse* response) override;
  grpc::Status Ping(grpc::ServerContext* context,
                    const v1::PingRequest* request,
                    v1::PingResponse* response) override;

 private:
  // Blocks until decisions reflect `revision` (so a change, a revocation
  // above all, holds for every call after this one returns), or the
  // call's deadline.
  void AwaitSnapshot(grpc::ServerContext* context, int64_t revision);
  // Datasets, domains or principals the caller may catalog:read.
  bool MayRead(const std::string& caller, const policy::EntityUid& uid) const;
  // Whether `caller` may publish (output ports) and consume (input ports)
  // what the product's ports stand for; item `index` of an apply.
  absl::Status MayPublish(const std::string& caller, size_t index, const DataProduct& product);
  // A dataset links only glossary terms its writer may read (one they may
  // not is absent: NOT_FOUND, as everywhere).
  absl::Status MayLinkTerms(const std::string& caller, size_t index, const Resource& dataset);
  // An AI application names only datasets and models its writer may read
  // (one they may not is absent: NOT_FOUND naming the field).
  absl::Status MayName(const std::string& caller, size_t index, const Resource& application);
  // The governance rules over data products, judged on the products among
  // `resources` (catalog_service_products.cc): FAILED_PRECONDITION naming
  // the first refused; else each resource's warnings.
  absl::StatusOr<std::vector<std::vector<std::string>>> JudgeProducts(
      const authz::Snapshot& snapshot, const std::vector<Resource>& resources, int64_t now_ms);

  store::Store* store_;
  const Authenticator* auth_;
  authz::Authorizer* authorizer_;
  const lineage::LineageGraph* graph_;
  products::ProductCache* products_;
};

}  // namespace catalog::server
