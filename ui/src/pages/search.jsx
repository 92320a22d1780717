// Find data: search as you type (SearchDatasets), or every dataset when
// the box is empty (ListDatasets). ArrowDown moves from the box into the
// results, ArrowUp and ArrowDown between them, Enter opens one (a link).
import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../api.js";
import { datasetHref, href } from "../route.js";

export function Search({ params }) {
  const [query, setQuery] = useState(params.q || "");
  const domain = params.domain || "";
  const [hits, setHits] = useState(null);
  const [error, setError] = useState("");
  const box = useRef(null);
  const list = useRef(null);

  useEffect(() => {
    let stale = false;
    const timer = setTimeout(async () => {
      try {
        const q = query.trim();
        const answer = q
          ? (await call("CatalogService", "SearchDatasets", { query: q, pageSize: 50 })).hits || []
          : ((await call("CatalogService", "ListDatasets", { pageSize: 50, domain })).datasets || []).map(
              (d) => ({ key: d.key, description: d.spec?.description, domain: d.spec?.domain }),
            );
        if (!stale) {
          setHits(answer);
          setError("");
        }
      } catch (err) {
        if (!stale) setError(err.message);
      }
      history.replaceState(null, "", href("search", [], { q, domain }));
    }, 120);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [query, domain]);

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

  return (
    <section class="search">
      <h1>Find data</h1>
      <label for="q" class="visually-hidden">Search datasets</label>
      <input id="q" ref={box} type="search"
             placeholder="Search datasets by name, description, tag or column"
             value={query} onInput={(e) => setQuery(e.currentTarget.value)} onKeyDown={onBoxKey}
             autofocus aria-describedby="search-count" />
      {domain && !query.trim() && (
        <p>In domain <strong>{domain}</strong> and below. <a href={href("search")}>All datasets</a></p>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      <p id="search-count" class="count" role="status">
        {hits === null ? "" : hits.length === 0 ? "Nothing found."
                        : `${hits.length} dataset${hits.length === 1 ? "" : "s"}; arrow keys move through them`}
      </p>
      <ul class="results" ref={list} aria-label="Datasets" onKeyDown={onListKey}>
        {(hits || []).map((h) => (
          <li key={`${h.key.namespace}/${h.key.name}`}>
            <a href={datasetHref(h.key)}>
              <span class="name">{h.key.name}</span>
              <span class="ns">{h.key.namespace}</span>
            </a>
            {h.domain && <span class="domain">{h.domain}</span>}
            {h.description && <p class="desc">{h.description}</p>}
          </li>
        ))}
      </ul>
    </section>
  );
}
