// A dataset's data contract (ODCS): the version in force, its document,
// every version, the changes between two of them, and what lineage runs
// broke it.
import { useEffect, useState } from "preact/hooks";
import { call } from "../api.js";
import { enumName } from "../format.js";

export function ContractTab({ dataset }) {
  const bound = dataset.contract;
  const [versions, setVersions] = useState(null);
  const [current, setCurrent] = useState(null);
  const [error, setError] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [diff, setDiff] = useState(null);

  useEffect(() => {
    if (!bound) return undefined;
    let stale = false;
    Promise.all([
      call("ContractService", "GetContract", { dataset: dataset.key }),
      call("ContractService", "ListContractVersions", { id: bound.id }),
    ]).then(([c, v]) => {
      if (stale) return;
      setCurrent(c);
      const list = v.versions || [];
      setVersions(list);
      if (list.length > 1) {
        setFrom(list[list.length - 2].version);
        setTo(list[list.length - 1].version);
      }
    }, (e) => { if (!stale) setError(e.message); });
    return () => { stale = true; };
  }, [bound?.id, bound?.version]);

  useEffect(() => {
    if (!bound || !from || !to || from === to) {
      setDiff(null);
      return undefined;
    }
    let stale = false;
    call("ContractService", "DiffContracts", { id: bound.id, fromVersion: from, toVersion: to })
      .then((a) => { if (!stale) setDiff(a.diff || {}); }, (e) => { if (!stale) setError(e.message); });
    return () => { stale = true; };
  }, [from, to]);

  if (!bound) return <p>No data contract covers this dataset.</p>;
  if (error) return <p class="error" role="alert">{error}</p>;
  if (!current || !versions) return <p class="loading" role="status">Loading…</p>;
  const violations = dataset.contractViolations || [];
  return (
    <div class="contract">
      <p>
        <strong>{bound.id} {bound.version}</strong> ({bound.status}), schema object{" "}
        <code>{bound.object}</code>; registered {current.createdAt} by {current.createdBy}.
      </p>

      <h2>Violations</h2>
      {violations.length === 0 ? <p>No lineage run has broken it.</p> : (
        <ul class="violations">
          {violations.map((v) => (
            <li key={`${v.at}/${v.source}`}>
              {v.at}: {v.source} broke {v.version}
              <ul>{parseViolations(v.violations).map((x) => <li>{x.message}</li>)}</ul>
            </li>
          ))}
        </ul>
      )}

      <h2>Versions</h2>
      <table class="versions">
        <thead><tr><th scope="col">Version</th><th scope="col">Status</th>
                   <th scope="col">Registered</th><th scope="col">By</th></tr></thead>
        <tbody>
          {versions.slice().reverse().map((v) => (
            <tr key={v.version}><td>{v.version}</td><td>{v.status}</td>
                <td>{v.createdAt}</td><td>{v.createdBy}</td></tr>
          ))}
        </tbody>
      </table>

      {versions.length > 1 && (
        <>
          <h2>Changes between versions</h2>
          <div class="pick">
            <label for="diff-from">From</label>
            <select id="diff-from" value={from} onChange={(e) => setFrom(e.currentTarget.value)}>
              {versions.map((v) => <option value={v.version}>{v.version}</option>)}
            </select>
            <label for="diff-to">to</label>
            <select id="diff-to" value={to} onChange={(e) => setTo(e.currentTarget.value)}>
              {versions.map((v) => <option value={v.version}>{v.version}</option>)}
            </select>
          </div>
          {diff && (
            <>
              <p role="status">
                {(diff.changes || []).length} change{(diff.changes || []).length === 1 ? "" : "s"}
                {diff.breaking ? ", breaking" : ""}; needs a {diff.neededBump || "no"} version bump.
              </p>
              <table class="diff">
                <thead><tr><th scope="col">Impact</th><th scope="col">Rule</th>
                           <th scope="col">Change</th></tr></thead>
                <tbody>
                  {(diff.changes || []).map((c) => (
                    <tr class={`impact-${enumName(c.impact, "CHANGE_IMPACT_")}`}>
                      <td>{enumName(c.impact, "CHANGE_IMPACT_")}</td>
                      <td><code>{c.rule}</code></td><td>{c.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}

      <h2>Document</h2>
      <pre class="document" tabIndex={0} aria-label="The contract document"><code>{current.document}</code></pre>
    </div>
  );
}

function parseViolations(text) {
  try {
    const list = JSON.parse(text || "[]");
    return Array.isArray(list) ? list : [];
  } catch {
    return [];
  }
}
