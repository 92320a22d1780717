// A dataset's health (QualityService.GetDatasetHealth): whether its data can
// be trusted now, and why — freshness against its contract, checks failing
// now, a broken contract, or a failing or stale dataset upstream with the
// path to it.
import { call, useAnswer } from "../api.js";
import { datasetHref } from "../route.js";

// "namespace/name" as the API writes a path's datasets: the name is what
// follows the last "/".
function keyOf(id) {
  const at = id.lastIndexOf("/");
  return { namespace: id.slice(0, at), name: id.slice(at + 1) };
}

export function HealthBadge({ health }) {
  if (!health || health === "ok") return null;
  return <span class={`health ${health}`}>{health}</span>;
}

export function HealthPanel({ datasetKey }) {
  const [h, error] = useAnswer(() => call("QualityService", "GetDatasetHealth", { key: datasetKey }),
                               [datasetKey.namespace, datasetKey.name]);
  if (error) return <p class="error" role="alert">{error.message}</p>;
  if (!h) return <p class="loading" role="status">Loading…</p>;
  const sla = h.sla || {};
  const agreed = [
    sla.latency && `latency ${sla.latency}`,
    sla.frequency && `frequency ${sla.frequency}`,
    ...(sla.availableBy || []).map((t) => `available by ${t}`),
    sla.retention && `retention ${sla.retention}`,
  ].filter(Boolean);
  const failing = h.failingChecks || [];
  return (
    <section class="health-panel" aria-label="Health">
      <p class={`verdict ${h.health}`} role="status">
        <span class={`health ${h.health}`}>{h.health}</span>
        {h.reason ? ` ${h.reason}` : " Nothing known against it."}
        {h.since ? ` Since ${h.since}.` : ""}
      </p>
      {(h.upstreamPath || []).length > 0 && (
        <p class="upstream">
          Upstream ({h.upstreamCauseHealth}, {h.upstreamHops} {h.upstreamHops === 1 ? "job" : "jobs"} up):{" "}
          {h.upstreamPath.map((id, i) => (
            <span key={i}>
              {i > 0 && " → "}
              {id ? <a href={datasetHref(keyOf(id))}>{id}</a> : <em>a dataset you may not read</em>}
            </span>
          ))}
        </p>
      )}
      <dl class="facts">
        <dt>Freshness</dt>
        <dd>{h.freshness}{h.freshnessReason ? `: ${h.freshnessReason}` : ""}</dd>
        <dt>Agreement</dt>
        <dd>{agreed.length ? agreed.join(", ") : "none (its contract states no slaProperties)"}</dd>
        <dt>Last write</dt>
        <dd>{h.lastWrite || "none reported"}</dd>
        {h.nextCheck && (<><dt>Stale from</dt><dd>{h.nextCheck}, unless written</dd></>)}
        {h.contractBrokenSince && (
          <><dt>Contract</dt><dd>its last write broke the schema (since {h.contractBrokenSince})</dd></>
        )}
        <dt>Failing checks</dt>
        <dd>
          {failing.length === 0 ? "none" : (
            <ul class="failing">
              {failing.map((f, i) => (
                <li key={i}>
                  {f.result.column ? `${f.result.column}: ` : ""}{f.result.name}
                  {f.result.actual ? ` (${f.result.actual})` : ""}
                  {f.result.severity ? `, ${f.result.severity}` : ""}, since {f.since}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </section>
  );
}
