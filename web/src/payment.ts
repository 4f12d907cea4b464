// A payment's outcome once the service has answered: paid, declined, pending, or the bank's
// authentication (3D Secure) first and then the service's answer on it.
import { useClient, useMutation } from "@urql/preact";
import { useCallback } from "preact/hooks";

import { outsideModal } from "./components/Dialog";
import { describeError } from "./errors";
import { amount } from "./format";
import { ConfirmPaymentDocument, type PaymentFieldsFragment, type PaymentStatus } from "./gql/graphql";
import { getStripe, runAuthentication, stripeProblem } from "./stripe";

export type Settled =
  | { kind: "paid"; payment: PaymentFieldsFragment }
  | { kind: "declined"; message: string }
  | { kind: "pending"; message: string }
  /** Nothing known to have happened: Confirm again (the same key) may go on. */
  | { kind: "failed"; message: string };

export const paid = (payment: PaymentFieldsFragment): string =>
  `Paid ${amount(payment.amountCents, payment.currency)} with ${payment.card}.`;

export const pending = (payment: PaymentFieldsFragment): string =>
  `Your payment of ${amount(payment.amountCents, payment.currency)} is pending: it applies once your bank confirms it.`;

export function statusText(payment: PaymentFieldsFragment): string {
  const refunded = amount(payment.refundedCents, payment.currency);
  const words: Record<PaymentStatus, string> = {
    SUCCEEDED: payment.refundedCents > 0 ? `Paid, ${refunded} refunded` : "Paid",
    PENDING: "Pending",
    REQUIRES_ACTION: "Awaiting authentication",
    FAILED: `Declined: ${payment.failureReason ?? "no reason given"}`,
    REFUNDED: `Refunded ${refunded}`,
    DISPUTED: "Disputed",
  };
  return words[payment.status];
}

/** After the service asked for the bank's authentication: the challenge (outside the modal dialog,
 * see outsideModal), then confirmPayment, which applies what was paid for once. */
export function useAuthenticatePayment(): (clientSecret: string, payment: PaymentFieldsFragment) => Promise<Settled> {
  const client = useClient();
  const [, runConfirm] = useMutation(ConfirmPaymentDocument);
  return useCallback(
    async (clientSecret, payment) => {
      let authentication;
      try {
        const stripe = await getStripe(client);
        authentication = await outsideModal(() => runAuthentication(stripe, clientSecret));
      } catch (error) {
        return { kind: "failed", message: stripeProblem(error) };
      }
      const result = await runConfirm({ input: { paymentId: payment.id } });
      const outcome = result.data?.confirmPayment;
      if (result.error || !outcome)
        return { kind: "failed", message: result.error ? describeError(result.error) : "The payment could not be confirmed. Try again." };
      switch (outcome.__typename) {
        case "PaymentSucceeded":
          return { kind: "paid", payment: outcome.payment };
        case "PaymentDeclined":
          return { kind: "declined", message: outcome.message };
        case "PaymentActionRequired":
          // Authentication that went wrong on this side is worth another try; otherwise the bank decides.
          return authentication.ok
            ? { kind: "pending", message: pending(outcome.payment) }
            : { kind: "failed", message: authentication.message };
        case "PaymentPending":
          return { kind: "pending", message: pending(outcome.payment) };
      }
    },
    [client, runConfirm],
  );
}
