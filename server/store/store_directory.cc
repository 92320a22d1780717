// Domains, principals (users, service accounts, groups), tokens and the
// audit log.
#include <functional>
#include <set>

#include "lib/catalog/json_codec.h"
#include "lib/catalog/validate.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

using nlohmann::json;


json ParseSpec(const std::string& text) {
  json spec = json::parse(text, nullptr, false);
  return spec.is_discarded() ? json::object() : spec;
}

constexpr char kSelectDomain[] =
    "SELECT path, spec, revision, created_at, updated_at, updated_by FROM "
    "domains ";

absl::StatusOr<Domain> ReadDomain(const Statement& s) {
  Domain d{.path = s.Text(0)};
  ASSIGN_OR_RETURN(d.spec, DomainSpecFromJson(ParseSpec(s.Text(1))));
  d.status = ReadObjectStatus(s, 2);
  return d;
}

absl::StatusOr<std::optional<Domain>> FindDomain(Connection& db,
                                                 std::string_view path) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare(StrCat(kSelectDomain, "WHERE path = ?")));
  s->Bind(1, path);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  ASSIGN_OR_RETURN(Domain d, ReadDomain(*s));
  s->Reset();
  return d;
}

constexpr char kSelectPrincipal[] =
    "SELECT kind, name, spec, revision, created_at, updated_at, updated_by "
    "FROM principals ";

absl::StatusOr<Principal> ReadPrincipal(const Statement& s) {
  ASSIGN_OR_RETURN(PrincipalRef ref,
                   ParsePrincipalRef("kind", StrCat(s.Text(0), ":", s.Text(1))));
  Principal p{.kind = ref.kind, .name = ref.name};
  ASSIGN_OR_RETURN(p.spec, PrincipalSpecFromJson(ParseSpec(s.Text(2))));
  p.status = ReadObjectStatus(s, 3);
  return p;
}

absl::StatusOr<std::optional<Principal>> FindPrincipal(Connection& db,
                                                       PrincipalKind kind,
                                                       std::string_view name) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare(StrCat(kSelectPrincipal,
                                     "WHERE kind = ? AND name = ?")));
  s->Bind(1, PrincipalKindPrefix(kind));
  s->Bind(2, name);
  ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::nullopt;
  ASSIGN_OR_RETURN(Principal p, ReadPrincipal(*s));
  s->Reset();
  return p;
}

absl::StatusOr<int64_t> CountRows(Connection& db, const char* sql,
                                  std::string_view arg) {
  ASSIGN_OR_RETURN(Statement * s, db.Prepare(sql));
  s->Bind(1, arg);
  ASSIGN_OR_RETURN(bool row, s->Step());
  int64_t n = row ? s->Int(0) : 0;
  s->Reset();
  return n;
}

}  // namespace

absl::Status CheckExists(Connection& db, const char* sql, std::string_view key,
                         std::string_view field, std::string_view what) {
  ASSIGN_OR_RETURN(Statement * s, db.Prepare(sql));
  s->Bind(1, key);
  ASSIGN_OR_RETURN(bool row, s->Step());
  s->Reset();
  if (row) return absl::OkStatus();
  return absl::FailedPreconditionError(StrCat(
      field, ": ", what, " \"", key, "\" does not exist; apply it first or in the same file"));
}

absl::Status CheckDomainExists(Connection& db, std::string_view field, std::string_view path) {
  if (path.empty()) return absl::OkStatus();
  return CheckExists(db, "SELECT 1 FROM domains WHERE path = ?", path, field, "domain");
}

