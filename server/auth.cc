#include "server/auth.h"

#include <spdlog/spdlog.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <regex>

#include "absl/strings/escaping.h"
#include "absl/strings/str_join.h"
#include "lib/catalog/validate.h"
#include "lib/util/bounded_regex.h"
#include "lib/util/sha256.h"
#include "lib/util/time.h"
#include "server/authz/catalog_entities.h"
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

// When a token given `expires` stops working, as stored ("" = never).
absl::StatusOr<std::string> ExpiryOf(std::string_view expires,
                                     std::chrono::system_clock::time_point now) {
  if (expires.empty()) return std::string();
  static const std::regex time(
      "^([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})(\\.([0-9]+))?Z$");
  std::string text(expires);
  std::smatch m;
  if (std::optional<std::chrono::seconds> ahead = ParseDuration(expires)) {
    if (ahead->count() > 0) return FormatRfc3339(now + *ahead);
  } else if (BoundedRegexMatch(text, m, time)) {
    // Stored with milliseconds, like every time the server writes.
    std::string millis = (m[3].str() + "000").substr(0, 3);
    std::string at = StrCat(m[1].str(), ".", millis, "Z");
    if (at > FormatRfc3339(now)) return at;
  } else {
    return absl::InvalidArgumentError(StrCat(
        "expires: \"", expires,
        "\" is neither a duration (45s, 30m, 12h, 90d) nor an RFC 3339 UTC "
        "time (2027-01-01T00:00:00Z)"));
  }
  return absl::InvalidArgumentError(
      StrCat("expires: ", expires, " is not in the future"));
}

