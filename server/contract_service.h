// catalog.v1.ContractService: data contracts registered in versions, bound
// to datasets, diffed, checked against registered schemas and before writes.
// Registering needs contract:write on every dataset the contract binds
// (contract:write on the catalog when it binds none); reading needs
// catalog:read.
#pragma once

#include "catalog/v1/contract.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/lineage/graph.h"
#include "server/store/store.h"

namespace catalog::server {

class ContractServiceImpl final : public v1::ContractService::Service {
 public:
  ContractServiceImpl(store::Store* store, const Authenticator* auth,
                      authz::Authorizer* authorizer,
                      lineage::LineageGraph* graph)
      : store_(store), auth_(auth), authorizer_(authorizer), graph_(graph) {}

  grpc::Status PutContract(grpc::ServerContext* context,
                           const v1::PutContractRequest* request,
                           v1::PutContractResponse* response) override;
  grpc::Status GetContract(grpc::ServerContext* context,
                           const v1::GetContractRequest* request,
                           v1::Contract* response) override;
  grpc::Status ListContracts(grpc::ServerContext* context,
                             const v1::ListContractsRequest* request,
                             v1::ListContractsResponse* response) override;
  grpc::Status ListContractVersions(
      grpc::ServerContext* context,
      const v1::ListContractVersionsRequest* request,
      v1::ListContractVersionsResponse* response) override;
  grpc::Status DiffContracts(grpc::ServerContext* context,
                             const v1::DiffContractsRequest* request,
                             v1::DiffContractsResponse* response) override;
  grpc::Status CheckContract(grpc::ServerContext* context,
                             const v1::CheckContractRequest* request,
                             v1::CheckContractResponse* response) override;
  grpc::Status CheckWrite(grpc::ServerContext* context,
                          const v1::CheckWriteRequest* request,
                          v1::CheckWriteResponse* response) override;

 private:
  // Adds the governance rules the written dataset would break.
  absl::Status JudgeRules(const DatasetKey& key, std::vector<Field> fields,
                          const std::vector<DatasetKey>& inputs,
                          v1::CheckWriteResponse* response);

  store::Store* store_;
  const Authenticator* auth_;
  authz::Authorizer* authorizer_;
  lineage::LineageGraph* graph_;
};

}  // namespace catalog::server
