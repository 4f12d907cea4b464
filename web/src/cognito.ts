// Production sign-in: the Cognito hosted UI, authorization code flow with PKCE (oauth4webapi).
// Loaded only when config.json names Cognito, so local builds never run it.
import * as oauth from "oauth4webapi";

import type { SignInConfig } from "./auth";

type CognitoConfig = Extract<SignInConfig, { signIn: "cognito" }>;

const PENDING_KEY = "studio-credits:sign-in";

interface PendingSignIn {
  verifier: string;
  state: string;
  returnTo: string;
}

function server(config: CognitoConfig): oauth.AuthorizationServer {
  const hostedUi = `https://${config.domain}`;
  return {
    issuer: config.issuer,
    authorization_endpoint: `${hostedUi}/oauth2/authorize`,
    token_endpoint: `${hostedUi}/oauth2/token`,
  };
}

function redirectUri(): string {
  return `${location.origin}/`;
}

export async function startSignIn(config: CognitoConfig): Promise<void> {
  const verifier = oauth.generateRandomCodeVerifier();
  const pending: PendingSignIn = {
    verifier,
    state: oauth.generateRandomState(),
    returnTo: location.pathname + location.search,
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  const url = new URL(server(config).authorization_endpoint ?? "");
  url.search = new URLSearchParams({
    client_id: config.clientId,
    redirect_uri: redirectUri(),
    response_type: "code",
    scope: "openid email",
    state: pending.state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
  }).toString();
  location.assign(url);
}

/** After the hosted UI sends the person back with ?code=…: the ID token, or null if this is no callback. */
export async function finishSignIn(config: CognitoConfig): Promise<string | null> {
  const saved = sessionStorage.getItem(PENDING_KEY);
  const callback = new URL(location.href);
  if (saved === null || !callback.searchParams.has("state")) return null;
  sessionStorage.removeItem(PENDING_KEY);
  const pending = JSON.parse(saved) as PendingSignIn;
  const as = server(config);
  const client: oauth.Client = { client_id: config.clientId };
  const parameters = oauth.validateAuthResponse(as, client, callback, pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    oauth.None(),
    parameters,
    redirectUri(),
    pending.verifier,
  );
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, { requireIdToken: true });
  history.replaceState(history.state, "", pending.returnTo);
  return tokens.id_token ?? null;
}
