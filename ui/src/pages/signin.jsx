// Sign in with a token: exchanged for a session cookie the page never sees.
import { useState } from "preact/hooks";
import { signIn } from "../api.js";

export function SignIn({ onSignedIn }) {
  const [token, setToken] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    try {
      onSignedIn(await signIn(token.trim()));
    } catch (err) {
      setError(err.message);
    } finally {
      setBusy(false);
      setToken("");
    }
  };
  return (
    <main id="main" class="signin">
      <h1>Sign in to catalogd</h1>
      <form onSubmit={submit}>
        <label for="token">Token</label>
        <input id="token" name="token" type="password" autocomplete="off" required
               value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        <p class="hint">
          A token from <code>catalogctl token create</code>, or the admin token
          catalogd wrote to its data directory. It is exchanged for a session
          that ends when you sign out or after 30 minutes idle.
        </p>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>Sign in</button>
      </form>
    </main>
  );
}
