// How the HTTP port's answers are encoded on the wire.
//
// Debian's cpp-httplib (0.11) compresses every answer of a compressible
// type with Brotli at its highest quality (11) when the client takes it:
// 130 ms for the UI's 266 KB script, milliseconds for each JSON answer —
// and it does so over an answer already gzipped (the UI's embedded gzip
// twins), so the browser had to undo both. Every handler sets its answer
// through SetBody instead: an answer that already names its encoding goes
// out as it is; another of a compressible type, over 1 KiB, is gzipped
// (zlib, level 5) for a client that takes gzip. Either leaves as a sized
// content provider, which httplib sends untouched.
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>

namespace catalog::server {

// `req`: the request answered, whose Accept-Encoding is honoured; nullptr
// for an answer sent as it is (a small error).
void SetBody(const httplib::Request* req, httplib::Response& res, std::string body,
             const std::string& type);

// Whether the request's Accept-Encoding takes gzip (not refused by q=0).
bool TakesGzip(const httplib::Request& req);

// `data` gzipped (RFC 1952) at `level`; "" when zlib fails.
std::string Gzip(std::string_view data, int level);
// The inverse; "" when `data` is not gzip.
std::string Gunzip(std::string_view data);

}  // namespace catalog::server
