// A small C++ client for catalogd, used by catalogctl, the integration tests
// and the benchmarks.
//
//   ASSIGN_OR_RETURN(auto client, CatalogClient::Connect({.address = addr,
//                                                         .token = token}));
//   v1::GetDatasetRequest req;  ...
//   ASSIGN_OR_RETURN(v1::Dataset d,
//                    client->Call(&v1::CatalogService::Stub::GetDataset,
//                                 client->catalog(), req));
//
// Every call carries the bearer token and a deadline. Thread-safe.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "catalog/v1/audit.grpc.pb.h"
#include "catalog/v1/catalog.grpc.pb.h"
#include "catalog/v1/contract.grpc.pb.h"
#include "catalog/v1/incident.grpc.pb.h"
#include "catalog/v1/webhook.grpc.pb.h"
#include "catalog/v1/cost.grpc.pb.h"
#include "catalog/v1/governance.grpc.pb.h"
#include "catalog/v1/model.grpc.pb.h"
#include "catalog/v1/application.grpc.pb.h"
#include "catalog/v1/lineage.grpc.pb.h"
#include "catalog/v1/quality.grpc.pb.h"
#include "catalog/v1/policy.grpc.pb.h"
#include "catalog/v1/token.grpc.pb.h"

namespace catalog::client {

absl::Status FromGrpcStatus(const grpc::Status& status);

class CatalogClient {
 public:
  struct Options {
    std::string address = "127.0.0.1:7070";
    std::string token;  // the bearer token, without "Bearer "
    std::chrono::milliseconds timeout = std::chrono::seconds(30);
    int max_message_bytes = 64 * 1024 * 1024;
    // TLS: the CA bundle that signs the server's certificate (PEM text);
    // with a certificate and key, mutual TLS. All empty: plain text.
    std::string ca_pem;
    std::string cert_pem;
    std::string key_pem;
    // Read your writes across replicas for the client's whole life (a
    // catalogctl run, say): every call sends the consistency token the last
    // answer carried, starting from `consistency_token` (empty: none yet).
    bool session_consistency = false;
    std::string consistency_token;
  };

  static absl::StatusOr<std::unique_ptr<CatalogClient>> Connect(
      const Options& options);

  v1::CatalogService::Stub& catalog() { return *catalog_; }
  v1::TokenService::Stub& tokens() { return *tokens_; }
  v1::PolicyService::Stub& policies() { return *policies_; }
  v1::LineageService::Stub& lineage() { return *lineage_; }
  v1::ContractService::Stub& contracts() { return *contracts_; }
  v1::AuditService::Stub& audit() { return *audit_; }
  v1::QualityService::Stub& quality() { return *quality_; }
  v1::IncidentService::Stub& incidents() { return *incidents_; }
  v1::WebhookService::Stub& webhooks() { return *webhooks_; }
  v1::CostService::Stub& costs() { return *costs_; }
  v1::GovernanceService::Stub& governance() { return *governance_; }
  v1::ModelService::Stub& models() { return *models_; }
  v1::AIApplicationService::Stub& applications() { return *applications_; }

  // Calls `method` on `stub` with the token and deadline set.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      Stub& stub, const Request& request) const {
    grpc::ClientContext context;
    Prepare(context);
    Response response;
    grpc::Status status = (stub.*method)(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    if (options_.session_consistency) KeepSessionToken(context);
    return response;
  }

  // The same, for read-your-writes across replicas: sends `*consistency`
  // (a consistency token, when not empty) and, when the call succeeds,
  // keeps the one its answer carries there. A replica that has not applied
  // the token's revision waits for it, or answers UNAVAILABLE.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      Stub& stub, const Request& request, std::string* consistency) const {
    grpc::ClientContext context;
    Prepare(context, /*session=*/false);
    if (!consistency->empty()) context.AddMetadata(kConsistencyTokenHeader, *consistency);
    Response response;
    grpc::Status status = (stub.*method)(&context, request, &response);
    if (!status.ok()) return FromGrpcStatus(status);
    KeepConsistencyToken(context, consistency);
    return response;
  }

  // The token and deadline (and, with session_consistency and `session`,
  // the session's consistency token) on `context`.
  void Prepare(grpc::ClientContext& context, bool session = true) const;
  // With session_consistency: the token the last answer carried.
  std::string consistency_token() const;
  static constexpr char kConsistencyTokenHeader[] = "x-catalog-consistency-token";
  // The consistency token `context`'s answer carried, into `*out`.
  static void KeepConsistencyToken(const grpc::ClientContext& context, std::string* out);

 private:
  explicit CatalogClient(const Options& options)
      : options_(options), session_token_(options.consistency_token) {}
  void KeepSessionToken(const grpc::ClientContext& context) const;
  Options options_;
  mutable std::mutex session_mu_;
  mutable std::string session_token_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CatalogService::Stub> catalog_;
  std::unique_ptr<v1::TokenService::Stub> tokens_;
  std::unique_ptr<v1::PolicyService::Stub> policies_;
  std::unique_ptr<v1::LineageService::Stub> lineage_;
  std::unique_ptr<v1::ContractService::Stub> contracts_;
  std::unique_ptr<v1::AuditService::Stub> audit_;
  std::unique_ptr<v1::QualityService::Stub> quality_;
  std::unique_ptr<v1::IncidentService::Stub> incidents_;
  std::unique_ptr<v1::WebhookService::Stub> webhooks_;
  std::unique_ptr<v1::CostService::Stub> costs_;
  std::unique_ptr<v1::GovernanceService::Stub> governance_;
  std::unique_ptr<v1::ModelService::Stub> models_;
  std::unique_ptr<v1::AIApplicationService::Stub> applications_;
};

}  // namespace catalog::client
