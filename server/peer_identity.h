// Who a client certificate says its holder is (mutual TLS).
//
// The rule: the first URI SAN that is a SPIFFE id ending in
// ".../sa/NAME" or ".../serviceaccount/NAME" names serviceaccount:NAME, one
// ending in ".../user/NAME" names user:NAME (so the Kubernetes form
// spiffe://cluster.local/ns/data/sa/etl is serviceaccount:etl); otherwise
// the first DNS SAN's first label names a service account
// (etl.pipelines.example.com is serviceaccount:etl). A certificate with
// neither is refused. The common name is never used.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace catalog::server {

// UNAUTHENTICATED when the certificate cannot be read or names no principal.
absl::StatusOr<std::string> PrincipalOfCertificate(std::string_view pem);

}  // namespace catalog::server
