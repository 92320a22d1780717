// The audit log: every change and recorded decision, oldest first, filtered
// by who and what; and the hash chain checked end to end.
import { useEffect, useRef, useState } from "preact/hooks";
import { call } from "../api.js";
import { href } from "../route.js";

const PAGE = 200;

export function AuditPage({ params }) {
  const [principal, setPrincipal] = useState(params.principal || "");
  const [action, setAction] = useState(params.action || "");
  const [events, setEvents] = useState(null);
  const [next, setNext] = useState(0);
  const [error, setError] = useState("");
  const [verified, setVerified] = useState(null);

  // The filters' latest load; an older answer that arrives after it is dropped.
  const latest = useRef(0);
  const load = async (after, append) => {
    const mine = ++latest.current;
    try {
      const a = await call("AuditService", "ListAuditEvents",
                           { principal, action, afterSeq: String(after), pageSize: PAGE });
      if (mine !== latest.current) return;
      const got = a.events || [];
      setEvents((old) => (append ? [...(old || []), ...got] : got));
      setNext(got.length === PAGE ? Number(a.lastSeq) : 0);
      setError("");
    } catch (e) {
      if (mine === latest.current) setError(e.message);
    }
  };
  useEffect(() => {
    const timer = setTimeout(() => {
      load(0, false);
      history.replaceState(null, "", href("audit", [], { principal, action }));
    }, 200);
    return () => clearTimeout(timer);
  }, [principal, action]);

  const verify = async () => {
    setVerified({ busy: true });
    try {
      setVerified(await call("AuditService", "VerifyAudit", {}));
    } catch (e) {
      setVerified({ problem: e.message });
    }
  };

  return (
    <section class="audit">
      <h1>Audit log</h1>
      <div class="filters">
        <div>
          <label for="audit-principal">Actor or subject</label>
          <input id="audit-principal" type="search" value={principal} placeholder="user:alice"
                 onInput={(e) => setPrincipal(e.currentTarget.value)} />
        </div>
        <div>
          <label for="audit-action">Action</label>
          <input id="audit-action" type="search" value={action} placeholder="dataset.update"
                 onInput={(e) => setAction(e.currentTarget.value)} />
        </div>
        <button type="button" onClick={verify}>Verify the chain</button>
      </div>
      {verified && !verified.busy && (
        <p role="status" class={verified.ok ? "good" : "error"}>
          {verified.ok
            ? `The chain holds: ${verified.events} events, head ${verified.headSeq}.`
            : `The chain is broken${verified.firstBadSeq ? ` at event ${verified.firstBadSeq}` : ""}: ${verified.problem}`}
        </p>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {events && (
        <>
          <p class="count" role="status">{events.length} event{events.length === 1 ? "" : "s"}</p>
          <table class="events">
            <thead>
              <tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Actor</th>
                  <th scope="col">Action</th><th scope="col">Target</th>
                  <th scope="col">Revision</th></tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td><td>{e.time}</td>
                  <td>{e.actor}{e.subject && e.subject !== e.actor ? ` for ${e.subject}` : ""}
                      {e.peer ? ` (${e.peer})` : ""}</td>
                  <td>{e.action}{e.decision ? ` ${e.decision}` : ""}</td>
                  <td>{e.targetKind} {e.target}</td><td>{e.catalogRevision}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {next > 0 && <button type="button" onClick={() => load(next, true)}>More</button>}
        </>
      )}
    </section>
  );
}