absl::StatusOr<ApplyResult> ApplyDomain(WriteContext& ctx, const Domain& d,
                                        int64_t expected_revision) {
  ApplyResult result{.kind = "Domain", .name = d.path};
  ASSIGN_OR_RETURN(std::optional<Domain> old, FindDomain(ctx.db, d.path));
  RETURN_IF_ERROR(CheckExpected(expected_revision,
                                old ? old->status.revision : 0,
                                old.has_value()));
  if (old && old->spec == d.spec) {
    result.revision = old->status.revision;
    return result;
  }
  int64_t before = old ? old->status.revision : 0;
  result.revision = before + 1;
  result.outcome = old ? ApplyOutcome::kChanged : ApplyOutcome::kCreated;
  ASSIGN_OR_RETURN(
      Statement * s,
      ctx.db.Prepare("INSERT INTO domains(path, parent, spec, revision, "
                     "created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, "
                     "?, ?, ?) ON CONFLICT(path) DO UPDATE SET spec = "
                     "excluded.spec, revision = excluded.revision, updated_at "
                     "= excluded.updated_at, updated_by = excluded.updated_by"));
  std::string parent = DomainParent(d.path);
  s->Bind(1, d.path);
  if (parent.empty()) {
    s->BindNull(2);
  } else {
    s->Bind(2, parent);
  }
  s->Bind(3, DomainSpecToJson(d.spec).dump());
  s->Bind(4, result.revision);
  s->Bind(5, ctx.now);
  s->Bind(6, ctx.now);
  s->Bind(7, ctx.actor);
  RETURN_IF_ERROR(s->Run());
  RETURN_IF_ERROR(ctx.Audit(old ? "domain.update" : "domain.create", "Domain",
                            d.path, before, result.revision));
  ctx.change.upserted.push_back({.kind = Resource::Kind::kDomain, .domain = d});
  return result;
}

absl::Status CheckDomainReferences(Connection& db, const Domain& d) {
  std::string parent = DomainParent(d.path);
  if (parent.empty()) return absl::OkStatus();
  return CheckExists(db, "SELECT 1 FROM domains WHERE path = ?", parent, "metadata.name",
                     "parent domain");
}

absl::StatusOr<ApplyResult> ApplyPrincipal(WriteContext& ctx,
                                           const Principal& p,
                                           int64_t expected_revision) {
  ApplyResult result{.kind = PrincipalKindName(p.kind), .name = p.name};
  ASSIGN_OR_RETURN(std::optional<Principal> old,
                   FindPrincipal(ctx.db, p.kind, p.name));
  RETURN_IF_ERROR(CheckExpected(expected_revision,
                                old ? old->status.revision : 0,
                                old.has_value()));
  if (old && old->spec == p.spec) {
    result.revision = old->status.revision;
    return result;
  }
  int64_t before = old ? old->status.revision : 0;
  result.revision = before + 1;
  result.outcome = old ? ApplyOutcome::kChanged : ApplyOutcome::kCreated;
  std::string kind = PrincipalKindPrefix(p.kind);
  ASSIGN_OR_RETURN(
      Statement * s,
      ctx.db.Prepare("INSERT INTO principals(kind, name, spec, revision, "
                     "created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, "
                     "?, ?, ?) ON CONFLICT(kind, name) DO UPDATE SET spec = "
                     "excluded.spec, revision = excluded.revision, updated_at "
                     "= excluded.updated_at, updated_by = excluded.updated_by"));
  s->Bind(1, kind);
  s->Bind(2, p.name);
  s->Bind(3, PrincipalSpecToJson(p.spec).dump());
  s->Bind(4, result.revision);
  s->Bind(5, ctx.now);
  s->Bind(6, ctx.now);
  s->Bind(7, ctx.actor);
  RETURN_IF_ERROR(s->Run());
  ASSIGN_OR_RETURN(Statement * del,
                   ctx.db.Prepare("DELETE FROM memberships WHERE member_kind = "
                                  "? AND member_name = ?"));
  del->Bind(1, kind);
  del->Bind(2, p.name);
  RETURN_IF_ERROR(del->Run());
  for (const std::string& group : p.spec.groups) {
    ASSIGN_OR_RETURN(Statement * ins,
                     ctx.db.Prepare("INSERT INTO memberships(member_kind, "
                                    "member_name, group_name) VALUES (?, ?, "
                                    "?)"));
    ins->Bind(1, kind);
    ins->Bind(2, p.name);
    ins->Bind(3, group);
    RETURN_IF_ERROR(ins->Run());
  }
  RETURN_IF_ERROR(ctx.Audit(StrCat(kind, old ? ".update" : ".create"),
                            result.kind, p.name, before, result.revision));
  ctx.change.upserted.push_back({.kind = Resource::Kind::kPrincipal, .principal = p});
  return result;
}

