#include "server/webhook_service.h"

#include <openssl/rand.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"
#include "lib/util/time.h"
#include "proto/convert.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"

namespace catalog::server {
namespace {

constexpr std::string_view kEvents[] = {"incident.opened", "incident.resolved",
                                        "contract.violated"};

absl::Status ValidWebhookName(std::string_view name) {
  const bool ok = !name.empty() && name.size() <= 63 &&
                  std::all_of(name.begin(), name.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                           c == '_' || c == '.';
                  }) &&
                  name[0] != '.' && name[0] != '-';
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      "name: must be 1-63 lower-case letters, digits, '-', '_' or '.', not starting with '.' "
      "or '-'");
}

absl::Status WebhookNotFound(std::string_view name) {
  return absl::NotFoundError(StrCat("webhook \"", name, "\" not found"));
}

policy::EntityUid ScopeUid(const store::WebhookRecord& w) {
  return w.scope_kind == "dataset" ? authz::DatasetUid(w.dataset) : authz::DomainUid(w.domain);
}

void ToProto(const store::WebhookRecord& w, v1::Webhook* out) {
  out->set_name(w.name);
  out->set_url(w.url);
  if (w.scope_kind == "dataset") {
    *out->mutable_dataset() = catalog::ToProto(w.dataset);
  } else {
    out->set_domain(w.domain);
  }
  for (const std::string& e : w.events) out->add_events(e);
  out->set_subscriber(w.subscriber);
  out->set_state(w.state);
  out->set_state_reason(w.state_reason);
  out->set_created_at(FormatMs(w.created_ms));
  out->set_pending(w.pending);
  out->set_last_error(w.last_error);
}

// A signing secret: 32 bytes from the system's random source.
std::string NewSecret() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
  return StrCat("whsec_", absl::WebSafeBase64Escape(
                              std::string(reinterpret_cast<const char*>(bytes), sizeof(bytes))));
}

}  // namespace

bool WebhookServiceImpl::Visible(const std::string& caller, const store::WebhookRecord& w) const {
  return w.subscriber == caller || Permits(*authorizer_, caller, "webhook:subscribe", ScopeUid(w));
}

absl::StatusOr<store::WebhookRecord> WebhookServiceImpl::Find(const std::string& caller,
                                                              const std::string& name) {
  RETURN_IF_ERROR(ValidWebhookName(name));
  // Visible decides without the token: a token limited to other actions
  // sees no webhook.
  if (!RequireTokenAllows(caller, "catalog:read").ok() &&
      !RequireTokenAllows(caller, "webhook:subscribe").ok()) {
    return WebhookNotFound(name);
  }
  absl::StatusOr<store::WebhookRecord> w = store_->GetWebhook(name);
  if (absl::IsNotFound(w.status())) return WebhookNotFound(name);
  RETURN_IF_ERROR(w.status());
  if (!Visible(caller, *w)) return WebhookNotFound(name);
  return w;
}

grpc::Status WebhookServiceImpl::CreateWebhook(grpc::ServerContext* context,
                                               const v1::CreateWebhookRequest* request,
                                               v1::CreateWebhookResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(RequireTokenAllows(caller, "webhook:subscribe"));
    RETURN_IF_ERROR(ValidWebhookName(request->name()));
    ASSIGN_OR_RETURN(webhooks::WebhookUrl url, webhooks::ParseWebhookUrl(request->url()));
    store::WebhookRecord w{.name = request->name(), .url = request->url(), .subscriber = caller};
    for (const std::string& e : request->events()) {
      if (std::find(std::begin(kEvents), std::end(kEvents), e) == std::end(kEvents)) {
        return absl::InvalidArgumentError(
            StrCat("events: \"", e,
                   "\" must be incident.opened, incident.resolved or contract.violated"));
      }
      if (std::find(w.events.begin(), w.events.end(), e) == w.events.end()) w.events.push_back(e);
    }
    if (w.events.empty()) w.events.assign(std::begin(kEvents), std::end(kEvents));
    if (request->has_dataset() == !request->domain().empty()) {
      return absl::InvalidArgumentError("dataset, domain: give exactly one");
    }
    if (request->has_dataset()) {
      w.scope_kind = "dataset";
      w.dataset = FromProto(request->dataset());
      RETURN_IF_ERROR(ValidateDatasetKey(w.dataset, "dataset"));
      RETURN_IF_ERROR(HiddenAsNotFound(
          Require(*authorizer_, caller, "catalog:read", authz::DatasetUid(w.dataset)), w.dataset));
      absl::StatusOr<Dataset> exists = store_->GetDataset(w.dataset);
      if (absl::IsNotFound(exists.status())) return DatasetNotFound(w.dataset);
      RETURN_IF_ERROR(exists.status());
    } else {
      w.scope_kind = "domain";
      w.domain = request->domain();
      RETURN_IF_ERROR(ValidateDomainPath("domain", w.domain));
      absl::StatusOr<Domain> exists = store_->GetDomain(w.domain);
      if (absl::IsNotFound(exists.status())) {
        return absl::NotFoundError(StrCat("domain \"", w.domain, "\" not found"));
      }
      RETURN_IF_ERROR(exists.status());
    }
    RETURN_IF_ERROR(Require(*authorizer_, caller, "webhook:subscribe", ScopeUid(w)));
    // Only now, for one who may: resolving costs a DNS query.
    RETURN_IF_ERROR(webhooks::ResolveDestination(url, allow_).status());
    const std::string secret = NewSecret();
    w.secret = SealWith(key_.key, secret);
    w.key_id = key_.id;
    ASSIGN_OR_RETURN(store::WebhookRecord made, store_->CreateWebhook(w, caller));
    ToProto(made, response->mutable_webhook());
    response->set_secret(secret);
    return absl::OkStatus();
  });
}

