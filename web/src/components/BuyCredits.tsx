import { useMutation, useQuery } from "@urql/preact";
import { useState } from "preact/hooks";

import { describeError } from "../errors";
import { cardShort, credits, money } from "../format";
import {
  BuyCreditsDocument,
  type BuyCreditsMutation,
  type CardFieldsFragment,
  CreditPacksDocument,
  type CreditPacksQuery,
} from "../gql/graphql";
import { paid, pending, type Settled, useAuthenticatePayment } from "../payment";
import { CardForm } from "./CardForm";
import { Dialog } from "./Dialog";
import { Failed, Loading } from "./states";

export type Pack = CreditPacksQuery["creditPacks"][number];

/** The Usage Overview's "Buy credits": the packs on a paid plan; on Free, why there are none. */
export function BuyCredits({ paidPlan, card }: { paidPlan: boolean; card: CardFieldsFragment | null }) {
  const [packs, refetch] = useQuery({ query: CreditPacksDocument, pause: !paidPlan });
  const [chosen, setChosen] = useState<Pack | null>(null);
  const [done, setDone] = useState<string | null>(null);
  return (
    <section class="card" aria-labelledby="buy-heading">
      <h2 id="buy-heading">Buy credits</h2>
      <p class="status-line" role="status">
        {done}
      </p>
      {!paidPlan ? (
        <p>
          Credit packs are for paid plans. <a href="/plan">Choose a plan</a> to buy extra credits.
        </p>
      ) : packs.error ? (
        <Failed error={packs.error} retry={() => refetch({ requestPolicy: "network-only" })} />
      ) : !packs.data ? (
        <Loading what="the credit packs" />
      ) : (
        <ul class="packs">
          {packs.data.creditPacks.map((pack) => (
            <li key={pack.id} class="pack">
              <span>
                <strong>{credits(pack.credits)} credits</strong> {money(pack.priceCents)}
              </span>
              <button
                type="button"
                class="button primary"
                aria-label={`Buy ${credits(pack.credits)} credits for ${money(pack.priceCents)}`}
                onClick={() => setChosen(pack)}
              >
                Buy
              </button>
            </li>
          ))}
        </ul>
      )}
      {chosen && (
        <BuyDialog
          pack={chosen}
          card={card}
          onClose={() => setChosen(null)}
          onDone={(message) => {
            setChosen(null);
            setDone(message);
          }}
        />
      )}
    </section>
  );
}

/** Buying one pack: the Usage Overview's "Buy" and a campaign's credit-pack fix. */
export function BuyDialog({
  pack,
  card,
  onClose,
  onDone,
}: {
  pack: Pack;
  card: CardFieldsFragment | null;
  onClose: () => void;
  onDone: (message: string) => void;
}) {
  // As for a plan change: the same key on a retried Buy, a new one after a decline.
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [, runBuy] = useMutation(BuyCreditsDocument);
  const authenticate = useAuthenticatePayment();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [cardNeeded, setCardNeeded] = useState(card === null);
  const [saved, setSaved] = useState<CardFieldsFragment | null>(card);
  const what = `${credits(pack.credits)} credits for ${money(pack.priceCents)}`;

  function settled(outcome: Settled) {
    switch (outcome.kind) {
      case "paid":
        onDone(`${credits(pack.credits)} credits added. ${paid(outcome.payment)}`);
        break;
      case "pending":
        onDone(outcome.message);
        break;
      case "declined":
        setIdempotencyKey(crypto.randomUUID());
        setRefusal(outcome.message);
        break;
      case "failed":
        setRefusal(outcome.message);
        break;
    }
  }

  async function answered(outcome: BuyCreditsMutation["buyCredits"]) {
    switch (outcome.__typename) {
      case "CreditsBought":
        onDone(`${credits(outcome.credits)} credits added. ${paid(outcome.payment)}`);
        break;
      case "InvalidPurchase":
      case "IdempotencyConflict":
        setRefusal(outcome.message);
        break;
      case "PaymentMethodRequired":
        setCardNeeded(true);
        setRefusal(outcome.message);
        break;
      case "PaymentDeclined":
        settled({ kind: "declined", message: outcome.message });
        break;
      case "PaymentActionRequired":
        settled(await authenticate(outcome.clientSecret, outcome.payment));
        break;
      case "PaymentPending":
        onDone(pending(outcome.payment));
        break;
    }
  }

  async function buy() {
    setRefusal(null);
    setBusy(true);
    try {
      const result = await runBuy({ input: { packId: pack.id, idempotencyKey } });
      const outcome = result.data?.buyCredits;
      if (result.error || !outcome)
        setRefusal(result.error ? describeError(result.error) : "The credits could not be bought. Try again.");
      else await answered(outcome);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={`Buy ${credits(pack.credits)} credits`} onClose={onClose}>
      {cardNeeded || !saved ? (
        <>
          <p class="charge">Add a card to buy {what}.</p>
          {refusal && (
            <p class="refusal" role="alert">
              {refusal}
            </p>
          )}
          <CardForm
            onSaved={(added) => {
              setSaved(added);
              setCardNeeded(false);
              setRefusal(null);
            }}
          />
        </>
      ) : (
        <>
          <p class="charge">
            Buy {what}, charged to {cardShort(saved)}.
          </p>
          {refusal && (
            <p class="refusal" role="alert">
              {refusal}
            </p>
          )}
        </>
      )}
      <div class="dialog-actions">
        <button type="button" class="button" onClick={onClose}>
          Close
        </button>
        <button type="button" class="button primary" disabled={busy || cardNeeded || !saved} onClick={() => void buy()}>
          {busy ? "Buying…" : "Buy"}
        </button>
      </div>
    </Dialog>
  );
}
