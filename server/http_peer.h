// Who is on the other end of an HTTP request.
#pragma once

#include <string>

namespace httplib {
struct Request;
}  // namespace httplib

namespace catalog::server {

// The client certificate of a mutual-TLS connection as PEM ("" if none).
std::string ClientCertificatePem(const httplib::Request& req);

}  // namespace catalog::server
