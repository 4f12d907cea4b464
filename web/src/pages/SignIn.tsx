import { useState } from "preact/hooks";

import type { SignInConfig } from "../auth";
import { Loading } from "../components/states";
import { usePageTitle } from "../title";

export function SignIn({
  config,
  expired,
  onToken,
}: {
  config: SignInConfig | "unavailable" | null;
  expired: boolean;
  onToken: (token: string) => void;
}) {
  usePageTitle("Sign in");
  const [pasted, setPasted] = useState("");
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to Credits and Plans</h1>
      {expired && (
        <p class="banner warning" role="alert">
          Your sign-in has ended or was not accepted. Sign in again to continue.
        </p>
      )}
      {config === null ? (
        <Loading what="sign-in" />
      ) : config === "unavailable" ? (
        <p class="refusal" role="alert">
          The sign-in settings (config.json) could not be loaded. Reload the page; if it goes on, tell the team.
        </p>
      ) : config.signIn === "cognito" ? (
        <button
          type="button"
          class="button primary"
          onClick={() => void import("../cognito").then(({ startSignIn }) => startSignIn(config))}
        >
          Sign in
        </button>
      ) : (
        <>
          <p>
            On your machine, <code>make dev</code> starts the local server and prints a line to open:
          </p>
          <pre>open {location.origin}/#token=&lt;user token&gt;</pre>
          <p>
            Open that link in this tab to see the demo account. For an account of your own, mint a token with{" "}
            <code>.venv/bin/studio-credits token --sub me --email me@example.com</code> and open the same address
            with it, or paste it here:
          </p>
          <form
            class="token-form"
            onSubmit={(event) => {
              event.preventDefault();
              if (pasted.trim()) onToken(pasted.trim());
            }}
          >
            <label for="token">Token</label>
            <input id="token" type="password" autoComplete="off" value={pasted} onInput={(e) => setPasted(e.currentTarget.value)} />
            <button type="submit" class="button primary">
              Sign in
            </button>
          </form>
          <p class="hint">The token is kept for this tab only.</p>
        </>
      )}
    </main>
  );
}
