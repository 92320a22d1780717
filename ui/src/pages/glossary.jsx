// The business glossary (CatalogService.ListGlossaryTerms and
// GetGlossaryTerm, docs/governance.md#glossary): terms found by their
// words, and one term with its definition and the datasets and columns
// that link it.
import { useState } from "preact/hooks";
import { call, useAnswer } from "../api.js";
import { datasetHref, href } from "../route.js";

function Term({ id }) {
  const [t, error] = useAnswer(() => call("CatalogService", "GetGlossaryTerm", { id }), [id]);
  const links = t?.links || [];
  return (
    <section class="term">
      <h1>{t?.name || id}</h1>
      {error && <p class="error" role="alert">{error.message}</p>}
      {!t && !error && <p class="loading" role="status">Loading…</p>}
      {t && (
        <>
          <p class="definition" data-testid="term-definition">{t.definition}</p>
          <dl class="facts">
            <dt>Id</dt><dd>{t.id}</dd>
            <dt>Status</dt><dd>{t.termStatus}</dd>
            <dt>Domain</dt><dd>{t.domain || "the whole organisation"}</dd>
            <dt>Synonyms</dt><dd>{(t.synonyms || []).join(", ") || "none"}</dd>
            <dt>Related</dt>
            <dd>
              {(t.related || []).length === 0 ? "none" : (
                <ul class="inline">
                  {t.related.map((r) => <li key={r}><a href={href("glossary", [r])}>{r}</a></li>)}
                </ul>
              )}
            </dd>
            <dt>Owners</dt><dd>{(t.owners || []).map((o) => o.principal).join(", ") || "-"}</dd>
          </dl>
          <h2>Linked by</h2>
          {links.length === 0 && !t.hiddenLinks ? <p>No dataset links this term.</p> : (
            <table class="term-links" data-testid="term-links">
              <thead><tr><th scope="col">Dataset</th><th scope="col">Column</th></tr></thead>
              <tbody>
                {links.map((l) => (
                  <tr key={`${l.dataset.namespace}/${l.dataset.name}#${l.column || ""}`}>
                    <td><a href={datasetHref(l.dataset)}>{l.dataset.namespace}/{l.dataset.name}</a></td>
                    <td>{l.column ? <code>{l.column}</code> : "the dataset"}</td>
                  </tr>
                ))}
                {t.hiddenLinks > 0 && (
                  <tr><td colSpan={2}>{t.hiddenLinks} more you may not read</td></tr>
                )}
              </tbody>
            </table>
          )}
          <p><a href={href("search", [], { term: t.id })}>Search the datasets linked to it</a></p>
        </>
      )}
    </section>
  );
}

export function GlossaryPage({ parts, params }) {
  if (parts.length === 1) return <Term id={parts[0]} />;
  const q = params.q || "";
  const domain = params.domain || "";
  const [text, setText] = useState(q);
  const [answer, error] = useAnswer(
    () => call("CatalogService", "ListGlossaryTerms", { query: q, domain }), [q, domain]);
  const terms = answer?.terms || [];
  const submit = (e) => {
    e.preventDefault();
    location.hash = href("glossary", [], { q: text.trim(), domain });
  };
  return (
    <section class="glossary">
      <h1>Glossary{domain && `: ${domain}`}</h1>
      <form role="search" onSubmit={submit}>
        <label for="term-q">Find terms</label>
        <input id="term-q" type="search" value={text}
               onInput={(e) => setText(e.currentTarget.value)} />
        <button type="submit">Find</button>
      </form>
      {error && <p class="error" role="alert">{error.message}</p>}
      {!answer && !error && <p class="loading" role="status">Loading…</p>}
      {answer && (terms.length === 0 ? <p>No terms.</p> : (
        <table class="term-list">
          <thead>
            <tr><th scope="col">Term</th><th scope="col">Definition</th>
                <th scope="col">Synonyms</th><th scope="col">Status</th>
                <th scope="col">Domain</th></tr>
          </thead>
          <tbody>
            {terms.map((t) => (
              <tr key={t.id}>
                <td><a href={href("glossary", [t.id])}>{t.name || t.id}</a></td>
                <td>{t.definition}</td>
                <td>{(t.synonyms || []).join(", ")}</td>
                <td>{t.termStatus}</td>
                <td>{t.domain ? <a href={href("glossary", [], { domain: t.domain })}>{t.domain}</a> : "-"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
