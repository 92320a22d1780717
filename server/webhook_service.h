// catalog.v1.WebhookService: webhooks on a dataset's or a domain's
// incident and contract events (docs/quality.md#webhooks). Making one takes
// webhook:subscribe there; its destination must pass the address check
// (server/webhooks/destination.h); its secret is shown once and kept
// sealed under the secrets key. A webhook is seen and handled by its
// subscriber and by whoever may subscribe where it is; to anyone else it
// does not exist.
#pragma once

#include "catalog/v1/webhook.grpc.pb.h"
#include "server/auth.h"
#include "server/authz/authorizer.h"
#include "server/secrets_key.h"
#include "server/store/store.h"
#include "server/webhooks/destination.h"

namespace catalog::server {

class WebhookServiceImpl final : public v1::WebhookService::Service {
 public:
  WebhookServiceImpl(store::Store* store, const Authenticator* auth,
                     const authz::Authorizer* authorizer, webhooks::AddressAllowList allow,
                     SecretsKey key)
      : store_(store), auth_(auth), authorizer_(authorizer), allow_(std::move(allow)),
        key_(std::move(key)) {}

  grpc::Status CreateWebhook(grpc::ServerContext* context, const v1::CreateWebhookRequest* request,
                             v1::CreateWebhookResponse* response) override;
  grpc::Status ListWebhooks(grpc::ServerContext* context, const v1::ListWebhooksRequest* request,
                            v1::ListWebhooksResponse* response) override;
  grpc::Status GetWebhook(grpc::ServerContext* context, const v1::WebhookRequest* request,
                          v1::Webhook* response) override;
  grpc::Status DeleteWebhook(grpc::ServerContext* context, const v1::WebhookRequest* request,
                             v1::DeleteWebhookResponse* response) override;
  grpc::Status ResumeWebhook(grpc::ServerContext* context, const v1::WebhookRequest* request,
                             v1::Webhook* response) override;
  grpc::Status ListWebhookDeliveries(grpc::ServerContext* context,
                                     const v1::ListWebhookDeliveriesRequest* request,
                                     v1::ListWebhookDeliveriesResponse* response) override;

 private:
  // Whether `caller` sees `w`: its subscriber, or one who may subscribe
  // where it is.
  bool Visible(const std::string& caller, const store::WebhookRecord& w) const;
  // The webhook `name` if `caller` sees it; NOT_FOUND otherwise, alike.
  absl::StatusOr<store::WebhookRecord> Find(const std::string& caller, const std::string& name);

  store::Store* store_;
  const Authenticator* auth_;
  const authz::Authorizer* authorizer_;
  const webhooks::AddressAllowList allow_;
  const SecretsKey key_;
};

}  // namespace catalog::server
