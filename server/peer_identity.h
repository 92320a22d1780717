// Who a client certificate says its holder is (mutual TLS).
//
// The rule: a certificate has at most one URI SAN, and it must be a
// SPIFFE ID in the configured trust domain of exactly one of the shapes
// spiffe://TD/user/NAME (user:NAME), spiffe://TD/sa/NAME
// (serviceaccount:NAME) or spiffe://TD/ns/NS/sa/NAME (serviceaccount:NAME,
// only when NS is the configured client namespace); anything else —
// another trust domain, a query or fragment, dot or empty segments,
// percent-encoding, extra segments — is refused. Without a URI SAN, the
// first DNS SAN's first label names a service account
// (etl.pipelines.example.com is serviceaccount:etl). A certificate with
// neither is refused. The common name is never used.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace catalog::server {

struct CertificateRules {
  std::string trust_domain;      // SPIFFE trust domain ("example.org"); "" trusts no URI SAN
  std::string client_namespace;  // the NS of spiffe://TD/ns/NS/sa/NAME; "" accepts none
};

// Whether `domain` is a SPIFFE trust domain: lowercase letters, digits,
// '.', '-' and '_', not empty.
bool IsTrustDomain(std::string_view domain);

// Who a certificate names, and by which SAN.
struct CertificateIdentity {
  std::string principal;  // "serviceaccount:etl"
  std::string id;         // the SPIFFE ID, or "dns:" + the DNS SAN
};

// UNAUTHENTICATED, saying why, when the certificate cannot be read or names
// no principal by the rules.
absl::StatusOr<CertificateIdentity> PrincipalOfCertificate(std::string_view pem,
                                                           const CertificateRules& rules);

}  // namespace catalog::server
