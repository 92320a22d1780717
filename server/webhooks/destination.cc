#include "server/webhooks/destination.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "lib/util/strings.h"

namespace catalog::server::webhooks {
namespace {

absl::Status BadUrl(std::string_view rule) {
  return absl::InvalidArgumentError(StrCat("url: ", rule));
}

bool HostChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
}

// Whether the first `bits` bits of `a` equal those of `prefix` (`size`
// bytes, zeros past its end).
bool SamePrefix(const uint8_t* a, const uint8_t* prefix, size_t size, int bits) {
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    const uint8_t want = i < size ? prefix[i] : 0;
    if ((a[i] & mask) != (want & mask)) return false;
  }
  return true;
}

bool InBlock(const uint8_t* a, std::initializer_list<uint8_t> prefix, int bits) {
  return SamePrefix(a, prefix.begin(), prefix.size(), bits);
}

// ::ffff:a.b.c.d
bool V4Mapped(const uint8_t* a) {
  return InBlock(a, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96);
}

std::string SpecialUse4(const uint8_t* a) {
  struct Range {
    std::initializer_list<uint8_t> prefix;
    int bits;
    const char* kind;
  };
  static const Range kRanges[] = {
      {{0}, 8, "unspecified (0.0.0.0/8)"},
      {{10}, 8, "private"},
      {{100, 64}, 10, "shared (carrier-grade NAT)"},
      {{127}, 8, "loopback"},
      {{169, 254}, 16, "link-local"},
      {{172, 16}, 12, "private"},
      {{192, 0, 0}, 24, "reserved (IETF protocol assignments)"},
      {{192, 0, 2}, 24, "documentation"},
      {{192, 88, 99}, 24, "reserved (6to4 relay)"},
      {{192, 168}, 16, "private"},
      {{198, 18}, 15, "benchmarking"},
      {{198, 51, 100}, 24, "documentation"},
      {{203, 0, 113}, 24, "documentation"},
      {{224}, 4, "multicast"},
      {{240}, 4, "reserved (240.0.0.0/4, broadcast)"},
  };
  for (const Range& r : kRanges) {
    if (InBlock(a, r.prefix, r.bits)) return r.kind;
  }
  return "";
}

}  // namespace

std::string WebhookUrl::Origin() const {
  const bool v6 = host.find(':') != std::string::npos;
  return StrCat(scheme, "://", v6 ? "[" : "", host, v6 ? "]" : "", ":", port);
}

absl::StatusOr<WebhookUrl> ParseWebhookUrl(std::string_view text) {
  if (text.empty()) return BadUrl("is required");
  if (text.size() > kMaxUrlBytes) return BadUrl(StrCat("longer than ", kMaxUrlBytes, " bytes"));
  for (char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '\\') {
      return BadUrl("must not hold spaces, control characters or backslashes");
    }
  }
  WebhookUrl url;
  const size_t colon = text.find("://");
  if (colon == std::string_view::npos) return BadUrl("must be an http:// or https:// URL");
  url.scheme = absl::AsciiStrToLower(std::string(text.substr(0, colon)));
  if (url.scheme != "http" && url.scheme != "https") {
    return BadUrl(StrCat("scheme \"", url.scheme, "\" must be http or https"));
  }
  std::string_view rest = text.substr(colon + 3);
  if (rest.find('#') != std::string_view::npos) return BadUrl("must not have a fragment (#)");
  const size_t end = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, end);
  url.target = end == std::string_view::npos ? "/" : std::string(rest.substr(end));
  if (url.target[0] == '?') url.target = "/" + url.target;
  if (authority.find('@') != std::string_view::npos) {
    return BadUrl("must not carry a user name or password (the signature authenticates)");
  }
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return BadUrl("an IPv6 host needs its closing ]");
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after[0] != ':') return BadUrl("unexpected text after the IPv6 host");
    if (!after.empty()) port_text = after.substr(1);
    if (!IpAddress::Parse(url.host).ok() || url.host.find(':') == std::string::npos) {
      return BadUrl(StrCat("\"", url.host, "\" in brackets must be an IPv6 address"));
    }
  } else {
    const size_t port_colon = authority.find(':');
    url.host = absl::AsciiStrToLower(std::string(authority.substr(0, port_colon)));
    if (port_colon != std::string_view::npos) port_text = authority.substr(port_colon + 1);
    if (url.host.empty()) return BadUrl("must name a host");
    for (char c : url.host) {
      if (!HostChar(c)) return BadUrl(StrCat("host \"", url.host, "\" holds '", std::string(1, c), "'"));
    }
    if (url.host.size() > 253) return BadUrl("host longer than 253 characters");
  }
  url.port = url.scheme == "https" ? 443 : 80;
  if (!port_text.empty() || (authority.size() > 0 && authority.back() == ':')) {
    if (!absl::SimpleAtoi(std::string(port_text), &url.port) || url.port < 1 || url.port > 65535) {
      return BadUrl(StrCat("port \"", port_text, "\" must be 1-65535"));
    }
  }
  return url;
}

std::string IpAddress::ToString() const {
  char out[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), out, sizeof(out));
  return out;
}

absl::StatusOr<IpAddress> IpAddress::Parse(std::string_view text) {
  IpAddress a;
  const std::string s(text);
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  a.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) return a;
  return absl::InvalidArgumentError(StrCat("\"", text, "\" is not an IP address"));
}

