#include "proto/health_convert.h"

#include "lib/util/time.h"
#include "proto/convert.h"

namespace catalog {

void ToProto(const health::FailingCheck& f, v1::FailingCheck* out) {
  out->set_since(FormatMs(f.since_ms));
  out->set_job_namespace(f.job.ns);
  out->set_job_name(f.job.name);
  v1::QualityResult* r = out->mutable_result();
  r->set_time(FormatMs(f.last_ms));
  if (!f.job.ns.empty()) r->set_job(f.job.ToString());
  r->set_run_id(f.run_id);
  r->set_facet(f.check.facet);
  r->set_column(f.check.column);
  r->set_name(f.check.name);
  r->set_kind(v1::QUALITY_KIND_CHECK);
  r->set_check_type(f.check.check_type);
  r->set_status(f.check.status);
  r->set_severity(f.check.severity);
  r->set_expected(f.check.expected);
  r->set_actual(f.check.actual);
  r->set_description(f.check.description);
}

health::FailingCheck FromProto(const v1::FailingCheck& f) {
  const v1::QualityResult& r = f.result();
  return {.check = {.facet = r.facet(),
                    .column = r.column(),
                    .name = r.name(),
                    .check_type = r.check_type(),
                    .status = r.status(),
                    .severity = r.severity(),
                    .expected = r.expected(),
                    .actual = r.actual(),
                    .description = r.description()},
          .since_ms = MsOfTime(f.since()),
          .last_ms = MsOfTime(r.time()),
          .job = {f.job_namespace(), f.job_name()},
          .run_id = r.run_id()};
}

}  // namespace catalog
