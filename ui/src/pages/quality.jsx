// A dataset's quality tab: its health, then the checks and measurements its
// pipelines reported (QualityService.ListQualityResults), newest first, a
// page at a time, with the newest event's checks summed up.
import { useState } from "preact/hooks";
import { call, useAnswer } from "../api.js";
import { href } from "../route.js";
import { HealthPanel } from "./health.jsx";

const PAGE = 100;

function request(key, show, pageToken) {
  const r = { key, pageSize: PAGE, pageToken };
  if (show === "failed") {
    r.kind = "QUALITY_KIND_CHECK";
    r.status = "fail";
  } else if (show === "checks") {
    r.kind = "QUALITY_KIND_CHECK";
  } else if (show === "measurements") {
    r.kind = "QUALITY_KIND_MEASUREMENT";
  }
  return r;
}

// The newest event's checks: when, by which job, how many failed.
function Latest({ results }) {
  const checks = results.filter((r) => r.kind === "QUALITY_KIND_CHECK");
  if (checks.length === 0) return null;
  const first = checks[0];
  const same = checks.filter((r) => r.time === first.time && r.job === first.job &&
                                    r.runId === first.runId);
  const failed = same.filter((r) => r.status === "fail").length;
  return (
    <p class={"latest " + (failed ? "bad" : "good")} role="status">
      Latest checks, {first.time}{first.job ? ` by job ${first.job}` : ""}: {same.length}{" "}
      {same.length === 1 ? "check" : "checks"}, {failed} failed.
    </p>
  );
}

export function QualityTab({ datasetKey }) {
  const [show, setShow] = useState("all");
  const [more, setMore] = useState({ after: null, pages: [], loading: false, error: null });
  const [first, error] = useAnswer(
    () => call("QualityService", "ListQualityResults", request(datasetKey, show, "")),
    [datasetKey.namespace, datasetKey.name, show]);
  if (error) return <p class="error" role="alert">{error.message}</p>;
  if (!first) return <p class="loading" role="status">Loading…</p>;
  // Older pages belong to the first page they follow: another first page
  // (another filter or dataset) starts without them, and an older page
  // that answers after it is dropped.
  const extra = more.after === first ? more : { pages: [], loading: false, error: null };
  const pages = [first, ...extra.pages];
  const results = pages.flatMap((p) => p.results || []);
  const next = pages[pages.length - 1].nextPageToken;
  const loadMore = () => {
    const base = first;
    setMore({ ...extra, after: base, loading: true });
    const mine = (change) => setMore((m) => (m.after === base ? { ...m, ...change(m) } : m));
    call("QualityService", "ListQualityResults", request(datasetKey, show, next)).then(
      (page) => mine((m) => ({ pages: [...m.pages, page], loading: false, error: null })),
      (e) => mine(() => ({ loading: false, error: e })));
  };
  return (
    <div class="quality">
      <HealthPanel datasetKey={datasetKey} />
      {show === "all" && <Latest results={results} />}
      <div class="filters">
        <label>
          Show
          <select value={show} onChange={(e) => setShow(e.currentTarget.value)}>
            <option value="all">Checks and measurements</option>
            <option value="checks">Checks</option>
            <option value="failed">Failed checks</option>
            <option value="measurements">Measurements</option>
          </select>
        </label>
      </div>
      {results.length === 0 ? (
        <p>No quality results{show === "all" ? "" : " of this kind"}. Pipelines report them in
          their OpenLineage events (dataQualityAssertions, dataQualityMetrics, outputStatistics,
          the test run facet).</p>
      ) : (
        <table class="quality-results">
          <thead>
            <tr><th scope="col">When</th><th scope="col">Column</th><th scope="col">Check or measure</th>
                <th scope="col">Result</th><th scope="col">Actual</th><th scope="col">Expected</th>
                <th scope="col">Severity</th><th scope="col">Job</th></tr>
          </thead>
          <tbody>
            {results.map((r, i) => {
              const check = r.kind === "QUALITY_KIND_CHECK";
              return (
                <tr key={i} class={check ? `check ${r.status}` : "measurement"}>
                  <td>{r.time}</td>
                  <td>{r.column || "—"}</td>
                  <td title={[r.checkType, r.description, r.facet].filter(Boolean).join(" · ")}>
                    {r.name}</td>
                  <td>{check ? <span class={`status ${r.status}`}>{r.status.replace("_", " ").toUpperCase()}</span>
                             : r.actual}</td>
                  <td>{check ? r.actual || "—" : "—"}</td>
                  <td>{r.expected || "—"}</td>
                  <td>{r.severity || "—"}</td>
                  <td>{r.job ? <a href={href("jobs", [], { job: r.job })}>{r.job}</a> : "—"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {extra.error && <p class="error" role="alert">{extra.error.message}</p>}
      {next && (
        <button type="button" onClick={loadMore} disabled={extra.loading}>
          {extra.loading ? "Loading…" : "Older results"}
        </button>
      )}
    </div>
  );
}
