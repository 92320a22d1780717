// One webhook delivery attempt over the network: an HTTP(S) POST of a JSON
// body to the address the destination check chose (the URL's host still
// names the server for TLS and the Host header), redirects not followed,
// bounded in time and in how much of the answer is read.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "server/webhooks/destination.h"

namespace catalog::server::webhooks {

struct PostOptions {
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds io_timeout{10};  // each read and write
  std::string ca_file;  // "" the system's trust store
};

struct PostResult {
  int status = 0;     // the HTTP status; 0 when none came
  std::string error;  // why it failed ("" for a 2xx)
  bool ok() const { return status >= 200 && status < 300; }
};

PostResult PostJson(const WebhookUrl& url, const IpAddress& address,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body, const PostOptions& options);

}  // namespace catalog::server::webhooks