absl::Status CheckPrincipalReferences(Connection& db, const Principal& p) {
  for (size_t i = 0; i < p.spec.groups.size(); ++i) {
    ASSIGN_OR_RETURN(
        std::optional<Principal> group,
        FindPrincipal(db, PrincipalKind::kGroup, p.spec.groups[i]));
    if (!group) {
      return absl::FailedPreconditionError(
          StrCat("spec.groups[", i, "]: group \"", p.spec.groups[i],
                 "\" does not exist; apply it first or in the same file"));
    }
  }
  if (p.kind != PrincipalKind::kGroup) return absl::OkStatus();
  // Groups nest; a cycle would make membership meaningless. Walk up from
  // this group and fail if we come back to it.
  std::set<std::string> visited;
  std::vector<std::string> frontier = p.spec.groups;
  while (!frontier.empty()) {
    std::string g = std::move(frontier.back());
    frontier.pop_back();
    if (g == p.name) {
      return absl::FailedPreconditionError(
          StrCat("spec.groups: group \"", p.name,
                 "\" would be a member of itself through its parents"));
    }
    if (!visited.insert(g).second) continue;
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("SELECT group_name FROM memberships WHERE "
                                "member_kind = 'group' AND member_name = ?"));
    s->Bind(1, g);
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      frontier.push_back(s->Text(0));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Domain> Store::GetDomain(std::string_view path) {
  RETURN_IF_ERROR(ValidateDomainPath("path", path));
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Domain> {
    ASSIGN_OR_RETURN(std::optional<Domain> d, FindDomain(db, path));
    if (!d) return absl::NotFoundError(StrCat("domain \"", path, "\" not found"));
    return *std::move(d);
  });
}

absl::StatusOr<Page<Domain>> Store::ListDomains(const PageRequest& page) {
  ASSIGN_OR_RETURN(std::vector<std::string> after, DecodeKeyToken(page, 1));
  int limit = EffectivePageSize(page);
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Page<Domain>> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare(StrCat(kSelectDomain,
                                       "WHERE path > ? ORDER BY path LIMIT ?")));
    s->Bind(1, after[0]);
    s->Bind(2, static_cast<int64_t>(limit + 1));
    Page<Domain> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      if (static_cast<int>(out.items.size()) == limit) {
        out.next_page_token = EncodeKeyToken({out.items.back().path});
        break;
      }
      ASSIGN_OR_RETURN(Domain d, ReadDomain(*s));
      out.items.push_back(std::move(d));
    }
    return out;
  });
}

