#include "lib/util/pem.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "lib/util/strings.h"

namespace catalog {

absl::StatusOr<std::string> ReadPemFile(std::string_view setting, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || text.str().find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(
        StrCat(setting, ": \"", path, "\" is not a readable PEM file"));
  }
  return text.str();
}

absl::Status CheckKeyPair(std::string_view cert_pem, std::string_view key_pem) {
  auto bio = [](std::string_view text) {
    return std::unique_ptr<BIO, decltype(&BIO_free)>(
        BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), BIO_free);
  };
  auto cert_bio = bio(cert_pem);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (cert == nullptr) {
    return absl::InvalidArgumentError("tls-cert: holds no readable certificate");
  }
  auto key_bio = bio(key_pem);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (key == nullptr) {
    return absl::InvalidArgumentError("tls-key: holds no readable (unencrypted) private key");
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(
        "tls-key: is not the private key of the certificate in tls-cert");
  }
  return absl::OkStatus();
}

}  // namespace catalog
