// A dataset's Access tab: who may read or write it and why (ListAccess:
// every principal and group the catalog knows, asked of the policies), and
// "may this principal do that here?" answered with the policies' trace
// (Explain). Both need the authorize:others permission.
import { useState } from "preact/hooks";
import { call, useAnswer } from "../api.js";

const KINDS = { user: "User", serviceaccount: "ServiceAccount", group: "Group" };

// "user:alice" -> User::"alice"; null when it is not a principal.
export function principalEntity(text) {
  const m = /^(user|serviceaccount|group):(.+)$/.exec(text.trim());
  return m ? `${KINDS[m[1]]}::${JSON.stringify(m[2])}` : null;
}

function policyName(ref) {
  return ref.annotatedId || ref.id;
}

export function AccessTab({ dataset }) {
  const [access, error] = useAnswer(
    () => call("PolicyService", "ListAccess", { dataset: dataset.key }),
    [dataset.key.namespace, dataset.key.name]);

  if (error) {
    return (
      <p class="error" role="alert">
        {error.status === 403
          ? "Seeing who may act on a dataset needs the authorize:others permission, which you do not have."
          : error.message}
      </p>
    );
  }
  if (!access) return <p class="loading" role="status">Loading…</p>;
  const entries = access.entries || [];
  return (
    <div class="access">
      <h2>Who may read or write this</h2>
      <p class="hint">
        Every user, service account and group the catalog knows, asked of the policies at revision{" "}
        {Number(access.revision || 0)}, with no request context.
        {access.complete === false &&
          ` Only the first ${Number(access.principalsConsidered || 0)} principals were asked.`}
      </p>
      {entries.length === 0 ? (
        <p>No one is allowed by the policies.</p>
      ) : (
        <table>
          <thead>
            <tr><th scope="col">Principal</th><th scope="col">Action</th>
                <th scope="col">Because of</th><th scope="col">Note</th></tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.principal} ${e.action}`}>
                <td>{e.principal}</td>
                <td>{e.action}</td>
                <td>{(e.reasons || []).map(policyName).join(", ")}</td>
                <td>
                  {e.conditional
                    ? `Depends on the request's context: ${(e.conditions || []).join("; ")}`
                    : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <MayAsk resource={access.resource} />
    </div>
  );
}

// "May P do A here?": Explain, with each policy's part in the answer.
function MayAsk({ resource }) {
  const [principal, setPrincipal] = useState("");
  const [action, setAction] = useState("read");
  const [answer, setAnswer] = useState(null);
  const [error, setError] = useState("");
  const ask = async (e) => {
    e.preventDefault();
    setAnswer(null);
    const entity = principalEntity(principal);
    if (!entity) {
      setError("Name a principal as user:NAME, serviceaccount:NAME or group:NAME.");
      return;
    }
    try {
      setAnswer(await call("PolicyService", "Explain", { principal: entity, action, resource }));
      setError("");
    } catch (err) {
      setError(err.message);
    }
  };
  const decision = answer?.decision || {};
  const allowed = decision.decision === "DECISION_ALLOW";
  return (
    <form class="may-ask" onSubmit={ask}>
      <h2>May someone do this here?</h2>
      <div class="filters">
        <div>
          <label for="may-principal">Principal</label>
          <input id="may-principal" type="search" placeholder="user:alice" value={principal}
                 onInput={(e) => setPrincipal(e.currentTarget.value)} />
        </div>
        <div>
          <label for="may-action">Action</label>
          <select id="may-action" value={action} onChange={(e) => setAction(e.currentTarget.value)}>
            {["read", "write", "catalog:read", "catalog:write", "contract:write", "lineage:write"].map(
              (a) => <option key={a} value={a}>{a}</option>,
            )}
          </select>
        </div>
        <button type="submit">Ask</button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {answer && (
        <div class="panel" role="status">
          <p class={allowed ? "good" : "error"}>
            <strong>{allowed ? "Allowed" : "Denied"}</strong>
            {(decision.reasons || []).length > 0 &&
              ` by ${decision.reasons.map(policyName).join(", ")}`}
            {!allowed && decision.denial && ` (${decision.denial})`}
          </p>
          <ul class="trace">
            {(answer.trace || [])
              .filter((t) => t.scopeMatched)
              .map((t) => (
                <li key={t.policy.id}>
                  {t.effect} {policyName(t.policy)}:{" "}
                  {(t.outcome || "").replace("OUTCOME_", "").toLowerCase().replace("_", " ")}
                  {t.error && ` (${t.error})`}
                </li>
              ))}
          </ul>
        </div>
      )}
    </form>
  );
}