absl::StatusOr<int64_t> Store::DeleteDomain(std::string_view path,
                                            int64_t expected_revision,
                                            std::string_view actor) {
  RETURN_IF_ERROR(ValidateDomainPath("path", path));
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(std::optional<Domain> d, FindDomain(ctx.db, path));
    if (!d) return absl::NotFoundError(StrCat("domain \"", path, "\" not found"));
    RETURN_IF_ERROR(CheckExpected(expected_revision, d->status.revision, true));
    ASSIGN_OR_RETURN(int64_t datasets,
                     CountRows(ctx.db,
                               "SELECT COUNT(*) FROM datasets WHERE domain = ?",
                               path));
    ASSIGN_OR_RETURN(int64_t children,
                     CountRows(ctx.db,
                               "SELECT COUNT(*) FROM domains WHERE parent = ?",
                               path));
    ASSIGN_OR_RETURN(int64_t products,
                     CountRows(ctx.db, "SELECT COUNT(*) FROM data_products WHERE domain = ?",
                               path));
    ASSIGN_OR_RETURN(int64_t terms,
                     CountRows(ctx.db, "SELECT COUNT(*) FROM glossary_terms WHERE domain = ?",
                               path));
    ASSIGN_OR_RETURN(int64_t models,
                     CountRows(ctx.db, "SELECT COUNT(*) FROM models WHERE domain = ?", path));
    ASSIGN_OR_RETURN(
        int64_t applications,
        CountRows(ctx.db, "SELECT COUNT(*) FROM ai_applications WHERE domain = ?", path));
    ASSIGN_OR_RETURN(
        int64_t views,
        CountRows(ctx.db, "SELECT COUNT(*) FROM feature_views WHERE domain = ?", path));
    if (datasets + children + products + terms + models + applications + views > 0) {
      return absl::FailedPreconditionError(
          StrCat("domain \"", path, "\" still holds ", datasets, " dataset(s), ", children,
                 " child domain(s), ", products, " data product(s), ", terms,
                 " glossary term(s), ", models, " model(s), ", views, " feature view(s) and ",
                 applications, " AI application(s); move or delete them first"));
    }
    ASSIGN_OR_RETURN(Statement * s,
                     ctx.db.Prepare("DELETE FROM domains WHERE path = ?"));
    s->Bind(1, path);
    RETURN_IF_ERROR(s->Run());
    RETURN_IF_ERROR(ctx.Audit("domain.delete", "Domain", path,
                              d->status.revision, d->status.revision + 1));
    ctx.change.deleted_domains.push_back(std::string(path));
    return ctx.catalog_revision;
  });
}

absl::StatusOr<Principal> Store::GetPrincipal(PrincipalKind kind,
                                              std::string_view name) {
  std::string ref = StrCat(PrincipalKindPrefix(kind), ":", name);
  RETURN_IF_ERROR(ParsePrincipalRef("name", ref).status());
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Principal> {
    ASSIGN_OR_RETURN(std::optional<Principal> p, FindPrincipal(db, kind, name));
    if (!p) return absl::NotFoundError(StrCat("principal \"", ref, "\" not found"));
    return *std::move(p);
  });
}

absl::StatusOr<Page<Principal>> Store::ListPrincipals(
    std::optional<PrincipalKind> kind, const PageRequest& page) {
  ASSIGN_OR_RETURN(std::vector<std::string> after, DecodeKeyToken(page, 2));
  int limit = EffectivePageSize(page);
  return impl_->Read([&](Connection& db) -> absl::StatusOr<Page<Principal>> {
    ASSIGN_OR_RETURN(
        Statement * s,
        db.Prepare(StrCat(kSelectPrincipal,
                          "WHERE (kind, name) > (?, ?) AND (CASE WHEN CAST(?3 AS TEXT) IS "
                          "NULL THEN kind <> 'group' ELSE kind = ?3 END) "
                          "ORDER BY kind, name LIMIT ?4")));
    s->Bind(1, after[0]);
    s->Bind(2, after[1]);
    if (kind) {
      s->Bind(3, PrincipalKindPrefix(*kind));
    } else {
      s->BindNull(3);
    }
    s->Bind(4, static_cast<int64_t>(limit + 1));
    Page<Principal> out;
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      if (static_cast<int>(out.items.size()) == limit) {
        const Principal& last = out.items.back();
        out.next_page_token =
            EncodeKeyToken({PrincipalKindPrefix(last.kind), last.name});
        break;
      }
      ASSIGN_OR_RETURN(Principal p, ReadPrincipal(*s));
      out.items.push_back(std::move(p));
    }
    return out;
  });
}

