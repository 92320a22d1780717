// Incidents (IncidentService): what broke datasets' health, open ones first
// by default; those who may (incident:write on the dataset, its owners by
// default) acknowledge and resolve one here.
import { useState } from "preact/hooks";
import { call, useAnswer } from "../api.js";
import { datasetHref, href } from "../route.js";

const STATES = [["open", "Open"], ["acknowledged", "Acknowledged"], ["resolved", "Resolved"], ["all", "All"]];

function span(ms) {
  const m = Math.floor(Number(ms || 0) / 60000);
  if (!ms || Number(ms) <= 0) return "—";
  if (m < 1) return `${Math.floor(Number(ms) / 1000)} s`;
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function IncidentsPage({ params }) {
  const state = STATES.some(([id]) => id === params.state) ? params.state : "open";
  const [version, setVersion] = useState(0);  // reload after a change
  const [answer, error] = useAnswer(
    () => call("IncidentService", "ListIncidents", { state: state === "all" ? "" : state, pageSize: 200 }),
    [state, version]);
  const [failure, setFailure] = useState(null);
  const act = (method, id) => {
    setFailure(null);
    call("IncidentService", method, { id }).then(() => setVersion((v) => v + 1),
                                                 (e) => setFailure(e.message));
  };
  const incidents = answer?.incidents || [];
  return (
    <section class="incidents">
      <h1>Incidents</h1>
      <nav class="states" aria-label="Incident state">
        {STATES.map(([id, label]) => (
          <a href={href("incidents", [], { state: id })}
             aria-current={id === state ? "page" : undefined}>{label}</a>
        ))}
      </nav>
      {(error || failure) && <p class="error" role="alert">{failure || error.message}</p>}
      {!answer && !error && <p class="loading" role="status">Loading…</p>}
      {answer && (incidents.length === 0 ? <p>No incidents here.</p> : (
        <table class="incident-list">
          <thead>
            <tr><th scope="col">Id</th><th scope="col">State</th><th scope="col">Dataset</th>
                <th scope="col">What broke</th><th scope="col">Opened</th>
                <th scope="col">Detected in</th><th scope="col">Resolved in</th>
                <th scope="col">Assignee</th><th scope="col">Act</th></tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <tr key={i.id} class={i.state}>
                <td>{i.id}</td>
                <td>{i.state}</td>
                <td><a href={datasetHref(i.dataset, { tab: "quality" })}>
                  {i.dataset.namespace}/{i.dataset.name}</a></td>
                <td title={i.resolution || ""}>{i.summary}</td>
                <td>{i.openedAt}</td>
                <td>{span(i.timeToDetectMs)}</td>
                <td>{span(i.timeToResolveMs)}</td>
                <td>{i.assignee || "—"}</td>
                <td>
                  {i.state === "open" && (
                    <button type="button" onClick={() => act("AcknowledgeIncident", i.id)}>
                      Acknowledge</button>
                  )}
                  {i.state !== "resolved" && (
                    <button type="button" onClick={() => act("ResolveIncident", i.id)}>
                      Resolve</button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
