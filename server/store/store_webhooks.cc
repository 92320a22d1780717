// Webhooks (docs/quality.md#webhooks): subscriptions, and the deliveries
// owed to them, queued in the transaction of their event (an outbox) and
// handed to the leader's dispatcher (server/webhooks/dispatcher.h) in
// order, one webhook's oldest pending delivery at a time.
#include <algorithm>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/util/time.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

using nlohmann::json;

constexpr std::string_view kWebhookColumns =
    "w.id, w.name, w.url, w.scope_kind, w.scope, w.events, w.subscriber, w.secret, w.key_id, "
    "w.state, w.state_reason, w.created_ms";

// A dataset webhook's scope as stored: the key as a JSON array, as no
// spelling of "namespace/name" could name two datasets.
std::string DatasetScope(const DatasetKey& dataset) {
  return json::array({dataset.ns, dataset.name}).dump();
}

std::string ScopeOf(const WebhookRecord& w) {
  return w.scope_kind == "dataset" ? DatasetScope(w.dataset) : w.domain;
}

WebhookRecord ReadWebhook(const Statement& s) {
  WebhookRecord w{.id = s.Int(0),
          .name = s.Text(1),
          .url = s.Text(2),
          .scope_kind = s.Text(3),
          .events = absl::StrSplit(s.Text(5), ' ', absl::SkipEmpty()),
          .subscriber = s.Text(6),
          .secret = s.Text(7),
          .key_id = s.Text(8),
          .state = s.Text(9),
          .state_reason = s.Text(10),
          .created_ms = s.Int(11)};
  if (w.scope_kind == "dataset") {
    json key = json::parse(s.Text(4), nullptr, false);
    if (key.is_array() && key.size() == 2 && key[0].is_string() && key[1].is_string()) {
      w.dataset = {key[0].get<std::string>(), key[1].get<std::string>()};
    }
  } else {
    w.domain = s.Text(4);
  }
  return w;
}

constexpr std::string_view kDeliveryColumns =
    "d.id, d.webhook_id, w.name, d.event, d.namespace, d.name, d.detail, d.created_ms, d.state, "
    "d.attempts, d.next_ms, d.last_ms, d.last_status, d.last_error, d.body, w.url, "
    "w.subscriber, w.secret, w.key_id";

WebhookDelivery ReadDelivery(const Statement& s) {
  return {.id = s.Int(0),
          .webhook_id = s.Int(1),
          .webhook = s.Text(2),
          .event = s.Text(3),
          .dataset = {s.Text(4), s.Text(5)},
          .detail = s.Text(6),
          .created_ms = s.Int(7),
          .state = s.Text(8),
          .attempts = static_cast<int>(s.Int(9)),
          .next_ms = s.Int(10),
          .last_ms = s.Int(11),
          .last_status = static_cast<int>(s.Int(12)),
          .last_error = s.Text(13),
          .body = s.Text(14),
          .url = s.Text(15),
          .subscriber = s.Text(16),
          .secret = s.Text(17),
          .key_id = s.Text(18)};
}

absl::StatusOr<std::optional<WebhookRecord>> FindWebhook(Connection& db, std::string_view name) {
  ASSIGN_OR_RETURN(Statement * s, db.Prepare(StrCat("SELECT ", kWebhookColumns,
                                                    " FROM webhooks w WHERE w.name = ?")));
  s->Bind(1, name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  WebhookRecord w = ReadWebhook(*s);
  s->Reset();
  return w;
}

absl::Status WebhookNotFound(std::string_view name) {
  return absl::NotFoundError(StrCat("webhook \"", name, "\" not found"));
}

// Webhooks by name, with their pending deliveries and last error: all of
// them, or the one named `name`.
absl::StatusOr<std::vector<WebhookRecord>> ReadWebhooks(Connection& db,
                                                               std::string_view name) {
  ASSIGN_OR_RETURN(
      Statement * s,
      db.Prepare(StrCat("SELECT ", kWebhookColumns,
                        ", (SELECT count(*) FROM webhook_deliveries q WHERE q.webhook_id = "
                        "w.id AND q.state = 'pending'), coalesce((SELECT q.last_error FROM "
                        "webhook_deliveries q WHERE q.webhook_id = w.id AND q.last_ms > 0 "
                        "ORDER BY q.last_ms DESC, q.id DESC LIMIT 1), '') FROM webhooks w "
                        "WHERE ?1 = '' OR w.name = ?1 ORDER BY w.name")));
  s->Bind(1, name);
  std::vector<WebhookRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadWebhook(*s));
    out.back().pending = s->Int(12);
    out.back().last_error = s->Text(13);
  }
  return out;
}

}  // namespace

