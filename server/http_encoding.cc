#include "server/http_encoding.h"

#include <zlib.h>

#include <cstdlib>
#include <memory>

namespace catalog::server {
namespace {

constexpr size_t kMinCompressed = 1024;

bool Compressible(std::string_view type) {
  return type.starts_with("text/") || type.starts_with("application/json") ||
         type.starts_with("application/javascript") || type.starts_with("image/svg+xml") ||
         type.starts_with("application/xml");
}

}  // namespace

bool TakesGzip(const httplib::Request& req) {
  // "gzip" among the codings, unless refused with q=0 (RFC 9110 §12.5.3).
  const std::string accept = req.get_header_value("Accept-Encoding");
  size_t from = 0;
  while (from < accept.size()) {
    size_t end = accept.find(',', from);
    if (end == std::string::npos) end = accept.size();
    std::string coding = accept.substr(from, end - from);
    from = end + 1;
    const size_t semi = coding.find(';');
    std::string name = coding.substr(0, semi);
    name.erase(0, name.find_first_not_of(" \t"));
    name.erase(name.find_last_not_of(" \t") + 1);
    if (name != "gzip" && name != "x-gzip" && name != "*") continue;
    if (semi == std::string::npos) return true;
    const size_t q = coding.find("q=", semi);
    return q == std::string::npos || std::strtod(coding.c_str() + q + 2, nullptr) > 0;
  }
  return false;
}

std::string Gzip(std::string_view data, int level) {
  z_stream z{};
  // 15 window bits, +16: a gzip header and trailer.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return "";
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int done = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return done == Z_STREAM_END ? out : "";
}

std::string Gunzip(std::string_view data) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) return "";
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[16384];
  int state = Z_OK;
  while (state == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    state = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  inflateEnd(&z);
  return state == Z_STREAM_END ? out : "";
}

void SetBody(const httplib::Request* req, httplib::Response& res, std::string body,
             const std::string& type) {
  if (req != nullptr && !res.has_header("Content-Encoding") && body.size() >= kMinCompressed &&
      Compressible(type)) {
    // Whether or not this client takes gzip, the answer depends on it.
    res.set_header("Vary", "Accept-Encoding");
    if (TakesGzip(*req)) {
      std::string gzipped = Gzip(body, 5);
      if (!gzipped.empty()) {
        body = std::move(gzipped);
        res.set_header("Content-Encoding", "gzip");
      }
    }
  }
  // A sized content provider: httplib compresses only plain bodies and
  // chunked providers.
  auto shared = std::make_shared<std::string>(std::move(body));
  res.set_content_provider(
      shared->size(), type,
      [shared](size_t offset, size_t length, httplib::DataSink& sink) {
        return sink.write(shared->data() + offset, length);
      });
}

}  // namespace catalog::server