absl::StatusOr<int64_t> Store::DeletePrincipal(PrincipalKind kind,
                                               std::string_view name,
                                               int64_t expected_revision,
                                               std::string_view actor) {
  std::string ref = StrCat(PrincipalKindPrefix(kind), ":", name);
  RETURN_IF_ERROR(ParsePrincipalRef("name", ref).status());
  return impl_->Write(actor, [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(std::optional<Principal> p,
                     FindPrincipal(ctx.db, kind, name));
    if (!p) return absl::NotFoundError(StrCat("principal \"", ref, "\" not found"));
    RETURN_IF_ERROR(CheckExpected(expected_revision, p->status.revision, true));
    if (kind == PrincipalKind::kGroup) {
      ASSIGN_OR_RETURN(int64_t members,
                       CountRows(ctx.db,
                                 "SELECT COUNT(*) FROM memberships WHERE "
                                 "group_name = ?",
                                 name));
      if (members > 0) {
        return absl::FailedPreconditionError(
            StrCat("group \"", name, "\" still has ", members,
                   " member(s); remove them from it first"));
      }
    }
    ASSIGN_OR_RETURN(Statement * s,
                     ctx.db.Prepare("DELETE FROM principals WHERE kind = ? AND "
                                    "name = ?"));
    s->Bind(1, PrincipalKindPrefix(kind));
    s->Bind(2, name);
    RETURN_IF_ERROR(s->Run());
    // Its tokens die with it, in this transaction.
    ASSIGN_OR_RETURN(Statement * revoke,
                     ctx.db.Prepare("UPDATE tokens SET revoked_at = ? WHERE principal = ? "
                                    "AND revoked_at IS NULL"));
    revoke->Bind(1, ctx.now);
    revoke->Bind(2, ref);
    RETURN_IF_ERROR(revoke->Run());
    RETURN_IF_ERROR(ctx.Audit(StrCat(PrincipalKindPrefix(kind), ".delete"),
                              PrincipalKindName(kind), name,
                              p->status.revision, p->status.revision + 1));
    ctx.change.deleted_principals.push_back({kind, std::string(name)});
    return ctx.catalog_revision;
  });
}

absl::Status Store::CreateToken(const TokenRecord& token,
                                std::string_view actor) {
  return impl_
      ->Write(actor,
              [&](WriteContext& ctx) -> absl::StatusOr<bool> {
                ASSIGN_OR_RETURN(
                    Statement * s,
                    ctx.db.Prepare("INSERT INTO tokens(id, secret_hash, "
                                   "principal, description, created_at, "
                                   "created_by, expires_at, actions, kind, parent) "
                                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
                s->Bind(1, token.id);
                s->BindBlob(2, token.secret_hash);
                s->Bind(3, token.principal);
                s->Bind(4, token.description);
                s->Bind(5, ctx.now);
                s->Bind(6, ctx.actor);
                s->Bind(7, token.expires_at);
                s->Bind(8, nlohmann::json(token.actions).dump());
                s->Bind(9, token.kind);
                if (token.parent.empty()) {
                  s->BindNull(10);
                } else {
                  s->Bind(10, token.parent);
                }
                RETURN_IF_ERROR(s->Run());
                ctx.change.tokens.push_back(token.id);
                RETURN_IF_ERROR(ctx.Audit("token.create", "Token", token.id,
                                          0, 1));
                return true;
              })
      .status();
}

namespace {
constexpr char kSelectToken[] =
    "SELECT id, secret_hash, principal, description, created_at, created_by, "
    "revoked_at IS NOT NULL, expires_at, actions, kind, parent FROM tokens ";

TokenRecord ReadToken(const Statement& s) {
  TokenRecord t{.id = s.Text(0),
                .secret_hash = s.Blob(1),
                .principal = s.Text(2),
                .description = s.Text(3),
                .created_at = s.Text(4),
                .created_by = s.Text(5),
                .revoked = s.Int(6) != 0,
                .expires_at = s.Text(7),
                .kind = s.Text(9),
                .parent = s.Text(10)};
  nlohmann::json actions = nlohmann::json::parse(s.Text(8), nullptr, false);
  if (actions.is_array()) {
    for (const auto& a : actions) {
      if (a.is_string()) t.actions.push_back(a.get<std::string>());
    }
  }
  return t;
}
}  // namespace

absl::StatusOr<TokenRecord> Store::GetToken(std::string_view id) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<TokenRecord> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare(StrCat(kSelectToken, "WHERE id = ?")));
    s->Bind(1, id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return absl::NotFoundError(StrCat("token \"", id, "\" not found"));
    return ReadToken(*s);
  });
}

