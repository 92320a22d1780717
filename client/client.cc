#include "client/client.h"

namespace catalog::client {

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  // gRPC and absl share the canonical code numbering.
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

absl::StatusOr<std::unique_ptr<CatalogClient>> CatalogClient::Connect(
    const Options& options) {
  if (options.address.empty()) {
    return absl::InvalidArgumentError("address: must not be empty");
  }
  std::unique_ptr<CatalogClient> client(new CatalogClient(options));
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(options.max_message_bytes);
  args.SetMaxSendMessageSize(options.max_message_bytes);
  // Lineage graphs run to megabytes: a receive window that large from the
  // start spares flow-control round trips.
  args.SetInt(GRPC_ARG_HTTP2_STREAM_LOOKAHEAD_BYTES, 8 * 1024 * 1024);
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::InsecureChannelCredentials();
  if (!options.ca_pem.empty() || !options.cert_pem.empty()) {
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = options.ca_pem;
    tls.pem_cert_chain = options.cert_pem;
    tls.pem_private_key = options.key_pem;
    credentials = grpc::SslCredentials(tls);
  }
  client->channel_ = grpc::CreateCustomChannel(options.address, credentials, args);
  client->catalog_ = v1::CatalogService::NewStub(client->channel_);
  client->tokens_ = v1::TokenService::NewStub(client->channel_);
  client->policies_ = v1::PolicyService::NewStub(client->channel_);
  client->lineage_ = v1::LineageService::NewStub(client->channel_);
  client->contracts_ = v1::ContractService::NewStub(client->channel_);
  client->audit_ = v1::AuditService::NewStub(client->channel_);
  client->quality_ = v1::QualityService::NewStub(client->channel_);
  client->incidents_ = v1::IncidentService::NewStub(client->channel_);
  client->webhooks_ = v1::WebhookService::NewStub(client->channel_);
  client->costs_ = v1::CostService::NewStub(client->channel_);
  client->governance_ = v1::GovernanceService::NewStub(client->channel_);
  client->models_ = v1::ModelService::NewStub(client->channel_);
  client->applications_ = v1::AIApplicationService::NewStub(client->channel_);
  return client;
}

void CatalogClient::Prepare(grpc::ClientContext& context, bool session) const {
  if (!options_.token.empty()) {
    context.AddMetadata("authorization", "Bearer " + options_.token);
  }
  context.set_deadline(std::chrono::system_clock::now() + options_.timeout);
  if (options_.session_consistency && session) {
    std::lock_guard lock(session_mu_);
    if (!session_token_.empty()) context.AddMetadata(kConsistencyTokenHeader, session_token_);
  }
}

void CatalogClient::KeepSessionToken(const grpc::ClientContext& context) const {
  std::string token;
  KeepConsistencyToken(context, &token);
  if (token.empty()) return;
  std::lock_guard lock(session_mu_);
  session_token_ = std::move(token);
}

std::string CatalogClient::consistency_token() const {
  std::lock_guard lock(session_mu_);
  return session_token_;
}

void CatalogClient::KeepConsistencyToken(const grpc::ClientContext& context, std::string* out) {
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find(kConsistencyTokenHeader);
  if (it != trailers.end()) out->assign(it->second.data(), it->second.size());
}

}  // namespace catalog::client