absl::Status QueueWebhookEvent(WriteContext& ctx, std::string_view event,
                               const DatasetKey& dataset, const json& detail) {
  // A dataset's own webhooks, and its domain's and the domains above it
  // ("sales" hears of "sales/emea"); not one already owed
  // Options::max_pending_deliveries (a receiver down for long must not
  // fill the disk).
  ASSIGN_OR_RETURN(
      Statement * s,
      ctx.db.Prepare(
          "INSERT INTO webhook_deliveries(webhook_id, event, namespace, name, detail, "
          "created_ms, state, attempts, next_ms, last_ms, last_status, last_error, body) "
          "SELECT w.id, ?1, ?2, ?3, ?4, ?5, 'pending', 0, ?5, 0, 0, '', '' FROM webhooks w "
          "LEFT JOIN datasets d ON d.namespace = ?2 AND d.name = ?3 "
          "WHERE (' ' || w.events || ' ') LIKE ?6 AND ((w.scope_kind = 'dataset' AND w.scope = "
          "?7) OR (w.scope_kind = 'domain' AND d.domain IS NOT NULL AND (w.scope = d.domain OR "
          "substr(d.domain, 1, length(w.scope) + 1) = w.scope || '/'))) AND (SELECT count(*) "
          "FROM webhook_deliveries q WHERE q.webhook_id = w.id AND q.state = 'pending') < ?8"));
  s->Bind(1, event);
  s->Bind(2, dataset.ns);
  s->Bind(3, dataset.name);
  s->Bind(4, detail.dump());
  s->Bind(5, ctx.now_ms);
  s->Bind(6, StrCat("% ", event, " %"));
  s->Bind(7, DatasetScope(dataset));
  s->Bind(8, ctx.max_pending_deliveries);
  return s->Run();
}

absl::StatusOr<WebhookRecord> Store::CreateWebhook(const WebhookRecord& w,
                                                   std::string_view actor) {
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<WebhookRecord> {
    ASSIGN_OR_RETURN(std::optional<WebhookRecord> taken, FindWebhook(ctx.db, w.name));
    if (taken) return absl::AlreadyExistsError(StrCat("webhook \"", w.name, "\" exists"));
    ASSIGN_OR_RETURN(Statement * count,
                     ctx.db.Prepare("SELECT count(*) FROM webhooks WHERE subscriber = ?"));
    count->Bind(1, w.subscriber);
    ASSIGN_OR_RETURN(bool row, count->Step());
    const int64_t owned = row ? count->Int(0) : 0;
    count->Reset();
    if (owned >= kMaxWebhooksPerSubscriber) {
      return absl::ResourceExhaustedError(StrCat(w.subscriber, " has ", owned,
                                                 " webhooks, the most one subscriber may have"));
    }
    ASSIGN_OR_RETURN(
        Statement * insert,
        ctx.db.Prepare("INSERT INTO webhooks(name, url, scope_kind, scope, events, subscriber, "
                       "secret, key_id, state, state_reason, created_ms) VALUES (?, ?, ?, ?, ?, "
                       "?, ?, ?, 'active', '', ?) RETURNING id"));
    insert->Bind(1, w.name);
    insert->Bind(2, w.url);
    insert->Bind(3, w.scope_kind);
    insert->Bind(4, ScopeOf(w));
    insert->Bind(5, absl::StrJoin(w.events, " "));
    insert->Bind(6, w.subscriber);
    insert->Bind(7, w.secret);
    insert->Bind(8, w.key_id);
    insert->Bind(9, ctx.now_ms);
    ASSIGN_OR_RETURN(row, insert->Step());
    if (!row) return absl::InternalError("webhook insert returned no id");
    WebhookRecord out = w;
    out.id = insert->Int(0);
    insert->Reset();
    out.state = "active";
    out.state_reason.clear();
    out.created_ms = ctx.now_ms;
    RETURN_IF_ERROR(ctx.Audit("webhook.create", "Webhook", w.name, 0, 0));
    return out;
  });
}