absl::StatusOr<std::vector<TokenRecord>> Store::ListTokens() {
  return impl_->Read(
      [&](Connection& db) -> absl::StatusOr<std::vector<TokenRecord>> {
        ASSIGN_OR_RETURN(Statement * s,
                         db.Prepare(StrCat(kSelectToken, "ORDER BY created_at, id")));
        std::vector<TokenRecord> out;
        while (true) {
          ASSIGN_OR_RETURN(bool row, s->Step());
          if (!row) break;
          out.push_back(ReadToken(*s));
          out.back().secret_hash.clear();
        }
        return out;
      });
}

absl::Status Store::RevokeToken(std::string_view id, std::string_view actor) {
  return impl_
      ->Write(actor,
              [&](WriteContext& ctx) -> absl::StatusOr<bool> {
                ASSIGN_OR_RETURN(
                    Statement * s,
                    ctx.db.Prepare("UPDATE tokens SET revoked_at = ? WHERE id "
                                   "= ? AND revoked_at IS NULL"));
                s->Bind(1, ctx.now);
                s->Bind(2, id);
                RETURN_IF_ERROR(s->Run());
                if (ctx.db.Changes() == 0) {
                  return absl::NotFoundError(
                      StrCat("token \"", id, "\" not found or already revoked"));
                }
                ctx.change.tokens.push_back(std::string(id));
                RETURN_IF_ERROR(ctx.Audit("token.revoke", "Token", id, 1, 2));
                // The sessions it opened end with it.
                ASSIGN_OR_RETURN(Statement * opened,
                                 ctx.db.Prepare("SELECT id FROM tokens WHERE parent = ? AND "
                                                "revoked_at IS NULL ORDER BY id"));
                opened->Bind(1, id);
                std::vector<std::string> sessions;
                while (true) {
                  ASSIGN_OR_RETURN(bool row, opened->Step());
                  if (!row) break;
                  sessions.push_back(opened->Text(0));
                }
                for (const std::string& session : sessions) {
                  s->Reset();
                  s->Bind(1, ctx.now);
                  s->Bind(2, session);
                  RETURN_IF_ERROR(s->Run());
                  ctx.change.tokens.push_back(session);
                  RETURN_IF_ERROR(ctx.Audit("token.revoke", "Token", session, 1, 2));
                }
                return true;
              })
      .status();
}

}  // namespace catalog::store

namespace catalog::store {

absl::Status Store::TouchSession(std::string_view token_id, std::string_view time) {
  return impl_
      ->Write("", [&](WriteContext& ctx) -> absl::StatusOr<bool> {
        ASSIGN_OR_RETURN(
            Statement * s,
            ctx.db.Prepare("INSERT INTO session_activity(token_id, last_seen) VALUES (?, ?) "
                           "ON CONFLICT (token_id) DO UPDATE SET last_seen = CASE WHEN "
                           "excluded.last_seen > session_activity.last_seen THEN "
                           "excluded.last_seen ELSE session_activity.last_seen END"));
        s->Bind(1, token_id);
        s->Bind(2, time);
        RETURN_IF_ERROR(s->Run());
        return true;
      })
      .status();
}

absl::StatusOr<std::string> Store::SessionLastSeen(std::string_view token_id) {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<std::string> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare("SELECT last_seen FROM session_activity WHERE token_id = ?"));
    s->Bind(1, token_id);
    ASSIGN_OR_RETURN(bool row, s->Step());
    std::string last = row ? s->Text(0) : "";
    s->Reset();
    return last;
  });
}

}  // namespace catalog::store
