#include "lib/util/pem.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace catalog {
namespace {

TEST(Pem, ReadsAPemFileAndNamesTheSettingOtherwise) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("pem_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  std::ofstream(dir / "ca.pem") << pem;
  std::ofstream(dir / "notes.txt") << "not a certificate\n";
  auto read = ReadPemFile("--ca", (dir / "ca.pem").string());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, pem);
  auto plain = ReadPemFile("tls-cert", (dir / "notes.txt").string());
  EXPECT_EQ(plain.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(plain.status().message(),
            "tls-cert: \"" + (dir / "notes.txt").string() + "\" is not a readable PEM file");
  EXPECT_FALSE(ReadPemFile("--key", (dir / "missing.pem").string()).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace catalog
