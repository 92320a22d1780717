#include "client/settings.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "lib/util/pem.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::client {
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v == nullptr ? "" : v;
}

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("cannot read token file ", path));
  std::string token;
  std::getline(in, token);
  return token;  // trimmed and checked with the others (CleanToken)
}

}  // namespace

std::string DefaultConfigPath() {
  std::string base = Env("XDG_CONFIG_HOME");
  if (base.empty()) {
    std::string home = Env("HOME");
    if (home.empty()) return "";
    base = home + "/.config";
  }
  return base + "/catalogctl/config.yaml";
}

absl::StatusOr<Settings> ResolveSettings(const std::string& flag_addr,
                                         const std::string& flag_token,
                                         const std::string& config_path,
                                         const TlsFlags& tls) {
  Settings s;
  std::string file_addr, file_token, file_token_file, file_ca, file_cert, file_key;
  if (!config_path.empty() && std::filesystem::exists(config_path)) {
    try {
      YAML::Node root = YAML::LoadFile(config_path);
      if (root["addr"]) file_addr = root["addr"].as<std::string>();
      if (root["token"]) file_token = root["token"].as<std::string>();
      if (root["token-file"]) {
        file_token_file = root["token-file"].as<std::string>();
      }
      if (root["ca-file"]) file_ca = root["ca-file"].as<std::string>();
      if (root["cert-file"]) file_cert = root["cert-file"].as<std::string>();
      if (root["key-file"]) file_key = root["key-file"].as<std::string>();
    } catch (const YAML::Exception& e) {
      return absl::InvalidArgumentError(StrCat(config_path, ":", e.mark.line + 1,
                                               ": ", e.msg));
    }
  }
  s.addr = !flag_addr.empty()          ? flag_addr
           : !Env("CATALOG_ADDR").empty() ? Env("CATALOG_ADDR")
           : !file_addr.empty()        ? file_addr
                                       : "127.0.0.1:7070";
  auto first = [](const std::string& flag, const char* env, const std::string& file) {
    return !flag.empty() ? flag : !Env(env).empty() ? Env(env) : file;
  };
  std::string ca = first(tls.ca, "CATALOG_CA", file_ca);
  std::string cert = first(tls.cert, "CATALOG_CERT", file_cert);
  std::string key = first(tls.key, "CATALOG_KEY", file_key);
  if (cert.empty() != key.empty()) {
    return absl::InvalidArgumentError("--cert, --key: give both or neither");
  }
  if (!ca.empty()) {
    ASSIGN_OR_RETURN(s.ca_pem, ReadPemFile("--ca", ca));
  }
  if (!cert.empty()) {
    ASSIGN_OR_RETURN(s.cert_pem, ReadPemFile("--cert", cert));
    ASSIGN_OR_RETURN(s.key_pem, ReadPemFile("--key", key));
  }
  if (!flag_token.empty()) {
    s.token = flag_token;
    s.token_source = "--token";
  } else if (!Env("CATALOG_TOKEN").empty()) {
    s.token = Env("CATALOG_TOKEN");
    s.token_source = "CATALOG_TOKEN";
  } else if (!file_token.empty()) {
    s.token = file_token;
    s.token_source = config_path;
  } else if (!file_token_file.empty()) {
    auto token = ReadTokenFile(file_token_file);
    if (!token.ok()) return token.status();
    s.token = *token;
    s.token_source = file_token_file;
  } else if (s.cert_pem.empty() && std::filesystem::exists("data/admin.token")) {
    auto token = ReadTokenFile("data/admin.token");
    if (!token.ok()) return token.status();
    s.token = *token;
    s.token_source = "data/admin.token";
  }
  ASSIGN_OR_RETURN(s.token, CleanToken(s.token, s.token_source));
  return s;
}

absl::StatusOr<std::string> CleanToken(std::string_view token, std::string_view source) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!token.empty() && space(token.front())) token.remove_prefix(1);
  while (!token.empty() && space(token.back())) token.remove_suffix(1);
  for (char c : token) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x21 || u >= 0x7f) {
      // Never echo the token: it is a secret.
      return absl::InvalidArgumentError(StrCat(
          "the token from ", source,
          " holds a character a token never has (a space, a control character or a "
          "non-ASCII byte)"));
    }
  }
  return std::string(token);
}

bool IsLoopbackAddress(std::string_view addr) {
  std::string_view host = addr;
  if (host.substr(0, 7) == "dns:///") host.remove_prefix(7);
  if (!host.empty() && host.front() == '[') {
    size_t close = host.find(']');
    host = host.substr(1, close == std::string_view::npos ? host.size() : close - 1);
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos &&
                                              host.find(':') == colon) {
    host = host.substr(0, colon);
  }
  return host == "localhost" || host == "::1" || host.substr(0, 4) == "127." ||
         host.substr(0, 5) == "unix:";
}

}  // namespace catalog::client
