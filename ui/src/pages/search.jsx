// Find data: search as you type, narrowed by facets (domain, owner, tag, term,
// classification, namespace, health) with counts. Each keystroke asks for the hits
// and, beside them, for the counts (SearchDatasets with facets), which
// read up to 10,000 matches: the hits are drawn as soon as they come, the
// counts when theirs do. An empty box lists the catalog. The words and the
// chosen values live in the URL, so a search is a link.
// ArrowDown moves from the box into the results, ArrowUp and ArrowDown
// between them, Enter opens one (a link).
import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../api.js";
import { datasetHref, href } from "../route.js";
import { HealthBadge } from "./health.jsx";

// The facets, as the API names them and as the URL and the filter do.
const FACETS = [
  { name: "domain", field: "domains", label: "Domain" },
  { name: "owner", field: "owners", label: "Owner" },
  { name: "tag", field: "tags", label: "Tag" },
  { name: "classification", field: "classifications", label: "Classification" },
  { name: "namespace", field: "namespaces", label: "Namespace" },
  { name: "health", field: "healths", label: "Health" },
  { name: "layer", field: "layers", label: "Layer" },
  { name: "tier", field: "tiers", label: "Tier" },
  { name: "certification", field: "certifications", label: "Certification" },
  { name: "term", field: "terms", label: "Glossary term" },
];

// A facet's chosen values in one URL parameter: each value encoded, then
// joined by commas (so a value may hold a comma).
function chosenOf(params, name) {
  return params[name] ? params[name].split(",").map(decodeURIComponent) : [];
}
function encodeChosen(values) {
  return values.map(encodeURIComponent).join(",");
}

