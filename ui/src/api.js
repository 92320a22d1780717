// The JSON API (docs/api.md) from the browser: POST /catalog.v1.SERVICE/METHOD
// with the session cookie. A 401 means the session is gone.
import { useEffect, useState } from "preact/hooks";

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let onSignedOut = () => {};
export function whenSignedOut(fn) {
  onSignedOut = fn;
}

async function answer(res) {
  const text = await res.text();
  let body = {};
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    throw new ApiError(res.status, "unknown", `the server answered ${res.status}`);
  }
  if (!res.ok) {
    if (res.status === 401) onSignedOut();
    throw new ApiError(res.status, body.code || "unknown", body.message || `HTTP ${res.status}`);
  }
  return body;
}

export async function call(service, method, request = {}) {
  const res = await fetch(`/catalog.v1.${service}/${method}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "Connect-Protocol-Version": "1" },
    body: JSON.stringify(request),
  });
  return answer(res);
}

// The session (server/ui_session): who is signed in, sign in, sign out.
export async function session() {
  const res = await fetch("/ui/session", { credentials: "same-origin" });
  const who = await answer(res);
  return who.signedIn ? who : null;
}

export async function signIn(token) {
  const res = await fetch("/ui/session", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ token }),
  });
  return answer(res);
}

export async function signOut() {
  const res = await fetch("/ui/session", {
    method: "DELETE",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json" },
  });
  return answer(res);
}

// An answer that belongs to its inputs: load() runs whenever deps change,
// and an answer that comes back after they changed again (or after the page
// was left) is dropped, so one dataset's answer is never shown on another's
// page. Returns [value, error, setValue]; both are null while loading.
export function useAnswer(load, deps) {
  const [state, setState] = useState({ value: null, error: null });
  useEffect(() => {
    let stale = false;
    setState({ value: null, error: null });
    load().then((value) => { if (!stale) setState({ value, error: null }); },
                (error) => { if (!stale) setState({ value: null, error }); });
    return () => { stale = true; };
  }, deps);
  const setValue = (value) => setState({ value, error: null });
  return [state.value, state.error, setValue];
}
