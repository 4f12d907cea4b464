import type { StripeCardElement, Stripe } from "@stripe/stripe-js";
import { useClient, useMutation } from "@urql/preact";
import { useEffect, useId, useRef, useState } from "preact/hooks";

import { describeError } from "../errors";
import { type CardFieldsFragment, SaveCardDocument, StartCardSetupDocument } from "../gql/graphql";
import { getStripe, stripeProblem } from "../stripe";
import { outsideModal } from "./Dialog";
import { Loading } from "./states";

/** Stripe's card Element and "Save card": a SetupIntent the service starts, confirmed by Stripe.js
 * (with the bank's authentication when it asks), then saved as the account's card. */
export function CardForm({
  onSaved,
  onCancel,
}: {
  onSaved: (card: CardFieldsFragment) => void;
  onCancel?: () => void;
}) {
  const client = useClient();
  const [, startSetup] = useMutation(StartCardSetupDocument);
  const [, saveCard] = useMutation(SaveCardDocument);
  const container = useRef<HTMLDivElement>(null);
  const mounted = useRef<{ stripe: Stripe; card: StripeCardElement } | null>(null);
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const labelId = useId();

  useEffect(() => {
    let gone = false;
    getStripe(client).then(
      (stripe) => {
        if (gone || !container.current) return;
        const card = stripe.elements().create("card");
        card.mount(container.current);
        mounted.current = { stripe, card };
        setReady(true);
      },
      (error: unknown) => !gone && setProblem(stripeProblem(error)),
    );
    return () => {
      gone = true;
      mounted.current?.card.destroy();
      mounted.current = null;
    };
  }, [client]);

  async function save() {
    const { stripe, card } = mounted.current ?? {};
    if (!stripe || !card) return;
    setBusy(true);
    setProblem(null);
    try {
      const started = await startSetup({});
      const clientSecret = started.data?.startCardSetup.clientSecret;
      if (!clientSecret) {
        setProblem(started.error ? describeError(started.error) : "Your card could not be saved. Try again.");
        return;
      }
      const confirmed = await outsideModal(() => stripe.confirmCardSetup(clientSecret, { payment_method: { card } }));
      if (confirmed.error) {
        setProblem(confirmed.error.message ?? "Your card could not be saved. Try another card.");
        return;
      }
      const setupIntentId = confirmed.setupIntent.id || clientSecret.split("_secret_")[0] || clientSecret;
      const saved = await saveCard({ input: { setupIntentId } });
      const outcome = saved.data?.saveCard;
      if (saved.error || !outcome)
        setProblem(saved.error ? describeError(saved.error) : "Your card could not be saved. Try again.");
      else if (outcome.__typename === "CardDeclined") setProblem(outcome.message);
      else onSaved(outcome.card);
    } catch (error) {
      setProblem(stripeProblem(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="card-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <div role="group" aria-labelledby={labelId} class="card-field">
        <span id={labelId} class="card-field-label">
          Card details
        </span>
        <div ref={container} class="card-element" />
      </div>
      {!ready && !problem && <Loading what="the card form" />}
      {problem && (
        <p class="refusal" role="alert">
          {problem}
        </p>
      )}
      <div class="dialog-actions">
        {onCancel && (
          <button type="button" class="button" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" class="button primary" disabled={!ready || busy}>
          {busy ? "Saving card…" : "Save card"}
        </button>
      </div>
    </form>
  );
}
