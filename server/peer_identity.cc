#include "server/peer_identity.h"

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/printable.h"
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

// SPIFFE ID (spiffe.io, "SPIFFE-ID" §2): a trust domain of lowercase
// letters, digits, '.', '-' and '_'; path segments of letters, digits,
// '.', '-' and '_', none empty, "." or ".."; no port, user info, query,
// fragment or percent-encoding.
bool TrustDomainChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_';
}
bool SegmentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '-' || c == '_';
}

absl::StatusOr<std::string> PrincipalOfSpiffeId(const std::string& uri,
                                                const CertificateRules& rules) {
  auto refuse = [&](std::string_view why) {
    return absl::UnauthenticatedError(
        StrCat("the client certificate's URI SAN \"", Printable(uri), "\" ", why));
  };
  constexpr std::string_view kScheme = "spiffe://";
  if (uri.compare(0, kScheme.size(), kScheme) != 0) {
    return refuse("is not a SPIFFE ID (spiffe://TRUST-DOMAIN/PATH)");
  }
  std::string_view rest = std::string_view(uri).substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string_view domain = rest.substr(0, slash);
  if (!IsTrustDomain(domain)) return refuse("has an invalid trust domain");
  if (rules.trust_domain.empty()) {
    return refuse("cannot be trusted: catalogd has no trust-domain configured");
  }
  if (domain != rules.trust_domain) {
    return refuse(StrCat("is not in the trust domain \"", rules.trust_domain, "\""));
  }
  if (slash == std::string_view::npos) return refuse("names no workload");
  std::vector<std::string> path = Split(rest.substr(slash + 1), '/');
  for (const std::string& segment : path) {
    if (segment.empty() || segment == "." || segment == ".." ||
        !std::all_of(segment.begin(), segment.end(), SegmentChar)) {
      return refuse("has a path segment that is empty, a dot segment, or holds a "
                    "character other than letters, digits, '.', '-' and '_'");
    }
  }
  if (path.size() == 2 && path[0] == "user") return "user:" + path[1];
  if (path.size() == 2 && path[0] == "sa") return "serviceaccount:" + path[1];
  if (path.size() == 4 && path[0] == "ns" && path[2] == "sa") {
    if (rules.client_namespace.empty() || path[1] != rules.client_namespace) {
      return refuse(StrCat("is in namespace \"", path[1],
                           "\"; catalogd accepts service accounts of namespace \"",
                           rules.client_namespace, "\" only (client-namespace)"));
    }
    return "serviceaccount:" + path[3];
  }
  return refuse("is none of /user/NAME, /sa/NAME, /ns/NAMESPACE/sa/NAME");
}

}  // namespace

bool IsTrustDomain(std::string_view domain) {
  return !domain.empty() && std::all_of(domain.begin(), domain.end(), TrustDomainChar);
}

absl::StatusOr<CertificateIdentity> PrincipalOfCertificate(std::string_view pem,
                                                           const CertificateRules& rules) {
  ASSIGN_OR_RETURN(Sans sans, ReadSans(pem));
  std::string principal, id;
  if (sans.uris.size() > 1) {
    return absl::UnauthenticatedError(
        StrCat("the client certificate has ", sans.uris.size(),
               " URI SANs; one names the caller"));
  }
  if (!sans.uris.empty()) {
    ASSIGN_OR_RETURN(principal, PrincipalOfSpiffeId(sans.uris[0], rules));
    id = sans.uris[0];
  } else if (!sans.dns.empty()) {
    principal = "serviceaccount:" + Split(sans.dns[0], '.')[0];
    id = "dns:" + sans.dns[0];
  }
  if (principal.empty()) {
    return absl::UnauthenticatedError(
        "the client certificate has no SPIFFE URI SAN (.../sa/NAME, "
        ".../user/NAME) or DNS SAN naming a principal");
  }
  if (!ParsePrincipalRef("certificate", principal).ok()) {
    return absl::UnauthenticatedError(
        StrCat("the client certificate names \"", Printable(principal),
               "\", which is not a valid principal"));
  }
  return CertificateIdentity{std::move(principal), std::move(id)};
}

}  // namespace catalog::server
