// The data architect's map: the domain tree with its owners (each domain
// links to its datasets; a top-level domain shows its health rolled up from
// everything below it), and the groups with their members (each group
// links to the datasets it owns: the search's owner facet).
import { useEffect, useState } from "preact/hooks";
import { call, useAnswer } from "../api.js";
import { href } from "../route.js";
import { HealthBadge } from "./health.jsx";

// QualityService.GetDomainHealth: the worst health below a domain and how
// many datasets are unhealthy.
function DomainHealth({ path }) {
  const [h] = useAnswer(() => call("QualityService", "GetDomainHealth", { domain: path, maxDatasets: 1 }),
                        [path]);
  if (!h) return null;
  const n = (v) => Number(v || 0);
  const unhealthy = n(h.warning) + n(h.upstreamDegraded) + n(h.stale) + n(h.failing);
  return (
    <span class="domain-health">
      {" "}<HealthBadge health={h.health} />
      {` ${n(h.datasets)} datasets${unhealthy > 0 ? `, ${unhealthy} not ok` : ""}`}
    </span>
  );
}

export function DirectoryPage() {
  const [domains, setDomains] = useState(null);
  const [groups, setGroups] = useState(null);
  const [people, setPeople] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    Promise.all([
      call("CatalogService", "ListDomains", { pageSize: 1000 }),
      call("CatalogService", "ListPrincipals", { kind: "PRINCIPAL_KIND_GROUP", pageSize: 1000 }),
      call("CatalogService", "ListPrincipals", { pageSize: 1000 }),
    ]).then(([d, g, p]) => {
      setDomains((d.domains || []).slice().sort((a, b) => a.path.localeCompare(b.path)));
      setGroups(g.principals || []);
      setPeople(p.principals || []);
    }, (e) => setError(e.message));
  }, []);
  if (error) return <section><h1>Domains and groups</h1><p class="error" role="alert">{error}</p></section>;
  if (!domains) return <p class="loading" role="status">Loading…</p>;
  const members = (group) =>
    people.filter((p) => (p.spec?.groups || []).includes(group)).map((p) => p.name);
  return (
    <section class="directory">
      <h1>Domains and groups</h1>
      <h2>Domains</h2>
      <ul class="tree">
        {domains.map((d) => (
          <li key={d.path} class={`level-${Math.min(d.path.split("/").length - 1, 4)}`}>
            <a href={href("search", [], { domain: d.path })}>{d.path}</a>
            {!d.path.includes("/") && <DomainHealth path={d.path} />}
            {d.spec?.description ? ` — ${d.spec.description}` : ""}
            {(d.spec?.owners || []).length > 0 && (
              <span class="owners"> (owners: {d.spec.owners.map((o) => o.principal).join(", ")})</span>
            )}
          </li>
        ))}
      </ul>
      <h2>Groups</h2>
      {groups.length === 0 ? <p>No groups.</p> : (
        <table>
          <thead><tr><th scope="col">Group</th><th scope="col">Members</th></tr></thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.name}>
                <td><a href={href("search", [], { owner: encodeURIComponent(`group:${g.name}`) })}
                       aria-label={`${g.name}: the datasets it owns`}>{g.name}</a></td>
                <td>{members(g.name).join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
