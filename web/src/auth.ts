// Who is signed in: a bearer token kept for this tab only (sessionStorage).
// Locally the dev server prints a link with #token=…; in production the Cognito hosted UI
// signs the person in (authorization code with PKCE, see cognito.ts), as config.json says.

const TOKEN_KEY = "studio-credits:token";

export type SignInConfig =
  | { signIn: "local" }
  | {
      signIn: "cognito";
      /** The user pool's issuer, https://cognito-idp.<region>.amazonaws.com/<pool id>. */
      issuer: string;
      /** The hosted UI's domain, e.g. auth.example.com or <prefix>.auth.<region>.amazoncognito.com. */
      domain: string;
      clientId: string;
    };

export async function loadSignInConfig(): Promise<SignInConfig> {
  const response = await fetch("/config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: ${response.status}`);
  return (await response.json()) as SignInConfig;
}

export function storedToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function keepToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Keeps a `#token=…` from the address bar for this tab, and takes it out of the address bar. */
export function takeTokenFromAddress(): void {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get("token");
  if (token === null) return;
  keepToken(token);
  history.replaceState(history.state, "", location.pathname + location.search);
}
