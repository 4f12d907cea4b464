import { Provider } from "@urql/preact";
import type { ComponentChildren } from "preact";
import { LocationProvider, Route, Router, useLocation } from "preact-iso";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";

import { forgetToken, keepToken, loadSignInConfig, type SignInConfig, storedToken, takeTokenFromAddress } from "./auth";
import { graphqlClient } from "./client";
import { Campaign } from "./pages/Campaign";
import { History } from "./pages/History";
import { NotFound } from "./pages/NotFound";
import { Overview } from "./pages/Overview";
import { Plan } from "./pages/Plan";
import { SignIn } from "./pages/SignIn";

const PAGES = [
  { path: "/", label: "Usage Overview" },
  { path: "/plan", label: "Plan" },
  { path: "/history", label: "Credits History" },
];

export function App() {
  const [token, setToken] = useState<string | null>(() => {
    takeTokenFromAddress();
    return storedToken();
  });
  const [config, setConfig] = useState<SignInConfig | "unavailable" | null>(null);
  const [signedOut, setSignedOut] = useState(false);

  useEffect(() => {
    void (async () => {
      const loaded = await loadSignInConfig().catch(() => "unavailable" as const);
      if (loaded !== "unavailable" && loaded.signIn === "cognito" && storedToken() === null) {
        // Back from the hosted UI with ?code=…: the token for this tab (a failed exchange: sign in again).
        const { finishSignIn } = await import("./cognito");
        const idToken = await finishSignIn(loaded).catch(() => null);
        if (idToken !== null) {
          keepToken(idToken);
          setToken(idToken);
        }
      }
      setConfig(loaded);
    })();
  }, []);

  const client = useMemo(
    () =>
      token === null
        ? null
        : graphqlClient(token, () => {
            forgetToken();
            setSignedOut(true);
            setToken(null);
          }),
    [token],
  );

  if (client === null) {
    return (
      <SignIn
        config={config}
        expired={signedOut}
        onToken={(pasted) => {
          keepToken(pasted);
          setSignedOut(false);
          setToken(pasted);
        }}
      />
    );
  }
  return (
    <Provider value={client}>
      <LocationProvider>
        <Shell
          onSignOut={() => {
            forgetToken();
            setToken(null);
          }}
        >
          <Router>
            <Route path="/" component={Overview} />
            <Route path="/plan" component={Plan} />
            <Route path="/history" component={History} />
            <Route path="/campaign" component={Campaign} />
            <Route default component={NotFound} />
          </Router>
        </Shell>
      </LocationProvider>
    </Provider>
  );
}

function Shell({ children, onSignOut }: { children: ComponentChildren; onSignOut: () => void }) {
  const { path } = useLocation();
  const firstPage = useRef(true);
  useEffect(() => {
    // After moving to another page, reading and Tab start at its content, as after a page load.
    if (!firstPage.current) document.getElementById("main")?.focus();
    firstPage.current = false;
  }, [path]);
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <span class="brand">Studio</span>
        <div class="topbar-actions">
          <a class="button primary" href="/plan">
            Upgrade
          </a>
          <button type="button" class="button quiet" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav class="sidebar" aria-label="Credits and Plans">
        <ul>
          {PAGES.map((page) => (
            <li key={page.path}>
              <a href={page.path} aria-current={path === page.path ? "page" : undefined}>
                {page.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
