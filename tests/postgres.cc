#include "tests/postgres.h"

#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tuple>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <random>

#include "lib/util/strings.h"
#include "tests/test_env.h"

namespace catalog::testing {
namespace {

// A port nothing listens on now (the kernel's pick for a bound socket).
int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

std::string RandomPassword() {
  std::random_device rd;
  std::string out = "pw-";
  for (int i = 0; i < 24; ++i) out += "abcdefghijklmnopqrstuvwxyz0123456789"[rd() % 36];
  return out;
}

}  // namespace

bool Postgres::Run(const std::string& command) {
  std::string as_user = geteuid() == 0 ? "runuser -u postgres -- " : "";
  std::string line = StrCat(as_user, command, " >> '", (dir_ / "server.log").string(), "' 2>&1");
  if (std::system(line.c_str()) != 0) {
    error_ = StrCat("`", command, "` failed; its output:\n", ReadFile(dir_ / "server.log"));
    return false;
  }
  return true;
}

bool Postgres::Start() { return Start(RandomPassword()); }

bool Postgres::Crash() {
  return Run(StrCat(bin_, "/pg_ctl -D '", (dir_ / "data").string(), "' -m immediate -w stop"));
}

std::string Postgres::ServerOptions() const {
  return StrCat("-p ", port_, " -c listen_addresses=127.0.0.1",
                extra_listen_.empty() ? "" : "," + extra_listen_, " -k '", dir_.string(), "'",
                durable_ ? "" : " -c fsync=off",
                tls_cert_.empty() ? "" : StrCat(" -c ssl=on -c ssl_cert_file='", (dir_ / "server.crt").string(),
                                              "' -c ssl_key_file='", (dir_ / "server.key").string(), "'"));
}

bool Postgres::Restart() {
  return Run(StrCat(bin_, "/pg_ctl -D '", (dir_ / "data").string(), "' -w -t 60 -l '",
                    (dir_ / "server.log").string(), "' -o \"", ServerOptions(), "\" start"));
}

bool Postgres::Start(const std::string& password) {
  bin_ = "/usr/lib/postgresql/15/bin";
  if (!std::filesystem::exists(bin_ + "/initdb")) {
    error_ = "PostgreSQL 15 is not installed (" + bin_ +
             "/initdb is missing): run scripts/setup";
    return false;
  }
  if (geteuid() == 0 && getpwnam("postgres") == nullptr) {
    error_ = "running as root, and there is no `postgres` user to run PostgreSQL as";
    return false;
  }
  // Its own directory under /tmp (not under a root-only test directory),
  // owned by whoever runs the server.
  std::string pattern = (std::filesystem::temp_directory_path() / "catalogd_pg_XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    error_ = "mkdtemp failed";
    return false;
  }
  dir_ = pattern;
  if (geteuid() == 0) {
    passwd* pw = getpwnam("postgres");
    if (chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
      error_ = "chown of the cluster directory failed";
      return false;
    }
  }
  password_ = password;
  std::filesystem::path pwfile = dir_ / "pwfile";
  std::ofstream(pwfile) << password_ << "\n";
  if (geteuid() == 0) {
    passwd* pw = getpwnam("postgres");
    if (chown(pwfile.c_str(), pw->pw_uid, pw->pw_gid) != 0) return false;
    std::ofstream(dir_ / "server.log").close();
    if (chown((dir_ / "server.log").c_str(), pw->pw_uid, pw->pw_gid) != 0) return false;
  }
  std::string data = (dir_ / "data").string();
  if (!Run(StrCat(bin_, "/initdb -D '", data, "' -U postgres --auth=scram-sha-256 --pwfile='",
                  pwfile.string(), "' --no-sync -E UTF8 --locale=C"))) {
    return false;
  }
  std::filesystem::remove(pwfile);
  if (!tls_cert_.empty()) {
    // The key must be the server user's and private to it.
    for (const auto& [file, pem, mode] :
         {std::tuple{dir_ / "server.crt", tls_cert_, 0644}, std::tuple{dir_ / "server.key", tls_key_, 0600}}) {
      std::ofstream(file) << pem;
      chmod(file.c_str(), mode);
      if (geteuid() == 0) {
        passwd* pw = getpwnam("postgres");
        if (chown(file.c_str(), pw->pw_uid, pw->pw_gid) != 0) return false;
      }
    }
  }
  if (!extra_cidr_.empty()) {
    std::ofstream(std::filesystem::path(data) / "pg_hba.conf", std::ios::app)
        << "host all all " << extra_cidr_ << " scram-sha-256\n";
  }
  for (int attempt = 0; attempt < 5 && !started_; ++attempt) {
    port_ = FreeLoopbackPort();
    started_ = Run(StrCat(bin_, "/pg_ctl -D '", data, "' -w -t 60 -l '",
                          (dir_ / "server.log").string(), "' -o \"", ServerOptions(),
                          "\" start"));
  }
  return started_;
}

Postgres::~Postgres() {
  if (owned_) Stop();
}

void Postgres::Stop() {
  if (started_) {
    Run(StrCat(bin_, "/pg_ctl -D '", (dir_ / "data").string(), "' -m immediate -w stop"));
    started_ = false;
  }
  if (!dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    dir_.clear();
  }
}

std::string Postgres::State() const {
  return StrCat(dir_.string(), "\n", port_, "\n", password_, "\n", bin_, "\n");
}

std::unique_ptr<Postgres> Postgres::Attach(const std::string& state) {
  std::istringstream in(state);
  auto pg = std::make_unique<Postgres>();
  std::string dir, port;
  if (!std::getline(in, dir) || !std::getline(in, port) || !std::getline(in, pg->password_) ||
      !std::getline(in, pg->bin_)) {
    return nullptr;
  }
  pg->dir_ = dir;
  pg->port_ = std::atoi(port.c_str());
  pg->started_ = true;
  pg->owned_ = false;
  return pg;
}

Postgres* SharedPostgres() {
  static Postgres* shared = []() -> Postgres* {
    Postgres* pg = nullptr;
    if (const char* state = std::getenv("CATALOG_TEST_PG_STATE");
        state != nullptr && std::filesystem::exists(state)) {
      pg = Postgres::Attach(ReadFile(state)).release();
    }
    if (pg == nullptr || !pg->Exec("SELECT 1").ok()) {
      // Destroyed at exit, which stops it.
      static Postgres own;
      if (!own.Start()) {
        ADD_FAILURE() << own.error();
        return nullptr;
      }
      pg = &own;
    }
    setenv("PGPASSWORD", pg->password().c_str(), 1);
    return pg;
  }();
  if (shared == nullptr) ADD_FAILURE() << "no PostgreSQL for this test (see the first failure)";
  return shared;
}

std::string Postgres::Url(const std::string& db) const {
  return StrCat("postgresql://postgres@127.0.0.1:", port_, "/", db);
}

absl::Status Postgres::Exec(const std::string& sql, const std::string& db) const {
  std::string conninfo = StrCat("host=127.0.0.1 port=", port_, " user=postgres dbname=", db,
                                " password=", password_);
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    absl::Status s = absl::UnavailableError(PQerrorMessage(conn));
    PQfinish(conn);
    return s;
  }
  PGresult* r = PQexec(conn, sql.c_str());
  absl::Status s = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK
                       ? absl::OkStatus()
                       : absl::InvalidArgumentError(PQresultErrorMessage(r));
  PQclear(r);
  PQfinish(conn);
  return s;
}

}  // namespace catalog::testing
