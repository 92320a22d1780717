// The policies in force (Cedar), and every version before them.
import { useEffect, useState } from "preact/hooks";
import { call } from "../api.js";

export function PoliciesPage() {
  const [current, setCurrent] = useState(null);
  const [versions, setVersions] = useState(null);
  const [error, setError] = useState("");
  useEffect(() => {
    Promise.all([call("PolicyService", "GetPolicySet", {}),
                 call("PolicyService", "ListPolicyVersions", {})])
      .then(([c, v]) => {
        setCurrent(c);
        setVersions((v.versions || []).slice().reverse());
      }, (e) => setError(e.message));
  }, []);
  if (error) return <section><h1>Policies</h1><p class="error" role="alert">{error}</p></section>;
  if (!current) return <p class="loading" role="status">Loading…</p>;
  return (
    <section class="policies">
      <h1>Policies</h1>
      <p>
        Version <strong>{current.version}</strong> is in force
        {current.description ? `: ${current.description}` : ""}, since {current.createdAt} (
        {current.createdBy}). Change them with <code>catalogctl policy apply</code>.
      </p>
      {(current.files || []).map((f) => (
        <div key={f.name}>
          <h2>{f.name}</h2>
          <pre class="document" tabIndex={0} aria-label={`Policy file ${f.name}`}><code>{f.text}</code></pre>
        </div>
      ))}
      <h2>Versions</h2>
      <table class="versions">
        <thead><tr><th scope="col">Version</th><th scope="col">When</th><th scope="col">By</th>
                   <th scope="col">Description</th></tr></thead>
        <tbody>
          {(versions || []).map((v) => (
            <tr key={v.version}><td>{v.version}</td><td>{v.createdAt}</td><td>{v.createdBy}</td>
                <td>{v.description}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
