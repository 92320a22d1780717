// The policies: the set in force (Cedar) or any earlier version
// (#/policies?version=N), every version, and a form that validates Cedar
// text against the server's parser without storing it (ValidatePolicies).
import { useState } from "preact/hooks";
import { call, useAnswer } from "../api.js";
import { href } from "../route.js";

export function PoliciesPage({ params = {} }) {
  const asked = Number(params.version) || 0;
  const [answer, error] = useAnswer(
    () => Promise.all([call("PolicyService", "GetPolicySet", { version: asked }),
                       call("PolicyService", "ListPolicyVersions", {})]),
    [asked]);
  if (error) return <section><h1>Policies</h1><p class="error" role="alert">{error.message}</p></section>;
  if (!answer) return <p class="loading" role="status">Loading…</p>;
  const [shown, { versions = [] }] = answer;
  const inForce = versions && versions.length > 0 ? Math.max(...versions.map((v) => Number(v.version))) : shown.version;
  const current = Number(shown.version) === Number(inForce);
  return (
    <section class="policies">
      <h1>Policies</h1>
      <p>
        Version <strong>{shown.version}</strong> {current ? "is in force" : `was in force (version ${inForce} is now)`}
        {shown.description ? `: ${shown.description}` : ""}, since {shown.createdAt} (
        {shown.createdBy}). Change them with <code>catalogctl policy apply</code>.
        {!current && <> <a href={href("policies")}>The set in force</a></>}
      </p>
      {(shown.files || []).map((f) => (
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
            <tr key={v.version}>
              <td><a href={href("policies", [], { version: v.version })}
                     aria-current={Number(v.version) === Number(shown.version) ? "page" : undefined}>
                {v.version}</a></td>
              <td>{v.createdAt}</td><td>{v.createdBy}</td><td>{v.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Validate />
    </section>
  );
}

// Cedar text checked by the server's own parser and validator; nothing is
// stored.
function Validate() {
  const [name, setName] = useState("draft.cedar");
  const [text, setText] = useState("");
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState("");
  const check = async (e) => {
    e.preventDefault();
    setAnswer(null);
    try {
      setAnswer(await call("PolicyService", "ValidatePolicies", { files: [{ name, text }] }));
      setError("");
    } catch (err) {
      setError(err.message);
    }
  };
  return (
    <form class="validate edit-form" onSubmit={check}>
      <h2>Validate policies</h2>
      <p class="hint">Checks Cedar text as <code>catalogctl policy apply</code> would, without storing it.</p>
      <label for="validate-name">File name</label>
      <input id="validate-name" type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <label for="validate-text">Cedar</label>
      <textarea id="validate-text" rows={8} value={text} onInput={(e) => setText(e.currentTarget.value)}
                placeholder={'permit (principal in Group::"analysts", action == Action::"read", resource in Domain::"sales");'} />
      <div class="actions"><button type="submit">Validate</button></div>
      {error && <p class="error" role="alert">{error}</p>}
      {answer && (answer.valid ? (
        <div class="panel" role="status">
          <p class="good"><strong>Valid</strong>: {(answer.policies || []).length} polic
            {(answer.policies || []).length === 1 ? "y" : "ies"}.</p>
          <ul>
            {(answer.policies || []).map((p) => (
              <li key={p.ref.id}>
                {p.effect} {p.ref.annotatedId || p.ref.id} (line {Number(p.line || 0)}
                {p.isTemplate ? ", a template" : ""})
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p class="error" role="alert"><strong>Not valid</strong>: {answer.error}</p>
      ))}
    </form>
  );
}
