// A dataset's page: overview, schema, lineage, contract, quality, history and access as tabs
// (?tab=…, so each is a link).
import { useState } from "preact/hooks";
import { call, useAnswer } from "../api.js";
import { renderMarkdown } from "../markdown.js";
import { classification, flattenFields, ownership } from "../format.js";
import { datasetHref, href } from "../route.js";
import { AccessTab } from "./access.jsx";
import { ContractTab } from "./contract.jsx";
import { HealthBadge } from "./health.jsx";
import { LineageTab } from "./lineage.jsx";
import { QualityTab } from "./quality.jsx";

const TABS = [
  ["overview", "Overview"],
  ["schema", "Schema"],
  ["lineage", "Lineage"],
  ["contract", "Contract"],
  ["quality", "Quality"],
  ["history", "History"],
  ["access", "Access"],
];

export function DatasetPage({ namespace, name, params }) {
  const key = { namespace, name };
  const tab = TABS.some(([id]) => id === params.tab) ? params.tab : "overview";
  const [dataset, error, setDataset] =
    useAnswer(() => call("CatalogService", "GetDataset", { key }), [namespace, name]);

  if (error) {
    return (
      <section class="dataset">
        <h1>{name}</h1>
        <p class="error" role="alert" data-code={error.code}>
          {error.status === 404 || error.status === 403
            ? "There is no dataset here that you may read. (The catalog does not say which: " +
              "datasets you may not read are answered as missing.)"
            : error.message}
        </p>
      </section>
    );
  }
  if (!dataset) return <p class="loading" role="status">Loading…</p>;
  return (
    <section class="dataset">
      <p class="ns">{namespace}</p>
      <h1>{name}</h1>
      {dataset.health?.health && dataset.health.health !== "ok" && (
        <p class="dataset-health"><HealthBadge health={dataset.health.health} /></p>
      )}
      <div class="tabs" role="tablist" aria-label="Dataset">
        {TABS.map(([id, label]) => (
          <a role="tab" id={`tab-${id}`} href={datasetHref(key, { tab: id })}
             aria-selected={id === tab ? "true" : "false"} aria-controls="tabpanel">
            {label}
          </a>
        ))}
      </div>
      <div id="tabpanel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === "overview" && <Overview dataset={dataset} onSaved={setDataset} />}
        {tab === "schema" && <SchemaTab dataset={dataset} />}
        {tab === "lineage" && (
          <LineageTab dataset={dataset} params={params}
                      setParams={(changes) => { location.hash = datasetHref(key, { ...params, tab: "lineage", ...changes }); }} />
        )}
        {tab === "contract" && <ContractTab dataset={dataset} />}
        {tab === "quality" && <QualityTab datasetKey={key} />}
        {tab === "history" && <HistoryTab datasetKey={key} />}
        {tab === "access" && <AccessTab dataset={dataset} />}
      </div>
    </section>
  );
}

