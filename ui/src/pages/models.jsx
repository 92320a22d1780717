// Models (ModelService, docs/models.md): the models the signed-in principal
// may read, found by their words; one model with its card, aliases and
// versions; one version with its run, metrics and what trained it
// (GetModelLineage: the datasets it read, at their revisions); each with
// its revisions.
import { useState } from "preact/hooks";
import { call, useAnswer } from "../api.js";
import { datasetName } from "../format.js";
import { History } from "../history.jsx";
import { datasetHref, href } from "../route.js";

function Version({ model, version }) {
  const [v, error] = useAnswer(
    () => call("ModelService", "GetModelVersion", { model, version }), [model, version]);
  const [lineage, lineageError] = useAnswer(
    () => call("ModelService", "GetModelLineage", { model, version }), [model, version]);
  const metrics = Object.entries(v?.metrics || {}).sort(([a], [b]) => a.localeCompare(b));
  const inputs = lineage?.inputs || [];
  return (
    <section class="model-version">
      <h1>{model}@{version}</h1>
      {error && <p class="error" role="alert">{error.message}</p>}
      {!v && !error && <p class="loading" role="status">Loading…</p>}
      {v && (
        <>
          <dl class="facts">
            <dt>Model</dt><dd><a href={href("models", [model])}>{model}</a></dd>
            <dt>Status</dt><dd>{v.versionStatus}</dd>
            <dt>Aliases</dt><dd>{(v.aliases || []).join(", ") || "none"}</dd>
            <dt>Framework</dt><dd>{v.framework || "-"}</dd>
            <dt>Source</dt><dd>{v.source ? <code>{v.source}</code> : "-"}</dd>
            <dt>Training run</dt>
            <dd>{v.run?.job ? `${v.run.namespace}/${v.run.job} (run ${v.run.runId})` : "-"}</dd>
          </dl>
          <h2>Metrics</h2>
          {metrics.length === 0 ? <p>None.</p> : (
            <table class="metric-list">
              <thead><tr><th scope="col">Metric</th><th scope="col">Value</th></tr></thead>
              <tbody>
                {metrics.map(([name, value]) => <tr key={name}><td>{name}</td><td>{value}</td></tr>)}
              </tbody>
            </table>
          )}
        </>
      )}
      <h2>Trained on</h2>
      {lineageError && <p class="error" role="alert">{lineageError.message}</p>}
      {lineage && (inputs.length === 0 && !lineage.hiddenInputs ? <p>Nothing recorded.</p> : (
        <table class="training-inputs" data-testid="training-inputs">
          <thead>
            <tr><th scope="col">Dataset</th><th scope="col">Revision</th>
                <th scope="col">Schema version</th><th scope="col">Columns</th></tr>
          </thead>
          <tbody>
            {inputs.map((i) => (
              <tr key={datasetName(i.dataset)}>
                <td><a href={datasetHref(i.dataset)}>{datasetName(i.dataset)}</a></td>
                <td>{i.revision}</td>
                <td>{i.schemaVersion}</td>
                <td>
                  {(i.columns || []).length === 0 ? "-" : (
                    <ul class="inline">
                      {i.columns.map((c) => (
                        <li key={`${c.inputField}>${c.field}`}>
                          <code>{c.inputField || "*"}</code> → <code>{c.field || "*"}</code>
                          {c.masking && " (masked)"}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
            {lineage.hiddenInputs > 0 && (
              <tr><td colSpan={4}>{lineage.hiddenInputs} more you may not read</td></tr>
            )}
          </tbody>
        </table>
      ))}
      <h2>History</h2>
      <History service="ModelService" method="GetModelHistory" request={{ model, version }} />
    </section>
  );
}

function Model({ name }) {
  const [m, error] = useAnswer(() => call("ModelService", "GetModel", { name }), [name]);
  const [list] = useAnswer(() => call("ModelService", "ListModelVersions", { model: name }), [name]);
  const versions = list?.versions || [];
  const card = m?.card || {};
  return (
    <section class="model">
      <h1>{name}</h1>
      {error && <p class="error" role="alert">{error.message}</p>}
      {!m && !error && <p class="loading" role="status">Loading…</p>}
      {m && (
        <>
          {m.description && <p class="description">{m.description}</p>}
          <dl class="facts">
            <dt>Domain</dt><dd>{m.domain || "-"}</dd>
            <dt>Owners</dt><dd>{(m.owners || []).map((o) => o.principal).join(", ") || "-"}</dd>
            <dt>Tags</dt><dd>{(m.tags || []).join(", ") || "none"}</dd>
            <dt>Aliases</dt>
            <dd data-testid="model-aliases">
              {(m.aliases || []).length === 0 ? "none" : m.aliases.map((a) => `${a.alias} → ${a.version}`).join(", ")}
            </dd>
          </dl>
          <h2>Model card</h2>
          <dl class="facts">
            <dt>Intended use</dt><dd>{card.intendedUse || "-"}</dd>
            <dt>Limitations</dt><dd>{card.limitations || "-"}</dd>
            <dt>Ethical considerations</dt><dd>{card.ethicalConsiderations || "-"}</dd>
            <dt>Evaluation data</dt>
            <dd>
              {(card.evaluationData || []).length === 0 ? "-" : (
                <ul class="inline">
                  {card.evaluationData.map((k) => (
                    <li key={datasetName(k)}><a href={datasetHref(k)}>{datasetName(k)}</a></li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
          <h2>Versions</h2>
          {versions.length === 0 ? <p>No versions.</p> : (
            <table class="version-list" data-testid="model-versions">
              <thead>
                <tr><th scope="col">Version</th><th scope="col">Status</th>
                    <th scope="col">Aliases</th><th scope="col">Framework</th>
                    <th scope="col">Registered</th></tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr key={v.version}>
                    <td><a href={href("models", [name, v.version])}>{v.version}</a></td>
                    <td>{v.versionStatus}</td>
                    <td>{(v.aliases || []).join(", ") || "-"}</td>
                    <td>{v.framework || "-"}</td>
                    <td>{v.status?.createdAt}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <h2>History</h2>
      <History service="ModelService" method="GetModelHistory" request={{ model: name }} />
    </section>
  );
}

export function ModelsPage({ parts, params }) {
  if (parts.length === 2) return <Version model={parts[0]} version={parts[1]} />;
  if (parts.length === 1) return <Model name={parts[0]} />;
  const q = params.q || "";
  const domain = params.domain || "";
  const [text, setText] = useState(q);
  const [answer, error] = useAnswer(
    () => call("ModelService", "ListModels", { query: q, domain }), [q, domain]);
  const models = answer?.models || [];
  const submit = (e) => {
    e.preventDefault();
    location.hash = href("models", [], { q: text.trim(), domain });
  };
  return (
    <section class="models">
      <h1>Models{domain && `: ${domain}`}</h1>
      <form role="search" onSubmit={submit}>
        <label for="model-q">Find models</label>
        <input id="model-q" type="search" value={text}
               onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit">Find</button>
      </form>
      {error && <p class="error" role="alert">{error.message}</p>}
      {!answer && !error && <p class="loading" role="status">Loading…</p>}
      {answer && (models.length === 0 ? <p>No models.</p> : (
        <table class="model-list">
          <thead>
            <tr><th scope="col">Model</th><th scope="col">Description</th>
                <th scope="col">Domain</th><th scope="col">Versions</th>
                <th scope="col">Aliases</th></tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.name}>
                <td><a href={href("models", [m.name])}>{m.name}</a></td>
                <td>{m.description}</td>
                <td>{m.domain ? <a href={href("models", [], { domain: m.domain })}>{m.domain}</a> : "-"}</td>
                <td>{m.versions || 0}</td>
                <td>{(m.aliases || []).map((a) => `${a.alias} → ${a.version}`).join(", ") || "-"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
