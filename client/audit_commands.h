// catalogctl audit: list, tail and verify the audit log (audit:read).
#pragma once

#include <string>

#include "client/commands.h"

namespace catalog::client {

struct AuditOptions {
  std::string principal;
  std::string action;    // exact, or a prefix ending in '.'
  std::string since;     // RFC 3339 (or a prefix) or a duration: 15m, 2h, 7d
  std::string decision;  // allow, deny
  int limit = 100;
  std::string output = "table";  // table or json (JSON lines)
};

// audit list: matching events, oldest first, at most `limit`.
int RunAuditList(CommandContext& ctx, const AuditOptions& options);
// audit tail: the last `limit` matching events, then new ones as they come
// (every `poll_ms`), until interrupted or, with `for_ms` > 0, that long.
int RunAuditTail(CommandContext& ctx, const AuditOptions& options,
                 int poll_ms, int for_ms);
// audit verify [--head SEQ:HASH]: exit 0 when the chain holds, 1 naming the
// first broken link otherwise.
int RunAuditVerify(CommandContext& ctx, const std::string& head);

}  // namespace catalog::client
