// Test certificates made on the fly with OpenSSL: a CA, and certificates it
// signs with chosen SANs and validity.
#pragma once

#include <string>
#include <vector>

namespace catalog::testing {

struct Pem {
  std::string cert;
  std::string key;
};

Pem MakeCa(const std::string& name);
// `sans` as OpenSSL writes them: "DNS:localhost", "IP:127.0.0.1",
// "URI:spiffe://example.org/sa/etl". Valid from now + not_before_s to now +
// not_after_s (negative: in the past).
Pem MakeCert(const Pem& ca, const std::string& common_name,
             const std::vector<std::string>& sans, long not_before_s = -60,
             long not_after_s = 86400);

}  // namespace catalog::testing
