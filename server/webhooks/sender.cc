#include "server/webhooks/sender.h"

#include <httplib.h>

#include "lib/util/printable.h"
#include "lib/util/strings.h"

namespace catalog::server::webhooks {
namespace {

// Of an answer's body, read at most this much (and keep less, for errors).
constexpr size_t kMaxAnswerBytes = 64 * 1024;
constexpr size_t kKeptAnswerBytes = 200;

// A receiver's words, kept to show: bytes past ASCII as '?' (a cut may
// have split a character; the API's strings must be UTF-8).
std::string AsciiOnly(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) c = '?';
  }
  return text;
}

}  // namespace

PostResult PostJson(const WebhookUrl& url, const IpAddress& address,
                    const std::vector<std::pair<std::string, std::string>>& headers,
                    const std::string& body, const PostOptions& options) {
  httplib::Client client(url.Origin());
  // Connect to the address checked, whatever the name resolves to now.
  client.set_hostname_addr_map({{url.host, address.ToString()}});
  client.set_follow_location(false);
  client.set_keep_alive(false);
  client.set_connection_timeout(options.connect_timeout);
  client.set_read_timeout(options.io_timeout);
  client.set_write_timeout(options.io_timeout);
  if (url.scheme == "https") {
    client.enable_server_certificate_verification(true);
    if (!options.ca_file.empty()) client.set_ca_cert_path(options.ca_file.c_str());
  }
  httplib::Request request;
  request.method = "POST";
  request.path = url.target;
  for (const auto& [name, value] : headers) request.headers.emplace(name, value);
  request.body = body;
  request.headers.emplace("Content-Type", "application/json");
  std::string kept;
  size_t read = 0;
  request.content_receiver = [&](const char* data, size_t length, uint64_t, uint64_t) {
    read += length;
    if (kept.size() < kKeptAnswerBytes) {
      kept.append(data, std::min(length, kKeptAnswerBytes - kept.size()));
    }
    return read <= kMaxAnswerBytes;
  };
  httplib::Result result = client.send(request);
  PostResult out;
  if (!result) {
    const httplib::Error e = result.error();
    out.error = e == httplib::Error::Canceled
                    ? StrCat("the answer was longer than ", kMaxAnswerBytes, " bytes")
                    : StrCat("no answer: ", httplib::to_string(e));
    if (e == httplib::Error::SSLServerVerification) {
      out.error = "no answer: the server's certificate is not trusted (webhook-ca)";
    }
    return out;
  }
  out.status = result->status;
  if (out.ok()) return out;
  if (out.status >= 300 && out.status < 400) {
    out.error = StrCat("answered ", out.status, " (redirects are not followed)");
  } else {
    out.error = StrCat("answered ", out.status,
                       kept.empty() ? "" : StrCat(": ", Printable(AsciiOnly(kept))));
  }
  return out;
}

}  // namespace catalog::server::webhooks