export function Search({ params }) {
  const [query, setQuery] = useState(params.q || "");
  const chosen = Object.fromEntries(FACETS.map((f) => [f.name, chosenOf(params, f.name)]));
  const chosenKey = FACETS.map((f) => params[f.name] || "").join("\n");
  const [answer, setAnswer] = useState(null);
  const [counts, setCounts] = useState(null); // the facets' answer
  const [more, setMore] = useState(null); // hits of later pages
  const [error, setError] = useState("");
  const box = useRef(null);
  const list = useRef(null);

  const filter = Object.fromEntries(
    FACETS.filter((f) => chosen[f.name].length > 0).map((f) => [f.field, chosen[f.name]]),
  );
  const urlParams = (q, next) =>
    Object.fromEntries([["q", q], ...FACETS.map((f) => [f.name, encodeChosen(next[f.name])])]);

  useEffect(() => {
    // An answer that arrives after the words changed (or the page was
    // left) is dropped: it must not be drawn, nor write its URL over the
    // page now shown.
    let stale = false;
    const timer = setTimeout(() => {
      const q = query.trim();
      const ask = { query: q, pageSize: 50, filter };
      // Listing the whole catalog is a request for counts (the API takes
      // no empty search without them): one call does both.
      const listing = q === "" && Object.keys(filter).length === 0;
      call("CatalogService", "SearchDatasets", listing ? { ...ask, facets: true } : ask).then((found) => {
        if (stale) return;
        setAnswer(found);
        if (listing) setCounts(found);
        setMore(null);
        setError("");
        history.replaceState(null, "", href("search", [], urlParams(q, chosen)));
      }, (err) => { if (!stale) setError(err.message); });
      if (!listing) {
        call("CatalogService", "SearchDatasets", { ...ask, pageSize: 1, facets: true })
          .then((c) => { if (!stale) setCounts(c); }, (err) => { if (!stale) setError(err.message); });
      }
    }, 60);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [query, chosenKey]);

  const toggle = (facet, value) => {
    const now = chosen[facet];
    const next = { ...chosen, [facet]: now.includes(value) ? now.filter((v) => v !== value) : [...now, value] };
    location.hash = href("search", [], urlParams(query.trim(), next));
  };

  const loadMore = async () => {
    const token = (more || answer).nextPageToken;
    try {
      const page = await call("CatalogService", "SearchDatasets", {
        query: query.trim(), pageSize: 50, filter, pageToken: token,
      });
      setMore({ hits: [...(more?.hits || []), ...(page.hits || [])], nextPageToken: page.nextPageToken });
    } catch (err) {
      setError(err.message);
    }
  };

  const links = () => [...(list.current?.querySelectorAll("a") || [])];
  const onBoxKey = (e) => {
    if (e.key === "ArrowDown" && links().length > 0) {
      e.preventDefault();
      links()[0].focus();
    }
  };
  const onListKey = (e) => {
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (at < 0) return;
    if (e.key === "ArrowDown" && at + 1 < all.length) {
      e.preventDefault();
      all[at + 1].focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      (at === 0 ? box.current : all[at - 1]).focus();
    }
  };

  const hits = answer ? [...(answer.hits || []), ...(more?.hits || [])] : null;
  const nextToken = more ? more.nextPageToken : answer?.nextPageToken;
  // Until this search's counts come, the last ones stay (no flicker).
  const facets = Object.fromEntries((counts?.facets || []).map((f) => [f.name, f.values || []]));
  return (
    <section class="search">
      <h1>Find data</h1>
      <label for="q" class="visually-hidden">Search datasets</label>
      <input id="q" ref={box} type="search"
             placeholder="Search datasets by name, description, tag or column"
             value={query} onInput={(e) => setQuery(e.currentTarget.value)} onKeyDown={onBoxKey}
             autofocus aria-describedby="search-count" />
      {error && <p class="error" role="alert">{error}</p>}
      <div class="search-body">
        <aside class="facets" aria-label="Narrow the search">
          {FACETS.map((f) => {
            // The chosen values stay listed, even when no match has them now.
            const values = [...(facets[f.name] || [])];
            for (const v of chosen[f.name]) {
              if (!values.some((x) => x.value === v)) values.push({ value: v, count: 0 });
            }
            if (values.length === 0) return null;
            return (
              <fieldset key={f.name} class="facet">
                <legend>{f.label}</legend>
                {values.map((v) => (
                  <label key={v.value} class="check">
                    <input type="checkbox" checked={chosen[f.name].includes(v.value)}
                           onChange={() => toggle(f.name, v.value)} />
                    <span class="value">{v.value}</span>
                    <span class="facet-count">{Number(v.count || 0)}</span>
                  </label>
                ))}
              </fieldset>
            );
          })}
          {counts && counts.facetsComplete === false && (
            <p class="hint">Counts cover the first {Number(counts.facetsScanned || 0)} matches.</p>
          )}
        </aside>
        <div class="search-results">
          <p id="search-count" class="count" role="status">
            {hits === null ? "" : hits.length === 0 ? "Nothing found."
                            : `${hits.length}${nextToken ? "+" : ""} dataset${hits.length === 1 ? "" : "s"}; arrow keys move through them`}
          </p>
          <ul class="results" ref={list} aria-label="Datasets" onKeyDown={onListKey}>
            {(hits || []).map((h) => (
              <li key={`${h.key.namespace}/${h.key.name}`}>
                <a href={datasetHref(h.key)}>
                  <span class="name">{h.key.name}</span>
                  <span class="ns">{h.key.namespace}</span>
                </a>
                {(h.domain || h.classification || (h.tags || []).length > 0 ||
                  (h.health && h.health !== "ok")) && (
                  <div class="meta">
                    <HealthBadge health={h.health} />
                    {h.domain && <span class="domain">{h.domain}</span>}
                    {h.classification && <span class="tag">{h.classification}</span>}
                    {(h.tags || []).map((t) => <span key={t} class="tag">{t}</span>)}
                  </div>
                )}
                {h.description && <p class="desc">{h.description}</p>}
              </li>
            ))}
          </ul>
          {nextToken && <button type="button" onClick={loadMore}>More</button>}
        </div>
      </div>
    </section>
  );
}
