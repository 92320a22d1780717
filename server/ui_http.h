// The web UI's files on the HTTP port: `/` (index.html), `/favicon.svg` and
// `/assets/app-HASH.{js,css}`, embedded in catalogd at build time (ui/,
// built by ui/build.mjs; cmake/embed_ui.cmake), or read from a directory
// (`--ui-dir`, for UI development). Fingerprinted assets are immutable and
// cached for a year; index.html is revalidated. Every answer of the port
// carries the security headers (a strict Content-Security-Policy, nosniff,
// no framing, no referrer).
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace httplib {
class Server;
}  // namespace httplib

namespace catalog::server {

struct UiFile {
  std::string_view path;  // "index.html", "assets/app-0123456789abcdef.js"
  std::string_view data;
  std::string_view gzip;  // the same, gzip-compressed; empty if none
};

// The files embedded at build time (ui_assets_embedded.cc).
std::span<const UiFile> EmbeddedUiFiles();

// Serves the UI from `ui_dir`, or the embedded files when it is empty.
void RegisterUi(httplib::Server& http, const std::string& ui_dir);

// Adds the security headers to every answer of `http`.
void AddSecurityHeaders(httplib::Server& http);

}  // namespace catalog::server