std::string SpecialUse(const IpAddress& a) {
  const uint8_t* b = a.bytes.data();
  if (!a.v6) return SpecialUse4(b);
  static const uint8_t kZero[16] = {};
  if (std::memcmp(b, kZero, 16) == 0) return "unspecified (::)";
  if (std::memcmp(b, kZero, 15) == 0 && b[15] == 1) return "loopback";
  // IPv4 inside IPv6: mapped (::ffff:0:0/96), compatible (::/96), NAT64
  // (64:ff9b::/96, 64:ff9b:1::/48) and 6to4 (2002::/16).
  if (V4Mapped(b) || InBlock(b, {0}, 96) ||
      InBlock(b, {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, 96)) {
    std::string v4 = SpecialUse4(b + 12);
    return v4.empty() ? "" : StrCat(v4, ", inside IPv6");
  }
  if (InBlock(b, {0, 0x64, 0xff, 0x9b, 0, 1}, 48)) return "private (local NAT64)";
  if (InBlock(b, {0x20, 0x02}, 16)) {
    std::string v4 = SpecialUse4(b + 2);
    return v4.empty() ? "" : StrCat(v4, ", inside 6to4");
  }
  if (InBlock(b, {0xfc}, 7)) return "private (unique local)";
  if (InBlock(b, {0xfe, 0x80}, 10)) return "link-local";
  if (InBlock(b, {0xfe, 0xc0}, 10)) return "private (site-local)";
  if (InBlock(b, {0xff}, 8)) return "multicast";
  if (InBlock(b, {0x20, 0x01, 0x0d, 0xb8}, 32)) return "documentation";
  if (InBlock(b, {0x01, 0, 0, 0, 0, 0, 0, 0}, 64)) return "reserved (discard)";
  if (InBlock(b, {0x20, 0x01, 0, 0}, 23)) return "reserved (IETF protocol assignments)";
  return "";
}

absl::StatusOr<AddressAllowList> AddressAllowList::Parse(std::string_view text) {
  AddressAllowList out;
  for (absl::string_view piece : absl::StrSplit(std::string(text), absl::ByAnyChar(", \t"), absl::SkipEmpty())) {
    const std::string_view item(piece.data(), piece.size());
    const size_t slash = item.find('/');
    absl::StatusOr<IpAddress> base = IpAddress::Parse(item.substr(0, slash));
    const int max = base.ok() && base->v6 ? 128 : 32;
    int prefix = max;
    if (!base.ok() || (slash != std::string_view::npos &&
                       (!absl::SimpleAtoi(std::string(item.substr(slash + 1)), &prefix) || prefix < 0 ||
                        prefix > max))) {
      return absl::InvalidArgumentError(StrCat(
          "webhook-allow: \"", item, "\" must be an address or a CIDR block (10.0.0.0/8, ::1)"));
    }
    out.blocks_.push_back({*base, prefix});
  }
  return out;
}

bool AddressAllowList::Allows(const IpAddress& a) const {
  for (const Block& b : blocks_) {
    IpAddress candidate = a;
    // An IPv4-mapped IPv6 address matches IPv4 blocks.
    if (!b.base.v6 && a.v6 && V4Mapped(a.bytes.data())) {
      candidate.v6 = false;
      std::memmove(candidate.bytes.data(), a.bytes.data() + 12, 4);
    }
    if (candidate.v6 == b.base.v6 && SamePrefix(candidate.bytes.data(), b.base.bytes.data(),
                                                 b.base.bytes.size(), b.prefix)) {
      return true;
    }
  }
  return false;
}

absl::StatusOr<IpAddress> ResolveDestination(const WebhookUrl& url,
                                             const AddressAllowList& allow) {
  std::vector<IpAddress> found;
  if (absl::StatusOr<IpAddress> literal = IpAddress::Parse(url.host); literal.ok()) {
    found.push_back(*literal);
  } else {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* result = nullptr;
    const int rc = getaddrinfo(url.host.c_str(), nullptr, &hints, &result);
    if (rc != 0) {
      return absl::UnavailableError(
          StrCat("url: host \"", url.host, "\" does not resolve: ", gai_strerror(rc)));
    }
    std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(result, freeaddrinfo);
    for (const addrinfo* ai = result; ai != nullptr; ai = ai->ai_next) {
      IpAddress a;
      if (ai->ai_family == AF_INET) {
        std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr, 4);
      } else if (ai->ai_family == AF_INET6) {
        a.v6 = true;
        std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)->sin6_addr,
                    16);
      } else {
        continue;
      }
      found.push_back(a);
    }
  }
  std::string refused;
  for (const IpAddress& a : found) {
    const std::string kind = SpecialUse(a);
    if (kind.empty() || allow.Allows(a)) return a;
    if (refused.empty()) refused = StrCat(a.ToString(), ", a ", kind, " address");
  }
  if (refused.empty()) return absl::UnavailableError(StrCat("url: host \"", url.host, "\" has no address"));
  return absl::InvalidArgumentError(
      StrCat("url: ", url.host, " is ", refused,
             "; webhooks reach only public addresses unless the operator allows others "
             "(webhook-allow)"));
}

}  // namespace catalog::server::webhooks
