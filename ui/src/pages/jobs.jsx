// Pipelines as OpenLineage reported them: every job, its latest state and
// owners; a job's runs, newest first.
import { useEffect, useState } from "preact/hooks";
import { call, useAnswer } from "../api.js";
import { href } from "../route.js";

export function JobsPage({ params }) {
  const [jobs, setJobs] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    call("LineageService", "ListJobs", { pageSize: 500 })
      .then((a) => setJobs(a.jobs || []), (e) => setError(e.message));
  }, []);
  const selected = params.job || "";
  return (
    <section class="jobs">
      <h1>Jobs and runs</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {jobs && (
        <table>
          <thead><tr><th scope="col">Job</th><th scope="col">Type</th><th scope="col">Latest run</th>
                     <th scope="col">Owners</th></tr></thead>
          <tbody>
            {jobs.map((j) => {
              const name = `${j.namespace}/${j.name}`;
              return (
                <tr key={name}>
                  <td><a href={href("jobs", [], { job: name })}
                         aria-current={name === selected ? "true" : undefined}>{name}</a></td>
                  <td>{j.jobType}</td><td>{j.latestState}</td>
                  <td>{(j.owners || []).map((o) => o.principal).join(" ")}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {selected && <Runs job={selected} />}
    </section>
  );
}

function Runs({ job }) {
  const [runs, error] = useAnswer(
    () => call("LineageService", "ListRuns", { job, pageSize: 50 }).then((a) => a.runs || []), [job]);
  return (
    <section class="runs">
      <h2>Runs of {job}</h2>
      {error && <p class="error" role="alert">{error.message}</p>}
      {runs && (runs.length === 0 ? <p>No runs recorded.</p> : (
        <table>
          <thead><tr><th scope="col">Run</th><th scope="col">State</th><th scope="col">Started</th>
                     <th scope="col">Ended</th><th scope="col">Parent</th><th scope="col">Error</th></tr></thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.runId}>
                <td><code>{r.runId}</code></td><td>{r.state}</td><td>{r.startedAt}</td>
                <td>{r.endedAt}</td><td>{r.parentJob}</td><td>{r.errorMessage}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
