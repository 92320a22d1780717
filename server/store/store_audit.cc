// The audit log: one event per mutation, written in the mutation's own
// transaction (if the event cannot be written, nothing is), and events for
// authorization decisions, appended in batches; all chained: each event's
// hash covers its content and the hash of the event before.
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "lib/util/sha256.h"
#include "server/store/store_internal.h"

namespace catalog::store {
namespace {

const std::string kGenesis(64, '0');

constexpr char kSelectEvent[] =
    "SELECT seq, time, actor, action, target_kind, target, before_revision, "
    "after_revision, catalog_revision, decision, prev_hash, hash, subject, peer FROM "
    "audit_events ";

AuditEvent ReadEvent(const Statement& s) {
  return {.seq = s.Int(0),
          .time = s.Text(1),
          .actor = s.Text(2),
          .action = s.Text(3),
          .target_kind = s.Text(4),
          .target = s.Text(5),
          .before_revision = s.Int(6),
          .after_revision = s.Int(7),
          .catalog_revision = s.Int(8),
          .decision = s.Text(9),
          .prev_hash = s.Text(10),
          .hash = s.Text(11),
          .subject = s.Text(12),
          .peer = s.Text(13)};
}

// The hash of an event: SHA-256 over its predecessor's hash and a JSON
// array of its fields, so no field can change, and no event can be
// removed or slipped in, without breaking a link.
std::string HashOf(const AuditEvent& e, const std::string& prev_hash) {
  nlohmann::json fields = {e.seq,          e.time,
                           e.actor,        e.action,
                           e.target_kind,  e.target,
                           e.before_revision, e.after_revision,
                           e.catalog_revision, e.decision};
  // Events from before subjects and peers existed hash as they always did;
  // a peer is never confused with a subject (it comes after one, "" or not).
  if (!e.subject.empty() || !e.peer.empty()) fields.push_back(e.subject);
  if (!e.peer.empty()) fields.push_back(e.peer);
  return Sha256Hex(prev_hash + "\n" + fields.dump());
}

// The last event's seq and hash (0 and the genesis hash when none).
absl::StatusOr<std::pair<int64_t, std::string>> Head(Connection& db) {
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare("SELECT seq, hash FROM audit_events ORDER BY "
                              "seq DESC LIMIT 1"));
  ASSIGN_OR_RETURN(bool row, s->Step());
  std::pair<int64_t, std::string> head{0, kGenesis};
  if (row) head = {s->Int(0), s->Text(1)};
  s->Reset();
  return head;
}

absl::Status Insert(Connection& db, const AuditEvent& e) {
  ASSIGN_OR_RETURN(
      Statement * s,
      db.Prepare("INSERT INTO audit_events(seq, time, actor, action, "
                 "target_kind, target, before_revision, after_revision, "
                 "catalog_revision, decision, prev_hash, hash, subject, peer) VALUES "
                 "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  s->Bind(1, e.seq);
  s->Bind(2, e.time);
  s->Bind(3, e.actor);
  s->Bind(4, e.action);
  s->Bind(5, e.target_kind);
  s->Bind(6, e.target);
  s->Bind(7, e.before_revision);
  s->Bind(8, e.after_revision);
  s->Bind(9, e.catalog_revision);
  s->Bind(10, e.decision);
  s->Bind(11, e.prev_hash);
  s->Bind(12, e.hash);
  s->Bind(13, e.subject);
  s->Bind(14, e.peer);
  return s->Run();
}

thread_local const std::string* current_peer = nullptr;

}  // namespace

AuditPeer::AuditPeer(const std::string& peer) : previous_(current_peer) {
  current_peer = &peer;
}
AuditPeer::~AuditPeer() { current_peer = previous_; }
std::string_view AuditPeer::Current() {
  return current_peer == nullptr ? std::string_view() : std::string_view(*current_peer);
}

absl::Status WriteContext::Audit(std::string_view action,
                                 std::string_view target_kind,
                                 std::string_view target, int64_t before,
                                 int64_t after) {
  ASSIGN_OR_RETURN(int64_t revision, BumpCatalogRevision());
  ASSIGN_OR_RETURN(auto head, Head(db));
  AuditEvent e{.seq = head.first + 1,
               .time = now,
               .actor = actor,
               .action = std::string(action),
               .target_kind = std::string(target_kind),
               .target = std::string(target),
               .before_revision = before,
               .after_revision = after,
               .catalog_revision = revision,
               .peer = peer};
  e.prev_hash = head.second;
  e.hash = HashOf(e, e.prev_hash);
  return Insert(db, e);
}

absl::StatusOr<int64_t> Store::AppendAuditEvents(std::vector<AuditEvent> events) {
  return impl_->Write("", [&](WriteContext& ctx) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(auto head, Head(ctx.db));
    for (AuditEvent& e : events) {
      e.seq = ++head.first;
      e.prev_hash = std::move(head.second);
      e.hash = HashOf(e, e.prev_hash);
      head.second = e.hash;
      RETURN_IF_ERROR(Insert(ctx.db, e));
    }
    return head.first;
  });
}

absl::Status ChainAudit(Connection& db) {
  // Chaining happens once in a database's life: `audit_chained` in meta
  // says it did. After that an event without a hash was blanked, not
  // legacy, and is left for VerifyAudit to report.
  ASSIGN_OR_RETURN(Statement * done,
                   db.Prepare("SELECT count(*) FROM meta WHERE key = 'audit_chained'"));
  ASSIGN_OR_RETURN(bool done_row, done->Step());
  bool chained_before = done_row && done->Int(0) > 0;
  done->Reset();
  if (chained_before) return absl::OkStatus();
  ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, TxnMode::kWrite));
  ASSIGN_OR_RETURN(Statement * s,
                   db.Prepare(StrCat(kSelectEvent, "ORDER BY seq")));
  std::vector<AuditEvent> events;
  while (true) {
    ASSIGN_OR_RETURN(bool more, s->Step());
    if (!more) break;
    events.push_back(ReadEvent(*s));
  }
  ASSIGN_OR_RETURN(Statement * update,
                   db.Prepare("UPDATE audit_events SET prev_hash = ?, hash = ? "
                              "WHERE seq = ?"));
  // Only the leading run of never-hashed events (written before the chain
  // existed) is legacy.
  std::string prev = kGenesis;
  int64_t legacy = 0;
  for (AuditEvent& e : events) {
    if (!e.hash.empty()) break;
    e.prev_hash = prev;
    e.hash = HashOf(e, prev);
    update->Bind(1, e.prev_hash);
    update->Bind(2, e.hash);
    update->Bind(3, e.seq);
    RETURN_IF_ERROR(update->Run());
    prev = e.hash;
    ++legacy;
  }
  ASSIGN_OR_RETURN(Statement * mark,
                   db.Prepare("INSERT INTO meta(key, value) VALUES ('audit_chained', ?)"));
  mark->Bind(1, legacy);
  RETURN_IF_ERROR(mark->Run());
  if (legacy > 0) {
    spdlog::warn("audit log: chained {} events written before the hash chain existed "
                 "(seq 1 to {})", legacy, legacy);
  }
  return txn.Commit();
}

