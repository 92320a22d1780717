#include "tests/store_engines.h"

#include <unistd.h>

#include <atomic>

#include "lib/util/strings.h"
#include "server/store/sqlite.h"
#include "tests/postgres.h"

namespace catalog::testing {

std::string EngineName(const ::testing::TestParamInfo<Engine>& info) {
  return info.param == Engine::kSqlite ? "Sqlite" : "Postgres";
}

void PrintTo(Engine engine, std::ostream* os) {
  *os << (engine == Engine::kSqlite ? "Sqlite" : "Postgres");
}

TestDatabase::TestDatabase(Engine engine) : engine_(engine) {
  static std::atomic<int> next{0};
  const std::string unique = StrCat(getpid(), "_", next++);
  if (engine == Engine::kSqlite) {
    dir_ = std::filesystem::temp_directory_path() / ("catalog_store_" + unique);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    return;
  }
  name_ = "catalog_" + unique;
  Postgres* pg = SharedPostgres();
  if (pg == nullptr) return;
  absl::Status created = pg->Exec(StrCat("CREATE DATABASE ", name_));
  EXPECT_TRUE(created.ok()) << created;
}

TestDatabase::~TestDatabase() {
  if (engine_ == Engine::kSqlite) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    return;
  }
  if (Postgres* pg = SharedPostgres()) {
    pg->Exec(StrCat("DROP DATABASE IF EXISTS ", name_, " WITH (FORCE)")).IgnoreError();
  }
}

store::Store::Options TestDatabase::Options() const {
  if (engine_ == Engine::kSqlite) return {.path = (dir_ / "catalog.db").string()};
  Postgres* pg = SharedPostgres();
  return {.postgres = pg != nullptr ? pg->Url(name_) : "postgresql://unavailable/"};
}

absl::Status TestDatabase::Exec(const std::string& sql) const {
  if (engine_ == Engine::kPostgres) {
    Postgres* pg = SharedPostgres();
    if (pg == nullptr) return absl::UnavailableError("no PostgreSQL");
    return pg->Exec(sql, name_);
  }
  auto db = store::SqliteConnection::Open((dir_ / "catalog.db").string(), false, 5000);
  if (!db.ok()) return db.status();
  return (*db)->Exec(sql);
}

}  // namespace catalog::testing
