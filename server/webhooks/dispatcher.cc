#include "server/webhooks/dispatcher.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <vector>

#include "lib/util/metrics.h"
#include "lib/util/sha256.h"
#include "lib/util/strings.h"
#include "server/authz/catalog_entities.h"
#include "server/call.h"
#include "server/webhooks/payload.h"

namespace catalog::server::webhooks {
namespace {

// Due deliveries taken per look (one per webhook).
constexpr int kBatch = 64;

Counter& Attempts(std::string_view result) {
  return Metrics::Get().GetCounter("catalogd_webhook_attempts_total",
                                   "Webhook delivery attempts, by how they ended",
                                   {{"result", std::string(result)}});
}

}  // namespace

std::string Signature(std::string_view secret, int64_t unix_seconds, std::string_view body) {
  const std::string t = std::to_string(unix_seconds);
  return StrCat("t=", t, ",v1=", HmacSha256Hex(secret, StrCat(t, ".", body)));
}

Dispatcher::Dispatcher(store::Store* store, const authz::Authorizer* authorizer,
                       const lineage::LineageGraph* graph, Options options)
    : store_(store), authorizer_(authorizer), graph_(graph), options_(std::move(options)) {
  thread_ = std::thread([this] { Run(); });
}

Dispatcher::~Dispatcher() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  thread_.join();
}

bool Dispatcher::Deliver(const store::WebhookDelivery& d) {
  using Outcome = store::DeliveryAttempt::Outcome;
  store::DeliveryAttempt attempt{.body = d.body};
  auto record = [&] {
    if (absl::Status s = store_->RecordWebhookAttempt(d.id, attempt, options_.retry); !s.ok()) {
      spdlog::warn("webhook {}: recording delivery {} failed: {}", d.webhook, d.id, MessageOf(s));
    }
    Attempts(attempt.outcome == Outcome::kDelivered ? "delivered"
             : attempt.outcome == Outcome::kSkipped ? "skipped"
                                                    : "failed")
        .Add();
    return true;
  };
  // The body is fixed at the first attempt: retries send the same bytes.
  if (attempt.body.empty()) {
    absl::StatusOr<std::string> body = BuildPayload(
        d, {.store = store_,
            .graph = graph_,
            .hops = options_.hops,
            .readable = [&](const DatasetKey& key) {
              return Permits(*authorizer_, d.subscriber, "catalog:read", authz::DatasetUid(key));
            }});
    if (absl::IsUnavailable(body.status())) return false;  // the graph loads: next look
    if (absl::IsPermissionDenied(body.status())) {
      attempt.outcome = Outcome::kSkipped;
      attempt.error = StrCat("not sent: ", MessageOf(body.status()));
      return record();
    }
    if (!body.ok()) {
      attempt.error = StrCat("could not build: ", MessageOf(body.status()));
      return record();
    }
    attempt.body = *std::move(body);
  }
  if (d.key_id != options_.key.id) {
    attempt.error = StrCat("its secret was sealed by secrets key ", d.key_id,
                           ", this catalogd has key ", options_.key.id,
                           " (replicas must share secrets-key-file)");
    return record();
  }
  absl::StatusOr<std::string> secret = UnsealWith(options_.key.key, d.secret);
  if (!secret.ok()) {
    attempt.error = "its secret does not open with this catalogd's secrets key";
    return record();
  }
  absl::StatusOr<WebhookUrl> url = ParseWebhookUrl(d.url);
  absl::StatusOr<IpAddress> address =
      url.ok() ? ResolveDestination(*url, options_.allow) : url.status();
  if (!address.ok()) {
    attempt.error = std::string(MessageOf(address.status()));
    return record();
  }
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  PostResult posted =
      PostJson(*url, *address,
               {{"User-Agent", "catalogd-webhooks"},
                {"Catalogd-Event", d.event},
                {"Catalogd-Delivery", std::to_string(d.id)},
                {"Catalogd-Signature", Signature(*secret, now_s, attempt.body)}},
               attempt.body, options_.post);
  attempt.status = posted.status;
  attempt.outcome = posted.ok() ? Outcome::kDelivered : Outcome::kFailed;
  attempt.error = posted.error;
  if (!posted.ok()) {
    spdlog::info("webhook {}: delivery {} (attempt {}) failed: {}", d.webhook, d.id,
                 d.attempts + 1, posted.error);
  }
  return record();
}

int Dispatcher::DeliverDue() {
  // Before the first snapshot every "may the subscriber read it?" is no:
  // wait for it rather than skip deliveries.
  if (!DecisionsReady(*authorizer_).ok()) return 0;
  absl::StatusOr<std::vector<store::WebhookDelivery>> due =
      store_->DueWebhookDeliveries(kBatch);
  if (!due.ok()) {
    spdlog::warn("reading due webhook deliveries failed: {}", MessageOf(due.status()));
    return 0;
  }
  // One delivery per webhook in a batch: several webhooks at once, each in
  // its order.
  std::atomic<size_t> next{0};
  std::atomic<int> recorded{0};
  auto work = [&] {
    for (size_t i = next++; i < due->size(); i = next++) recorded += Deliver((*due)[i]) ? 1 : 0;
  };
  std::vector<std::thread> helpers;
  const size_t extra = std::min<size_t>(options_.parallel, due->size()) - (due->empty() ? 0 : 1);
  for (size_t i = 0; i < extra; ++i) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  return recorded;
}

void Dispatcher::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (store_->leader()) {
      lock.unlock();
      // A full batch: look again at once.
      while (DeliverDue() == kBatch) {
        std::lock_guard stop(mu_);
        if (stopping_) return;
      }
      lock.lock();
    }
    stop_cv_.wait_for(lock, options_.interval, [&] { return stopping_; });
  }
}

}  // namespace catalog::server::webhooks
