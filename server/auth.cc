#include "server/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <mutex>

#include "absl/strings/escaping.h"
#include "lib/catalog/validate.h"
#include "lib/util/status_macros.h"
#include "lib/util/strings.h"

namespace catalog::server {
namespace {

absl::StatusOr<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(n)) != 1) {
    return absl::InternalError("the system random source failed");
  }
  return out;
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace

std::string Sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<char*>(digest), length);
}

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(
    store::Store* store) {
  std::unique_ptr<Authenticator> auth(new Authenticator(store));
  ASSIGN_OR_RETURN(std::vector<store::TokenRecord> tokens, store->ListTokens());
  for (const store::TokenRecord& t : tokens) {
    ASSIGN_OR_RETURN(store::TokenRecord full, store->GetToken(t.id));
    auth->tokens_[full.id] = {full.secret_hash, full.principal, full.revoked};
  }
  return auth;
}

absl::StatusOr<std::string> Authenticator::Authenticate(
    std::string_view header) const {
  constexpr std::string_view kBearer = "Bearer ";
  if (header.empty()) {
    return absl::UnauthenticatedError(
        "missing authorization metadata: send \"authorization: Bearer "
        "<token>\"");
  }
  if (header.substr(0, kBearer.size()) != kBearer) {
    return absl::UnauthenticatedError(
        "authorization metadata must be \"Bearer <token>\"");
  }
  std::string_view token = header.substr(kBearer.size());
  size_t dot = token.find('.');
  if (dot == std::string_view::npos) {
    return absl::UnauthenticatedError("malformed bearer token");
  }
  std::string id(token.substr(0, dot));
  std::string hash = Sha256(token.substr(dot + 1));
  std::shared_lock lock(mu_);
  auto it = tokens_.find(id);
  // One message for every failure, so a caller learns nothing about which
  // token ids exist.
  if (it == tokens_.end() || it->second.revoked ||
      it->second.secret_hash.size() != hash.size() ||
      CRYPTO_memcmp(it->second.secret_hash.data(), hash.data(), hash.size()) !=
          0) {
    return absl::UnauthenticatedError("invalid or revoked bearer token");
  }
  return it->second.principal;
}

absl::StatusOr<IssuedToken> Authenticator::Issue(std::string_view principal,
                                                 std::string_view description,
                                                 std::string_view actor) {
  RETURN_IF_ERROR(ParsePrincipalRef("principal", principal).status());
  RETURN_IF_ERROR(ValidateText("description", description, kMaxShortNameBytes));
  ASSIGN_OR_RETURN(std::string id_bytes, RandomBytes(8));
  ASSIGN_OR_RETURN(std::string secret_bytes, RandomBytes(32));
  std::string secret = absl::WebSafeBase64Escape(secret_bytes);
  IssuedToken issued;
  issued.record = {.id = "tok_" + Hex(id_bytes),
                   .secret_hash = Sha256(secret),
                   .principal = std::string(principal),
                   .description = std::string(description),
                   .created_by = std::string(actor)};
  RETURN_IF_ERROR(store_->CreateToken(issued.record, actor));
  {
    std::unique_lock lock(mu_);
    tokens_[issued.record.id] = {issued.record.secret_hash,
                                 issued.record.principal, false};
  }
  issued.bearer = issued.record.id + "." + secret;
  issued.record.secret_hash.clear();
  return issued;
}

absl::Status Authenticator::Revoke(std::string_view id,
                                   std::string_view actor) {
  RETURN_IF_ERROR(ValidateName("id", id, kMaxShortNameBytes));
  RETURN_IF_ERROR(store_->RevokeToken(id, actor));
  std::unique_lock lock(mu_);
  auto it = tokens_.find(std::string(id));
  if (it != tokens_.end()) it->second.revoked = true;
  return absl::OkStatus();
}

size_t Authenticator::LiveTokens() const {
  std::shared_lock lock(mu_);
  size_t n = 0;
  for (const auto& [id, entry] : tokens_) n += entry.revoked ? 0 : 1;
  return n;
}

}  // namespace catalog::server