grpc::Status WebhookServiceImpl::ListWebhooks(grpc::ServerContext* context,
                                              const v1::ListWebhooksRequest*,
                                              v1::ListWebhooksResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    // As in Find: a token limited to other actions sees none.
    if (!RequireTokenAllows(caller, "catalog:read").ok() &&
        !RequireTokenAllows(caller, "webhook:subscribe").ok()) {
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::vector<store::WebhookRecord> all, store_->ListWebhooks());
    for (const store::WebhookRecord& w : all) {
      if (Visible(caller, w)) ToProto(w, response->add_webhooks());
    }
    return absl::OkStatus();
  });
}

grpc::Status WebhookServiceImpl::GetWebhook(grpc::ServerContext* context,
                                            const v1::WebhookRequest* request,
                                            v1::Webhook* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(store::WebhookRecord w, Find(caller, request->name()));
    ToProto(w, response);
    return absl::OkStatus();
  });
}

grpc::Status WebhookServiceImpl::DeleteWebhook(grpc::ServerContext* context,
                                               const v1::WebhookRequest* request,
                                               v1::DeleteWebhookResponse*) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(RequireTokenAllows(caller, "webhook:subscribe"));
    RETURN_IF_ERROR(Find(caller, request->name()).status());
    return store_->DeleteWebhook(request->name(), caller);
  });
}

grpc::Status WebhookServiceImpl::ResumeWebhook(grpc::ServerContext* context,
                                               const v1::WebhookRequest* request,
                                               v1::Webhook* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    RETURN_IF_ERROR(RequireTokenAllows(caller, "webhook:subscribe"));
    RETURN_IF_ERROR(Find(caller, request->name()).status());
    ASSIGN_OR_RETURN(store::WebhookRecord w, store_->ResumeWebhook(request->name(), caller));
    ToProto(w, response);
    return absl::OkStatus();
  });
}

grpc::Status WebhookServiceImpl::ListWebhookDeliveries(
    grpc::ServerContext* context, const v1::ListWebhookDeliveriesRequest* request,
    v1::ListWebhookDeliveriesResponse* response) {
  return Serve(*auth_, context, [&](const std::string& caller) -> absl::Status {
    ASSIGN_OR_RETURN(store::WebhookRecord w, Find(caller, request->name()));
    ASSIGN_OR_RETURN(store::PageRequest page,
                     PageOf(request->page_size(), request->page_token()));
    ASSIGN_OR_RETURN(store::Page<store::WebhookDelivery> listed,
                     store_->ListWebhookDeliveries(w.id, page));
    for (const store::WebhookDelivery& d : listed.items) {
      // A domain's webhook hears of datasets its viewer may not read.
      if (!Permits(*authorizer_, caller, "catalog:read", authz::DatasetUid(d.dataset))) continue;
      v1::WebhookDelivery* out = response->add_deliveries();
      out->set_id(d.id);
      out->set_event(d.event);
      *out->mutable_dataset() = catalog::ToProto(d.dataset);
      out->set_created_at(FormatMs(d.created_ms));
      out->set_state(d.state);
      out->set_attempts(d.attempts);
      if (d.state == "pending") out->set_next_attempt_at(FormatMs(d.next_ms));
      out->set_last_attempt_at(FormatMs(d.last_ms));
      out->set_last_status(d.last_status);
      out->set_last_error(d.last_error);
    }
    response->set_next_page_token(listed.next_page_token);
    return absl::OkStatus();
  });
}

}  // namespace catalog::server
