import { useMutation } from "@urql/preact";
import { useState } from "preact/hooks";

import { describeError } from "../errors";
import { cardShort, dateTime, day, money } from "../format";
import {
  type CardFieldsFragment,
  PayRenewalDocument,
  type PayRenewalMutation,
  type RenewalDueFieldsFragment,
} from "../gql/graphql";
import { paid, pending, type Settled, useAuthenticatePayment } from "../payment";

/** The Plan page's "Payment due" while a renewal is unpaid (PAST_DUE): what is owed and since when,
 * the card's next try and when the plan ends; "Pay now" charges the card on file, with the bank's
 * authentication when it asks. Replacing the card is the Payment method section's. */
export function RenewalDue({
  due,
  card,
  onDone,
}: {
  due: RenewalDueFieldsFragment;
  card: CardFieldsFragment | null;
  onDone: (message: string) => void;
}) {
  const [, runPay] = useMutation(PayRenewalDocument);
  const authenticate = useAuthenticatePayment();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const renewal = `${due.plan.name} plan's renewal`;

  function settled(outcome: Settled) {
    if (outcome.kind === "paid") onDone(`Your ${renewal} is paid. ${paid(outcome.payment)}`);
    else if (outcome.kind === "pending") onDone(outcome.message);
    else setRefusal(outcome.message);
  }

  async function answered(outcome: PayRenewalMutation["payRenewal"]) {
    switch (outcome.__typename) {
      case "PaymentSucceeded":
        settled({ kind: "paid", payment: outcome.payment });
        break;
      case "NothingDue":
        onDone(outcome.message);
        break;
      case "PaymentMethodRequired":
      case "PaymentDeclined":
        setRefusal(outcome.message);
        break;
      case "PaymentActionRequired":
        settled(await authenticate(outcome.clientSecret, outcome.payment));
        break;
      case "PaymentPending":
        onDone(pending(outcome.payment));
        break;
    }
  }

  async function pay() {
    setRefusal(null);
    setBusy(true);
    try {
      const result = await runPay({});
      const outcome = result.data?.payRenewal;
      if (result.error || !outcome)
        setRefusal(result.error ? describeError(result.error) : "The renewal could not be paid. Try again.");
      else await answered(outcome);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="card due" aria-labelledby="due-heading">
      <h2 id="due-heading">Payment due</h2>
      <p class="banner warning">
        Your {renewal} of <strong>{money(due.owedCents)}</strong> is not paid yet (due since {day(due.since)}).
        Until it is, your rollover and top-up credits stay usable but this period's plan credits wait. Unpaid on{" "}
        {day(due.endsAt)}, the plan ends and you move to the Free plan.
      </p>
      <dl class="facts">
        <div>
          <dt>Tries so far</dt>
          <dd>{due.attempts}</dd>
        </div>
        {due.nextAttemptAt && (
          <div>
            <dt>Next try on your card</dt>
            <dd>{dateTime(due.nextAttemptAt)}</dd>
          </div>
        )}
      </dl>
      {refusal && (
        <p class="refusal" role="alert">
          {refusal}
        </p>
      )}
      <p>
        {card
          ? `Pay now with ${cardShort(card)}, or replace the card below first.`
          : "Add a card below, then pay now."}
      </p>
      <button type="button" class="button primary" disabled={busy || !card} onClick={() => void pay()}>
        {busy ? "Paying…" : `Pay ${money(due.owedCents)} now`}
      </button>
    </section>
  );
}
