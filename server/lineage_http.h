// OpenLineage's own HTTP transport, served on catalogd's HTTP port, so an
// Airflow, Spark or dbt OpenLineage client pointed at catalogd works
// unchanged:
//   POST /api/v1/lineage        one event (an array or JSON lines also do)
//   POST /api/v1/lineage/batch  a JSON array of events (or JSON lines)
// with "Authorization: Bearer <token>" as on gRPC. 201 with
// {"events": n, "catalogRevision": r}; errors are JSON {"code", "message"}
// with 400, 401, 403, 413, 503 or 500. The caller is authenticated before
// the body is read, and the body is read (de-chunked, decompressed) no
// further than `max_body_bytes`.
#pragma once

#include <cstddef>

namespace httplib {
class Server;
}

namespace catalog::server {

class Authenticator;
class LineageServiceImpl;

void RegisterLineageHttp(httplib::Server& http, const Authenticator& auth,
                         LineageServiceImpl& lineage, size_t max_body_bytes);

}  // namespace catalog::server