absl::StatusOr<std::vector<WebhookRecord>> Store::ListWebhooks() {
  return impl_->Read([&](Connection& db) { return ReadWebhooks(db, ""); });
}

absl::StatusOr<WebhookRecord> Store::GetWebhook(std::string_view name) {
  if (name.empty()) return WebhookNotFound(name);
  ASSIGN_OR_RETURN(std::vector<WebhookRecord> found,
                   impl_->Read([&](Connection& db) { return ReadWebhooks(db, name); }));
  if (found.empty()) return WebhookNotFound(name);
  return std::move(found[0]);
}

absl::Status Store::DeleteWebhook(std::string_view name, std::string_view actor) {
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<bool> {
           ASSIGN_OR_RETURN(Statement * s, ctx.db.Prepare("DELETE FROM webhooks WHERE name = ?"));
           s->Bind(1, name);
           RETURN_IF_ERROR(s->Run());
           if (ctx.db.Changes() == 0) return WebhookNotFound(name);
           RETURN_IF_ERROR(ctx.Audit("webhook.delete", "Webhook", name, 0, 0));
           return true;
         })
      .status();
}

absl::StatusOr<WebhookRecord> Store::ResumeWebhook(std::string_view name, std::string_view actor) {
  RETURN_IF_ERROR(impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<bool> {
                    ASSIGN_OR_RETURN(std::optional<WebhookRecord> w, FindWebhook(ctx.db, name));
                    if (!w) return WebhookNotFound(name);
                    ASSIGN_OR_RETURN(Statement * s,
                                     ctx.db.Prepare("UPDATE webhooks SET state = 'active', "
                                                    "state_reason = '' WHERE id = ?"));
                    s->Bind(1, w->id);
                    RETURN_IF_ERROR(s->Run());
                    // Its oldest delivery starts over, now.
                    ASSIGN_OR_RETURN(
                        Statement * head,
                        ctx.db.Prepare("UPDATE webhook_deliveries SET attempts = 0, next_ms = ? "
                                       "WHERE webhook_id = ? AND state = 'pending'"));
                    head->Bind(1, ctx.now_ms);
                    head->Bind(2, w->id);
                    RETURN_IF_ERROR(head->Run());
                    RETURN_IF_ERROR(ctx.Audit("webhook.resume", "Webhook", name, 0, 0));
                    return true;
                  }).status());
  return GetWebhook(name);
}

absl::StatusOr<Page<WebhookDelivery>> Store::ListWebhookDeliveries(int64_t webhook_id,
                                                                   const PageRequest& page) {
  ASSIGN_OR_RETURN(const int64_t before_id, PageBelowId(page));
  const int limit = EffectivePageSize(page);
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Page<WebhookDelivery>> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare(StrCat("SELECT ", kDeliveryColumns,
                                       " FROM webhook_deliveries d JOIN webhooks w ON w.id = "
                                       "d.webhook_id WHERE d.webhook_id = ? AND d.id < ? ORDER "
                                       "BY d.id DESC LIMIT ?")));
    s->Bind(1, webhook_id);
    s->Bind(2, before_id);
    s->Bind(3, static_cast<int64_t>(limit) + 1);
    return ReadIdPage<WebhookDelivery>(*s, limit, ReadDelivery);
  });
}

absl::StatusOr<std::vector<WebhookDelivery>> Store::DueWebhookDeliveries(int limit) {
  const int64_t now_ms = impl_->NowMs();
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::vector<WebhookDelivery>> {
    ASSIGN_OR_RETURN(
        Statement * s,
        db.Prepare(StrCat("SELECT ", kDeliveryColumns,
                          " FROM webhooks w JOIN webhook_deliveries d ON d.id = (SELECT "
                          "min(q.id) FROM webhook_deliveries q WHERE q.webhook_id = w.id AND "
                          "q.state = 'pending') WHERE w.state = 'active' AND d.next_ms <= ? "
                          "ORDER BY d.next_ms, d.id LIMIT ?")));
    s->Bind(1, now_ms);
    s->Bind(2, static_cast<int64_t>(limit));
    std::vector<WebhookDelivery> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(ReadDelivery(*s));
    }
    return out;
  });
}

