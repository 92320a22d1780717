#include "server/peer_identity.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <memory>
#include <vector>

#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::server {
namespace {

struct Sans {
  std::vector<std::string> uris, dns;
};

absl::StatusOr<Sans> ReadSans(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (cert == nullptr) {
    return absl::UnauthenticatedError("the client certificate cannot be read");
  }
  Sans out;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
    if (n->type != GEN_URI && n->type != GEN_DNS) continue;
    const ASN1_IA5STRING* s = n->d.ia5;
    std::string value(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                      ASN1_STRING_length(s));
    (n->type == GEN_URI ? out.uris : out.dns).push_back(std::move(value));
  }
  GENERAL_NAMES_free(names);
  return out;
}

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> PrincipalOfCertificate(std::string_view pem) {
  ASSIGN_OR_RETURN(Sans sans, ReadSans(pem));
  std::string principal;
  for (const std::string& uri : sans.uris) {
    if (uri.rfind("spiffe://", 0) != 0) continue;
    std::vector<std::string> parts = Split(uri.substr(9), '/');
    if (parts.size() < 3) continue;  // trust domain, kind, name
    const std::string& kind = parts[parts.size() - 2];
    const std::string& name = parts.back();
    if (kind == "sa" || kind == "serviceaccount") principal = "serviceaccount:" + name;
    if (kind == "user") principal = "user:" + name;
    if (!principal.empty()) break;
  }
  if (principal.empty() && !sans.dns.empty()) {
    principal = "serviceaccount:" + Split(sans.dns[0], '.')[0];
  }
  if (principal.empty()) {
    return absl::UnauthenticatedError(
        "the client certificate has no SPIFFE URI SAN (.../sa/NAME, "
        ".../user/NAME) or DNS SAN naming a principal");
  }
  if (!ParsePrincipalRef("certificate", principal).ok()) {
    return absl::UnauthenticatedError(
        StrCat("the client certificate names \"", principal,
               "\", which is not a valid principal"));
  }
  return principal;
}

}  // namespace catalog::server
