#include "lib/util/sealed.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cstdlib>
#include <memory>

#include "absl/strings/escaping.h"

namespace catalog {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

const SealKey& ProcessKey() {
  static const SealKey key = NewSealKey();
  return key;
}

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

}  // namespace

SealKey NewSealKey() {
  SealKey k{};
  if (RAND_bytes(k.data(), static_cast<int>(k.size())) != 1) std::abort();
  return k;
}

std::string Seal(std::string_view plaintext) { return SealWith(ProcessKey(), plaintext); }

absl::StatusOr<std::string> Unseal(std::string_view token) {
  absl::StatusOr<std::string> out = UnsealWith(ProcessKey(), token);
  if (!out.ok()) {
    return absl::InvalidArgumentError(
        "not a token this server gave (or one from before it restarted)");
  }
  return out;
}

std::string SealWith(const SealKey& key, std::string_view plaintext) {
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* bytes = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(bytes, kNonceBytes) != 1) std::abort();
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  if (ctx == nullptr ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), bytes) != 1 ||
      EVP_EncryptUpdate(ctx.get(), bytes + kNonceBytes, &n,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), bytes + kNonceBytes + n, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          bytes + kNonceBytes + plaintext.size()) != 1) {
    std::abort();  // OpenSSL failing to encrypt in memory: nothing sane to do
  }
  return absl::WebSafeBase64Escape(out);
}

absl::StatusOr<std::string> UnsealWith(const SealKey& key, std::string_view token) {
  auto refuse = [] { return absl::InvalidArgumentError("not sealed with this key, or altered"); };
  std::string raw;
  if (!absl::WebSafeBase64Unescape(std::string(token), &raw) ||
      raw.size() < kNonceBytes + kTagBytes) {
    return refuse();
  }
  auto* bytes = reinterpret_cast<unsigned char*>(raw.data());
  size_t length = raw.size() - kNonceBytes - kTagBytes;
  std::string out(length, '\0');
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  if (ctx == nullptr ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), bytes) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n,
                        bytes + kNonceBytes, static_cast<int>(length)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          bytes + kNonceBytes + length) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &n) !=
          1) {
    return refuse();
  }
  return out;
}

}  // namespace catalog
