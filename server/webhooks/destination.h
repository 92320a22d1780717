// Where a webhook may POST (docs/quality.md#webhooks). Webhooks are a door
// to the network catalogd runs in: a URL must be http or https, carry no
// credentials, and resolve to a public address — loopback, private,
// link-local, shared (100.64/10), unspecified, multicast, documentation
// and reserved addresses are refused unless the operator's allow-list
// (the config's webhook-allow, CIDR blocks) names them. The check runs when
// a webhook is made and again before every delivery, which then connects
// to the address it checked, so a name that resolves elsewhere the second
// time cannot steer a delivery inside.
//
//   ASSIGN_OR_RETURN(WebhookUrl url, ParseWebhookUrl(text));
//   ASSIGN_OR_RETURN(IpAddress to, ResolveDestination(url, allow));
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace catalog::server::webhooks {

// Longest URL taken.
inline constexpr size_t kMaxUrlBytes = 2048;

struct WebhookUrl {
  std::string scheme;  // http, https
  std::string host;    // a name, an IPv4 address, or an IPv6 one without brackets
  int port = 0;
  std::string target;  // path and query, "/" at least
  // "https://host:port" as an HTTP client wants it.
  std::string Origin() const;
};

// INVALID_ARGUMENT naming field "url" and the rule broken.
absl::StatusOr<WebhookUrl> ParseWebhookUrl(std::string_view text);

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 in the first 4
  std::string ToString() const;
  static absl::StatusOr<IpAddress> Parse(std::string_view text);
};

// What kind of special-use address `a` is ("loopback", "private",
// "link-local", …), or "" for a public one. IPv4 addresses inside IPv6
// (mapped, NAT64, 6to4) are judged as IPv4.
std::string SpecialUse(const IpAddress& a);

// CIDR blocks an operator lets webhooks reach although they are not public.
class AddressAllowList {
 public:
  AddressAllowList() = default;
  // "127.0.0.1/32, 10.0.0.0/8 ::1" (commas or spaces; a bare address is
  // that one address); INVALID_ARGUMENT naming webhook-allow.
  static absl::StatusOr<AddressAllowList> Parse(std::string_view text);
  bool Allows(const IpAddress& a) const;

 private:
  struct Block {
    IpAddress base;
    int prefix = 0;
  };
  std::vector<Block> blocks_;
};

// The address to connect to: the first one `url.host` resolves to that is
// public or allowed. INVALID_ARGUMENT (naming "url") when it resolves to
// none such, UNAVAILABLE when it does not resolve.
absl::StatusOr<IpAddress> ResolveDestination(const WebhookUrl& url,
                                             const AddressAllowList& allow);

}  // namespace catalog::server::webhooks