function Overview({ dataset, onSaved }) {
  const spec = dataset.spec || {};
  const [editing, setEditing] = useState(false);
  if (editing) {
    return <EditForm dataset={dataset} onDone={(saved) => { setEditing(false); if (saved) onSaved(saved); }} />;
  }
  return (
    <div class="overview">
      <button type="button" class="edit" onClick={() => setEditing(true)}>Edit</button>
      <div class="description"
           // renderMarkdown escapes HTML and sanitizes what it makes (markdown.js).
           dangerouslySetInnerHTML={{ __html: renderMarkdown(spec.description || "_No description._") }} />
      <dl class="facts">
        <dt>Owners</dt>
        <dd>
          {(spec.owners || []).length === 0 ? "none" : (
            <ul class="inline">
              {spec.owners.map((o) => (
                <li>{o.principal}{o.type ? ` (${ownership(o.type)})` : ""}</li>
              ))}
            </ul>
          )}
        </dd>
        <dt>Domain</dt>
        <dd>{spec.domain || "none"}</dd>
        <dt>Classification</dt>
        <dd>{classification(spec.classification) || "unclassified"}</dd>
        <dt>Tags</dt>
        <dd>
          {(spec.tags || []).length === 0 ? "none" : (
            <ul class="inline tags">{spec.tags.map((t) => <li class="tag">{t}</li>)}</ul>
          )}
        </dd>
        <dt>Terms</dt>
        <dd>
          {(spec.terms || []).length === 0 ? "none" : (
            <ul class="inline" data-testid="dataset-terms">
              {spec.terms.map((t) => <li key={t}><a href={href("glossary", [t])}>{t}</a></li>)}
            </ul>
          )}
        </dd>
        <dt>Layer</dt>
        <dd>{spec.layer || "none"}</dd>
        <dt>Tier</dt>
        <dd>{spec.tier ? `tier ${spec.tier}` : "none"}</dd>
        <dt>Certification</dt>
        <dd>
          {spec.certification?.state || "none"}
          {spec.certification?.expires ? ` until ${spec.certification.expires}` : ""}
          {spec.certification?.by ? `, by ${spec.certification.by}` : ""}
          {spec.certification?.at ? ` at ${spec.certification.at}` : ""}
        </dd>
        <dt>Contract</dt>
        <dd>
          {dataset.contract
            ? `${dataset.contract.id} ${dataset.contract.version} (${dataset.contract.status})`
            : "none"}
        </dd>
        <dt>Health</dt>
        <dd>
          {dataset.health?.health || "ok"}, freshness {dataset.health?.freshness || "unknown"}{" "}
          (<a href={datasetHref(dataset.key, { tab: "quality" })}>why</a>)
        </dd>
        <dt>Revision</dt>
        <dd>
          {dataset.status?.revision}
          {dataset.status?.updatedBy ? `, by ${dataset.status.updatedBy}` : ""}
          {dataset.status?.updatedAt ? ` at ${dataset.status.updatedAt}` : ""}
        </dd>
      </dl>
    </div>
  );
}

