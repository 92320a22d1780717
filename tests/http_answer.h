// One HTTP request to a catalogd's HTTP port, and its answer, for tests of
// the JSON API and the web UI's routes.
#pragma once

#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>

namespace catalog::testing {

struct HttpAnswer {
  int status = 0;  // 0: no answer came
  std::string body;
  httplib::Headers headers;

  nlohmann::json Json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// `method` is GET, POST or DELETE; `body` and `type` are for POST.
inline HttpAnswer HttpCall(int port, const std::string& method, const std::string& path,
                           const httplib::Headers& headers, const std::string& body = "",
                           const std::string& type = "application/json") {
  httplib::Client http("127.0.0.1", port);
  httplib::Result r = method == "GET"      ? http.Get(path, headers)
                      : method == "DELETE" ? http.Delete(path, headers)
                                           : http.Post(path, headers, body, type);
  if (!r) return {};
  return {r->status, r->body, r->headers};
}

}  // namespace catalog::testing
