// AI applications (AIApplicationService, docs/models.md#ai-applications):
// the applications the signed-in principal may read, with their review
// state; one application with what it uses (models, data sources, vector
// indexes, tools) and, for those who may ask, what its service account
// may read of each dataset (CheckAIApplicationAccess), and its revisions.
import { useState } from "preact/hooks";
import { call, useAnswer } from "../api.js";
import { datasetName } from "../format.js";
import { History } from "../history.jsx";
import { datasetHref, href } from "../route.js";

function Datasets({ keys }) {
  if (!keys || keys.length === 0) return "-";
  return (
    <ul class="inline">
      {keys.map((k) => <li key={datasetName(k)}><a href={datasetHref(k)}>{datasetName(k)}</a></li>)}
    </ul>
  );
}

// A model reference ("churn", "churn@3", "churn@champion") as a link to
// the model, or to the version or alias it names.
function ModelRef({ reference }) {
  const [model, at] = reference.split("@", 2);
  return <a href={href("models", at ? [model, at] : [model])}>{reference}</a>;
}

function Access({ name }) {
  const [access, error] = useAnswer(
    () => call("AIApplicationService", "CheckAIApplicationAccess", { name }), [name]);
  if (error) {
    return <p class="note">{error.code === "permission_denied"
      ? "What its service account may read is shown to its reviewers."
      : error.message}</p>;
  }
  if (!access) return <p class="loading" role="status">Loading…</p>;
  const rows = access.datasets || [];
  return (
    <>
      <p>Decided now for <code>{access.principal}</code>: {access.denied || 0} denied,{" "}
        {access.masked || 0} with masked or denied columns
        {access.hidden > 0 && `, ${access.hidden} you may not read`}.</p>
      {rows.length > 0 && (
        <table class="application-access" data-testid="application-access">
          <thead>
            <tr><th scope="col">Dataset</th><th scope="col">Use</th><th scope="col">Action</th>
                <th scope="col">Decision</th><th scope="col">Columns</th></tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={`${datasetName(d.dataset)} ${d.use} ${d.action}`}>
                <td><a href={datasetHref(d.dataset)}>{datasetName(d.dataset)}</a></td>
                <td>{d.use}</td>
                <td>{d.action}</td>
                <td>{d.decision?.decision === "DECISION_ALLOW" ? "allow" : "deny"}</td>
                <td>{(d.columns || []).map((c) => c.access === "COLUMN_ACCESS_MASK"
                  ? `${c.column} masked (${c.mask})` : `${c.column} denied`).join(", ") || "-"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Application({ name }) {
  const [a, error] = useAnswer(
    () => call("AIApplicationService", "GetAIApplication", { name }), [name]);
  const review = a?.review || {};
  return (
    <section class="application">
      <h1>{name}</h1>
      {error && <p class="error" role="alert">{error.message}</p>}
      {!a && !error && <p class="loading" role="status">Loading…</p>}
      {a && (
        <>
          {a.description && <p class="description">{a.description}</p>}
          <dl class="facts">
            <dt>Type</dt><dd>{a.type}</dd>
            <dt>Review</dt>
            <dd data-testid="application-review">
              <span class={`review review-${review.state}`}>{review.state}</span>
              {review.by && ` by ${review.by} at ${review.at} (revision ${review.revision})`}
              {review.note && ` — ${review.note}`}
            </dd>
            <dt>Domain</dt><dd>{a.domain || "-"}</dd>
            <dt>Owners</dt><dd>{(a.owners || []).map((o) => o.principal).join(", ") || "-"}</dd>
            <dt>Service account</dt><dd>{a.serviceAccount || "-"}</dd>
            <dt>Models</dt>
            <dd>{(a.models || []).length === 0 ? "-" : (
              <ul class="inline">{a.models.map((m) => <li key={m}><ModelRef reference={m} /></li>)}</ul>
            )}</dd>
            <dt>Data sources</dt><dd data-testid="application-sources"><Datasets keys={a.dataSources} /></dd>
            <dt>Vector indexes</dt><dd><Datasets keys={a.vectorIndexes} /></dd>
          </dl>
          {a.hiddenDatasets > 0 && <p class="note">{a.hiddenDatasets} more dataset(s) you may not read.</p>}
          <h2>Tools</h2>
          {(a.tools || []).length === 0 ? <p>No tools.</p> : (
            <table class="tool-list">
              <thead>
                <tr><th scope="col">Tool</th><th scope="col">Reads</th><th scope="col">Writes</th>
                    <th scope="col">Description</th></tr>
              </thead>
              <tbody>
                {a.tools.map((t) => (
                  <tr key={t.name}>
                    <td>{t.name}</td>
                    <td><Datasets keys={t.reads} /></td>
                    <td><Datasets keys={t.writes} /></td>
                    <td>{t.description || "-"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h2>Access</h2>
          <Access name={name} />
        </>
      )}
      <h2>History</h2>
      <History service="AIApplicationService" method="GetAIApplicationHistory" request={{ name }} />
    </section>
  );
}

export function ApplicationsPage({ parts, params }) {
  if (parts.length === 1) return <Application name={parts[0]} />;
  const q = params.q || "";
  const review = params.review || "";
  const [text, setText] = useState(q);
  const [answer, error] = useAnswer(
    () => call("AIApplicationService", "ListAIApplications", { query: q, reviewState: review }),
    [q, review]);
  const apps = answer?.applications || [];
  const submit = (e) => {
    e.preventDefault();
    location.hash = href("applications", [], { q: text.trim(), review });
  };
  return (
    <section class="applications">
      <h1>AI applications</h1>
      <form role="search" onSubmit={submit}>
        <label for="application-q">Find applications</label>
        <input id="application-q" type="search" value={text}
               onInput={(e) => setText(e.currentTarget.value)} />
        <label for="application-review">Review</label>
        <select id="application-review" value={review}
                onChange={(e) => { location.hash = href("applications", [], { q, review: e.currentTarget.value }); }}>
          <option value="">any</option>
          <option value="unreviewed">unreviewed</option>
          <option value="approved">approved</option>
          <option value="rejected">rejected</option>
        </select>
        <button type="submit">Find</button>
      </form>
      {error && <p class="error" role="alert">{error.message}</p>}
      {!answer && !error && <p class="loading" role="status">Loading…</p>}
      {answer && (apps.length === 0 ? <p>No applications.</p> : (
        <table class="application-list">
          <thead>
            <tr><th scope="col">Application</th><th scope="col">Type</th>
                <th scope="col">Review</th><th scope="col">Description</th>
                <th scope="col">Domain</th><th scope="col">Models</th></tr>
          </thead>
          <tbody>
            {apps.map((a) => (
              <tr key={a.name}>
                <td><a href={href("applications", [a.name])}>{a.name}</a></td>
                <td>{a.type}</td>
                <td><span class={`review review-${a.review?.state}`}>{a.review?.state}</span></td>
                <td>{a.description}</td>
                <td>{a.domain || "-"}</td>
                <td>{(a.models || []).join(", ") || "-"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
