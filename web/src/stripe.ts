// Stripe.js, loaded on first use: Stripe's own through @stripe/stripe-js, or the script that
// stripeSettings.scriptUrl names (localstripe's stand-in in development and the browser tests).
import { type Client, CombinedError } from "@urql/core";
import type { Stripe } from "@stripe/stripe-js";
import { loadStripe } from "@stripe/stripe-js/pure";

import { describeError } from "./errors";
import { StripeSettingsDocument } from "./gql/graphql";

let loading: Promise<Stripe> | null = null;

function injectScript(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // A classic script: the stand-in finds its API's address from document.currentScript.
    const script = document.createElement("script");
    script.src = url;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error("Stripe.js could not be loaded."));
    document.head.appendChild(script);
  });
}

async function load(client: Client): Promise<Stripe> {
  const result = await client.query(StripeSettingsDocument, {}, { requestPolicy: "network-only" }).toPromise();
  const settings = result.data?.stripeSettings;
  if (!settings) throw result.error ?? new Error("The payment settings could not be read.");
  // loadStripe takes a window.Stripe already defined and injects nothing.
  if (settings.scriptUrl && !("Stripe" in window)) await injectScript(settings.scriptUrl);
  const stripe = await loadStripe(settings.publishableKey);
  if (!stripe) throw new Error("Stripe.js could not be loaded.");
  return stripe;
}

/** Stripe.js with the service's publishable key, loaded once (again after a failed load). */
export function getStripe(client: Client): Promise<Stripe> {
  loading ??= load(client).catch((error: unknown) => {
    loading = null;
    throw error;
  });
  return loading;
}

export type Authentication = { ok: true } | { ok: false; message: string };

/** The bank's authentication (3D Secure) of a payment the service confirmed into requires_action.
 * Stripe.js has handleNextAction for that; localstripe's stand-in lacks it (the types say it is
 * always there), and its confirmCardPayment(clientSecret) does the same for such a payment. */
export async function runAuthentication(stripe: Stripe, clientSecret: string): Promise<Authentication> {
  try {
    const result =
      typeof stripe.handleNextAction === "function"
        ? await stripe.handleNextAction({ clientSecret })
        : await stripe.confirmCardPayment(clientSecret);
    if (result.error) return { ok: false, message: result.error.message ?? "Your bank did not authenticate the payment." };
    return { ok: true };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : "Your bank did not authenticate the payment." };
  }
}

/** A Stripe.js failure in words. */
export function stripeProblem(error: unknown): string {
  if (error instanceof CombinedError) return describeError(error);
  if (error instanceof Error && error.message) return error.message;
  return "The payment service could not be reached. Check your connection and try again.";
}
