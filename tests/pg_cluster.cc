// Starts and stops the PostgreSQL cluster that ctest's `postgres` fixture
// shares between test processes (tests/postgres.h, SharedPostgres):
//
//   pg_cluster start STATE_FILE   # initdb, start, write its state
//   pg_cluster stop STATE_FILE    # stop it, remove it and the file
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include "tests/postgres.h"
#include "tests/test_env.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: pg_cluster start|stop STATE_FILE\n";
    return 2;
  }
  const std::string command = argv[1];
  const std::filesystem::path state = argv[2];
  if (command == "start") {
    if (std::filesystem::exists(state)) {
      // Left by a run that did not clean up: stop that cluster first.
      if (auto old = catalog::testing::Postgres::Attach(catalog::testing::ReadFile(state))) {
        old->Stop();
      }
    }
    catalog::testing::Postgres pg;
    if (!pg.Start()) {
      std::cerr << pg.error() << "\n";
      return 1;
    }
    std::ofstream(state) << pg.State();
    pg.Release();
    std::cout << "PostgreSQL on port " << pg.port() << "\n";
    return 0;
  }
  if (command == "stop") {
    if (std::filesystem::exists(state)) {
      if (auto pg = catalog::testing::Postgres::Attach(catalog::testing::ReadFile(state))) {
        pg->Stop();
      }
      std::filesystem::remove(state);
    }
    return 0;
  }
  std::cerr << "usage: pg_cluster start|stop STATE_FILE\n";
  return 2;
}
