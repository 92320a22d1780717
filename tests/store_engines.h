// Running a store test against both engines: a fresh, empty database of
// either engine for each test, on the test binary's shared PostgreSQL
// (tests/postgres.h) or in a temporary directory.
//
//   class MyTest : public ::testing::TestWithParam<testing::Engine> { ... };
//   INSTANTIATE_TEST_SUITE_P(Engines, MyTest, testing::kEngines, testing::EngineName);
//   ...
//   testing::TestDatabase db(GetParam());
//   auto store = Store::Open(db.Options());
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "server/store/store.h"

namespace catalog::testing {

enum class Engine { kSqlite, kPostgres };

inline const auto kEngines = ::testing::Values(Engine::kSqlite, Engine::kPostgres);
std::string EngineName(const ::testing::TestParamInfo<Engine>& info);
// How test listings (and ctest's test names) show an engine.
void PrintTo(Engine engine, std::ostream* os);

class TestDatabase {
 public:
  explicit TestDatabase(Engine engine);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  Engine engine() const { return engine_; }
  // What Store::Open needs to open it.
  store::Store::Options Options() const;
  // Runs `sql` on the database behind the store's back, as someone with
  // access to the file or the server could.
  absl::Status Exec(const std::string& sql) const;

 private:
  Engine engine_;
  std::filesystem::path dir_;  // SQLite: holds catalog.db
  std::string name_;           // PostgreSQL: the database
};

}  // namespace catalog::testing
