// The leader's webhook deliveries (docs/quality.md#webhooks): a thread
// that, while this catalogd leads, takes each active webhook's oldest
// pending delivery when it is due, builds its body once (payload.h),
// checks its destination again (destination.h), POSTs it signed with the
// webhook's secret, and records how it went — retrying with backoff and
// pausing the webhook after its last attempt, so deliveries are at least
// once and in order per webhook.
//
// The signature: header Catalogd-Signature "t=<unix seconds>,v1=<hex>",
// where hex is HMAC-SHA256(secret, "<t>.<body>").
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "server/authz/authorizer.h"
#include "server/lineage/graph.h"
#include "server/secrets_key.h"
#include "server/store/store.h"
#include "server/webhooks/destination.h"
#include "server/webhooks/sender.h"

namespace catalog::server::webhooks {

// The signature header's value for `body` sent at `unix_seconds`.
std::string Signature(std::string_view secret, int64_t unix_seconds, std::string_view body);

class Dispatcher {
 public:
  struct Options {
    std::chrono::milliseconds interval{1000};  // between looks for due deliveries
    store::WebhookRetry retry;
    AddressAllowList allow;
    PostOptions post;
    SecretsKey key;
    int hops = 3;  // downstream named in payloads
    int parallel = 4;  // webhooks delivered to at once
  };
  Dispatcher(store::Store* store, const authz::Authorizer* authorizer,
             const lineage::LineageGraph* graph, Options options);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

 private:
  void Run();
  // Delivers what is due now; how many attempts it recorded.
  int DeliverDue();
  // Tries `d`; false when it could not be tried yet (the lineage graph loads).
  bool Deliver(const store::WebhookDelivery& d);

  store::Store* store_;
  const authz::Authorizer* authorizer_;
  const lineage::LineageGraph* graph_;
  const Options options_;
  std::mutex mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace catalog::server::webhooks
