// Clients that abuse the connection rather than the API: a ping flood is
// cut off; connections that stall (half a handshake, requests whose body
// never comes, an HTTP request that stops mid-way) hold no one else up.
// The HTTP/2 frames are written by hand, as such a client would.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>

#include "client/client.h"
#include "tests/in_process.h"

namespace catalog {
namespace {

using Clock = std::chrono::steady_clock;

const std::string kPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
enum FrameType : uint8_t { kHeaders = 1, kSettings = 4, kPing = 6, kGoAway = 7 };


std::string Frame(uint8_t type, uint8_t flags, uint32_t stream, const std::string& payload) {
  std::string f;
  uint32_t n = static_cast<uint32_t>(payload.size());
  f += static_cast<char>(n >> 16);
  f += static_cast<char>(n >> 8);
  f += static_cast<char>(n);
  f += static_cast<char>(type);
  f += static_cast<char>(flags);
  for (int shift : {24, 16, 8, 0}) f += static_cast<char>((stream >> shift) & 0x7f);
  return f + payload;
}

// HPACK: a literal header field, new name, not indexed, no Huffman coding
// (names and values here are shorter than 127 bytes).
std::string Header(const std::string& name, const std::string& value) {
  return std::string(1, '\0') + static_cast<char>(name.size()) + name +
         static_cast<char>(value.size()) + value;
}

// Reads frames until one of `type` arrives (its payload), the peer closes,
// or `timeout` passes (nullopt then).
std::optional<std::string> AwaitFrame(int fd, uint8_t type, std::chrono::milliseconds timeout) {
  std::string buffer;
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    while (buffer.size() >= 9) {
      size_t n = (static_cast<uint8_t>(buffer[0]) << 16) |
                 (static_cast<uint8_t>(buffer[1]) << 8) | static_cast<uint8_t>(buffer[2]);
      if (buffer.size() < 9 + n) break;
      if (static_cast<uint8_t>(buffer[3]) == type) return buffer.substr(9, n);
      buffer.erase(0, 9 + n);
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char chunk[4096];
    ssize_t got = ::recv(fd, chunk, sizeof chunk, 0);
    if (got <= 0) return std::nullopt;
    buffer.append(chunk, static_cast<size_t>(got));
  }
  return std::nullopt;
}

bool Pings(client::CatalogClient& c) {
  return c.Call(&v1::CatalogService::Stub::Ping, c.catalog(), v1::PingRequest()).ok();
}

TEST(AbusiveClients, APingFloodIsCutOffWithGoAwayAndOthersAreServed) {
  testing::InProcessServer server;
  ASSERT_TRUE(server.Start().ok());
  int fd = testing::DialLoopback(server.server().grpc_port());
  ASSERT_GE(fd, 0);
  ASSERT_TRUE(testing::SendAll(fd, kPreface + Frame(kSettings, 0, 0, "")));
  std::string flood;
  for (int i = 0; i < 50; ++i) flood += Frame(kPing, 0, 0, std::string(8, static_cast<char>(i)));
  testing::SendAll(fd, flood);  // the server may close before it has read them all
  std::optional<std::string> goaway = AwaitFrame(fd, kGoAway, std::chrono::seconds(10));
  ::close(fd);
  ASSERT_TRUE(goaway.has_value()) << "no GOAWAY for a ping flood";
  ASSERT_GE(goaway->size(), 8u);
  uint32_t code = (static_cast<uint8_t>((*goaway)[4]) << 24) |
                  (static_cast<uint8_t>((*goaway)[5]) << 16) |
                  (static_cast<uint8_t>((*goaway)[6]) << 8) | static_cast<uint8_t>((*goaway)[7]);
  EXPECT_EQ(code, 0xbu);  // ENHANCE_YOUR_CALM
  EXPECT_THAT(goaway->substr(8), ::testing::HasSubstr("too_many_pings"));
  EXPECT_TRUE(Pings(server.admin()));
}

TEST(AbusiveClients, StalledConnectionsHoldNoOneUp) {
  testing::InProcessServer server;
  ASSERT_TRUE(server.Start().ok());
  std::vector<int> fds;
  // gRPC: half a connection preface; and requests whose body never comes,
  // 50 streams on each of 20 connections.
  for (int i = 0; i < 100; ++i) {
    int fd = testing::DialLoopback(server.server().grpc_port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(testing::SendAll(fd, kPreface.substr(0, 10)));
    fds.push_back(fd);
  }
  std::string headers = Header(":method", "POST") + Header(":scheme", "http") +
                        Header(":path", "/catalog.v1.CatalogService/Ping") +
                        Header(":authority", "localhost") +
                        Header("content-type", "application/grpc") + Header("te", "trailers");
  for (int i = 0; i < 20; ++i) {
    int fd = testing::DialLoopback(server.server().grpc_port());
    ASSERT_GE(fd, 0);
    std::string opening = kPreface + Frame(kSettings, 0, 0, "");
    for (uint32_t stream = 1; stream < 100; stream += 2) {
      opening += Frame(kHeaders, 0x4 /* END_HEADERS */, stream, headers);
    }
    ASSERT_TRUE(testing::SendAll(fd, opening));
    fds.push_back(fd);
  }
  // HTTP: requests that stop after their first line, and bodies that never
  // arrive, fewer than the HTTP port serves at once.
  for (int i = 0; i < 40; ++i) {
    int fd = testing::DialLoopback(server.server().http_port());
    ASSERT_GE(fd, 0);
    ASSERT_TRUE(testing::SendAll(fd, i % 2 ? "GET /healthz HTTP/1.1\r\n"
                                  : "POST /api/v1/lineage HTTP/1.1\r\nHost: x\r\n"
                                    "Content-Length: 100000\r\n\r\n{"));
    fds.push_back(fd);
  }

  auto start = Clock::now();
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(Pings(server.admin())) << i;
  httplib::Client http("127.0.0.1", server.server().http_port());
  auto healthz = http.Get("/healthz");
  ASSERT_TRUE(healthz);
  EXPECT_EQ(healthz->status, 200);
  // Each of these takes about a millisecond; stalled peers must not make
  // anyone wait for their timeouts (seconds).
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  for (int fd : fds) ::close(fd);
}

}  // namespace
}  // namespace catalog