function SchemaTab({ dataset }) {
  const [filter, setFilter] = useState("");
  const fields = flattenFields(dataset.spec?.schema?.fields);
  const f = filter.trim().toLowerCase();
  const shown = f ? fields.filter((x) => x.path.toLowerCase().includes(f) ||
                                        (x.tags || []).some((t) => t.toLowerCase().includes(f)))
                  : fields;
  return (
    <div class="schema">
      <label for="column-filter">Filter columns</label>
      <input id="column-filter" type="search" value={filter}
             onInput={(e) => setFilter(e.currentTarget.value)} />
      <p class="count" role="status">{shown.length} of {fields.length} columns</p>
      <table>
        <thead>
          <tr><th scope="col">Column</th><th scope="col">Type</th><th scope="col">Null</th>
              <th scope="col">Classification</th><th scope="col">Tags</th>
              <th scope="col">Terms</th><th scope="col">Description</th></tr>
        </thead>
        <tbody>
          {shown.map((x) => (
            <tr key={x.path}>
              <td class={`depth-${Math.min(x.depth, 4)}`}><code>{x.path}</code></td>
              <td><code>{x.type}</code></td>
              <td>{x.nullable ? "yes" : ""}</td>
              <td>{classification(x.classification)}</td>
              <td>{(x.tags || []).join(", ")}</td>
              <td>{(x.terms || []).map((t, i) => (
                <>{i > 0 && ", "}<a href={href("glossary", [t])}>{t}</a></>
              ))}</td>
              <td>{x.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function HistoryTab({ datasetKey }) {
  const [entries, error] = useAnswer(
    () => call("CatalogService", "GetDatasetHistory", { key: datasetKey })
      .then((a) => (a.entries || []).slice().reverse()),
    [datasetKey.namespace, datasetKey.name]);
  if (error) return <p class="error" role="alert">{error.message}</p>;
  if (!entries) return <p class="loading" role="status">Loading…</p>;
  return (
    <table class="history">
      <thead>
        <tr><th scope="col">Revision</th><th scope="col">When</th><th scope="col">Who</th>
            <th scope="col">What</th><th scope="col">Changed</th></tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.revision}>
            <td>{e.revision}</td><td>{e.time}</td><td>{e.actor}</td><td>{e.action}</td>
            <td>{(e.changes || []).join(", ")}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// Edits the description, tags and owners: written with the revision the
// form started from, so an edit made meanwhile by someone else is shown,
// never overwritten.
function EditForm({ dataset, onDone }) {
  const [base, setBase] = useState(dataset);
  const spec = base.spec || {};
  const [description, setDescription] = useState(spec.description || "");
  const [tags, setTags] = useState((spec.tags || []).join(", "));
  const [owners, setOwners] = useState((spec.owners || []).map((o) => o.principal).join(", "));
  const [error, setError] = useState("");
  const [conflict, setConflict] = useState(null);
  const [busy, setBusy] = useState(false);
  const list = (text) => text.split(",").map((t) => t.trim()).filter(Boolean);

  const save = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    const typeOf = Object.fromEntries((spec.owners || []).map((o) => [o.principal, o.type]));
    try {
      await call("CatalogService", "Apply", {
        resources: [{
          dataset: {
            key: base.key,
            spec: {
              description,
              tags: list(tags),
              owners: list(owners).map((p) => (typeOf[p] ? { principal: p, type: typeOf[p] } : { principal: p })),
            },
          },
          expectedRevision: base.status?.revision || "0",
          merge: true,
          fields: ["description", "tags", "owners"],
        }],
      });
      onDone(await call("CatalogService", "GetDataset", { key: base.key }));
    } catch (err) {
      if (err.code === "aborted") {
        setConflict(await call("CatalogService", "GetDataset", { key: base.key }));
      } else if (err.status === 403) {
        setError("You may not change this dataset: " + err.message);
      } else {
        setError(err.message);
      }
    } finally {
      setBusy(false);
    }
  };

  const takeTheirs = () => {
    const theirs = conflict.spec || {};
    setBase(conflict);
    setDescription(theirs.description || "");
    setTags((theirs.tags || []).join(", "));
    setOwners((theirs.owners || []).map((o) => o.principal).join(", "));
    setConflict(null);
  };

  return (
    <form class="edit-form" onSubmit={save}>
      <label for="edit-description">Description (Markdown)</label>
      <textarea id="edit-description" rows={6} value={description}
                onInput={(e) => setDescription(e.currentTarget.value)} />
      <label for="edit-tags">Tags (comma-separated)</label>
      <input id="edit-tags" type="text" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
      <label for="edit-owners">Owners (comma-separated, such as user:alice, group:sales-eng)</label>
      <input id="edit-owners" type="text" value={owners} onInput={(e) => setOwners(e.currentTarget.value)} />
      {error && <p class="error" role="alert">{error}</p>}
      {conflict && (
        <div class="conflict" role="alert">
          <p>
            Not saved: {conflict.status?.updatedBy || "someone"} changed this dataset since you
            opened it (now revision {conflict.status?.revision}). Their description:
          </p>
          <blockquote>{conflict.spec?.description || "(none)"}</blockquote>
          <p>Tags: {(conflict.spec?.tags || []).join(", ") || "none"}; owners:{" "}
             {(conflict.spec?.owners || []).map((o) => o.principal).join(", ") || "none"}.</p>
          <button type="button" onClick={takeTheirs}>Start again from their version</button>
        </div>
      )}
      <div class="actions">
        <button type="submit" disabled={busy || conflict !== null}>Save</button>
        <button type="button" class="link" onClick={() => onDone(null)}>Cancel</button>
      </div>
    </form>
  );
}
