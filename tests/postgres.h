// A throw-away PostgreSQL 15 server for tests, from Debian's packages
// (scripts/setup installs postgresql-15): initdb on a fresh temp directory
// with password (SCRAM) authentication, started on a free loopback port
// with its socket in that directory, stopped and removed by the
// destructor. PostgreSQL refuses to run as root; a test running as root
// runs its programs as the `postgres` system user the package creates.
//
//   testing::Postgres pg;
//   ASSERT_TRUE(pg.Start()) << pg.error();
//   ASSERT_TRUE(pg.Exec("CREATE TABLE t (id int)").ok());
//   // connect to pg.Url("postgres") with PGPASSWORD=pg.password()
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "absl/status/status.h"

namespace catalog::testing {

class Postgres {
 public:
  Postgres() = default;
  Postgres(const Postgres&) = delete;
  Postgres& operator=(const Postgres&) = delete;
  ~Postgres();

  // Creates the cluster and starts the server; false with error() when it
  // could not (PostgreSQL not installed: run scripts/setup).
  bool Start();
  // The same with the superuser's password given (another cluster's, so one
  // PGPASSWORD serves both).
  bool Start(const std::string& password);
  // Before Start: commits reach the disk (fsync on; off by default, as
  // tests need no durability), for benchmarks.
  void set_durable(bool durable) { durable_ = durable; }
  // Before Start: also listen on `address` and accept password logins from
  // `cidr` (a network namespace's link, say).
  void AllowNetwork(std::string address, std::string cidr) {
    extra_listen_ = std::move(address);
    extra_cidr_ = std::move(cidr);
  }

  // Before Start: serve TLS with this certificate and key (PEM); clients
  // may still connect without it unless they ask for it.
  void UseTls(std::string cert_pem, std::string key_pem) {
    tls_cert_ = std::move(cert_pem);
    tls_key_ = std::move(key_pem);
  }

  // Stops the server at once (as a crash would), keeping its data; and
  // starts it again on the same port.
  bool Crash();
  bool Restart();
  // Stops the server (immediate) and removes the cluster; also done by the
  // destructor unless released.
  void Stop();

  // A cluster shared by several test processes: one process starts it and
  // writes State() to a file, then Release()s it (its destructor leaves it
  // running); the others Attach() to that state; the last one Stop()s it.
  std::string State() const;
  static std::unique_ptr<Postgres> Attach(const std::string& state);
  void Release() { owned_ = false; }
  const std::string& error() const { return error_; }

  int port() const { return port_; }
  // The superuser's password; the superuser is "postgres".
  const std::string& password() const { return password_; }
  // postgresql://postgres@127.0.0.1:PORT/DB, without the password.
  std::string Url(const std::string& db) const;
  // Runs `sql` (one or more statements) in database `db` as the superuser.
  absl::Status Exec(const std::string& sql, const std::string& db = "postgres") const;

 private:
  // Runs a PostgreSQL program (as `postgres` when we are root); its output
  // goes to the cluster's log.
  bool Run(const std::string& command);

  std::filesystem::path dir_;  // the cluster, its socket and its log
  std::string bin_;
  std::string password_;
  std::string error_;
  int port_ = 0;
  bool started_ = false;
  bool owned_ = true;  // the destructor stops the server
  bool durable_ = false;
  std::string extra_listen_, extra_cidr_;
  std::string tls_cert_, tls_key_;
  // The options pg_ctl starts the server with.
  std::string ServerOptions() const;
};

// The cluster this test process uses: the one ctest's `postgres` fixture
// started (tests/pg_cluster.cc; its state file named by
// CATALOG_TEST_PG_STATE), or else one started at first use and stopped at
// exit. PGPASSWORD is set to its password. Fails the calling test when
// PostgreSQL cannot be started.
Postgres* SharedPostgres();

}  // namespace catalog::testing
