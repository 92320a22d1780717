// An object's revisions (ModelService.GetModelHistory,
// GetFeatureViewHistory, AIApplicationService.GetAIApplicationHistory):
// who changed it, when, and which spec fields, newest first.
import { call, useAnswer } from "./api.js";

export function History({ service, method, request }) {
  const key = JSON.stringify(request);
  const [answer, error] = useAnswer(() => call(service, method, request), [service, method, key]);
  if (error) return <p class="error" role="alert">{error.message}</p>;
  if (!answer) return <p class="loading" role="status">Loading…</p>;
  const entries = [...(answer.entries || [])].reverse();
  return (
    <table class="object-history" data-testid="object-history">
      <thead>
        <tr><th scope="col">Revision</th><th scope="col">Time</th><th scope="col">Actor</th>
            <th scope="col">Action</th><th scope="col">Changes</th></tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.revision}>
            <td>{e.revision}</td>
            <td>{e.time}</td>
            <td>{e.actor}</td>
            <td>{e.action}</td>
            <td>{(e.changes || []).join(", ") || "-"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
