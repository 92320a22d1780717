#include "client/webhook_commands.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_join.h"
#include "lib/util/strings.h"

namespace catalog::client {
namespace {

using WStub = v1::WebhookService::Stub;

std::string ScopeOf(const v1::Webhook& w) {
  if (w.has_dataset()) return StrCat(w.dataset().namespace_(), "/", w.dataset().name());
  return StrCat("domain ", w.domain());
}

void PrintOne(std::ostream& out, const v1::Webhook& w) {
  out << "webhook " << w.name() << " (" << w.state() << ") on " << ScopeOf(w) << " -> "
      << w.url() << "\n  events: " << absl::StrJoin(w.events(), ", ")
      << "\n  subscriber: " << w.subscriber() << "\n  pending: " << w.pending() << "\n";
  if (!w.state_reason().empty()) out << "  paused: " << w.state_reason() << "\n";
  if (!w.last_error().empty()) out << "  last error: " << w.last_error() << "\n";
}

}  // namespace

int RunWebhooks(CommandContext& ctx, const WebhookOptions& o) {
  if (o.output != "table" && o.output != "json") {
    ctx.err << "error: -o must be table or json\n";
    return 2;
  }
  auto print = [&](const google::protobuf::Message& m, auto&& table) {
    if (o.output == "json") {
      PrintDocument(ctx.out, Format::kJson, ProtoToJson(m));
    } else {
      table();
    }
    return 0;
  };
  if (o.action == "add") {
    v1::CreateWebhookRequest req;
    req.set_name(o.name);
    req.set_url(o.url);
    if (!o.dataset.empty()) {
      absl::StatusOr<DatasetKey> key = DatasetKeyOf(ctx, o.dataset);
      if (!key.ok()) return ReportError(ctx.err, key.status());
      req.mutable_dataset()->set_namespace_(key->ns);
      req.mutable_dataset()->set_name(key->name);
    }
    req.set_domain(o.domain);
    for (const std::string& e : o.events) req.add_events(e);
    absl::StatusOr<v1::CreateWebhookResponse> r =
        ctx.client.Call(&WStub::CreateWebhook, ctx.client.webhooks(), req);
    if (!r.ok()) return ReportError(ctx.err, r.status());
    return print(*r, [&] {
      PrintOne(ctx.out, r->webhook());
      ctx.out << "secret: " << r->secret()
              << "\n(shown this once: verify the Catalogd-Signature header with it)\n";
    });
  }
  if (o.action == "resume" || o.action == "delete") {
    v1::WebhookRequest req;
    req.set_name(o.name);
    if (o.action == "delete") {
      absl::Status s =
          ctx.client.Call(&WStub::DeleteWebhook, ctx.client.webhooks(), req).status();
      if (!s.ok()) return ReportError(ctx.err, s);
      ctx.out << "webhook " << o.name << " deleted\n";
      return 0;
    }
    absl::StatusOr<v1::Webhook> r = ctx.client.Call(&WStub::ResumeWebhook, ctx.client.webhooks(), req);
    if (!r.ok()) return ReportError(ctx.err, r.status());
    return print(*r, [&] { PrintOne(ctx.out, *r); });
  }
  if (o.action == "deliveries") {
    v1::ListWebhookDeliveriesRequest req;
    req.set_name(o.name);
    absl::StatusOr<v1::ListWebhookDeliveriesResponse> r =
        ctx.client.Call(&WStub::ListWebhookDeliveries, ctx.client.webhooks(), req);
    if (!r.ok()) return ReportError(ctx.err, r.status());
    return print(*r, [&] {
      if (r->deliveries().empty()) {
        ctx.out << "no deliveries\n";
        return;
      }
      Table t{.header = {"ID", "EVENT", "DATASET", "STATE", "ATTEMPTS", "LAST STATUS",
                         "CREATED", "NEXT ATTEMPT", "LAST ERROR"}};
      for (const v1::WebhookDelivery& d : r->deliveries()) {
        t.rows.push_back({std::to_string(d.id()), d.event(),
                          StrCat(d.dataset().namespace_(), "/", d.dataset().name()), d.state(),
                          std::to_string(d.attempts()),
                          d.last_status() == 0 ? "-" : std::to_string(d.last_status()),
                          d.created_at(), d.next_attempt_at().empty() ? "-" : d.next_attempt_at(),
                          d.last_error().empty() ? "-" : d.last_error()});
      }
      t.Print(ctx.out);
    });
  }
  if (!o.name.empty()) {
    v1::WebhookRequest req;
    req.set_name(o.name);
    absl::StatusOr<v1::Webhook> r = ctx.client.Call(&WStub::GetWebhook, ctx.client.webhooks(), req);
    if (!r.ok()) return ReportError(ctx.err, r.status());
    return print(*r, [&] { PrintOne(ctx.out, *r); });
  }
  absl::StatusOr<v1::ListWebhooksResponse> r =
      ctx.client.Call(&WStub::ListWebhooks, ctx.client.webhooks(), v1::ListWebhooksRequest());
  if (!r.ok()) return ReportError(ctx.err, r.status());
  return print(*r, [&] {
    if (r->webhooks().empty()) {
      ctx.out << "no webhooks\n";
      return;
    }
    Table t{.header = {"NAME", "STATE", "ON", "EVENTS", "URL", "SUBSCRIBER", "PENDING",
                       "LAST ERROR"}};
    for (const v1::Webhook& w : r->webhooks()) {
      t.rows.push_back({w.name(), w.state(), ScopeOf(w), absl::StrJoin(w.events(), ","), w.url(),
                        w.subscriber(), std::to_string(w.pending()),
                        w.last_error().empty() ? "-" : w.last_error()});
    }
    t.Print(ctx.out);
  });
}

}  // namespace catalog::client
