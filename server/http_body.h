// How the HTTP port takes request bodies. cpp-httplib reads a body whole
// (de-chunking and decompressing gzip/brotli without a bound) before a
// plain handler runs; so every route that takes a body reads it itself,
// after authenticating the caller, through ReadBody, and requests with a
// body on any other path are refused before a byte of it is read.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
class ContentReader;
struct Request;
}  // namespace httplib

namespace catalog::server {

// The largest declared body that is read and dropped (rather than the
// connection closed) when it is refused for its size.
inline constexpr size_t kMaxDiscardBytes = 64 << 20;

// The body, de-chunked and decompressed as it arrives; RESOURCE_EXHAUSTED
// as soon as it passes `max_bytes` (the rest is never read; a declared
// Content-Length past it is refused at once, its body read and dropped
// when it is at most kMaxDiscardBytes), INVALID_ARGUMENT when it cannot be
// read or decoded.
absl::StatusOr<std::string> ReadBody(const httplib::Request& req,
                                     const httplib::ContentReader& reader, size_t max_bytes);

// Answers 404 (and closes the connection) for a request that carries a body
// to a path not in `body_paths`, before the body is read.
void RefuseUnexpectedBodies(httplib::Server& http, std::vector<std::string> body_paths);

}  // namespace catalog::server
