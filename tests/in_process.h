// A catalogd started in-process on free ports with the default policies, an
// admin client, and tokens for whoever a test needs.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "client/client.h"
#include "server/server.h"
#include "tests/test_env.h"

namespace catalog::testing {

class InProcessServer {
 public:
  // Starts the server; check ok() (or use ASSERT_TRUE(server.Start())).
  // `configure` may change the test's config before it starts.
  absl::Status Start(const std::function<void(server::ServerConfig&)>& configure = {});

  client::CatalogClient& admin() { return *admin_; }
  server::CatalogServer& server() const { return *server_; }
  const TempDir& dir() const { return dir_; }

  std::unique_ptr<client::CatalogClient> Connect(const std::string& token) const;
  // Applies the principals ("user:bob", "serviceaccount:etl") and returns
  // a client with a token for each, in order.
  absl::StatusOr<std::unique_ptr<client::CatalogClient>> As(
      const std::string& principal);
  // A token for `principal`, which must exist.
  absl::StatusOr<std::string> Issue(const std::string& principal);

 private:
  TempDir dir_;
  std::unique_ptr<server::CatalogServer> server_;
  std::unique_ptr<client::CatalogClient> admin_;
};

// Puts the policies in force plus a file `name` holding `text` (Cedar),
// through the API as `admin`.
absl::Status AddPolicyFile(client::CatalogClient& admin, const std::string& name,
                           const std::string& text);

}  // namespace catalog::testing
