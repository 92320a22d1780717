#include "lib/util/pg_conninfo.h"

#include <libpq-fe.h>

#include <cstring>

#include "lib/util/strings.h"

namespace catalog {

absl::StatusOr<bool> ConninfoHasPassword(std::string_view conninfo) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(std::string(conninfo).c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!message.empty() && message.back() == '\n') message.pop_back();
    return absl::InvalidArgumentError(message);
  }
  bool password = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr && *o->val != '\0') {
      password = true;
    }
  }
  PQconninfoFree(options);
  return password;
}

std::string RedactedConninfo(std::string_view conninfo) {
  PQconninfoOption* options = PQconninfoParse(std::string(conninfo).c_str(), nullptr);
  if (options == nullptr) return "postgres://(unparsable)";
  std::string user, host, port, db, sslmode;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    std::string_view k = o->keyword;
    if (k == "user") user = o->val;
    if (k == "host") host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") db = o->val;
    if (k == "sslmode") sslmode = o->val;
  }
  PQconninfoFree(options);
  return StrCat("postgres://", user.empty() ? "" : user + "@", host, port.empty() ? "" : ":" + port,
                "/", db, sslmode.empty() ? "" : "?sslmode=" + sslmode);
}

}  // namespace catalog
