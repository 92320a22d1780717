// A webhook receiver for tests: an HTTP server on a free loopback port
// that keeps what it is sent (event, delivery, signature, body) and can
// fail on purpose, and the check of a delivery's signature.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

#include "lib/util/sha256.h"
#include "lib/util/strings.h"

namespace catalog::testing {

// An HTTP receiver on a free loopback port: keeps what it is sent and
// answers 500 to the first `fail_first` POSTs (or to all while `failing`).
class Receiver {
 public:
  struct Request {
    std::string event, delivery, signature, body;
  };
  Receiver() {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      received_.push_back({req.get_header_value("Catalogd-Event"),
                           req.get_header_value("Catalogd-Delivery"),
                           req.get_header_value("Catalogd-Signature"), req.body});
      if (failing_ || fail_first_ > 0) {
        if (fail_first_ > 0) --fail_first_;
        res.status = 500;
        res.set_content("receiver down", "text/plain");
        return;
      }
      res.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return StrCat("http://127.0.0.1:", port_, "/hook"); }
  void FailFirst(int n) {
    std::lock_guard lock(mu_);
    fail_first_ = n;
  }
  void SetFailing(bool failing) {
    std::lock_guard lock(mu_);
    failing_ = failing;
  }
  std::vector<Request> received() {
    std::lock_guard lock(mu_);
    return received_;
  }
  // Waits (up to 20 s) until `n` requests came.
  std::vector<Request> WaitFor(size_t n) {
    for (auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
         std::chrono::steady_clock::now() < end; std::this_thread::sleep_for(std::chrono::milliseconds(50))) {
      if (received().size() >= n) break;
    }
    return received();
  }

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Request> received_;
  int fail_first_ = 0;
  bool failing_ = false;
};

// Whether `signature` ("t=…,v1=…") signs `body` with `secret`.
inline bool Signed(const std::string& signature, const std::string& secret, const std::string& body) {
  const size_t comma = signature.find(",v1=");
  if (signature.rfind("t=", 0) != 0 || comma == std::string::npos) return false;
  const std::string t = signature.substr(2, comma - 2);
  return signature.substr(comma + 4) == HmacSha256Hex(secret, t + "." + body);
}

}  // namespace catalog::testing