// Action names as the policies know them; a group stands for its members.
absl::StatusOr<std::vector<std::string>> ExpandActions(
    const std::vector<std::string>& actions) {
  std::vector<policy::Entity> known = authz::ActionEntities();
  std::vector<std::string> out;
  for (size_t i = 0; i < actions.size(); ++i) {
    bool found = false;
    for (const policy::Entity& a : known) {
      bool member = !a.parents.empty() && a.parents[0].id == actions[i];
      if (a.uid.id == actions[i] && !a.parents.empty()) {
        out.push_back(a.uid.id);
        found = true;
      } else if (member) {
        out.push_back(a.uid.id);
        found = true;
      }
    }
    if (!found) {
      std::string names;
      for (const policy::Entity& a : known) {
        names += (names.empty() ? "" : ", ") + a.uid.id;
      }
      return absl::InvalidArgumentError(
          StrCat("actions[", i, "]: \"", actions[i],
                 "\" is not an action; one of ", names));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// A token made with a token is at most as wide and as long-lived: it takes
// the issuing token's limits where none are asked for, and may not exceed
// them.
absl::Status WithinIssuer(const Identity& issuer, std::string& expires_at,
                          std::vector<std::string>& actions) {
  if (!issuer.actions.empty()) {
    if (actions.empty()) actions = issuer.actions;
    for (const std::string& a : actions) {
      if (std::find(issuer.actions.begin(), issuer.actions.end(), a) ==
          issuer.actions.end()) {
        return absl::PermissionDeniedError(
            StrCat("actions: \"", a, "\" is beyond the token of this call, which is limited to ",
                   absl::StrJoin(issuer.actions, ", ")));
      }
    }
  }
  if (!issuer.expires_at.empty()) {
    if (expires_at.empty()) expires_at = issuer.expires_at;
    if (expires_at > issuer.expires_at) {
      return absl::PermissionDeniedError(
          StrCat("expires: ", expires_at, " is later than the token of this call, which expires at ",
                 issuer.expires_at));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(
    store::Store* store) {
  std::unique_ptr<Authenticator> auth(new Authenticator(store));
  RETURN_IF_ERROR(auth->LoadAll());
  // Tokens created or revoked (through any replica), and those of deleted
  // principals (revoked in the same transaction), reach the table before
  // the change's revision is applied.
  Authenticator* a = auth.get();
  auth->commit_hook_ = store->AddCommitHook([a](const store::Change& change) {
    if (change.reload) {
      if (absl::Status s = a->LoadAll(); !s.ok()) {
        spdlog::error("reloading tokens failed: {}", MessageOf(s));
      }
      return;
    }
    for (const std::string& id : change.tokens) {
      absl::StatusOr<store::TokenRecord> t = a->store_->GetToken(id);
      if (!t.ok()) {
        spdlog::error("reading token {} failed: {}", id, MessageOf(t.status()));
        continue;
      }
      std::unique_lock lock(a->mu_);
      a->tokens_[t->id] = EntryOf(*t);
    }
    if (change.deleted_principals.empty()) return;
    std::unique_lock lock(a->mu_);
    for (const PrincipalRef& p : change.deleted_principals) {
      std::string ref = StrCat(PrincipalKindPrefix(p.kind), ":", p.name);
      for (auto& [id, entry] : a->tokens_) {
        if (entry.principal == ref) entry.revoked = true;
      }
    }
  });
  return auth;
}

absl::Status Authenticator::LoadAll() {
  std::unordered_map<std::string, Entry> loaded;
  ASSIGN_OR_RETURN(std::vector<store::TokenRecord> tokens, store_->ListTokens());
  for (const store::TokenRecord& t : tokens) {
    ASSIGN_OR_RETURN(store::TokenRecord full, store_->GetToken(t.id));
    loaded[full.id] = EntryOf(full);
  }
  std::unique_lock lock(mu_);
  tokens_ = std::move(loaded);
  return absl::OkStatus();
}

namespace {
constexpr std::string_view kBearer = "bearer ";

// RFC 9110 §11.1: the scheme is case-insensitive.
bool HasBearerScheme(std::string_view header) {
  bool scheme = header.size() >= kBearer.size();
  for (size_t i = 0; scheme && i < kBearer.size(); ++i) {
    scheme = std::tolower(static_cast<unsigned char>(header[i])) == kBearer[i];
  }
  return scheme;
}
}  // namespace

absl::StatusOr<Identity> Authenticator::Authenticate(
    std::string_view header) const {
  if (header.empty()) {
    return absl::UnauthenticatedError(
        "missing authorization metadata: send \"authorization: Bearer "
        "<token>\"");
  }
  if (!HasBearerScheme(header)) {
    return absl::UnauthenticatedError(
        "authorization metadata must be \"Bearer <token>\"");
  }
  // A control character (a NUL that would cut the value, a newline) is
  // never part of a token.
  for (char c : header) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return absl::UnauthenticatedError("malformed bearer token");
    }
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
  // The holder of the secret may learn that it expired.
  if (!it->second.expires_at.empty() && store::NowRfc3339() >= it->second.expires_at) {
    return absl::UnauthenticatedError(
        StrCat("bearer token expired at ", it->second.expires_at));
  }
  return Identity{.principal = it->second.principal,
                  .actions = it->second.actions,
                  .expires_at = it->second.expires_at,
                  .session = it->second.session ? id : std::string()};
}

bool Authenticator::Unknown(std::string_view header) const {
  if (!HasBearerScheme(header)) return false;
  std::string_view token = header.substr(kBearer.size());
  size_t dot = token.find('.');
  if (dot == std::string_view::npos) return false;
  std::string id(token.substr(0, dot));
  std::shared_lock lock(mu_);
  return !tokens_.contains(id);
}

absl::StatusOr<IssuedToken> Authenticator::Issue(
    std::string_view principal, std::string_view description,
    std::string_view actor, std::string_view expires,
    const std::vector<std::string>& actions, const Identity* issuer) {
  return IssueKind(principal, description, actor, expires, actions, issuer, "api");
}

absl::StatusOr<IssuedToken> Authenticator::IssueSession(const Identity& caller,
                                                        std::string_view lifetime,
                                                        std::string_view parent) {
  ASSIGN_OR_RETURN(std::string until, ExpiryOf(lifetime, std::chrono::system_clock::now()));
  if (!caller.expires_at.empty() && caller.expires_at < until) until = caller.expires_at;
  return IssueKind(caller.principal, "web session", caller.principal, until, caller.actions,
                   &caller, "session", parent);
}

absl::StatusOr<IssuedToken> Authenticator::IssueKind(
    std::string_view principal, std::string_view description, std::string_view actor,
    std::string_view expires, const std::vector<std::string>& actions, const Identity* issuer,
    std::string_view kind, std::string_view parent) {
  RETURN_IF_ERROR(ParsePrincipalRef("principal", principal).status());
  RETURN_IF_ERROR(ValidateText("description", description, kMaxShortNameBytes));
  ASSIGN_OR_RETURN(std::string expires_at,
                   ExpiryOf(expires, std::chrono::system_clock::now()));
  ASSIGN_OR_RETURN(std::vector<std::string> limited, ExpandActions(actions));
  if (issuer != nullptr) {
    RETURN_IF_ERROR(WithinIssuer(*issuer, expires_at, limited));
  }
  ASSIGN_OR_RETURN(std::string id_bytes, RandomBytes(8));
  ASSIGN_OR_RETURN(std::string secret_bytes, RandomBytes(32));
  std::string secret = absl::WebSafeBase64Escape(secret_bytes);
  IssuedToken issued;
  issued.record = {.id = "tok_" + Hex(id_bytes),
                   .secret_hash = Sha256(secret),
                   .principal = std::string(principal),
                   .description = std::string(description),
                   .created_by = std::string(actor),
                   .expires_at = expires_at,
                   .actions = limited,
                   .kind = std::string(kind),
                   .parent = std::string(parent)};
  RETURN_IF_ERROR(store_->CreateToken(issued.record, actor));
  {
    std::unique_lock lock(mu_);
    tokens_[issued.record.id] = EntryOf(issued.record);
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

Authenticator::~Authenticator() { store_->RemoveCommitHook(commit_hook_); }

size_t Authenticator::LiveTokens() const {
  std::shared_lock lock(mu_);
  size_t n = 0;
  for (const auto& [id, entry] : tokens_) n += entry.revoked ? 0 : 1;
  return n;
}

}  // namespace catalog::server
