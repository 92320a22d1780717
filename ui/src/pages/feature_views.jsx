// Feature views (ModelService, docs/models.md#feature-views): the views the
// signed-in principal may read, found by their words; one view with its
// source dataset (left out by the server for who may not read it), its
// entity columns, its features and its revisions.
import { useState } from "preact/hooks";
import { call, useAnswer } from "../api.js";
import { datasetName } from "../format.js";
import { History } from "../history.jsx";
import { datasetHref, href } from "../route.js";

function FeatureView({ name }) {
  const [v, error] = useAnswer(() => call("ModelService", "GetFeatureView", { name }), [name]);
  return (
    <section class="feature-view">
      <h1>{name}</h1>
      {error && <p class="error" role="alert">{error.message}</p>}
      {!v && !error && <p class="loading" role="status">Loading…</p>}
      {v && (
        <>
          {v.description && <p class="description">{v.description}</p>}
          <dl class="facts">
            <dt>Source</dt>
            <dd data-testid="feature-view-source">
              {v.source ? <a href={datasetHref(v.source)}>{datasetName(v.source)}</a>
                : "not shown: you may not read it"}
            </dd>
            <dt>Entities</dt><dd>{(v.entities || []).join(", ") || "-"}</dd>
            <dt>Domain</dt><dd>{v.domain || "-"}</dd>
            <dt>Owners</dt><dd>{(v.owners || []).map((o) => o.principal).join(", ") || "-"}</dd>
            <dt>Tags</dt><dd>{(v.tags || []).join(", ") || "none"}</dd>
            <dt>Revision</dt><dd>{v.status?.revision}</dd>
          </dl>
          <h2>Features</h2>
          <table class="feature-list" data-testid="feature-list">
            <thead>
              <tr><th scope="col">Feature</th><th scope="col">Type</th>
                  <th scope="col">Column</th><th scope="col">Description</th></tr>
            </thead>
            <tbody>
              {(v.features || []).map((f) => (
                <tr key={f.name}>
                  <td>{f.name}</td>
                  <td>{f.type || "-"}</td>
                  <td><code>{f.column}</code></td>
                  <td>{f.description || "-"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>History</h2>
      <History service="ModelService" method="GetFeatureViewHistory" request={{ name }} />
    </section>
  );
}

export function FeatureViewsPage({ parts, params }) {
  if (parts.length === 1) return <FeatureView name={parts[0]} />;
  const q = params.q || "";
  const domain = params.domain || "";
  const [text, setText] = useState(q);
  const [answer, error] = useAnswer(
    () => call("ModelService", "ListFeatureViews", { query: q, domain }), [q, domain]);
  const views = answer?.featureViews || [];
  const submit = (e) => {
    e.preventDefault();
    location.hash = href("featureviews", [], { q: text.trim(), domain });
  };
  return (
    <section class="feature-views">
      <h1>Feature views{domain && `: ${domain}`}</h1>
      <form role="search" onSubmit={submit}>
        <label for="feature-view-q">Find feature views</label>
        <input id="feature-view-q" type="search" value={text}
               onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit">Find</button>
      </form>
      {error && <p class="error" role="alert">{error.message}</p>}
      {!answer && !error && <p class="loading" role="status">Loading…</p>}
      {answer && (views.length === 0 ? <p>No feature views.</p> : (
        <table class="feature-view-list">
          <thead>
            <tr><th scope="col">Feature view</th><th scope="col">Description</th>
                <th scope="col">Source</th><th scope="col">Features</th>
                <th scope="col">Domain</th></tr>
          </thead>
          <tbody>
            {views.map((v) => (
              <tr key={v.name}>
                <td><a href={href("featureviews", [v.name])}>{v.name}</a></td>
                <td>{v.description}</td>
                <td>{v.source ? <a href={datasetHref(v.source)}>{datasetName(v.source)}</a> : "-"}</td>
                <td>{(v.features || []).map((f) => f.name).join(", ")}</td>
                <td>{v.domain ? <a href={href("featureviews", [], { domain: v.domain })}>{v.domain}</a> : "-"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
