#include "client/audit_commands.h"

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "absl/strings/numbers.h"
#include "client/output.h"
#include "lib/util/strings.h"

namespace catalog::client {
namespace {

using Stub = v1::AuditService::Stub;

v1::ListAuditEventsRequest RequestOf(const AuditOptions& o, int64_t after,
                                     int page_size) {
  v1::ListAuditEventsRequest req;
  req.set_principal(o.principal);
  req.set_action(o.action);
  req.set_since(o.since);
  req.set_decision(o.decision);
  req.set_after_seq(after);
  req.set_page_size(page_size);
  return req;
}

// A change's object revisions ("3 -> 4"), or a decision and the catalog
// revision it was made at ("deny at 12").
std::string Outcome(const v1::AuditEventProto& e) {
  if (!e.decision().empty()) {
    return StrCat(e.decision(), " at ", e.catalog_revision(),
                  e.subject().empty() ? "" : StrCat(" for ", e.subject()));
  }
  return StrCat(e.before_revision(), " -> ", e.after_revision());
}

void PrintJson(std::ostream& out, const v1::AuditEventProto& e) {
  out << nlohmann::json{{"seq", e.seq()},
                        {"time", e.time()},
                        {"actor", e.actor()},
                        {"action", e.action()},
                        {"targetKind", e.target_kind()},
                        {"target", e.target()},
                        {"beforeRevision", e.before_revision()},
                        {"afterRevision", e.after_revision()},
                        {"catalogRevision", e.catalog_revision()},
                        {"decision", e.decision()},
                        {"subject", e.subject()},
                        {"peer", e.peer()},
                        {"prevHash", e.prev_hash()},
                        {"hash", e.hash()}}
             .dump()
      << "\n";
}

void Print(std::ostream& out, const std::string& output,
           const std::vector<v1::AuditEventProto>& events, bool header) {
  if (output == "json") {
    for (const v1::AuditEventProto& e : events) PrintJson(out, e);
    return;
  }
  Table t;
  if (header) t.header = {"SEQ", "TIME", "ACTOR", "ACTION", "TARGET", "OUTCOME"};
  for (const v1::AuditEventProto& e : events) {
    std::string actor = e.peer().empty() ? e.actor() : StrCat(e.actor(), " (", e.peer(), ")");
    t.rows.push_back({StrCat(e.seq()), e.time(), actor, e.action(),
                      StrCat(e.target_kind(), " ", e.target()), Outcome(e)});
  }
  if (!t.rows.empty() || header) t.Print(out);
  out.flush();
}

// Every matching event after `after`, at most `limit` (0: all), page by page.
absl::StatusOr<std::vector<v1::AuditEventProto>> Fetch(
    CommandContext& ctx, const AuditOptions& o, int64_t after, int limit,
    int64_t* last) {
  std::vector<v1::AuditEventProto> out;
  while (limit == 0 || static_cast<int>(out.size()) < limit) {
    int page = limit == 0 ? 1000 : std::min(1000, limit - static_cast<int>(out.size()));
    auto r = ctx.client.Call(&Stub::ListAuditEvents, ctx.client.audit(),
                             RequestOf(o, after, page));
    if (!r.ok()) return r.status();
    for (const auto& e : r->events()) out.push_back(e);
    after = r->last_seq();
    if (r->events_size() < page) break;
  }
  *last = after;
  return out;
}

}  // namespace

int RunAuditList(CommandContext& ctx, const AuditOptions& options) {
  int64_t last = 0;
  auto events = Fetch(ctx, options, 0, options.limit, &last);
  if (!events.ok()) return ReportError(ctx.err, events.status());
  Print(ctx.out, options.output, *events, true);
  return 0;
}

int RunAuditTail(CommandContext& ctx, const AuditOptions& options, int poll_ms,
                 int for_ms) {
  // The last `limit` matching events first: read them all, keep the tail.
  int64_t last = 0;
  auto events = Fetch(ctx, options, 0, 0, &last);
  if (!events.ok()) return ReportError(ctx.err, events.status());
  if (static_cast<int>(events->size()) > options.limit) {
    events->erase(events->begin(), events->end() - options.limit);
  }
  Print(ctx.out, options.output, *events, true);
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(for_ms);
  while (for_ms <= 0 || std::chrono::steady_clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
    auto more = Fetch(ctx, options, last, 0, &last);
    if (!more.ok()) return ReportError(ctx.err, more.status());
    Print(ctx.out, options.output, *more, false);
  }
  return 0;
}

int RunAuditVerify(CommandContext& ctx, const std::string& head) {
  v1::VerifyAuditRequest req;
  if (!head.empty()) {
    size_t colon = head.find(':');
    int64_t seq = 0;
    if (colon == std::string::npos ||
        !absl::SimpleAtoi(head.substr(0, colon), &seq) || seq <= 0) {
      ctx.err << "error: --head: \"" << head << "\" is not SEQ:HASH\n";
      return 2;
    }
    req.set_head_seq(seq);
    req.set_head_hash(head.substr(colon + 1));
  }
  auto r = ctx.client.Call(&Stub::VerifyAudit, ctx.client.audit(), req);
  if (!r.ok()) return ReportError(ctx.err, r.status());
  if (!r->ok()) {
    ctx.out << "BROKEN at event " << r->first_bad_seq() << ": " << r->problem()
            << "\n";
    return 1;
  }
  ctx.out << "ok: " << r->events() << " events, chain intact\n";
  if (r->head_seq() > 0) {
    ctx.out << "head: " << r->head_seq() << ":" << r->head_hash()
            << "  (keep it; verify --head checks nothing was cut from the "
               "end)\n";
  }
  return 0;
}

}  // namespace catalog::client
