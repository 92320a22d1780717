// The webhook destination check: URLs that are taken and refused (with the
// rule named), every special-use range refused, IPv4 hidden inside IPv6
// judged as IPv4, and the operator's allow-list.
#include "server/webhooks/destination.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace catalog::server::webhooks {
namespace {

using ::testing::HasSubstr;

IpAddress Ip(const char* text) { return IpAddress::Parse(text).value(); }

TEST(WebhookUrl, TakesHttpAndHttpsWithTheirParts) {
  WebhookUrl u = ParseWebhookUrl("HTTPS://Hooks.Example.com/catalog?team=sales").value();
  EXPECT_EQ(u.scheme, "https");
  EXPECT_EQ(u.host, "hooks.example.com");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.target, "/catalog?team=sales");
  EXPECT_EQ(u.Origin(), "https://hooks.example.com:443");
  u = ParseWebhookUrl("http://[2001:4860::1]:8080").value();
  EXPECT_EQ(u.host, "2001:4860::1");
  EXPECT_EQ(u.port, 8080);
  EXPECT_EQ(u.target, "/");
  EXPECT_EQ(u.Origin(), "http://[2001:4860::1]:8080");
}

TEST(WebhookUrl, RefusesWhatIsNotAPlainHttpUrl) {
  for (const auto& [url, rule] : std::vector<std::pair<std::string, std::string>>{
           {"", "url: is required"},
           {"hooks.example.com/x", "http:// or https://"},
           {"file:///etc/passwd", "scheme \"file\" must be http or https"},
           {"gopher://x/", "must be http or https"},
           {"https://user:pw@hooks.example.com/", "user name or password"},
           {"https://hooks.example.com/x#frag", "fragment"},
           {"https://hooks.example.com:0/", "port \"0\" must be 1-65535"},
           {"https://hooks.example.com:99999/", "must be 1-65535"},
           {"https://hooks.example.com:/", "port \"\""},
           {"https:///x", "must name a host"},
           {"https://hooks example.com/", "spaces"},
           {"https://hooks.example.com/a\nb", "control characters"},
           {"https://ho_oks.example.com/", "holds '_'"},
           {"https://[::1/", "closing ]"},
           {"https://[example.com]/", "must be an IPv6 address"},
           {"https://" + std::string(3000, 'a'), "longer than 2048"},
       }) {
    absl::StatusOr<WebhookUrl> parsed = ParseWebhookUrl(url);
    ASSERT_FALSE(parsed.ok()) << url;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr(rule)) << url;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("url: ")) << url;
  }
}

TEST(SpecialUse, EveryNonPublicRangeIsNamed) {
  for (const char* a :
       {"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255",
        "192.0.2.7", "198.18.0.1", "::", "::1", "fe80::1", "fc00::1", "fd12:3456::1",
        "ff02::1", "2001:db8::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
        "64:ff9b::a00:1", "2002:c0a8:0101::1", "::127.0.0.1"}) {
    EXPECT_NE(SpecialUse(Ip(a)), "") << a;
  }
  EXPECT_EQ(SpecialUse(Ip("169.254.169.254")), "link-local");
  EXPECT_EQ(SpecialUse(Ip("::ffff:10.0.0.1")), "private, inside IPv6");
  for (const char* a : {"8.8.8.8", "172.32.0.1", "100.128.0.1", "11.0.0.1", "2001:4860::8888",
                        "::ffff:8.8.8.8", "2606:4700::1111"}) {
    EXPECT_EQ(SpecialUse(Ip(a)), "") << a;
  }
}

TEST(AddressAllowList, AllowsOnlyItsBlocks) {
  AddressAllowList allow = AddressAllowList::Parse("127.0.0.1, 10.20.0.0/16 fd00::/8").value();
  EXPECT_TRUE(allow.Allows(Ip("127.0.0.1")));
  EXPECT_FALSE(allow.Allows(Ip("127.0.0.2")));
  EXPECT_TRUE(allow.Allows(Ip("10.20.99.1")));
  EXPECT_FALSE(allow.Allows(Ip("10.21.0.1")));
  EXPECT_TRUE(allow.Allows(Ip("::ffff:127.0.0.1")));  // mapped, as IPv4
  EXPECT_TRUE(allow.Allows(Ip("fd12::1")));
  EXPECT_FALSE(allow.Allows(Ip("fc00::1")));
  EXPECT_FALSE(AddressAllowList().Allows(Ip("127.0.0.1")));
  for (const char* bad : {"10.0.0.0/33", "nonsense", "10.0.0.0/x", "::1/129", "example.com"}) {
    absl::StatusOr<AddressAllowList> parsed = AddressAllowList::Parse(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("webhook-allow: ")) << bad;
  }
}

TEST(ResolveDestination, RefusesNonPublicAddressesUnlessAllowed) {
  const AddressAllowList none;
  for (const char* url : {"http://127.0.0.1:8080/", "http://169.254.169.254/latest/meta-data",
                          "http://[::1]/", "http://10.0.0.5/", "http://localhost/",
                          "http://[::ffff:127.0.0.1]/"}) {
    absl::StatusOr<IpAddress> to = ResolveDestination(ParseWebhookUrl(url).value(), none);
    ASSERT_FALSE(to.ok()) << url;
    EXPECT_EQ(to.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_THAT(std::string(to.status().message()), HasSubstr("webhook-allow")) << url;
  }
  absl::StatusOr<IpAddress> metadata =
      ResolveDestination(ParseWebhookUrl("http://169.254.169.254/").value(), none);
  EXPECT_THAT(std::string(metadata.status().message()),
              HasSubstr("169.254.169.254, a link-local address"));
  const AddressAllowList loopback = AddressAllowList::Parse("127.0.0.0/8").value();
  absl::StatusOr<IpAddress> to =
      ResolveDestination(ParseWebhookUrl("http://127.0.0.1:9/").value(), loopback);
  ASSERT_TRUE(to.ok()) << to.status();
  EXPECT_EQ(to->ToString(), "127.0.0.1");
  // A public literal needs no resolver.
  EXPECT_EQ(ResolveDestination(ParseWebhookUrl("https://8.8.8.8/").value(), none)->ToString(),
            "8.8.8.8");
  EXPECT_EQ(ResolveDestination(ParseWebhookUrl("https://no-such-host.invalid/").value(), none)
                .status()
                .code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace catalog::server::webhooks
