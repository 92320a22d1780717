// Find data: search as you type (SearchDatasets), or every dataset when
// the box is empty (ListDatasets). Arrow keys move through the results;
// Enter opens one.
import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../api.js";
import { datasetHref, href } from "../route.js";

export function Search({ params }) {
  const [query, setQuery] = useState(params.q || "");
  const [hits, setHits] = useState(null);
  const [error, setError] = useState("");
  const [active, setActive] = useState(-1);
  const list = useRef(null);

  useEffect(() => {
    let stale = false;
    const timer = setTimeout(async () => {
      try {
        const q = query.trim();
        const answer = q
          ? (await call("CatalogService", "SearchDatasets", { query: q, pageSize: 50 })).hits || []
          : ((await call("CatalogService", "ListDatasets", { pageSize: 50 })).datasets || []).map(
              (d) => ({ key: d.key, description: d.spec?.description, domain: d.spec?.domain }),
            );
        if (!stale) {
          setHits(answer);
          setError("");
          setActive(-1);
        }
      } catch (err) {
        if (!stale) setError(err.message);
      }
      history.replaceState(null, "", href("search", [], { q }));
    }, 120);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [query]);

  const onKey = (e) => {
    if (!hits || hits.length === 0) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const next = e.key === "ArrowDown" ? Math.min(active + 1, hits.length - 1)
                                         : Math.max(active - 1, 0);
      setActive(next);
      list.current?.querySelectorAll("a")[next]?.scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      location.hash = datasetHref(hits[active].key);
    }
  };

  return (
    <section class="search">
      <h1>Find data</h1>
      <label for="q" class="visually-hidden">Search datasets</label>
      <input id="q" type="search" placeholder="Search datasets by name, description, tag or column"
             value={query} onInput={(e) => setQuery(e.currentTarget.value)} onKeyDown={onKey}
             autofocus role="combobox" aria-expanded={hits && hits.length > 0 ? "true" : "false"}
             aria-controls="results"
             aria-activedescendant={active >= 0 ? `hit-${active}` : undefined} />
      {error && <p class="error" role="alert">{error}</p>}
      {hits && (
        <p class="count" role="status">
          {hits.length === 0 ? "Nothing found." : `${hits.length} dataset${hits.length === 1 ? "" : "s"}`}
        </p>
      )}
      <ul id="results" class="results" ref={list} role="listbox" aria-label="Datasets">
        {(hits || []).map((h, i) => (
          <li key={`${h.key.namespace}/${h.key.name}`} id={`hit-${i}`} role="option"
              aria-selected={i === active ? "true" : "false"} class={i === active ? "active" : ""}>
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
