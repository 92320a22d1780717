#include "server/ui_http.h"

#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "server/http_encoding.h"

namespace catalog::server {
namespace {

// No inline script or style, nothing from elsewhere, no framing; the page
// talks to this origin only.
constexpr char kContentSecurityPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

std::string ContentType(std::string_view path) {
  auto ends = [&](std::string_view ext) {
    return path.size() >= ext.size() && path.substr(path.size() - ext.size()) == ext;
  };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

void Serve(const httplib::Request& req, httplib::Response& res, std::string_view path,
           std::string_view data, std::string_view gzip) {
  const bool asset = path.rfind("assets/", 0) == 0;
  res.set_header("Cache-Control",
                 asset ? "public, max-age=31536000, immutable" : "no-cache");
  res.set_header("Vary", "Accept-Encoding");
  // Already gzipped (at build time): sent as it is.
  if (!gzip.empty() && TakesGzip(req)) {
    res.set_header("Content-Encoding", "gzip");
    SetBody(&req, res, std::string(gzip), ContentType(path));
  } else {
    SetBody(nullptr, res, std::string(data), ContentType(path));
  }
}

std::string ReadWhole(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return "";
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

void RegisterUi(httplib::Server& http, const std::string& ui_dir) {
  auto handler = [ui_dir](const httplib::Request& req, httplib::Response& res) {
    std::string path = req.path == "/" ? "index.html" : req.path.substr(1);
    if (!ui_dir.empty()) {
      // Development: the files as they are on disk now. The route's pattern
      // admits no "..", so nothing outside the directory is reachable.
      std::filesystem::path file = std::filesystem::path(ui_dir) / path;
      std::string data = ReadWhole(file);
      if (data.empty()) {
        res.status = 404;
        return;
      }
      std::string gz = ReadWhole(file.string() + ".gz");
      return Serve(req, res, path, data, gz);
    }
    for (const UiFile& f : EmbeddedUiFiles()) {
      if (f.path == path) return Serve(req, res, path, f.data, f.gzip);
    }
    res.status = 404;
  };
  http.Get("/", handler);
  http.Get("/favicon.svg", handler);
  http.Get(R"(/assets/app-[0-9a-f]{16}\.(js|css))", handler);
}

void AddSecurityHeaders(httplib::Server& http) {
  http.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("Content-Security-Policy", kContentSecurityPolicy);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("X-Frame-Options", "DENY");
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cross-Origin-Opener-Policy", "same-origin");
    res.set_header("Cross-Origin-Resource-Policy", "same-origin");
  });
}

}  // namespace catalog::server
