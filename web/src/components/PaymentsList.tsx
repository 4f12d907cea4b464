import { CombinedError } from "@urql/core";
import { useClient } from "@urql/preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";

import { amount, day } from "../format";
import { type PaymentFieldsFragment, PaymentsDocument } from "../gql/graphql";
import { statusText } from "../payment";
import { Empty, Failed, Loading } from "./states";

const PAGE_SIZE = 10;

interface Shown {
  payments: PaymentFieldsFragment[];
  endCursor: string | null;
  hasNextPage: boolean;
  loading: boolean;
  /** Loading a next page, not the first again. */
  more: boolean;
  error: CombinedError | null;
}

/** The account's payments, newest first: the first page, then each page "Load more" adds; loaded
 * again from the start whenever `version` changes (after a payment). */
export function PaymentsList({ version }: { version: number }) {
  const client = useClient();
  const [shown, setShown] = useState<Shown>({
    payments: [],
    endCursor: null,
    hasNextPage: false,
    loading: true,
    more: false,
    error: null,
  });
  const generation = useRef(0);
  const load = useCallback(
    async (after: string | null, before: PaymentFieldsFragment[]) => {
      const current = ++generation.current;
      // Loading again from the start keeps the rows shown until the new ones arrive.
      setShown((was) => ({ ...was, payments: after === null ? was.payments : before, loading: true, more: after !== null, error: null }));
      const result = await client
        .query(PaymentsDocument, { first: PAGE_SIZE, after }, { requestPolicy: "network-only" })
        .toPromise();
      if (current !== generation.current) return;
      const page = result.data?.viewer.payments;
      if (result.error || !page) {
        const error =
          result.error ?? new CombinedError({ graphQLErrors: [{ message: "The payments could not be read. Try again." }] });
        setShown((was) => ({ ...was, loading: false, more: false, error }));
        return;
      }
      setShown({
        payments: [...before, ...page.edges.map((edge) => edge.node)],
        endCursor: page.pageInfo.endCursor ?? null,
        hasNextPage: page.pageInfo.hasNextPage,
        loading: false,
        more: false,
        error: null,
      });
    },
    [client],
  );
  useEffect(() => void load(null, []), [load, version]);
  const loadMore = () => void load(shown.endCursor, shown.payments);
  const waiting = shown.payments.filter((payment) => payment.status === "PENDING");

  return (
    <section class="card" aria-labelledby="payments-heading">
      <h2 id="payments-heading">Payments</h2>
      {waiting.map((payment) => (
        <p key={payment.id} class="banner warning">
          A payment of {amount(payment.amountCents, payment.currency)} is pending ({payment.description}): it applies
          once your bank confirms it.
        </p>
      ))}
      {shown.payments.length > 0 ? (
        <div class="table-wrap">
          <table class="entries">
            <caption class="visually-hidden">Your payments, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">What for</th>
                <th scope="col" class="number">
                  Amount
                </th>
                <th scope="col">Card</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {shown.payments.map((payment) => (
                <tr key={payment.id} class={payment.status === "PENDING" ? "pending" : undefined}>
                  <td>{day(payment.createdAt)}</td>
                  <td>{payment.description}</td>
                  <td class="number">{amount(payment.amountCents, payment.currency)}</td>
                  <td>{payment.card}</td>
                  <td>{statusText(payment)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : shown.loading ? (
        // Not a second status on the Plan page, whose status line says what a change did.
        <p class="state" aria-busy="true">
          Loading your payments…
        </p>
      ) : shown.error ? null : (
        <Empty title="No payments yet.">
          <p>Plan changes and credit packs you pay for show here.</p>
        </Empty>
      )}
      {shown.error && <Failed error={shown.error} retry={() => void load(null, [])} />}
      {shown.more && (
        <Loading what="more payments" />
      )}
      {shown.hasNextPage && !shown.loading && !shown.error && (
        <button type="button" class="button load-more" onClick={loadMore}>
          Load more
        </button>
      )}
    </section>
  );
}