absl::Status Store::RecordWebhookAttempt(int64_t id, const DeliveryAttempt& attempt,
                                         const WebhookRetry& retry) {
  // No revision: a delivery's progress is not a change to the catalog (a
  // pause is, with its audit event).
  return impl_->Write("catalogd", [&](WriteContext& ctx) -> absl::StatusOr<bool> {
           ASSIGN_OR_RETURN(Statement * find,
                            ctx.db.Prepare("SELECT d.attempts, d.state, w.id, w.name FROM "
                                           "webhook_deliveries d JOIN webhooks w ON w.id = "
                                           "d.webhook_id WHERE d.id = ?"));
           find->Bind(1, id);
           ASSIGN_OR_RETURN(bool row, find->Step());
           // Gone with its webhook, or finished by another attempt.
           if (!row || find->Text(1) != "pending") {
             if (row) find->Reset();
             return false;
           }
           const int attempts = static_cast<int>(find->Int(0)) + 1;
           const int64_t webhook_id = find->Int(2);
           const std::string webhook = find->Text(3);
           find->Reset();
           using Outcome = DeliveryAttempt::Outcome;
           std::string state = attempt.outcome == Outcome::kDelivered ? "delivered"
                                : attempt.outcome == Outcome::kSkipped ? "skipped"
                                                                       : "pending";
           int64_t next_ms = 0;
           if (attempt.outcome == Outcome::kFailed) {
             int64_t wait = retry.first_ms;
             for (int i = 1; i < attempts && wait < retry.max_ms; ++i) wait *= 2;
             next_ms = ctx.now_ms + std::min(wait, retry.max_ms);
           }
           ASSIGN_OR_RETURN(
               Statement * u,
               ctx.db.Prepare("UPDATE webhook_deliveries SET state = ?, attempts = ?, next_ms = ?, "
                              "last_ms = ?, last_status = ?, last_error = ?, body = ? WHERE id = ?"));
           u->Bind(1, state);
           u->Bind(2, static_cast<int64_t>(attempts));
           u->Bind(3, next_ms);
           u->Bind(4, ctx.now_ms);
           u->Bind(5, static_cast<int64_t>(attempt.status));
           u->Bind(6, attempt.error);
           u->Bind(7, attempt.body);
           u->Bind(8, id);
           RETURN_IF_ERROR(u->Run());
           if (attempt.outcome == Outcome::kFailed && attempts >= retry.max_attempts) {
             // Kept, in order, until someone resumes the webhook.
             ASSIGN_OR_RETURN(Statement * pause,
                              ctx.db.Prepare("UPDATE webhooks SET state = 'paused', "
                                             "state_reason = ? WHERE id = ?"));
             pause->Bind(1, StrCat("delivery ", id, " failed ", attempts, " times, the last at ",
                                   FormatMs(ctx.now_ms), ": ", attempt.error));
             pause->Bind(2, webhook_id);
             RETURN_IF_ERROR(pause->Run());
             RETURN_IF_ERROR(ctx.Audit("webhook.pause", "Webhook", webhook, 0, 0));
           }
           return true;
         })
      .status();
}

absl::StatusOr<Store::WebhookCounts> Store::CountWebhookDeliveries() {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<WebhookCounts> {
    ASSIGN_OR_RETURN(
        Statement * s,
        db.Prepare("SELECT (SELECT count(*) FROM webhook_deliveries WHERE state = 'pending'), "
                   "(SELECT count(*) FROM webhooks WHERE state = 'paused')"));
    ASSIGN_OR_RETURN(bool row, s->Step());
    WebhookCounts out;
    if (row) out = {s->Int(0), s->Int(1)};
    s->Reset();
    return out;
  });
}

absl::StatusOr<int64_t> Store::PruneWebhookDeliveries(int64_t before_ms) {
  return impl_->Write("", [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(Statement * s,
                     ctx.db.Prepare("DELETE FROM webhook_deliveries WHERE state <> 'pending' AND "
                                    "created_ms < ?"));
    s->Bind(1, before_ms);
    RETURN_IF_ERROR(s->Run());
    return ctx.db.Changes();
  });
}

}  // namespace catalog::store