absl::StatusOr<std::vector<AuditEvent>> Store::ListAudit(
    const AuditFilter& filter) {
  return impl_->Read(
      [&](Connection& db) -> absl::StatusOr<std::vector<AuditEvent>> {
        bool prefix = !filter.action.empty() && filter.action.back() == '.';
        ASSIGN_OR_RETURN(
            Statement * s,
            db.Prepare(StrCat(
                kSelectEvent,
                "WHERE seq > ?1 AND (?2 = '' OR actor = ?2) AND (?3 = '' OR ",
                prefix ? "substr(action, 1, length(?3)) = ?3"
                       : "action = ?3",
                ") AND (?4 = '' OR time >= ?4) AND (?5 = '' OR decision = ?5) "
                "ORDER BY seq LIMIT ?6")));
        s->Bind(1, filter.after_seq);
        s->Bind(2, filter.actor);
        s->Bind(3, filter.action);
        s->Bind(4, filter.since);
        s->Bind(5, filter.decision);
        s->Bind(6, static_cast<int64_t>(filter.limit));
        std::vector<AuditEvent> out;
        while (true) {
          ASSIGN_OR_RETURN(bool row, s->Step());
          if (!row) break;
          out.push_back(ReadEvent(*s));
        }
        return out;
      });
}

absl::StatusOr<std::vector<AuditEvent>> Store::ListAudit(int64_t after_seq,
                                                         int limit) {
  return ListAudit(AuditFilter{.after_seq = after_seq, .limit = limit});
}

absl::StatusOr<AuditVerification> Store::VerifyAudit() {
  return impl_->Read([&](Connection& db) -> absl::StatusOr<AuditVerification> {
    ASSIGN_OR_RETURN(Statement * s,
                     db.Prepare(StrCat(kSelectEvent, "ORDER BY seq")));
    AuditVerification v;
    int64_t prev_seq = 0;
    std::string prev_hash = kGenesis;
    auto broken = [&](const AuditEvent& e, std::string problem) {
      if (!v.ok) return;
      v.ok = false;
      v.first_bad_seq = e.seq;
      v.problem = std::move(problem);
    };
    while (true) {
      ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      AuditEvent e = ReadEvent(*s);
      ++v.events;
      if (e.seq != prev_seq + 1) {
        broken(e, StrCat("event ", e.seq, " follows event ", prev_seq,
                         ": events were deleted or inserted"));
      } else if (e.prev_hash != prev_hash) {
        broken(e, StrCat("event ", e.seq, " does not link to event ",
                         prev_seq, " (its prev_hash is not that event's "
                         "hash): an event before it was changed, removed "
                         "or inserted"));
      } else if (HashOf(e, e.prev_hash) != e.hash) {
        broken(e, StrCat("event ", e.seq,
                         " does not match its hash: it was altered"));
      }
      prev_seq = e.seq;
      prev_hash = e.hash;
    }
    v.head_seq = prev_seq;
    v.head_hash = prev_seq == 0 ? "" : prev_hash;
    return v;
  });
}

}  // namespace catalog::store
