#include "server/http_peer.h"

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

namespace catalog::server {

std::string ClientCertificatePem(const httplib::Request& req) {
  if (req.ssl == nullptr) return "";
  X509* cert = SSL_get1_peer_certificate(req.ssl);
  if (cert == nullptr) return "";
  std::string pem;
  if (BIO* bio = BIO_new(BIO_s_mem()); bio != nullptr) {
    if (PEM_write_bio_X509(bio, cert) == 1) {
      char* data = nullptr;
      long n = BIO_get_mem_data(bio, &data);
      pem.assign(data, static_cast<size_t>(n));
    }
    BIO_free(bio);
  }
  X509_free(cert);
  return pem;
}

}  // namespace catalog::server
