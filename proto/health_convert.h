// A dataset's failing check as the API and the store write it
// (catalog.v1.FailingCheck): the store keeps each dataset's list so, and
// GetDatasetHealth answers with it.
#pragma once

#include "catalog/v1/quality.pb.h"
#include "lib/health/health.h"

namespace catalog {

// Everything, the reporting job too (as job_namespace/job_name and as the
// result's "namespace/name").
void ToProto(const health::FailingCheck& f, v1::FailingCheck* out);
// Back, as ToProto wrote it.
health::FailingCheck FromProto(const v1::FailingCheck& f);

}  // namespace catalog
